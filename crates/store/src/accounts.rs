use chrono::{DateTime, Utc};
use domain::account::{Email, NewUser, PasswordHash, Role, User, is_active_admin, keep_an_admin};
use domain::audit::{Author, Change};
use domain::register::OrgCode;

use crate::audit::audit_query;
use crate::connect::with_pool;
use crate::register::stored_code;
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    email: String,
    role: String,
    organisation_code: Option<String>,
    password_hash: String,
    disabled: bool,
    created_at: DateTime<Utc>,
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<(User, PasswordHash), StoreError> {
        let user = User {
            id: self.id,
            email: Email::parse(&self.email).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            role: Role::parse(&self.role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            organisation: self.organisation_code.as_deref().map(stored_code).transpose()?,
            disabled: self.disabled,
            created_at: self.created_at,
        };
        Ok((user, PasswordHash::from_stored(self.password_hash)))
    }
}

pub(crate) const USER_COLUMNS_BY_EMAIL: &str =
    "SELECT id, email, role, organisation_code, password_hash, disabled, created_at FROM users WHERE email = $1";

/// Ends every session of the account with id $1. Run inside the transaction of the change that calls for it, so
/// that no session outlives a new password or a disabled account by even one request.
pub(crate) const END_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

/// What may change about an account after it is made; each change is checked against the rule about admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    /// A role, with the organisation a respondent belongs to (checked by `NewUser::new` beforehand).
    Role {
        role: Role,
        organisation: Option<OrgCode>,
    },
    Disabled(bool),
}

impl AccountChange {
    fn action(&self) -> &'static str {
        match self {
            AccountChange::Role { .. } => "user.role",
            AccountChange::Disabled(true) => "user.disable",
            AccountChange::Disabled(false) => "user.enable",
        }
    }

    fn apply(&self, user: &User) -> User {
        match self {
            AccountChange::Role { role, organisation } => User { role: *role, organisation: organisation.clone(), ..user.clone() },
            AccountChange::Disabled(disabled) => User { disabled: *disabled, ..user.clone() },
        }
    }
}

impl Store {
    /// Makes an account, and records it in the audit log in the same transaction. An address in use already is
    /// `StoreError::Conflict(Conflict::Taken(UniqueField::Email))`.
    pub async fn add_user(&self, user: &NewUser, hash: &PasswordHash, change: &Change) -> Result<User, StoreError> {
        self.insert_user(user, hash, None, change).await
    }

    /// Makes an account without a usable password, with a one-time link (stored as the hash of its token) with
    /// which its owner chooses one; account, link and audit entry in one transaction.
    pub async fn invite_user(
        &self,
        user: &NewUser,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        change: &Change,
    ) -> Result<User, StoreError> {
        self.insert_user(user, &PasswordHash::unusable(), Some((token_hash, expires_at)), change).await
    }

    async fn insert_user(
        &self,
        user: &NewUser,
        hash: &PasswordHash,
        link: Option<(&str, DateTime<Utc>)>,
        change: &Change,
    ) -> Result<User, StoreError> {
        const INSERT: &str = "INSERT INTO users (email, role, organisation_code, password_hash, disabled, created_at)
            VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id";
        let created_at = crate::connect::now();
        let id: i64 = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(user.email.as_str())
                .bind(user.role.as_str())
                .bind(user.organisation.as_ref().map(OrgCode::as_str))
                .bind(hash.as_str())
                .bind(created_at)
                .fetch_one(&mut *tx)
                .await?;
            if let Some((token_hash, expires_at)) = link {
                crate::password_links::insert_link!(token_hash, id, created_at, expires_at).execute(&mut *tx).await?;
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await.map(|()| id)
        })?;
        Ok(User { id, email: user.email.clone(), role: user.role, organisation: user.organisation.clone(), disabled: false, created_at })
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        const SQL: &str = "SELECT id, email, role, organisation_code, password_hash, disabled, created_at FROM users ORDER BY email";
        let rows: Vec<UserRow> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        rows.into_iter().map(|row| row.into_user().map(|(user, _)| user)).collect()
    }

    /// The account with this address and its password hash, for signing in.
    pub async fn user_with_hash(&self, email: &Email) -> Result<(User, PasswordHash), StoreError> {
        let row: UserRow = with_pool!(self, |pool| sqlx::query_as(USER_COLUMNS_BY_EMAIL).bind(email.as_str()).fetch_one(pool).await)?;
        row.into_user()
    }

    /// The account with this id, if there is one.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        const SQL: &str = "SELECT id, email, role, organisation_code, password_hash, disabled, created_at FROM users WHERE id = $1";
        let row: Option<UserRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?;
        row.map(|row| row.into_user().map(|(user, _)| user)).transpose()
    }

    /// Replaces a password (a reset, or the owner's own change), ends every session of the account, and records
    /// that it was replaced (not the hash), all in one transaction.
    pub async fn set_password(&self, email: &Email, hash: &PasswordHash, change: &Change) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE users SET password_hash = $2 WHERE email = $1 RETURNING id";
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(SQL).bind(email.as_str()).bind(hash.as_str()).fetch_one(&mut *tx).await?;
            sqlx::query(END_SESSIONS).bind(id).execute(&mut *tx).await?;
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Stores a stronger hash of the same password, just proven right at sign-in. The password did not change, so
    /// the account's sessions go on.
    pub async fn rehash_password(&self, email: &Email, hash: &PasswordHash, change: &Change) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE users SET password_hash = $2 WHERE email = $1";
        let updated = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(SQL).bind(email.as_str()).bind(hash.as_str()).execute(&mut *tx).await?.rows_affected();
            if updated == 1 {
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await.map(|()| updated)
        })?;
        if updated == 1 { Ok(()) } else { Err(StoreError::NotFound) }
    }

    /// Disables an account, ending its sessions, or enables it again.
    pub async fn set_disabled(&self, email: &Email, disabled: bool, author: &Author) -> Result<User, StoreError> {
        self.change_account(email, &AccountChange::Disabled(disabled), author).await
    }

    /// Changes an account's role or whether it is disabled, recorded with the state before and after; a disabled
    /// account's sessions end in the same transaction. The last active admin stays (`StoreError::Refused`).
    pub async fn change_account(&self, email: &Email, change: &AccountChange, author: &Author) -> Result<User, StoreError> {
        // Locks the rows of every active admin before they are counted: on PostgreSQL two admins demoting each
        // other at once would otherwise each count the other and both succeed; on SQLite the first write takes the
        // database's write lock. The statement changes nothing.
        const LOCK_ADMINS: &str = "UPDATE users SET role = role WHERE role = 'admin' AND disabled = FALSE";
        const COUNT_ADMINS: &str = "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE";
        // The flag goes in as text and is compared in SQL, so that one statement and one binding serve both backends.
        const UPDATE: &str = "UPDATE users SET role = $2, organisation_code = $3, disabled = ($4 = 'true') WHERE id = $1";
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(LOCK_ADMINS).execute(&mut *tx).await?;
            let row: Option<UserRow> = sqlx::query_as(USER_COLUMNS_BY_EMAIL).bind(email.as_str()).fetch_optional(&mut *tx).await?;
            let (before, _) = row.ok_or(StoreError::NotFound)?.into_user()?;
            let after = change.apply(&before);
            let admins: i64 = sqlx::query_scalar(COUNT_ADMINS).fetch_one(&mut *tx).await?;
            let takes_an_admin_away = is_active_admin(&before) && !is_active_admin(&after);
            keep_an_admin(u64::try_from(admins).unwrap_or(0), takes_an_admin_away).map_err(StoreError::Refused)?;
            sqlx::query(UPDATE)
                .bind(after.id)
                .bind(after.role.as_str())
                .bind(after.organisation.as_ref().map(OrgCode::as_str))
                .bind(if after.disabled { "true" } else { "false" })
                .execute(&mut *tx)
                .await?;
            if after.disabled {
                sqlx::query(END_SESSIONS).bind(after.id).execute(&mut *tx).await?;
            }
            let entry = author.change(change.action(), after.email.to_string(), Some(before.audit_state()), Some(after.audit_state()));
            audit_query!(entry).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(after)
        })
    }
}

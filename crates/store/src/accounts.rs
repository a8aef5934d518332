use chrono::{DateTime, Utc};
use domain::account::{Email, NewUser, PasswordHash, Role, User};
use domain::audit::Change;
use domain::register::OrgCode;

use crate::audit::audit_query;
use crate::connect::with_pool;
use crate::register::stored_code;
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    role: String,
    organisation_code: Option<String>,
    password_hash: String,
    disabled: bool,
    created_at: DateTime<Utc>,
}

impl UserRow {
    fn into_user(self) -> Result<(User, PasswordHash), StoreError> {
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

const USER_COLUMNS_BY_EMAIL: &str =
    "SELECT id, email, role, organisation_code, password_hash, disabled, created_at FROM users WHERE email = $1";

impl Store {
    /// Makes an account, and records it in the audit log in the same transaction. An address in use already is
    /// `StoreError::Conflict("email")`.
    pub async fn add_user(&self, user: &NewUser, hash: &PasswordHash, change: &Change) -> Result<User, StoreError> {
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

    /// Replaces a password hash, and records that it was replaced (not the hash).
    pub async fn set_password(&self, email: &Email, hash: &PasswordHash, change: &Change) -> Result<(), StoreError> {
        self.update_user(email, "UPDATE users SET password_hash = $2 WHERE email = $1", hash.as_str(), change).await
    }

    /// Disables an account, or enables it again; recorded with the state before and after.
    pub async fn set_disabled(&self, email: &Email, disabled: bool, change: &Change) -> Result<(), StoreError> {
        // The flag goes in as text and is compared in SQL, so that one statement and one binding serve both backends.
        const SQL: &str = "UPDATE users SET disabled = ($2 = 'true') WHERE email = $1";
        self.update_user(email, SQL, if disabled { "true" } else { "false" }, change).await
    }

    /// Runs `statement` with the address as $1 and `value` as $2, and records `change` if an account was changed.
    async fn update_user(&self, email: &Email, statement: &'static str, value: &str, change: &Change) -> Result<(), StoreError> {
        let updated = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(statement).bind(email.as_str()).bind(value).execute(&mut *tx).await?.rows_affected();
            if updated == 1 {
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await.map(|()| updated)
        })?;
        if updated == 1 { Ok(()) } else { Err(StoreError::NotFound) }
    }
}

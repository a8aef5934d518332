//! One-time links with which someone chooses their own password, stored as the hashes of their tokens: made with
//! a new account (`Store::invite_user`) or by a reset, and used once before they expire.

use chrono::{DateTime, Utc};
use domain::account::{PasswordHash, User};
use domain::audit::{Author, Change};

use crate::accounts::{END_SESSIONS, USER_COLUMNS_BY_EMAIL, UserRow};
use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::{Store, StoreError};

/// Binds a new link to its insert, for use inside the transaction that makes the account or resets it.
macro_rules! insert_link {
    ($token_hash:expr, $user_id:expr, $created_at:expr, $expires_at:expr) => {
        sqlx::query("INSERT INTO password_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind($token_hash)
            .bind($user_id)
            .bind($created_at)
            .bind($expires_at)
    };
}
pub(crate) use insert_link;

/// What a link to choose a password turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordLink {
    /// It works, for this account.
    Valid(User),
    Expired,
    Used,
    Unknown,
}

const FIND: &str = "SELECT user_id, expires_at, used_at FROM password_links WHERE token_hash = $1";

impl Store {
    /// Resets an account: its password can no longer be used, its sessions end, its earlier links stop working,
    /// and a new link is stored; with the audit entry, in one transaction.
    pub async fn reset_account(
        &self,
        user: &User,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        author: &Author,
    ) -> Result<User, StoreError> {
        const UNUSABLE: &str = "UPDATE users SET password_hash = $2 WHERE email = $1";
        const OLD_LINKS: &str = "DELETE FROM password_links WHERE user_id = $1 AND used_at IS NULL";
        let after = serde_json::json!({"password": "reset: chosen again through a new link", "sessions": "ended"});
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let row: Option<UserRow> = sqlx::query_as(USER_COLUMNS_BY_EMAIL).bind(user.email.as_str()).fetch_optional(&mut *tx).await?;
            let (found, _) = row.ok_or(StoreError::NotFound)?.into_user()?;
            sqlx::query(UNUSABLE).bind(found.email.as_str()).bind(PasswordHash::unusable().as_str()).execute(&mut *tx).await?;
            sqlx::query(END_SESSIONS).bind(found.id).execute(&mut *tx).await?;
            sqlx::query(OLD_LINKS).bind(found.id).execute(&mut *tx).await?;
            insert_link!(token_hash, found.id, now(), expires_at).execute(&mut *tx).await?;
            let entry = author.change("user.reset", found.email.to_string(), Some(found.audit_state()), Some(after));
            audit_query!(entry).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(found)
        })
    }

    /// What the link with this hash is, without using it: for the page that asks for the password.
    pub async fn password_link(&self, token_hash: &str) -> Result<PasswordLink, StoreError> {
        let found: Option<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> =
            with_pool!(self, |pool| sqlx::query_as(FIND).bind(token_hash).fetch_optional(pool).await)?;
        Ok(match found {
            None => PasswordLink::Unknown,
            Some((_, _, Some(_))) => PasswordLink::Used,
            Some((_, expires_at, None)) if expires_at <= now() => PasswordLink::Expired,
            Some((user_id, _, None)) => match self.user_by_id(user_id).await? {
                Some(user) => PasswordLink::Valid(user),
                None => return Err(StoreError::Corrupt(format!("a password link names user {user_id}, who does not exist"))),
            },
        })
    }

    /// Uses the link to set the account's password, ends the account's sessions and records `change`, in one
    /// transaction. Marking the link used is one conditional update, so of two requests with the same link only
    /// one sets a password; the other is told the link is used (or expired, or unknown).
    pub async fn choose_password(&self, token_hash: &str, hash: &PasswordHash, change: &Change) -> Result<PasswordLink, StoreError> {
        const USE: &str =
            "UPDATE password_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id";
        const SET: &str = "UPDATE users SET password_hash = $2 WHERE id = $1";
        let used: Option<i64> = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let user_id: Option<i64> = sqlx::query_scalar(USE).bind(token_hash).bind(now()).fetch_optional(&mut *tx).await?;
            if let Some(id) = user_id {
                sqlx::query(SET).bind(id).bind(hash.as_str()).execute(&mut *tx).await?;
                sqlx::query(END_SESSIONS).bind(id).execute(&mut *tx).await?;
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await.map(|()| user_id)
        })?;
        match used {
            Some(id) => self.user_by_id(id).await?.map(PasswordLink::Valid).ok_or(StoreError::NotFound),
            None => self.password_link(token_hash).await,
        }
    }
}

//! Two-step sign-in: each staff account's authenticator secret, the newest code step it used, its recovery codes,
//! and the secret a session shows while the account sets up its app.

use domain::account::{Email, TotpSecret};
use domain::audit::Change;

use crate::accounts::END_SESSIONS;
use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::{Conflict, Record, Store, StoreError};

/// An account's second factor as stored.
#[derive(Debug, Clone)]
pub struct SecondFactor {
    pub secret: TotpSecret,
    /// The time step of the last code accepted; a code of this step or an older one is refused.
    pub last_step: Option<u64>,
}

fn step_from_db(step: Option<i64>) -> Result<Option<u64>, StoreError> {
    step.map(|s| u64::try_from(s).map_err(|_| StoreError::Corrupt(format!("a negative code step {s}")))).transpose()
}

fn step_to_db(step: u64) -> Result<i64, StoreError> {
    i64::try_from(step).map_err(|_| StoreError::Corrupt(format!("code step {step} is out of range")))
}

impl Store {
    /// The second factor of an account, or `None` if it has not set one up.
    pub async fn second_factor(&self, user_id: i64) -> Result<Option<SecondFactor>, StoreError> {
        const SQL: &str = "SELECT totp_secret, totp_last_step FROM users WHERE id = $1";
        let row: Option<(Option<String>, Option<i64>)> =
            with_pool!(self, |pool| sqlx::query_as(SQL).bind(user_id).fetch_optional(pool).await)?;
        let Some((Some(secret), last_step)) = row else { return Ok(None) };
        let secret = TotpSecret::from_base32(&secret).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(SecondFactor { secret, last_step: step_from_db(last_step)? }))
    }

    /// Keeps `secret` as the account's second factor, confirmed by a code of `step`, with the hashes of its new
    /// recovery codes, and records `change`, in one transaction. An account that set one up meanwhile (in another
    /// window) keeps that one: `Conflict::Stale(Record::SecondFactor)`.
    pub async fn confirm_second_factor(
        &self,
        user_id: i64,
        secret: &TotpSecret,
        step: u64,
        recovery_hashes: &[String],
        change: &Change,
    ) -> Result<(), StoreError> {
        const SET: &str = "UPDATE users SET totp_secret = $2, totp_last_step = $3 WHERE id = $1 AND totp_secret IS NULL";
        const FORGET: &str = "DELETE FROM recovery_codes WHERE user_id = $1";
        const ADD: &str = "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)";
        let step = step_to_db(step)?;
        let set = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let set = sqlx::query(SET).bind(user_id).bind(secret.to_base32()).bind(step).execute(&mut *tx).await?.rows_affected();
            if set == 1 {
                sqlx::query(FORGET).bind(user_id).execute(&mut *tx).await?;
                for hash in recovery_hashes {
                    sqlx::query(ADD).bind(user_id).bind(hash).execute(&mut *tx).await?;
                }
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await.map(|()| set)
        })?;
        if set == 1 { Ok(()) } else { Err(StoreError::Conflict(Conflict::Stale(Record::SecondFactor))) }
    }

    /// Marks the code of `step` as used, if no code of this step or a later one was: one conditional update, so two
    /// requests with the same code cannot both pass. `false` means the code was used already.
    pub async fn use_code_step(&self, user_id: i64, step: u64) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)";
        let step = step_to_db(step)?;
        let used = with_pool!(self, |pool| sqlx::query(SQL).bind(user_id).bind(step).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(used == 1)
    }

    /// Uses up one unused recovery code (by its hash) and records `change` with it, in one transaction; `false` if
    /// there is no such unused code.
    pub async fn use_recovery_code(&self, user_id: i64, code_hash: &str, change: &Change) -> Result<bool, StoreError> {
        const USE: &str = "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";
        let used = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let used = sqlx::query(USE).bind(user_id).bind(code_hash).bind(now()).execute(&mut *tx).await?.rows_affected();
            if used == 1 {
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await.map(|()| used == 1)
        })?;
        Ok(used)
    }

    /// How many unused recovery codes an account has.
    pub async fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";
        Ok(with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(user_id).fetch_one(pool).await)?)
    }

    /// Removes an account's second factor and recovery codes and ends its sessions, so that it sets up a new one at
    /// its next sign-in; recorded with `change`, in one transaction. An unknown address is `NotFound`.
    pub async fn reset_second_factor(&self, email: &Email, change: &Change) -> Result<(), StoreError> {
        const FIND: &str = "SELECT id FROM users WHERE email = $1";
        const RESET: &str = "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1";
        const FORGET: &str = "DELETE FROM recovery_codes WHERE user_id = $1";
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(FIND).bind(email.as_str()).fetch_one(&mut *tx).await?;
            for statement in [RESET, FORGET, END_SESSIONS] {
                sqlx::query(statement).bind(id).execute(&mut *tx).await?;
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Keeps the secret a session shows while its account sets up an app, so that a reload shows the same QR code.
    pub async fn set_pending_secret(&self, session_hash: &str, secret: &TotpSecret) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE sessions SET pending_totp_secret = $2 WHERE id_hash = $1 AND second_step";
        with_pool!(self, |pool| sqlx::query(SQL).bind(session_hash).bind(secret.to_base32()).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// The secret being set up in this session, if one was shown.
    pub async fn pending_secret(&self, session_hash: &str) -> Result<Option<TotpSecret>, StoreError> {
        const SQL: &str = "SELECT pending_totp_secret FROM sessions WHERE id_hash = $1 AND second_step";
        let stored: Option<Option<String>> =
            with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(session_hash).fetch_optional(pool).await)?;
        stored.flatten().map(|s| TotpSecret::from_base32(&s).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }
}

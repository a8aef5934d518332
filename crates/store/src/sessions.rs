//! Sessions, invitation links and failed attempts: the state behind signing in, kept in the database so that
//! several server processes share it.

use chrono::{DateTime, Utc};
use domain::access::{Principal, SessionState, second_step_expired, session_expired};
use domain::fieldwork::WaveId;
use domain::register::OrgCode;

use crate::connect::{now, with_pool};
use crate::register::stored_code;
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: Option<i64>,
    organisation_code: Option<String>,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    second_step: bool,
}

/// What an invitation link turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// Valid: it is now used, and signs in for this organisation.
    Valid(OrgCode),
    /// Valid, and made for the fieldwork of `wave`: it signs in for this organisation and leads to its
    /// questionnaire. Such a link stays valid until it expires.
    ValidForWave {
        organisation: OrgCode,
        wave: WaveId,
    },
    Unknown,
    Expired,
    Used,
}

/// The insert of a fieldwork link (reusable until it expires), to run on a pool or in a transaction.
macro_rules! wave_invitation_query {
    ($token_hash:expr, $organisation:expr, $wave:expr, $expires_at:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO invitations (token_hash, organisation_code, created_at, expires_at, wave_id, reusable)
            VALUES ($1, $2, $3, $4, $5, TRUE)",
        )
        .bind($token_hash)
        .bind($organisation.as_str())
        .bind($at)
        .bind($expires_at)
        .bind($wave.as_str())
    };
}
pub(crate) use wave_invitation_query;

impl Store {
    /// Starts a session under the hash of a fresh secret: signed in, or halfway (the second step still to come).
    pub async fn start_session(&self, id_hash: &str, state: &SessionState) -> Result<(), StoreError> {
        const SIGNED_IN: &str =
            "INSERT INTO sessions (id_hash, user_id, organisation_code, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)";
        const SECOND_STEP: &str = "INSERT INTO sessions (id_hash, user_id, organisation_code, created_at, last_seen_at, second_step)
            VALUES ($1, $2, $3, $4, $4, TRUE)";
        let (sql, user_id, organisation) = match state {
            SessionState::SignedIn(Principal::User(user)) => (SIGNED_IN, Some(user.id), None),
            SessionState::SignedIn(Principal::Invitation { organisation }) => (SIGNED_IN, None, Some(organisation.as_str())),
            SessionState::SecondStep(user) => (SECOND_STEP, Some(user.id), None),
        };
        with_pool!(self, |pool| sqlx::query(sql)
            .bind(id_hash)
            .bind(user_id)
            .bind(organisation)
            .bind(now())
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// What a live session stands for, touching it; `None` for an unknown, expired or disabled one. An expired
    /// session is deleted on sight.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionState>, StoreError> {
        const SQL: &str = "SELECT user_id, organisation_code, created_at, last_seen_at, second_step FROM sessions WHERE id_hash = $1";
        let row: Option<SessionRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id_hash).fetch_optional(pool).await)?;
        let Some(row) = row else { return Ok(None) };
        let at = now();
        if session_expired(row.created_at, row.last_seen_at, at) || (row.second_step && second_step_expired(row.created_at, at)) {
            self.end_session(id_hash).await?;
            return Ok(None);
        }
        let state = match (row.user_id, row.organisation_code) {
            (Some(id), _) => match self.user_by_id(id).await? {
                Some(user) if !user.disabled && row.second_step => SessionState::SecondStep(user),
                Some(user) if !user.disabled => SessionState::SignedIn(Principal::User(user)),
                _ => return Ok(None),
            },
            (None, Some(code)) => SessionState::SignedIn(Principal::Invitation { organisation: stored_code(&code)? }),
            (None, None) => return Err(StoreError::Corrupt(format!("session {id_hash} has no principal"))),
        };
        // Touch at most once a minute: a page view should not always be a write.
        if (at - row.last_seen_at).num_seconds() >= 60 {
            const TOUCH: &str = "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1";
            with_pool!(self, |pool| sqlx::query(TOUCH).bind(id_hash).bind(at).execute(pool).await.map(|_| ()))?;
        }
        Ok(Some(state))
    }

    pub async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        with_pool!(self, |pool| sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Stores an invitation link for `organisation` under the hash of its token.
    pub async fn add_invitation(&self, token_hash: &str, organisation: &OrgCode, expires_at: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO invitations (token_hash, organisation_code, created_at, expires_at) VALUES ($1, $2, $3, $4)";
        with_pool!(self, |pool| {
            sqlx::query(SQL).bind(token_hash).bind(organisation.as_str()).bind(now()).bind(expires_at).execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Stores the fieldwork link of `organisation` in `wave` under the hash of its token. Unlike an invitation made
    /// by hand, it may be used any number of times until it expires: a respondent answers over several sittings,
    /// and the letter says that the same link leads back.
    pub async fn add_wave_invitation(
        &self,
        token_hash: &str,
        organisation: &OrgCode,
        wave: &WaveId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, |pool| wave_invitation_query!(token_hash, organisation, wave, expires_at, now()).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Uses an invitation link before it expires: once, or, for a fieldwork link, as often as needed. Marking it
    /// used is one conditional update, so two requests with the same single-use link cannot both succeed.
    pub async fn redeem_invitation(&self, token_hash: &str) -> Result<Redemption, StoreError> {
        const USE: &str = "UPDATE invitations SET used_at = $2 WHERE token_hash = $1 AND (used_at IS NULL OR reusable) AND expires_at > $2";
        const FIND: &str = "SELECT organisation_code, used_at, wave_id FROM invitations WHERE token_hash = $1";
        let at = now();
        let used = with_pool!(self, |pool| sqlx::query(USE).bind(token_hash).bind(at).execute(pool).await.map(|r| r.rows_affected()))?;
        let found: Option<(String, Option<DateTime<Utc>>, Option<String>)> =
            with_pool!(self, |pool| sqlx::query_as(FIND).bind(token_hash).fetch_optional(pool).await)?;
        Ok(match found {
            None => Redemption::Unknown,
            Some((code, _, Some(wave))) if used == 1 => {
                Redemption::ValidForWave { organisation: stored_code(&code)?, wave: WaveId::parse(&wave).map_err(StoreError::Corrupt)? }
            }
            Some((code, _, None)) if used == 1 => Redemption::Valid(stored_code(&code)?),
            // A fieldwork link is reusable, so when one is refused it has expired, whether it was used or not.
            Some((_, Some(_), None)) => Redemption::Used,
            Some(_) => Redemption::Expired,
        })
    }

    /// Records a failed attempt under `key` (an account or an address), and forgets attempts older than `since`.
    pub async fn record_failure(&self, key: &str, since: DateTime<Utc>) -> Result<(), StoreError> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM failed_attempts WHERE key = $1 AND at < $2").bind(key).bind(since).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO failed_attempts (key, at) VALUES ($1, $2)").bind(key).bind(now()).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// The times of the failed attempts under `key` since `since`.
    pub async fn failures(&self, key: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, StoreError> {
        const SQL: &str = "SELECT at FROM failed_attempts WHERE key = $1 AND at >= $2 ORDER BY at";
        Ok(with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(key).bind(since).fetch_all(pool).await)?)
    }
}

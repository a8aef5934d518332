//! Personal API tokens, stored as the hashes of their secrets (as sessions and links are): made, listed, used and
//! revoked, each with its audit entry.

use chrono::{DateTime, Utc};
use domain::access::api_token::{ApiToken, TokenName, TokenScope, TokenState};
use domain::account::User;
use domain::audit::{Actor, Author, Origin};

use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    scope: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

/// A query of tokens: their columns, then `$condition`.
macro_rules! tokens_where {
    ($condition:literal) => {
        concat!("SELECT id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens ", $condition)
    };
}

/// What a token presented with a request turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenUse {
    /// It works: its use is recorded, and the request is its owner's.
    Accepted(ApiToken),
    /// It is known but does not work (revoked, expired, or its owner may no longer hold one).
    Refused(TokenState),
    /// It works, but not for what was asked: recorded as refused.
    OutOfScope,
    Unknown,
}

impl Store {
    /// Stores a new token of `owner` under the hash of its secret, with its audit entry, in one transaction.
    pub async fn create_api_token(
        &self,
        owner: &User,
        token_hash: &str,
        name: &TokenName,
        scope: TokenScope,
        expires_at: DateTime<Utc>,
        author: &Author,
    ) -> Result<ApiToken, StoreError> {
        const INSERT: &str = "INSERT INTO api_tokens (token_hash, user_id, name, scope, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let created_at = now();
        let mut token = ApiToken {
            id: 0,
            owner: owner.clone(),
            name: name.as_str().to_owned(),
            scope,
            created_at,
            expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        let id: i64 = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(token_hash)
                .bind(owner.id)
                .bind(name.as_str())
                .bind(scope.as_str())
                .bind(created_at)
                .bind(expires_at)
                .fetch_one(&mut *tx)
                .await?;
            let target = ApiToken { id, ..token.clone() }.audit_target();
            let after = serde_json::json!({"scope": scope.as_str(), "expires_at": expires_at.to_rfc3339()});
            let change = author.change("api_token.create", target, None, Some(after));
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await.map(|()| id)
        })?;
        token.id = id;
        Ok(token)
    }

    /// The tokens of one account, or of every account (`None`), newest first.
    pub async fn api_tokens(&self, owner: Option<i64>) -> Result<Vec<ApiToken>, StoreError> {
        let rows: Vec<TokenRow> = match owner {
            Some(id) => {
                const SQL: &str = tokens_where!("WHERE user_id = $1 ORDER BY created_at DESC, id DESC");
                with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).fetch_all(pool).await)?
            }
            None => {
                const SQL: &str = tokens_where!("ORDER BY created_at DESC, id DESC");
                with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?
            }
        };
        let mut tokens = Vec::with_capacity(rows.len());
        for row in rows {
            tokens.push(self.with_owner(row).await?);
        }
        Ok(tokens)
    }

    pub async fn api_token(&self, id: i64) -> Result<ApiToken, StoreError> {
        const SQL: &str = tokens_where!("WHERE id = $1");
        let row: Option<TokenRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?;
        self.with_owner(row.ok_or(StoreError::NotFound)?).await
    }

    /// Revokes a token for good, with its audit entry. Revoking one that is revoked already changes nothing.
    pub async fn revoke_api_token(&self, id: i64, author: &Author) -> Result<ApiToken, StoreError> {
        const REVOKE: &str = "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
        let token = self.api_token(id).await?;
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let revoked = sqlx::query(REVOKE).bind(id).bind(now()).execute(&mut *tx).await?.rows_affected();
            if revoked == 1 {
                let change = author.change("api_token.revoke", token.audit_target(), None, None);
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        self.api_token(id).await
    }

    /// Uses the token with this hash for `what` (the path asked for), which needs `scope`: when it works, its last use
    /// is set and the use recorded in the audit log in the name of its owner; a known token that does not work (or
    /// not for `scope`) is recorded as refused.
    pub async fn use_api_token(&self, token_hash: &str, scope: TokenScope, what: &str, origin: &Origin) -> Result<TokenUse, StoreError> {
        const TOUCH: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
        const SQL: &str = tokens_where!("WHERE token_hash = $1");
        let row: Option<TokenRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(token_hash).fetch_optional(pool).await)?;
        let Some(row) = row else { return Ok(TokenUse::Unknown) };
        let token = self.with_owner(row).await?;
        let at = now();
        let state = token.state(at);
        let accepted = state == TokenState::Active && token.scope == scope;
        let author = Author::new(Actor::User { id: token.owner.id, email: token.owner.email.clone() }, origin.clone());
        let after = serde_json::json!({"path": what, "state": state.label(), "scope": token.scope.as_str(), "needed": scope.as_str()});
        let action = if accepted { "api_token.use" } else { "api_token.refused" };
        let change = author.change(action, token.audit_target(), None, Some(after));
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            if accepted {
                sqlx::query(TOUCH).bind(token.id).bind(at).execute(&mut *tx).await?;
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(match state {
            TokenState::Active if accepted => TokenUse::Accepted(ApiToken { last_used_at: Some(at), ..token }),
            TokenState::Active => TokenUse::OutOfScope,
            refused => TokenUse::Refused(refused),
        })
    }

    async fn with_owner(&self, row: TokenRow) -> Result<ApiToken, StoreError> {
        let owner = self
            .user_by_id(row.user_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("API token {} names user {}, who does not exist", row.id, row.user_id)))?;
        let scope = TokenScope::parse(&row.scope)
            .ok_or_else(|| StoreError::Corrupt(format!("API token {} has the unknown scope {}", row.id, row.scope)))?;
        Ok(ApiToken {
            id: row.id,
            owner,
            name: row.name,
            scope,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
    }
}

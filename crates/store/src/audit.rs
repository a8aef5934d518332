use chrono::{DateTime, Utc};
use domain::audit::{AuditEntry, Change};

use crate::connect::with_pool;
use crate::{Store, StoreError};

/// Which entries of the audit log to read; every field narrows.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    /// Part of the actor's description, e.g. an e-mail address.
    pub actor: Option<String>,
    pub target: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
    address: Option<String>,
    request_id: Option<String>,
    upstream_request_id: Option<String>,
}

pub(crate) const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (at, actor, action, target, before, after, address, request_id, upstream_request_id, scope)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Binds a change to `INSERT_AUDIT`, for use inside the transaction that makes the change. `$change` is read
/// several times: pass a variable, not an expression that builds one.
macro_rules! audit_query {
    ($change:expr) => {
        sqlx::query($crate::audit::INSERT_AUDIT)
            .bind($crate::connect::now())
            .bind($change.actor.describe())
            .bind($change.action)
            .bind(&$change.target)
            .bind($change.before.as_ref().map(|value| value.to_string()))
            .bind($change.after.as_ref().map(|value| value.to_string()))
            .bind($change.origin.address.as_deref())
            .bind($change.origin.request_id.as_deref())
            .bind($change.origin.upstream_request_id.as_deref())
            .bind($crate::audit::scope_key($change.action, &$change.target))
    };
}
pub(crate) use audit_query;

/// The scope an entry is kept under (`domain::data_version`). An action the scope rule does not know makes every
/// public page and figure be written again: safe, but slow when such changes are frequent (a sign-in once was one),
/// so each is logged, for its action to be named in the rule.
pub(crate) fn scope_key(action: &str, target: &str) -> Option<String> {
    let scope = domain::data_version::Scope::of(action, target)?;
    if matches!(scope, domain::data_version::Scope::Everything) {
        tracing::warn!(action, target, "this change's action has no scope in domain::data_version: every public page is written again");
    }
    Some(scope.key())
}

/// The state of a record as the audit log keeps it.
pub(crate) fn as_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|error| serde_json::Value::String(format!("(not serialisable: {error})")))
}

impl Store {
    /// Records an event that changes nothing else, such as a login.
    pub async fn record(&self, change: &Change) -> Result<(), StoreError> {
        with_pool!(self, |pool| audit_query!(change).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// When the audit entry `id` was written; `None` when there is no such entry.
    pub async fn audit_time(&self, id: i64) -> Result<Option<DateTime<Utc>>, StoreError> {
        const SQL: &str = "SELECT at FROM audit_log WHERE id = $1";
        let at: Option<(DateTime<Utc>,)> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?;
        Ok(at.map(|(at,)| at))
    }

    /// Entries matching `filter`, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        const SQL: &str = "SELECT id, at, actor, action, target, before, after, address, request_id, upstream_request_id FROM audit_log
            WHERE ($1 IS NULL OR action = $1)
              AND ($2 IS NULL OR LOWER(actor) LIKE $2)
              AND ($3 IS NULL OR target = $3)
              AND ($4 IS NULL OR at >= $4)
              AND ($5 IS NULL OR at < $5)
            ORDER BY id DESC LIMIT $6";
        let rows: Vec<AuditRow> = with_pool!(self, |pool| {
            sqlx::query_as(SQL)
                .bind(filter.action.as_deref())
                .bind(filter.actor.as_deref().map(|actor| format!("%{}%", actor.to_lowercase().replace(['%', '_'], ""))))
                .bind(filter.target.as_deref())
                .bind(filter.from)
                .bind(filter.until)
                .bind(filter.limit.unwrap_or(i64::MAX))
                .fetch_all(pool)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                action: r.action,
                target: r.target,
                before: r.before,
                after: r.after,
                address: r.address,
                request_id: r.request_id,
                upstream_request_id: r.upstream_request_id,
            })
            .collect())
    }
}

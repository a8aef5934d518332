use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::AppState;

/// Liveness: the process answers. It asks nothing of the database, so that a database away for a moment does not
/// make a supervisor restart every process at once.
pub async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: 200 with the database's state when it answers and has the schema this binary expects; 503 otherwise,
/// so a load balancer takes the process out of rotation until it can serve.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.store.backend().name();
    match state.store.health().await {
        Ok(health) if health.schema_version == health.expected_schema_version => (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": {"backend": backend, "status": "bereikbaar", "schemaVersie": health.schema_version}})),
        ),
        Ok(health) => {
            // A database ahead of the binary was migrated by a newer one (an upgrade under way): this process is the
            // one to replace, and migrating with it would fail.
            let status = if health.schema_version > health.expected_schema_version {
                "database is nieuwer dan dit programma: vervang dit proces door de nieuwe versie"
            } else {
                "migratie nodig: voer inbeeld migrate uit"
            };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": {
                    "backend": backend, "status": status,
                    "schemaVersie": health.schema_version, "verwachteSchemaVersie": health.expected_schema_version}})),
            )
        }
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": {"backend": backend, "status": "onbereikbaar"}})),
            )
        }
    }
}

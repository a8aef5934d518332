//! `/metingen/{id}/antwoorden`: every answer of every response of a wave, as the staff download
//! `/beheer/metingen/{wave}/antwoorden.json` has them. Staff only, by session or personal API token (`bearer`):
//! in the route table, not in the API's public router, so no cache keeps it and no other site reads it.

use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;
use store::StoreError;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::export::json_download;
use crate::extract::ApiPath;

use super::params;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RuwePad {
    /// Het id van de meting, bijvoorbeeld `eerste-meting`.
    id: String,
}

/// Alle antwoorden van een meting, ruw: alleen voor beheerders en analisten.
///
/// Elke ingediende of nog open respons met al haar antwoorden, ook contactgegevens en vrije teksten, in dezelfde
/// vorm als de download `/beheer/metingen/{id}/antwoorden.json`. Alleen met een persoonlijke API-sleutel
/// (`Authorization: Bearer …`, te maken op `/beheer/sleutels`) of een sessie van een beheerder of analist; nooit
/// openbaar, en nooit bewaard door een cache.
#[utoipa::path(
    get,
    path = "/metingen/{id}/antwoorden",
    operation_id = "ruweAntwoordenOphalen",
    tag = "metingen",
    params(RuwePad),
    security(("apiSleutel" = [])),
    responses(
        (status = 200, description = "De ruwe antwoorden van de meting.", body = Object, content_type = "application/json"),
        (status = 400, description = "Het id is geen id van een meting (kleine letters, cijfers en koppeltekens).", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Geen, een onbekende, verlopen of ingetrokken API-sleutel.", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`: deze resource vraagt een API-sleutel."))),
        (status = 403, description = "De sleutel of de sessie geeft geen toegang tot ruwe antwoorden.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Er is geen meting met dit id.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(State(state): State<AppState>, ApiPath(path): ApiPath<RuwePad>) -> Result<Response, ApiError> {
    let id = params::wave_id(&path.id)?;
    let wave = match state.store.wave(&id).await {
        Err(StoreError::NotFound) => return Err(ApiError(WebError::NotFound(format!("Er is geen meting ‘{id}’.")))),
        other => other?,
    };
    let export = app::export::Export::prepare(&state.store, wave).await?;
    let mut response = json_download(state.store.clone(), export);
    // A resource of the API, not a file to save.
    response.headers_mut().remove(header::CONTENT_DISPOSITION);
    Ok(response)
}

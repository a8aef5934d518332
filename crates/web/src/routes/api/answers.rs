//! `/metingen/{id}/organisaties/{code}`: the public answers of one municipality in a published wave, the same
//! answers as its row in the open data (`routes::public::answers`, `/metingen/{id}/antwoorden.csv`): only when it
//! submitted, and only to the questions the questionnaire marks public.

use axum::Json;
use axum::extract::State;
use domain::fieldwork::{ResponseState, Wave};
use domain::register::{OrgCode, Organisation};
use serde::{Deserialize, Serialize};
use store::StoreError;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::ApiPath;
use crate::routes::public::answers::{public_export, published_wave};

use super::params;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AntwoordenPad {
    /// Id van de meting, bijvoorbeeld eerste-meting.
    id: String,
    /// CBS-code van de gemeente, bijvoorbeeld GM0363.
    code: String,
}

/// De openbare antwoorden van één gemeente in een gepubliceerde meting.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GemeenteAntwoorden {
    /// Id van de meting.
    #[schema(example = "eerste-meting")]
    meting: String,
    /// Waar: de antwoorden zijn gesimuleerd (getrokken voor de demonstratie), geen antwoorden van gemeenten.
    gesimuleerd: bool,
    /// CBS-code van de gemeente.
    #[schema(example = "GM0363")]
    code: String,
    #[schema(example = "Amsterdam")]
    naam: String,
    /// CBS-code van de provincie van de gemeente in het register.
    #[schema(example = "PV27")]
    provincie: Option<String>,
    /// Id van de vragenlijst.
    #[schema(example = "eerste-meting-2010")]
    vragenlijst: String,
    /// De versie van de vragenlijst die de gemeente beantwoordde.
    vragenlijst_versie: i64,
    /// Elke openbare vraag van de meting, in de volgorde van de open data; `antwoord` is leeg als de gemeente de
    /// vraag niet beantwoordde of niet kreeg.
    antwoorden: Vec<OpenbaarAntwoord>,
    links: GemeenteAntwoordenLinks,
}

/// Het antwoord op één openbare vraag.
#[derive(Serialize, ToSchema)]
pub struct OpenbaarAntwoord {
    /// De naam van de vraag: de kolom (of het begin van de kolommen) in de open data.
    #[schema(example = "leading_theme")]
    vraag: String,
    /// `single_choice`, `multiple_choice`, `scale`, `number`, `short_text`, `long_text` of `block_matrix`.
    #[schema(example = "single_choice")]
    vraagtype: String,
    /// De vraag in het Nederlands.
    tekst: String,
    /// Het antwoord zoals het bewaard is: de code van een keuze, een lijst codes bij meerkeuze, een getal, of bij
    /// de bouwstenen per bouwsteen `status`, `support_needed` en `support_forms`. De codes staan in het codeboek
    /// (`/metingen/{id}/antwoorden-codeboek.csv`).
    antwoord: Option<serde_json::Value>,
}

/// Waar de antwoorden van alle gemeenten staan.
#[derive(Serialize, ToSchema)]
pub struct GemeenteAntwoordenLinks {
    /// De meting in de API.
    meting: String,
    /// De gemeente in het register.
    organisatie: String,
    /// De openbare antwoorden van alle gemeenten als CSV (open data).
    csv: String,
    /// Het codeboek bij de CSV.
    codeboek: String,
}

fn not_found(detail: String) -> ApiError {
    ApiError(WebError::NotFound(detail))
}

/// Why there are no public answers for this organisation: it was not asked, or did not submit. Whether it began
/// the questionnaire is not said: a draft is not public.
fn unanswered(wave: &Wave, organisation: &Organisation) -> ApiError {
    let Organisation { code, name, .. } = organisation;
    let id = &wave.id;
    if !wave.asks(organisation) {
        not_found(format!(
            "de meting '{id}' vroeg {name} ({code}) niet: zij vroeg de gemeenten die op {} in het register stonden",
            wave.register_date()
        ))
    } else {
        not_found(format!(
            "{name} ({code}) heeft de vragenlijst van de meting '{id}' niet ingediend, dus er zijn geen antwoorden gepubliceerd"
        ))
    }
}

/// De openbare antwoorden van één gemeente in een gepubliceerde meting.
///
/// Alleen een gemeente die de vragenlijst indiende heeft antwoorden, en alleen op de vragen die de vragenlijst
/// openbaar maakt: waar de gemeente staat (leidend thema, bouwstenen, ondersteuning, samenwerking), geen
/// contactgegevens en geen vrije teksten. Dezelfde antwoorden als haar rij in `/metingen/{id}/antwoorden.csv`.
#[utoipa::path(
    get,
    path = "/metingen/{id}/organisaties/{code}",
    operation_id = "gemeenteAntwoordenOphalen",
    tag = "metingen",
    params(AntwoordenPad),
    responses(
        (status = 200, description = "De openbare antwoorden van de gemeente.", body = GemeenteAntwoorden),
        (status = 400, description = "Het id is geen id van een meting (kleine letters, cijfers en koppeltekens), of de code is geen CBS-code (GM en vier cijfers, of PV en twee).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen gepubliceerde meting met dit id, het register kent de code niet, de meting vroeg de gemeente niet, of de gemeente diende niet in.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(path): ApiPath<AntwoordenPad>) -> Result<Json<GemeenteAntwoorden>, ApiError> {
    let AntwoordenPad { id, code } = path;
    params::wave_id(&id)?;
    let code = OrgCode::parse(&code).map_err(|_| {
        ApiError(WebError::BadRequest(format!("'{code}' is geen CBS-code: een gemeente is GM met vier cijfers, bijvoorbeeld GM0363")))
    })?;
    let wave = published_wave(&state.store, &id)
        .await?
        .ok_or_else(|| not_found(format!("er is geen gepubliceerde meting '{id}'; de gepubliceerde metingen staan op /api/v1/metingen")))?;
    let organisation = match state.store.organisation(&code).await {
        Err(StoreError::NotFound) => return Err(not_found(format!("het register kent geen organisatie met code '{code}'"))),
        other => other?,
    };
    let response = state.store.response(&wave.id, &code).await?;
    let response = match response {
        Some(response) if response.state == ResponseState::Submitted => response,
        _ => return Err(unanswered(&wave, &organisation)),
    };
    let export = public_export(&state.store, wave).await.map_err(ApiError)?;
    let given = export.layout.answers(&response.answers);
    let mut antwoorden = Vec::with_capacity(export.layout.questions().len());
    for question in export.layout.questions() {
        let antwoord = given
            .get(question.name.as_str())
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| ApiError(WebError::Internal(format!("an answer could not be written as JSON: {e}"))))?;
        antwoorden.push(OpenbaarAntwoord {
            vraag: question.name.clone(),
            vraagtype: question.kind.code().to_owned(),
            tekst: question.text.nl.clone(),
            antwoord,
        });
    }
    let id = export.wave.id.as_str();
    Ok(Json(GemeenteAntwoorden {
        meting: id.to_owned(),
        gesimuleerd: export.wave.simulated,
        code: code.to_string(),
        naam: organisation.name,
        provincie: organisation.province.map(|p| p.to_string()),
        vragenlijst: response.questionnaire_id,
        vragenlijst_versie: response.questionnaire_version,
        antwoorden,
        links: GemeenteAntwoordenLinks {
            meting: format!("/api/v1/metingen/{id}"),
            organisatie: format!("/api/v1/organisaties/{code}"),
            csv: format!("/metingen/{id}/antwoorden.csv"),
            codeboek: format!("/metingen/{id}/antwoorden-codeboek.csv"),
        },
    }))
}

//! `/samenwerkingen`: the register of collaborations, as on the public pages.

use axum::Json;
use axum::extract::State;
use domain::collaboration::{Collaboration, Source};
use domain::register::{OrgCode, OrganisationKind};
use serde::{Deserialize, Serialize};
use store::StoreError;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::{ApiPath, ApiQuery};
use crate::routes::public::collaborations::RegisterFacts;

use super::params;

#[derive(Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CollaborationQuery {
    /// Alleen samenwerkingen waarvan deze gemeente lid is (CBS-code, bijvoorbeeld GM0363).
    gemeente: Option<String>,
}

/// Een lid van een samenwerking.
#[derive(Serialize, ToSchema)]
pub struct Lid {
    #[schema(example = "GM0193")]
    code: String,
    #[schema(example = "Zwolle")]
    naam: String,
}

/// Waar het register de samenwerking van weet.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bron {
    /// `enquete` (een antwoord in een meting, overgenomen door het monitorteam) of `monitorteam` (ingevoerd).
    #[schema(example = "enquete")]
    soort: String,
    /// De meting van het antwoord (alleen bij `enquete`).
    meting: Option<String>,
    /// De gemeente die antwoordde (alleen bij `enquete`).
    gemeente: Option<String>,
    /// In woorden.
    omschrijving: String,
}

/// Een samenwerking tussen gemeenten.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Samenwerking {
    id: i64,
    naam: String,
    /// De gebieden: `techniek`, `processen-en-informatiemanagement`, `strategie-en-beleid`.
    gebieden: Vec<String>,
    leden: Vec<Lid>,
    bron: Bron,
    /// Waar: getrokken uit gesimuleerde antwoorden (de demo), niet door gemeenten gegeven.
    gesimuleerd: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SamenwerkingLijst {
    aantal: usize,
    /// Op naam.
    samenwerkingen: Vec<Samenwerking>,
}

fn to_dto(collaboration: &Collaboration, facts: &RegisterFacts) -> Samenwerking {
    let (soort, meting, gemeente) = match &collaboration.source {
        Source::Team => ("monitorteam", None, None),
        Source::Survey { wave, organisation } => ("enquete", Some(wave.to_string()), Some(organisation.to_string())),
    };
    Samenwerking {
        id: collaboration.id,
        naam: collaboration.name.clone(),
        gebieden: collaboration.areas.iter().map(|a| a.code().to_owned()).collect(),
        leden: collaboration.members.iter().map(|code| Lid { code: code.to_string(), naam: facts.name(code) }).collect(),
        bron: Bron { soort: soort.to_owned(), meting, gemeente, omschrijving: facts.source(&collaboration.source) },
        gesimuleerd: collaboration.simulated,
    }
}

/// Het register van samenwerkingen, eventueel van één gemeente.
#[utoipa::path(
    get,
    path = "/samenwerkingen",
    operation_id = "samenwerkingenLijst",
    tag = "samenwerkingen",
    params(CollaborationQuery),
    responses(
        (status = 200, description = "De samenwerkingen, op naam.", body = SamenwerkingLijst),
        (status = 400, description = "De parameter gemeente is geen gemeentecode.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CollaborationQuery>,
) -> Result<Json<SamenwerkingLijst>, ApiError> {
    let member = query
        .gemeente
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| match OrgCode::parse(text) {
            Ok(code) if code.kind() == OrganisationKind::Gemeente => Ok(code),
            _ => Err(ApiError(WebError::BadRequest(format!(
                "parameter gemeente: '{text}' is geen gemeentecode (GM en vier cijfers, bijvoorbeeld GM0363)"
            )))),
        })
        .transpose()?;
    let facts = RegisterFacts::load(&state.store).await?;
    let samenwerkingen: Vec<Samenwerking> = state
        .store
        .collaborations()
        .await?
        .iter()
        .filter(|c| member.as_ref().is_none_or(|code| c.members.contains(code)))
        .map(|c| to_dto(c, &facts))
        .collect();
    Ok(Json(SamenwerkingLijst { aantal: samenwerkingen.len(), samenwerkingen }))
}

/// Eén samenwerking.
#[utoipa::path(
    get,
    path = "/samenwerkingen/{id}",
    operation_id = "samenwerkingOphalen",
    tag = "samenwerkingen",
    params(("id" = i64, Path, description = "Het nummer van de samenwerking")),
    responses(
        (status = 200, description = "De samenwerking.", body = Samenwerking),
        (status = 400, description = "Het nummer is geen heel getal vanaf 1.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Er is geen samenwerking met dit nummer.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<Samenwerking>, ApiError> {
    let missing = || ApiError(WebError::NotFound(format!("er is geen samenwerking met nummer '{id}'")));
    let number = params::number("id", &id)?;
    let collaboration = match state.store.collaboration(number).await {
        Err(StoreError::NotFound) => return Err(missing()),
        other => other?,
    };
    let facts = RegisterFacts::load(&state.store).await?;
    Ok(Json(to_dto(&collaboration, &facts)))
}

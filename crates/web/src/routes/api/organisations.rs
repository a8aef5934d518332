use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use domain::population::PopulationFigure;
use domain::register::{OrgCode, Organisation, OrganisationKind};
use serde::{Deserialize, Serialize};
use store::{OrganisationFilter, StoreError};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::{ApiPath, ApiQuery};
use crate::routes::register_view::{Entry, entries, today};

#[derive(Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Alleen organisaties die op deze datum bestaan (JJJJ-MM-DD). Zonder datum: alle organisaties, ook opgeheven.
    datum: Option<String>,
    /// Alleen gemeenten in deze provincie (CBS-code, bijvoorbeeld PV27).
    provincie: Option<String>,
    /// Alleen organisaties van deze soort: `gemeente` of `provincie`.
    soort: Option<String>,
    /// Deel van de naam of code.
    zoek: Option<String>,
}

/// Een organisatie in het register.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organisatie {
    /// CBS-code, bijvoorbeeld GM0363.
    #[schema(example = "GM0363")]
    code: String,
    naam: String,
    /// `gemeente` of `provincie`.
    soort: String,
    /// CBS-code van de provincie (alleen bij gemeenten).
    provincie: Option<String>,
    /// Eerste dag van het bestaan in het register (het register begint op 2011-01-01).
    geldig_vanaf: NaiveDate,
    /// Eerste dag waarop de organisatie niet meer bestaat; leeg als zij nog bestaat.
    geldig_tot: Option<NaiveDate>,
    /// Organisaties waarin het gebied op `geldigTot` opging, grootste deel eerst.
    opvolgers: Vec<String>,
    centroide: Option<Centroide>,
    /// Oppervlakte in km², bij benadering.
    oppervlakte_km2: Option<f64>,
    /// Het nieuwste inwonertal van CBS op of vóór de peildatum (zonder datum: vandaag); leeg als dat onbekend is.
    inwoners: Option<Inwoners>,
}

#[derive(Serialize, ToSchema)]
pub struct Centroide {
    lat: f64,
    lon: f64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inwoners {
    aantal: u64,
    peildatum: NaiveDate,
    bron: String,
    /// CBS-gemeentegrootteklasse (1 tot en met 8) die uit het aantal volgt.
    grootteklasse: u8,
    grootteklasse_omschrijving: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisatieLijst {
    /// De peildatum waarop gefilterd is, als die gegeven is.
    peildatum: Option<NaiveDate>,
    aantal: usize,
    organisaties: Vec<Organisatie>,
}

/// Een organisatie met haar voorgangers.
#[derive(Serialize, ToSchema)]
pub struct OrganisatieDetail {
    #[serde(flatten)]
    organisatie: Organisatie,
    /// Organisaties waarvan (een deel van) het gebied in deze organisatie opging.
    voorgangers: Vec<String>,
}

fn to_dto(entry: Entry) -> Organisatie {
    let Entry { organisation, population } = entry;
    let Organisation { code, name, province, valid_from, valid_to, successors, centroid, area_km2 } = organisation;
    Organisatie {
        soort: code.kind().as_str().to_owned(),
        code: code.to_string(),
        naam: name,
        provincie: province.map(|p| p.to_string()),
        geldig_vanaf: valid_from,
        geldig_tot: valid_to,
        opvolgers: successors.iter().map(ToString::to_string).collect(),
        centroide: centroid.map(|c| Centroide { lat: c.lat, lon: c.lon }),
        oppervlakte_km2: area_km2,
        inwoners: population.map(|f: PopulationFigure| Inwoners {
            grootteklasse: f.size_class().number(),
            grootteklasse_omschrijving: f.size_class().label(),
            aantal: f.population,
            peildatum: f.reference_date,
            bron: f.source,
        }),
    }
}

fn bad(parameter: &str, message: String) -> ApiError {
    ApiError(WebError::BadRequest(format!("parameter {parameter}: {message}")))
}

/// Organisaties in het register, gefilterd op datum, provincie, soort en naam.
#[utoipa::path(
    get,
    path = "/organisaties",
    operation_id = "organisatiesLijst",
    tag = "organisaties",
    params(OrganisationQuery),
    responses(
        (status = 200, description = "De organisaties die aan de filters voldoen, op naam.", body = OrganisatieLijst),
        (status = 400, description = "Een parameter is ongeldig.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(State(state): State<AppState>, ApiQuery(query): ApiQuery<OrganisationQuery>) -> Result<Json<OrganisatieLijst>, ApiError> {
    let text = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let date = text(&query.datum)
        .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad("datum", format!("'{d}' is geen datum in de vorm JJJJ-MM-DD"))))
        .transpose()?;
    let province = text(&query.provincie)
        .map(|p| match OrgCode::parse(&p) {
            Ok(code) if code.kind() == OrganisationKind::Provincie => Ok(code),
            _ => Err(bad("provincie", format!("'{p}' is geen provinciecode (PV en twee cijfers, bijvoorbeeld PV27)"))),
        })
        .transpose()?;
    let kind = text(&query.soort)
        .map(|k| OrganisationKind::parse(&k).ok_or_else(|| bad("soort", format!("'{k}' is geen soort; kies gemeente of provincie"))))
        .transpose()?;
    let filter = OrganisationFilter { date, province, kind, search: text(&query.zoek) };
    let found = entries(&state.store, &filter, date.unwrap_or_else(today), None).await?.entries;
    Ok(Json(OrganisatieLijst { peildatum: date, aantal: found.len(), organisaties: found.into_iter().map(to_dto).collect() }))
}

/// Eén organisatie, met opvolgers, voorgangers en het nieuwste inwonertal.
#[utoipa::path(
    get,
    path = "/organisaties/{code}",
    operation_id = "organisatieOphalen",
    tag = "organisaties",
    params(("code" = String, Path, description = "CBS-code, bijvoorbeeld GM0363")),
    responses(
        (status = 200, description = "De organisatie.", body = OrganisatieDetail),
        (status = 404, description = "Het register kent deze code niet.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(code): ApiPath<String>) -> Result<Json<OrganisatieDetail>, ApiError> {
    let not_found = || ApiError(WebError::NotFound(format!("het register kent geen organisatie met code '{code}'")));
    let parsed = OrgCode::parse(&code).map_err(|_| not_found())?;
    let organisation = match state.store.organisation(&parsed).await {
        Err(StoreError::NotFound) => return Err(not_found()),
        other => other?,
    };
    let predecessors = state.store.predecessors(&parsed).await?;
    let figures = state.store.population_figures(Some(today()), Some(&parsed)).await?;
    let population = domain::population::latest_on(figures, today()).remove(&parsed);
    Ok(Json(OrganisatieDetail {
        organisatie: to_dto(Entry { organisation, population }),
        voorgangers: predecessors.into_iter().map(|o| o.code.to_string()).collect(),
    }))
}

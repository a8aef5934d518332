use axum::Json;
use axum::extract::State;
use axum::http::header::LINK;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use chrono::NaiveDate;
use domain::paging::{PageRequest, PagingError};
use domain::population::PopulationFigure;
use domain::register::{OrgCode, Organisation, OrganisationKind};
use serde::{Deserialize, Serialize};
use store::{OrganisationFilter, StoreError};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::{ApiPath, ApiQuery};
use crate::routes::register_view::{Beyond, EntriesPage, Entry, entries_page, page_href, today};

use super::params::{self, bad};

/// How many organisations a page holds unless asked otherwise.
pub const DEFAULT_PAGE_SIZE: u64 = 100;
/// The most a page holds: the register of the Netherlands in one page, but never a register of 100,000.
pub const MAX_PAGE_SIZE: u64 = 1_000;

const LIST_PATH: &str = "/api/v1/organisaties";

#[derive(Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationQuery {
    /// Alleen organisaties die op deze datum bestaan (JJJJ-MM-DD). Zonder datum: alle organisaties, ook opgeheven.
    #[serde(skip_serializing_if = "Option::is_none")]
    datum: Option<String>,
    /// Alleen gemeenten in deze provincie (CBS-code, bijvoorbeeld PV27).
    #[serde(skip_serializing_if = "Option::is_none")]
    provincie: Option<String>,
    /// Alleen organisaties van deze soort: `gemeente` of `provincie`.
    #[serde(skip_serializing_if = "Option::is_none")]
    soort: Option<String>,
    /// Het begin van de naam, van een woord in de naam of van de code; hoofdletters en accenten tellen niet
    /// (`haag` vindt Den Haag, `munchen` München, `de-0916` DE-09162000).
    #[serde(skip_serializing_if = "Option::is_none")]
    zoek: Option<String>,
    /// De pagina, vanaf 1. Een pagina na de laatste is leeg.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<u64>, minimum = 1, example = 1)]
    pagina: Option<String>,
    /// Hoeveel organisaties een pagina bevat: 1 tot en met 1000, standaard 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[param(value_type = Option<u64>, minimum = 1, maximum = 1000, example = 100)]
    pagina_grootte: Option<String>,
}

/// Een organisatie in het register.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organisatie {
    /// CBS-code (GM0363, PV27), of voor een gemeente elders in Europa haar LAU-code van Eurostat: land, streepje
    /// en nationale code (DE-09162000).
    #[schema(example = "GM0363")]
    code: String,
    naam: String,
    /// `gemeente` of `provincie`.
    soort: String,
    /// CBS-code van de provincie (alleen bij gemeenten met een CBS-code; een gemeente met een LAU-code heeft geen provincie).
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

/// Eén pagina van de organisaties die aan de filters voldoen, met links naar de andere pagina's (HAL).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisatieLijst {
    #[serde(rename = "_links")]
    links: PaginaLinks,
    /// De peildatum waarop gefilterd is, als die gegeven is.
    peildatum: Option<NaiveDate>,
    /// Hoeveel organisaties aan de filters voldoen, op alle pagina's samen (ook in de header `X-Total-Count`).
    aantal: u64,
    /// Het nummer van deze pagina, vanaf 1.
    pagina: u64,
    /// Hoeveel organisaties een pagina ten hoogste bevat.
    pagina_grootte: u64,
    /// Hoeveel pagina's er zijn (minstens 1).
    aantal_paginas: u64,
    /// De organisaties van deze pagina, op soort en naam.
    organisaties: Vec<Organisatie>,
}

/// Links naar deze pagina en de pagina's eromheen, met dezelfde filters en paginagrootte. `prev` en `next`
/// ontbreken op de eerste en de laatste pagina.
#[derive(Serialize, ToSchema)]
pub struct PaginaLinks {
    #[serde(rename = "self")]
    zelf: Link,
    first: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    prev: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    next: Option<Link>,
    last: Link,
}

/// Een link in de vorm van HAL.
#[derive(Serialize, ToSchema)]
pub struct Link {
    #[schema(example = "/api/v1/organisaties?zoek=amster&pagina=2")]
    href: String,
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

/// Organisaties in het register, gefilterd op datum, provincie, soort en naam, per pagina.
#[utoipa::path(
    get,
    path = "/organisaties",
    operation_id = "organisatiesLijst",
    tag = "organisaties",
    params(OrganisationQuery),
    responses(
        (status = 200, description = "Eén pagina van de organisaties die aan de filters voldoen, op soort en naam, met links naar de andere pagina's.", body = OrganisatieLijst,
            headers(
                ("X-Total-Count" = u64, description = "Hoeveel organisaties aan de filters voldoen, op alle pagina's samen."),
                ("Link" = String, description = "Dezelfde links als `_links` (RFC 8288): first, prev, next en last.")
            )
        ),
        (status = 400, description = "Een parameter is ongeldig.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<OrganisationQuery>,
) -> Result<(HeaderMap, Json<OrganisatieLijst>), ApiError> {
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
    let page = PageRequest::parse(query.pagina.as_deref(), query.pagina_grootte.as_deref(), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE).map_err(
        |error| match error {
            PagingError::Number(typed) => bad("pagina", format!("'{typed}' is geen paginanummer; gebruik een heel getal vanaf 1")),
            PagingError::Size { typed, max } => {
                bad("paginaGrootte", format!("'{typed}' is geen paginagrootte; gebruik een heel getal van 1 tot en met {max}"))
            }
        },
    )?;
    let filter = OrganisationFilter { date, province, kind, search: text(&query.zoek), population: None };
    let EntriesPage { entries: found, total, page } =
        entries_page(&state.store, &filter, date.unwrap_or_else(today), page, Beyond::ShowEmpty).await?;

    // Every link keeps the filters and page size as they were asked, so that following one changes the page only.
    let mut kept: Vec<(&str, String)> =
        [("datum", &query.datum), ("provincie", &query.provincie), ("soort", &query.soort), ("zoek", &query.zoek)]
            .into_iter()
            .filter_map(|(name, value)| text(value).map(|value| (name, value)))
            .collect();
    if query.pagina_grootte.as_deref().is_some_and(|size| !size.trim().is_empty()) {
        kept.push(("paginaGrootte", page.size().to_string()));
    }
    let link = |number: u64| Link { href: page_href(LIST_PATH, &kept, "pagina", number) };
    let count = page.page_count(total);
    let links = PaginaLinks {
        zelf: link(page.number()),
        first: link(1),
        // Beyond the last page, the previous page is the last one that holds organisations.
        prev: page.previous().map(|previous| link(previous.number().min(count))),
        next: page.next(total).map(|next| link(next.number())),
        last: link(count),
    };
    let headers = paging_headers(&links, total);
    Ok((
        headers,
        Json(OrganisatieLijst {
            links,
            peildatum: date,
            aantal: total,
            pagina: page.number(),
            pagina_grootte: page.size(),
            aantal_paginas: count,
            organisaties: found.into_iter().map(to_dto).collect(),
        }),
    ))
}

/// `X-Total-Count`, and the links of the body once more as an RFC 8288 `Link` header, for clients that page by
/// headers.
fn paging_headers(links: &PaginaLinks, total: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static("x-total-count"), HeaderValue::from(total));
    let relations =
        [("first", Some(&links.first)), ("prev", links.prev.as_ref()), ("next", links.next.as_ref()), ("last", Some(&links.last))];
    let value: Vec<String> =
        relations.iter().filter_map(|(rel, link)| link.map(|link| format!("<{}>; rel=\"{rel}\"", link.href))).collect();
    // The hrefs are made of percent-encoded query pairs, so they are always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&value.join(", ")) {
        headers.insert(LINK, value);
    }
    headers
}

/// Eén organisatie, met opvolgers, voorgangers en het nieuwste inwonertal.
#[utoipa::path(
    get,
    path = "/organisaties/{code}",
    operation_id = "organisatieOphalen",
    tag = "organisaties",
    params(("code" = String, Path, description = "CBS-code (GM0363) of LAU-code (DE-09162000)")),
    responses(
        (status = 200, description = "De organisatie.", body = OrganisatieDetail),
        (status = 400, description = "De code is geen CBS- of LAU-code.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Het register kent deze code niet.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(code): ApiPath<String>) -> Result<Json<OrganisatieDetail>, ApiError> {
    let not_found = || ApiError(WebError::NotFound(format!("het register kent geen organisatie met code '{code}'")));
    let parsed = params::org_code(&code)?;
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

//! `/metingen`: the published waves and their figures, the same rows as the open-data downloads
//! (`routes::public::open_data`), with the definition of every indicator in the answer.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use domain::analysis::Proportion;
use domain::analysis::figures::{FigureRow, Indicator, group_code, headline_rows, parse_group_code, response_row, rows};
use domain::analysis::indicators::{Group, MIN_N};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::{ApiPath, ApiQuery};
use crate::figures::{WaveFigures, published_waves};
use crate::routes::public::open_data::{Cijfer, Definitie, Meting, definitions_of, meting, national_table, table};

use super::params::{self, bad};

#[derive(Serialize, ToSchema)]
pub struct MetingLijst {
    aantal: usize,
    /// De gepubliceerde metingen, nieuwste eerst.
    metingen: Vec<Meting>,
}

/// Hoeveel gevraagde gemeenten de vragenlijst indienden.
#[derive(Serialize, ToSchema)]
pub struct Respons {
    /// Het aantal gemeenten dat de vragenlijst indiende.
    aantal: usize,
    /// Het aantal gemeenten dat de meting vroeg.
    gevraagd: usize,
    /// `aantal` / `gevraagd`, van 0 tot en met 1; leeg als niemand gevraagd is.
    aandeel: Option<f64>,
}

impl From<&Proportion> for Respons {
    fn from(response: &Proportion) -> Self {
        Respons { aantal: response.count, gevraagd: response.n, aandeel: response.share }
    }
}

/// Een groep waarnaar de meting is uitgesplitst.
#[derive(Serialize, ToSchema)]
pub struct MetingGroep {
    /// De waarde voor de parameter `groep`.
    #[schema(example = "provincie:PV27")]
    code: String,
    #[schema(example = "Noord-Holland")]
    naam: String,
    respons: Respons,
    /// Waar: de groep heeft de minimale n gehaald en al haar cijfers zijn gepubliceerd; anders alleen de respons.
    gepubliceerd: bool,
}

/// Een gepubliceerde meting met haar respons, kerncijfers en groepen.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetingDetail {
    #[serde(flatten)]
    meting: Meting,
    respons: Respons,
    /// De landelijke kerncijfers: respons, dienstverlening als leidend thema, het gemiddelde aandeel bouwstenen in
    /// gebruik, behoefte aan collectieve ondersteuning, samenwerking op ICT en de focus van de plannen.
    kerncijfers: Vec<Cijfer>,
    /// Een uitsplitsing wordt alleen gepubliceerd bij minstens zoveel responderende gemeenten.
    minimum_n: usize,
    /// De provincies en grootteklassen, met hun respons.
    groepen: Vec<MetingGroep>,
    /// De definities van de indicatoren in `kerncijfers`.
    definities: Vec<Definitie>,
}

/// Cijfers van een meting.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorLijst {
    meting: Meting,
    /// De gevraagde groep; leeg als alle groepen gevraagd zijn.
    groep: Option<String>,
    /// De gevraagde indicator; leeg als alle indicatoren gevraagd zijn.
    indicator: Option<String>,
    /// Een uitsplitsing wordt alleen gepubliceerd bij minstens zoveel responderende gemeenten; daaronder alleen de
    /// respons.
    minimum_n: usize,
    minimum_n_regel: String,
    aantal: usize,
    /// Landelijk eerst, dan per groep; dezelfde rijen als `/metingen/{id}/indicatoren.csv`.
    indicatoren: Vec<Cijfer>,
    /// De definities van de indicatoren in `indicatoren`.
    definities: Vec<Definitie>,
}

#[derive(Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// Alleen de cijfers van deze groep: `nederland`, `provincie:<CBS-code>` (bijvoorbeeld `provincie:PV27`),
    /// `grootteklasse:<1 tot en met 8>` of `grootteklasse:onbekend`. Zonder groep: landelijk en alle groepen.
    groep: Option<String>,
    /// Alleen deze indicator: een code uit de definities, bijvoorbeeld `respons` of `bouwsteen_in_gebruik`.
    indicator: Option<String>,
}

/// The figures of a published wave; any other wave is not found, with a pointer to the list.
pub(super) async fn published(state: &AppState, id: &str) -> Result<Arc<WaveFigures>, ApiError> {
    match state.figures.wave(&state.store, id).await {
        Ok(figures) => Ok(figures),
        Err(WebError::NotFound(_)) => Err(ApiError(WebError::NotFound(format!(
            "er is geen gepubliceerde meting '{id}'; de gepubliceerde metingen staan op /api/v1/metingen"
        )))),
        Err(other) => Err(ApiError(other)),
    }
}

fn group_name(figures: &WaveFigures, group: &Group) -> String {
    match group {
        Group::Province(code) => figures.name(code),
        Group::SizeClass(Some(class)) => format!("Grootteklasse {}: {}", class.number(), class.label()),
        Group::SizeClass(None) => "Grootteklasse onbekend: geen inwonertal op de peildatum".to_owned(),
    }
}

/// De gepubliceerde metingen.
#[utoipa::path(
    get,
    path = "/metingen",
    operation_id = "metingenLijst",
    tag = "metingen",
    responses(
        (status = 200, description = "De gepubliceerde metingen, nieuwste eerst.", body = MetingLijst),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<MetingLijst>, ApiError> {
    let metingen: Vec<Meting> = published_waves(&state.store).await?.iter().map(meting).collect();
    Ok(Json(MetingLijst { aantal: metingen.len(), metingen }))
}

/// Eén gepubliceerde meting: respons, landelijke kerncijfers en de groepen met hun respons.
#[utoipa::path(
    get,
    path = "/metingen/{id}",
    operation_id = "metingOphalen",
    tag = "metingen",
    params(("id" = String, Path, description = "Id van de meting, bijvoorbeeld eerste-meting")),
    responses(
        (status = 200, description = "De meting.", body = MetingDetail),
        (status = 400, description = "Het id is geen id van een meting (kleine letters, cijfers en koppeltekens).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen meting met dit id, of de meting is (nog) niet gepubliceerd.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<MetingDetail>, ApiError> {
    let figures = published(&state, params::wave_id(&id)?.as_str()).await?;
    let block_name = |code: &str| figures.block_name(code);
    let national = rows(&figures.national, None, &block_name);
    let headline = headline_rows(&national);
    let definities = definitions_of(headline.iter().map(|row| row.indicator));
    let kerncijfers: Vec<Cijfer> = headline.into_iter().cloned().map(Cijfer::from).collect();
    Ok(Json(MetingDetail {
        meting: meting(&figures.wave),
        respons: Respons::from(&figures.national.response),
        kerncijfers,
        minimum_n: MIN_N,
        groepen: figures
            .groups
            .iter()
            .map(|g| MetingGroep {
                code: group_code(Some(&g.group)),
                naam: group_name(&figures, &g.group),
                respons: Respons::from(&g.response),
                gepubliceerd: g.indicators.is_some(),
            })
            .collect(),
        definities,
    }))
}

/// De cijfers van een gepubliceerde meting: landelijk en per provincie en grootteklasse, met n en 95%-interval, en
/// landelijk de ontwikkeling over de gepubliceerde metingen tot en met deze, op elke indeling die het dashboard biedt.
///
/// Dezelfde rijen als de open data (`/metingen/{id}/indicatoren.csv`). Een groep met minder dan de minimale n
/// responderende gemeenten publiceert alleen haar respons: zonder `indicator=respons` geeft zo'n groep 400.
#[utoipa::path(
    get,
    path = "/metingen/{id}/indicatoren",
    operation_id = "indicatorenLijst",
    tag = "metingen",
    params(("id" = String, Path, description = "Id van de meting, bijvoorbeeld eerste-meting"), IndicatorQuery),
    responses(
        (status = 200, description = "De cijfers, landelijk eerst (met de ontwikkeling over de metingen) en dan per groep, met de definities van hun indicatoren.", body = IndicatorLijst),
        (status = 400, description = "Een parameter is ongeldig: een id dat geen id van een meting is, een groep of indicator die niet bestaat, of een groep onder de minimale n (dan noemt de melding de minimale n en de respons van de groep).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen gepubliceerde meting met dit id, of de meting heeft de gevraagde groep niet.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn indicators(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<IndicatorQuery>,
) -> Result<Json<IndicatorLijst>, ApiError> {
    let wave = params::wave_id(&id)?;
    let text = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let indicator = text(&query.indicator).map(|code| Indicator::parse(&code).map_err(|e| bad("indicator", e.to_string()))).transpose()?;
    // `None`: every group; `Some(None)`: the national figures only.
    let group = text(&query.groep).map(|code| parse_group_code(&code).map_err(|e| bad("groep", e.to_string()))).transpose()?;

    let figures = published(&state, wave.as_str()).await?;
    indicator_document(&figures, &id, group.as_ref(), indicator).map(Json)
}

fn indicator_document(
    figures: &WaveFigures,
    id: &str,
    group: Option<&Option<Group>>,
    indicator: Option<Indicator>,
) -> Result<IndicatorLijst, ApiError> {
    let block_name = |code: &str| figures.block_name(code);
    let mut found: Vec<FigureRow> = match &group {
        None => table(figures),
        Some(None) => national_table(figures),
        Some(Some(group)) => {
            let code = group_code(Some(group));
            let Some(part) = figures.group(group) else {
                return Err(ApiError(WebError::NotFound(format!(
                    "de meting '{id}' heeft geen groep '{code}': zij vroeg geen gemeente in die groep; de groepen staan op /api/v1/metingen/{id}"
                ))));
            };
            match (&part.indicators, indicator) {
                (Some(indicators), _) => rows(indicators, Some(group), &block_name),
                (None, Some(Indicator::Response)) => vec![response_row(Some(group), &part.response)],
                (None, _) => {
                    let response = &part.response;
                    return Err(bad(
                        "groep",
                        format!(
                            "voor {code} ({}) worden geen cijfers gepubliceerd: {} van de {} gevraagde gemeenten {} de vragenlijst in (n = {}), minder dan de minimale n van {MIN_N}. Alleen de respons van de groep wordt gepubliceerd ({} van {}); vraag die op met indicator=respons.",
                            group_name(figures, group),
                            response.count,
                            response.n,
                            if response.count == 1 { "diende" } else { "dienden" },
                            response.count,
                            response.count,
                            response.n
                        ),
                    ));
                }
            }
        }
    };
    if let Some(indicator) = indicator {
        found.retain(|row| row.indicator == indicator);
    }
    let definities = definitions_of(found.iter().map(|row| row.indicator).chain(indicator));
    Ok(IndicatorLijst {
        meting: meting(&figures.wave),
        groep: group.as_ref().map(|g| group_code(g.as_ref())),
        indicator: indicator.map(|i| i.code().to_owned()),
        minimum_n: MIN_N,
        minimum_n_regel: domain::analysis::figures::minimum_n_rule(),
        aantal: found.len(),
        indicatoren: found.into_iter().map(Cijfer::from).collect(),
        definities,
    })
}

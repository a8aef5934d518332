//! `/metingen/{id}/organisaties/{code}/profiel`: where one municipality stands among its peers in a published
//! wave, the same profile as on `/gemeenten/{code}`.

use axum::Json;
use axum::extract::State;
use domain::analysis::Proportion;
use domain::analysis::indicators::MIN_N;
use domain::benchmark::{PeerGroup, Profile};
use domain::register::OrgCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::ApiPath;
use crate::figures::WaveFigures;
use crate::routes::api::waves::published;
use crate::routes::public::profile::group_name;

use super::params;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProfielPad {
    /// Id van de meting, bijvoorbeeld eerste-meting.
    id: String,
    /// CBS-code van de gemeente, bijvoorbeeld GM0363.
    code: String,
}

/// Een aandeel met zijn basis en 95%-interval (Wilson, met eindige-populatiecorrectie).
#[derive(Serialize, ToSchema)]
pub struct Aandeel {
    /// Hoeveel van `n` de eigenschap hebben.
    aantal: usize,
    /// De basis: de gemeenten in de groep die de vraag beantwoordden.
    n: usize,
    /// De gevraagde gemeenten in de groep.
    populatie: usize,
    /// `aantal` / `n`, van 0 tot en met 1.
    aandeel: Option<f64>,
    ondergrens: Option<f64>,
    bovengrens: Option<f64>,
}

impl From<&Proportion> for Aandeel {
    fn from(p: &Proportion) -> Self {
        Aandeel { aantal: p.count, n: p.n, populatie: p.population, aandeel: p.share, ondergrens: p.low, bovengrens: p.high }
    }
}

/// Een vergelijkingsgroep en waar de gemeente erin staat.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Vergelijkingsgroep {
    /// `grootteklasse`, `provincie` of `partners`.
    #[schema(example = "grootteklasse")]
    soort: String,
    /// Het nummer van de grootteklasse of de CBS-code van de provincie; leeg bij de partners.
    #[schema(example = "8")]
    code: Option<String>,
    #[schema(example = "Provincie Noord-Holland")]
    naam: String,
    /// De gevraagde gemeenten in de groep, zonder de gemeente zelf.
    gevraagd: usize,
    /// De gemeenten in de groep die antwoordden: de basis n.
    n: usize,
    /// Waar: de groep heeft de minimale n en haar cijfers staan erbij; anders alleen de aantallen.
    gepubliceerd: bool,
    /// Het gemiddelde aandeel bouwstenen in gebruik in de groep.
    gemiddelde: Option<f64>,
    gemiddelde_ondergrens: Option<f64>,
    gemiddelde_bovengrens: Option<f64>,
    /// Het percentiel van de gemeente in de groep (0 tot en met 100; gelijken tellen voor de helft).
    percentiel: Option<f64>,
}

/// Eén bouwsteen bij de gemeente en in haar vergelijkingsgroepen.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfielBouwsteen {
    #[schema(example = "digid")]
    bouwsteen: String,
    naam: String,
    /// De status die de gemeente opgaf (`in_use`, `implementing`, `planned`, `not_planned`); leeg zonder antwoord.
    status: Option<String>,
    ondersteuning_gevraagd: bool,
    /// Per vergelijkingsgroep, in de volgorde van `groepen`: het deel dat de bouwsteen in gebruik heeft; leeg onder
    /// de minimale n.
    in_gebruik_in_groepen: Vec<Option<Aandeel>>,
}

/// Een gemeente die kan helpen.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Helper {
    code: String,
    naam: String,
    /// De afstand tussen de middelpunten van de gemeenten, in km.
    afstand_km: f64,
}

/// Wie kan helpen bij een bouwsteen waarvoor de gemeente ondersteuning vroeg.
#[derive(Serialize, ToSchema)]
pub struct Hulp {
    bouwsteen: String,
    gemeenten: Vec<Helper>,
}

/// Het profiel van een gemeente in een gepubliceerde meting.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Profiel {
    meting: String,
    /// Waar: de antwoorden zijn gesimuleerd, geen antwoorden van gemeenten.
    gesimuleerd: bool,
    #[schema(example = "GM0363")]
    code: String,
    naam: String,
    /// Waar: de gemeente diende de vragenlijst in.
    geantwoord: bool,
    /// Het aandeel van de bouwstenen van de catalogus dat de gemeente in gebruik heeft.
    aandeel_in_gebruik: Option<f64>,
    /// Onder dit aantal antwoorden in een groep staan alleen de aantallen.
    minimum_n: usize,
    groepen: Vec<Vergelijkingsgroep>,
    bouwstenen: Vec<ProfielBouwsteen>,
    /// Bouwstenen die meer dan de helft van een vergelijkingsgroep in gebruik heeft en de gemeente nog niet, en
    /// waarvan de voorwaarden (de bouwstenen waarop ze steunen) in gebruik zijn; de meest gebruikte eerst.
    volgende_stappen: Vec<String>,
    wie_kan_helpen: Vec<Hulp>,
    /// De gemeenten waarmee zij in een geregistreerde samenwerking zit.
    partners: Vec<String>,
}

fn profiel(figures: &WaveFigures, profile: &Profile) -> Profiel {
    let groepen = profile
        .groups
        .iter()
        .map(|g| {
            let (soort, code) = match &g.group {
                PeerGroup::SizeClass(class) => ("grootteklasse", Some(class.number().to_string())),
                PeerGroup::Province(code) => ("provincie", Some(code.to_string())),
                PeerGroup::Partners => ("partners", None),
            };
            Vergelijkingsgroep {
                soort: soort.to_owned(),
                code,
                naam: group_name(figures, &g.group),
                gevraagd: g.asked,
                n: g.respondents,
                gepubliceerd: g.published(),
                gemiddelde: g.adoption.as_ref().map(|a| a.summary.mean),
                gemiddelde_ondergrens: g.adoption.as_ref().map(|a| a.mean_low),
                gemiddelde_bovengrens: g.adoption.as_ref().map(|a| a.mean_high),
                percentiel: g.percentile,
            }
        })
        .collect();
    Profiel {
        meting: figures.wave.id.to_string(),
        gesimuleerd: figures.wave.simulated,
        code: profile.code.to_string(),
        naam: figures.name(&profile.code),
        geantwoord: profile.responded,
        aandeel_in_gebruik: profile.adoption,
        minimum_n: MIN_N,
        groepen,
        bouwstenen: profile
            .blocks
            .iter()
            .map(|b| ProfielBouwsteen {
                bouwsteen: b.block.clone(),
                naam: figures.block_name(&b.block),
                status: b.status.map(|s| s.code().to_owned()),
                ondersteuning_gevraagd: b.needs_support,
                in_gebruik_in_groepen: b.peers_in_use.iter().map(|p| p.as_ref().map(Aandeel::from)).collect(),
            })
            .collect(),
        volgende_stappen: profile.next_steps.clone(),
        wie_kan_helpen: profile
            .helpers
            .iter()
            .map(|h| Hulp {
                bouwsteen: h.block.clone(),
                gemeenten: h
                    .helpers
                    .iter()
                    .map(|x| Helper { code: x.code.to_string(), naam: figures.name(&x.code), afstand_km: x.distance_km })
                    .collect(),
            })
            .collect(),
        partners: figures.partners.get(&profile.code).into_iter().flatten().map(ToString::to_string).collect(),
    }
}

/// Het profiel van een gemeente in een gepubliceerde meting.
///
/// Per bouwsteen haar status naast het deel van haar vergelijkingsgroepen (dezelfde grootteklasse, dezelfde
/// provincie, haar samenwerkingspartners) dat hem in gebruik heeft; haar percentiel in elke groep; haar volgende
/// stappen; en wie in de buurt kan helpen. Een groep met minder dan 10 antwoorden geeft alleen haar aantallen.
#[utoipa::path(
    get,
    path = "/metingen/{id}/organisaties/{code}/profiel",
    operation_id = "gemeenteProfielOphalen",
    tag = "metingen",
    params(ProfielPad),
    responses(
        (status = 200, description = "Het profiel van de gemeente.", body = Profiel),
        (status = 400, description = "Het id is geen id van een meting (kleine letters, cijfers en koppeltekens), of de code is geen CBS-code.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen gepubliceerde meting met dit id, of de meting vroeg deze gemeente niet.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "De database is niet bereikbaar.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(path): ApiPath<ProfielPad>) -> Result<Json<Profiel>, ApiError> {
    let ProfielPad { id, code } = path;
    let wave = params::wave_id(&id)?;
    let code = OrgCode::parse(&code).map_err(|_| {
        ApiError(WebError::BadRequest(format!("'{code}' is geen CBS-code: een gemeente is GM met vier cijfers, bijvoorbeeld GM0363")))
    })?;
    let figures = published(&state, wave.as_str()).await?;
    let profile = figures.profile(&code).ok_or_else(|| {
        ApiError(WebError::NotFound(format!("de meting '{id}' vroeg geen gemeente met code '{code}', dus zij heeft daarin geen profiel")))
    })?;
    Ok(Json(profiel(&figures, &profile)))
}

//! `/kennisbank`: the knowledge base's articles, searched in Dutch like the site's search, and one article with
//! its Markdown and its sanitised HTML.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::knowledge::{Article, SearchQuery, sort_by_title};
use serde::{Deserialize, Serialize};
use store::StoreError;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Problem, WebError};
use crate::extract::{ApiPath, ApiQuery};

use super::params;

/// Een artikel in een lijst of tussen zoekresultaten.
#[derive(Serialize, ToSchema)]
pub struct ArtikelSamenvatting {
    #[schema(example = "digid-aansluiten-inloggen-voor-burgers")]
    slug: String,
    titel: String,
    /// Codes van de bouwstenen waarover het artikel gaat.
    bouwstenen: Vec<String>,
    /// Een kort stuk tekst: rond het eerste gevonden woord, of het begin.
    uittreksel: String,
    bijgewerkt: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ArtikelLijst {
    aantal: usize,
    /// Zonder zoekvraag op titel; met zoekvraag het best passende eerst (een treffer in de titel boven een in de
    /// tekst), hooguit 50.
    artikelen: Vec<ArtikelSamenvatting>,
}

/// Eén artikel, met de tekst zoals geschreven (Markdown) en als veilige HTML.
#[derive(Serialize, ToSchema)]
pub struct Artikel {
    slug: String,
    titel: String,
    bouwstenen: Vec<String>,
    /// De tekst zoals de auteur hem schreef.
    markdown: String,
    /// De tekst als HTML, zonder scripts, event-handlers en andere onveilige HTML.
    html: String,
    /// Het versienummer; elke wijziging verhoogt het met één.
    revisie: i64,
    bijgewerkt: DateTime<Utc>,
}

#[derive(Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KennisbankQuery {
    /// Zoekwoorden, in het Nederlands; andere vormen van een woord worden ook gevonden. Leestekens en operatoren
    /// zijn gewone scheidingstekens: elke zoekvraag geeft resultaten of geen, nooit een fout.
    zoek: Option<String>,
    /// Alleen artikelen over de bouwsteen met deze code, bijvoorbeeld digid.
    bouwsteen: Option<String>,
}

fn summary(article: &Article, query: Option<&SearchQuery>) -> ArtikelSamenvatting {
    ArtikelSamenvatting {
        slug: article.slug.clone(),
        titel: article.title.clone(),
        bouwstenen: article.blocks.clone(),
        uittreksel: article.excerpt(query),
        bijgewerkt: article.updated_at,
    }
}

/// De artikelen van de kennisbank, of de artikelen die een zoekvraag vindt.
#[utoipa::path(
    get,
    path = "/kennisbank",
    operation_id = "artikelenLijst",
    tag = "kennisbank",
    params(KennisbankQuery),
    responses(
        (status = 200, description = "De artikelen.", body = ArtikelLijst),
        (status = 400, description = "De parameter bouwsteen is geen code van een bouwsteen (kleine letters, cijfers en koppeltekens), of de zoekvraag is niet te lezen (een parameter twee keer).", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(State(state): State<AppState>, ApiQuery(query): ApiQuery<KennisbankQuery>) -> Result<Json<ArtikelLijst>, ApiError> {
    let block = query.bouwsteen.as_deref().map(str::trim).filter(|code| !code.is_empty());
    let block = block.map(|code| params::slug("bouwsteen", code, "digid")).transpose()?;
    let typed = query.zoek.as_deref().map(str::trim).filter(|text| !text.is_empty());
    let artikelen: Vec<ArtikelSamenvatting> = match typed {
        Some(text) => {
            let search = SearchQuery::parse(text);
            state.store.search_articles(&search, block).await?.iter().map(|article| summary(article, Some(&search))).collect()
        }
        None => {
            let mut articles = state.store.articles(block).await?;
            sort_by_title(&mut articles);
            articles.iter().map(|article| summary(article, None)).collect()
        }
    };
    Ok(Json(ArtikelLijst { aantal: artikelen.len(), artikelen }))
}

/// Eén artikel van de kennisbank.
#[utoipa::path(
    get,
    path = "/kennisbank/{slug}",
    operation_id = "artikel",
    tag = "kennisbank",
    params(("slug" = String, Path, description = "Het adres van het artikel")),
    responses(
        (status = 200, description = "Het artikel.", body = Artikel),
        (status = 400, description = "Het adres is geen adres van een artikel (kleine letters, cijfers en koppeltekens).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen artikel met dit adres.", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn one(State(state): State<AppState>, ApiPath(slug): ApiPath<String>) -> Result<Json<Artikel>, ApiError> {
    params::slug("slug", &slug, "digid-aansluiten-inloggen-voor-burgers")?;
    let article = match state.store.article(&slug).await {
        Err(StoreError::NotFound) => return Err(ApiError(WebError::NotFound(format!("er is geen artikel '{slug}' in de kennisbank")))),
        other => other?,
    };
    Ok(Json(Artikel {
        html: article.html(),
        slug: article.slug,
        titel: article.title,
        bouwstenen: article.blocks,
        markdown: article.body,
        revisie: article.revision,
        bijgewerkt: article.updated_at,
    }))
}

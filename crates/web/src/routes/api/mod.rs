//! The JSON API under `/api/v1`, following the NL API Design Rules: Dutch resource names in the plural, GET for
//! reading, `application/problem+json` for errors, an `API-Version` header, and an OpenAPI 3 document generated
//! from these handlers (`/api/v1/openapi.json`).

mod answers;
mod catalogues;
mod collaborations;
mod cors;
pub mod document;
mod knowledge;
mod organisations;
mod params;
mod profiles;
pub mod raw_answers;
mod waves;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use domain::data_version::Shows;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::AppState;
use crate::error::WebError;
use crate::public_cache::{self, Cached};

use super::{ANSWERS, CATALOGUES, COLLABORATIONS, KNOWLEDGE, PUBLISHED, REGISTER, WAVE};

pub const API_VERSION: &str = "1.0.0";

#[derive(OpenApi)]
#[openapi(
    paths(raw_answers::list),
    modifiers(&ApiKeyScheme),
    info(
        title = "inbeeld API",
        version = "1.0.0",
        description = "Open gegevens van inbeeld: het register van organisaties (gemeenten en provincies, met herindelingen) en de catalogi van bouwstenen van de e-overheid. Van elke gepubliceerde meting de respons en alle cijfers, landelijk (met de ontwikkeling over de metingen) en per provincie en grootteklasse, met n en 95%-interval; een uitsplitsing alleen bij minstens 10 responderende gemeenten.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    tags(
        (name = "organisaties", description = "Het register: gemeenten en provincies met CBS-code, geldigheid, opvolgers en inwonertallen."),
        (name = "catalogi", description = "Catalogi van bouwstenen (NUP 2008, i-NUP 2011) met groepen en afhankelijkheden."),
        (name = "samenwerkingen", description = "Het register van samenwerkingen tussen gemeenten: leden, gebieden en bron (een overgenomen antwoord uit een meting, of ingevoerd door het monitorteam)."),
        (name = "kennisbank", description = "Artikelen over de bouwstenen, in Markdown en als veilige HTML, met zoeken in het Nederlands."),
        (name = "openapi", description = "Deze beschrijving van de API."),
        (name = "metingen", description = "Gepubliceerde metingen met hun respons en cijfers: dezelfde cijfers als de open data (/metingen/{id}/indicatoren.csv), met de definitie van elke indicator, en per gemeente haar openbare antwoorden.")
    )
)]
struct ApiDoc;

/// The personal API tokens that staff make on `/beheer/sleutels`, for the one resource that is not open data.
struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("Een persoonlijke API-sleutel van een beheerder of analist, gemaakt op /beheer/sleutels; eenmalig getoond."))
            .build();
        openapi.components.get_or_insert_with(Default::default).add_security_scheme("apiSleutel", SecurityScheme::Http(scheme));
    }
}

/// Every resource of the API, each with what it shows: the API is open data, all its answers are kept, and any
/// site may read them (`cors`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(kept(routes!(organisations::list), Cached::new::<organisations::OrganisationQuery>(REGISTER)))
        .routes(kept(routes!(organisations::one), Cached::without_query(REGISTER)))
        .routes(kept(routes!(catalogues::list), Cached::without_query(CATALOGUES)))
        .routes(kept(routes!(catalogues::blocks), Cached::new::<catalogues::VersionQuery>(CATALOGUES)))
        .routes(kept(routes!(waves::list), Cached::without_query(PUBLISHED)))
        .routes(kept(routes!(waves::one), Cached::without_query(WAVE)))
        .routes(kept(routes!(waves::indicators), Cached::new::<waves::IndicatorQuery>(WAVE)))
        .routes(kept(routes!(answers::one), Cached::without_query(ANSWERS)))
        .routes(kept(routes!(profiles::one), Cached::without_query(WAVE)))
        .routes(kept(routes!(collaborations::list), Cached::new::<collaborations::CollaborationQuery>(COLLABORATIONS)))
        .routes(kept(routes!(collaborations::one), Cached::without_query(COLLABORATIONS)))
        .routes(kept(routes!(knowledge::list), Cached::new::<knowledge::KennisbankQuery>(KNOWLEDGE)))
        .routes(kept(routes!(knowledge::one), Cached::without_query(KNOWLEDGE)))
        .routes(kept(routes!(openapi_json), Cached::without_query(Shows::FIXED)))
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static("api-version"), HeaderValue::from_static(API_VERSION)))
        .layer(cors::public_reads())
        .layer(axum::middleware::from_fn(cors::not_for_sessions))
}

fn kept(routes: UtoipaMethodRouter<AppState>, cached: Cached) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, handler) = routes;
    (schemas, paths, public_cache::keep(cached, handler))
}

/// Deze beschrijving van de API (OpenAPI 3.1), met het adres van deze site en haar contact.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapiDocument",
    tag = "openapi",
    responses((status = 200, description = "Het OpenAPI-document van deze API.", body = Object, content_type = "application/json"))
)]
pub async fn openapi_json(State(state): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json(document::served(&state))
}

pub async fn not_found() -> Response {
    WebError::NotFound("Deze resource bestaat niet in /api/v1; zie /api/v1/openapi.json.".into()).into_problem().into_response()
}

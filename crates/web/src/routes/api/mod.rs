//! The JSON API under `/api/v1`, following the NL API Design Rules: Dutch resource names in the plural, GET for
//! reading, `application/problem+json` for errors, an `API-Version` header, and an OpenAPI 3 document generated
//! from these handlers (`/api/v1/openapi.json`).

mod answers;
mod catalogues;
mod collaborations;
mod knowledge;
mod organisations;
mod profiles;
mod waves;

use std::sync::LazyLock;

use axum::Json;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::WebError;

pub const API_VERSION: &str = "1.0.0";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "inbeeld API",
        version = "1.0.0",
        description = "Open gegevens van inbeeld: het register van organisaties (gemeenten en provincies, met herindelingen) en de catalogi van bouwstenen van de e-overheid. Van elke gepubliceerde meting de respons en alle cijfers, landelijk en per provincie en grootteklasse, met n en 95%-interval; een uitsplitsing alleen bij minstens 10 responderende gemeenten.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1")),
    tags(
        (name = "organisaties", description = "Het register: gemeenten en provincies met CBS-code, geldigheid, opvolgers en inwonertallen."),
        (name = "catalogi", description = "Catalogi van bouwstenen (NUP 2008, i-NUP 2011) met groepen en afhankelijkheden."),
        (name = "samenwerkingen", description = "Het register van samenwerkingen tussen gemeenten: leden, gebieden en bron (een overgenomen antwoord uit een meting, of ingevoerd door het monitorteam)."),
        (name = "kennisbank", description = "Artikelen over de bouwstenen, in Markdown en als veilige HTML, met zoeken in het Nederlands."),
        (name = "metingen", description = "Gepubliceerde metingen met hun respons en cijfers: dezelfde cijfers als de open data (/metingen/{id}/indicatoren.csv), met de definitie van elke indicator, en per gemeente haar openbare antwoorden.")
    )
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organisations::list))
        .routes(routes!(organisations::one))
        .routes(routes!(catalogues::list))
        .routes(routes!(catalogues::blocks))
        .routes(routes!(waves::list))
        .routes(routes!(waves::one))
        .routes(routes!(waves::indicators))
        .routes(routes!(answers::one))
        .routes(routes!(profiles::one))
        .routes(routes!(collaborations::list))
        .routes(routes!(collaborations::one))
        .routes(routes!(knowledge::list))
        .routes(routes!(knowledge::one))
        .route("/openapi.json", axum::routing::get(openapi_json))
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static("api-version"), HeaderValue::from_static(API_VERSION)))
}

static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| router().split_for_parts().1);

async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&DOCUMENT)
}

pub async fn not_found() -> Response {
    WebError::NotFound("Deze resource bestaat niet in /api/v1; zie /api/v1/openapi.json.".into()).into_problem().into_response()
}

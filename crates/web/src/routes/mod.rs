//! The routes, per area. `router` wires them; `openapi` describes the API part.

mod api;
mod assets;
mod health;
mod public;
mod register_view;

use axum::Router;
use axum::routing::get;

use crate::AppState;
use crate::error::WebError;

/// The whole site: pages, API, health and assets, wrapped in the common layers.
pub fn router(state: AppState) -> Router {
    let (api, _) = api::router().split_for_parts();
    let site = Router::new()
        .route("/", get(public::home::page))
        .route("/gemeenten", get(public::register::list))
        .route("/gemeenten/{code}", get(public::register::detail))
        .route("/bouwstenen", get(public::catalogue::list))
        .route("/bouwstenen/{code}", get(public::catalogue::block))
        .route("/toegankelijkheid", get(public::accessibility::page))
        .route("/health", get(health::health))
        .route("/static/inbeeld.css", get(assets::stylesheet))
        .nest("/api/v1", api.fallback(api::not_found))
        .fallback(not_found)
        .with_state(state);
    crate::middleware::wrap(site)
}

/// The OpenAPI document of `/api/v1`, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router().split_for_parts().1
}

async fn not_found() -> WebError {
    WebError::NotFound("Deze pagina bestaat niet. Misschien is het adres verkeerd getypt, of is de pagina verplaatst.".into())
}

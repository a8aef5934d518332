//! The routes, per area, each added to the route table with its access rule. `router` wires them; `openapi`
//! describes the API part; `route_table` lists every route with its rule.

mod access;
mod account;
mod admin;
mod api;
mod assets;
mod health;
mod public;
mod register_view;

use axum::Router;
use axum::routing::{get, post};
use domain::access::Access;

pub use access::RouteRule;
use access::Table;

use crate::AppState;
use crate::error::WebError;

const fn rule(method: &'static str, path: &'static str, example: &'static str, access: Access) -> RouteRule {
    RouteRule { method, path, example, access }
}

/// Every route of the site with its rule. The JSON API under `/api/v1` is open data and public as a whole.
fn table() -> Table {
    Table::new()
        .route(rule("GET", "/", "/", Access::Public), get(public::home::page))
        .route(rule("GET", "/gemeenten", "/gemeenten", Access::Public), get(public::register::list))
        .route(rule("GET", "/gemeenten/{code}", "/gemeenten/GM0363", Access::Public), get(public::register::detail))
        .route(rule("GET", "/bouwstenen", "/bouwstenen", Access::Public), get(public::catalogue::list))
        .route(rule("GET", "/bouwstenen/{code}", "/bouwstenen/digid", Access::Public), get(public::catalogue::block))
        .route(rule("GET", "/toegankelijkheid", "/toegankelijkheid", Access::Public), get(public::accessibility::page))
        .route(rule("GET", "/health", "/health", Access::Public), get(health::health))
        .route(rule("GET", "/static/inbeeld.css", "/static/inbeeld.css", Access::Public), get(assets::stylesheet))
        .route(rule("GET", "/inloggen", "/inloggen", Access::Public), get(account::sign_in::form))
        .route(rule("POST", "/inloggen", "/inloggen", Access::Public), post(account::sign_in::submit))
        .route(rule("POST", "/uitloggen", "/uitloggen", Access::SignedIn), post(account::sign_in::sign_out))
        .route(rule("GET", "/uitnodiging/{token}", "/uitnodiging/onbekend", Access::Public), get(account::invitation::redeem))
        .route(rule("GET", "/mijn", "/mijn", Access::SignedIn), get(account::mine::page_for))
        .route(rule("GET", "/beheer", "/beheer", Access::ADMIN), get(admin::home))
        .route(rule("GET", "/beheer/audit", "/beheer/audit", Access::ADMIN), get(admin::audit::list))
        .route(rule("GET", "/beheer/audit.csv", "/beheer/audit.csv", Access::ADMIN), get(admin::audit::export))
}

/// Every route with its access rule, for the tests that try each route as every kind of visitor.
pub fn route_table() -> Vec<RouteRule> {
    table().rules
}

/// The whole site: pages, API, health and assets, wrapped in the common layers.
pub fn router(state: AppState) -> Router {
    let (api, _) = api::router().split_for_parts();
    let site = table()
        .router
        .nest("/api/v1", api.fallback(api::not_found))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::session::load));
    crate::middleware::wrap(site.with_state(state.clone()), state.secure_cookies)
}

/// The OpenAPI document of `/api/v1`, generated from the handlers' annotations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router().split_for_parts().1
}

async fn not_found() -> WebError {
    WebError::NotFound("Deze pagina bestaat niet. Misschien is het adres verkeerd getypt, of is de pagina verplaatst.".into())
}

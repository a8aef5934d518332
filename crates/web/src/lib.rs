//! HTTP for inbeeld: the public pages (Dutch, server-rendered, no script needed), the JSON API under `/api/v1`
//! with its OpenAPI document, `/health`, and the operator's metrics on an address of their own.
//!
//! Handlers extract, call the store and the domain, and render; they hold no SQL and no rules. Only `error`
//! chooses status codes for failures.

mod bearer;
mod charts;
mod data_versions;
mod error;
mod export;
mod extract;
mod figures;
mod format;
pub mod metrics;
mod middleware;
mod password_link;
mod public_cache;
mod qr;
mod routes;
pub mod security_txt;
mod session;
mod state;
mod support;

pub use figures::keep_figures_warm;
pub use public_cache::DEFAULT_BUDGET_BYTES;
pub use routes::{RouteRule, openapi, route_table, router};
pub use state::{AppState, Shared};

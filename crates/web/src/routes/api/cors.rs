//! Reading the API from a page on another site (a notebook, another dashboard): the answers to GET and HEAD carry
//! `Access-Control-Allow-Origin: *`, and a preflight for them is answered, through tower-http's `CorsLayer`. Never
//! with credentials: a request that comes with a session (signed in, or halfway) gets none of these headers, so a
//! page elsewhere can never read an answer written for one visitor.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderName, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::cors::{Any, CorsLayer};

use crate::session::has_session;

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_KEPT: Duration = Duration::from_secs(60 * 60);

/// Any origin may read, by GET or HEAD; the headers that describe a page of a list are readable too.
pub fn public_reads() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .expose_headers([HeaderName::from_static("api-version"), header::LINK, HeaderName::from_static("x-total-count")])
        .max_age(PREFLIGHT_KEPT)
}

/// Takes the CORS headers off an answer to a request with a session; the layer outside `public_reads`.
pub async fn not_for_sessions(request: Request, next: Next) -> Response {
    let with_session = has_session(&request);
    let mut response = next.run(request).await;
    if with_session {
        let cors: Vec<HeaderName> =
            response.headers().keys().filter(|name| name.as_str().starts_with("access-control-")).cloned().collect();
        for name in cors {
            response.headers_mut().remove(name);
        }
    }
    response
}

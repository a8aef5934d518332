//! Layers every response passes through: a request id of our own, a trace span carrying it, security headers, a
//! time limit, and a net for panics, so that a bug answers with the error page instead of a dropped connection;
//! compression of public answers that were not kept compressed already (`public_cache`); outside them all the request's
//! metrics; and `keep_private`, which keeps every private response out of caches.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, Request, StatusCode, Version, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use domain::audit::Origin;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::csrf::CsrfLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id a trusted proxy sent, kept apart from ours.
#[derive(Clone, Debug)]
pub struct UpstreamRequestId(pub String);

/// Marks the response of a route that is not public, for `keep_private`.
#[derive(Clone, Copy, Debug)]
pub struct NotPublic;

const PRIVATE: HeaderValue = HeaderValue::from_static("no-store, private");

/// No inline script or style anywhere, so the policy can forbid both.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `over_tls`: the site is reached over https, so browsers are told to keep to it (HSTS). `trusted_proxies` may
/// send their own request id along.
pub fn wrap(router: Router, over_tls: bool, trusted_proxies: &[IpAddr]) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ];
    // State-changing requests from another site are refused (Fetch Metadata and Origin, as Go 1.25 does it);
    // together with SameSite cookies this is the CSRF defence.
    let mut router = router.layer(CsrfLayer::new().with_rejection_response(|_| {
        crate::error::WebError::Forbidden("Dit formulier kwam niet van deze site en is daarom geweigerd.".into()).into_response()
    }));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    // A public answer that was not kept compressed already (`public_cache`) is compressed as it is sent, at a level
    // that costs little time. A private one is not: a signed-in page may hold a secret (the second step's key, the
    // recovery codes) beside text taken from the address, which is what a BREACH attack needs. Spreadsheets are
    // zip files.
    router = router.layer(
        CompressionLayer::new().quality(CompressionLevel::Precise(4)).compress_when(
            DefaultPredicate::new()
                .and(NotForContentType::const_new("application/vnd.openxmlformats"))
                .and(|_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| !is_private(headers)),
        ),
    );
    if over_tls {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    let trusted: Arc<[IpAddr]> = trusted_proxies.into();
    router.layer(
        ServiceBuilder::new()
            .layer(middleware::from_fn(move |request, next| take_upstream_request_id(Arc::clone(&trusted), request, next)))
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request<_>| {
                        let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                        let upstream = request.extensions().get::<UpstreamRequestId>().map_or("-", |u| u.0.as_str());
                        // The path only, never the query: later issues put tokens in links.
                        tracing::info_span!("request", request_id = %id, upstream_request_id = %upstream, method = %request.method(), path = %request.uri().path())
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(CatchPanicLayer::custom(|_| crate::error::WebError::Internal("a handler panicked".into()).into_response()))
            .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30))),
    )
    .layer(middleware::from_fn(crate::metrics::record_request))
}

/// A client's `X-Request-Id` is removed, so the id set next is always ours: a client could otherwise choose the id
/// the audit log records. A trusted proxy's is kept beside it, to follow the request into the proxy's logs.
async fn take_upstream_request_id(trusted: Arc<[IpAddr]>, mut request: axum::extract::Request, next: Next) -> Response {
    let incoming = request.headers_mut().remove(REQUEST_ID);
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    if peer.is_some_and(|peer| trusted.contains(&peer)) {
        let upstream = incoming.as_ref().and_then(|value| value.to_str().ok()).and_then(Origin::upstream_request_id);
        if let Some(id) = upstream {
            request.extensions_mut().insert(UpstreamRequestId(id));
        }
    }
    next.run(request).await
}

/// Whether `keep_private` marked the response.
fn is_private(headers: &HeaderMap) -> bool {
    headers.get(header::CACHE_CONTROL) == Some(&PRIVATE)
}

/// `Cache-Control: no-store, private` on every response to a signed-in visitor, of a route that is not public
/// (`NotPublic`), or that sets a cookie, whatever the handler said: such a page must stay out of shared caches and
/// the browser's history store. Runs inside `session::load`, which says who is signed in.
pub async fn keep_private(request: axum::extract::Request, next: Next) -> Response {
    let signed_in = request.extensions().get::<crate::session::SignedIn>().is_some_and(|signed| signed.0.is_some());
    let mut response = next.run(request).await;
    if signed_in || response.extensions().get::<NotPublic>().is_some() || response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().insert(header::CACHE_CONTROL, PRIVATE);
    }
    response
}

//! Every request counted and timed, by its route's template: the raw path would give a label value per
//! municipality, token and typo, which no metrics store can keep.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, histogram};

use super::{HTTP_REQUEST_DURATION, HTTP_REQUESTS};

/// The route label of a request that no route matched.
const UNMATCHED: &str = "unmatched";

/// Runs outside every other layer, so that what they answer themselves (a time-out, a refused form from another
/// site, a panic) is counted with the status the client got.
pub async fn record_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, MatchedPath::as_str).to_owned();
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    counter!(HTTP_REQUESTS, "route" => route.clone(), "method" => method, "status" => status).increment(1);
    histogram!(HTTP_REQUEST_DURATION, "route" => route, "method" => method).record(started.elapsed());
    response
}

/// A client may send any word as its method; the ones HTTP defines are kept, the rest are one label value.
fn method_label(method: &Method) -> &'static str {
    static KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN.iter().find(|known| *known == method).map_or("other", |known| known.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_of_the_clients_own_making_is_other() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::POST), "POST");
        let invented = Method::from_bytes(b"BREW").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(method_label(&invented), "other");
    }
}

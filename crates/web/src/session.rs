//! The session cookie: a random secret whose SHA-256 names a server-side session. Every request passes
//! `load`, which puts the request's principal (or none) and its `Origin` in its extensions for the access rules and
//! handlers.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::access::{Principal, SESSION_ABSOLUTE_TIMEOUT, SessionState, hash_token};
use domain::account::User;
use domain::audit::Origin;

use crate::AppState;
use crate::error::{TryAgain, WebError};

/// Over TLS the cookie takes the `__Host-` prefix, which browsers only accept when Secure, on `/`, without a
/// domain: it cannot be set by a sibling site.
fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-inbeeld_sessie" } else { "inbeeld_sessie" }
}

/// Who made the request, as `load` found it.
#[derive(Clone, Debug, Default)]
pub struct SignedIn(pub Option<Principal>);

/// A staff account that gave its password but not yet its second factor, as `load` found it. It is not signed in:
/// `SignedIn` is empty for it.
#[derive(Clone, Debug, Default)]
pub struct HalfwaySignIn(pub Option<User>);

/// Whether the request comes with a session, signed in or halfway: its answer is then that visitor's own.
pub fn has_session(request: &Request) -> bool {
    request.extensions().get::<SignedIn>().is_some_and(|signed| signed.0.is_some())
        || request.extensions().get::<HalfwaySignIn>().is_some_and(|halfway| halfway.0.is_some())
}

pub async fn load(State(state): State<AppState>, jar: CookieJar, mut request: Request, next: Next) -> Response {
    let session = match jar.get(cookie_name(state.secure_cookies)) {
        None => None,
        Some(cookie) => match state.store.session(&hash_token(cookie.value())).await {
            Ok(session) => session,
            // Neither signed in nor out: treating it as signed out would send a respondent to sign in and lose
            // what was typed.
            Err(error) => return unreadable(request, error.to_string()).await,
        },
    };
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip());
    let forwarded = request.headers().get("x-forwarded-for").and_then(|value| value.to_str().ok());
    let address = client_address(peer, forwarded, &state.trusted_proxies).map(|ip| ip.to_string());
    // Ours, set by `middleware::wrap` after it removed whatever a client sent.
    let request_id = request.headers().get(crate::middleware::REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let upstream_request_id = request.extensions().get::<crate::middleware::UpstreamRequestId>().map(|id| id.0.clone());
    let (principal, halfway) = match session {
        Some(SessionState::SignedIn(principal)) => (Some(principal), None),
        Some(SessionState::SecondStep(user)) => (None, Some(user)),
        None => (None, None),
    };
    request.extensions_mut().insert(SignedIn(principal));
    request.extensions_mut().insert(crate::bearer::TokenStore(state.store.clone()));
    request.extensions_mut().insert(HalfwaySignIn(halfway));
    // Where the request came from, for rate limits and for every change it leads to in the audit log.
    request.extensions_mut().insert(Origin { address, request_id, upstream_request_id });
    next.run(request).await
}

/// The largest posted form kept for sending again; a page of the questionnaire is far smaller.
const MAX_KEPT_FORM: usize = 1 << 20;

/// Answers a request whose session could not be read: 503, with a page that sends it again (a posted form with
/// every field as it came), or problem+json for the API.
async fn unreadable(request: Request, detail: String) -> Response {
    let address = crate::routes::own_address(request.uri());
    let is_api = request.uri().path().starts_with("/api/");
    let is_form = request.method() == Method::POST
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|kind| kind.starts_with("application/x-www-form-urlencoded"));
    let posted = match request.method() == Method::POST {
        false => None,
        true if is_form => {
            let body = axum::body::to_bytes(request.into_body(), MAX_KEPT_FORM).await.unwrap_or_default();
            Some(form_urlencoded::parse(&body).into_owned().collect())
        }
        true => Some(Vec::new()),
    };
    let error = WebError::SessionUnreadable { detail, again: Box::new(TryAgain { address, posted }) };
    if is_api { error.into_problem() } else { error.into_response() }
}

/// The client: the peer, or, when the peer is a trusted proxy, the nearest address in `X-Forwarded-For` that is not
/// itself a trusted proxy (entries further left were written by whoever sent the request, and prove nothing).
fn client_address(peer: Option<IpAddr>, forwarded: Option<&str>, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let hops = forwarded.into_iter().flat_map(|list| list.split(',').rev()).map(|hop| hop.trim().parse::<IpAddr>());
    for hop in hops {
        match hop {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            Err(_) => break,
        }
    }
    Some(peer)
}

/// The cookie that carries a new session's secret.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((cookie_name(secure), token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(SESSION_ABSOLUTE_TIMEOUT.as_secs() as i64))
        .build()
}

/// The current session's secret, if the request carries one.
pub fn current_token(jar: &CookieJar, secure: bool) -> Option<String> {
    jar.get(cookie_name(secure)).map(|cookie| cookie.value().to_owned())
}

/// The cookie that removes the session cookie from the browser.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.make_removal();
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(client_address(Some(client), Some("198.51.100.1"), &[proxy]), Some(client), "a client cannot claim another address");
        assert_eq!(
            client_address(Some(proxy), Some("198.51.100.1, 203.0.113.7"), &[proxy]),
            Some(client),
            "the nearest hop, not a claimed one"
        );
        assert_eq!(client_address(Some(proxy), Some("203.0.113.7, 10.0.0.2"), &[proxy]), Some(client), "past chained proxies");
        assert_eq!(client_address(Some(proxy), None, &[proxy]), Some(proxy));
        assert_eq!(client_address(Some(proxy), Some("rubbish"), &[proxy]), Some(proxy));
    }
}

//! `Authorization: Bearer <token>`: a personal API token opens the few routes the route table marks with a scope
//! (`Table::with_token`), and nothing else, so a token is never a session. Its owner becomes the request's principal
//! there, and the route's own access rule decides as for a session. A token that does not work is answered with
//! `401` problem+json and `WWW-Authenticate: Bearer`, one of the wrong scope with `403`.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::access::api_token::TokenScope;
use domain::access::{Access, Decision, Principal, hash_token};
use domain::audit::Origin;
use store::{Store, TokenUse};

use crate::error::WebError;
use crate::middleware::NotPublic;
use crate::session::{HalfwaySignIn, SignedIn};

/// Whose routes a token opens: the staff downloads (pages as well, a session still opens them as before) or an API
/// resource, which answers everything in problem+json.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRoute {
    Download,
    Api,
}

const INVALID: &str = "De API-sleutel werkt niet: hij is onbekend, verlopen of ingetrokken, of uw account mag hem niet meer gebruiken. \
     Maak een nieuwe op /beheer/sleutels.";
const UNREADABLE: &str = "De Authorization-header is niet te lezen; stuur ‘Authorization: Bearer ’ gevolgd door uw API-sleutel.";
const MISSING: &str = "Deze resource vraagt een API-sleutel (Authorization: Bearer …) of een sessie van een beheerder of analist.";

/// What the request's `Authorization` header says: nothing, a bearer token, or something else.
enum Presented<'a> {
    Nothing,
    Token(&'a str),
    Unreadable,
}

fn presented(headers: &HeaderMap) -> Presented<'_> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Presented::Nothing };
    let Ok(value) = value.to_str() else { return Presented::Unreadable };
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Presented::Token(token.trim()),
        _ => Presented::Unreadable,
    }
}

/// The store, for checking a token; `session::load` puts it in every request, since a route's layers have no state.
#[derive(Clone)]
pub struct TokenStore(pub Store);

/// The layer of a route that takes a token of `scope`; it runs before the route's access rule, `access`.
pub async fn accept(scope: TokenScope, route: TokenRoute, access: Access, mut request: Request, next: Next) -> Response {
    let mut response = match presented(request.headers()) {
        Presented::Unreadable => unauthorised(UNREADABLE),
        Presented::Nothing => match route {
            TokenRoute::Download => next.run(request).await,
            TokenRoute::Api => {
                let principal = request.extensions().get::<SignedIn>().and_then(|signed| signed.0.clone());
                let halfway = request.extensions().get::<HalfwaySignIn>().is_some_and(|halfway| halfway.0.is_some());
                match (halfway, access.decide(principal.as_ref(), None)) {
                    (false, Decision::Allow) => next.run(request).await,
                    (false, Decision::Forbidden) => forbidden("Deze resource is alleen voor beheerders en analisten."),
                    _ => unauthorised(MISSING),
                }
            }
        },
        Presented::Token(token) => {
            let origin = request.extensions().get::<Origin>().cloned().unwrap_or_default();
            let Some(TokenStore(store)) = request.extensions().get::<TokenStore>().cloned() else {
                return WebError::Internal("a request without the store for its token".into()).into_problem();
            };
            match store.use_api_token(&hash_token(token), scope, request.uri().path(), &origin).await {
                Ok(TokenUse::Accepted(token)) => {
                    request.extensions_mut().insert(SignedIn(Some(Principal::User(token.owner))));
                    request.extensions_mut().insert(HalfwaySignIn(None));
                    next.run(request).await
                }
                Ok(TokenUse::OutOfScope) => forbidden("Deze API-sleutel geeft geen toegang tot deze resource."),
                Ok(TokenUse::Refused(_) | TokenUse::Unknown) => unauthorised(INVALID),
                Err(error) => WebError::from(error).into_problem(),
            }
        }
    };
    if route == TokenRoute::Api {
        response.headers_mut().insert("api-version", HeaderValue::from_static(crate::routes::API_VERSION));
    }
    // What a token or a session reads is never kept by a cache.
    response.extensions_mut().insert(NotPublic);
    response
}

fn unauthorised(detail: &str) -> Response {
    let mut response = WebError::Unauthorised(detail.to_owned()).into_problem();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"inbeeld\""));
    response.into_response()
}

fn forbidden(detail: &str) -> Response {
    WebError::Forbidden(detail.to_owned()).into_problem()
}

//! The route table: every route is added with its access rule, here and nowhere else, and the rule is enforced
//! by the same layer for all. A route cannot be added without a rule, and `route_table` lists them for the tests
//! that try each as every kind of visitor. A public route whose answers may be kept says what it shows (`cached`).

use axum::RequestPartsExt;
use axum::Router;
use axum::extract::{RawPathParams, Request};
use axum::http::Uri;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use domain::access::api_token::TokenScope;
use domain::access::{Access, Decision, ReturnPath};
use domain::data_version::Shows;

use crate::AppState;
use crate::bearer::{self, TokenRoute};
use crate::error::WebError;
use crate::middleware::NotPublic;
use crate::public_cache::{self, Cached};
use crate::session::{HalfwaySignIn, SignedIn};

/// One route and who may use it; `example` is the path with its parameters filled in, for the tests.
#[derive(Debug, Clone, Copy)]
pub struct RouteRule {
    pub method: &'static str,
    pub path: &'static str,
    pub example: &'static str,
    pub access: Access,
    /// What a public route shows, when its answers are kept (`public_cache`).
    pub shows: Option<Shows>,
    /// The scope of the personal API tokens the route takes besides a session (`bearer`); `None` for most.
    pub token: Option<TokenScope>,
}

pub struct Table {
    pub router: Router<AppState>,
    pub rules: Vec<RouteRule>,
}

impl Table {
    pub fn new() -> Self {
        Self { router: Router::new(), rules: Vec::new() }
    }

    pub fn route(mut self, rule: RouteRule, handler: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(rule.path, guard(rule.access, handler));
        self.rules.push(rule);
        self
    }

    /// A route that takes a personal API token of `scope` as well as a session (`bearer`): the token is checked
    /// first, then the route's access rule decides for its owner as for a session.
    pub fn with_token(mut self, rule: RouteRule, scope: TokenScope, route: TokenRoute, handler: MethodRouter<AppState>) -> Self {
        let access = rule.access;
        let guarded = guard(access, handler)
            .route_layer(middleware::from_fn(move |request: Request, next: Next| bearer::accept(scope, route, access, request, next)));
        self.router = self.router.route(rule.path, guarded);
        self.rules.push(RouteRule { token: Some(scope), ..rule });
        self
    }

    /// A public route whose answers are kept until the data it shows changes.
    pub fn cached(self, rule: RouteRule, cached: Cached, handler: MethodRouter<AppState>) -> Self {
        debug_assert!(rule.access == Access::Public, "{} is not public: its answers must never be kept", rule.path);
        self.route(RouteRule { shows: Some(cached.shows), ..rule }, public_cache::keep(cached, handler))
    }
}

/// `handler` behind the access rule `access`.
fn guard(access: Access, handler: MethodRouter<AppState>) -> MethodRouter<AppState> {
    handler.route_layer(middleware::from_fn(move |request: Request, next: Next| enforce(access, request, next)))
}

/// The name of the path parameter that holds an organisation's CBS code, for `Access::Organisation`.
const ORGANISATION_PARAMETER: &str = "code";

/// The request's own address as a path to come back to: with its query if `ReturnPath` accepts that, else without
/// (a search with spaces, say), else the home page.
pub fn own_address(uri: &Uri) -> String {
    [uri.path_and_query().map(|p| p.as_str()), Some(uri.path())]
        .into_iter()
        .flatten()
        .find_map(ReturnPath::parse)
        .map_or_else(|| "/".to_owned(), |path| path.to_string())
}

async fn enforce(access: Access, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let organisation = match parts.extract::<RawPathParams>().await {
        Ok(params) => params.iter().find(|(name, _)| *name == ORGANISATION_PARAMETER).map(|(_, value)| value.to_owned()),
        Err(_) => None,
    };
    let request = Request::from_parts(parts, body);
    let principal = request.extensions().get::<SignedIn>().and_then(|signed| signed.0.as_ref());
    let halfway = request.extensions().get::<HalfwaySignIn>().is_some_and(|halfway| halfway.0.is_some());
    let decision = if halfway { access.decide_second_step() } else { access.decide(principal, organisation.as_deref()) };
    let mut response = match decision {
        Decision::Allow => next.run(request).await,
        Decision::SignIn => {
            let back: String = form_urlencoded::byte_serialize(own_address(request.uri()).as_bytes()).collect();
            Redirect::to(&format!("/inloggen?terug={back}")).into_response()
        }
        Decision::Forbidden => WebError::Forbidden("U hebt geen toegang tot deze pagina met uw rol.".into()).into_response(),
        Decision::SecondStep => Redirect::to(crate::routes::SECOND_STEP).into_response(),
    };
    // Nothing of a page that is not public may be kept by a cache, the redirect to signing in included.
    if access != Access::Public {
        response.extensions_mut().insert(NotPublic);
    }
    response
}

//! Axum's extractors, with their failures answered the way the rest of the site answers: an HTML page for the
//! site, problem+json for the API, and words for a person instead of a parser's message.

// The one module that may name axum's `Form` (clippy.toml forbids it elsewhere): it wraps it here.
#![allow(clippy::disallowed_types)]

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use domain::access::Principal;
use domain::audit::{Author, Origin};

use crate::error::{ApiError, WebError};
use crate::session::SignedIn;

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(WebError))]
pub struct Query<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(WebError))]
pub struct Path<T>(pub T);

/// A posted form. No API route takes a body, so there is no problem+json twin.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(WebError))]
pub struct Form<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<QueryRejection> for WebError {
    fn from(rejection: QueryRejection) -> Self {
        tracing::debug!(%rejection, "unreadable query");
        WebError::BadRequest("De zoekvraag in het adres is niet te lezen; geef elke parameter één keer, zonder vreemde tekens.".into())
    }
}

impl From<PathRejection> for WebError {
    fn from(rejection: PathRejection) -> Self {
        tracing::debug!(%rejection, "unreadable path");
        WebError::BadRequest("Het adres is niet te lezen.".into())
    }
}

impl From<FormRejection> for WebError {
    fn from(rejection: FormRejection) -> Self {
        // The parser's words name our field names and types: the log, not the visitor, needs them.
        tracing::info!(%rejection, "unreadable form");
        WebError::BadRequest(
            "Het formulier kwam onvolledig of onleesbaar bij ons aan. Ga terug, laad de pagina opnieuw en verstuur het formulier nog eens. \
             Lukt het dan nog niet, neem dan contact op met het monitorteam."
                .into(),
        )
    }
}

/// The signed-in principal. The route table sends a visitor who is not signed in to sign in before any handler
/// that takes this runs; should a route be added with a public rule by mistake, the handler still refuses.
pub struct AuthUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for AuthUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignedIn>()
            .and_then(|signed| signed.0.clone())
            .map(AuthUser)
            .ok_or_else(|| WebError::Forbidden("Log eerst in.".into()))
    }
}

/// Who makes the change a request asks for, for its audit entry: the signed-in principal and where the request came
/// from (`session::load` puts both in every request).
pub struct ChangeAuthor(pub Author);

impl<S: Send + Sync> FromRequestParts<S> for ChangeAuthor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AuthUser(principal) = AuthUser::from_request_parts(parts, state).await?;
        let origin = parts.extensions.get::<Origin>().cloned().ok_or_else(|| WebError::Internal("a request without its origin".into()))?;
        Ok(ChangeAuthor(Author::new(principal.actor(), origin)))
    }
}

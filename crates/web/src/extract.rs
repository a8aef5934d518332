//! Axum's extractors, with their failures answered the way the rest of the site answers: an HTML page for the
//! site, problem+json for the API, and words for a person instead of a parser's message.

// The one module that may name axum's `Form` (clippy.toml forbids it elsewhere): it wraps it here.
#![allow(clippy::disallowed_types)]

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

use crate::error::{ApiError, WebError};

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

//! Axum's extractors, with their failures answered the way the rest of the site answers: an HTML page for the
//! site, problem+json for the API, and words for a person instead of a parser's message.

use axum::extract::FromRequestParts;
use axum::extract::rejection::{PathRejection, QueryRejection};

use crate::error::{ApiError, WebError};

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(WebError))]
pub struct Query<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(WebError))]
pub struct Path<T>(pub T);

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

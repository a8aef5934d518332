//! The one place that turns failures into HTTP: an HTML page for the site, `application/problem+json` for the
//! API (NL API Design Rules). A user never sees internal detail; the detail goes to the log with the request id.

use std::time::Duration;

use app::AppError;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use store::StoreError;
use utoipa::ToSchema;

/// A failure while answering a request for a page.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    /// No credentials that work, where a script may bring an API token (401).
    #[error("{0}")]
    Unauthorised(String),
    /// A link that worked once and no longer does.
    #[error("{0}")]
    Gone(String),
    /// Too many failed attempts: the message says how long to wait, and `retry_after` tells the client too.
    #[error("{message}")]
    TooManyAttempts { message: String, retry_after: Duration },
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// The session could not be read (the database is away for a moment): the visitor is neither signed in nor
    /// out, so the request is answered with a page that sends it again, with what was posted.
    #[error("the session could not be read: {detail}")]
    SessionUnreadable { detail: String, again: Box<TryAgain> },
    #[error("internal error: {0}")]
    Internal(String),
    /// The page of a form, rendered again by its handler with what to fix or what happened meanwhile. The handler
    /// says why (`FormRefusal`); the status follows from that here.
    #[error("the form was refused: {refusal:?}")]
    FormRefused { refusal: FormRefusal, page: Html<String> },
}

/// Why a form is shown again instead of doing what it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRefusal {
    /// What was typed breaks a rule (422).
    Invalid,
    /// Someone else changed the same thing first, a value is taken, or the state no longer allows it (409).
    Conflict,
    /// What the form acts on is no longer there (404).
    Missing,
    /// The server cannot do it now: something it needs is not set up (503).
    Unavailable,
    /// The password or code given is not right (401).
    NotRecognised,
    /// Too many failed attempts: the next may come after this wait (429, with `Retry-After`).
    TooManyAttempts(Duration),
}

impl WebError {
    /// The form's page shown again, because of `refusal`; see `FormRefusal` for the status each gets.
    pub fn form_refused(refusal: FormRefusal, page: Html<String>) -> Self {
        WebError::FormRefused { refusal, page }
    }
}

/// A page of a form as its handler's answer: as asked when `refused` is `None`, else shown again with that
/// refusal, which decides the status.
pub fn form_answer(page: Html<String>, refused: Option<FormRefusal>) -> Result<Response, WebError> {
    match refused {
        None => Ok(page.into_response()),
        Some(refusal) => Err(WebError::form_refused(refusal, page)),
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => WebError::NotFound("Deze pagina bestaat niet.".into()),
            StoreError::Unavailable(detail) => WebError::Unavailable(detail),
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// A use case's refusal in Dutch where it is the user's to mend; the rest is ours, and only logged.
impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Store(error) => error.into(),
            AppError::WaveNotOpen { state, .. } => {
                WebError::BadRequest(format!("De meting is {}; berichten gaan alleen uit zolang het veldwerk open is.", state.label_nl()))
            }
            AppError::MoveRefused { refused, .. } => {
                WebError::BadRequest(format!("Een meting die {} is, kan niet {} worden.", refused.from.label_nl(), refused.to.label_nl()))
            }
            AppError::WaveChangedMeanwhile { .. } => {
                WebError::BadRequest("De meting is intussen door iemand anders gewijzigd; bekijk de stand opnieuw.".into())
            }
            AppError::NotAMunicipality(code) => {
                WebError::BadRequest(format!("{code} is geen gemeente; een uitnodiging is voor een gemeente."))
            }
            AppError::NotInRegister(code) => WebError::NotFound(format!("{code} staat niet in het register.")),
            AppError::LinkValidity(days) => WebError::BadRequest(format!("Een link werkt 1 tot 365 dagen, niet {days}.")),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(error: askama::Error) -> Self {
        WebError::Internal(format!("rendering failed: {error}"))
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Unauthorised(_) => StatusCode::UNAUTHORIZED,
            WebError::Gone(_) => StatusCode::GONE,
            WebError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) | WebError::SessionUnreadable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::FormRefused { refusal, .. } => match refusal {
                FormRefusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                FormRefusal::Conflict => StatusCode::CONFLICT,
                FormRefusal::Missing => StatusCode::NOT_FOUND,
                FormRefusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
                FormRefusal::NotRecognised => StatusCode::UNAUTHORIZED,
                FormRefusal::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            },
        }
    }

    /// When the client may try again, for the `Retry-After` header.
    fn retry_after(&self) -> Option<Duration> {
        match self {
            WebError::TooManyAttempts { retry_after, .. }
            | WebError::FormRefused { refusal: FormRefusal::TooManyAttempts(retry_after), .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// What the user may read: the message for their own mistakes, a fixed sentence for ours.
    fn public_detail(&self) -> String {
        match self {
            WebError::NotFound(message)
            | WebError::BadRequest(message)
            | WebError::Forbidden(message)
            | WebError::Unauthorised(message)
            | WebError::Gone(message)
            | WebError::TooManyAttempts { message, .. } => message.clone(),
            WebError::Unavailable(_) => "De database is tijdelijk niet bereikbaar. Probeer het over enkele minuten opnieuw.".into(),
            WebError::SessionUnreadable { .. } => {
                "De database is even niet bereikbaar. Er is niets verloren; probeer het over enkele ogenblikken opnieuw.".into()
            }
            WebError::Internal(_) => "Er ging bij ons iets mis. Probeer het later opnieuw.".into(),
            // The page says it; no API route takes a form, so this is for completeness only.
            WebError::FormRefused { .. } => "Het formulier is niet verwerkt; de pagina zegt waarom.".into(),
        }
    }

    fn log(&self) {
        // A refused form is the visitor's to fix, or a setting (no mailer) the page explains: not our failure.
        if self.status().is_server_error() && !matches!(self, WebError::FormRefused { .. }) {
            tracing::error!(error = %self, "request failed");
        }
    }

    fn title(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "Niet gevonden",
            WebError::BadRequest(_) => "Ongeldige invoer",
            WebError::Forbidden(_) => "Geen toegang",
            WebError::Unauthorised(_) => "Niet aangemeld",
            WebError::Gone(_) => "Link werkt niet meer",
            WebError::TooManyAttempts { .. } | WebError::FormRefused { refusal: FormRefusal::TooManyAttempts(_), .. } => "Te veel pogingen",
            WebError::Unavailable(_) | WebError::SessionUnreadable { .. } => "Tijdelijk niet beschikbaar",
            WebError::Internal(_) => "Fout",
            WebError::FormRefused { .. } => "Niet verwerkt",
        }
    }

    /// The same failure as `application/problem+json`, for the API.
    pub fn into_problem(self) -> Response {
        self.log();
        let status = self.status();
        let problem = Problem { title: self.title().to_owned(), status: status.as_u16(), detail: self.public_detail() };
        let mut response = (status, axum::Json(problem)).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        with_retry_after(response, self.retry_after())
    }
}

/// Tells the client, in the header as well as in words, when to try again.
fn with_retry_after(mut response: Response, wait: Option<Duration>) -> Response {
    if let Some(wait) = wait {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs()));
    }
    response
}

/// An error in the API, as RFC 9457 describes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A short, fixed summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case, in words for the caller.
    pub detail: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    detail: String,
}

/// A request to send again: where to, and for a post, every field as the browser sent it (repeated names too).
#[derive(Debug)]
pub struct TryAgain {
    pub address: String,
    pub posted: Option<Vec<(String, String)>>,
}

#[derive(Template)]
#[template(path = "opnieuw_proberen.html")]
struct TryAgainPage<'a> {
    title: &'static str,
    detail: String,
    again: &'a TryAgain,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        if let WebError::SessionUnreadable { again, .. } = &self {
            let page = TryAgainPage { title: self.title(), detail: self.public_detail(), again };
            let body = page.render().unwrap_or_else(|_| "Probeer het over enkele ogenblikken opnieuw.".to_owned());
            let mut response = (self.status(), Html(body)).into_response();
            // What was posted may be personal; a moment's wait is all it takes.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store, private"));
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return response;
        }
        let (status, wait) = (self.status(), self.retry_after());
        let body = match self {
            WebError::FormRefused { page, .. } => page,
            other => {
                let page = ErrorPage { title: other.title(), detail: other.public_detail() };
                Html(page.render().unwrap_or_else(|_| "Er ging iets mis.".to_owned()))
            }
        };
        with_retry_after((status, body).into_response(), wait)
    }
}

/// An API failure: the same errors, answered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_problem()
    }
}

/// Renders a page template, or the error page if rendering fails.
pub fn page(template: impl Template) -> Result<Html<String>, WebError> {
    Ok(Html(template.render()?))
}

//! `/wachtwoord-kiezen/{token}`: the one-time link of a new or reset account, where its owner chooses a password
//! and is then asked to sign in. The page and every answer carry `Referrer-Policy: no-referrer`, so that the token
//! in the address travels nowhere else.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{RateLimit, hash_token};
use domain::audit::{Actor, Change, Origin};
use store::PasswordLink;

use super::limits;
use super::password_form::{self, FieldError, NewPassword};
use crate::AppState;
use crate::error::{FormRefusal, WebError, page};
use crate::extract::{Form, Path};

#[derive(Template)]
#[template(path = "wachtwoord_kiezen.html")]
struct ChoosePage {
    email: String,
    errors: Vec<FieldError>,
}

impl ChoosePage {
    fn error(&self, id: &str) -> Option<String> {
        password_form::at(&self.errors, id)
    }
}

pub async fn form(State(state): State<AppState>, Extension(origin): Extension<Origin>, Path(token): Path<String>) -> Response {
    let answer = match link(&state, &origin, &token).await {
        Ok(Ok(user)) => page(ChoosePage { email: user.email.to_string(), errors: Vec::new() }).map(IntoResponse::into_response),
        Ok(Err(refusal)) => Ok(refusal),
        Err(error) => Err(error),
    };
    no_referrer(answer.unwrap_or_else(IntoResponse::into_response))
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(origin): Extension<Origin>,
    Path(token): Path<String>,
    Form(form): Form<NewPassword>,
) -> Response {
    no_referrer(choose(&state, origin, &token, form).await.unwrap_or_else(IntoResponse::into_response))
}

async fn choose(state: &AppState, origin: Origin, token: &str, form: NewPassword) -> Result<Response, WebError> {
    let user = match link(state, &origin, token).await? {
        Ok(user) => user,
        Err(refusal) => return Ok(refusal),
    };
    let password = match form.check(&user.email) {
        Ok(password) => password,
        Err(problem) => {
            let html = page(ChoosePage { email: user.email.to_string(), errors: vec![problem] })?;
            return Err(WebError::form_refused(FormRefusal::Invalid, html));
        }
    };
    let hash = password_form::hash(password).await?;
    let actor = Actor::User { id: user.id, email: user.email.clone() };
    let change =
        Change { actor, origin: origin.clone(), action: "user.password_chosen", target: user.email.to_string(), before: None, after: None };
    match state.store.choose_password(&hash_token(token), &hash, &change).await? {
        PasswordLink::Valid(_) => Ok(Redirect::to("/inloggen?wachtwoord=gekozen").into_response()),
        // Another request used the link between reading and using it.
        other => refuse(state, origin, &other).await,
    }
}

/// The account of a working link, or the refusal to send for one that does not work (counted against the address).
async fn link(state: &AppState, origin: &Origin, token: &str) -> Result<Result<domain::account::User, Response>, WebError> {
    let key = format!("password-link:{}", origin.address.as_deref().unwrap_or("unknown"));
    let limits = [(key.as_str(), RateLimit::INVITATION_PER_ADDRESS)];
    let now = chrono::Utc::now();
    if let Some(wait) = limits::wait(&state.store, &limits, now).await? {
        let message = format!("Te veel ongeldige links vanaf dit adres. Probeer het over {} opnieuw.", limits::in_words(wait));
        return Err(WebError::TooManyAttempts { message, retry_after: wait });
    }
    match state.store.password_link(&hash_token(token)).await? {
        PasswordLink::Valid(user) => Ok(Ok(user)),
        other => {
            limits::record_failure(&state.store, &limits, now).await?;
            refuse(state, origin.clone(), &other).await.map(Err)
        }
    }
}

async fn refuse(state: &AppState, origin: Origin, link: &PasswordLink) -> Result<Response, WebError> {
    let refusal = match link {
        PasswordLink::Expired => "Deze link om een wachtwoord te kiezen is verlopen.",
        PasswordLink::Used => "Deze link is al gebruikt: er is met deze link al een wachtwoord gekozen.",
        PasswordLink::Unknown | PasswordLink::Valid(_) => "Deze link om een wachtwoord te kiezen bestaat niet.",
    };
    let change =
        Change { actor: Actor::Anonymous, origin, action: "password_link.refused", target: refusal.to_owned(), before: None, after: None };
    state.store.record(&change).await?;
    Ok(WebError::Gone(format!("{refusal} Vraag het monitorteam om een nieuwe link.")).into_response())
}

fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

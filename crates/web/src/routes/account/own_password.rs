//! `/mijn/wachtwoord`: a signed-in user changes their own password. The current password is asked first (and
//! counted like a failed sign-in when wrong). The change ends every session of the account, this one included, so
//! a stolen session dies with the old password; this browser then gets a fresh session, so its user stays signed in.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, RateLimit, SessionState};
use domain::account::User;
use domain::audit::{Change, Origin};
use serde::Deserialize;

use super::password_form::{self, FieldError, NewPassword};
use super::{begin_session, limits};
use crate::AppState;
use crate::error::{FormRefusal, WebError, page};
use crate::extract::Form;
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "mijn_wachtwoord.html")]
struct OwnPasswordPage {
    /// `None` for a respondent who came in through an invitation link: there is no password to change.
    email: Option<String>,
    errors: Vec<FieldError>,
}

impl OwnPasswordPage {
    fn error(&self, id: &str) -> Option<String> {
        password_form::at(&self.errors, id)
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    huidig: String,
    #[serde(flatten)]
    new: NewPassword,
}

fn user_of(signed: &SignedIn) -> Option<&User> {
    match signed.0.as_ref() {
        Some(Principal::User(user)) => Some(user),
        _ => None,
    }
}

pub async fn form(Extension(signed): Extension<SignedIn>) -> Result<Response, WebError> {
    let email = user_of(&signed).map(|user| user.email.to_string());
    Ok(page(OwnPasswordPage { email, errors: Vec::new() })?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Extension(origin): Extension<Origin>,
    jar: CookieJar,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let Some(user) = user_of(&signed).cloned() else {
        return Err(WebError::form_refused(FormRefusal::Invalid, page(OwnPasswordPage { email: None, errors: Vec::new() })?));
    };
    let refuse = |problem: FieldError, refusal: FormRefusal| -> Result<Response, WebError> {
        let html = page(OwnPasswordPage { email: Some(user.email.to_string()), errors: vec![problem] })?;
        Err(WebError::form_refused(refusal, html))
    };
    let key = format!("password-change:{}", user.email);
    let limits = [(key.as_str(), RateLimit::PASSWORD_CHANGE_PER_ACCOUNT)];
    let now = chrono::Utc::now();
    if let Some(wait) = limits::wait(&state.store, &limits, now).await? {
        let text = format!("Te veel mislukte pogingen. Probeer het over {} opnieuw.", limits::in_words(wait));
        return refuse(FieldError { id: "huidig", text }, FormRefusal::TooManyAttempts(wait));
    }
    let (_, stored) = state.store.user_with_hash(&user.email).await?;
    let attempt = form.huidig.clone();
    let right = tokio::task::spawn_blocking(move || stored.verify(&attempt)).await.map_err(|e| WebError::Internal(e.to_string()))?;
    if !right {
        limits::record_failure(&state.store, &limits, now).await?;
        let text = "Het huidige wachtwoord klopt niet.".to_owned();
        return refuse(FieldError { id: "huidig", text }, FormRefusal::Invalid);
    }
    let password = match form.new.check(&user.email) {
        Ok(password) => password,
        Err(problem) => return refuse(problem, FormRefusal::Invalid),
    };
    let hash = password_form::hash(password).await?;
    let change = Change {
        actor: Principal::User(user.clone()).actor(),
        origin: origin.clone(),
        action: "user.password",
        target: user.email.to_string(),
        before: None,
        after: Some(serde_json::json!({"sessions": "ended"})),
    };
    state.store.set_password(&user.email, &hash, &change).await?;
    // The account is signed in already, second factor and all: the fresh session is signed in too.
    let session = SessionState::SignedIn(Principal::User(user));
    begin_session(&state, jar, session, origin, "session.renewed", "/mijn?wachtwoord=gewijzigd").await
}

//! `/inloggen` and `/uitloggen`.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, RateLimit, ReturnPath, SessionState, hash_token};
use std::sync::LazyLock;

use domain::account::{Email, Password, PasswordHash, User};
use domain::audit::{Actor, Change, Origin};
use serde::Deserialize;
use store::StoreError;
use tokio::sync::Semaphore;

use super::{begin_session, limits, start_page};
use crate::AppState;
use crate::error::{FormRefusal, WebError, page};
use crate::extract::{Form, Query};
use crate::session::{SignedIn, current_token, removal_cookie};

#[derive(Template)]
#[template(path = "inloggen.html")]
struct SignInPage {
    email: String,
    back: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    terug: Option<String>,
    uitgelogd: Option<String>,
    /// Set after a password was chosen through a one-time link.
    wachtwoord: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    wachtwoord: String,
    #[serde(default)]
    terug: String,
}

/// Where to go after signing in: only a path on this site (`ReturnPath`), or nowhere in particular.
pub(super) fn return_path(back: Option<&str>) -> String {
    back.and_then(ReturnPath::parse).map(|path| path.to_string()).unwrap_or_default()
}

pub async fn form(Extension(signed): Extension<SignedIn>, Query(query): Query<SignInQuery>) -> Result<Response, WebError> {
    if let Some(principal) = &signed.0 {
        return Ok(Redirect::to(start_page(principal)).into_response());
    }
    let back = return_path(query.terug.as_deref());
    let notice = if query.wachtwoord.is_some() {
        Some("Uw wachtwoord is opgeslagen. Log in met uw e-mailadres en het wachtwoord dat u koos.")
    } else {
        query.uitgelogd.is_some().then_some("U bent uitgelogd.")
    };
    Ok(page(SignInPage { email: String::new(), back, error: None, notice })?.into_response())
}

/// A hash of today's parameters, checked when the address is unknown, so that a wrong address takes as long as a
/// wrong password and the timing does not tell which accounts exist.
static DUMMY_HASH: LazyLock<Option<PasswordHash>> = LazyLock::new(|| {
    let email = Email::parse("niemand@inbeeld.invalid").ok()?;
    Password::new("een wachtwoord dat bij geen account hoort", &email).and_then(|p| p.hash()).ok()
});

static HASHING: Semaphore = Semaphore::const_new(4);

pub async fn submit(
    State(state): State<AppState>,
    Extension(origin): Extension<Origin>,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let back = return_path(Some(&form.terug));
    let typed = form.email.trim().to_owned();
    let retry = |message: String, refusal: FormRefusal| -> Result<Response, WebError> {
        let body = page(SignInPage { email: typed.clone(), back: back.clone(), error: Some(message), notice: None })?;
        Err(WebError::form_refused(refusal, body))
    };
    let address = origin.address.as_deref().unwrap_or("unknown");
    // Per account and address together: failures from elsewhere never lock the owner out.
    let account_key = format!("account:{}|address:{address}", typed.to_lowercase());
    let address_key = limits::address_key(address);

    let now = chrono::Utc::now();
    let limits =
        [(account_key.as_str(), RateLimit::SIGN_IN_PER_ACCOUNT_AND_ADDRESS), (address_key.as_str(), RateLimit::SIGN_IN_PER_ADDRESS)];
    if let Some(wait) = limits::wait(&state.store, &limits, now).await? {
        let message = format!("Te veel mislukte pogingen. Probeer het over {} opnieuw.", limits::in_words(wait));
        return retry(message, FormRefusal::TooManyAttempts(wait));
    }

    let found = match Email::parse(&typed) {
        Ok(email) => match state.store.user_with_hash(&email).await {
            Ok(found) => Some(found),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        },
        Err(_) => None,
    };
    let attempt = form.wachtwoord.clone();
    let hash = found.as_ref().map(|(_, hash)| hash.clone());
    // Each hash takes about 19 MiB: a bounded number at once keeps a flood of sign-ins from exhausting memory.
    let _permit = HASHING.acquire().await.map_err(|e| WebError::Internal(e.to_string()))?;
    let matches = tokio::task::spawn_blocking(move || match hash {
        Some(hash) => hash.verify(&attempt),
        None => {
            if let Some(dummy) = DUMMY_HASH.as_ref() {
                dummy.verify(&attempt);
            }
            false
        }
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;

    match found {
        Some((user, hash)) if matches && !user.disabled => {
            if hash.needs_rehash() {
                rehash(&state, &user, form.wachtwoord, &origin).await;
            }
            if user.role.needs_second_factor() {
                let next = super::second_step::address(&back);
                return begin_session(&state, jar, SessionState::SecondStep(user), origin, "login.password", &next).await;
            }
            let principal = Principal::User(user);
            let destination = if back.is_empty() { start_page(&principal).to_owned() } else { back.clone() };
            begin_session(&state, jar, SessionState::SignedIn(principal), origin, "login", &destination).await
        }
        _ => {
            limits::record_failure(&state.store, &limits, now).await?;
            let change =
                Change { actor: Actor::Anonymous, origin, action: "login.failed", target: typed.clone(), before: None, after: None };
            state.store.record(&change).await?;
            retry("Het e-mailadres of het wachtwoord klopt niet.".into(), FormRefusal::NotRecognised)
        }
    }
}

/// Stores a hash of today's parameters for a password that was just proven right.
async fn rehash(state: &AppState, user: &User, password: String, origin: &Origin) {
    let email = &user.email;
    let email_for_policy = email.clone();
    let hashed =
        tokio::task::spawn_blocking(move || Password::new(&password, &email_for_policy).and_then(|p| p.hash()).ok()).await.ok().flatten();
    if let Some(hash) = hashed {
        let change = Change {
            actor: Actor::User { id: user.id, email: email.clone() },
            origin: origin.clone(),
            action: "user.rehash",
            target: email.to_string(),
            before: None,
            after: None,
        };
        if let Err(error) = state.store.rehash_password(email, &hash, &change).await {
            tracing::warn!(%error, "rehashing a password failed; the old hash stays");
        }
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Extension(origin): Extension<Origin>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    if let Some(token) = current_token(&jar, state.secure_cookies) {
        state.store.end_session(&hash_token(&token)).await?;
    }
    if let Some(principal) = signed.0 {
        let target = principal.organisation().map(ToString::to_string).unwrap_or_default();
        state.store.record(&Change { actor: principal.actor(), origin, action: "logout", target, before: None, after: None }).await?;
    }
    Ok((jar.add(removal_cookie(state.secure_cookies)), Redirect::to("/inloggen?uitgelogd=1")).into_response())
}

//! Signing in and out, invitation links, the signed-in start page, and choosing or changing one's password.

pub mod choose_password;
pub mod invitation;
mod limits;
pub mod mine;
pub mod own_password;
mod password_form;
pub mod second_step;
pub mod sign_in;

use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, Secret, SessionState};
use domain::account::Role;
use domain::audit::{Change, Origin};

use crate::AppState;
use crate::error::WebError;
use crate::session::{current_token, session_cookie};

/// Where a principal lands after signing in.
pub fn start_page(principal: &Principal) -> &'static str {
    match principal.role() {
        Role::Admin => "/beheer",
        _ => "/mijn",
    }
}

/// Starts a fresh session, ending the one the browser had (so no session id outlives a sign-in or its second
/// step), records `action`, and sends the browser on to `destination`.
pub async fn begin_session(
    state: &AppState,
    jar: CookieJar,
    session: SessionState,
    origin: Origin,
    action: &'static str,
    destination: &str,
) -> Result<Response, WebError> {
    let jar = start_session(state, jar, session, origin, action).await?;
    Ok((jar, Redirect::to(destination)).into_response())
}

/// `begin_session` without the redirect: the cookie jar with the new session's cookie.
pub async fn start_session(
    state: &AppState,
    jar: CookieJar,
    session: SessionState,
    origin: Origin,
    action: &'static str,
) -> Result<CookieJar, WebError> {
    if let Some(old) = current_token(&jar, state.secure_cookies) {
        state.store.end_session(&domain::access::hash_token(&old)).await?;
    }
    let secret = Secret::generate().map_err(WebError::Internal)?;
    state.store.start_session(&secret.hash, &session).await?;
    let (actor, target) = match &session {
        SessionState::SignedIn(principal @ Principal::User(user)) => (principal.actor(), user.email.to_string()),
        SessionState::SignedIn(principal @ Principal::Invitation { organisation }) => (principal.actor(), organisation.to_string()),
        SessionState::SecondStep(user) => (Principal::User(user.clone()).actor(), user.email.to_string()),
    };
    state.store.record(&Change { actor, origin, action, target, before: None, after: None }).await?;
    Ok(jar.add(session_cookie(secret.token, state.secure_cookies)))
}

//! Signing in and out, invitation links, the signed-in start page, and choosing or changing one's password.

pub mod choose_password;
pub mod invitation;
mod limits;
pub mod mine;
pub mod own_password;
mod password_form;
pub mod sign_in;

use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, Secret};
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

/// Starts a fresh session for `principal`, ending the one the browser had (so no session id outlives a sign-in),
/// records `action`, and sends the browser on to `destination`.
pub async fn begin_session(
    state: &AppState,
    jar: CookieJar,
    principal: Principal,
    origin: Origin,
    action: &'static str,
    destination: &str,
) -> Result<Response, WebError> {
    if let Some(old) = current_token(&jar, state.secure_cookies) {
        state.store.end_session(&domain::access::hash_token(&old)).await?;
    }
    let secret = Secret::generate().map_err(WebError::Internal)?;
    state.store.start_session(&secret.hash, &principal).await?;
    let target = match &principal {
        Principal::User(user) => user.email.to_string(),
        Principal::Invitation { organisation } => organisation.to_string(),
    };
    state.store.record(&Change { actor: principal.actor(), origin, action, target, before: None, after: None }).await?;
    let jar = jar.add(session_cookie(secret.token, state.secure_cookies));
    Ok((jar, Redirect::to(destination)).into_response())
}

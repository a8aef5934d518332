//! `/mijn`: the start page of a signed-in user: who you are, what you may do, and signing out.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use domain::access::Principal;

use crate::AppState;
use crate::error::{WebError, page};
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "mijn.html")]
struct MinePage {
    who: String,
    role: &'static str,
    organisation: Option<(String, String)>,
    is_admin: bool,
}

pub async fn page_for(State(state): State<AppState>, Extension(signed): Extension<SignedIn>) -> Result<Html<String>, WebError> {
    let principal = signed.0.ok_or_else(|| WebError::Forbidden("Log eerst in.".into()))?;
    let organisation = match principal.organisation() {
        Some(code) => Some((code.to_string(), state.store.organisation(code).await?.name)),
        None => None,
    };
    let who = match &principal {
        Principal::User(user) => user.email.to_string(),
        Principal::Invitation { .. } => "uitnodiging".to_owned(),
    };
    page(MinePage { who, role: principal.role().label(), organisation, is_admin: principal.role() == domain::account::Role::Admin })
}

//! `/mijn`: the start page of a signed-in user: who you are, what you may do, and signing out.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::access::{Access, Decision, Principal};
use domain::account::Role;
use domain::fieldwork::ResponseState;
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, page};
use crate::extract::{AuthUser, Query};

#[derive(Template)]
#[template(path = "mijn.html")]
struct MinePage {
    who: String,
    role: &'static str,
    organisation: Option<(String, String)>,
    is_admin: bool,
    is_staff: bool,
    may_plan_support: bool,
    /// Admins and analysts make personal API tokens for the raw answers.
    may_hold_token: bool,
    /// A respondent's questionnaires: title, link, and where it stands.
    questionnaires: Vec<(String, String, String)>,
    /// A signed-in user (not an invitation link) has a password to change.
    has_password: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct MineQuery {
    wachtwoord: Option<String>,
}

pub async fn page_for(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    Query(query): Query<MineQuery>,
) -> Result<Html<String>, WebError> {
    let organisation = match principal.organisation() {
        Some(code) => Some((code.to_string(), state.store.organisation(code).await?.name)),
        None => None,
    };
    let who = match &principal {
        Principal::User(user) => user.email.to_string(),
        Principal::Invitation { .. } => "uitnodiging".to_owned(),
    };
    let mut questionnaires = Vec::new();
    if let Some(code) = principal.organisation() {
        for wave in state.store.waves().await? {
            if !wave.shown_to_respondents() || !wave.asks(&state.store.organisation(code).await?) {
                continue;
            }
            let standing = match state.store.response(&wave.id, code).await?.map(|r| r.state) {
                None if wave.state.accepts_answers() => "nog niet begonnen",
                None => "niet ingevuld",
                Some(ResponseState::Draft) if wave.state.accepts_answers() => "concept bewaard, nog niet ingediend",
                Some(ResponseState::Draft) => "niet ingediend",
                Some(ResponseState::Submitted) => "ingediend",
            };
            let state_text = format!("{standing}; meting {}", wave.state.label_nl());
            questionnaires.push((wave.title, format!("/invullen/{}/{code}", wave.id), state_text));
        }
    }
    let role = principal.role();
    page(MinePage {
        who,
        role: role.label(),
        organisation,
        is_admin: role == Role::Admin,
        is_staff: matches!(role, Role::Admin | Role::Analyst | Role::Interviewer),
        may_plan_support: Access::SUPPORT_PLANNING.decide(Some(&principal), None) == Decision::Allow,
        may_hold_token: domain::access::api_token::may_hold_token(role),
        questionnaires,
        has_password: matches!(principal, Principal::User(_)),
        notice: query.wachtwoord.is_some().then_some("Uw wachtwoord is gewijzigd. Overal waar u nog was ingelogd, bent u uitgelogd."),
    })
}

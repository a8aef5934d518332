//! `/beheer`: the monitor team's pages. Only admins reach them (see the route table).

pub mod audit;
pub mod collaborations;
pub mod downloads;
pub mod knowledge;
pub mod letters;
pub mod support;
pub mod tokens;
pub mod users;
pub mod waves;

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::AppState;
use crate::error::{WebError, page};

struct UserRow {
    email: String,
    role: &'static str,
    organisation: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "beheer.html")]
struct AdminPage {
    users: Vec<UserRow>,
}

pub async fn home(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let users = state.store.users().await?;
    page(AdminPage {
        users: users
            .into_iter()
            .map(|u| UserRow {
                email: u.email.to_string(),
                role: u.role.label(),
                organisation: u.organisation.map(|o| o.to_string()).unwrap_or_default(),
                status: if u.disabled { "uitgeschakeld" } else { "actief" },
            })
            .collect(),
    })
}

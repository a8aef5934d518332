//! `/invullen/{wave}/{code}/profiel`: the municipality's own profile in a wave, which its respondents see before
//! the wave is published (and the staff while they check it). A published wave's profile is the public one.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::fieldwork::WaveState;
use serde::Deserialize;

use super::Context;
use crate::AppState;
use crate::error::{WebError, page};
use crate::extract::{AuthUser, Path};
use crate::figures::load_own;
use crate::routes::public::profile::{Preliminary, ProfileView, profile_view};

#[derive(Template)]
#[template(path = "profiel_voorbeeld.html")]
struct ProfilePage {
    name: String,
    code: String,
    base: String,
    profile: ProfileView,
}

#[derive(Deserialize)]
pub struct ProfilePath {
    wave: String,
    code: String,
}

pub async fn show(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    Path(path): Path<ProfilePath>,
) -> Result<Html<String>, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
    let organisation = &context.organisation;
    let (figures, profile, preliminary) = match context.wave.state {
        WaveState::Published => {
            let figures = state.figures.wave(&state.store, context.wave.id.as_str()).await?;
            let profile = figures.profile(&organisation.code);
            (figures, profile, None)
        }
        WaveState::Draft => {
            return Err(WebError::NotFound(format!("De meting ‘{}’ is nog niet begonnen: er is nog geen profiel.", context.wave.title)));
        }
        _ => {
            let figures = Arc::new(load_own(&state.store, context.wave.clone(), &organisation.code).await?);
            let comparison = state.figures.comparison_for(&state.store, &context.wave).await?;
            let profile = figures.preliminary_profile(&organisation.code, comparison.as_deref());
            (figures, profile, Some(Preliminary { compared_with: comparison.map(|c| c.wave.title.clone()) }))
        }
    };
    let profile = profile.ok_or_else(|| {
        WebError::NotFound(format!("De meting ‘{}’ vroeg {} niet: er is geen profiel.", context.wave.title, organisation.name))
    })?;
    page(ProfilePage {
        name: organisation.name.clone(),
        code: organisation.code.to_string(),
        base: format!("/invullen/{}/{}", context.wave.id, organisation.code),
        profile: profile_view(&figures, &profile, preliminary),
    })
}

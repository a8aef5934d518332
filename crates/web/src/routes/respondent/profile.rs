//! `/invullen/{wave}/{code}/profiel`: the municipality's own profile in a wave, which its respondents see before
//! the wave is published (and the staff while they check it). A published wave's profile is the public one.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use domain::fieldwork::WaveState;
use serde::Deserialize;

use super::Context;
use crate::AppState;
use crate::error::{WebError, page};
use crate::extract::Path;
use crate::figures::load_wave;
use crate::routes::public::profile::{ProfileView, profile_view};
use crate::session::SignedIn;

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
    Extension(signed): Extension<SignedIn>,
    Path(path): Path<ProfilePath>,
) -> Result<Html<String>, WebError> {
    let context = Context::load(&state, signed, &path.wave, &path.code).await?;
    let preliminary = context.wave.state != WaveState::Published;
    let figures = match context.wave.state {
        WaveState::Published => state.figures.wave(&state.store, context.wave.id.as_str()).await?,
        WaveState::Draft => {
            return Err(WebError::NotFound(format!("De meting ‘{}’ is nog niet begonnen: er is nog geen profiel.", context.wave.title)));
        }
        _ => Arc::new(load_wave(&state.store, context.wave.clone()).await?),
    };
    let organisation = &context.organisation;
    let profile = figures.profile(&organisation.code).ok_or_else(|| {
        WebError::NotFound(format!("De meting ‘{}’ vroeg {} niet: er is geen profiel.", context.wave.title, organisation.name))
    })?;
    page(ProfilePage {
        name: organisation.name.clone(),
        code: organisation.code.to_string(),
        base: format!("/invullen/{}/{}", context.wave.id, organisation.code),
        profile: profile_view(&figures, &profile, preliminary),
    })
}

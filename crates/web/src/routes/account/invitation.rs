//! `/uitnodiging/{token}`: a personal invitation link signs a respondent in for its own organisation. A link made by
//! hand works once; a fieldwork link, sent by mail for a wave, works until it expires and leads to the questionnaire.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, RateLimit, SessionState, hash_token};
use domain::audit::{Actor, Change, Origin};
use store::Redemption;

use super::{begin_session, limits};
use crate::AppState;
use crate::error::WebError;
use crate::extract::Path;

pub async fn redeem(
    State(state): State<AppState>,
    Extension(origin): Extension<Origin>,
    jar: CookieJar,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let key = format!("invitation:{}", origin.address.as_deref().unwrap_or("unknown"));
    let limits = [(key.as_str(), RateLimit::INVITATION_PER_ADDRESS)];
    let now = chrono::Utc::now();
    if let Some(wait) = limits::wait(&state.store, &limits, now).await? {
        let message = format!("Te veel ongeldige links vanaf dit adres. Probeer het over {} opnieuw.", limits::in_words(wait));
        return Err(WebError::TooManyAttempts { message, retry_after: wait });
    }
    let (organisation, destination) = match state.store.redeem_invitation(&hash_token(&token)).await? {
        Redemption::Valid(organisation) => (organisation, "/mijn".to_owned()),
        Redemption::ValidForWave { organisation, wave } => {
            let questionnaire = format!("/invullen/{wave}/{organisation}");
            (organisation, questionnaire)
        }
        Redemption::Expired => return refuse(&state, &limits, origin, "Deze uitnodiging is verlopen.", now).await,
        Redemption::Used => return refuse(&state, &limits, origin, "Deze uitnodiging is al gebruikt.", now).await,
        Redemption::Unknown => return refuse(&state, &limits, origin, "Deze uitnodiging bestaat niet.", now).await,
    };
    let session = SessionState::SignedIn(Principal::Invitation { organisation });
    let mut response = begin_session(&state, jar, session, origin, "invitation.used", &destination).await?;
    // The link's token must not travel on in a Referer header.
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}

async fn refuse(
    state: &AppState,
    limits: &[(&str, RateLimit)],
    origin: Origin,
    refusal: &'static str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Response, WebError> {
    limits::record_failure(&state.store, limits, now).await?;
    let change =
        Change { actor: Actor::Anonymous, origin, action: "invitation.refused", target: refusal.to_owned(), before: None, after: None };
    state.store.record(&change).await?;
    let mut response = WebError::Gone(format!("{refusal} Vraag het monitorteam om een nieuwe link.")).into_response();
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}

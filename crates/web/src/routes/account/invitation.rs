//! `/uitnodiging/{token}`: a personal invitation link signs a respondent in for its own organisation, once.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, RateLimit, hash_token};
use domain::audit::{Actor, Change, Origin};
use store::Redemption;

use super::begin_session;
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
    let limit = RateLimit::INVITATION_PER_ADDRESS;
    let now = chrono::Utc::now();
    if let Some(wait) = limit.retry_after(&state.store.failures(&key, limit.since(now)).await?, now) {
        let minutes = wait.as_secs().div_ceil(60);
        let mut response =
            WebError::TooManyAttempts(format!("Te veel ongeldige links vanaf dit adres. Probeer het over {minutes} minuten opnieuw."))
                .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs()));
        return Ok(response);
    }
    let refusal = match state.store.redeem_invitation(&hash_token(&token)).await? {
        Redemption::Valid(organisation) => {
            let principal = Principal::Invitation { organisation };
            let mut response = begin_session(&state, jar, principal, origin, "invitation.used", "/mijn").await?;
            // The link's token must not travel on in a Referer header.
            response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            return Ok(response);
        }
        Redemption::Expired => "Deze uitnodiging is verlopen.",
        Redemption::Used => "Deze uitnodiging is al gebruikt.",
        Redemption::Unknown => "Deze uitnodiging bestaat niet.",
    };
    state.store.record_failure(&key, limit.since(now)).await?;
    let change =
        Change { actor: Actor::Anonymous, origin, action: "invitation.refused", target: refusal.to_owned(), before: None, after: None };
    state.store.record(&change).await?;
    let mut response = WebError::Gone(format!("{refusal} Vraag het monitorteam om een nieuwe link.")).into_response();
    response.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}

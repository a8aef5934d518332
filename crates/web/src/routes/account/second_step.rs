//! `/inloggen/tweede-stap`: the second step of signing in for staff. An account with an authenticator app gives a
//! code from it (or a recovery code); an account without one sets one up here first, by a QR code drawn on the
//! server, and receives its recovery codes once. Until then the session is halfway and opens nothing else. These
//! pages show a secret; the route table's rule (not public) keeps them out of every cache.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::access::{Principal, RateLimit, SessionState, hash_token};
use domain::account::{RecoveryCode, SecondFactorCode, TotpSecret, User, recovery_hash};
use domain::audit::{Change, Origin};
use serde::Deserialize;
use store::StoreError;

use super::sign_in::return_path;
use super::{begin_session, limits, start_page, start_session};
use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{Form, Query};
use crate::routes::SECOND_STEP;
use crate::session::{HalfwaySignIn, SignedIn, current_token};

/// The second step's address, carrying where the visitor wanted to go.
pub fn address(back: &str) -> String {
    if back.is_empty() {
        SECOND_STEP.to_owned()
    } else {
        let back: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
        format!("{SECOND_STEP}?terug={back}")
    }
}

#[derive(Template)]
#[template(path = "tweede_stap.html")]
struct CodePage {
    back: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "tweede_stap_instellen.html")]
struct SetUpPage {
    back: String,
    error: Option<String>,
    /// The QR code of the `otpauth://` link, as SVG markup made here (no user text in it).
    qr_svg: String,
    grouped_secret: String,
}

#[derive(Template)]
#[template(path = "herstelcodes.html")]
struct RecoveryCodesPage {
    codes: Vec<String>,
    next: String,
}

#[derive(Deserialize)]
pub struct SecondStepQuery {
    terug: Option<String>,
}

#[derive(Deserialize)]
pub struct SecondStepForm {
    code: String,
    #[serde(default)]
    terug: String,
}

pub async fn form(
    State(state): State<AppState>,
    Extension(halfway): Extension<HalfwaySignIn>,
    Extension(signed): Extension<SignedIn>,
    jar: CookieJar,
    Query(query): Query<SecondStepQuery>,
) -> Result<Response, WebError> {
    let Some(user) = halfway.0 else { return Ok(already_signed_in(signed)) };
    let back = return_path(query.terug.as_deref());
    if state.store.second_factor(user.id).await?.is_some() {
        return Ok(page(CodePage { back, error: None })?.into_response());
    }
    let session = session_hash(&state, &jar)?;
    let secret = match state.store.pending_secret(&session).await? {
        Some(secret) => secret,
        None => {
            let secret = TotpSecret::generate().map_err(|e| WebError::Internal(e.to_string()))?;
            state.store.set_pending_secret(&session, &secret).await?;
            secret
        }
    };
    set_up_page(&user, &secret, back, None, None)
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(halfway): Extension<HalfwaySignIn>,
    Extension(signed): Extension<SignedIn>,
    Extension(origin): Extension<Origin>,
    jar: CookieJar,
    Form(form): Form<SecondStepForm>,
) -> Result<Response, WebError> {
    let Some(user) = halfway.0 else { return Ok(already_signed_in(signed)) };
    let back = return_path(Some(&form.terug));
    let account_key = format!("second-factor:{}", user.id);
    let address_key = limits::address_key(origin.address.as_deref().unwrap_or("unknown"));
    let limits = [(account_key.as_str(), RateLimit::SECOND_FACTOR_PER_ACCOUNT), (address_key.as_str(), RateLimit::SIGN_IN_PER_ADDRESS)];
    let now = chrono::Utc::now();
    let stored = state.store.second_factor(user.id).await?;
    let pending = match &stored {
        Some(_) => None,
        None => match state.store.pending_secret(&session_hash(&state, &jar)?).await? {
            Some(secret) => Some(secret),
            // The page with the QR code was never shown in this session: show it.
            None => return Ok(Redirect::to(&address(&back)).into_response()),
        },
    };
    let refuse = |message: String, refusal: FormRefusal| -> Result<Response, WebError> {
        match &pending {
            Some(secret) => set_up_page(&user, secret, back.clone(), Some(message), Some(refusal)),
            None => Err(WebError::form_refused(refusal, page(CodePage { back: back.clone(), error: Some(message) })?)),
        }
    };
    if let Some(wait) = limits::wait(&state.store, &limits, now).await? {
        let message = format!("Te veel onjuiste codes. Probeer het over {} opnieuw.", limits::in_words(wait));
        return refuse(message, FormRefusal::TooManyAttempts(wait));
    }
    let typed = SecondFactorCode::parse(&form.code);
    let destination = if back.is_empty() { start_page(&Principal::User(user.clone())).to_owned() } else { back.clone() };
    let actor = Principal::User(user.clone()).actor();
    let change = |action: &'static str| Change {
        actor: actor.clone(),
        origin: origin.clone(),
        action,
        target: user.email.to_string(),
        before: None,
        after: None,
    };
    let accepted = match (&stored, &pending, typed) {
        (Some(factor), _, Some(SecondFactorCode::App(code))) => match factor.secret.verify(&code, now, factor.last_step) {
            Some(step) => state.store.use_code_step(user.id, step).await?,
            None => false,
        },
        (Some(_), _, Some(SecondFactorCode::Recovery(bare))) => {
            state.store.use_recovery_code(user.id, &recovery_hash(&bare), &change("2fa.recovery_code")).await?
        }
        (None, Some(secret), Some(SecondFactorCode::App(code))) => {
            if let Some(step) = secret.verify(&code, now, None) {
                return confirm(&state, jar, &user, secret, step, change("2fa.setup"), origin, destination).await;
            }
            false
        }
        _ => false,
    };
    if accepted {
        let signed_in = SessionState::SignedIn(Principal::User(user.clone()));
        return begin_session(&state, jar, signed_in, origin, "login", &destination).await;
    }
    limits::record_failure(&state.store, &limits, now).await?;
    state.store.record(&change("login.second_factor_failed")).await?;
    let message = match pending {
        Some(_) => "Deze code klopt niet. Typ de zes cijfers die de app nu toont; elke 30 seconden komt er een nieuwe.",
        None => "Deze code klopt niet of is al gebruikt. Typ de zes cijfers die de app nu toont, of een ongebruikte herstelcode.",
    };
    refuse(message.into(), FormRefusal::NotRecognised)
}

/// Keeps the app's secret and new recovery codes, signs the account in, and shows the codes, once.
#[allow(clippy::too_many_arguments)] // one call site, each argument a different thing
async fn confirm(
    state: &AppState,
    jar: CookieJar,
    user: &User,
    secret: &TotpSecret,
    step: u64,
    change: Change,
    origin: Origin,
    next: String,
) -> Result<Response, WebError> {
    let codes = RecoveryCode::generate_set().map_err(|e| WebError::Internal(e.to_string()))?;
    let hashes: Vec<String> = codes.iter().map(|code| code.hash.clone()).collect();
    match state.store.confirm_second_factor(user.id, secret, step, &hashes, &change).await {
        // Set up in another window meanwhile: that one counts, and this sign-in goes through it.
        Err(StoreError::Conflict(_)) => return Ok(Redirect::to(SECOND_STEP).into_response()),
        other => other?,
    }
    let jar = start_session(state, jar, SessionState::SignedIn(Principal::User(user.clone())), origin, "login").await?;
    let shown = RecoveryCodesPage { codes: codes.into_iter().map(|code| code.shown).collect(), next };
    Ok((jar, page(shown)?).into_response())
}

fn set_up_page(
    user: &User,
    secret: &TotpSecret,
    back: String,
    error: Option<String>,
    refused: Option<FormRefusal>,
) -> Result<Response, WebError> {
    let link = secret.otpauth_uri(&user.email).map_err(|e| WebError::Internal(e.to_string()))?;
    let qr_svg = crate::qr::svg(&link)?;
    form_answer(page(SetUpPage { back, error, qr_svg, grouped_secret: secret.grouped() })?, refused)
}

fn session_hash(state: &AppState, jar: &CookieJar) -> Result<String, WebError> {
    current_token(jar, state.secure_cookies)
        .map(|token| hash_token(&token))
        .ok_or_else(|| WebError::Internal("a halfway sign-in without a session cookie".into()))
}

/// A visitor who is signed in already has no second step to take.
fn already_signed_in(signed: SignedIn) -> Response {
    let start = signed.0.as_ref().map(start_page).unwrap_or("/inloggen");
    Redirect::to(start).into_response()
}

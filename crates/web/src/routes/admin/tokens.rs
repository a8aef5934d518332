//! `/beheer/sleutels`: personal API tokens, with which an admin's or analyst's script downloads raw answers without
//! a browser session (`bearer`). Each lists, makes and revokes their own; an admin also sees and revokes everyone's.
//! The secret is shown once, on the page that answers the form, and stored only as its hash.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use domain::FormError;
use domain::access::api_token::{ApiToken, TokenName, TokenScope, TokenValidity, may_hold_token};
use domain::access::{Principal, Secret};
use domain::account::{Role, User};
use serde::Deserialize;

use crate::AppState;
use crate::error::{FormRefusal, WebError};
use crate::extract::{AuthUser, ChangeAuthor, Form, Path, Query};
use crate::format;

struct Row {
    id: i64,
    owner: String,
    name: String,
    scope: &'static str,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    revocable: bool,
}

impl Row {
    fn of(token: &ApiToken, now: DateTime<Utc>) -> Self {
        let state = token.state(now);
        Row {
            id: token.id,
            owner: token.owner.email.to_string(),
            name: token.name.clone(),
            scope: token.scope.label(),
            created: moment(token.created_at),
            expires: moment(token.expires_at),
            last_used: token.last_used_at.map_or_else(|| "nog niet".to_owned(), moment),
            state: state.label(),
            revocable: token.revoked_at.is_none(),
        }
    }
}

fn moment(at: DateTime<Utc>) -> String {
    format!("{} {} UTC", format::date(at.date_naive()), at.format("%H:%M"))
}

/// The secret of a token just made, with how to use it; on this one page only.
struct Created {
    name: String,
    token: String,
    expires: String,
    example: String,
}

#[derive(Template)]
#[template(path = "beheer_sleutels.html")]
struct TokensPage {
    own: Vec<Row>,
    /// For an admin: every other account's tokens.
    others: Option<Vec<Row>>,
    created: Option<Created>,
    form: TokenForm,
    default_days: u32,
    max_days: u32,
    scopes: Vec<(&'static str, &'static str)>,
    problems: Vec<FormError>,
    notice: Option<&'static str>,
}

impl TokensPage {
    fn error(&self, field: &str) -> Option<String> {
        self.problems.iter().find(|problem| problem.field == field).map(|problem| problem.message.clone())
    }
}

#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    naam: String,
    #[serde(default)]
    dagen: String,
    #[serde(default)]
    scope: String,
}

#[derive(Deserialize)]
pub struct Notice {
    melding: Option<String>,
}

async fn render(
    state: &AppState,
    user: &User,
    form: TokenForm,
    problems: Vec<FormError>,
    created: Option<Created>,
    notice: Option<&'static str>,
) -> Result<String, WebError> {
    let now = Utc::now();
    let own = state.store.api_tokens(Some(user.id)).await?.iter().map(|token| Row::of(token, now)).collect();
    let others = if user.role == Role::Admin {
        let all = state.store.api_tokens(None).await?;
        Some(all.iter().filter(|token| token.owner.id != user.id).map(|token| Row::of(token, now)).collect())
    } else {
        None
    };
    let page = TokensPage {
        own,
        others,
        created,
        form,
        default_days: TokenValidity::DEFAULT.days(),
        max_days: TokenValidity::MAX_DAYS,
        scopes: TokenScope::ALL.iter().map(|scope| (scope.as_str(), scope.label())).collect(),
        problems,
        notice,
    };
    Ok(page.render()?)
}

fn staff(principal: Principal) -> Result<User, WebError> {
    match principal {
        Principal::User(user) if may_hold_token(user.role) => Ok(user),
        _ => Err(WebError::Forbidden("Alleen beheerders en analisten hebben API-sleutels.".into())),
    }
}

pub async fn list(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    let user = staff(principal)?;
    let notice = match notice.melding.as_deref() {
        Some("ingetrokken") => Some("De sleutel is ingetrokken: hij werkt vanaf nu nergens meer."),
        _ => None,
    };
    Ok(page_html(
        render(
            &state,
            &user,
            TokenForm { dagen: TokenValidity::DEFAULT.days().to_string(), ..TokenForm::default() },
            Vec::new(),
            None,
            notice,
        )
        .await?,
    ))
}

fn page_html(body: String) -> Response {
    axum::response::Html(body).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    ChangeAuthor(author): ChangeAuthor,
    Form(typed): Form<TokenForm>,
) -> Result<Response, WebError> {
    let user = staff(principal)?;
    let name = TokenName::parse(&typed.naam);
    let validity = TokenValidity::parse(&typed.dagen);
    let scope = TokenScope::parse(&typed.scope).ok_or_else(|| FormError::new("Toegang", "Kies waartoe de sleutel toegang geeft."));
    let (name, validity, scope) = match (name, validity, scope) {
        (Ok(name), Ok(validity), Ok(scope)) => (name, validity, scope),
        (name, validity, scope) => {
            let problems = [name.err(), validity.err(), scope.err()].into_iter().flatten().collect();
            let body = render(&state, &user, typed, problems, None, None).await?;
            return Err(WebError::form_refused(FormRefusal::Invalid, axum::response::Html(body)));
        }
    };
    let secret = Secret::generate().map_err(WebError::Internal)?;
    let token = state.store.create_api_token(&user, &secret.hash, &name, scope, validity.expires_at(Utc::now()), &author).await?;
    let created = Created {
        name: token.name.clone(),
        expires: moment(token.expires_at),
        example: format!(
            "curl -H \"Authorization: Bearer {}\" {}/api/v1/metingen/eerste-meting/antwoorden",
            secret.token, state.public_url
        ),
        token: secret.token,
    };
    let form = TokenForm { dagen: TokenValidity::DEFAULT.days().to_string(), ..TokenForm::default() };
    Ok(page_html(render(&state, &user, form, Vec::new(), Some(created), None).await?))
}

#[derive(Deserialize)]
pub struct TokenPath {
    id: i64,
}

pub async fn revoke(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<TokenPath>,
) -> Result<Response, WebError> {
    let user = staff(principal)?;
    let not_found = || WebError::NotFound("Deze sleutel bestaat niet (meer).".into());
    let token = match state.store.api_token(path.id).await {
        Err(store::StoreError::NotFound) => return Err(not_found()),
        other => other?,
    };
    // Someone else's token is not even said to exist, unless an admin asks.
    if token.owner.id != user.id && user.role != Role::Admin {
        return Err(not_found());
    }
    state.store.revoke_api_token(token.id, &author).await?;
    Ok(Redirect::to("/beheer/sleutels?melding=ingetrokken").into_response())
}

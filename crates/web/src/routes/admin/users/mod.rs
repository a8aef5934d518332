//! `/beheer/gebruikers`: admins list, add and change accounts in the browser. A new or reset account gets a
//! one-time link by e-mail to choose its own password, so no admin types someone else's. Every change is one
//! transaction with its audit entry (in the store), and the last active admin cannot be disabled or demoted.

mod form;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::account::{Email, LinkReason, User};
use serde::Deserialize;
use store::{AccountChange, StoreError};

use self::form::{AccountForm, Problem, RoleChoice};
use crate::AppState;
use crate::error::{FormRefusal, WebError, page};
use crate::extract::{ChangeAuthor, Form, Path, Query};
use crate::format;
use crate::password_link::NewLink;

struct Row {
    id: i64,
    email: String,
    role: &'static str,
    organisation: String,
    status: &'static str,
    created: String,
}

impl Row {
    fn of(user: &User) -> Self {
        Row {
            id: user.id,
            email: user.email.to_string(),
            role: user.role.label(),
            organisation: user.organisation.as_ref().map(ToString::to_string).unwrap_or_default(),
            status: if user.disabled { "uitgeschakeld" } else { "actief" },
            created: format::date(user.created_at.date_naive()),
        }
    }
}

#[derive(Template)]
#[template(path = "beheer_gebruikers.html")]
struct ListPage {
    users: Vec<Row>,
}

pub async fn list(State(state): State<AppState>) -> Result<Response, WebError> {
    let users = state.store.users().await?;
    Ok(page(ListPage { users: users.iter().map(Row::of).collect() })?.into_response())
}

#[derive(Template)]
#[template(path = "beheer_gebruiker_nieuw.html")]
struct AddPage {
    form: AccountForm,
    roles: Vec<RoleChoice>,
    problems: Vec<Problem>,
}

impl AddPage {
    fn new(form: AccountForm, problems: Vec<Problem>) -> Self {
        Self { roles: form.roles(), form, problems }
    }

    fn error(&self, id: &str) -> Option<String> {
        form::at(&self.problems, id)
    }
}

pub async fn new_form() -> Result<Response, WebError> {
    Ok(page(AddPage::new(AccountForm::default(), Vec::new()))?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Form(typed): Form<AccountForm>,
) -> Result<Response, WebError> {
    let refused = |typed: AccountForm, problems: Vec<Problem>, refusal: FormRefusal| -> Result<Response, WebError> {
        Err(WebError::form_refused(refusal, page(AddPage::new(typed, problems))?))
    };
    let new = match typed.check(&state, Email::parse(&typed.email)).await? {
        Ok(new) => new,
        Err(problems) => return refused(typed, problems, FormRefusal::Invalid),
    };
    let link = NewLink::generate()?;
    let after = serde_json::json!({
        "email": new.email, "role": new.role, "organisation": new.organisation, "disabled": false,
        "password": "chosen by the owner through a one-time link",
    });
    let change = author.change("user.add", new.email.to_string(), None, Some(after));
    let user = match state.store.invite_user(&new, &link.secret.hash, link.expires_at, &change).await {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => {
            let text = format!("Er is al een account voor {}.", new.email);
            return refused(typed, vec![Problem { id: "email", text }], FormRefusal::Conflict);
        }
        Err(other) => return Err(other.into()),
    };
    let outcome = if link.send(&state, &user.email, LinkReason::NewAccount).await.is_ok() { "toegevoegd" } else { "niet-verzonden" };
    Ok(shown_after(user.id, outcome))
}

#[derive(Template)]
#[template(path = "beheer_gebruiker.html")]
struct AccountPage {
    user: Row,
    form: AccountForm,
    roles: Vec<RoleChoice>,
    problems: Vec<Problem>,
    /// A refusal of the status form (the last admin).
    status_error: Option<String>,
    notice: Option<&'static str>,
    disabled: bool,
    /// For staff: whether an authenticator app is set up; `None` for respondents, who have no second step.
    second_factor: Option<bool>,
}

impl AccountPage {
    fn error(&self, id: &str) -> Option<String> {
        form::at(&self.problems, id)
    }
}

/// What the page says after a change, from its address (`?melding=`).
fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "toegevoegd" => "Het account is gemaakt. De gebruiker krijgt een e-mail met een link om zelf een wachtwoord te kiezen.",
        "niet-verzonden" => {
            "Het account is gemaakt, maar de e-mail met de link kon niet worden verstuurd. Stel het wachtwoord opnieuw in om een nieuwe link te sturen."
        }
        "rol" => "De rol is gewijzigd.",
        "uitgeschakeld" => "Het account is uitgeschakeld; de gebruiker is overal uitgelogd.",
        "ingeschakeld" => "Het account is weer ingeschakeld.",
        "hersteld" => {
            "Het wachtwoord is ongeldig gemaakt en de gebruiker is overal uitgelogd. Er is een e-mail gestuurd met een link om een nieuw wachtwoord te kiezen."
        }
        "tweestaps" => {
            "De tweestapsverificatie is verwijderd en de gebruiker is overal uitgelogd. Bij de volgende keer inloggen stelt de gebruiker een nieuwe app in."
        }
        "herstel-niet-verzonden" => {
            "Het wachtwoord is ongeldig gemaakt en de gebruiker is overal uitgelogd, maar de e-mail met de link kon niet worden verstuurd. Probeer het opnieuw."
        }
        _ => return None,
    })
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    melding: Option<String>,
}

async fn account(state: &AppState, id: i64) -> Result<User, WebError> {
    state.store.user_by_id(id).await?.ok_or_else(|| WebError::NotFound("Dit account bestaat niet.".into()))
}

fn account_page(user: &User, form: Option<AccountForm>, problems: Vec<Problem>, status_error: Option<String>) -> AccountPage {
    let form = form.unwrap_or_else(|| AccountForm {
        email: user.email.to_string(),
        rol: user.role.as_str().to_owned(),
        gemeente: user.organisation.as_ref().map(ToString::to_string).unwrap_or_default(),
    });
    AccountPage {
        user: Row::of(user),
        roles: form.roles(),
        form,
        problems,
        status_error,
        notice: None,
        disabled: user.disabled,
        second_factor: None,
    }
}

pub async fn show(State(state): State<AppState>, Path(id): Path<i64>, Query(query): Query<AccountQuery>) -> Result<Response, WebError> {
    let user = account(&state, id).await?;
    let second_factor = match user.role.needs_second_factor() {
        true => Some(state.store.second_factor(user.id).await?.is_some()),
        false => None,
    };
    let page_of = AccountPage { notice: notice(query.melding.as_deref()), second_factor, ..account_page(&user, None, Vec::new(), None) };
    Ok(page(page_of)?.into_response())
}

pub async fn change_role(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(id): Path<i64>,
    Form(typed): Form<AccountForm>,
) -> Result<Response, WebError> {
    let user = account(&state, id).await?;
    let refused = |problems: Vec<Problem>, refusal: FormRefusal| -> Result<Response, WebError> {
        Err(WebError::form_refused(refusal, page(account_page(&user, Some(typed.clone()), problems, None))?))
    };
    let new = match typed.check(&state, Ok(user.email.clone())).await? {
        Ok(new) => new,
        Err(problems) => return refused(problems, FormRefusal::Invalid),
    };
    let change = AccountChange::Role { role: new.role, organisation: new.organisation };
    match state.store.change_account(&user.email, &change, &author).await {
        Ok(_) => Ok(shown_after(id, "rol")),
        Err(StoreError::Refused(error)) => refused(vec![Problem { id: "rol", text: error.message_nl() }], FormRefusal::Conflict),
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    actie: String,
}

pub async fn change_status(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    let (disabled, outcome) = match form.actie.as_str() {
        "uitschakelen" => (true, "uitgeschakeld"),
        "inschakelen" => (false, "ingeschakeld"),
        _ => return Err(WebError::BadRequest("Kies ‘Uitschakelen’ of ‘Inschakelen’.".into())),
    };
    let user = account(&state, id).await?;
    match state.store.change_account(&user.email, &AccountChange::Disabled(disabled), &author).await {
        Ok(_) => Ok(shown_after(id, outcome)),
        Err(StoreError::Refused(error)) => {
            let html = page(account_page(&user, None, Vec::new(), Some(error.message_nl())))?;
            Err(WebError::form_refused(FormRefusal::Conflict, html))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    bevestig: String,
}

impl ResetForm {
    /// A reset happens only when its button was pressed (`bevestig=ja`), never from a bare post.
    fn confirmed(&self, what: &str) -> Result<(), WebError> {
        if self.bevestig == "ja" {
            Ok(())
        } else {
            Err(WebError::BadRequest(format!("Bevestig dat {what} opnieuw moet worden ingesteld.")))
        }
    }
}

/// Back to the account's page, which says what happened.
fn shown_after(id: i64, outcome: &str) -> Response {
    Redirect::to(&format!("/beheer/gebruikers/{id}?melding={outcome}")).into_response()
}

pub async fn reset(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(id): Path<i64>,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    form.confirmed("het wachtwoord")?;
    let user = account(&state, id).await?;
    let link = NewLink::generate()?;
    let user = state.store.reset_account(&user, &link.secret.hash, link.expires_at, &author).await?;
    let outcome = if link.send(&state, &user.email, LinkReason::Reset).await.is_ok() { "hersteld" } else { "herstel-niet-verzonden" };
    Ok(shown_after(id, outcome))
}

/// A colleague who lost the phone: the second factor and its recovery codes go, and every session ends, so that the
/// next sign-in sets up a new app.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(id): Path<i64>,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    form.confirmed("de tweestapsverificatie")?;
    let user = account(&state, id).await?;
    state.store.reset_second_factor(&user.email, &author.change("2fa.reset", user.email.to_string(), None, None)).await?;
    Ok(shown_after(id, "tweestaps"))
}

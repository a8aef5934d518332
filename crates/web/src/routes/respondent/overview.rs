//! The overview of one municipality's questionnaire: every page with the answers given so far and what is still
//! missing, the button that submits, the interview details an interviewer records, and the monitor team's reopen.
//! After submission it is the read-only record of what was handed in.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::account::Role;
use domain::audit::{Author, Origin};
use domain::fieldwork::{Edit, Mode, ResponseState, may_edit, may_reopen, may_submit};
use domain::questionnaire::FieldError;
use serde::Deserialize;
use store::StoreError;

use super::view::{self, PageSummary};
use super::{Context, refusal_text};
use crate::AppState;
use crate::error::{WebError, page};
use crate::extract::{Form, Path, Query};
use crate::format;
use crate::session::SignedIn;

#[derive(Template)]
#[template(path = "vragenlijst.html")]
struct OverviewPage {
    wave_title: String,
    simulated: bool,
    organisation: String,
    base: String,
    first_page: String,
    status: String,
    notice: Option<String>,
    error: Option<String>,
    read_only: Option<String>,
    pages: Vec<PageSummary>,
    missing: usize,
    may_submit: bool,
    may_reopen: bool,
    may_change: bool,
    interview: Option<InterviewForm>,
    revision: i64,
}

/// The interview details, as stored or as typed.
struct InterviewForm {
    date: String,
    interviewees: String,
    recorded: bool,
}

#[derive(Deserialize)]
pub struct OverviewPath {
    wave: String,
    code: String,
}

#[derive(Deserialize)]
pub struct OverviewQuery {
    ingediend: Option<String>,
    heropend: Option<String>,
    interview: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Path(path): Path<OverviewPath>,
    Query(query): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, signed, &path.wave, &path.code).await?;
    let notice = match (&query.ingediend, &query.heropend, &query.interview) {
        (Some(_), _, _) => context.response.as_ref().and_then(|r| r.submitted_at).map(|at| {
            format!(
                "Uw antwoorden zijn ontvangen op {} om {} (UTC). Hartelijk dank voor uw medewerking.",
                format::date(at.date_naive()),
                at.format("%H:%M")
            )
        }),
        (_, Some(_), _) => Some("De antwoorden zijn heropend: de gemeente kan ze weer wijzigen en opnieuw indienen.".to_owned()),
        (_, _, Some(_)) => Some("De gegevens van het interview zijn bewaard. U kunt nu de vragenlijst invullen.".to_owned()),
        _ => None,
    };
    render(&context, notice, None, &[], None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct SubmitForm {
    revisie: i64,
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Extension(origin): Extension<Origin>,
    Path(path): Path<OverviewPath>,
    Form(form): Form<SubmitForm>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, signed, &path.wave, &path.code).await?;
    let role = context.principal.role();
    may_submit(role, context.wave.state, context.response_state()).map_err(|r| WebError::Forbidden(refusal_text(r)))?;
    let Some(response) = &context.response else {
        let error = "Er zijn nog geen antwoorden bewaard. Begin met de eerste pagina.".to_owned();
        return render(&context, None, Some(error), &[], None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let errors = context.questionnaire.validate_all(&response.answers, &context.catalogue);
    if !errors.is_empty() {
        let error = "De antwoorden zijn nog niet ingediend: enkele vragen moeten nog worden beantwoord of verbeterd.".to_owned();
        return render(&context, None, Some(error), &errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let kept = context.questionnaire.without_hidden(&response.answers);
    let edit = if role == Role::Admin && context.wave.state != domain::fieldwork::WaveState::Open { Edit::Correction } else { Edit::Draft };
    let save = context.save(&kept, &response.mode, Some(form.revisie), edit, true);
    match state.store.save_answers(&save, &Author::new(context.principal.actor(), origin)).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?ingediend=1", context.base())).into_response()),
        Err(StoreError::Conflict(_)) => {
            let error = "De antwoorden zijn intussen elders gewijzigd en daarom niet ingediend. Bekijk ze hieronder en dien opnieuw in.";
            let fresh = context.reload(&state).await?;
            render(&fresh, None, Some(error.to_owned()), &[], None, StatusCode::CONFLICT)
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn reopen(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Extension(origin): Extension<Origin>,
    Path(path): Path<OverviewPath>,
    Form(form): Form<SubmitForm>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, signed, &path.wave, &path.code).await?;
    may_reopen(context.principal.role(), context.wave.state, context.response_state()).map_err(|r| WebError::Forbidden(refusal_text(r)))?;
    let Some(response) = context.response.as_ref().filter(|r| r.revision == form.revisie) else {
        let error = "De antwoorden zijn intussen gewijzigd; bekijk ze opnieuw voordat u heropent.".to_owned();
        return render(&context, None, Some(error), &[], None, StatusCode::CONFLICT);
    };
    match state.store.reopen_response(response, &Author::new(context.principal.actor(), origin)).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?heropend=1", context.base())).into_response()),
        Err(StoreError::Conflict(_)) => {
            let error = "De antwoorden zijn intussen gewijzigd; bekijk ze opnieuw voordat u heropent.".to_owned();
            render(&context, None, Some(error), &[], None, StatusCode::CONFLICT)
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize)]
pub struct InterviewInput {
    revisie: i64,
    datum: String,
    geinterviewden: String,
}

/// An interviewer records when the interview was held and with whom; the answers that follow are marked as an
/// interview.
pub async fn interview(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Extension(origin): Extension<Origin>,
    Path(path): Path<OverviewPath>,
    Form(form): Form<InterviewInput>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, signed, &path.wave, &path.code).await?;
    let role = context.principal.role();
    if !matches!(role, Role::Interviewer | Role::Admin) {
        return Err(WebError::Forbidden("Alleen interviewers en het monitorteam leggen een interview vast.".into()));
    }
    let edit = may_edit(role, context.wave.state, context.response_state()).map_err(|r| WebError::Forbidden(refusal_text(r)))?;
    let typed = InterviewForm { date: form.datum.trim().to_owned(), interviewees: form.geinterviewden.trim().to_owned(), recorded: false };
    let date = match NaiveDate::parse_from_str(&typed.date, "%Y-%m-%d") {
        Ok(date) if date >= context.wave.opens_on && date <= context.wave.closes_on => date,
        Ok(_) => {
            let error = format!(
                "Datum van het interview: kies een datum in de meetperiode, van {} tot en met {}.",
                format::date(context.wave.opens_on),
                format::date(context.wave.closes_on)
            );
            return render(&context, None, Some(error), &[], Some(typed), StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(_) => {
            let error = "Datum van het interview: vul een datum in als jjjj-mm-dd, bijvoorbeeld 2010-11-15.".to_owned();
            return render(&context, None, Some(error), &[], Some(typed), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if typed.interviewees.is_empty() || typed.interviewees.chars().count() > 500 {
        let error = "Geïnterviewden: vul in met wie het interview was (naam en functie), hoogstens 500 tekens.".to_owned();
        return render(&context, None, Some(error), &[], Some(typed), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let answers = context.answers();
    let mode = Mode::Interview { date, interviewees: typed.interviewees.clone() };
    let save = context.save(&answers, &mode, Some(form.revisie).filter(|r| *r > 0), edit, false);
    match state.store.save_answers(&save, &Author::new(context.principal.actor(), origin)).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?interview=1", context.base())).into_response()),
        Err(StoreError::Conflict(_)) => {
            let error = "De antwoorden zijn intussen elders gewijzigd. Vul de gegevens van het interview opnieuw in.".to_owned();
            let fresh = context.reload(&state).await?;
            render(&fresh, None, Some(error), &[], Some(typed), StatusCode::CONFLICT)
        }
        Err(error) => Err(error.into()),
    }
}

fn render(
    context: &Context,
    notice: Option<String>,
    error: Option<String>,
    errors: &[FieldError],
    typed_interview: Option<InterviewForm>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let role = context.principal.role();
    let answers = context.answers();
    // Before submission the overview shows what is still missing; the errors of a failed submission say it louder.
    let missing: Vec<FieldError> = match context.response_state() {
        Some(ResponseState::Submitted) => Vec::new(),
        _ if !errors.is_empty() => errors.to_vec(),
        _ => context.questionnaire.validate_all(&answers, &context.catalogue),
    };
    let edit = may_edit(role, context.wave.state, context.response_state());
    let interview = match (role, typed_interview, context.response.as_ref().map(|r| &r.mode)) {
        (_, Some(typed), _) => Some(typed),
        (Role::Interviewer | Role::Admin, None, Some(Mode::Interview { date, interviewees })) => {
            Some(InterviewForm { date: date.to_string(), interviewees: interviewees.clone(), recorded: true })
        }
        (Role::Interviewer, None, _) => Some(InterviewForm { date: String::new(), interviewees: String::new(), recorded: false }),
        _ => None,
    };
    let status_text = match &context.response {
        None => "Nog niet begonnen.".to_owned(),
        Some(response) => match (response.state, response.submitted_at) {
            (ResponseState::Submitted, Some(at)) => {
                format!("Ingediend op {} om {} (UTC).", format::date(at.date_naive()), at.format("%H:%M"))
            }
            _ => format!(
                "Concept, laatst bewaard op {} om {} (UTC).",
                format::date(response.updated_at.date_naive()),
                response.updated_at.format("%H:%M")
            ),
        },
    };
    let status_text = match context.response.as_ref().map(|r| &r.mode) {
        Some(Mode::Interview { date, .. }) => format!("{status_text} Ingevoerd uit een interview van {}.", format::date(*date)),
        _ => status_text,
    };
    let html = page(OverviewPage {
        wave_title: context.wave.title.clone(),
        simulated: context.wave.simulated,
        organisation: format!("{} ({})", context.organisation.name, context.organisation.code),
        base: context.base(),
        first_page: context.questionnaire.pages().first().map(|p| p.name.clone()).unwrap_or_default(),
        status: status_text,
        notice,
        error,
        read_only: edit.as_ref().err().map(|refusal| refusal_text(*refusal)),
        pages: view::summary(&context.questionnaire, &answers, &missing, &context.catalogue),
        missing: missing.len(),
        may_submit: context.response.is_some() && may_submit(role, context.wave.state, context.response_state()).is_ok(),
        may_reopen: may_reopen(role, context.wave.state, context.response_state()).is_ok(),
        may_change: edit.is_ok() && (role != Role::Interviewer || interview.as_ref().is_some_and(|i| i.recorded)),
        interview: interview.filter(|_| edit.is_ok() || role == Role::Admin),
        revision: context.response.as_ref().map_or(0, |r| r.revision),
    })?;
    Ok((status, html).into_response())
}

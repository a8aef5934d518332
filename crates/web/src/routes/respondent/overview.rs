//! The overview of one municipality's questionnaire: every page with the answers given so far and what is still
//! missing, the button that submits, the interview details an interviewer records, and the monitor team's reopen.
//! After submission it is the read-only record of what was handed in.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{Access, Decision};
use domain::account::Role;
use domain::fieldwork::{Interview, Mode, ResponseState, may_edit, may_fill_in, may_reopen, may_submit};
use domain::questionnaire::FieldError;
use serde::Deserialize;
use store::StoreError;

use super::view::{self, PageSummary};
use super::{Context, refusal_text};
use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{AuthUser, ChangeAuthor, Form, Path, Query};
use crate::format;

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
    AuthUser(principal): AuthUser,
    Path(path): Path<OverviewPath>,
    Query(query): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
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
    render(&context, notice, None, &[], None, None)
}

#[derive(Deserialize)]
pub struct SubmitForm {
    revisie: i64,
}

pub async fn submit(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<OverviewPath>,
    Form(form): Form<SubmitForm>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
    let edit = may_submit(context.principal.role(), context.wave.state, context.response_state())
        .map_err(|r| WebError::Forbidden(refusal_text(r)))?;
    let Some(response) = &context.response else {
        let error = "Er zijn nog geen antwoorden bewaard. Begin met de eerste pagina.".to_owned();
        return render(&context, None, Some(error), &[], None, Some(FormRefusal::Invalid));
    };
    let errors = context.questionnaire.validate_all(&response.answers, &context.catalogue);
    if !errors.is_empty() {
        let error = "De antwoorden zijn nog niet ingediend: enkele vragen moeten nog worden beantwoord of verbeterd.".to_owned();
        return render(&context, None, Some(error), &errors, None, Some(FormRefusal::Invalid));
    }
    let kept = context.questionnaire.without_hidden(&response.answers);
    let save = context.save(&kept, &response.mode, Some(form.revisie), edit, true);
    match state.store.save_answers(&save, &author).await {
        Ok(_) => {
            crate::metrics::submitted(&response.mode);
            Ok(Redirect::to(&format!("{}?ingediend=1", context.base())).into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let error = "De antwoorden zijn intussen elders gewijzigd en daarom niet ingediend. Bekijk ze hieronder en dien opnieuw in.";
            let fresh = context.reload(&state).await?;
            render(&fresh, None, Some(error.to_owned()), &[], None, Some(FormRefusal::Conflict))
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn reopen(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<OverviewPath>,
    Form(form): Form<SubmitForm>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
    may_reopen(context.principal.role(), context.wave.state, context.response_state()).map_err(|r| WebError::Forbidden(refusal_text(r)))?;
    let Some(response) = context.response.as_ref().filter(|r| r.revision == form.revisie) else {
        let error = "De antwoorden zijn intussen gewijzigd; bekijk ze opnieuw voordat u heropent.".to_owned();
        return render(&context, None, Some(error), &[], None, Some(FormRefusal::Conflict));
    };
    match state.store.reopen_response(response, &author).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?heropend=1", context.base())).into_response()),
        Err(StoreError::Conflict(_)) => {
            let error = "De antwoorden zijn intussen gewijzigd; bekijk ze opnieuw voordat u heropent.".to_owned();
            render(&context, None, Some(error), &[], None, Some(FormRefusal::Conflict))
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

/// An interviewer (or the monitor team: the route table's `Access::INTERVIEWS`) records when the interview was held
/// and with whom; the answers that follow are marked as an interview.
pub async fn interview(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<OverviewPath>,
    Form(form): Form<InterviewInput>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
    let edit = may_edit(context.principal.role(), context.wave.state, context.response_state())
        .map_err(|r| WebError::Forbidden(refusal_text(r)))?;
    let typed = InterviewForm { date: form.datum.trim().to_owned(), interviewees: form.geinterviewden.trim().to_owned(), recorded: false };
    let interview = match Interview::parse(&typed.date, &typed.interviewees, &context.wave) {
        Ok(interview) => interview,
        Err(error) => return render(&context, None, Some(error.to_string()), &[], Some(typed), Some(FormRefusal::Invalid)),
    };
    let answers = context.answers();
    let mode = Mode::from(interview);
    let save = context.save(&answers, &mode, Some(form.revisie).filter(|r| *r > 0), edit, false);
    match state.store.save_answers(&save, &author).await {
        Ok(_) => {
            crate::metrics::answers_saved(edit);
            Ok(Redirect::to(&format!("{}?interview=1", context.base())).into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let error = "De antwoorden zijn intussen elders gewijzigd. Vul de gegevens van het interview opnieuw in.".to_owned();
            let fresh = context.reload(&state).await?;
            render(&fresh, None, Some(error), &[], Some(typed), Some(FormRefusal::Conflict))
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
    refused: Option<FormRefusal>,
) -> Result<Response, WebError> {
    let role = context.principal.role();
    let records_interviews = Access::INTERVIEWS.decide(Some(&context.principal), None) == Decision::Allow;
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
        (_, None, Some(Mode::Interview { date, interviewees })) if records_interviews => {
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
        may_change: may_fill_in(role, context.wave.state, context.response.as_ref()).is_ok(),
        interview: interview.filter(|_| edit.is_ok() || role == Role::Admin),
        revision: context.response.as_ref().map_or(0, |r| r.revision),
    })?;
    form_answer(html, refused)
}

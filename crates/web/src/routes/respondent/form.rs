//! One page of the questionnaire: shown with what was saved, and saved on every post, even when it does not
//! validate, so that nothing typed is lost. "Volgende" goes on only when the page is valid; the messages stand
//! beside the fields and in a summary at the top.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::fieldwork::{Mode, may_fill_in};
use domain::questionnaire::{Answers, FieldError};
use serde::Deserialize;
use store::StoreError;

use super::view::{self, ErrorLink, Input, QuestionView};
use super::{Context, refusal_text};
use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{AuthUser, ChangeAuthor, Form, Path, Query};

pub struct Step {
    pub href: String,
    pub title: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "vragenlijst_pagina.html")]
struct FormPage {
    wave_title: String,
    simulated: bool,
    organisation: String,
    base: String,
    page_name: String,
    page_title: String,
    introduction: Option<String>,
    number: usize,
    count: usize,
    steps: Vec<Step>,
    questions: Vec<QuestionView>,
    errors: Vec<ErrorLink>,
    notice: Option<String>,
    revision: i64,
    is_first: bool,
    is_last: bool,
}

#[derive(Deserialize)]
pub struct PageQuery {
    bewaard: Option<String>,
}

#[derive(Deserialize)]
pub struct PagePath {
    wave: String,
    code: String,
    page: String,
}

pub async fn show(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    Path(path): Path<PagePath>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
    let index = context.page_index(&path.page)?;
    if let Some(redirect) = not_editable(&context) {
        return Ok(redirect);
    }
    let notice = query.bewaard.map(|_| "Uw antwoorden op deze pagina zijn bewaard.".to_owned());
    render(&context, index, &context.answers(), &[], notice, None)
}

pub async fn save(
    State(state): State<AppState>,
    AuthUser(principal): AuthUser,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<PagePath>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let context = Context::load(&state, principal, &path.wave, &path.code).await?;
    let index = context.page_index(&path.page)?;
    if let Some(redirect) = not_editable(&context) {
        return Ok(redirect);
    }
    let field = |name: &str| fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    let action = field("actie").unwrap_or("opslaan");
    let based_on = field("revisie").and_then(|r| r.parse::<i64>().ok()).filter(|r| *r > 0);
    let edit = may_fill_in(context.principal.role(), context.wave.state, context.response.as_ref())
        .map_err(|r| WebError::Forbidden(refusal_text(r)))?;

    let block_codes: Vec<String> = context.catalogue.blocks.iter().map(|b| b.code.clone()).collect();
    let given = context.questionnaire.answers_from_form(index, &fields, &block_codes);
    let mut answers = context.answers();
    context.questionnaire.merge_page(index, &mut answers, given);
    let mode = context.response.as_ref().map_or(Mode::Online, |r| r.mode.clone());
    let save = context.save(&answers, &mode, based_on, edit, false);
    match state.store.save_answers(&save, &author).await {
        Ok(_) => crate::metrics::answers_saved(edit),
        Err(StoreError::Conflict(_)) => {
            // Someone saved in between (another tab, or the interviewer): show what was typed, saved nothing.
            let notice = "Deze antwoorden zijn intussen elders gewijzigd en daarom nu niet bewaard. Uw invoer staat hieronder nog; \
                          controleer hem en bewaar opnieuw."
                .to_owned();
            let fresh = context.reload(&state).await?;
            let mut shown = fresh.answers();
            fresh.questionnaire.merge_page(index, &mut shown, context.questionnaire.answers_from_form(index, &fields, &block_codes));
            return render(&fresh, index, &shown, &[], Some(notice), Some(FormRefusal::Conflict));
        }
        Err(error) => return Err(error.into()),
    }

    let errors = context.questionnaire.validate_page(index, &answers, &context.catalogue);
    let base = context.base();
    let pages = context.questionnaire.pages();
    match action {
        "vorige" if index > 0 => Ok(Redirect::to(&format!("{base}/pagina/{}", pages[index - 1].name)).into_response()),
        "volgende" if errors.is_empty() => Ok(Redirect::to(&match pages.get(index + 1) {
            Some(next) => format!("{base}/pagina/{}", next.name),
            None => base,
        })
        .into_response()),
        "volgende" => {
            let reloaded = context.reload(&state).await?;
            let notice = "Uw antwoorden zijn bewaard, maar deze pagina is nog niet compleet. Verbeter wat hieronder staat.".to_owned();
            render(&reloaded, index, &answers, &errors, Some(notice), Some(FormRefusal::Invalid))
        }
        _ => Ok(Redirect::to(&format!("{base}/pagina/{}?bewaard=1", pages[index].name)).into_response()),
    }
}

/// When this person cannot fill in the pages (submitted, wave not open, analyst, an interview not yet recorded),
/// the pages are not forms: the overview shows the answers and says why, or takes the interview's details.
fn not_editable(context: &Context) -> Option<Response> {
    let refused = may_fill_in(context.principal.role(), context.wave.state, context.response.as_ref()).is_err();
    refused.then(|| Redirect::to(&context.base()).into_response())
}

fn render(
    context: &Context,
    index: usize,
    answers: &Answers,
    errors: &[FieldError],
    notice: Option<String>,
    refused: Option<FormRefusal>,
) -> Result<Response, WebError> {
    let pages = context.questionnaire.pages();
    let base = context.base();
    let questions = view::page_questions(&context.questionnaire, index, answers, errors, &context.catalogue);
    let errors = view::error_links(errors, &questions, &context.catalogue);
    let current = &pages[index];
    let html = page(FormPage {
        wave_title: context.wave.title.clone(),
        simulated: context.wave.simulated,
        organisation: format!("{} ({})", context.organisation.name, context.organisation.code),
        page_name: current.name.clone(),
        page_title: current.title.nl.clone(),
        introduction: current.introduction.as_ref().map(|i| i.nl.clone()),
        number: index + 1,
        count: pages.len(),
        steps: pages
            .iter()
            .enumerate()
            .map(|(i, p)| Step { href: format!("{base}/pagina/{}", p.name), title: p.title.nl.clone(), current: i == index })
            .collect(),
        questions,
        errors,
        notice,
        revision: context.response.as_ref().map_or(0, |r| r.revision),
        is_first: index == 0,
        is_last: index + 1 == pages.len(),
        base,
    })?;
    form_answer(html, refused)
}

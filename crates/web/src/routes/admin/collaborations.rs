//! `/beheer/samenwerkingen`: the monitor team reviews the survey's collaboration answers (each with what it
//! proposes for the register, line by line) and accepts or rejects them; and enters and edits collaborations by
//! hand. A decision holds for the response revision it read; an edit for the collaboration revision it read.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::collaboration::{
    Area, CollaborationForm, LineProposal, MunicipalityIndex, Proposal, Review, SurveyAnswer, check_form, propose,
};
use domain::fieldwork::WaveId;
use domain::register::OrgCode;
use serde::Deserialize;
use store::StoreError;

use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{ChangeAuthor, Form, Path, Query};
use crate::routes::public::collaborations::{RegisterFacts, Row};

struct LineView {
    id: String,
    index: usize,
    text: String,
    proposal: String,
    selectable: bool,
    checked: bool,
}

struct AnswerView {
    id: String,
    wave: String,
    wave_title: String,
    code: String,
    name: String,
    revision: i64,
    areas: String,
    simulated: bool,
    lines: Vec<LineView>,
    error: Option<String>,
}

struct Listed {
    id: i64,
    name: String,
    members: usize,
    source: String,
}

#[derive(Template)]
#[template(path = "beheer_samenwerkingen.html")]
struct ReviewPage {
    notice: Option<String>,
    answers: Vec<AnswerView>,
    collaborations: Vec<Listed>,
}

/// A failed decision, shown at its answer with the lines as they were ticked.
struct Failed {
    wave: String,
    code: String,
    message: String,
    chosen: BTreeSet<usize>,
}

#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    besluit: Option<String>,
}

pub async fn review(State(state): State<AppState>, Query(query): Query<ReviewQuery>) -> Result<Response, WebError> {
    let notice = match query.besluit.as_deref() {
        Some("overgenomen") => Some("Het antwoord is overgenomen in het register.".to_owned()),
        Some("afgewezen") => Some("Het antwoord is afgewezen; het komt niet terug, tenzij de gemeente het wijzigt.".to_owned()),
        _ => None,
    };
    render_review(&state, notice, None, None).await
}

/// Every answer to review with its proposal, against the register of its wave's division.
async fn proposals(state: &AppState, facts: &RegisterFacts) -> Result<Vec<(Proposal, String, bool)>, WebError> {
    let waves: BTreeMap<WaveId, domain::fieldwork::Wave> = state.store.waves().await?.into_iter().map(|w| (w.id.clone(), w)).collect();
    let collaborations = state.store.collaborations().await?;
    let organisations: Vec<_> = facts.organisations.values().cloned().collect();
    let mut indexes: BTreeMap<WaveId, MunicipalityIndex> = BTreeMap::new();
    let mut found = Vec::new();
    for answer in state.store.answers_to_review().await? {
        let Some(wave) = waves.get(&answer.wave) else { continue };
        let index = indexes.entry(answer.wave.clone()).or_insert_with(|| MunicipalityIndex::new(&organisations, wave.register_date()));
        found.push((propose(answer, index, &collaborations), wave.title.clone(), wave.simulated));
    }
    Ok(found)
}

fn describe(proposal: &LineProposal, respondent: &str) -> String {
    match proposal {
        LineProposal::Join { name, .. } => format!("{respondent} toevoegen aan de bestaande samenwerking ‘{name}’"),
        LineProposal::AlreadyMember { name, .. } => format!("{respondent} is al lid van ‘{name}’; er verandert niets"),
        LineProposal::Municipality { code, name } => {
            format!("de gemeente {name} ({code}): samen met {respondent} in een nieuwe samenwerking (met de andere genoemde gemeenten)")
        }
        LineProposal::Itself => format!("{respondent} zelf; er verandert niets"),
        LineProposal::New { name } => format!("een nieuwe samenwerking ‘{name}’ met {respondent} als eerste lid"),
    }
}

async fn render_review(
    state: &AppState,
    notice: Option<String>,
    failed: Option<Failed>,
    refused: Option<FormRefusal>,
) -> Result<Response, WebError> {
    let facts = RegisterFacts::load(&state.store).await?;
    let answers = proposals(state, &facts)
        .await?
        .into_iter()
        .map(|(proposal, wave_title, simulated)| {
            let answer = &proposal.answer;
            let name = facts.name(&answer.organisation);
            let id = format!("{}-{}", answer.wave, answer.organisation);
            let failure = failed.as_ref().filter(|f| f.wave == answer.wave.as_str() && f.code == answer.organisation.as_str());
            let lines = proposal
                .lines
                .iter()
                .enumerate()
                .map(|(index, (text, line))| LineView {
                    id: format!("{id}-regel-{index}"),
                    index,
                    text: text.clone(),
                    proposal: describe(line, &name),
                    selectable: line.changes_something(),
                    checked: failure.map_or(line.changes_something(), |f| f.chosen.contains(&index)),
                })
                .collect();
            AnswerView {
                wave: answer.wave.to_string(),
                code: answer.organisation.to_string(),
                revision: answer.revision,
                areas: if answer.areas.is_empty() {
                    "geen opgegeven".to_owned()
                } else {
                    answer.areas.iter().map(|a| a.label_nl()).collect::<Vec<_>>().join(", ")
                },
                error: failure.map(|f| f.message.clone()),
                id,
                wave_title,
                name,
                simulated,
                lines,
            }
        })
        .collect();
    let collaborations = state
        .store
        .collaborations()
        .await?
        .iter()
        .map(|c| Listed { id: c.id, name: c.name.clone(), members: c.members.len(), source: facts.source(&c.source) })
        .collect();
    let html = page(ReviewPage { notice, answers, collaborations })?;
    form_answer(html, refused)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

fn revision_of(fields: &[(String, String)]) -> Option<i64> {
    field(fields, "revisie").and_then(|value| value.trim().parse().ok())
}

pub async fn decide(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path((wave, code)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let chosen: BTreeSet<usize> = fields.iter().filter(|(k, _)| k == "regel").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let fail = |message: String| Failed { wave: wave.clone(), code: code.clone(), message, chosen: chosen.clone() };
    let facts = RegisterFacts::load(&state.store).await?;
    let pending = proposals(&state, &facts).await?;
    let Some((proposal, _, _)) = pending.iter().find(|(p, _, _)| p.answer.wave.as_str() == wave && p.answer.organisation.as_str() == code)
    else {
        let notice =
            format!("Er is geen antwoord van {code} in ‘{wave}’ om te beoordelen: het is al beoordeeld, of het noemt geen partners.");
        return render_review(&state, Some(notice), None, Some(FormRefusal::Missing)).await;
    };
    if revision_of(&fields) != Some(proposal.answer.revision) {
        let message = "De gemeente heeft dit antwoord intussen gewijzigd. Hieronder staat het nieuwe antwoord; beoordeel het opnieuw.";
        return render_review(&state, None, Some(fail(message.to_owned())), Some(FormRefusal::Conflict)).await;
    }
    let review = match field(&fields, "besluit") {
        Some("afwijzen") => Review::Rejected,
        Some("overnemen") => match proposal.accept(&chosen, &facts.name(&proposal.answer.organisation)) {
            Ok(steps) => Review::Accepted(steps),
            Err(message) => return render_review(&state, None, Some(fail(message)), Some(FormRefusal::Invalid)).await,
        },
        _ => {
            let message = "Kies ‘Overnemen’ of ‘Afwijzen’.".to_owned();
            return render_review(&state, None, Some(fail(message)), Some(FormRefusal::Invalid)).await;
        }
    };
    let answer: &SurveyAnswer = &proposal.answer;
    match state.store.review_answer(answer, &review, &author).await {
        Ok(_) => {
            let outcome = if matches!(review, Review::Rejected) { "afgewezen" } else { "overgenomen" };
            Ok(Redirect::to(&format!("/beheer/samenwerkingen?besluit={outcome}")).into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let message = "Dit antwoord is intussen gewijzigd of al beoordeeld. Hieronder staat wat er nu te beoordelen is.";
            render_review(&state, Some(message.to_owned()), None, Some(FormRefusal::Conflict)).await
        }
        Err(other) => Err(other.into()),
    }
}

struct AreaChoice {
    code: &'static str,
    name: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "samenwerking_formulier.html")]
struct FormPage {
    title: String,
    action: String,
    form: CollaborationForm,
    areas: Vec<AreaChoice>,
    revision: Option<i64>,
    errors: Vec<String>,
    newer: Option<Row>,
}

fn form_page(title: String, action: String, form: CollaborationForm, revision: Option<i64>) -> FormPage {
    let areas = Area::ALL
        .iter()
        .map(|a| AreaChoice { code: a.code(), name: a.label_nl(), checked: form.areas.iter().any(|typed| typed == a.code()) })
        .collect();
    FormPage { title, action, form, areas, revision, errors: Vec::new(), newer: None }
}

fn respond(refused: Option<FormRefusal>, form: FormPage) -> Result<Response, WebError> {
    form_answer(page(form)?, refused)
}

const NEW: &str = "/beheer/samenwerkingen/nieuw";

pub async fn new_form() -> Result<Response, WebError> {
    respond(None, form_page("Nieuwe samenwerking".into(), NEW.into(), CollaborationForm::default(), None))
}

fn names(facts: &RegisterFacts) -> BTreeMap<OrgCode, String> {
    facts.organisations.iter().map(|(code, o)| (code.clone(), o.name.clone())).collect()
}

pub async fn create(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = CollaborationForm::from_fields(&fields);
    let facts = RegisterFacts::load(&state.store).await?;
    match check_form(&form, &names(&facts)) {
        Ok(draft) => {
            let id = state.store.create_collaboration(&draft, &author).await?;
            Ok(Redirect::to(&format!("/samenwerkingen/{id}")).into_response())
        }
        Err(errors) => {
            let mut page = form_page("Nieuwe samenwerking".into(), NEW.into(), form, None);
            page.errors = errors.iter().map(ToString::to_string).collect();
            respond(Some(FormRefusal::Invalid), page)
        }
    }
}

fn parse_id(id: &str) -> Result<i64, WebError> {
    id.trim().parse().map_err(|_| WebError::NotFound(format!("Er is geen samenwerking met nummer ‘{id}’.")))
}

async fn stored(state: &AppState, id: i64) -> Result<domain::collaboration::Collaboration, WebError> {
    match state.store.collaboration(id).await {
        Err(StoreError::NotFound) => Err(WebError::NotFound(format!("Er is geen samenwerking met nummer ‘{id}’."))),
        other => Ok(other?),
    }
}

pub async fn edit_form(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let collaboration = stored(&state, parse_id(&id)?).await?;
    let title = format!("Samenwerking wijzigen: {}", collaboration.name);
    let action = format!("/beheer/samenwerkingen/{}", collaboration.id);
    respond(None, form_page(title, action, CollaborationForm::of(&collaboration), Some(collaboration.revision)))
}

pub async fn update(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let current = stored(&state, parse_id(&id)?).await?;
    let form = CollaborationForm::from_fields(&fields);
    let facts = RegisterFacts::load(&state.store).await?;
    let title = format!("Samenwerking wijzigen: {}", current.name);
    let action = format!("/beheer/samenwerkingen/{}", current.id);
    let based_on = revision_of(&fields).unwrap_or(current.revision);
    let draft = match check_form(&form, &names(&facts)) {
        Ok(draft) => draft,
        Err(errors) => {
            let mut page = form_page(title, action, form, Some(based_on));
            page.errors = errors.iter().map(ToString::to_string).collect();
            return respond(Some(FormRefusal::Invalid), page);
        }
    };
    match state.store.update_collaboration(current.id, based_on, &draft, &author).await {
        Ok(()) => Ok(Redirect::to(&format!("/samenwerkingen/{}", current.id)).into_response()),
        Err(StoreError::Conflict(_)) => {
            let newer = stored(&state, current.id).await?;
            let mut page = form_page(title, action, form, Some(newer.revision));
            page.errors = vec![
                "Iemand anders heeft deze samenwerking intussen gewijzigd. Hieronder staat de nieuwe versie; uw invoer staat nog in het formulier. Sla opnieuw op om de nieuwe versie te vervangen.".to_owned(),
            ];
            page.newer = Some(facts.row(&newer));
            respond(Some(FormRefusal::Conflict), page)
        }
        Err(other) => Err(other.into()),
    }
}

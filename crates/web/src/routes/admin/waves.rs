//! `/beheer/metingen`: the waves. The monitor team makes a wave and moves it through its states; with analysts and
//! interviewers it follows the fieldwork live: the response rate overall, per province and per size class, who
//! has not submitted yet and when they were last active, and every invitation and reminder, sent or failed.

use std::collections::BTreeMap;

use app::AppError;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Access, Decision};
use domain::account::Role;
use domain::fieldwork::follow_up::{Rate, asked, response_rates};
use domain::fieldwork::{NewWave, ResponseState, Wave, WaveId, WaveState};
use domain::register::{OrgCode, OrganisationKind};
use serde::Deserialize;
use store::{MessageStatus, OrganisationFilter, StoreError};

use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{ChangeAuthor, Form, Path};
use crate::format;
use crate::session::SignedIn;

struct WaveRow {
    id: String,
    title: String,
    period: String,
    state: &'static str,
    catalogue: String,
    questionnaire: String,
    simulated: bool,
}

/// The form that makes a wave, as typed.
#[derive(Deserialize, Default)]
pub struct NewWaveForm {
    id: String,
    titel: String,
    catalogus: String,
    vragenlijst: String,
    van: String,
    tot: String,
}

#[derive(Template)]
#[template(path = "metingen.html")]
struct WavesPage {
    waves: Vec<WaveRow>,
    is_admin: bool,
    catalogues: Vec<String>,
    questionnaires: Vec<String>,
    form: NewWaveForm,
    error: Option<String>,
}

pub async fn list(State(state): State<AppState>, Extension(signed): Extension<SignedIn>) -> Result<Response, WebError> {
    render_list(&state, &signed, NewWaveForm::default(), None).await
}

/// The list of waves with the form that makes one; `refused` with the form as typed and why it was not made.
async fn render_list(
    state: &AppState,
    signed: &SignedIn,
    form: NewWaveForm,
    refused: Option<(FormRefusal, String)>,
) -> Result<Response, WebError> {
    let (refusal, error) = refused.unzip();
    let waves = state.store.waves().await?;
    let catalogues = state.store.catalogues().await?.into_iter().map(|c| format!("{}@{}", c.id, c.version)).collect();
    let mut questionnaires: Vec<String> = state.store.questionnaires().await?.into_iter().map(|q| q.id).collect();
    questionnaires.dedup();
    let html = page(WavesPage {
        waves: waves
            .into_iter()
            .map(|wave| WaveRow {
                period: format!("{} – {}", format::date(wave.opens_on), format::date(wave.closes_on)),
                state: wave.state.label_nl(),
                catalogue: format!("{} ({})", wave.catalogue_id, wave.catalogue_version),
                questionnaire: format!("{}, versie {}", wave.questionnaire_id, wave.questionnaire_version),
                simulated: wave.simulated,
                id: wave.id.to_string(),
                title: wave.title,
            })
            .collect(),
        is_admin: signed.0.as_ref().is_some_and(|p| p.role() == Role::Admin),
        catalogues,
        questionnaires,
        form,
        error,
    })?;
    form_answer(html, refusal)
}

pub async fn create(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    ChangeAuthor(author): ChangeAuthor,
    Form(form): Form<NewWaveForm>,
) -> Result<Response, WebError> {
    let wave = match new_wave(&form) {
        Ok(wave) => wave,
        Err(error) => return render_list(&state, &signed, form, Some((FormRefusal::Invalid, error))).await,
    };
    let error = match state.store.create_wave(&wave, false, &author).await {
        Ok(created) => return Ok(Redirect::to(&format!("/beheer/metingen/{}", created.id)).into_response()),
        Err(StoreError::Conflict(_)) => format!("Id: er is al een meting ‘{}’. Kies een ander id.", wave.id),
        Err(StoreError::NotFound) => format!("Vragenlijst: er is geen vragenlijst ‘{}’.", wave.questionnaire_id),
        Err(other) => return Err(other.into()),
    };
    render_list(&state, &signed, form, Some((FormRefusal::Invalid, error))).await
}

/// The typed form as a wave, or a message that names the field.
fn new_wave(form: &NewWaveForm) -> Result<NewWave, String> {
    let id = WaveId::parse(&form.id)
        .map_err(|_| "Id: gebruik kleine letters, cijfers en streepjes, bijvoorbeeld ‘tweede-meting’.".to_owned())?;
    let date = |label: &str, text: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{label}: vul een datum in als jjjj-mm-dd, bijvoorbeeld 2026-10-01."))
    };
    let (catalogue_id, catalogue_version) =
        form.catalogus.split_once('@').ok_or_else(|| "Catalogus: kies een catalogus uit de lijst.".to_owned())?;
    let wave = NewWave {
        id,
        title: form.titel.trim().to_owned(),
        catalogue_id: catalogue_id.to_owned(),
        catalogue_version: catalogue_version.to_owned(),
        questionnaire_id: form.vragenlijst.trim().to_owned(),
        opens_on: date("Van", &form.van)?,
        closes_on: date("Tot en met", &form.tot)?,
    };
    if wave.title.is_empty() {
        return Err("Titel: geef de meting een titel.".to_owned());
    }
    if wave.closes_on < wave.opens_on {
        return Err("Tot en met: de meting eindigt voordat ze begint.".to_owned());
    }
    Ok(wave)
}

struct RateRow {
    label: String,
    submitted: usize,
    asked: usize,
    share: String,
}

fn rate_row(label: String, rate: Rate) -> RateRow {
    RateRow {
        label,
        submitted: rate.submitted,
        asked: rate.asked,
        share: rate.share().map_or("–".to_owned(), |s| format!("{}%", format::decimal(s * 100.0, 1))),
    }
}

struct Pending {
    code: String,
    name: String,
    state: &'static str,
    last_activity: String,
    last_message: String,
}

struct MessageRow {
    at: String,
    organisation: String,
    kind: &'static str,
    recipient: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "meting.html")]
struct WavePage {
    wave: Wave,
    state: &'static str,
    period: String,
    register_date: String,
    is_admin: bool,
    may_download: bool,
    moves: Vec<(&'static str, &'static str)>,
    overall: RateRow,
    by_province: Vec<RateRow>,
    by_size_class: Vec<RateRow>,
    sizes_unknown: usize,
    pending: Vec<Pending>,
    sent: usize,
    bounced: usize,
    failed: usize,
    failures: Vec<MessageRow>,
    jobs: Vec<JobRow>,
    as_of: String,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct WavePath {
    pub(super) wave: String,
}

pub async fn follow_up(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Path(path): Path<WavePath>,
) -> Result<Response, WebError> {
    let wave = load_wave(&state, &path.wave).await?;
    render_wave(&state, &signed, wave, None).await
}

pub(super) async fn load_wave(state: &AppState, id: &str) -> Result<Wave, WebError> {
    let not_found = || WebError::NotFound(format!("Er is geen meting ‘{id}’."));
    let id = WaveId::parse(id).map_err(|_| not_found())?;
    match state.store.wave(&id).await {
        Err(StoreError::NotFound) => Err(not_found()),
        other => Ok(other?),
    }
}

/// The fieldwork page; `notice` says what a post did, or, with a refusal, why it did not.
pub(super) async fn render_wave(state: &AppState, signed: &SignedIn, wave: Wave, notice: Option<Notice>) -> Result<Response, WebError> {
    let (refusal, notice) = match notice {
        None => (None, None),
        Some(Notice::Done(text)) => (None, Some(text)),
        Some(Notice::Refused(refusal, text)) => (Some(refusal), Some(text)),
    };
    let on = wave.register_date();
    let register = state.store.organisations(&OrganisationFilter { date: Some(on), ..OrganisationFilter::default() }).await?;
    let provinces: BTreeMap<OrgCode, String> =
        register.iter().filter(|o| o.kind() == OrganisationKind::Provincie).map(|o| (o.code.clone(), o.name.clone())).collect();
    let asked = asked(&register, on);
    let progress = state.store.progress(&wave.id).await?;
    let states: BTreeMap<OrgCode, ResponseState> = progress.iter().map(|p| (p.organisation.clone(), p.state)).collect();
    let populations = state.store.populations_on(on).await?;
    let rates = response_rates(&asked, &states, &populations);
    let messages = state.store.messages(&wave.id).await?;
    let jobs = state.store.wave_jobs(&wave.id).await?;

    let last_message: BTreeMap<&OrgCode, &store::MessageRecord> =
        messages.iter().rev().map(|m| (&m.organisation, m)).collect::<BTreeMap<_, _>>();
    let updated: BTreeMap<&OrgCode, DateTime<Utc>> = progress.iter().map(|p| (&p.organisation, p.updated_at)).collect();
    let when = |at: DateTime<Utc>| format!("{} {}", format::date(at.date_naive()), at.format("%H:%M"));
    let pending = asked
        .iter()
        .filter(|o| states.get(&o.code) != Some(&ResponseState::Submitted))
        .map(|o| {
            let message = last_message.get(&o.code);
            let last = [updated.get(&o.code).copied(), message.map(|m| m.at)].into_iter().flatten().max();
            Pending {
                code: o.code.to_string(),
                name: o.name.clone(),
                state: if states.contains_key(&o.code) { "concept" } else { "niet begonnen" },
                last_activity: last.map_or_else(|| "–".to_owned(), when),
                last_message: message.map_or_else(|| "geen".to_owned(), |m| format!("{} {}", kind_label(m.kind), status_label(m.status))),
            }
        })
        .collect();
    let count = |status| messages.iter().filter(|m| m.status == status).count();
    let names: BTreeMap<&OrgCode, &str> = register.iter().map(|o| (&o.code, o.name.as_str())).collect();
    let failures = messages
        .iter()
        .filter(|m| m.status != MessageStatus::Sent)
        .map(|m| MessageRow {
            at: when(m.at),
            organisation: format!("{} ({})", names.get(&m.organisation).copied().unwrap_or("onbekend"), m.organisation),
            kind: kind_label(m.kind),
            recipient: m.recipient.clone(),
            detail: format!("{}: {}", status_label(m.status), m.detail),
        })
        .collect();
    let is_admin = signed.0.as_ref().is_some_and(|p| p.role() == Role::Admin);
    let may_download = Access::EXPORT.decide(signed.0.as_ref(), None) == Decision::Allow;
    let html = page(WavePage {
        may_download,
        state: wave.state.label_nl(),
        period: format!("{} tot en met {}", format::date(wave.opens_on), format::date(wave.closes_on)),
        register_date: format::date(on),
        is_admin,
        moves: WaveState::ALL.into_iter().filter(|next| wave.state.may_become(*next)).map(|next| (next.code(), move_label(next))).collect(),
        overall: rate_row("Alle gemeenten".to_owned(), rates.overall),
        by_province: rates
            .by_province
            .iter()
            .map(|(code, rate)| rate_row(provinces.get(code).cloned().unwrap_or_else(|| code.to_string()), *rate))
            .collect(),
        sizes_unknown: rates.by_size_class.get(&None).map_or(0, |r| r.asked),
        by_size_class: rates
            .by_size_class
            .iter()
            .map(|(class, rate)| rate_row(class.map_or_else(|| "onbekend (geen inwonertal)".to_owned(), |c| c.label()), *rate))
            .collect(),
        pending,
        sent: count(MessageStatus::Sent),
        bounced: count(MessageStatus::Bounced),
        failed: count(MessageStatus::Failed),
        failures,
        jobs: jobs
            .iter()
            .take(SHOWN_JOBS)
            .map(|job| JobRow { id: job.id.0, state: job_state_label(job.state), created: when(job.created_at) })
            .collect(),
        as_of: when(Utc::now()),
        notice,
        wave,
    })?;
    form_answer(html, refusal)
}

/// What the fieldwork page says after a post.
pub(super) enum Notice {
    Done(String),
    Refused(FormRefusal, String),
}

/// The newest letter jobs of a wave that its page links to; older ones stay in the database and the audit log.
const SHOWN_JOBS: usize = 10;

struct JobRow {
    id: i64,
    state: &'static str,
    created: String,
}

fn job_state_label(state: store::JobState) -> &'static str {
    match state {
        store::JobState::Waiting => "wacht",
        store::JobState::Running => "bezig",
        store::JobState::Done => "klaar",
    }
}

fn kind_label(kind: store::MessageKind) -> &'static str {
    match kind {
        store::MessageKind::Invitation => "uitnodiging",
        store::MessageKind::Reminder => "herinnering",
    }
}

fn status_label(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Sent => "verstuurd",
        MessageStatus::Bounced => "geweigerd door de ontvanger",
        MessageStatus::Failed => "mislukt",
    }
}

fn move_label(next: WaveState) -> &'static str {
    match next {
        WaveState::Draft => "Terug naar voorbereiding",
        WaveState::Open => "Veldwerk openen",
        WaveState::Closed => "Veldwerk sluiten",
        WaveState::Published => "Resultaten publiceren",
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    naar: String,
}

pub async fn change_state(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<WavePath>,
    Form(form): Form<MoveForm>,
) -> Result<Response, WebError> {
    let wave = load_wave(&state, &path.wave).await?;
    let next =
        WaveState::parse(&form.naar).ok_or_else(|| WebError::BadRequest(format!("‘{}’ is geen status van een meting.", form.naar)))?;
    match app::waves::move_wave(&state.store, &wave, next, &author).await {
        Ok(()) => Ok(Redirect::to(&format!("/beheer/metingen/{}", wave.id)).into_response()),
        Err(AppError::MoveRefused { .. }) => {
            let notice = format!("Een meting die {} is, kan niet {} worden.", wave.state.label_nl(), next.label_nl());
            render_wave(&state, &signed, wave, Some(Notice::Refused(FormRefusal::Conflict, notice))).await
        }
        Err(AppError::WaveChangedMeanwhile { .. }) => {
            let fresh = load_wave(&state, &path.wave).await?;
            let notice = "De meting is intussen door iemand anders gewijzigd; bekijk de stand hieronder.".to_owned();
            render_wave(&state, &signed, fresh, Some(Notice::Refused(FormRefusal::Conflict, notice))).await
        }
        Err(other) => Err(other.into()),
    }
}

//! A wave's letters from its fieldwork page: the monitor team queues invitations or reminders, which a background
//! worker sends (`app::outreach`), and follows the job on a page that refreshes itself, without script, until the
//! job is done. Letters whose sender stopped halfway are in doubt; only the team decides to send them again.

use app::AppError;
use app::outreach::{self, Outreach};
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use domain::account::Role;
use domain::fieldwork::Wave;
use domain::fieldwork::letters::ReminderInterval;
use serde::Deserialize;
use store::{Job, JobId, JobKind, JobState, Letter, LetterCounts, LetterState, MessageKind, StoreError};

use super::waves::{Notice, WavePath, load_wave, render_wave};
use crate::AppState;
use crate::error::{FormRefusal, WebError, page};
use crate::extract::{ChangeAuthor, Form, Path};
use crate::format;
use crate::session::SignedIn;

/// Seconds between two refreshes of a job's page while the job is not done.
const REFRESH_SECONDS: &str = "5";

#[derive(Deserialize)]
pub struct LettersForm {
    soort: String,
    #[serde(default)]
    dagen: Option<String>,
}

/// Queues the invitations, or the reminders, of a wave, and sends the team to the page that follows the job.
pub async fn queue(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<WavePath>,
    Form(form): Form<LettersForm>,
) -> Result<Response, WebError> {
    let wave = load_wave(&state, &path.wave).await?;
    let (kind, every_days) = match (form.soort.as_str(), form.dagen.as_deref()) {
        ("uitnodiging", _) => (MessageKind::Invitation, 0),
        ("herinnering", Some(days)) => match ReminderInterval::parse(days) {
            Ok(interval) => (MessageKind::Reminder, interval.days()),
            Err(refused) => {
                let notice = Notice::Refused(FormRefusal::Invalid, format!("{refused}; er is niets verstuurd."));
                return render_wave(&state, &signed, wave, Some(notice)).await;
            }
        },
        _ => return Err(WebError::BadRequest("Kies uitnodigingen of herinneringen.".into())),
    };
    if state.mailer.is_none() {
        let notice = "Deze server verstuurt geen mail (er is geen outbox of SMTP-server ingesteld); er is niets verstuurd.".to_owned();
        return render_wave(&state, &signed, wave, Some(Notice::Refused(FormRefusal::Unavailable, notice))).await;
    }
    let outreach = Outreach { kind, every_days, now: Utc::now(), author: &author };
    let queued = match outreach::enqueue(&state.store, &wave, &outreach).await {
        Ok(queued) => queued,
        Err(AppError::WaveNotOpen { .. }) => {
            let notice = format!("De meting is {}; berichten gaan alleen uit zolang het veldwerk open is.", wave.state.label_nl());
            return render_wave(&state, &signed, wave, Some(Notice::Refused(FormRefusal::Conflict, notice))).await;
        }
        Err(error) => return Err(error.into()),
    };
    if let Some(job) = queued.job {
        return Ok(Redirect::to(&format!("/beheer/metingen/{}/brieven/{job}", wave.id)).into_response());
    }
    let mut text = format!("Er zijn geen {} klaargezet.", kind_plural(kind));
    let mut reason = |count: usize, why: &str| {
        if count > 0 {
            text.push_str(&format!(" {count} {why}."));
        }
    };
    reason(queued.already_submitted, "gemeenten hebben al ingediend");
    reason(queued.already_invited, "gemeenten zijn al uitgenodigd");
    reason(queued.already_queued, "gemeenten hebben al een bericht dat wacht of onderweg is");
    reason(queued.skipped_not_due, "gemeenten kregen kortgeleden al een bericht");
    reason(queued.not_invited.len(), "gemeenten zijn nog niet uitgenodigd");
    reason(queued.skipped_no_contact.len(), "gemeenten hebben geen contactadres");
    reason(queued.skipped_bounced_before.len(), "gemeenten hebben een adres dat eerder werd geweigerd");
    render_wave(&state, &signed, wave, Some(Notice::Done(text))).await
}

#[derive(Deserialize)]
pub struct JobPath {
    wave: String,
    job: i64,
}

#[derive(Deserialize, Default)]
pub struct Refresh {
    #[serde(default)]
    verversen: Option<String>,
}

struct LetterRow {
    organisation: String,
    recipient: String,
    tries: u32,
    detail: String,
}

#[derive(Template)]
#[template(path = "meting_brieven.html")]
struct JobPage {
    wave: Wave,
    job: i64,
    what: &'static str,
    state: String,
    counts: LetterCounts,
    note: String,
    created: String,
    refreshing: bool,
    is_admin: bool,
    bounced: Vec<LetterRow>,
    not_yet: Vec<LetterRow>,
    failed: Vec<LetterRow>,
    in_doubt: Vec<LetterRow>,
}

/// The progress of one letter job: how many letters went, were refused, failed, are in doubt or still wait, and
/// why it waits. Until the job is done the page asks the browser to load it again every few seconds (a `Refresh`
/// header, which needs no script), unless the reader turned that off.
pub async fn progress(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Path(path): Path<JobPath>,
    Query(refresh): Query<Refresh>,
) -> Result<Response, WebError> {
    let (wave, job) = load_job(&state, &path).await?;
    let letters = state.store.job_letters(job.id).await?;
    let counts = state.store.letter_counts(job.id).await?;
    let names = names(&state, &wave).await?;
    let rows = |wanted: &dyn Fn(&Letter) -> bool| -> Vec<LetterRow> {
        letters
            .iter()
            .filter(|letter| wanted(letter))
            .map(|letter| LetterRow {
                organisation: format!("{} ({})", names.get(&letter.organisation).map_or("onbekend", String::as_str), letter.organisation),
                recipient: letter.recipient.clone(),
                tries: letter.attempts,
                detail: letter.detail.clone(),
            })
            .collect()
    };
    let refreshing = job.state != JobState::Done && refresh.verversen.as_deref() != Some("nee");
    let html = page(JobPage {
        job: job.id.0,
        what: match (job.kind, letters.first().and_then(|letter| letter.kind.fieldwork())) {
            (JobKind::MeetingLetters, _) => "uitnodigingen voor bijeenkomsten",
            (JobKind::WaveLetters, Some(kind)) => kind_plural(kind),
            (JobKind::WaveLetters, None) => "berichten",
        },
        state: state_text(&job, &counts),
        note: job.note.clone(),
        created: format!("{} door {}", when(job.created_at), job.created_by),
        refreshing,
        is_admin: signed.0.as_ref().is_some_and(|p| p.role() == Role::Admin),
        bounced: rows(&|l| l.state == LetterState::Bounced),
        not_yet: rows(&|l| l.state == LetterState::Waiting && l.attempts > 0),
        failed: rows(&|l| l.state == LetterState::Failed),
        in_doubt: rows(&|l| l.state == LetterState::InDoubt),
        counts,
        wave,
    })?;
    if refreshing { Ok(([(header::REFRESH, REFRESH_SECONDS)], html).into_response()) } else { Ok(html.into_response()) }
}

/// The team decided that the letters in doubt of a job did not arrive: they are sent again.
pub async fn retry_in_doubt(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<JobPath>,
) -> Result<Response, WebError> {
    let (wave, job) = load_job(&state, &path).await?;
    let change = author.change("wave.letters.retry_in_doubt", format!("job:{}", job.id), None, None);
    state.store.retry_in_doubt(job.id, &change).await?;
    Ok(Redirect::to(&format!("/beheer/metingen/{}/brieven/{}", wave.id, job.id)).into_response())
}

async fn load_job(state: &AppState, path: &JobPath) -> Result<(Wave, Job), WebError> {
    let wave = load_wave(state, &path.wave).await?;
    let not_found = || WebError::NotFound(format!("Meting ‘{}’ heeft geen verzending {}.", wave.id, path.job));
    match state.store.job(JobId(path.job)).await {
        Ok(job) if job.wave == wave.id => Ok((wave, job)),
        Ok(_) | Err(StoreError::NotFound) => Err(not_found()),
        Err(other) => Err(other.into()),
    }
}

async fn names(state: &AppState, wave: &Wave) -> Result<std::collections::BTreeMap<domain::register::OrgCode, String>, WebError> {
    let filter = store::OrganisationFilter { date: Some(wave.register_date()), ..store::OrganisationFilter::default() };
    Ok(state.store.organisations(&filter).await?.into_iter().map(|o| (o.code, o.name)).collect())
}

/// Where the job stands, in one sentence.
fn state_text(job: &Job, counts: &LetterCounts) -> String {
    match job.state {
        JobState::Done => match job.finished_at {
            Some(at) => format!("Klaar sinds {}.", when(at)),
            None => "Klaar.".to_owned(),
        },
        JobState::Running => format!("Bezig: {} van de {} berichten hebben een uitkomst.", counts.finished(), counts.total()),
        JobState::Waiting if job.pauses > 0 && job.run_after > Utc::now() => {
            format!("Gepauzeerd (pauze {}); volgende poging om {}.", job.pauses, when(job.run_after))
        }
        JobState::Waiting if job.run_after > Utc::now() => format!("Wacht; volgende poging om {}.", when(job.run_after)),
        JobState::Waiting => "Staat klaar; de server begint zo.".to_owned(),
    }
}

fn when(at: DateTime<Utc>) -> String {
    format!("{} {} (UTC)", format::date(at.date_naive()), at.format("%H:%M:%S"))
}

fn kind_plural(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Invitation => "uitnodigingen",
        MessageKind::Reminder => "herinneringen",
    }
}

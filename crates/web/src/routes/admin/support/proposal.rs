//! `/beheer/ondersteuning/voorstellen/{id}`: one proposal of meetings. The team adjusts it (an invitee removed, a
//! municipality that asked for the topic added, a meeting dropped), each adjustment a form naming the revision it
//! was made on, so that an edit from an outdated page is refused with the newest version shown; downloads it as
//! CSV or XLSX; and e-mails the invitees.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::register::OrgCode;
use domain::support::METHOD_NL;
use domain::support::settings::km_nl;
use serde::Deserialize;
use store::{InvitationOutcome, MeetingInvitation, StoreError};

use super::when;
use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::export::download;
use crate::extract::{ChangeAuthor, Form, Path};
use crate::support::{Loaded, export, load, mail};

pub(crate) struct InviteeView {
    code: String,
    name: String,
    distance: String,
    is_host: bool,
    invitation: String,
}

pub(crate) struct MeetingView {
    number: u32,
    topic: String,
    region: String,
    host: String,
    invitees: Vec<InviteeView>,
    /// Who may be added: (code, name).
    candidates: Vec<(String, String)>,
    full: bool,
}

pub(crate) struct UncoveredView {
    topic: String,
    name: String,
    code: String,
    reason: String,
}

pub(crate) struct Notice {
    text: String,
    /// A refusal (shown as an error) rather than a report.
    refused: bool,
    /// Municipalities named with the notice (those without an address).
    names: Vec<String>,
}

#[derive(Template)]
#[template(path = "ondersteuning_voorstel.html")]
struct ProposalPage {
    id: i64,
    revision: i64,
    wave_id: String,
    wave_title: String,
    simulated: bool,
    created: String,
    author: String,
    settings: String,
    covered: usize,
    demand: usize,
    share: String,
    meetings: Vec<MeetingView>,
    uncovered: Vec<UncoveredView>,
    sent: usize,
    without_address: Vec<String>,
    notice: Option<Notice>,
    method: &'static [&'static str],
}

#[derive(Deserialize)]
pub struct ProposalPath {
    id: String,
}

pub async fn show(State(state): State<AppState>, Path(path): Path<ProposalPath>) -> Result<Response, WebError> {
    let loaded = load(&state.store, &path.id).await?;
    render(&state, &loaded, None, None).await
}

fn invitation_label(invitation: Option<&MeetingInvitation>) -> String {
    match invitation {
        None => "nog niet verstuurd".to_owned(),
        Some(i) => match i.outcome {
            InvitationOutcome::Sent => format!("verstuurd aan {} op {}", i.recipient, when(i.at)),
            InvitationOutcome::NoAddress => "geen e-mailadres bekend".to_owned(),
            InvitationOutcome::Bounced => format!("geweigerd door de ontvanger ({})", i.recipient),
            InvitationOutcome::Failed => format!("mislukt op {}; wordt bij een volgende keer opnieuw geprobeerd", when(i.at)),
        },
    }
}

async fn render(state: &AppState, loaded: &Loaded, notice: Option<Notice>, refused: Option<FormRefusal>) -> Result<Response, WebError> {
    let stored = &loaded.stored;
    let proposal = &stored.proposal;
    let labels = &loaded.labels;
    let invitations = state.store.meeting_invitations(stored.id).await?;
    // The latest outcome per invitee of a meeting; one that was sent stays sent.
    let mut latest: BTreeMap<(u32, &OrgCode), &MeetingInvitation> = BTreeMap::new();
    for invitation in &invitations {
        let key = (invitation.meeting, &invitation.organisation);
        if latest.get(&key).is_none_or(|before| before.outcome != InvitationOutcome::Sent) {
            latest.insert(key, invitation);
        }
    }
    let meetings: Vec<MeetingView> = proposal
        .meetings
        .iter()
        .map(|meeting| MeetingView {
            number: meeting.number,
            topic: labels.block(&meeting.block),
            region: labels.region(meeting, &proposal.settings),
            host: labels.name(&meeting.host),
            invitees: meeting
                .invitees
                .iter()
                .map(|i| InviteeView {
                    code: i.organisation.to_string(),
                    name: labels.name(&i.organisation),
                    distance: i.distance_km.map_or_else(|| "onbekend".to_owned(), |d| format!("{} km", km_nl(d))),
                    is_host: i.organisation == meeting.host,
                    invitation: invitation_label(latest.get(&(meeting.number, &i.organisation)).copied()),
                })
                .collect(),
            candidates: proposal.candidates(meeting.number).into_iter().map(|c| (c.to_string(), labels.name(c))).collect(),
            full: meeting.invitees.len() >= proposal.settings.group_size as usize,
        })
        .collect();
    let current = |i: &&&MeetingInvitation| proposal.meeting(i.meeting).is_some_and(|m| m.invites(&i.organisation));
    let sent = latest.values().filter(current).filter(|i| i.outcome == InvitationOutcome::Sent).count();
    let without_address = latest
        .values()
        .filter(current)
        .filter(|i| i.outcome == InvitationOutcome::NoAddress)
        .map(|i| labels.name(&i.organisation))
        .collect();
    let covered = proposal.covered();
    let demand = proposal.demand();
    let html = page(ProposalPage {
        id: stored.id,
        revision: stored.revision,
        wave_id: loaded.wave.id.to_string(),
        wave_title: loaded.wave.title.clone(),
        simulated: loaded.wave.simulated,
        created: when(stored.created_at),
        author: stored.author.clone(),
        settings: proposal.settings.describe_nl(),
        covered,
        demand,
        share: if demand == 0 {
            "–".to_owned()
        } else {
            format!("{}%", crate::format::decimal(covered as f64 * 100.0 / demand as f64, 1))
        },
        meetings,
        uncovered: proposal
            .uncovered
            .iter()
            .map(|u| UncoveredView {
                topic: labels.block(&u.request.block),
                name: labels.name(&u.request.organisation),
                code: u.request.organisation.to_string(),
                reason: u.reason.explain_nl(&proposal.settings),
            })
            .collect(),
        sent,
        without_address,
        notice,
        method: &METHOD_NL,
    })?;
    form_answer(html, refused)
}

fn refused(text: String) -> Option<Notice> {
    Some(Notice { text, refused: true, names: Vec::new() })
}

/// The revision an adjustment or a mailing was made on, as the form names it.
fn revision(text: &str) -> Result<i64, WebError> {
    text.trim()
        .parse()
        .map_err(|_| WebError::BadRequest("Het formulier noemt geen versie van het voorstel; laad de pagina opnieuw.".into()))
}

async fn outdated(state: &AppState, id: &str, what: &str) -> Result<Response, WebError> {
    let fresh = load(&state.store, id).await?;
    let text = format!(
        "Dit voorstel is intussen door iemand anders aangepast (nu versie {}). {what} Hieronder staat de nieuwste versie; probeer het zo nodig opnieuw.",
        fresh.stored.revision
    );
    render(state, &fresh, refused(text), Some(FormRefusal::Conflict)).await
}

const NOT_ADJUSTED: &str = "Uw wijziging is niet doorgevoerd.";

/// An adjustment as posted.
#[derive(Deserialize, Default)]
pub struct AdjustForm {
    #[serde(default)]
    revisie: String,
    #[serde(default)]
    actie: String,
    #[serde(default)]
    bijeenkomst: String,
    #[serde(default)]
    gemeente: String,
}

pub async fn adjust(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<ProposalPath>,
    Form(form): Form<AdjustForm>,
) -> Result<Response, WebError> {
    let loaded = load(&state.store, &path.id).await?;
    let based_on = revision(&form.revisie)?;
    if based_on != loaded.stored.revision {
        return outdated(&state, &path.id, NOT_ADJUSTED).await;
    }
    let meeting: u32 = form
        .bijeenkomst
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest("Het formulier noemt geen bijeenkomst; laad de pagina opnieuw.".into()))?;
    let organisation = || {
        let typed = form.gemeente.trim();
        if typed.is_empty() {
            return Err("Gemeente: kies een gemeente uit de lijst.".to_owned());
        }
        OrgCode::parse(typed).map_err(|_| format!("Gemeente: ‘{typed}’ is geen CBS-code van een gemeente."))
    };
    let labels = &loaded.labels;
    let mut proposal = loaded.stored.proposal.clone();
    let outcome = match form.actie.as_str() {
        "verwijderen" | "toevoegen" => match organisation() {
            Err(message) => Err(message),
            Ok(code) => {
                let (action, done) = if form.actie == "verwijderen" {
                    ("support_plan.remove_invitee", proposal.remove_invitee(meeting, &code, &labels.locations))
                } else {
                    ("support_plan.add_invitee", proposal.add_invitee(meeting, &code, &labels.locations))
                };
                done.map(|()| (action, serde_json::json!({"meeting": meeting, "organisation": code})))
                    .map_err(|e| e.message_nl(&|c| labels.name(c), &|b| labels.block(b)))
            }
        },
        "schrappen" => proposal
            .drop_meeting(meeting)
            .map(|()| ("support_plan.drop_meeting", serde_json::json!({"meeting": meeting})))
            .map_err(|e| e.message_nl(&|c| labels.name(c), &|b| labels.block(b))),
        other => return Err(WebError::BadRequest(format!("‘{other}’ is geen aanpassing van een voorstel."))),
    };
    let (action, detail) = match outcome {
        Ok(done) => done,
        Err(message) => return render(&state, &loaded, refused(message), Some(FormRefusal::Invalid)).await,
    };
    match state.store.adjust_support_plan(loaded.stored.id, based_on, &proposal, action, detail, &author).await {
        Ok(_) => {
            let anchor = if proposal.meeting(meeting).is_some() { format!("#bijeenkomst-{meeting}") } else { String::new() };
            Ok(Redirect::to(&format!("/beheer/ondersteuning/voorstellen/{}{anchor}", loaded.stored.id)).into_response())
        }
        Err(StoreError::Conflict(_)) => outdated(&state, &path.id, NOT_ADJUSTED).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct MailForm {
    #[serde(default)]
    revisie: String,
}

/// Queues an invitation for every invitee who has not been sent one yet, and leads to the job that sends them; says
/// why when nothing was queued.
pub async fn send(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(path): Path<ProposalPath>,
    Form(form): Form<MailForm>,
) -> Result<Response, WebError> {
    let loaded = load(&state.store, &path.id).await?;
    if revision(&form.revisie)? != loaded.stored.revision {
        return outdated(&state, &path.id, "Er is niets verstuurd.").await;
    }
    let Some(mailer) = state.mailer.clone() else {
        let text = "Deze server verstuurt geen mail (er is geen outbox of SMTP-server ingesteld); er is niets verstuurd.".to_owned();
        return render(&state, &loaded, refused(text), Some(FormRefusal::Unavailable)).await;
    };
    let report = mail::queue(&state.store, &mailer.sender(), &loaded, &author).await?;
    if let Some(job) = report.job {
        return Ok(Redirect::to(&format!("/beheer/metingen/{}/brieven/{job}", loaded.wave.id)).into_response());
    }
    let mut text = "Er zijn geen uitnodigingen klaargezet.".to_owned();
    if report.already_sent > 0 {
        text.push_str(&format!(" {} genodigde(n) hebben hun uitnodiging al, of die is onderweg.", report.already_sent));
    }
    if !report.no_address.is_empty() {
        text.push_str(&format!(" {} genodigde(n) zonder e-mailadres kregen niets:", report.no_address.len()));
    }
    let names = report.no_address.iter().map(|code| loaded.labels.name(code)).collect();
    let notice = Notice { text, refused: false, names };
    let loaded = load(&state.store, &path.id).await?;
    render(&state, &loaded, Some(notice), None).await
}

pub async fn csv(State(state): State<AppState>, Path(path): Path<ProposalPath>) -> Result<Response, WebError> {
    let loaded = load(&state.store, &path.id).await?;
    let bytes = export::csv(&export::rows(&loaded)).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", &export::file_name(&loaded, ".csv"), bytes.into()))
}

pub async fn xlsx(State(state): State<AppState>, Path(path): Path<ProposalPath>) -> Result<Response, WebError> {
    let loaded = load(&state.store, &path.id).await?;
    let bytes = export::xlsx(&export::rows(&loaded)).map_err(|e| WebError::Internal(e.to_string()))?;
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(kind, &export::file_name(&loaded, ".xlsx"), bytes.into()))
}

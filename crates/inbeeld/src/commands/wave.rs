//! `inbeeld wave`: create waves, move them through draft, open, closed and published, and mail their invitations
//! and reminders.

use anyhow::bail;
use app::AppError;
use app::outreach::{self, Outreach, OutreachReport, Queued};
use domain::fieldwork::delivery::PAUSE_AFTER_FAILURES_IN_A_ROW;
use domain::fieldwork::{NewWave, Wave, WaveId, WaveState};
use domain::register::OrgCode;
use store::{MessageKind, Store, StoreError};

use crate::cli::{MailArgs, WaveCommand};

pub async fn run(store: &Store, command: WaveCommand) -> anyhow::Result<()> {
    let author = super::command_line_author();
    let (id, next) = match command {
        WaveCommand::Create { id, title, catalogue, questionnaire, opens, closes } => {
            let (catalogue_id, catalogue_version) = catalogue_version(store, &catalogue).await?;
            let wave = NewWave {
                id: WaveId::parse(&id).map_err(anyhow::Error::msg)?,
                title,
                catalogue_id,
                catalogue_version,
                questionnaire_id: questionnaire.trim().to_owned(),
                opens_on: opens,
                closes_on: closes,
            };
            wave.check().map_err(anyhow::Error::msg)?;
            let created = match store.create_wave(&wave, false, &author).await {
                Err(StoreError::Conflict(_)) => bail!("there is a wave '{}' already; `inbeeld wave list` shows them", wave.id),
                Err(StoreError::NotFound) => {
                    bail!("there is no questionnaire '{}'; import it first with `inbeeld import questionnaire FILE`", wave.questionnaire_id)
                }
                other => other?,
            };
            println!(
                "wave: created {} in draft: catalogue {}@{}, questionnaire {} version {}, {} to {}",
                created.id,
                created.catalogue_id,
                created.catalogue_version,
                created.questionnaire_id,
                created.questionnaire_version,
                created.opens_on,
                created.closes_on
            );
            return Ok(());
        }
        WaveCommand::List => {
            let waves = store.waves().await?;
            if waves.is_empty() {
                println!("no waves yet; make one with `inbeeld wave create`");
            }
            for wave in waves {
                let simulated = if wave.simulated { "\tsimulated" } else { "" };
                println!(
                    "{}\t{}\t{} to {}\t{}@{}\t{} v{}\t{}{simulated}",
                    wave.id,
                    wave.state,
                    wave.opens_on,
                    wave.closes_on,
                    wave.catalogue_id,
                    wave.catalogue_version,
                    wave.questionnaire_id,
                    wave.questionnaire_version,
                    wave.title
                );
            }
            return Ok(());
        }
        WaveCommand::Invite { id, detach, public_url, mail } => {
            let request = LetterRequest { kind: MessageKind::Invitation, every_days: 0, detach };
            return letters(store, &id, request, &public_url, &mail).await;
        }
        WaveCommand::Remind { id, every_days, detach, public_url, mail } => {
            let request = LetterRequest { kind: MessageKind::Reminder, every_days, detach };
            return letters(store, &id, request, &public_url, &mail).await;
        }
        WaveCommand::Open { id } => (id, WaveState::Open),
        WaveCommand::Close { id } => (id, WaveState::Closed),
        WaveCommand::Publish { id } => (id, WaveState::Published),
    };
    let wave = stored_wave(store, &id).await?;
    let id = wave.id.clone();
    match app::waves::move_wave(store, &wave, next, &author).await {
        Err(AppError::WaveChangedMeanwhile { .. }) => {
            bail!("wave {id} was changed by someone else just now; look again with `inbeeld wave list`")
        }
        other => other?,
    }
    println!("wave: {id} is {next} (was {})", wave.state);
    Ok(())
}

/// `ID` or `ID@VERSION` of a stored catalogue; without a version, the newest stored one.
async fn catalogue_version(store: &Store, given: &str) -> anyhow::Result<(String, String)> {
    let (id, version) = match given.split_once('@') {
        Some((id, version)) => (id.trim(), Some(version.trim())),
        None => (given.trim(), None),
    };
    let catalogues = store.catalogues().await?;
    let matching: Vec<_> = catalogues.iter().filter(|c| c.id == id && version.is_none_or(|v| c.version == v)).collect();
    match matching.last() {
        Some(catalogue) => Ok((catalogue.id.clone(), catalogue.version.clone())),
        None => {
            let known: Vec<String> = catalogues.iter().map(|c| format!("{}@{}", c.id, c.version)).collect();
            bail!("there is no catalogue {given}; stored are: {}", if known.is_empty() { "none".to_owned() } else { known.join(", ") })
        }
    }
}

async fn stored_wave(store: &Store, id: &str) -> anyhow::Result<Wave> {
    let id = WaveId::parse(id).map_err(anyhow::Error::msg)?;
    match store.wave(&id).await {
        Err(StoreError::NotFound) => bail!("there is no wave '{id}'; `inbeeld wave list` shows them"),
        other => Ok(other?),
    }
}

/// Queues the invitations or reminders of a wave and, unless `detach`, sends them at once (with every letter of
/// the wave that waits for a later try) with a progress bar, then prints what happened to each municipality. Fails
/// when a letter that should have gone did not, so that a script running it sees that a rerun is needed.
async fn letters(store: &Store, id: &str, request: LetterRequest, public_url: &str, mail_settings: &MailArgs) -> anyhow::Result<()> {
    let wave = stored_wave(store, id).await?;
    let what = match request.kind {
        MessageKind::Invitation => "invitations",
        MessageKind::Reminder => "reminders",
    };
    // Checked before the mailer is made, which creates the outbox folder.
    if outreach::check_open(&wave).is_err() {
        bail!("wave {} is {}; {what} go out only while a wave is open (`inbeeld wave open {}`)", wave.id, wave.state, wave.id);
    }
    let author = super::command_line_author();
    let outreach = Outreach { kind: request.kind, every_days: request.every_days, now: chrono::Utc::now(), author: &author };
    if request.detach {
        let queued = outreach::enqueue(store, &wave, &outreach).await?;
        print_queued(&wave, &queued, what);
        match queued.job {
            Some(job) => println!("wave {}: {what}: job {job} queued; a running `inbeeld serve` sends them", wave.id),
            None => println!("wave {}: {what}: nothing to queue", wave.id),
        }
        return Ok(());
    }
    let mailer = std::sync::Arc::new(mail_settings.mailer()?);
    eprintln!(
        "wave {}: sending {what} through {}, {}",
        wave.id,
        mail::config_summary(&mail_settings.config()),
        mail_settings.letters_per_minute
    );
    let (stopping, stop) = tokio::sync::watch::channel(false);
    // Ctrl-C lets the letter at hand finish and leaves the rest queued, rather than cutting a letter off halfway.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = stopping.send(true);
        }
    });
    let bar = crate::progress::bar(0, "letters");
    let settings = mail_settings.delivery(public_url);
    let report = outreach::send_now(store, mailer, &wave, &outreach, settings, &stop, &mut |counts| {
        bar.set_length(u64::from(counts.total()));
        bar.set_position(u64::from(counts.finished()));
    })
    .await;
    bar.finish_and_clear();
    let report = report?;
    print_queued(&wave, &report.queued, what);
    print_report(&wave, &report, what);
    let retry = report.to_retry();
    if retry > 0 {
        let command = match request.kind {
            MessageKind::Invitation => format!("inbeeld wave invite {}", wave.id),
            MessageKind::Reminder => format!("inbeeld wave remind {}", wave.id),
        };
        let when = report.resumes_at.map(|at| format!(" at {}", at.format("%Y-%m-%d %H:%M:%S UTC"))).unwrap_or_default();
        bail!(
            "{retry} letter(s) did not go out; the failures are recorded with their reason; they are tried again{when} by a \
             running `inbeeld serve`, or now by `{command}` (letters that arrived are not sent twice)"
        );
    }
    Ok(())
}

/// What the team asked for on the command line.
pub struct LetterRequest {
    pub kind: MessageKind,
    pub every_days: u32,
    /// Queue only, for a running server to send.
    pub detach: bool,
}

/// A list of four hundred codes reads as noise; the first few show what kind of municipality is meant.
const SHOWN_CODES: usize = 20;

fn print_report(wave: &Wave, report: &OutreachReport, what: &str) {
    println!("wave {}: {what}: {} sent, {} bounced, {} failed", wave.id, report.sent.len(), report.bounced.len(), report.failed.len());
    for bounce in &report.bounced {
        println!(
            "  bounced {} <{}>: {} (correct the address with `inbeeld import contacts`)",
            bounce.organisation, bounce.recipient, bounce.detail
        );
    }
    for failure in &report.failed {
        println!("  failed {} <{}>: {}", failure.organisation, failure.recipient, failure.detail);
    }
    if !report.not_attempted.is_empty() {
        println!(
            "  not tried, because the mail server failed {} times in a row: {} municipality(ies): {}",
            PAUSE_AFTER_FAILURES_IN_A_ROW,
            report.not_attempted.len(),
            codes(&report.not_attempted)
        );
    }
    if !report.in_doubt.is_empty() {
        println!(
            "  in doubt, because the process sending them stopped halfway; they may have arrived and are not sent again unless \
             the monitor team decides so on the wave's letters page: {}",
            codes(&report.in_doubt)
        );
    }
}

/// Why municipalities get no letter from this request.
fn print_queued(wave: &Wave, queued: &Queued, what: &str) {
    if !queued.skipped_no_contact.is_empty() {
        println!(
            "  no contact address for {} municipality(ies) (add them with `inbeeld import contacts`): {}",
            queued.skipped_no_contact.len(),
            codes(&queued.skipped_no_contact)
        );
    }
    if !queued.skipped_bounced_before.is_empty() {
        println!(
            "  address refused before and not changed since, so not tried again: {} municipality(ies) (correct them with `inbeeld import contacts`): {}",
            queued.skipped_bounced_before.len(),
            codes(&queued.skipped_bounced_before)
        );
    }
    if !queued.not_invited.is_empty() {
        println!(
            "  not invited yet, so no reminder: {} municipality(ies) (`inbeeld wave invite {}`): {}",
            queued.not_invited.len(),
            wave.id,
            codes(&queued.not_invited)
        );
    }
    if queued.already_queued > 0 {
        println!("  {what} queued or being sent already: {}", queued.already_queued);
    }
    if queued.already_invited > 0 {
        println!("  already invited: {}", queued.already_invited);
    }
    if queued.skipped_not_due > 0 {
        println!("  last letter too recent for a reminder: {}", queued.skipped_not_due);
    }
    if queued.already_submitted > 0 {
        println!("  already submitted: {}", queued.already_submitted);
    }
}

/// The first few codes of a list, and how many more.
fn codes(list: &[OrgCode]) -> String {
    let shown: Vec<String> = list.iter().take(SHOWN_CODES).map(ToString::to_string).collect();
    match list.len().saturating_sub(SHOWN_CODES) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

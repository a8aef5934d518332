//! `inbeeld wave`: create waves, move them through draft, open, closed and published, and mail their invitations
//! and reminders.

use anyhow::bail;
use app::AppError;
use app::outreach::{self, Outreach, OutreachReport};
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
        WaveCommand::Invite { id, public_url, mail } => {
            return letters(store, &id, MessageKind::Invitation, 0, &public_url, &mail).await;
        }
        WaveCommand::Remind { id, every_days, public_url, mail } => {
            return letters(store, &id, MessageKind::Reminder, every_days, &public_url, &mail).await;
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

/// Sends the invitations or reminders of a wave and prints what happened to each municipality. Fails when a letter
/// that should have gone did not, so that a script running it sees that a rerun is needed.
async fn letters(
    store: &Store,
    id: &str,
    kind: MessageKind,
    every_days: u32,
    public_url: &str,
    mail_settings: &MailArgs,
) -> anyhow::Result<()> {
    let wave = stored_wave(store, id).await?;
    let what = match kind {
        MessageKind::Invitation => "invitations",
        MessageKind::Reminder => "reminders",
    };
    // Checked before the mailer is made, which creates the outbox folder.
    if outreach::check_open(&wave).is_err() {
        bail!("wave {} is {}; {what} go out only while a wave is open (`inbeeld wave open {}`)", wave.id, wave.state, wave.id);
    }
    let mailer = mail_settings.mailer()?;
    let author = super::command_line_author();
    let outreach = Outreach { kind, public_url, every_days, now: chrono::Utc::now(), author: &author };
    eprintln!("wave {}: sending {what} through {}", wave.id, mail::config_summary(&mail_settings.config()));
    let report = outreach::send(store, &mailer, &wave, &outreach).await?;
    print_report(&wave, &report, what);
    let retry = report.to_retry();
    if retry > 0 {
        let command = match kind {
            MessageKind::Invitation => format!("inbeeld wave invite {}", wave.id),
            MessageKind::Reminder => format!("inbeeld wave remind {}", wave.id),
        };
        bail!(
            "{retry} letter(s) did not go out; the failures are recorded with their reason, and `{command}` sends them again \
             (letters that arrived are not sent twice)"
        );
    }
    Ok(())
}

/// A list of four hundred codes reads as noise; the first few show what kind of municipality is meant.
const SHOWN_CODES: usize = 20;

fn print_report(wave: &Wave, report: &OutreachReport, what: &str) {
    let codes = |list: &[OrgCode]| {
        let shown: Vec<String> = list.iter().take(SHOWN_CODES).map(ToString::to_string).collect();
        match list.len().saturating_sub(SHOWN_CODES) {
            0 => shown.join(", "),
            more => format!("{} and {more} more", shown.join(", ")),
        }
    };
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
            outreach::GIVE_UP_AFTER,
            report.not_attempted.len(),
            codes(&report.not_attempted)
        );
    }
    if !report.skipped_no_contact.is_empty() {
        println!(
            "  no contact address for {} municipality(ies) (add them with `inbeeld import contacts`): {}",
            report.skipped_no_contact.len(),
            codes(&report.skipped_no_contact)
        );
    }
    if !report.skipped_bounced_before.is_empty() {
        println!(
            "  address refused before and not changed since, so not tried again: {} municipality(ies) (correct them with `inbeeld import contacts`): {}",
            report.skipped_bounced_before.len(),
            codes(&report.skipped_bounced_before)
        );
    }
    if !report.not_invited.is_empty() {
        println!(
            "  not invited yet, so no reminder: {} municipality(ies) (`inbeeld wave invite {}`): {}",
            report.not_invited.len(),
            wave.id,
            codes(&report.not_invited)
        );
    }
    if report.already_invited > 0 {
        println!("  already invited: {}", report.already_invited);
    }
    if report.skipped_not_due > 0 {
        println!("  last letter too recent for a reminder: {}", report.skipped_not_due);
    }
    if report.already_submitted > 0 {
        println!("  already submitted: {}", report.already_submitted);
    }
}

//! The letters of a wave: invitations and reminders by e-mail, each with a fresh personal link. Shared by the
//! command line (`inbeeld wave invite` and `remind`) and the monitor team's pages. And one municipality's personal
//! link without a letter (`inbeeld invite`), for the team to pass on itself.
//!
//! Every letter that is tried is recorded (`store.record_message`), whether it went, bounced or failed, so that a
//! failure is shown and can be sent again rather than lost; only the hash of a link's token is stored, and the
//! token itself appears nowhere but in the letter.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use domain::access::{INVITATION_VALIDITY_DAYS, Secret};
use domain::audit::Author;
use domain::fieldwork::letters::{self, LetterFacts};
use domain::fieldwork::{ResponseState, Wave, WaveId, WaveState};
use domain::register::{OrgCode, Organisation, OrganisationKind};
use mail::{Envelope, MailError, Mailer};
use store::{MessageKind, MessageStatus, NewMessage, OrganisationFilter, Store, StoreError};

use crate::AppError;

/// After this many transport failures in a row the server is taken to be down, and the rest of the batch is left
/// for a later run instead of waiting out a time-out for every municipality. One failure alone may be about one
/// recipient (a server that answers "try again later" to a greylisted address), so the run goes on after it.
pub const GIVE_UP_AFTER: usize = 3;

/// What to send, and on whose behalf.
#[derive(Clone, Copy, Debug)]
pub struct Outreach<'a> {
    pub kind: MessageKind,
    /// The address visitors use (`https://inbeeld.example`); the links are built on it.
    pub public_url: &'a str,
    /// For reminders: how many days must have passed since the last letter that reached a municipality.
    pub every_days: u32,
    pub now: DateTime<Utc>,
    /// Who sends, for the audit log.
    pub author: &'a Author,
}

/// A letter that did not arrive, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undelivered {
    pub organisation: OrgCode,
    pub recipient: String,
    /// The mail server's answer or the reason it could not be reached, as recorded.
    pub detail: String,
}

/// What one run did, municipality by municipality. Every municipality of the wave is in exactly one of the lists
/// or counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutreachReport {
    pub kind: MessageKind,
    pub sent: Vec<OrgCode>,
    /// Refused for good by the server: the contact address needs correcting.
    pub bounced: Vec<Undelivered>,
    /// Not sent because of the way out (server down or asking to try later, outbox not writable), or to an address
    /// the mailer cannot use; recorded, and tried again by the next run.
    pub failed: Vec<Undelivered>,
    /// Left for the next run after the mail server failed several times in a row.
    pub not_attempted: Vec<OrgCode>,
    pub skipped_no_contact: Vec<OrgCode>,
    /// The contact address was refused for good before and has not been changed since: sending to it again would
    /// bounce again.
    pub skipped_bounced_before: Vec<OrgCode>,
    /// Reminders: the last letter is too recent.
    pub skipped_not_due: usize,
    /// Reminders: no invitation has reached them yet, so a reminder would be the first letter.
    pub not_invited: Vec<OrgCode>,
    /// Invitations: invited before, so not again.
    pub already_invited: usize,
    pub already_submitted: usize,
}

impl OutreachReport {
    fn new(kind: MessageKind) -> Self {
        Self {
            kind,
            sent: Vec::new(),
            bounced: Vec::new(),
            failed: Vec::new(),
            not_attempted: Vec::new(),
            skipped_no_contact: Vec::new(),
            skipped_bounced_before: Vec::new(),
            skipped_not_due: 0,
            not_invited: Vec::new(),
            already_invited: 0,
            already_submitted: 0,
        }
    }

    /// Letters that should have gone and did not for a reason a later run can overcome.
    pub fn to_retry(&self) -> usize {
        self.failed.len() + self.not_attempted.len()
    }

    fn summary(&self) -> serde_json::Value {
        let codes = |list: &[OrgCode]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        let undelivered = |list: &[Undelivered]| list.iter().map(|u| u.organisation.to_string()).collect::<Vec<_>>();
        serde_json::json!({
            "kind": self.kind.code(),
            "sent": self.sent.len(),
            "bounced": undelivered(&self.bounced),
            "failed": undelivered(&self.failed),
            "not_attempted": codes(&self.not_attempted),
            "skipped_no_contact": codes(&self.skipped_no_contact),
            "skipped_bounced_before": codes(&self.skipped_bounced_before),
            "skipped_not_due": self.skipped_not_due,
            "not_invited": codes(&self.not_invited),
            "already_invited": self.already_invited,
            "already_submitted": self.already_submitted,
        })
    }
}

/// Sends `outreach.kind` letters to the municipalities of `wave` (those that existed on its first day) that have
/// not submitted and have a contact address that was not refused before. An invitation goes once: only to a
/// municipality that no invitation has reached yet, so a second run sends only what failed before, or what bounced
/// to an address that has been corrected since. A reminder goes to a municipality that was invited, once
/// `every_days` have passed since the last letter that reached it.
pub async fn send(store: &Store, mailer: &Mailer, wave: &Wave, outreach: &Outreach<'_>) -> Result<OutreachReport, AppError> {
    check_open(wave)?;
    let municipalities = asked(store, wave).await?;
    let submitted: BTreeSet<OrgCode> =
        store.progress(&wave.id).await?.into_iter().filter(|p| p.state == ResponseState::Submitted).map(|p| p.organisation).collect();
    let contacts: BTreeMap<OrgCode, store::Contact> = store.contacts().await?.into_iter().map(|c| (c.organisation.clone(), c)).collect();
    let history = History::read(store, &wave.id).await?;
    let expires_at = link_expiry(wave.closes_on, outreach.now);
    let signature = signature(&mailer.sender());

    let mut report = OutreachReport::new(outreach.kind);
    let mut failures_in_a_row = 0;
    for municipality in &municipalities {
        let code = &municipality.code;
        if submitted.contains(code) {
            report.already_submitted += 1;
            continue;
        }
        let Some(contact) = contacts.get(code) else {
            report.skipped_no_contact.push(code.clone());
            continue;
        };
        if history.bounced.contains(&(code.clone(), contact.email.to_lowercase())) {
            report.skipped_bounced_before.push(code.clone());
            continue;
        }
        match outreach.kind {
            MessageKind::Invitation if history.invited.contains(code) => {
                report.already_invited += 1;
                continue;
            }
            MessageKind::Reminder if !history.invited.contains(code) => {
                report.not_invited.push(code.clone());
                continue;
            }
            MessageKind::Reminder if !letters::reminder_due(history.last_reached.get(code).copied(), outreach.now, outreach.every_days) => {
                report.skipped_not_due += 1;
                continue;
            }
            _ => {}
        }
        if failures_in_a_row >= GIVE_UP_AFTER {
            report.not_attempted.push(code.clone());
            continue;
        }

        let secret = Secret::generate().map_err(AppError::Secret)?;
        store.add_wave_invitation(&secret.hash, code, &wave.id, expires_at).await?;
        let link = invitation_link(outreach.public_url, &secret.token);
        let facts = LetterFacts {
            organisation_name: &municipality.name,
            wave_title: &wave.title,
            link: &link,
            closes_on: wave.closes_on,
            sender: &signature,
        };
        let letter = match outreach.kind {
            MessageKind::Invitation => letters::invitation(&facts),
            MessageKind::Reminder => letters::reminder(&facts),
        };
        let to_name = if contact.name.trim().is_empty() { format!("Gemeente {}", municipality.name) } else { contact.name.clone() };
        let envelope = Envelope { to: contact.email.clone(), to_name: Some(to_name), subject: letter.subject, body: letter.body };

        let (status, detail) = match mailer.send(&envelope).await {
            Ok(delivery) => {
                failures_in_a_row = 0;
                (MessageStatus::Sent, format!("{}, Message-ID {}", delivery.where_to, delivery.message_id))
            }
            Err(error) if error.is_bounce() => {
                failures_in_a_row = 0;
                (MessageStatus::Bounced, error.to_string())
            }
            Err(error) => {
                if matches!(error, MailError::Failed { .. } | MailError::Outbox { .. }) {
                    failures_in_a_row += 1;
                }
                tracing::warn!(organisation = %code, error = %error, "a letter was not sent");
                (MessageStatus::Failed, error.to_string())
            }
        };
        let message =
            NewMessage { wave: &wave.id, organisation: code, kind: outreach.kind, recipient: &contact.email, status, detail: &detail };
        store.record_message(&message).await?;
        let undelivered = || Undelivered { organisation: code.clone(), recipient: contact.email.clone(), detail: detail.clone() };
        match status {
            MessageStatus::Sent => report.sent.push(code.clone()),
            MessageStatus::Bounced => report.bounced.push(undelivered()),
            MessageStatus::Failed => report.failed.push(undelivered()),
        }
    }

    let action = match outreach.kind {
        MessageKind::Invitation => "wave.invite",
        MessageKind::Reminder => "wave.remind",
    };
    store.record(&outreach.author.change(action, wave.id.to_string(), None, Some(report.summary()))).await?;
    Ok(report)
}

/// Letters go out only while the fieldwork is open. The command line asks this before it makes its mailer, which
/// creates the outbox folder.
pub fn check_open(wave: &Wave) -> Result<(), AppError> {
    if wave.state == WaveState::Open { Ok(()) } else { Err(AppError::WaveNotOpen { wave: wave.id.clone(), state: wave.state }) }
}

/// A personal link for one municipality, made without a letter.
#[derive(Clone, Debug)]
pub struct PersonalLink {
    pub municipality: Organisation,
    /// The whole link, with the token; it is shown once and stored nowhere.
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

/// Makes a link with which `code` answers any open wave, valid once for `days` days (1 to 365) from `now`. Only
/// the hash of its token is stored, with an entry in the audit log.
pub async fn personal_link(
    store: &Store,
    code: &OrgCode,
    days: u32,
    public_url: &str,
    now: DateTime<Utc>,
    author: &Author,
) -> Result<PersonalLink, AppError> {
    if code.kind() != OrganisationKind::Gemeente {
        return Err(AppError::NotAMunicipality(code.clone()));
    }
    if !(1..=365).contains(&days) {
        return Err(AppError::LinkValidity(days));
    }
    let municipality = match store.organisation(code).await {
        Err(StoreError::NotFound) => return Err(AppError::NotInRegister(code.clone())),
        other => other?,
    };
    let secret = Secret::generate().map_err(AppError::Secret)?;
    let expires_at = now + TimeDelta::days(i64::from(days));
    store.add_invitation(&secret.hash, code, expires_at).await?;
    store.record(&author.change("invitation.add", code.to_string(), None, Some(serde_json::json!({"expires_at": expires_at})))).await?;
    Ok(PersonalLink { municipality, link: invitation_link(public_url, &secret.token), expires_at })
}

/// The link a token is redeemed at, on the address visitors use.
fn invitation_link(public_url: &str, token: &str) -> String {
    format!("{}/uitnodiging/{token}", public_url.trim_end_matches('/'))
}

/// The municipalities a wave asks (`follow_up::asked` on the wave's register date), by code.
async fn asked(store: &Store, wave: &Wave) -> Result<Vec<Organisation>, StoreError> {
    let on = wave.register_date();
    let register = store.organisations(&OrganisationFilter { date: Some(on), ..OrganisationFilter::default() }).await?;
    let mut asked: Vec<Organisation> = domain::fieldwork::follow_up::asked(&register, on).into_iter().cloned().collect();
    asked.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(asked)
}

/// What earlier runs of a wave achieved, from its recorded messages.
struct History {
    /// Municipalities that an invitation reached.
    invited: BTreeSet<OrgCode>,
    /// When a letter last reached each municipality. A letter that failed or bounced was not read, so it does not
    /// hold the next reminder back.
    last_reached: BTreeMap<OrgCode, DateTime<Utc>>,
    /// Addresses (lower case) that a server refused for good, with the municipality they were tried for.
    bounced: BTreeSet<(OrgCode, String)>,
}

impl History {
    async fn read(store: &Store, wave: &WaveId) -> Result<Self, StoreError> {
        let mut history = History { invited: BTreeSet::new(), last_reached: BTreeMap::new(), bounced: BTreeSet::new() };
        for message in store.messages(wave).await? {
            if message.status == MessageStatus::Bounced {
                history.bounced.insert((message.organisation, message.recipient.to_lowercase()));
                continue;
            }
            if message.status != MessageStatus::Sent {
                continue;
            }
            if message.kind == MessageKind::Invitation {
                history.invited.insert(message.organisation.clone());
            }
            let last = history.last_reached.entry(message.organisation).or_insert(message.at);
            *last = (*last).max(message.at);
        }
        Ok(history)
    }
}

/// A link works until the end of the wave's closing day (midnight UTC, which is after midnight in the Netherlands).
/// A wave that is still open after its closing day has been extended by the monitor team, and a link that expired
/// before it was sent would be useless, so its links work the usual number of days from now instead.
fn link_expiry(closes_on: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let end_of_fieldwork = closes_on.checked_add_days(Days::new(1)).unwrap_or(closes_on).and_time(NaiveTime::MIN).and_utc();
    if end_of_fieldwork > now { end_of_fieldwork } else { now + TimeDelta::days(i64::from(INVITATION_VALIDITY_DAYS)) }
}

/// The letters are signed with the sender's name as the From header shows it (`Monitorteam inbeeld <…>` signs as
/// "Monitorteam inbeeld"), so that signature and sender agree.
pub fn signature(sender: &str) -> String {
    let name = sender.split('<').next().unwrap_or_default().trim().trim_matches('"').trim();
    if name.is_empty() || name.contains('@') { "Het monitorteam".to_owned() } else { name.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn a_link_works_through_the_closing_day() {
        assert_eq!(link_expiry(day("2011-03-31"), at("2011-02-01T10:00:00Z")), at("2011-04-01T00:00:00Z"));
        assert_eq!(link_expiry(day("2011-03-31"), at("2011-03-31T22:59:00Z")), at("2011-04-01T00:00:00Z"));
    }

    #[test]
    fn a_wave_open_past_its_closing_day_gets_links_that_work_from_now() {
        let now = at("2026-05-01T12:00:00Z");
        assert_eq!(link_expiry(day("2011-03-31"), now), now + TimeDelta::days(i64::from(INVITATION_VALIDITY_DAYS)));
    }

    #[test]
    fn the_letter_is_signed_by_the_senders_name() {
        assert_eq!(signature("Monitorteam inbeeld <monitor@inbeeld.invalid>"), "Monitorteam inbeeld");
        assert_eq!(signature("\"Team e-overheid, BZK\" <team@bzk.example>"), "Team e-overheid, BZK");
        assert_eq!(signature("monitor@inbeeld.invalid"), "Het monitorteam");
    }
}

//! The letters of a wave: invitations and reminders by e-mail, each with a fresh personal link. Shared by the
//! command line (`inbeeld wave invite` and `remind`) and the monitor team's pages. And one municipality's personal
//! link without a letter (`inbeeld invite`), for the team to pass on itself.
//!
//! A request for letters is queued as a job (`queue`); a worker in any `inbeeld` process sends them (`delivery`),
//! and `send_now` does both at once for the command line. Every letter that is tried is recorded in the wave's
//! messages, whether it went, bounced or failed, so that a failure is shown and tried again rather than lost; only
//! the hash of a link's token is stored, and the token itself appears nowhere but in the letter.

mod delivery;
mod queue;
mod report;

pub use delivery::{DeliverySettings, Left, Tried, Worker};
pub use queue::{Queued, enqueue};
pub use report::{OutreachReport, Undelivered, send_now};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use domain::access::{INVITATION_VALIDITY_DAYS, Secret};
use domain::audit::Author;
use domain::fieldwork::{Wave, WaveId, WaveState};
use domain::register::{OrgCode, Organisation, OrganisationKind};
use store::{MessageKind, MessageStatus, OrganisationFilter, Store, StoreError};

use crate::AppError;

/// What the monitor team asks for, and on whose behalf.
#[derive(Clone, Copy, Debug)]
pub struct Outreach<'a> {
    pub kind: MessageKind,
    /// For reminders: how many days must have passed since the last letter that reached a municipality.
    pub every_days: u32,
    pub now: DateTime<Utc>,
    /// Who asks, for the audit log.
    pub author: &'a Author,
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

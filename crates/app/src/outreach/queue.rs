//! Which municipalities get a letter, queued as a job for `delivery` to send.

use std::collections::{BTreeMap, BTreeSet};

use domain::fieldwork::letters;
use domain::fieldwork::{ResponseState, Wave};
use domain::register::OrgCode;
use store::{JobId, JobKind, LetterKind, MessageKind, NewLetter, Store};

use super::{History, Outreach, asked, check_open};
use crate::AppError;

/// What a request for letters queued, and why each municipality that gets none gets none. Every municipality of
/// the wave is in exactly one of the lists or counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub kind: MessageKind,
    /// The new job, if any letter was queued.
    pub job: Option<JobId>,
    /// The municipalities whose letter was queued.
    pub letters: Vec<OrgCode>,
    pub skipped_no_contact: Vec<OrgCode>,
    /// The contact address was refused for good before and has not been changed since: sending to it again would
    /// bounce again.
    pub skipped_bounced_before: Vec<OrgCode>,
    /// A letter of this kind is queued, being sent, or in doubt already: another would be a second one.
    pub already_queued: usize,
    /// Reminders: the last letter is too recent.
    pub skipped_not_due: usize,
    /// Reminders: no invitation has reached them yet, so a reminder would be the first letter.
    pub not_invited: Vec<OrgCode>,
    /// Invitations: invited before, so not again.
    pub already_invited: usize,
    pub already_submitted: usize,
}

impl Queued {
    fn new(kind: MessageKind) -> Self {
        Queued {
            kind,
            job: None,
            letters: Vec::new(),
            skipped_no_contact: Vec::new(),
            skipped_bounced_before: Vec::new(),
            already_queued: 0,
            skipped_not_due: 0,
            not_invited: Vec::new(),
            already_invited: 0,
            already_submitted: 0,
        }
    }

    /// What the audit log keeps of the request.
    fn summary(&self) -> serde_json::Value {
        let codes = |list: &[OrgCode]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        serde_json::json!({
            "kind": self.kind.code(),
            "queued": self.letters.len(),
            "skipped_no_contact": codes(&self.skipped_no_contact),
            "skipped_bounced_before": codes(&self.skipped_bounced_before),
            "already_queued": self.already_queued,
            "skipped_not_due": self.skipped_not_due,
            "not_invited": codes(&self.not_invited),
            "already_invited": self.already_invited,
            "already_submitted": self.already_submitted,
        })
    }
}

/// Queues `outreach.kind` letters to the municipalities of `wave` (those that existed on its first day) that have
/// not submitted and have a contact address that was not refused before, as one job, and records the request in
/// the audit log. An invitation goes once: only to a municipality that no invitation has reached yet, so a second
/// request queues only what failed for good before, or what bounced to an address that has been corrected since. A
/// reminder goes to a municipality that was invited, once `every_days` have passed since the last letter that
/// reached it. Nothing is queued for a municipality that a letter of the same kind may still reach.
pub async fn enqueue(store: &Store, wave: &Wave, outreach: &Outreach<'_>) -> Result<Queued, AppError> {
    check_open(wave)?;
    let municipalities = asked(store, wave).await?;
    let submitted: BTreeSet<OrgCode> =
        store.progress(&wave.id).await?.into_iter().filter(|p| p.state == ResponseState::Submitted).map(|p| p.organisation).collect();
    let contacts: BTreeMap<OrgCode, store::Contact> = store.contacts().await?.into_iter().map(|c| (c.organisation.clone(), c)).collect();
    let history = History::read(store, &wave.id).await?;
    let kind = LetterKind::from(outreach.kind);
    let pending: BTreeSet<OrgCode> =
        store.pending_letters(&wave.id).await?.into_iter().filter(|l| l.kind == kind).map(|l| l.organisation).collect();

    let mut queued = Queued::new(outreach.kind);
    let mut letters = Vec::new();
    for municipality in &municipalities {
        let code = &municipality.code;
        if submitted.contains(code) {
            queued.already_submitted += 1;
            continue;
        }
        let Some(contact) = contacts.get(code) else {
            queued.skipped_no_contact.push(code.clone());
            continue;
        };
        if history.bounced.contains(&(code.clone(), contact.email.to_lowercase())) {
            queued.skipped_bounced_before.push(code.clone());
            continue;
        }
        if pending.contains(code) {
            queued.already_queued += 1;
            continue;
        }
        match outreach.kind {
            MessageKind::Invitation if history.invited.contains(code) => {
                queued.already_invited += 1;
                continue;
            }
            MessageKind::Reminder if !history.invited.contains(code) => {
                queued.not_invited.push(code.clone());
                continue;
            }
            MessageKind::Reminder if !letters::reminder_due(history.last_reached.get(code).copied(), outreach.now, outreach.every_days) => {
                queued.skipped_not_due += 1;
                continue;
            }
            _ => {}
        }
        let recipient_name = if contact.name.trim().is_empty() { format!("Gemeente {}", municipality.name) } else { contact.name.clone() };
        // Written when it is sent, with a personal link made then.
        let (subject, body) = (String::new(), String::new());
        letters.push(NewLetter { organisation: code.clone(), kind, recipient: contact.email.clone(), recipient_name, subject, body });
    }

    queued.letters = letters.iter().map(|letter| letter.organisation.clone()).collect();
    let action = match outreach.kind {
        MessageKind::Invitation => "wave.invite",
        MessageKind::Reminder => "wave.remind",
    };
    let change = outreach.author.change(action, wave.id.to_string(), None, Some(queued.summary()));
    if letters.is_empty() {
        store.record(&change).await?;
        return Ok(queued);
    }
    // A letter that another request queued at the same moment goes once, with that request's job.
    match store.enqueue_letters(&wave.id, JobKind::WaveLetters, &letters, &outreach.author.actor.describe(), &change).await? {
        Some((job, organisations)) => {
            queued.already_queued += queued.letters.len() - organisations.len();
            queued.letters = organisations;
            queued.job = Some(job);
        }
        None => {
            queued.already_queued += queued.letters.len();
            queued.letters.clear();
            store.record(&change).await?;
        }
    }
    Ok(queued)
}

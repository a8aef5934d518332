//! Invitations to the meetings of a proposal: one letter per invitee, to the contact address the fieldwork keeps
//! (the imported contact of the municipality, or else the e-mail address its respondent gave in the wave), queued as
//! a job that a worker sends through the site's mailer (the outbox folder, or SMTP when configured), like a wave's
//! letters. An invitee without an address is recorded as such; an invitation that went, or may still go, is never
//! queued again, so a second run queues only what is new or failed.

use std::collections::{BTreeMap, BTreeSet};

use domain::audit::Author;
use domain::questionnaire::Answer;
use domain::register::OrgCode;
use domain::support::letter::{InvitationFacts, meeting_invitation};
use store::{InvitationOutcome, JobId, JobKind, LetterKind, MeetingInvitation, NewLetter, Store, StoreError};

use super::Loaded;

/// The question in which a respondent gives the e-mail address to reach the municipality on.
const CONTACT_EMAIL: &str = "contact_email";

/// What one request queued. Every invitee of the proposal is in exactly one of the lists or counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailReport {
    /// The job that sends the invitations, if any was queued.
    pub job: Option<JobId>,
    pub queued: usize,
    /// No contact address anywhere: nothing was sent.
    pub no_address: Vec<OrgCode>,
    /// Sent by an earlier request, or queued and not yet sent, so not again.
    pub already_sent: usize,
}

pub async fn queue(store: &Store, sender: &str, loaded: &Loaded, author: &Author) -> Result<MailReport, StoreError> {
    let plan = &loaded.stored;
    let labels = &loaded.labels;
    let mut reached: BTreeSet<(u32, OrgCode)> = store
        .meeting_invitations(plan.id)
        .await?
        .into_iter()
        .filter(|i| i.outcome == InvitationOutcome::Sent)
        .map(|i| (i.meeting, i.organisation))
        .collect();
    for letter in store.pending_letters(&loaded.wave.id).await? {
        if let LetterKind::Meeting { plan: of, meeting } = letter.kind
            && of == plan.id
        {
            reached.insert((meeting, letter.organisation));
        }
    }
    let addresses = addresses(store, loaded).await?;
    let signature = app::outreach::signature(sender);

    let mut report = MailReport::default();
    let mut letters = Vec::new();
    for meeting in &plan.proposal.meetings {
        let topic = labels.block(&meeting.block);
        let region = labels.region(meeting, &plan.proposal.settings);
        let host = labels.name(&meeting.host);
        for invitee in &meeting.invitees {
            let code = &invitee.organisation;
            if reached.contains(&(meeting.number, code.clone())) {
                report.already_sent += 1;
                continue;
            }
            let name = labels.name(code);
            let Some(address) = addresses.get(code) else {
                let record = MeetingInvitation {
                    meeting: meeting.number,
                    organisation: code.clone(),
                    recipient: String::new(),
                    outcome: InvitationOutcome::NoAddress,
                    detail: "geen contactadres bekend".to_owned(),
                    at: chrono::Utc::now(),
                };
                store.record_meeting_invitation(plan.id, &record).await?;
                report.no_address.push(code.clone());
                continue;
            };
            let others: Vec<String> =
                meeting.invitees.iter().filter(|o| &o.organisation != code).map(|o| labels.name(&o.organisation)).collect();
            let letter = meeting_invitation(&InvitationFacts {
                organisation_name: &name,
                meeting: meeting.number,
                topic: &topic,
                region: &region,
                host_name: &host,
                others: &others,
                wave_title: &loaded.wave.title,
                sender: &signature,
            });
            letters.push(NewLetter {
                organisation: code.clone(),
                kind: LetterKind::Meeting { plan: plan.id, meeting: meeting.number },
                recipient: address.clone(),
                recipient_name: format!("Gemeente {name}"),
                subject: letter.subject,
                body: letter.body,
            });
        }
    }
    let summary = serde_json::json!({
        "queued": letters.len(),
        "no_address": report.no_address.iter().map(OrgCode::as_str).collect::<Vec<_>>(),
        "already_sent": report.already_sent,
    });
    let change = author.change("support_plan.mail", format!("support_plan:{}", plan.id), None, Some(summary));
    if letters.is_empty() {
        store.record(&change).await?;
        return Ok(report);
    }
    let queued = store.enqueue_letters(&loaded.wave.id, JobKind::MeetingLetters, &letters, &author.actor.describe(), &change).await?;
    if let Some((job, organisations)) = queued {
        report.job = Some(job);
        report.queued = organisations.len();
        report.already_sent += letters.len() - organisations.len();
    } else {
        report.already_sent += letters.len();
        store.record(&change).await?;
    }
    Ok(report)
}

/// Where each invitee's letter goes: its imported contact, or else the address its respondent gave in the wave.
async fn addresses(store: &Store, loaded: &Loaded) -> Result<BTreeMap<OrgCode, String>, StoreError> {
    let mut addresses: BTreeMap<OrgCode, String> = store
        .submitted_answers(&loaded.wave.id)
        .await?
        .into_iter()
        .filter_map(|(code, answers)| match answers.get(CONTACT_EMAIL) {
            Some(Answer::Text(email)) if email.contains('@') => Some((code, email.trim().to_owned())),
            _ => None,
        })
        .collect();
    for contact in store.contacts().await? {
        if contact.email.contains('@') {
            addresses.insert(contact.organisation, contact.email);
        }
    }
    Ok(addresses)
}

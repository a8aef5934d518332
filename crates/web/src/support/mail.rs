//! Invitations to the meetings of a proposal: one letter per invitee, to the contact address the fieldwork keeps
//! (the imported contact of the municipality, or else the e-mail address its respondent gave in the wave), through
//! the site's mailer (the outbox folder, or SMTP when configured). Every outcome is recorded, an invitee without an
//! address too; an invitation that went is never sent again, so a second run sends only what is new or failed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use domain::audit::Author;
use domain::questionnaire::Answer;
use domain::register::OrgCode;
use domain::support::letter::{InvitationFacts, meeting_invitation};
use mail::{Envelope, Mailer};
use store::{InvitationOutcome, MeetingInvitation, Store, StoreError};

use super::Loaded;

/// The question in which a respondent gives the e-mail address to reach the municipality on.
const CONTACT_EMAIL: &str = "contact_email";

/// What one run did. Every invitee of the proposal is in exactly one of the lists or counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailReport {
    pub sent: usize,
    /// Not delivered: the municipality and the mail server's answer.
    pub undelivered: Vec<(OrgCode, String)>,
    /// No contact address anywhere: nothing was sent.
    pub no_address: Vec<OrgCode>,
    /// Sent by an earlier run, so not again.
    pub already_sent: usize,
}

pub async fn send(store: &Store, mailer: &Mailer, loaded: &Loaded, author: &Author) -> Result<MailReport, StoreError> {
    let plan = &loaded.stored;
    let labels = &loaded.labels;
    let reached: BTreeSet<(u32, OrgCode)> = store
        .meeting_invitations(plan.id)
        .await?
        .into_iter()
        .filter(|i| i.outcome == InvitationOutcome::Sent)
        .map(|i| (i.meeting, i.organisation))
        .collect();
    let addresses = addresses(store, loaded).await?;
    let signature = app::outreach::signature(&mailer.sender());

    let mut report = MailReport::default();
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
            let mut record = MeetingInvitation {
                meeting: meeting.number,
                organisation: code.clone(),
                recipient: String::new(),
                outcome: InvitationOutcome::NoAddress,
                detail: "geen contactadres bekend".to_owned(),
                at: Utc::now(),
            };
            let Some(address) = addresses.get(code) else {
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
            let envelope =
                Envelope { to: address.clone(), to_name: Some(format!("Gemeente {name}")), subject: letter.subject, body: letter.body };
            let (outcome, detail) = match mailer.send(&envelope).await {
                Ok(delivery) => (InvitationOutcome::Sent, format!("{}, Message-ID {}", delivery.where_to, delivery.message_id)),
                Err(error) if error.is_bounce() => (InvitationOutcome::Bounced, error.to_string()),
                Err(error) => {
                    tracing::warn!(organisation = %code, error = %error, "an invitation to a meeting was not sent");
                    (InvitationOutcome::Failed, error.to_string())
                }
            };
            record.recipient = address.clone();
            record.outcome = outcome;
            record.detail = detail.clone();
            record.at = Utc::now();
            store.record_meeting_invitation(plan.id, &record).await?;
            match outcome {
                InvitationOutcome::Sent => report.sent += 1,
                _ => report.undelivered.push((code.clone(), detail)),
            }
        }
    }
    let summary = serde_json::json!({
        "sent": report.sent,
        "undelivered": report.undelivered.iter().map(|(code, _)| code.as_str()).collect::<Vec<_>>(),
        "no_address": report.no_address.iter().map(OrgCode::as_str).collect::<Vec<_>>(),
        "already_sent": report.already_sent,
    });
    store.record(&author.change("support_plan.mail", format!("support_plan:{}", plan.id), None, Some(summary))).await?;
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

//! Contact addresses of organisations, and the record of every invitation and reminder.

use chrono::{DateTime, Utc};
use domain::audit::Author;
use domain::fieldwork::WaveId;
use domain::register::OrgCode;

use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::register::stored_code;
use crate::{ImportReport, Store, StoreError};

/// Where an organisation's invitation goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub organisation: OrgCode,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Invitation,
    Reminder,
}

impl MessageKind {
    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Invitation => "invitation",
            MessageKind::Reminder => "reminder",
        }
    }

    pub(crate) fn parse(code: &str) -> Result<Self, StoreError> {
        match code {
            "invitation" => Ok(MessageKind::Invitation),
            "reminder" => Ok(MessageKind::Reminder),
            other => Err(StoreError::Corrupt(format!("message kind '{other}'"))),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Sent,
    /// The mail server could not be reached or refused for now.
    Failed,
    /// The mail server refused the address for good.
    Bounced,
}

impl MessageStatus {
    pub fn code(self) -> &'static str {
        match self {
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
            MessageStatus::Bounced => "bounced",
        }
    }
}

/// A message to record: what was sent, to whom, and how it went (`detail` says where it went or why it failed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage<'a> {
    pub wave: &'a WaveId,
    pub organisation: &'a OrgCode,
    pub kind: MessageKind,
    pub recipient: &'a str,
    pub status: MessageStatus,
    pub detail: &'a str,
}

/// The insert of `$message` into the wave's record of messages, at `$at`, to run on a pool or in a transaction.
macro_rules! message_query {
    ($message:expr, $at:expr) => {
        sqlx::query(
            "INSERT INTO messages (wave_id, organisation_code, kind, recipient, status, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($message.wave.as_str())
        .bind($message.organisation.as_str())
        .bind($message.kind.code())
        .bind($message.recipient)
        .bind($message.status.code())
        .bind($message.detail)
        .bind($at)
    };
}
pub(crate) use message_query;

/// A recorded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub organisation: OrgCode,
    pub kind: MessageKind,
    pub recipient: String,
    pub status: MessageStatus,
    pub detail: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Sets the contact of each organisation given: added, updated or unchanged, in one transaction with the audit.
    pub async fn import_contacts(&self, contacts: &[Contact], author: &Author) -> Result<ImportReport, StoreError> {
        const FIND: &str = "SELECT name, email FROM contacts WHERE organisation_code = $1";
        const UPSERT: &str = "INSERT INTO contacts (organisation_code, name, email, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (organisation_code) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = excluded.updated_at";
        let mut report = ImportReport::default();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for contact in contacts {
                let code = contact.organisation.as_str();
                let before: Option<(String, String)> = sqlx::query_as(FIND).bind(code).fetch_optional(&mut *tx).await?;
                let same = before.as_ref().map(|(name, email)| *name == contact.name && *email == contact.email);
                report.count(same);
                if same == Some(true) {
                    continue;
                }
                sqlx::query(UPSERT).bind(code).bind(&contact.name).bind(&contact.email).bind(now()).execute(&mut *tx).await?;
                let as_json = |(name, email): (&str, &str)| serde_json::json!({"name": name, "email": email});
                let change = author.change(
                    "contact.set",
                    code.to_owned(),
                    before.as_ref().map(|(name, email)| as_json((name, email))),
                    Some(as_json((&contact.name, &contact.email))),
                );
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(report)
    }

    /// Every contact, by organisation code.
    pub async fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        const SQL: &str = "SELECT organisation_code, name, email FROM contacts ORDER BY organisation_code";
        let rows: Vec<(String, String, String)> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        rows.into_iter().map(|(code, name, email)| Ok(Contact { organisation: stored_code(&code)?, name, email })).collect()
    }

    /// Records a message that went out or failed. Never skipped: a failure shown is a failure that can be resent.
    pub async fn record_message(&self, message: &NewMessage<'_>) -> Result<(), StoreError> {
        with_pool!(self, |pool| message_query!(message, now()).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// The messages of a wave, newest first.
    pub async fn messages(&self, wave: &WaveId) -> Result<Vec<MessageRecord>, StoreError> {
        const SQL: &str =
            "SELECT organisation_code, kind, recipient, status, detail, at FROM messages WHERE wave_id = $1 ORDER BY at DESC, id DESC";
        let rows: Vec<(String, String, String, String, String, DateTime<Utc>)> =
            with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(code, kind, recipient, status, detail, at)| {
                let kind = MessageKind::parse(&kind)?;
                let status = match status.as_str() {
                    "sent" => MessageStatus::Sent,
                    "failed" => MessageStatus::Failed,
                    "bounced" => MessageStatus::Bounced,
                    other => return Err(StoreError::Corrupt(format!("message status '{other}'"))),
                };
                Ok(MessageRecord { organisation: stored_code(&code)?, kind, recipient, status, detail, at })
            })
            .collect()
    }
}

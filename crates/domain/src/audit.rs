//! The audit log: who changed what, and when. Entries are only ever added.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::account::Email;
use crate::register::OrgCode;

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Someone at the server's command line, named by the operating-system account.
    CommandLine { os_user: String },
    /// A signed-in user.
    User { id: i64, email: Email },
    /// A respondent who came in through an invitation link for one organisation.
    Invitation { organisation: OrgCode },
    /// Someone not signed in (a failed login, say).
    Anonymous,
}

impl Actor {
    pub fn describe(&self) -> String {
        match self {
            Actor::CommandLine { os_user } => format!("command line ({os_user})"),
            Actor::User { id, email } => format!("user {id} ({email})"),
            Actor::Invitation { organisation } => format!("invitation link ({organisation})"),
            Actor::Anonymous => "anonymous".to_owned(),
        }
    }
}

/// Where a change came from, beyond who made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub address: Option<String>,
    /// The id we gave the request, as in our logs. Never one a client chose.
    pub request_id: Option<String>,
    /// The id a trusted proxy in front of us gave the request, to find it in that proxy's logs; kept apart from
    /// ours because we did not make it.
    pub upstream_request_id: Option<String>,
}

/// The longest upstream request id kept; a proxy's ids (UUIDs, trace ids) are far shorter.
const MAX_UPSTREAM_REQUEST_ID: usize = 128;

impl Origin {
    /// A trusted proxy's request id as the log keeps it: printable ASCII without spaces, of a sane length.
    /// Anything else is dropped, since it is only a help for finding the request elsewhere.
    pub fn upstream_request_id(raw: &str) -> Option<String> {
        let id = raw.trim();
        (!id.is_empty() && id.len() <= MAX_UPSTREAM_REQUEST_ID && id.bytes().all(|b| b.is_ascii_graphic())).then(|| id.to_owned())
    }
}

/// A change to record, with the state before and after as JSON (never a secret such as a password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub actor: Actor,
    pub origin: Origin,
    /// What was done, e.g. `user.add`.
    pub action: &'static str,
    /// What it was done to, e.g. an e-mail address or a CBS code.
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A recorded change, as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub address: Option<String>,
    pub request_id: Option<String>,
    pub upstream_request_id: Option<String>,
}

/// Who makes a series of changes, and from where: each change they make is recorded under this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub actor: Actor,
    pub origin: Origin,
}

impl Author {
    pub fn new(actor: Actor, origin: Origin) -> Self {
        Self { actor, origin }
    }

    pub fn change(
        &self,
        action: &'static str,
        target: String,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Change {
        Change { actor: self.actor.clone(), origin: self.origin.clone(), action, target, before, after }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_request_id_is_kept_only_when_it_is_a_plain_token() {
        assert_eq!(Origin::upstream_request_id(" 4bf92f3577b34da6a3ce929d0e0e4736 "), Some("4bf92f3577b34da6a3ce929d0e0e4736".into()));
        assert_eq!(Origin::upstream_request_id("lb-1/req:42"), Some("lb-1/req:42".into()));
        for refused in ["", "   ", "met spatie", "regel\neinde", "tab\tin", "é", &"x".repeat(MAX_UPSTREAM_REQUEST_ID + 1)] {
            assert_eq!(Origin::upstream_request_id(refused), None, "{refused:?}");
        }
    }
}

//! Persistence of inbeeld, on SQLite (the default, one file) and PostgreSQL (production).
//!
//! One `Store` serves both. A query is written once, with `$1`-style parameters that both dialects accept, and
//! runs on whichever pool the store holds (see `with_pool!`). Only the migrations differ per dialect, because
//! the column types do; `tests/it/schema_parity.rs` keeps the two schemas alike.

mod accounts;
mod api_tokens;
mod audit;
mod backup;
mod boundaries;
mod catalogue;
mod collaborations;
mod connect;
mod data_versions;
mod error;
mod fieldwork;
mod jobs;
mod knowledge;
mod password_links;
mod pool;
mod population;
mod register;
#[cfg(feature = "testing")]
pub mod schema;
mod second_factor;
mod sessions;
mod support_plans;
#[cfg(feature = "testing")]
pub mod testing;

pub use accounts::AccountChange;
pub use api_tokens::TokenUse;
pub use audit::AuditFilter;
pub use boundaries::BoundaryImport;
pub use connect::{Backend, Health, POSTGRES_MAX_CONNECTIONS, SQLITE_MAX_CONNECTIONS, Store, StoreOptions, sqlite_file};
pub use error::{Conflict, Record, StoreError, UniqueField};
pub use fieldwork::{
    Contact, MessageKind, MessageRecord, MessageStatus, NewMessage, Progress, QuestionnaireImport, SaveAnswers, StoredQuestionnaire,
};
pub use jobs::{Job, JobId, JobKind, JobState, Letter, LetterCounts, LetterKind, LetterOutcome, LetterState, LinkToStore, NewLetter};
pub use knowledge::SEARCH_LIMIT;
pub use password_links::PasswordLink;
pub use pool::{PoolStatus, describe_metrics};
pub use register::{ListedOrganisation, OrganisationFilter, PopulationRange};
pub use second_factor::SecondFactor;
pub use sessions::Redemption;
pub use support_plans::{InvitationOutcome, MeetingInvitation, StoredProposal};

/// What an import did: rows added, rows changed, and rows that were already as given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl ImportReport {
    fn count(&mut self, before: Option<bool>) {
        match before {
            None => self.added += 1,
            Some(true) => self.unchanged += 1,
            Some(false) => self.updated += 1,
        }
    }
}

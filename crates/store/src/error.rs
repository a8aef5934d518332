use std::fmt;

use thiserror::Error;

/// Everything the store can fail with. Callers decide what a user sees; the store never formats for users.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Another change came first: a stale revision, or a unique value taken.
    #[error("{0}")]
    Conflict(Conflict),
    /// The database cannot be reached or the pool is closed: worth retrying later.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// The database URL or options are unusable.
    #[error("{0}")]
    Configuration(String),
    /// Data in the database that the model refuses (a code or date that does not parse).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("migrating the database failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A change that a rule of the domain refuses, decided inside the transaction that would have made it (so
    /// that two changes at once cannot both slip past it), e.g. disabling the last admin.
    #[error("{0}")]
    Refused(domain::account::AccountError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(error.to_string())
            }
            sqlx::Error::Database(ref database) if database.is_unique_violation() => {
                // SQLite names no constraint, but both backends name the column in the message.
                let field = if database.message().contains("email") { UniqueField::Email } else { UniqueField::Unnamed };
                StoreError::Conflict(Conflict::Taken(field))
            }
            other => StoreError::Database(other),
        }
    }
}

/// Why a change was refused because another came first. Callers match on it to word the refusal and to show the
/// newer state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The record changed since the revision (or state) the change was based on; nothing was changed.
    Stale(Record),
    /// A value that must be unique is in use already.
    Taken(UniqueField),
}

/// A record whose changes name the revision or state they were based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// One organisation's answers in a wave.
    Response,
    /// A wave's state: another request moved it.
    WaveState,
    Article,
    Collaboration,
    SupportPlan,
    /// The team's decision on a survey answer: this revision of the answer was decided already.
    Review,
    /// A staff account's second factor: it was set up in another window meanwhile.
    SecondFactor,
}

/// A value that must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueField {
    /// An account's e-mail address.
    Email,
    WaveId,
    ArticleSlug,
    /// A unique constraint the database did not name in a way we recognise.
    Unnamed,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::Stale(record) => write!(f, "the {record:?} changed since it was read"),
            Conflict::Taken(field) => write!(f, "the {field:?} is taken already"),
        }
    }
}

use thiserror::Error;

/// Everything the store can fail with. Callers decide what a user sees; the store never formats for users.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value is taken already: the name of what (e.g. `email`).
    #[error("{0} is taken already")]
    Conflict(&'static str),
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
                StoreError::Conflict(if database.message().contains("email") { "email" } else { "a unique value" })
            }
            other => StoreError::Database(other),
        }
    }
}

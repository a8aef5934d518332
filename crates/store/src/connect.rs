use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};

use crate::StoreError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database, on either backend. Cheap to clone: it holds a connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// Runs `$body` with `$pool` bound to the store's pool, whatever its backend. The body is written once and
/// compiled for both, so a query that both dialects accept is never written twice.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::connect::Pool::Sqlite($pool) => $body,
            $crate::connect::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// The database's state, as `/health` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    pub backend: Backend,
    /// The version of the newest migration applied; `None` before the first.
    pub schema_version: Option<i64>,
    /// The version of the newest migration this binary knows.
    pub expected_schema_version: Option<i64>,
}

/// How the store connects, beyond the URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// The most connections the pool opens at once; `None` is the backend's default
    /// (`SQLITE_MAX_CONNECTIONS`, `POSTGRES_MAX_CONNECTIONS`).
    pub max_connections: Option<NonZeroU32>,
}

/// The migration that adds `organisation_search_keys`.
const REGISTER_SEARCH_KEYS_MIGRATION: i64 = 14;

/// SQLite writes one transaction at a time whatever the pool, so a few connections for readers are enough.
pub const SQLITE_MAX_CONNECTIONS: u32 = 4;
pub const POSTGRES_MAX_CONNECTIONS: u32 = 10;

impl Store {
    /// Opens the database at `url`: `sqlite://path` (the file is created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, StoreOptions::default()).await
    }

    /// Opens the database at `url` as `connect` does, with a pool of the size `settings` give.
    pub async fn connect_with(url: &str, settings: StoreOptions) -> Result<Self, StoreError> {
        let max = |default: u32| settings.max_connections.map_or(default, NonZeroU32::get);
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|error| StoreError::Configuration(format!("the SQLite URL '{url}' is not usable: {error}")))?
                .create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before it is acknowledged, so a submission the site confirmed survives
                // a crash of the machine too, not only of the process (NORMAL in WAL mode may lose the last ones).
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5));
            Pool::Sqlite(pool_options(max(SQLITE_MAX_CONNECTIONS)).connect_with(options).await?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).map_err(|_| {
                StoreError::Configuration("the PostgreSQL URL is not usable (expected postgres://user@host:port/database)".into())
            })?;
            Pool::Postgres(pool_options(max(POSTGRES_MAX_CONNECTIONS)).connect_with(options).await?)
        } else {
            return Err(StoreError::Configuration(format!(
                "the database URL must start with sqlite:// or postgres://, not '{}'",
                url.split(':').next().unwrap_or_default()
            )));
        };
        Ok(Self { pool })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.pool {
            Pool::Sqlite(_) => &SQLITE_MIGRATIONS,
            Pool::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Brings the database to the schema this binary expects. Safe to run again; returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let before = self.applied_version().await.unwrap_or(None);
        with_pool!(self, |pool| self.migrator().run(pool).await)?;
        let applied: Vec<i64> = self.migrator().iter().map(|m| m.version).filter(|v| before.is_none_or(|b| *v > b)).collect();
        // Migration 0014 adds the register's search keys, which are made by the domain, not by SQL: the store
        // writes them for a register that was already stored, once, right after the migration.
        if applied.contains(&REGISTER_SEARCH_KEYS_MIGRATION) {
            self.index_unindexed_organisations().await?;
        }
        Ok(applied)
    }

    async fn applied_version(&self) -> Result<Option<i64>, StoreError> {
        let version: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE").fetch_one(pool).await
        })?;
        Ok(version)
    }

    /// Asks the database a trivial question, so a reachable database is proven reachable.
    pub async fn health(&self) -> Result<Health, StoreError> {
        let reachable = async {
            with_pool!(self, |pool| sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await)?;
            Ok::<_, StoreError>(self.applied_version().await.unwrap_or(None))
        };
        let schema_version = tokio::time::timeout(Duration::from_secs(3), reachable)
            .await
            .map_err(|_| StoreError::Unavailable("no answer within 3 seconds".into()))??;
        Ok(Health { backend: self.backend(), schema_version, expected_schema_version: self.migrator().iter().map(|m| m.version).max() })
    }

    /// True when the register holds no organisation yet: the demo only fills an empty database.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let count: i64 = with_pool!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(pool).await)?;
        Ok(count == 0)
    }

    pub async fn close(&self) {
        with_pool!(self, |pool| pool.close().await)
    }
}

/// A pool of at most `max_connections`, on either backend. A request waits at most 5 seconds for a connection and is
/// then refused as `StoreError::Unavailable`, rather than hanging while the pool is exhausted.
fn pool_options<DB: sqlx::Database>(max_connections: u32) -> PoolOptions<DB> {
    PoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(5))
}

/// The file a `sqlite://` URL names, for what is done to the file itself (a restore copies a backup there).
pub fn sqlite_file(url: &str) -> Result<std::path::PathBuf, StoreError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|error| StoreError::Configuration(format!("the SQLite URL '{url}' is not usable: {error}")))?;
    Ok(options.get_filename().to_owned())
}

/// Now, to the microsecond: PostgreSQL's precision, so that a time reads back as it was written on both backends.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6)
}

//! Fresh, migrated databases for tests, on both backends.
//!
//! SQLite: a new file in a temporary folder, removed when the `TestDatabase` drops. PostgreSQL: a new database
//! on the server named by `INBEELD_TEST_POSTGRES_URL` (default: the development machines' local server,
//! `postgres://postgres@127.0.0.1:5432/postgres`). Databases that earlier runs left behind are removed once they
//! are an hour old, so a crashed run cleans up after itself on the next.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::{Backend, Store, StoreError};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Keeps a test database alive; hold it for as long as the store is used.
pub struct TestDatabase {
    pub url: String,
    _folder: Option<tempfile::TempDir>,
}

pub async fn fresh(backend: Backend) -> Result<(Store, TestDatabase), StoreError> {
    let database = empty(backend).await?;
    let store = Store::connect(&database.url).await?;
    store.migrate().await?;
    Ok((store, database))
}

/// A new database without any schema, not connected to: what a restore goes into.
pub async fn empty(backend: Backend) -> Result<TestDatabase, StoreError> {
    Ok(match backend {
        Backend::Sqlite => {
            let folder = tempfile::tempdir().map_err(|e| StoreError::Configuration(format!("no temporary folder: {e}")))?;
            let url = format!("sqlite://{}", folder.path().join("test.sqlite").display());
            TestDatabase { url, _folder: Some(folder) }
        }
        Backend::Postgres => TestDatabase { url: fresh_postgres_database().await?, _folder: None },
    })
}

fn postgres_server_url() -> String {
    std::env::var("INBEELD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

async fn fresh_postgres_database() -> Result<String, StoreError> {
    let server = postgres_server_url();
    let mut admin = PgConnection::connect(&server).await.map_err(|error| {
        StoreError::Unavailable(format!(
            "the PostgreSQL tests need a server at {server} (set INBEELD_TEST_POSTGRES_URL to use another): {error}"
        ))
    })?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let stale: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'inbeeld\\_test\\_%'").fetch_all(&mut admin).await?;
    for name in stale {
        let created = name.split('_').nth(2).and_then(|stamp| stamp.parse::<u64>().ok()).unwrap_or(now);
        if now.saturating_sub(created) > 3600 {
            // Only names this module made (checked above) reach this statement.
            let drop = format!("DROP DATABASE IF EXISTS \"{name}\"");
            sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&mut admin).await?;
        }
    }
    let name = format!("inbeeld_test_{now}_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut admin).await?;
    admin.close().await?;
    let (base, _) = server.rsplit_once('/').unwrap_or((&server, ""));
    Ok(format!("{base}/{name}"))
}

/// Declares a test that runs once per backend: `both_backends!(name, async |store| { ... })` makes
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $test:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let (store, _database) = $crate::testing::fresh($crate::Backend::Sqlite).await.expect("a fresh SQLite database");
                ($test)(store).await;
            }

            #[tokio::test]
            async fn postgres() {
                let (store, _database) = $crate::testing::fresh($crate::Backend::Postgres).await.expect("a fresh PostgreSQL database");
                ($test)(store).await;
            }
        }
    };
}

impl Store {
    /// Runs a raw statement, for tests that prove the database itself refuses something (the append-only audit
    /// log). Not for anything else: application code goes through the typed methods.
    pub async fn execute_unchecked_for_tests(&self, statement: &'static str) -> Result<u64, StoreError> {
        Ok(crate::connect::with_pool!(self, |pool| sqlx::query(statement).execute(pool).await.map(|r| r.rows_affected()))?)
    }
}

/// The author of changes that tests make: the command line, as user "test".
pub fn author() -> domain::audit::Author {
    domain::audit::Author::new(domain::audit::Actor::CommandLine { os_user: "test".into() }, domain::audit::Origin::default())
}

/// Every row of a table as text (a JSON array or object per row), sorted: what a test compares between two
/// databases of the same backend, such as a backup and its restore.
pub async fn rows_as_text(store: &Store, table: &str) -> Result<Vec<String>, StoreError> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let rows = match &store.pool {
        crate::connect::Pool::Sqlite(pool) => {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid").bind(table).fetch_all(pool).await?;
            let values = columns.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(", ");
            let select = format!("SELECT json_array({values}) FROM {quoted} ORDER BY 1");
            sqlx::query_scalar(sqlx::AssertSqlSafe(select)).fetch_all(pool).await?
        }
        crate::connect::Pool::Postgres(pool) => {
            let select = format!("SELECT row_to_json(t)::TEXT FROM {quoted} t ORDER BY 1");
            sqlx::query_scalar(sqlx::AssertSqlSafe(select)).fetch_all(pool).await?
        }
    };
    Ok(rows)
}

//! What a backup needs of the database itself: an online copy of a SQLite database, and the tables with their row
//! counts, to say what a backup or restore holds. A PostgreSQL database is backed up with its own tools
//! (`pg_dump`/`pg_restore`), which the command line runs.

use std::path::Path;

use crate::connect::{Pool, with_pool};
use crate::{Store, StoreError};

impl Store {
    /// Writes a consistent copy of a SQLite database to `path` while others read and write it (`VACUUM INTO`:
    /// one read transaction, so the copy is the database as it was at one moment). `path` must not exist.
    pub async fn copy_sqlite_into(&self, path: &Path) -> Result<(), StoreError> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(StoreError::Configuration("an online copy is made of a SQLite database only; use pg_dump for PostgreSQL".into()));
        };
        let target = path.to_str().ok_or_else(|| StoreError::Configuration(format!("{} is not a usable file name", path.display())))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
        Ok(())
    }

    /// Every table of the schema (less sqlx's bookkeeping and the search index's own tables) with its number of
    /// rows, sorted by name.
    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut counts = Vec::new();
        for table in self.tables().await? {
            // The name comes from the database's own catalogue, quoted as an identifier.
            let count = format!("SELECT COUNT(*) FROM \"{}\"", table.replace('"', "\"\""));
            let rows: i64 = with_pool!(self, |pool| sqlx::query_scalar(sqlx::AssertSqlSafe(count)).fetch_one(pool).await)?;
            counts.push((table, rows));
        }
        Ok(counts)
    }

    /// The names of the schema's ordinary tables, sorted.
    pub async fn tables(&self) -> Result<Vec<String>, StoreError> {
        const SQLITE: &str = "SELECT t.name FROM pragma_table_list t
            WHERE t.schema = 'main' AND t.type = 'table'
              AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND t.name <> '_sqlx_migrations' ORDER BY 1";
        const POSTGRES: &str = "SELECT table_name::TEXT FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1";
        let tables = match &self.pool {
            Pool::Sqlite(pool) => sqlx::query_scalar(SQLITE).fetch_all(pool).await?,
            Pool::Postgres(pool) => sqlx::query_scalar(POSTGRES).fetch_all(pool).await?,
        };
        Ok(tables)
    }
}

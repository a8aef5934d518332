//! `inbeeld backup` and `inbeeld restore`. SQLite is copied online with `VACUUM INTO` (the database as it was at
//! one moment, while the server goes on); PostgreSQL is dumped and restored with its own `pg_dump` and
//! `pg_restore` (custom format), which take the same kind of snapshot. A restore goes into an empty database only,
//! and brings an older backup to the current schema afterwards.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use store::{Backend, Store};

/// What a backup file is, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BackupKind {
    Sqlite,
    PostgresDump,
}

impl BackupKind {
    fn of(file: &Path) -> anyhow::Result<Self> {
        let mut start = [0u8; 16];
        let read = std::fs::File::open(file)
            .and_then(|mut f| f.read(&mut start))
            .with_context(|| format!("cannot read the backup {}", file.display()))?;
        match &start[..read] {
            head if head.starts_with(b"SQLite format 3\0") => Ok(BackupKind::Sqlite),
            head if head.starts_with(b"PGDMP") => Ok(BackupKind::PostgresDump),
            _ => bail!("{} is not a backup made by inbeeld backup: neither a SQLite database nor a pg_dump archive", file.display()),
        }
    }

    fn backend(self) -> Backend {
        match self {
            BackupKind::Sqlite => Backend::Sqlite,
            BackupKind::PostgresDump => Backend::Postgres,
        }
    }
}

pub async fn backup(store: &Store, url: &str, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} exists already; a backup never overwrites a file, so give a new name", out.display());
    }
    // Written under another name and renamed when whole, so a file with the given name is always a whole backup.
    let partial = with_suffix(out, ".partial");
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    let written = match store.backend() {
        Backend::Sqlite => store.copy_sqlite_into(&partial).await.map_err(anyhow::Error::from),
        Backend::Postgres => {
            let arguments = ["--format=custom", "--no-owner", "--no-privileges", "--file", path_text(&partial)?, "--dbname", url];
            run_tool("pg_dump", &arguments).await
        }
    };
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(error.context(format!("the backup to {} failed; nothing was written", out.display())));
    }
    std::fs::rename(&partial, out).with_context(|| format!("cannot move the backup into place at {}", out.display()))?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!("backup: {} ({}, {} bytes) in {:.1} s", out.display(), store.backend().name(), bytes, started.elapsed().as_secs_f64());
    Ok(())
}

pub async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    let kind = BackupKind::of(file)?;
    let target = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
    if kind.backend() != target {
        bail!(
            "{} is a {} backup and the database is {}: restore it into a {}:// database",
            file.display(),
            kind.backend().name(),
            target.name(),
            kind.backend().name()
        );
    }
    let started = Instant::now();
    let store = match kind {
        BackupKind::Sqlite => {
            let path = store::sqlite_file(url)?;
            refuse_unless_empty(url).await?;
            for leftover in [path.clone(), with_suffix(&path, "-wal"), with_suffix(&path, "-shm")] {
                let _ = std::fs::remove_file(leftover);
            }
            std::fs::copy(file, &path).with_context(|| format!("cannot copy {} to {}", file.display(), path.display()))?;
            super::open(url).await?
        }
        BackupKind::PostgresDump => {
            refuse_unless_empty(url).await?;
            let arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname", url, path_text(file)?];
            run_tool("pg_restore", &arguments).await?;
            super::open(url).await?
        }
    };
    let applied = store.migrate().await?;
    let counts = store.table_counts().await?;
    let rows: i64 = counts.iter().map(|(_, rows)| rows).sum();
    println!(
        "restore: {} tables, {rows} rows from {} in {:.1} s{}",
        counts.len(),
        file.display(),
        started.elapsed().as_secs_f64(),
        if applied.is_empty() { String::new() } else { format!("; brought to the current schema by migrations {applied:?}") }
    );
    Ok(())
}

/// A restore never mixes into data: the target must hold no table yet.
async fn refuse_unless_empty(url: &str) -> anyhow::Result<()> {
    let store = super::open(url).await?;
    let tables = store.tables().await?;
    store.close().await;
    if !tables.is_empty() {
        bail!(
            "the database holds {} tables already; restore into an empty database (a new file, or a new PostgreSQL database)",
            tables.len()
        );
    }
    Ok(())
}

/// Runs a PostgreSQL tool to its end; its own message is the error when it fails.
async fn run_tool(tool: &'static str, arguments: &[&str]) -> anyhow::Result<()> {
    let arguments: Vec<String> = arguments.iter().map(|a| (*a).to_owned()).collect();
    let output = tokio::task::spawn_blocking(move || Command::new(tool).args(&arguments).output())
        .await?
        .with_context(|| format!("cannot run {tool}: install PostgreSQL's client tools (Debian: postgresql-client)"))?;
    if !output.status.success() {
        bail!("{tool} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn path_text(path: &Path) -> anyhow::Result<&str> {
    path.to_str().with_context(|| format!("{} is not a usable file name", path.display()))
}

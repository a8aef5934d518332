//! `inbeeld backup` while answers are being submitted, and `inbeeld restore` of that backup into an empty
//! database: on both backends, every table of the restore holds only rows the database had, every table nobody
//! wrote to during the backup is whole, and every submission acknowledged before the backup began is there.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use domain::fieldwork::{Edit, Mode, WaveId};
use domain::questionnaire::Answers;
use store::testing::{author, empty, rows_as_text};
use store::{Backend, SaveAnswers, Store};

use crate::cli::inbeeld;

/// The tables the submissions write to while the backup runs.
const WRITTEN_DURING_BACKUP: [&str; 2] = ["responses", "audit_log"];

async fn run(url: &str, args: &[&str]) -> crate::cli::Run {
    let (url, args): (String, Vec<String>) = (url.to_owned(), args.iter().map(|a| (*a).to_owned()).collect());
    tokio::task::spawn_blocking(move || inbeeld(&url, &args.iter().map(String::as_str).collect::<Vec<_>>())).await.unwrap()
}

/// Submits an empty questionnaire for each organisation in turn until told to stop; counts those acknowledged.
fn submit_until_stopped(
    store: Store,
    organisations: Vec<domain::register::OrgCode>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicUsize>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let wave = WaveId::parse("proef").unwrap();
        let current = store.wave(&wave).await.unwrap();
        for organisation in organisations {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let save = SaveAnswers {
                wave: &wave,
                organisation: &organisation,
                questionnaire_id: &current.questionnaire_id,
                questionnaire_version: current.questionnaire_version,
                answers: &Answers::new(),
                mode: &Mode::Online,
                based_on: None,
                edit: Edit::Draft,
                submit: true,
            };
            store.save_answers(&save, &author()).await.unwrap();
            acknowledged.fetch_add(1, Ordering::SeqCst);
        }
    })
}

async fn backup_during_submissions_restores(backend: Backend) {
    let source = empty(backend).await.unwrap();
    assert!(run(&source.url, &["demo"]).await.ok);
    let create =
        ["wave", "create", "--id", "proef", "--title", "Proef", "--catalogue", "nup-2008", "--questionnaire", "eerste-meting-2010"];
    assert!(run(&source.url, &[&create[..], &["--opens", "2026-10-01", "--closes", "2027-03-31"]].concat()).await.ok);
    assert!(run(&source.url, &["wave", "open", "proef"]).await.ok);

    let store = Store::connect(&source.url).await.unwrap();
    let organisations: Vec<_> =
        store.progress(&WaveId::parse("eerste-meting").unwrap()).await.unwrap().into_iter().map(|p| p.organisation).collect();
    let (stop, acknowledged) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer = submit_until_stopped(store.clone(), organisations, stop.clone(), acknowledged.clone());
    while acknowledged.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let before_backup = acknowledged.load(Ordering::SeqCst);
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("inbeeld.backup");
    let file_text = file.to_str().unwrap();
    let backup = run(&source.url, &["backup", "--out", file_text]).await;
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert!(
        backup.ok && backup.stdout.starts_with(&format!("backup: {file_text} ({}, ", backend.name())),
        "{}{}",
        backup.stdout,
        backup.stderr
    );
    let again = run(&source.url, &["backup", "--out", file_text]).await;
    assert!(!again.ok && again.stderr.contains("exists already; a backup never overwrites a file"), "{}", again.stderr);

    let target = empty(backend).await.unwrap();
    let restore = run(&target.url, &["restore", file_text]).await;
    assert!(restore.ok && restore.stdout.starts_with("restore: "), "{}{}", restore.stdout, restore.stderr);
    let into_full = run(&target.url, &["restore", file_text]).await;
    assert!(!into_full.ok && into_full.stderr.contains("restore into an empty database"), "{}", into_full.stderr);

    let restored = Store::connect(&target.url).await.unwrap();
    let tables = store.tables().await.unwrap();
    assert_eq!(restored.tables().await.unwrap(), tables);
    assert!(tables.len() > 20 && tables.iter().any(|t| t == "responses"), "{tables:?}");
    for table in &tables {
        let had: BTreeSet<String> = rows_as_text(&store, table).await.unwrap().into_iter().collect();
        let kept: BTreeSet<String> = rows_as_text(&restored, table).await.unwrap().into_iter().collect();
        assert!(kept.is_subset(&had), "{table}: the restore holds rows the database never had");
        if !WRITTEN_DURING_BACKUP.contains(&table.as_str()) {
            assert_eq!(kept, had, "{table} is whole");
        }
    }
    let submitted = restored.progress(&WaveId::parse("proef").unwrap()).await.unwrap().len();
    assert!(submitted >= before_backup, "{submitted} submissions restored, {before_backup} were acknowledged before the backup");
    assert_eq!(restored.health().await.unwrap().schema_version, store.health().await.unwrap().schema_version);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sqlite_backup_made_during_submissions_restores_whole() {
    backup_during_submissions_restores(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_postgres_backup_made_during_submissions_restores_whole() {
    backup_during_submissions_restores(Backend::Postgres).await;
}

#[tokio::test]
async fn a_backup_goes_back_into_its_own_kind_of_database_only() {
    let source = empty(Backend::Sqlite).await.unwrap();
    assert!(run(&source.url, &["migrate"]).await.ok);
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("klein.backup");
    assert!(run(&source.url, &["backup", "--out", file.to_str().unwrap()]).await.ok);
    let postgres = empty(Backend::Postgres).await.unwrap();
    let refused = run(&postgres.url, &["restore", file.to_str().unwrap()]).await;
    assert!(!refused.ok && refused.stderr.contains("is a sqlite backup and the database is postgres"), "{}", refused.stderr);
    let not_a_backup = folder.path().join("notities.txt");
    std::fs::write(&not_a_backup, "geen back-up").unwrap();
    let refused = run(&source.url, &["restore", not_a_backup.to_str().unwrap()]).await;
    assert!(!refused.ok && refused.stderr.contains("is not a backup made by inbeeld backup"), "{}", refused.stderr);
}

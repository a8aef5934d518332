//! The command line as a user runs it: the real binary, real files, a real database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use store::Backend;
use store::testing::{TestDatabase, fresh};

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn inbeeld(database: &str, args: &[&str]) -> Run {
    inbeeld_with(database, &[], args)
}

/// Runs the binary with extra environment variables, such as a password.
fn inbeeld_with(database: &str, environment: &[(&str, &str)], args: &[&str]) -> Run {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_inbeeld"))
        .args(args)
        .env("DATABASE_URL", database)
        .env("INBEELD_LOG", "warn")
        .envs(environment.iter().copied())
        .output()
        .expect("the binary runs");
    let run =
        Run { ok: status.success(), stdout: String::from_utf8_lossy(&stdout).into(), stderr: String::from_utf8_lossy(&stderr).into() };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn repository_file(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).display().to_string()
}

/// A fresh SQLite database file, and a folder for files the test writes.
fn workspace() -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("cli.sqlite").display());
    (folder, url)
}

fn write(folder: &Path, name: &str, text: &str) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const SMALL_REGISTER: &str = "code,name,province_code,valid_from,valid_to,successors
PV27,Noord-Holland,,2011-01-01,,
GM0363,Amsterdam,PV27,2011-01-01,,
GM0457,Weesp,PV27,2011-01-01,2022-03-24,GM0363
";

#[test]
fn help_lists_every_command_and_each_has_its_own() {
    let (_folder, db) = workspace();
    let help = inbeeld(&db, &["--help"]);
    assert!(help.ok);
    for command in ["serve", "demo", "migrate", "import", "export", "user", "invite"] {
        assert!(help.stdout.contains(command), "{command} in --help");
        assert!(inbeeld(&db, &[command, "--help"]).ok, "{command} --help");
    }
    for sub in [["import", "register"], ["import", "population"], ["import", "catalogue"], ["export", "register"], ["export", "catalogue"]]
    {
        let run = inbeeld(&db, &[sub[0], sub[1], "--help"]);
        assert!(run.ok && run.stdout.contains("Usage:"), "{sub:?}");
    }
    let serve = inbeeld(&db, &["serve", "--help"]);
    assert!(serve.stdout.contains("INBEELD_ADDR") && serve.stdout.contains("--demo"));
    assert!(help.stdout.contains("DATABASE_URL"));
}

#[test]
fn a_register_imports_once_and_a_reimport_changes_nothing() {
    let (folder, db) = workspace();
    let file = write(folder.path(), "register.csv", SMALL_REGISTER);
    let first = inbeeld(&db, &["import", "register", file.to_str().unwrap()]);
    assert!(first.ok, "{}", first.stderr);
    assert!(first.stdout.contains("register: 3 added, 0 updated, 0 unchanged"), "{}", first.stdout);
    let again = inbeeld(&db, &["import", "register", file.to_str().unwrap()]);
    assert!(again.stdout.contains("register: 0 added, 0 updated, 3 unchanged"), "{}", again.stdout);
}

#[test]
fn bad_rows_are_named_and_nothing_is_imported() {
    let (folder, db) = workspace();
    let text = format!("{SMALL_REGISTER}GM0003,Appingedam,PV20,2011-13-01,,\nGM0005,Bedum,PV20,2011-01-01,2019-01-01,GM1966\n");
    let file = write(folder.path(), "bad.csv", &text);
    let run = inbeeld(&db, &["import", "register", file.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(run.stderr.contains("row 5, column valid_from: '2011-13-01' is not a date in the form YYYY-MM-DD"), "{}", run.stderr);
    assert!(run.stderr.contains("row 6, column successors: GM1966 is neither in this file nor in the register"), "{}", run.stderr);
    assert!(run.stderr.contains("2 row(s) are invalid, so nothing was imported"), "{}", run.stderr);
    let export = inbeeld(&db, &["export", "register"]);
    assert_eq!(export.stdout.lines().count(), 1, "only the header: nothing was stored");

    let skipped = inbeeld(&db, &["import", "register", "--skip-invalid", file.to_str().unwrap()]);
    assert!(skipped.ok, "{}", skipped.stderr);
    assert!(skipped.stderr.contains("skipping 2 invalid row(s)"), "{}", skipped.stderr);
    assert!(skipped.stdout.contains("3 added"), "{}", skipped.stdout);
}

#[test]
fn a_missing_column_and_an_unreadable_file_are_explained() {
    let (folder, db) = workspace();
    let file = write(folder.path(), "header.csv", "code,naam,valid_from\nGM0363,Amsterdam,2011-01-01\n");
    let run = inbeeld(&db, &["import", "register", file.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(run.stderr.contains("row 1, column naam: unknown column"), "{}", run.stderr);
    assert!(run.stderr.contains("row 1, column name: this required column is missing"), "{}", run.stderr);
    let missing = inbeeld(&db, &["import", "register", "/nonexistent/register.csv"]);
    assert!(!missing.ok && missing.stderr.contains("cannot read /nonexistent/register.csv"), "{}", missing.stderr);
    let bad_url = inbeeld("mysql://localhost/x", &["migrate"]);
    assert!(!bad_url.ok && bad_url.stderr.contains("must start with sqlite:// or postgres://"), "{}", bad_url.stderr);
}

#[test]
fn the_shipped_register_exports_and_imports_back_identically() {
    let (folder, db) = workspace();
    let shipped = repository_file("data/register/register.csv");
    assert!(inbeeld(&db, &["import", "register", &shipped]).stdout.contains("457 added"));
    let exported = folder.path().join("export.csv");
    assert!(inbeeld(&db, &["export", "register", "--output", exported.to_str().unwrap()]).ok);
    let other = format!("sqlite://{}", folder.path().join("other.sqlite").display());
    assert!(inbeeld(&other, &["import", "register", exported.to_str().unwrap()]).stdout.contains("457 added"));
    let again = inbeeld(&other, &["export", "register"]);
    assert_eq!(again.stdout, std::fs::read_to_string(&exported).unwrap());
    let on_2011 = inbeeld(&db, &["export", "register", "--date", "2011-01-01", "--format", "json"]);
    let organisations: serde_json::Value = serde_json::from_str(&on_2011.stdout).unwrap();
    assert_eq!(organisations.as_array().unwrap().len(), 418 + 12);
}

#[test]
fn population_rows_for_unknown_codes_are_refused() {
    let (folder, db) = workspace();
    let register = write(folder.path(), "register.csv", SMALL_REGISTER);
    inbeeld(&db, &["import", "register", register.to_str().unwrap()]);
    let file =
        write(folder.path(), "population.csv", "cbs_code,population,reference_date\nGM0363,918117,2023-01-01\nGM9999,10,2023-01-01\n");
    let refused = inbeeld(&db, &["import", "population", file.to_str().unwrap()]);
    assert!(!refused.ok);
    assert!(refused.stderr.contains("row 3, column cbs_code: GM9999 is not in the register"), "{}", refused.stderr);
    let skipped = inbeeld(&db, &["import", "population", "--skip-invalid", file.to_str().unwrap()]);
    assert!(skipped.ok && skipped.stdout.contains("population: 1 added"), "{}{}", skipped.stdout, skipped.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn population_comes_from_the_cbs_api_page_by_page() {
    let (_folder, db) = workspace();
    let run_blocking = |args: Vec<String>| {
        let db = db.clone();
        tokio::task::spawn_blocking(move || inbeeld(&db, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    assert!(run_blocking(vec!["demo".into()]).await.unwrap().ok);
    let (base, asked) = cbs_stand_in().await;
    let args = ["import", "population", "--from-cbs", "2023", "--cbs-url", &base].map(String::from).to_vec();
    let run = run_blocking(args).await.unwrap();
    assert!(run.ok, "{}", run.stderr);
    let queries = asked.lock().unwrap().clone();
    assert!(queries[0].contains("Perioden eq '2023MM01'"), "{queries:?}");
    assert!(queries[0].contains("BevolkingAanHetBeginVanDePeriode_1"), "{queries:?}");
    assert_eq!(queries[1], "page2", "the next page was followed");
    assert!(run.stderr.contains("1 code(s) are not in the register and were skipped: GM9998"), "{}", run.stderr);
    assert!(run.stderr.contains("without a figure: GM0037"), "{}", run.stderr);
    assert!(
        run.stdout.contains("population: 0 added, 3 updated, 0 unchanged"),
        "same figures as the demo's, now with CBS 37230ned as source: {}",
        run.stdout
    );
    let again = run_blocking(["import", "population", "--from-cbs", "2023", "--cbs-url", &base].map(String::from).to_vec()).await.unwrap();
    assert!(again.stdout.contains("population: 0 added, 0 updated, 3 unchanged"), "{}", again.stdout);

    let down = run_blocking(["import", "population", "--from-cbs", "2023", "--cbs-url", "http://127.0.0.1:9"].map(String::from).to_vec())
        .await
        .unwrap();
    assert!(!down.ok && down.stderr.contains("cannot reach CBS"), "{}", down.stderr);
}

/// Serves the recorded CBS pages on loopback; returns the base URL and the decoded queries it was asked.
async fn cbs_stand_in() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::extract::RawQuery;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let page1 = include_str!("fixtures/cbs_37230ned_page1.json").replace("{base}", &base);
    let page2 = include_str!("fixtures/cbs_37230ned_page2.json");
    let (first, second) = (asked.clone(), asked.clone());
    let app = axum::Router::new()
        .route(
            "/37230ned/TypedDataSet",
            axum::routing::get(move |RawQuery(query): RawQuery| async move {
                let url = reqwest::Url::parse(&format!("http://cbs.invalid/?{}", query.unwrap_or_default())).unwrap();
                first.lock().unwrap().push(url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
                page1
            }),
        )
        .route(
            "/37230ned/TypedDataSet/page2",
            axum::routing::get(move || async move {
                second.lock().unwrap().push("page2".into());
                page2
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, asked)
}

#[test]
fn catalogue_errors_name_file_line_and_field() {
    let (folder, db) = workspace();
    let shipped = std::fs::read_to_string(repository_file("data/catalogues/inup-2011.toml")).unwrap();
    let broken = shipped.replacen("group = \"", "group = \"onbekend-", 1);
    let file = write(folder.path(), "broken.toml", &broken);
    let run = inbeeld(&db, &["import", "catalogue", file.to_str().unwrap()]);
    assert!(!run.ok);
    let line = broken.lines().position(|l| l.contains("onbekend-")).unwrap() + 1;
    let expected = format!("{}, line {line}, field blocks[0].group: group 'onbekend-", file.display());
    assert!(run.stderr.contains(&expected), "expected {expected}\n{}", run.stderr);
    assert!(run.stderr.contains("was not imported"));

    let good = repository_file("data/catalogues/inup-2011.toml");
    assert!(inbeeld(&db, &["import", "catalogue", &good]).stdout.contains("catalogue inup-2011 version 2011 (24 blocks): 1 added"));
    assert!(inbeeld(&db, &["import", "catalogue", &good]).stdout.contains("0 added, 0 updated, 1 unchanged"));
    let exported = inbeeld(&db, &["export", "catalogue", "inup-2011"]);
    let round_trip = write(folder.path(), "again.toml", &exported.stdout);
    assert!(inbeeld(&db, &["import", "catalogue", round_trip.to_str().unwrap()]).stdout.contains("1 unchanged"));
    assert!(!inbeeld(&db, &["export", "catalogue", "gdi"]).ok);
}

#[test]
fn demo_fills_an_empty_database_once() {
    let (_folder, db) = workspace();
    assert!(inbeeld(&db, &["demo"]).stdout.contains("are loaded"));
    assert!(inbeeld(&db, &["demo"]).stdout.contains("nothing was changed"));
    let export = inbeeld(&db, &["export", "register", "--date", "2026-01-01"]);
    assert_eq!(export.stdout.lines().count(), 1 + 342 + 12);
}

async fn migrate_twice(database: TestDatabase) {
    let url = database.url.clone();
    let first = tokio::task::spawn_blocking(move || inbeeld(&url, &["migrate"])).await.unwrap();
    assert!(first.ok && first.stdout.contains("already at the current schema"), "fresh() migrated already: {}", first.stdout);
    let url = database.url.clone();
    let shipped = repository_file("data/register/register.csv");
    let import = tokio::task::spawn_blocking(move || inbeeld(&url, &["import", "register", &shipped])).await.unwrap();
    assert!(import.stdout.contains("457 added"), "{}", import.stderr);
}

#[tokio::test]
async fn migrate_and_import_work_on_postgres_too() {
    let (_store, database) = fresh(Backend::Postgres).await.unwrap();
    migrate_twice(database).await;
}

#[test]
fn migrate_applies_the_schema_once() {
    let (_folder, db) = workspace();
    let first = inbeeld(&db, &["migrate"]);
    assert!(first.ok && first.stdout.contains("applied 1"), "{}", first.stdout);
    assert!(inbeeld(&db, &["migrate"]).stdout.contains("already at the current schema"));
}

fn inbeeld_with_password(database: &str, password: &str, args: &[&str]) -> Run {
    inbeeld_with(database, &[("INBEELD_PASSWORD", password)], args)
}

#[test]
fn accounts_are_managed_from_the_command_line() {
    let (_folder, db) = workspace();
    assert!(inbeeld(&db, &["user", "list"]).stdout.contains("make the first admin with"));
    let add =
        inbeeld_with_password(&db, "een lange zin als wachtwoord", &["user", "add", "--email", "Beheer@Instituut.nl", "--role", "admin"]);
    assert!(add.ok, "{}", add.stderr);
    assert!(add.stdout.contains("added beheer@instituut.nl as admin"));

    let twice =
        inbeeld_with_password(&db, "een lange zin als wachtwoord", &["user", "add", "--email", "beheer@instituut.nl", "--role", "analyst"]);
    assert!(!twice.ok && twice.stderr.contains("there is an account for beheer@instituut.nl already"), "{}", twice.stderr);

    let short = inbeeld_with_password(&db, "kort", &["user", "add", "--email", "a@instituut.nl", "--role", "analyst"]);
    assert!(!short.ok && short.stderr.contains("too short: use at least 12 characters"), "{}", short.stderr);

    let no_organisation =
        inbeeld_with_password(&db, "een lange zin als wachtwoord", &["user", "add", "--email", "r@gemeente.nl", "--role", "respondent"]);
    assert!(!no_organisation.ok && no_organisation.stderr.contains("--organisation"), "{}", no_organisation.stderr);
    let unknown = inbeeld_with_password(
        &db,
        "een lange zin als wachtwoord",
        &["user", "add", "--email", "r@gemeente.nl", "--role", "respondent", "--organisation", "GM0363"],
    );
    assert!(!unknown.ok && unknown.stderr.contains("GM0363 is not in the register"), "{}", unknown.stderr);
    assert!(inbeeld(&db, &["demo"]).ok);
    let respondent = inbeeld_with_password(
        &db,
        "een lange zin als wachtwoord",
        &["user", "add", "--email", "r@gemeente.nl", "--role", "respondent", "--organisation", "GM0363"],
    );
    assert!(respondent.ok, "{}", respondent.stderr);

    let no_password = inbeeld(&db, &["user", "reset-password", "--email", "r@gemeente.nl"]);
    assert!(!no_password.ok && no_password.stderr.contains("run this in a terminal"), "{}", no_password.stderr);
    assert!(inbeeld_with_password(&db, "nog een lange zin hoor", &["user", "reset-password", "--email", "r@gemeente.nl"]).ok);
    assert!(inbeeld(&db, &["user", "disable", "--email", "r@gemeente.nl"]).stdout.contains("r@gemeente.nl is disabled"));
    let nobody = inbeeld(&db, &["user", "disable", "--email", "niemand@gemeente.nl"]);
    assert!(!nobody.ok && nobody.stderr.contains("there is no account for niemand@gemeente.nl"), "{}", nobody.stderr);

    let list = inbeeld(&db, &["user", "list"]).stdout;
    assert!(list.contains("beheer@instituut.nl\tadmin\t-\tactive"), "{list}");
    assert!(list.contains("r@gemeente.nl\trespondent\tGM0363\tdisabled"), "{list}");
    assert!(!list.contains("argon2"), "hashes are never shown");
}

#[test]
fn an_invitation_link_is_printed_once_and_only_its_hash_is_kept() {
    let (folder, db) = workspace();
    assert!(inbeeld(&db, &["demo"]).ok);
    let run = inbeeld(&db, &["invite", "--organisation", "GM0363", "--public-url", "https://inbeeld.example/"]);
    assert!(run.ok, "{}", run.stderr);
    let link = run.stdout.trim();
    let token = link.strip_prefix("https://inbeeld.example/uitnodiging/").expect("a link on the public address");
    assert_eq!(token.len(), 43);
    assert!(run.stderr.contains("invitation for Amsterdam (GM0363)"), "{}", run.stderr);
    for file in ["cli.sqlite", "cli.sqlite-wal"] {
        let bytes = std::fs::read(folder.path().join(file)).unwrap_or_default();
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()), "the token itself is not stored ({file})");
    }
    let hash = domain::access::hash_token(token);
    let all: Vec<u8> =
        ["cli.sqlite", "cli.sqlite-wal"].iter().flat_map(|f| std::fs::read(folder.path().join(f)).unwrap_or_default()).collect();
    assert!(all.windows(hash.len()).any(|w| w == hash.as_bytes()), "its hash is");
    let province = inbeeld(&db, &["invite", "--organisation", "PV27"]);
    assert!(!province.ok && province.stderr.contains("not a municipality"), "{}", province.stderr);
}

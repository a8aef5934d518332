//! The command line as a user runs it: the real binary, real files, a real database.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use store::Backend;
use store::testing::{TestDatabase, fresh};

pub(crate) struct Run {
    pub(crate) ok: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

pub(crate) fn inbeeld(database: &str, args: &[&str]) -> Run {
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
pub(crate) fn workspace() -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("cli.sqlite").display());
    (folder, url)
}

pub(crate) fn write(folder: &Path, name: &str, text: &str) -> PathBuf {
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
    assert!(serve.stdout.contains("INBEELD_DB_MAX_CONNECTIONS"), "the pool's size is a setting of serve");
    assert!(serve.stdout.contains("INBEELD_METRICS_ADDR"), "metrics are served only when asked for");
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

/// The real binary, on a database where the account has live sessions: a reset and a disable end them at once.
#[tokio::test]
async fn reset_password_and_disable_end_the_accounts_sessions() {
    let (_folder, db) = workspace();
    let password = "een lange zin als wachtwoord";
    assert!(inbeeld_with_password(&db, password, &["user", "add", "--email", "beheer@instituut.nl", "--role", "admin"]).ok);
    assert!(inbeeld_with_password(&db, password, &["user", "add", "--email", "a@instituut.nl", "--role", "analyst"]).ok);
    let store = store::Store::connect(&db).await.unwrap();
    let email = domain::account::Email::parse("a@instituut.nl").unwrap();
    let user = store.user_with_hash(&email).await.unwrap().0;
    store.start_session("sessie-1", &domain::access::SessionState::SignedIn(domain::access::Principal::User(user.clone()))).await.unwrap();
    let reset = inbeeld_with_password(&db, "nog een lange zin hoor", &["user", "reset-password", "--email", "a@instituut.nl"]);
    assert!(reset.ok && reset.stdout.contains("every session of the account has ended"), "{}", reset.stderr);
    assert_eq!(store.session("sessie-1").await.unwrap(), None, "the reset ended the open session");

    store.start_session("sessie-2", &domain::access::SessionState::SignedIn(domain::access::Principal::User(user))).await.unwrap();
    assert!(inbeeld(&db, &["user", "disable", "--email", "a@instituut.nl"]).ok);
    store.set_disabled(&email, false, &store::testing::author()).await.unwrap();
    assert_eq!(store.session("sessie-2").await.unwrap(), None, "ended, not merely refused while disabled");

    let last = inbeeld(&db, &["user", "disable", "--email", "beheer@instituut.nl"]);
    assert!(!last.ok && last.stderr.contains("the last active admin"), "{}", last.stderr);
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

#[test]
fn questionnaire_check_passes_the_shipped_questionnaire_without_a_database() {
    let (folder, db) = workspace();
    let shipped = repository_file("data/questionnaires/eerste-meting-2010.toml");
    let run = inbeeld(&db, &["questionnaire", "check", &shipped]);
    assert!(run.ok, "{}", run.stderr);
    let expected = format!(
        "{shipped}: questionnaire eerste-meting-2010 version 1 is valid: 5 pages, 16 questions, block matrix over catalogue nup-2008."
    );
    assert_eq!(run.stdout.trim(), expected);
    assert!(!folder.path().join("cli.sqlite").exists(), "checking a file must not create the database");

    let catalogue = repository_file("data/catalogues/nup-2008.toml");
    let run = inbeeld(&db, &["questionnaire", "check", &shipped, "--catalogue", &catalogue]);
    assert!(run.ok && run.stdout.contains(&format!("checked against {catalogue} (18 blocks).")), "{}{}", run.stdout, run.stderr);
    let other = repository_file("data/catalogues/inup-2011.toml");
    let run = inbeeld(&db, &["questionnaire", "check", &shipped, "--catalogue", &other]);
    assert!(!run.ok);
    assert!(run.stderr.contains("is written for catalogue nup-2008, not for catalogue inup-2011"), "{}", run.stderr);
    assert!(inbeeld(&db, &["questionnaire", "check", "--help"]).stdout.contains("Usage:"));
}

#[test]
fn questionnaire_check_names_every_problem_with_line_and_field() {
    let (folder, db) = workspace();
    let shipped = std::fs::read_to_string(repository_file("data/questionnaires/eerste-meting-2010.toml")).unwrap();
    let broken = shipped
        .replacen(
            "show_if = { question = \"collaborates\", equals = \"ja\" }",
            "show_if = { question = \"collaborate\", equals = \"ja\" }",
            1,
        )
        .replacen("name = \"contact_role\"", "name = \"contact_name\"", 1);
    let file = write(folder.path(), "broken.toml", &broken);
    let run = inbeeld(&db, &["questionnaire", "check", file.to_str().unwrap()]);
    assert!(!run.ok);
    let line_of = |text: &str| broken.lines().position(|l| l.contains(text)).unwrap() + 1;
    let condition = format!(
        "{}, line {}, field pages[3].questions[1].show_if.question: question 'collaborate' is not in this questionnaire",
        file.display(),
        line_of("question = \"collaborate\"")
    );
    let first_name = line_of("name = \"contact_name\"");
    let second_name = broken.lines().enumerate().filter(|(_, l)| l.contains("name = \"contact_name\"")).nth(1).unwrap().0 + 1;
    let duplicate = format!(
        "{}, line {second_name}, field pages[4].questions[1].name: question 'contact_name' is defined twice (first on line {first_name})",
        file.display()
    );
    for expected in [&condition, &duplicate] {
        assert!(run.stderr.contains(expected.as_str()), "expected {expected}\n{}", run.stderr);
    }
    assert!(run.stderr.contains("2 problem(s), so the questionnaire is not valid"), "{}", run.stderr);
    assert!(!folder.path().join("cli.sqlite").exists());

    let missing = folder.path().join("missing.toml");
    let run = inbeeld(&db, &["questionnaire", "check", missing.to_str().unwrap()]);
    assert!(!run.ok && run.stderr.contains(&format!("cannot read {}", missing.display())), "{}", run.stderr);
}

#[tokio::test]
async fn demo_stores_two_published_simulated_waves_the_first_with_about_380_submitted_responses() {
    let (_folder, db) = workspace();
    let url = db.clone();
    let demo = tokio::task::spawn_blocking(move || inbeeld(&url, &["demo"])).await.unwrap();
    assert!(demo.ok && demo.stdout.contains("two simulated, published waves"), "{}{}", demo.stdout, demo.stderr);
    let url = db.clone();
    let list = tokio::task::spawn_blocking(move || inbeeld(&url, &["wave", "list"])).await.unwrap().stdout;
    assert!(list.contains("eerste-meting\tpublished\t2010-10-01 to 2011-03-31\tnup-2008@2008\teerste-meting-2010 v1\t"), "{list}");
    assert!(list.contains("vervolgmeting\tpublished\t2025-10-01 to 2026-03-31\tnup-2008@2008\teerste-meting-2010 v1\t"), "{list}");
    assert!(list.lines().any(|line| line.starts_with("eerste-meting\t") && line.ends_with("\tsimulated")), "{list}");

    let store = store::Store::connect(&db).await.unwrap();
    let wave = domain::fieldwork::WaveId::parse("eerste-meting").unwrap();
    let progress = store.progress(&wave).await.unwrap();
    let submitted = progress.iter().filter(|p| p.state == domain::fieldwork::ResponseState::Submitted).count();
    assert_eq!(submitted, progress.len(), "every simulated response is submitted");
    assert!((370..=390).contains(&submitted), "{submitted} responses");
    let interviews = progress.iter().filter(|p| p.mode == "interview").count();
    assert!(interviews * 100 / submitted >= 8 && interviews * 100 / submitted <= 22, "{interviews} interviews");
    let amsterdam = store.response(&wave, &domain::register::OrgCode::parse("GM0363").unwrap()).await.unwrap();
    if let Some(response) = amsterdam {
        assert!(response.answers.contains_key("blocks") && response.answers.contains_key("leading_theme"));
    }
    // The regional ICT partnerships of the newest wave, clustered (see domain::demo::demo_collaborations), and
    // the answers for which no cluster formed, left for the review page.
    let collaborations = store.collaborations().await.unwrap();
    assert_eq!(collaborations.len(), 9);
    assert!(
        collaborations.iter().all(|c| c.simulated && c.name.starts_with("ICT-samenwerking regio ") && (3..=8).contains(&c.members.len()))
    );
    let to_review = store.answers_to_review().await.unwrap();
    assert_eq!(to_review.len(), 12);
    assert!(to_review.iter().all(|a| a.wave.as_str() == "vervolgmeting"));
    store.close().await;
}

/// A database with the register, the NUP 2008 catalogue, the shipped questionnaire, an older wave and an open
/// wave `export-meting` holding three responses: submitted online, a draft from an interview, and an empty one.
fn wave_with_responses(db: &str) {
    for (what, file) in [
        ("register", "data/register/register.csv"),
        ("catalogue", "data/catalogues/nup-2008.toml"),
        ("questionnaire", "data/questionnaires/eerste-meting-2010.toml"),
    ] {
        let run = inbeeld(db, &["import", what, &repository_file(file)]);
        assert!(run.ok, "import {what}: {}", run.stderr);
    }
    for (id, opens, closes) in [("oude-meting", "2009-10-01", "2010-03-31"), ("export-meting", "2010-10-01", "2011-03-31")] {
        let args = ["wave", "create", "--id", id, "--title", "Meting", "--catalogue", "nup-2008"];
        let run = inbeeld(db, &[&args[..], &["--questionnaire", "eerste-meting-2010", "--opens", opens, "--closes", closes]].concat());
        assert!(run.ok, "{}", run.stderr);
        assert!(inbeeld(db, &["wave", "open", id]).ok);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use domain::fieldwork::{Edit, Mode, WaveId};
        use domain::register::OrgCode;
        let store = store::Store::connect(db).await.unwrap();
        let wave = WaveId::parse("export-meting").unwrap();
        let interview = Mode::Interview { date: "2010-11-15".parse().unwrap(), interviewees: "J. Jansen (e-coördinator)".into() };
        let given = [
            (
                "GM0363",
                r#"{"leading_theme": "dienstverlening", "collaboration_areas": ["techniek"], "ict_staff": 12, "satisfaction": 4,
                    "support_remarks": "=HYPERLINK(\"http://x\")", "contact_name": "@Jansen",
                    "blocks": {"digid": {"status": "in_use", "support_needed": true, "support_forms": ["knowledge_base"]}}}"#,
                Mode::Online,
                true,
            ),
            ("GM0344", r#"{"leading_theme": "bedrijfsvoering", "ict_staff": "1.250"}"#, interview, false),
            ("GM0518", "{}", Mode::Online, true),
        ];
        for (organisation, json, mode, submit) in given {
            let answers: domain::questionnaire::Answers = serde_json::from_str(json).unwrap();
            let save = store::SaveAnswers {
                wave: &wave,
                organisation: &OrgCode::parse(organisation).unwrap(),
                questionnaire_id: "eerste-meting-2010",
                questionnaire_version: 1,
                answers: &answers,
                mode: &mode,
                based_on: None,
                edit: Edit::Draft,
                submit,
            };
            store.save_answers(&save, &store::testing::author()).await.unwrap();
        }
        store.close().await;
    });
}

/// The cell of `column` in the row of `organisation`, from CSV without commas inside cells.
fn csv_cell(text: &str, organisation: &str, column: &str) -> String {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let index = header.iter().position(|name| *name == column).unwrap_or_else(|| panic!("no column {column}"));
    let row = lines.find(|line| line.split(',').nth(1) == Some(organisation)).unwrap_or_else(|| panic!("no row for {organisation}"));
    let cell = row.split(',').nth(index).unwrap();
    cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')).map_or(cell.to_owned(), |c| c.replace("\"\"", "\""))
}

#[test]
fn responses_export_as_csv_with_its_codebook_beside_it() {
    let (folder, db) = workspace();
    wave_with_responses(&db);
    let out = folder.path().join("antwoorden.csv");
    let run = inbeeld(&db, &["export", "responses", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert!(run.ok, "{}", run.stderr);
    let codebook_file = folder.path().join("antwoorden.codebook.csv");
    assert!(run.stdout.contains("3 response(s) of wave export-meting"), "the latest wave by default: {}", run.stdout);
    assert!(run.stdout.contains(&codebook_file.display().to_string()), "{}", run.stdout);

    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "a header and a row per response, the draft included");
    assert!(csv.starts_with(
        "wave,organisation_code,organisation_name,province_code,questionnaire_version,state,mode,interview_date,interviewees,\
         started_at,updated_at,submitted_at,leading_theme,leading_theme_other,blocks.samenwerkende-catalogi.status,\
         blocks.samenwerkende-catalogi.support,blocks.samenwerkende-catalogi.forms.regional_meetings,"
    ));
    assert_eq!(csv_cell(&csv, "GM0363", "support_remarks"), "'=HYPERLINK(\"http://x\")", "a formula is neutralised");
    assert_eq!(csv_cell(&csv, "GM0363", "contact_name"), "'@Jansen");
    assert_eq!(csv_cell(&csv, "GM0363", "organisation_name"), "Amsterdam");
    assert_eq!(csv_cell(&csv, "GM0363", "collaboration_areas.techniek"), "1");
    assert_eq!(csv_cell(&csv, "GM0363", "collaboration_areas.strategie-en-beleid"), "0");
    assert_eq!(csv_cell(&csv, "GM0363", "blocks.digid.forms.knowledge_base"), "1");
    assert_eq!(csv_cell(&csv, "GM0363", "blocks.digid.forms.on_site_help"), "0");
    assert_eq!(csv_cell(&csv, "GM0363", "ict_staff"), "12");
    assert_eq!(csv_cell(&csv, "GM0344", "ict_staff"), "1250", "a draft's typed number, read the Dutch way");
    assert_eq!(csv_cell(&csv, "GM0344", "state"), "draft");
    assert_eq!(csv_cell(&csv, "GM0344", "mode"), "interview");
    assert_eq!(csv_cell(&csv, "GM0344", "interview_date"), "2010-11-15");
    assert_eq!(csv_cell(&csv, "GM0518", "organisation_name"), "'s-Gravenhage");
    assert_eq!(csv_cell(&csv, "GM0518", "leading_theme"), "");

    let codebook = std::fs::read_to_string(&codebook_file).unwrap();
    assert!(codebook.starts_with("column,question,type,label_nl,label_en,values,versions\n"), "{codebook}");
    assert_eq!(codebook.lines().count(), 1 + csv.lines().next().unwrap().split(',').count(), "a codebook row per column");
    assert!(codebook.contains("\nleading_theme,leading_theme,single_choice,"), "{codebook}");
    assert!(codebook.contains("dienstverlening=Dienstverlening aan burgers en bedrijven;"));
    let printed = inbeeld(&db, &["export", "codebook", "--wave", "export-meting"]);
    assert!(printed.ok, "{}", printed.stderr);
    assert_eq!(printed.stdout, codebook, "`export codebook` writes the same codebook");

    let to_stdout = inbeeld(&db, &["export", "responses", "--format", "csv", "--wave", "export-meting"]);
    assert!(to_stdout.ok && to_stdout.stdout.lines().count() == 4, "{}", to_stdout.stderr);
    assert!(to_stdout.stderr.contains("3 response(s) of wave export-meting written"), "{}", to_stdout.stderr);
    let older = inbeeld(&db, &["export", "responses", "--format", "csv", "--wave", "oude-meting"]);
    assert_eq!(older.stdout.lines().count(), 1, "a wave without responses has its header");
    let unknown = inbeeld(&db, &["export", "responses", "--format", "csv", "--wave", "geen-meting"]);
    assert!(!unknown.ok && unknown.stderr.contains("there is no wave 'geen-meting'"), "{}", unknown.stderr);
    assert!(!inbeeld(&db, &["export", "responses"]).ok, "--format is required");
}

#[test]
fn responses_export_as_spss_stata_and_r_files_that_read_the_csv_beside_them() {
    let (folder, db) = workspace();
    wave_with_responses(&db);
    let out = folder.path().join("analyse.sps");
    let run = inbeeld(&db, &["export", "responses", "--format", "sps", "--out", out.to_str().unwrap()]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.contains("3 response(s) of wave export-meting"), "{}", run.stdout);
    assert!(run.stdout.contains(&out.display().to_string()), "{}", run.stdout);
    let csv = std::fs::read_to_string(folder.path().join("analyse.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3, "the CSV it reads is written beside it");
    assert!(folder.path().join("analyse.codebook.csv").exists() && folder.path().join("analyse.csv-metadata.json").exists());
    let syntax = std::fs::read_to_string(&out).unwrap();
    assert!(syntax.contains("/FILE='analyse.csv'"), "{syntax}");
    assert!(syntax.contains("VALUE LABELS leading_theme\n  'dienstverlening' 'Dienstverlening aan burgers en bedrijven'\n"), "{syntax}");

    for (format, file, reads) in
        [("do", "analyse.do", "import delimited using `\"analyse.csv\"'"), ("r", "analyse.R", "utils::read.csv(\"analyse.csv\"")]
    {
        let out = folder.path().join(file);
        let run = inbeeld(&db, &["export", "responses", "--format", format, "--out", out.to_str().unwrap()]);
        assert!(run.ok, "{}", run.stderr);
        assert!(std::fs::read_to_string(&out).unwrap().contains(reads), "{format}");
    }
    let printed = inbeeld(&db, &["export", "responses", "--format", "r", "--wave", "export-meting"]);
    assert!(printed.ok, "{}", printed.stderr);
    assert!(printed.stdout.contains("utils::read.csv(\"inbeeld-export-meting-responses.csv\""), "the CSV download's name");

    let clash = inbeeld(&db, &["export", "responses", "--format", "sps", "--out", folder.path().join("x.csv").to_str().unwrap()]);
    assert!(!clash.ok && clash.stderr.contains("give --out a name ending in .sps"), "{}", clash.stderr);
}

#[test]
fn responses_export_as_xlsx_and_json() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let (folder, db) = workspace();
    wave_with_responses(&db);
    let out = folder.path().join("antwoorden.xlsx");
    let run = inbeeld(&db, &["export", "responses", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    assert!(run.ok, "{}", run.stderr);
    let mut workbook: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(workbook.sheet_names(), ["responses", "codebook"]);
    let sheet = workbook.worksheet_range("responses").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 1 + 3);
    let column = |name: &str| rows[0].iter().position(|cell| *cell == Data::String(name.to_owned())).unwrap();
    let amsterdam = rows.iter().find(|row| row[1] == Data::String("GM0363".into())).unwrap();
    assert_eq!(amsterdam[column("ict_staff")], Data::Float(12.0), "numbers are number cells");
    assert_eq!(amsterdam[column("support_remarks")], Data::String("=HYPERLINK(\"http://x\")".into()), "a string cell is never a formula");
    assert_eq!(amsterdam[column("blocks.digid.status")], Data::String("in_use".into()));
    let codebook = workbook.worksheet_range("codebook").unwrap();
    assert_eq!(codebook.rows().count(), 1 + rows[0].len());

    let piped = inbeeld(&db, &["export", "responses", "--format", "xlsx"]);
    assert!(piped.ok && piped.stdout.starts_with("PK"), "a redirected standard output gets the zip: {}", piped.stderr);

    let json = inbeeld(&db, &["export", "responses", "--format", "json"]);
    assert!(json.ok, "{}", json.stderr);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["wave"]["id"], "export-meting");
    assert_eq!(document["codebook"].as_array().unwrap().len(), rows[0].len());
    let responses = document["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 3);
    let amsterdam = responses.iter().find(|r| r["organisation_code"] == "GM0363").unwrap();
    assert_eq!(amsterdam["answers"]["blocks"]["digid"]["support_forms"], serde_json::json!(["knowledge_base"]), "answers as stored");
    assert_eq!(amsterdam["answers"]["support_remarks"], "=HYPERLINK(\"http://x\")");
    let interview = responses.iter().find(|r| r["organisation_code"] == "GM0344").unwrap();
    assert_eq!((interview["state"].as_str(), interview["mode"].as_str()), (Some("draft"), Some("interview")));
    assert_eq!(interview["answers"]["ict_staff"], "1.250", "JSON keeps what was typed");
}

#[tokio::test]
async fn a_colleague_who_lost_the_phone_is_recovered_with_reset_2fa() {
    use domain::access::{Principal, SessionState};
    use domain::account::{Email, TotpSecret};
    let (_folder, db) = workspace();
    assert!(inbeeld(&db, &["demo"]).ok);
    let add = inbeeld_with_password(
        &db,
        "een lange zin als wachtwoord",
        &["user", "add", "--email", "analist@instituut.nl", "--role", "analyst"],
    );
    assert!(add.ok, "{}", add.stderr);
    let store = store::Store::connect(&db).await.unwrap();
    let user = store.users().await.unwrap().into_iter().next().unwrap();
    let change = store::testing::author().change("2fa.setup", "analist@instituut.nl".into(), None, None);
    store.confirm_second_factor(user.id, &TotpSecret::generate().unwrap(), 1, &[], &change).await.unwrap();
    store.start_session("open-session", &SessionState::SignedIn(Principal::User(user.clone()))).await.unwrap();

    let reset = inbeeld(&db, &["user", "reset-2fa", "--email", "Analist@Instituut.nl"]);
    assert!(reset.ok, "{}", reset.stderr);
    assert!(reset.stdout.contains("the second factor of analist@instituut.nl is removed"), "{}", reset.stdout);
    assert!(store.second_factor(user.id).await.unwrap().is_none(), "it sets up a new app at its next sign-in");
    assert_eq!(store.session("open-session").await.unwrap(), None, "its open sessions end");
    let audit = store.audit_entries(&store::AuditFilter { action: Some("2fa.reset".into()), ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target, Email::parse("analist@instituut.nl").unwrap().to_string());

    let nobody = inbeeld(&db, &["user", "reset-2fa", "--email", "niemand@instituut.nl"]);
    assert!(!nobody.ok && nobody.stderr.contains("there is no account for niemand@instituut.nl"), "{}", nobody.stderr);
}

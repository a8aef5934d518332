//! The letters of a wave as the monitor team sends them: the real binary, a real SMTP server process on loopback
//! (Python's aiosmtpd, run by the mail crate's `tests/smtp_server.py`), and the link from a received letter
//! redeemed against a real `inbeeld serve`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use domain::fieldwork::{Edit, Mode, WaveId};
use domain::questionnaire::Answers;
use domain::register::OrgCode;
use mail::testing::{SmtpServer, parse_eml};
use serde_json::Value;
use store::{MessageKind, MessageStatus, SaveAnswers, Store};

pub(super) const WAVE: &str = "meting-per-mail";
const PUBLIC_URL: &str = "http://inbeeld.test";

/// Amsterdam and The Hague get letters; Rotterdam's address is refused by the server (it starts with "bounce").
const CONTACTS: &str = "organisation_code,name,email
GM0363,E. Coördinator,info@amsterdam.example
GM0599,,bounce@rotterdam.example
GM0518,H. Aag,info@denhaag.example
";

pub(super) struct Run {
    pub(super) ok: bool,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

/// Runs the binary in `folder` (where the default outbox lands), with no mail settings from the environment.
pub(super) fn inbeeld(folder: &Path, database: &str, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inbeeld"));
    command.args(args).current_dir(folder).env("DATABASE_URL", database).env("INBEELD_LOG", "warn");
    for variable in
        ["INBEELD_OUTBOX", "INBEELD_SMTP_HOST", "INBEELD_SMTP_PORT", "INBEELD_SMTP_SECURITY", "INBEELD_MAIL_FROM", "INBEELD_PUBLIC_URL"]
    {
        command.env_remove(variable);
    }
    let Output { status, stdout, stderr } = command.output().expect("the binary runs");
    let run =
        Run { ok: status.success(), stdout: String::from_utf8_lossy(&stdout).into(), stderr: String::from_utf8_lossy(&stderr).into() };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

pub(super) fn ok(run: Run) -> Run {
    assert!(run.ok, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    run
}

fn repository_file(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).display().to_string()
}

/// A fresh SQLite database with the register, the catalogues, the questionnaire, three contacts and an open wave
/// that opened before the register begins (October 2010).
pub(super) fn open_wave() -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", folder.path().join("mail.sqlite").display());
    let dir = folder.path();
    ok(inbeeld(dir, &database, &["demo"]));
    let questionnaire =
        ok(inbeeld(dir, &database, &["import", "questionnaire", &repository_file("data/questionnaires/eerste-meting-2010.toml")]));
    assert!(questionnaire.stdout.contains("questionnaire eerste-meting-2010"), "{}", questionnaire.stdout);
    let contacts = dir.join("contacts.csv");
    std::fs::write(&contacts, CONTACTS).unwrap();
    let imported = ok(inbeeld(dir, &database, &["import", "contacts", contacts.to_str().unwrap()]));
    assert!(imported.stdout.contains("contacts: 3 added, 0 updated, 0 unchanged"), "{}", imported.stdout);
    ok(inbeeld(
        dir,
        &database,
        &[
            "wave",
            "create",
            "--id",
            WAVE,
            "--title",
            "Monitor e-overheid bij gemeenten 2010",
            "--catalogue",
            "nup-2008",
            "--questionnaire",
            "eerste-meting-2010",
            "--opens",
            "2010-10-01",
            "--closes",
            "2011-03-31",
        ],
    ));
    ok(inbeeld(dir, &database, &["wave", "open", WAVE]));
    (folder, database)
}

pub(super) fn smtp_args(port: u16) -> Vec<String> {
    let port = port.to_string();
    [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--smtp-security",
        "none",
        "--public-url",
        PUBLIC_URL,
        "--letters-per-minute",
        "60000",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn wave(folder: &Path, database: &str, command: &[&str], extra: &[String]) -> Run {
    let mut args: Vec<&str> = vec!["wave"];
    args.extend_from_slice(command);
    args.extend(extra.iter().map(String::as_str));
    inbeeld(folder, database, &args)
}

/// The link on its own line in a letter's body, on the site at `base`.
fn link_in(body: &str, base: &str) -> String {
    let start = format!("{base}/uitnodiging/");
    body.lines().find(|line| line.starts_with(&start)).unwrap_or_else(|| panic!("a link to {start} in:\n{body}")).to_owned()
}

pub(super) async fn store(database: &str) -> Store {
    Store::connect(database).await.unwrap()
}

#[tokio::test]
async fn letters_go_through_smtp_once_failures_are_kept_and_the_link_signs_in_again_and_again() {
    let (folder, db) = open_wave();
    let dir = folder.path();
    let server = SmtpServer::start();

    let invited = ok(wave(dir, &db, &["invite", WAVE], &smtp_args(server.port)));
    assert!(invited.stdout.contains("invitations: 2 sent, 1 bounced, 0 failed"), "{}", invited.stdout);
    assert!(invited.stdout.contains("bounced GM0599 <bounce@rotterdam.example>: "), "{}", invited.stdout);
    assert!(invited.stdout.contains("550 5.1.1 no such user"), "{}", invited.stdout);
    assert!(
        invited.stdout.contains("no contact address for 415 municipality(ies) (add them with `inbeeld import contacts`): GM0003, GM0005,"),
        "the other municipalities of 2011, as the register has them from 1 January 2011: {}",
        invited.stdout
    );
    assert!(invited.stderr.contains(&format!("through SMTP 127.0.0.1:{} without encryption", server.port)), "{}", invited.stderr);

    let received = server.received();
    assert_eq!(received.len(), 2);
    let mut recipients: Vec<&str> = received.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap()).collect();
    recipients.sort();
    assert_eq!(recipients, ["info@amsterdam.example", "info@denhaag.example"]);
    let amsterdam = received.iter().find(|m| m["rcpt_tos"][0] == "info@amsterdam.example").unwrap();
    assert_eq!(amsterdam["subject"], "Uitnodiging: Monitor e-overheid bij gemeenten 2010 – Amsterdam");
    let to = amsterdam["to"].as_str().unwrap();
    assert!(to.contains("E. Coördinator") && to.ends_with("<info@amsterdam.example>"), "{to}");
    assert_eq!(amsterdam["from"], "Monitorteam inbeeld <monitor@inbeeld.invalid>");
    let body = amsterdam["body"].as_str().unwrap();
    assert!(body.starts_with("Geachte heer/mevrouw,"), "{body}");
    assert!(body.contains("Graag nodigen wij Amsterdam uit"), "{body}");
    assert!(body.contains("tot en met 31 maart 2011"), "{body}");
    assert!(body.trim_end().ends_with("Monitorteam inbeeld"), "signed with the sender's name: {body}");
    let link = link_in(body, PUBLIC_URL);
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    let den_haag = received.iter().find(|m| m["rcpt_tos"][0] == "info@denhaag.example").unwrap();
    assert_ne!(link_in(den_haag["body"].as_str().unwrap(), PUBLIC_URL), link, "every municipality has its own link");

    let wave_id = WaveId::parse(WAVE).unwrap();
    let recorded = store(&db).await.messages(&wave_id).await.unwrap();
    assert_eq!(recorded.len(), 3, "every letter tried is recorded, the bounce too");
    let bounce = recorded.iter().find(|m| m.organisation.as_str() == "GM0599").unwrap();
    assert_eq!(
        (bounce.status, bounce.kind, bounce.recipient.as_str()),
        (MessageStatus::Bounced, MessageKind::Invitation, "bounce@rotterdam.example")
    );
    assert!(bounce.detail.contains("550") && bounce.detail.contains(&format!("127.0.0.1:{}", server.port)), "{}", bounce.detail);
    for sent in recorded.iter().filter(|m| m.status == MessageStatus::Sent) {
        assert!(sent.detail.starts_with(&format!("smtp 127.0.0.1:{}, Message-ID <", server.port)), "{}", sent.detail);
    }
    assert!(recorded.iter().all(|m| !m.detail.contains(&token)), "the token is in the letter only");
    let audit = store(&db).await.audit_entries(&Default::default()).await.unwrap();
    let batch = audit.iter().find(|e| e.action == "wave.invite").expect("one audit entry for the batch");
    assert_eq!(batch.target, WAVE);
    assert!(!format!("{:?}", batch).contains(&token));

    let again = ok(wave(dir, &db, &["invite", WAVE], &smtp_args(server.port)));
    assert!(again.stdout.contains("invitations: 0 sent, 0 bounced, 0 failed"), "{}", again.stdout);
    assert!(again.stdout.contains("already invited: 2"), "{}", again.stdout);
    assert!(
        again.stdout.contains("address refused before and not changed since, so not tried again: 1 municipality(ies)"),
        "{}",
        again.stdout
    );
    assert_eq!(server.received().len(), 2, "nobody is invited twice");

    // Amsterdam submits; only The Hague is reminded.
    let submitted = SaveAnswers {
        wave: &wave_id,
        organisation: &OrgCode::parse("GM0363").unwrap(),
        questionnaire_id: "eerste-meting-2010",
        questionnaire_version: 1,
        answers: &Answers::new(),
        mode: &Mode::Online,
        based_on: None,
        edit: Edit::Draft,
        submit: true,
    };
    store(&db).await.save_answers(&submitted, &store::testing::author()).await.unwrap();
    let not_yet = ok(wave(dir, &db, &["remind", WAVE], &smtp_args(server.port)));
    assert!(not_yet.stdout.contains("reminders: 0 sent"), "{}", not_yet.stdout);
    assert!(not_yet.stdout.contains("last letter too recent for a reminder: 1"), "seven days by default: {}", not_yet.stdout);
    let reminded = ok(wave(dir, &db, &["remind", WAVE, "--every-days", "0"], &smtp_args(server.port)));
    assert!(reminded.stdout.contains("reminders: 1 sent, 0 bounced, 0 failed"), "{}", reminded.stdout);
    assert!(reminded.stdout.contains("already submitted: 1"), "{}", reminded.stdout);
    let received = server.received();
    assert_eq!(received.len(), 3);
    let reminder = &received[2];
    assert_eq!(reminder["rcpt_tos"][0], "info@denhaag.example");
    assert!(reminder["subject"].as_str().unwrap().starts_with("Herinnering: "), "{}", reminder["subject"]);
    assert!(reminder["body"].as_str().unwrap().contains("nog niet verstuurd"));
    link_in(reminder["body"].as_str().unwrap(), PUBLIC_URL);

    let site = Site::start(&db, dir);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let path = link.strip_prefix(PUBLIC_URL).unwrap();
    for sitting in 1..=2 {
        let answer = client.get(format!("{}{path}", site.url)).send().await.unwrap();
        assert_eq!(answer.status(), 303, "sitting {sitting}");
        assert_eq!(answer.headers()["location"], format!("/invullen/{WAVE}/GM0363"), "sitting {sitting}");
        let cookie = answer.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(!cookie.is_empty() && !cookie.contains(&token), "a session cookie, not the token: {cookie}");
        assert_eq!(answer.headers()["referrer-policy"], "no-referrer");
    }
}

#[tokio::test]
async fn a_letter_that_fails_is_recorded_the_command_fails_and_a_rerun_sends_it() {
    let (folder, db) = open_wave();
    let dir = folder.path();
    let more = dir.join("more.csv");
    std::fs::write(&more, "organisation_code,name,email\nGM0014,,info@groningen.example\nGM0344,,info@utrecht.example\n").unwrap();
    ok(inbeeld(dir, &db, &["import", "contacts", more.to_str().unwrap()]));
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();

    let failed = wave(dir, &db, &["invite", WAVE], &smtp_args(closed));
    assert!(!failed.ok);
    assert!(failed.stdout.contains("invitations: 0 sent, 0 bounced, 3 failed"), "{}", failed.stdout);
    assert!(failed.stdout.contains("failed GM0014 <info@groningen.example>: sending mail through 127.0.0.1:"), "{}", failed.stdout);
    assert!(failed.stdout.contains("connection was refused"), "{}", failed.stdout);
    assert!(
        failed.stdout.contains("not tried, because the mail server failed 3 times in a row: 2 municipality(ies): GM0518, GM0599"),
        "the run stops instead of waiting on a server that is down: {}",
        failed.stdout
    );
    assert!(failed.stderr.contains("5 letter(s) did not go out; the failures are recorded"), "{}", failed.stderr);
    assert!(failed.stderr.contains(&format!("or now by `inbeeld wave invite {WAVE}`")), "{}", failed.stderr);
    assert!(failed.stderr.contains("they are tried again at 20"), "when, so that the team need not guess: {}", failed.stderr);
    let recorded = store(&db).await.messages(&WaveId::parse(WAVE).unwrap()).await.unwrap();
    assert_eq!(recorded.len(), 3, "the letters tried are recorded, those not tried are not: {recorded:?}");
    assert!(recorded.iter().all(|m| m.status == MessageStatus::Failed && m.detail.contains(&format!("127.0.0.1:{closed}"))));

    let server = SmtpServer::start();
    let rerun = ok(wave(dir, &db, &["invite", WAVE], &smtp_args(server.port)));
    assert!(rerun.stdout.contains("invitations: 4 sent, 1 bounced, 0 failed"), "{}", rerun.stdout);
    assert_eq!(server.received().len(), 4);
}

#[test]
fn without_a_mail_server_letters_are_written_to_the_outbox_folder() {
    let (folder, db) = open_wave();
    let dir = folder.path();
    let draft = [
        "wave",
        "create",
        "--id",
        "in-voorbereiding",
        "--title",
        "Later",
        "--catalogue",
        "nup-2008",
        "--questionnaire",
        "eerste-meting-2010",
        "--opens",
        "2011-10-01",
        "--closes",
        "2012-03-31",
    ];
    ok(inbeeld(dir, &db, &draft));
    let refused = inbeeld(dir, &db, &["wave", "invite", "in-voorbereiding"]);
    assert!(!refused.ok);
    assert!(refused.stderr.contains("wave in-voorbereiding is draft; invitations go out only while a wave is open"), "{}", refused.stderr);
    assert!(!dir.join("outbox").exists(), "nothing was written");

    let run = ok(inbeeld(dir, &db, &["wave", "invite", WAVE]));
    assert!(run.stderr.contains("through outbox folder outbox"), "{}", run.stderr);
    assert!(run.stdout.contains("invitations: 3 sent"), "an outbox refuses no address: {}", run.stdout);
    let letters: Vec<PathBuf> = std::fs::read_dir(dir.join("outbox")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(letters.len(), 3, "{letters:?}");
    assert!(letters.iter().all(|path| path.extension().is_some_and(|ext| ext == "eml")));
    let parsed: Vec<Value> = letters.iter().map(|path| parse_eml(path)).collect();
    let amsterdam = parsed.iter().find(|m| m["to"].as_str().unwrap().contains("info@amsterdam.example")).unwrap();
    assert!(amsterdam["subject"].as_str().unwrap().starts_with("Uitnodiging: "));
    link_in(amsterdam["body"].as_str().unwrap(), "http://127.0.0.1:8080");
}

#[test]
fn a_bad_contacts_file_is_refused_whole() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    let db = format!("sqlite://{}", dir.join("contacts.sqlite").display());
    ok(inbeeld(dir, &db, &["demo"]));
    let file = dir.join("contacts.csv");
    std::fs::write(&file, "organisation_code,name,email\nGM0363,A,a@amsterdam.example\nGM0599,B,rotterdam.example\nGM9999,C,c@x.example\n")
        .unwrap();
    let run = inbeeld(dir, &db, &["import", "contacts", file.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(run.stderr.contains("row 3, column email: 'rotterdam.example' is not an e-mail address"), "{}", run.stderr);
    assert!(run.stderr.contains("row 4, column organisation_code: GM9999 is not in the register"), "{}", run.stderr);
    assert!(run.stderr.contains("2 row(s) are invalid, so nothing was imported"), "{}", run.stderr);
    let skipped = ok(inbeeld(dir, &db, &["import", "contacts", "--skip-invalid", file.to_str().unwrap()]));
    assert!(skipped.stdout.contains("contacts: 1 added"), "{}", skipped.stdout);
}

/// `inbeeld serve` on a free port of loopback, stopped when dropped.
struct Site {
    child: Child,
    url: String,
}

impl Site {
    fn start(database: &str, folder: &Path) -> Site {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_inbeeld"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--public-url", &format!("http://127.0.0.1:{port}")])
            .current_dir(folder)
            .env("DATABASE_URL", database)
            .env("INBEELD_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let site = Site { child, url: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "inbeeld serve did not listen on port {port} within 30 seconds");
            std::thread::sleep(Duration::from_millis(50));
        }
        site
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! A national wave's invitations as a background job of `inbeeld serve`: four hundred letters through a real SMTP
//! server process that starts refusing after a hundred, and the server killed with SIGKILL halfway and started
//! again. Every municipality gets its letter once: none twice, and none lost but the one the killed process may
//! have been handing over, which is kept "in doubt" for the team rather than sent a second time.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use domain::fieldwork::WaveId;
use domain::register::{OrgCode, OrganisationKind};
use store::{JobId, JobState, LetterState, MessageStatus, OrganisationFilter};

use super::durability::{Server, free_port, start};
use mail::testing::SmtpServer;

use super::mail::{WAVE, inbeeld, ok, open_wave, smtp_args, store};

const LETTERS: usize = 400;

/// `inbeeld serve` sending through `smtp_port` at 1,200 letters a minute, taking over a dead process's
/// job after two seconds and trying a refused letter again after one.
async fn serve(database: &str, smtp_port: u16) -> Server {
    let mut args = smtp_args(smtp_port);
    args.retain(|arg| arg != "--letters-per-minute" && arg != "60000");
    args.extend(["--letters-per-minute", "1200", "--letters-retry-after", "1", "--job-lease", "2"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    start(database, free_port(), &args).await
}

/// Contacts for the first `LETTERS` municipalities of the wave's register.
async fn contacts_for_four_hundred(database: &str, folder: &Path) -> Vec<OrgCode> {
    let filter = OrganisationFilter { date: Some("2011-01-01".parse().unwrap()), ..OrganisationFilter::default() };
    let mut codes: Vec<OrgCode> = store(database)
        .await
        .organisations(&filter)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.kind() == OrganisationKind::Gemeente)
        .map(|o| o.code)
        .collect();
    codes.sort();
    codes.truncate(LETTERS);
    assert_eq!(codes.len(), LETTERS, "the register of 2011 has more than {LETTERS} municipalities");
    let mut csv = String::from("organisation_code,name,email\n");
    for code in &codes {
        csv.push_str(&format!("{code},,info@{}.example\n", code.as_str().to_lowercase()));
    }
    let file = folder.join("four-hundred.csv");
    std::fs::write(&file, csv).unwrap();
    ok(inbeeld(folder, database, &["import", "contacts", file.to_str().unwrap()]));
    codes
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what} did not happen within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn four_hundred_letters_go_once_each_through_a_refusing_relay_and_a_killed_server() {
    let (folder, db) = open_wave();
    let dir = folder.path();
    let codes = contacts_for_four_hundred(&db, dir).await;
    let relay = SmtpServer::refusing_for_a_while(100, 3.0);

    let server = serve(&db, relay.port).await;
    let queued = ok(inbeeld(dir, &db, &["wave", "invite", WAVE, "--detach"]));
    assert!(queued.stdout.contains(&format!("wave {WAVE}: invitations: job 1 queued")), "{}", queued.stdout);
    let job = JobId(1);

    // Past the relay's refusals, then killed halfway through the rest.
    wait_for("150 letters received", Duration::from_secs(120), || relay.received().len() >= 150);
    drop(server); // SIGKILL, and waited for
    let at_the_kill = relay.received().len();
    assert!(at_the_kill < LETTERS, "the server was killed before it was done ({at_the_kill} letters)");

    let restarted = serve(&db, relay.port).await;
    let watching = store(&db).await;
    let started = Instant::now();
    loop {
        if watching.job(job).await.unwrap().state == JobState::Done {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the restarted server did not finish the job within two minutes");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(restarted);

    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for message in relay.received() {
        *received.entry(message["rcpt_tos"][0].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let twice: Vec<_> = received.iter().filter(|(_, count)| **count > 1).collect();
    assert!(twice.is_empty(), "no municipality gets the same letter twice: {twice:?}");

    let letters = watching.job_letters(job).await.unwrap();
    assert_eq!(letters.len(), LETTERS);
    let in_doubt: Vec<_> = letters.iter().filter(|l| l.state == LetterState::InDoubt).collect();
    assert!(in_doubt.len() <= 1, "at most the one letter the killed process was handing over is in doubt: {in_doubt:?}");
    for letter in &letters {
        let got = received.get(&letter.recipient).copied().unwrap_or(0);
        match letter.state {
            LetterState::Sent => assert_eq!(got, 1, "{} is recorded as sent", letter.organisation),
            LetterState::InDoubt => assert!(got <= 1, "{} in doubt", letter.organisation),
            other => panic!("{}: {other:?}; every letter should have gone", letter.organisation),
        }
    }
    let lost: Vec<&OrgCode> =
        codes.iter().filter(|code| !received.contains_key(&format!("info@{}.example", code.as_str().to_lowercase()))).collect();
    assert!(lost.len() <= in_doubt.len(), "a letter that did not arrive is one in doubt, shown to the team: {lost:?}");

    let done = watching.job(job).await.unwrap();
    assert!(done.pauses >= 1, "the relay's refusals paused the job: {done:?}");
    let refused = watching
        .messages(&WaveId::parse(WAVE).unwrap())
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.status == MessageStatus::Failed)
        .collect::<Vec<_>>();
    assert!(refused.len() >= 3, "every refused try is on record: {}", refused.len());
    assert!(refused.iter().all(|m| m.detail.contains("451")), "{:?}", refused.first());
}

/// `--detach` queues and returns: nothing is sent until a server takes the job, and asking again queues nothing twice.
#[test]
fn a_detached_request_without_a_server_only_queues() {
    let (folder, db) = open_wave();
    let queued = ok(inbeeld(folder.path(), &db, &["wave", "invite", WAVE, "--detach"]));
    assert!(queued.stdout.contains("job 1 queued; a running `inbeeld serve` sends them"), "{}", queued.stdout);
    assert!(!folder.path().join("outbox").exists() || std::fs::read_dir(folder.path().join("outbox")).unwrap().next().is_none());
    let again = ok(inbeeld(folder.path(), &db, &["wave", "invite", WAVE, "--detach"]));
    assert!(again.stdout.contains("invitations queued or being sent already: 3"), "{}", again.stdout);
    assert!(again.stdout.contains("nothing to queue"), "{}", again.stdout);
}

//! Invitations and reminders of a wave (`app::outreach`), on both databases, through an outbox folder: queued as
//! jobs, claimed by one worker at a time, and never sent twice, whatever a worker's process does. The same with a
//! real SMTP server process, and a process killed while it sends, is tested in `crates/inbeeld/tests/it/`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use domain::access::hash_token;
use domain::fieldwork::delivery::{Pace, RetrySchedule};
use domain::fieldwork::{Edit, Mode, Wave, WaveState};
use domain::questionnaire::Answers;
use domain::register::{OrgCode, parse_register_csv};
use inbeeld_app::AppError;
use inbeeld_app::outreach::{DeliverySettings, Left, Outreach, OutreachReport, Worker, enqueue, send_now};
use mail::{Mailer, MailerConfig, SmtpSecurity};
use store::testing::author;
use store::{Contact, JobState, LetterState, LinkToStore, MessageKind, MessageStatus, Redemption, SaveAnswers, Store, both_backends};

use crate::support::draft_wave;

const REGISTER: &str = include_str!("../../../../data/register/register.csv");

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap()
}

/// A wave of October 2010 (before the register begins) with contacts for Amsterdam and Weesp.
async fn wave(store: &Store, state: WaveState) -> Wave {
    let organisations: Vec<_> = parse_register_csv(REGISTER).organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    let draft = draft_wave(store).await;
    let contacts = [
        Contact { organisation: code("GM0363"), name: "A. Dam".into(), email: "info@amsterdam.example".into() },
        Contact { organisation: code("GM0457"), name: String::new(), email: "info@weesp.example".into() },
    ];
    store.import_contacts(&contacts, &author()).await.unwrap();
    if state == WaveState::Open {
        store.set_wave_state(&draft, WaveState::Open, &author()).await.unwrap();
    }
    store.wave(&draft.id).await.unwrap()
}

fn outbox() -> (std::path::PathBuf, Arc<Mailer>) {
    let dir = std::env::temp_dir().join(format!("inbeeld-outreach-{}", uuid::Uuid::new_v4()));
    let mailer = Mailer::new(&MailerConfig::Outbox { dir: dir.clone() }, "Het monitorteam <monitor@inbeeld.example>").unwrap();
    (dir, Arc::new(mailer))
}

/// As fast as the pace allows, a second before a retry, and claims that hold for `lease`.
fn settings(lease: Duration) -> DeliverySettings {
    DeliverySettings {
        pace: Pace::FASTEST,
        retry: RetrySchedule::new(Duration::from_secs(1), 3),
        lease,
        ..DeliverySettings::new("https://inbeeld.example/")
    }
}

/// Queues and sends at once, as `inbeeld wave invite` does.
async fn send(store: &Store, mailer: &Arc<Mailer>, wave: &Wave, outreach: &Outreach<'_>) -> Result<OutreachReport, AppError> {
    let (_keep, stop) = tokio::sync::watch::channel(false);
    send_now(store, mailer.clone(), wave, outreach, settings(Duration::from_secs(30)), &stop, &mut |_| {}).await
}

fn letters_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap()).collect()
}

/// The token of the link in a letter as the outbox keeps it (quoted-printable may break a long line with "=").
fn token_in(letter: &str) -> String {
    let joined = letter.replace("=\r\n", "");
    let start = joined.find("/uitnodiging/").expect("a link") + "/uitnodiging/".len();
    joined[start..start + 43].to_owned()
}

both_backends!(invitations_go_once_and_reminders_only_to_those_not_submitted, async |store: Store| {
    let wave = wave(&store, WaveState::Open).await;
    let (dir, mailer) = outbox();
    let author = author();
    let now = Utc::now();
    let invite = Outreach { kind: MessageKind::Invitation, every_days: 7, now, author: &author };

    let report = send(&store, &mailer, &wave, &invite).await.unwrap();
    assert_eq!(report.sent, [code("GM0363"), code("GM0457")]);
    assert!(report.bounced.is_empty() && report.failed.is_empty() && report.not_attempted.is_empty());
    assert_eq!(report.queued.skipped_no_contact.len(), 416, "the other municipalities of 1 January 2011");
    assert!(!report.queued.skipped_no_contact.contains(&code("GM1942")), "Gooise Meren came later");
    let letters = letters_in(&dir);
    assert_eq!(letters.len(), 2);
    assert!(letters.iter().all(|l| l.contains("https://inbeeld.example/uitnodiging/")), "no double slash: {letters:?}");

    let token = token_in(&letters[0]);
    let redeemed = store.redeem_invitation(&hash_token(&token)).await.unwrap();
    assert!(matches!(&redeemed, Redemption::ValidForWave { wave: w, .. } if *w == wave.id), "{redeemed:?}");
    assert_eq!(store.redeem_invitation(&hash_token(&token)).await.unwrap(), redeemed, "the link works again");

    let again = send(&store, &mailer, &wave, &invite).await.unwrap();
    assert!(again.sent.is_empty());
    assert_eq!(again.queued.already_invited, 2);
    assert_eq!(again.queued.job, None, "nothing to queue, so no job");
    assert_eq!(letters_in(&dir).len(), 2);

    let amsterdam = SaveAnswers {
        wave: &wave.id,
        organisation: &code("GM0363"),
        questionnaire_id: "vragenlijst",
        questionnaire_version: 1,
        answers: &Answers::new(),
        mode: &Mode::Online,
        based_on: None,
        edit: Edit::Draft,
        submit: true,
    };
    store.save_answers(&amsterdam, &author).await.unwrap();
    let remind = Outreach { kind: MessageKind::Reminder, every_days: 7, ..invite };
    let early = send(&store, &mailer, &wave, &remind).await.unwrap();
    assert_eq!((early.sent.len(), early.queued.skipped_not_due, early.queued.already_submitted), (0, 1, 1));
    let later = Outreach { now: Utc::now() + TimeDelta::days(7), ..remind };
    let reminded = send(&store, &mailer, &wave, &later).await.unwrap();
    assert_eq!(reminded.sent, [code("GM0457")]);

    let messages = store.messages(&wave.id).await.unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!((messages[0].kind, messages[0].status), (MessageKind::Reminder, MessageStatus::Sent));
    assert!(messages.iter().all(|m| m.detail.contains(".eml, Message-ID <")), "{messages:?}");
    let batches = store.audit_entries(&Default::default()).await.unwrap();
    assert_eq!(batches.iter().filter(|e| e.action == "wave.invite").count(), 2);
    assert_eq!(batches.iter().filter(|e| e.action == "wave.remind").count(), 2);
    std::fs::remove_dir_all(dir).unwrap();
});

both_backends!(a_wave_that_is_not_open_sends_nothing, async |store: Store| {
    let wave = wave(&store, WaveState::Draft).await;
    let (dir, mailer) = outbox();
    let author = author();
    let invite = Outreach { kind: MessageKind::Invitation, every_days: 7, now: Utc::now(), author: &author };
    let refused = send(&store, &mailer, &wave, &invite).await.unwrap_err();
    assert!(matches!(refused, AppError::WaveNotOpen { state: WaveState::Draft, .. }), "{refused}");
    assert!(letters_in(&dir).is_empty());
    assert!(store.messages(&wave.id).await.unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
});

both_backends!(a_letter_whose_sender_died_is_in_doubt_and_goes_again_only_when_the_team_says_so, async |store: Store| {
    let wave = wave(&store, WaveState::Open).await;
    let (dir, mailer) = outbox();
    let author = author();
    let invite = Outreach { kind: MessageKind::Invitation, every_days: 7, now: Utc::now(), author: &author };
    let job = enqueue(&store, &wave, &invite).await.unwrap().job.expect("a job for two letters");

    // A process claims the job and marks Amsterdam's letter as being sent, then dies: its lease runs out unrenewed.
    let dead = store.claim_job("dead process", Some(job), Utc::now() - TimeDelta::seconds(1)).await.unwrap().expect("the job is due");
    assert_eq!(dead.state, JobState::Running);
    let amsterdam = store.next_letter(job, Utc::now()).await.unwrap().unwrap();
    assert_eq!(amsterdam.organisation, code("GM0363"));
    let link = LinkToStore { token_hash: "hash-of-a-link-in-a-letter-that-may-have-gone", expires_at: Utc::now() + TimeDelta::days(30) };
    assert!(store.start_letter(&amsterdam, "dead process", Some(link)).await.unwrap());

    let worker = Worker::new(store.clone(), mailer.clone(), settings(Duration::from_secs(30)));
    let (_keep, stop) = tokio::sync::watch::channel(false);
    let taken = worker.claim(None).await.unwrap().expect("a job whose lease ran out is taken over");
    assert_eq!(worker.work(&taken, &stop, &mut |_| {}).await.unwrap(), Left::Done);
    let letters = store.job_letters(job).await.unwrap();
    let states: Vec<_> = letters.iter().map(|l| (l.organisation.as_str(), l.state)).collect();
    assert_eq!(states, [("GM0363", LetterState::InDoubt), ("GM0457", LetterState::Sent)], "Amsterdam's letter may have gone");
    assert_eq!(letters_in(&dir).len(), 1, "only Weesp's letter went");
    assert!(!store.renew_lease(job, "dead process", Utc::now()).await.unwrap(), "the dead process's claim is gone");

    let again = send(&store, &mailer, &wave, &invite).await.unwrap();
    assert_eq!((again.queued.already_queued, again.sent.len()), (1, 0), "a letter in doubt holds a new one back");
    assert_eq!(again.queued.already_invited, 1);

    let decided = author.change("wave.letters.retry_in_doubt", format!("job:{job}"), None, None);
    assert_eq!(store.retry_in_doubt(job, &decided).await.unwrap(), 1);
    let resent = send(&store, &mailer, &wave, &invite).await.unwrap();
    assert_eq!(resent.sent, [code("GM0363")]);
    assert_eq!(letters_in(&dir).len(), 2);
    assert_eq!(store.job(job).await.unwrap().state, JobState::Done);
    std::fs::remove_dir_all(dir).unwrap();
});

both_backends!(one_job_is_held_by_one_worker_at_a_time, async |store: Store| {
    let wave = wave(&store, WaveState::Open).await;
    let author = author();
    let invite = Outreach { kind: MessageKind::Invitation, every_days: 7, now: Utc::now(), author: &author };
    let job = enqueue(&store, &wave, &invite).await.unwrap().job.unwrap();
    let lease = Utc::now() + TimeDelta::seconds(60);
    let claims = futures_util::future::join_all((0..8).map(|n| {
        let store = store.clone();
        async move { store.claim_job(&format!("worker {n}"), None, lease).await.unwrap() }
    }))
    .await;
    let holders: Vec<_> = claims.into_iter().flatten().collect();
    assert_eq!(holders.len(), 1, "eight workers at once, one claim: {holders:?}");
    assert_eq!(holders[0].id, job);
    assert_eq!(store.claim_job("late worker", None, lease).await.unwrap(), None, "a live lease holds");
    assert!(store.renew_lease(job, holders[0].claimed_by.as_deref().unwrap(), lease).await.unwrap());
});

both_backends!(a_mail_server_that_is_down_pauses_the_job_and_each_letter_waits_longer, async |store: Store| {
    let wave = wave(&store, WaveState::Open).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config =
        MailerConfig::Smtp { host: "127.0.0.1".into(), port: closed, security: SmtpSecurity::None, username: None, password: None };
    let down = Arc::new(Mailer::new(&config, "monitor@inbeeld.example").unwrap());
    let author = author();
    let invite = Outreach { kind: MessageKind::Invitation, every_days: 7, now: Utc::now(), author: &author };
    let job = enqueue(&store, &wave, &invite).await.unwrap().job.unwrap();

    let worker = Worker::new(store.clone(), down, settings(Duration::from_secs(30)));
    let (_keep, stop) = tokio::sync::watch::channel(false);
    let claimed = worker.claim(Some(job)).await.unwrap().unwrap();
    let before = Utc::now();
    let left = worker.work(&claimed, &stop, &mut |_| {}).await.unwrap();
    let Left::Waiting { until, paused: false } = left else { panic!("two failures are not yet a pause: {left:?}") };
    assert!(until > before && until <= Utc::now() + TimeDelta::seconds(1), "the first retry a second on: {until}");
    let letters = store.job_letters(job).await.unwrap();
    assert!(letters.iter().all(|l| l.state == LetterState::Waiting && l.attempts == 1), "{letters:?}");
    assert!(letters.iter().all(|l| l.detail.contains("connection was refused")), "{letters:?}");
    let held = store.job(job).await.unwrap();
    assert_eq!((held.state, held.run_after), (JobState::Waiting, until));
    assert!(held.note.contains("later opnieuw"), "{}", held.note);
    assert_eq!(store.claim_job("eager worker", None, Utc::now() + TimeDelta::seconds(30)).await.unwrap(), None, "not before its time");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = worker.claim(None).await.unwrap().expect("due again");
    worker.work(&again, &stop, &mut |_| {}).await.unwrap();
    let retried = store.job_letters(job).await.unwrap();
    assert!(retried.iter().all(|l| l.attempts == 2), "{retried:?}");
    let waits: Vec<_> = retried.iter().map(|l| (l.next_attempt_at - l.updated_at).num_milliseconds()).collect();
    assert!(waits.iter().all(|ms| (1900..=2100).contains(ms)), "the second wait is twice the first: {waits:?}");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let last = worker.claim(None).await.unwrap().expect("due again");
    assert_eq!(worker.work(&last, &stop, &mut |_| {}).await.unwrap(), Left::Done, "three tries, then given up");
    let given_up = store.job_letters(job).await.unwrap();
    assert!(given_up.iter().all(|l| l.state == LetterState::Failed && l.attempts == 3), "{given_up:?}");
    assert_eq!(store.messages(&wave.id).await.unwrap().len(), 6, "every try is on record");
});

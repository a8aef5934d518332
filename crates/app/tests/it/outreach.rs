//! Invitations and reminders of a wave (`app::outreach`), on both databases, through an outbox folder. The same with
//! a real SMTP server process is tested in `crates/inbeeld/tests/it/mail.rs`.

use chrono::{TimeDelta, Utc};
use domain::access::hash_token;
use domain::fieldwork::{Edit, Mode, Wave, WaveState};
use domain::questionnaire::Answers;
use domain::register::{OrgCode, parse_register_csv};
use inbeeld_app::AppError;
use inbeeld_app::outreach::{Outreach, send};
use mail::{Mailer, MailerConfig};
use store::testing::author;
use store::{Contact, MessageKind, MessageStatus, Redemption, SaveAnswers, Store, both_backends};

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

fn outbox() -> (std::path::PathBuf, Mailer) {
    let dir = std::env::temp_dir().join(format!("inbeeld-outreach-{}", uuid::Uuid::new_v4()));
    let mailer = Mailer::new(&MailerConfig::Outbox { dir: dir.clone() }, "Het monitorteam <monitor@inbeeld.example>").unwrap();
    (dir, mailer)
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
    let invite = Outreach { kind: MessageKind::Invitation, public_url: "https://inbeeld.example/", every_days: 7, now, author: &author };

    let report = send(&store, &mailer, &wave, &invite).await.unwrap();
    assert_eq!(report.sent, [code("GM0363"), code("GM0457")]);
    assert!(report.bounced.is_empty() && report.failed.is_empty() && report.not_attempted.is_empty());
    assert_eq!(report.skipped_no_contact.len(), 416, "the other municipalities of 1 January 2011");
    assert!(!report.skipped_no_contact.contains(&code("GM1942")), "Gooise Meren came later");
    let letters = letters_in(&dir);
    assert_eq!(letters.len(), 2);
    assert!(letters.iter().all(|l| l.contains("https://inbeeld.example/uitnodiging/")), "no double slash: {letters:?}");

    let token = token_in(&letters[0]);
    let redeemed = store.redeem_invitation(&hash_token(&token)).await.unwrap();
    assert!(matches!(&redeemed, Redemption::ValidForWave { wave: w, .. } if *w == wave.id), "{redeemed:?}");
    assert_eq!(store.redeem_invitation(&hash_token(&token)).await.unwrap(), redeemed, "the link works again");

    let again = send(&store, &mailer, &wave, &invite).await.unwrap();
    assert!(again.sent.is_empty());
    assert_eq!(again.already_invited, 2);
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
    assert_eq!((early.sent.len(), early.skipped_not_due, early.already_submitted), (0, 1, 1));
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
    let invite =
        Outreach { kind: MessageKind::Invitation, public_url: "https://inbeeld.example", every_days: 7, now: Utc::now(), author: &author };
    let refused = send(&store, &mailer, &wave, &invite).await.unwrap_err();
    assert!(matches!(refused, AppError::WaveNotOpen { state: WaveState::Draft, .. }), "{refused}");
    assert!(letters_in(&dir).is_empty());
    assert!(store.messages(&wave.id).await.unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
});

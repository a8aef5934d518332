//! The store's contract for fieldwork: questionnaires, waves, contacts and messages, on both backends.

use crate::fixtures::{CATALOGUE, REGISTER, code, date};
use domain::catalogue::parse_catalogue_toml;
use domain::fieldwork::{Edit, Mode, NewWave, ResponseState, WaveId, WaveState};
use domain::questionnaire::Answers;
use domain::register::{check_successions, parse_register_csv};
use inbeeld_store::testing::author;
use inbeeld_store::{
    Conflict, Contact, ImportReport, MessageKind, MessageStatus, NewMessage, Record, SaveAnswers, Store, StoreError, UniqueField,
    both_backends,
};

async fn with_register_and_catalogue(store: &Store) {
    let file = parse_register_csv(REGISTER);
    assert!(file.errors.is_empty() && check_successions(&file.organisations, []).is_empty());
    let organisations: Vec<_> = file.organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    store.import_catalogue(&parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap(), &author()).await.unwrap();
}

fn first_wave() -> NewWave {
    NewWave {
        id: WaveId::parse("eerste-meting").unwrap(),
        title: "Eerste meting".into(),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: "vragenlijst".into(),
        opens_on: date("2010-10-01"),
        closes_on: date("2011-03-31"),
    }
}

both_backends!(a_changed_questionnaire_is_a_new_version_and_moves_the_waves_in_fieldwork, async |store: Store| {
    with_register_and_catalogue(&store).await;
    let first = store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text one", &author()).await.unwrap();
    assert_eq!((first.version, first.unchanged), (1, false));
    let again = store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text one", &author()).await.unwrap();
    assert_eq!((again.version, again.unchanged), (1, true), "the same text is not stored twice");

    let wave = store.create_wave(&first_wave(), false, &author()).await.unwrap();
    assert_eq!((wave.state, wave.questionnaire_version), (WaveState::Draft, 1));
    assert!(matches!(
        store.create_wave(&first_wave(), false, &author()).await,
        Err(StoreError::Conflict(Conflict::Taken(UniqueField::WaveId)))
    ));

    let changed = store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text two", &author()).await.unwrap();
    assert_eq!((changed.version, changed.waves_moved.as_slice()), (2, ["eerste-meting".to_owned()].as_slice()));
    assert_eq!(store.wave(&wave.id).await.unwrap().questionnaire_version, 2);
    assert_eq!(store.questionnaire("vragenlijst", 1).await.unwrap().source, "text one", "an answered version is kept as it was");
    assert_eq!(store.latest_questionnaire("vragenlijst").await.unwrap().source, "text two");

    store.set_wave_state(&store.wave(&wave.id).await.unwrap(), WaveState::Open, &author()).await.unwrap();
    store.set_wave_state(&store.wave(&wave.id).await.unwrap(), WaveState::Closed, &author()).await.unwrap();
    let third = store.import_questionnaire("vragenlijst", "2", "Vragenlijst", "text three", &author()).await.unwrap();
    assert!(third.waves_moved.is_empty(), "a closed wave keeps the version it was answered with");
    assert_eq!(store.wave(&wave.id).await.unwrap().questionnaire_version, 2);
});

both_backends!(a_wave_moves_only_from_the_state_it_was_read_in, async |store: Store| {
    with_register_and_catalogue(&store).await;
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text", &author()).await.unwrap();
    let draft = store.create_wave(&first_wave(), false, &author()).await.unwrap();
    store.set_wave_state(&draft, WaveState::Open, &author()).await.unwrap();
    assert!(
        matches!(
            store.set_wave_state(&draft, WaveState::Open, &author()).await,
            Err(StoreError::Conflict(Conflict::Stale(Record::WaveState)))
        ),
        "a second request with the old state changes nothing"
    );
    let open = store.wave(&draft.id).await.unwrap();
    assert_eq!(open.state, WaveState::Open);
    assert!(open.check_move(WaveState::Published).is_err());
    let entries = store.audit_entries(&Default::default()).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "wave.state" && e.after.as_deref() == Some(r#"{"state":"open"}"#)));
    assert!(matches!(store.wave(&WaveId::parse("geen").unwrap()).await, Err(StoreError::NotFound)));
});

both_backends!(a_wave_needs_a_stored_questionnaire, async |store: Store| {
    with_register_and_catalogue(&store).await;
    assert!(matches!(store.create_wave(&first_wave(), false, &author()).await, Err(StoreError::NotFound)));
    assert!(store.waves().await.unwrap().is_empty());
});

both_backends!(contacts_are_set_and_messages_kept_whatever_their_outcome, async |store: Store| {
    with_register_and_catalogue(&store).await;
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text", &author()).await.unwrap();
    let wave = store.create_wave(&first_wave(), false, &author()).await.unwrap();
    let amsterdam = Contact { organisation: code("GM0363"), name: "E. Coördinator".into(), email: "e@amsterdam.nl".into() };
    let weesp = Contact { organisation: code("GM0457"), name: "W. Eesp".into(), email: "w@weesp.nl".into() };
    let report = store.import_contacts(&[amsterdam.clone(), weesp.clone()], &author()).await.unwrap();
    assert_eq!(report, ImportReport { added: 2, updated: 0, unchanged: 0 });
    let moved = Contact { email: "nieuw@weesp.nl".into(), ..weesp.clone() };
    let report = store.import_contacts(&[amsterdam.clone(), moved.clone()], &author()).await.unwrap();
    assert_eq!(report, ImportReport { added: 0, updated: 1, unchanged: 1 });
    assert_eq!(store.contacts().await.unwrap(), vec![amsterdam.clone(), moved.clone()]);

    for (contact, kind, status, detail) in [
        (&amsterdam, MessageKind::Invitation, MessageStatus::Sent, "smtp 127.0.0.1:2525"),
        (&moved, MessageKind::Invitation, MessageStatus::Bounced, "550 5.1.1 no such user"),
    ] {
        let message = NewMessage { wave: &wave.id, organisation: &contact.organisation, kind, recipient: &contact.email, status, detail };
        store.record_message(&message).await.unwrap();
    }
    let messages = store.messages(&wave.id).await.unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!((messages[0].organisation.as_str(), messages[0].status), ("GM0457", MessageStatus::Bounced), "newest first");
    assert_eq!(messages[0].detail, "550 5.1.1 no such user");
});

async fn open_wave(store: &Store) -> domain::fieldwork::Wave {
    with_register_and_catalogue(store).await;
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text", &author()).await.unwrap();
    let draft = store.create_wave(&first_wave(), false, &author()).await.unwrap();
    store.set_wave_state(&draft, WaveState::Open, &author()).await.unwrap();
    store.wave(&draft.id).await.unwrap()
}

fn answers(json: &str) -> Answers {
    serde_json::from_str(json).unwrap()
}

both_backends!(a_response_is_saved_in_sittings_submitted_and_corrected_with_its_history, async |store: Store| {
    let wave = open_wave(&store).await;
    let amsterdam = code("GM0363");
    let save = |answers: &'static Answers, based_on, edit, submit| SaveAnswers {
        wave: &wave.id,
        organisation: &amsterdam,
        questionnaire_id: "vragenlijst",
        questionnaire_version: 1,
        answers,
        mode: &Mode::Online,
        based_on,
        edit,
        submit,
    };
    let first: &'static Answers = Box::leak(Box::new(answers(r#"{"leading_theme": "dienstverlening", "ict_staff": "twaalf"}"#)));
    let saved = store.save_answers(&save(first, None, Edit::Draft, false), &author()).await.unwrap();
    assert_eq!((saved.state, saved.revision, &saved.answers), (ResponseState::Draft, 1, first), "what was typed is kept as typed");
    assert!(
        matches!(
            store.save_answers(&save(first, None, Edit::Draft, false), &author()).await,
            Err(StoreError::Conflict(Conflict::Stale(Record::Response)))
        ),
        "a second first save does not overwrite the first"
    );

    let second: &'static Answers = Box::leak(Box::new(answers(
        r#"{"leading_theme": "dienstverlening", "ict_staff": 12, "blocks": {"digid": {"status": "in_use", "support_needed": true, "support_forms": ["regional_meetings"]}}}"#,
    )));
    let submitted = store.save_answers(&save(second, Some(1), Edit::Draft, true), &author()).await.unwrap();
    assert_eq!((submitted.state, submitted.revision), (ResponseState::Submitted, 2));
    assert!(submitted.submitted_at.is_some());
    assert_eq!(&store.response(&wave.id, &amsterdam).await.unwrap().unwrap().answers, second, "the matrix survives the round trip");
    assert!(
        matches!(
            store.save_answers(&save(first, Some(1), Edit::Draft, false), &author()).await,
            Err(StoreError::Conflict(Conflict::Stale(Record::Response)))
        ),
        "a save from an older page is refused, not lost"
    );

    let corrected: &'static Answers =
        Box::leak(Box::new(answers(r#"{"leading_theme": "bedrijfsvoering", "ict_staff": 12, "blocks": {"digid": {"status": "in_use"}}}"#)));
    let after = store.save_answers(&save(corrected, Some(2), Edit::Correction, false), &author()).await.unwrap();
    assert_eq!(after.state, ResponseState::Submitted, "a correction leaves the response submitted");
    let log = store.audit_entries(&Default::default()).await.unwrap();
    let correction = log.iter().find(|e| e.action == "response.correct").unwrap();
    assert_eq!(correction.target, "eerste-meting/GM0363");
    assert!(correction.before.as_deref().unwrap().contains("dienstverlening"), "{:?}", correction.before);
    assert!(correction.after.as_deref().unwrap().contains("bedrijfsvoering"));
    assert!(!correction.after.as_deref().unwrap().contains("ict_staff"), "only what changed is logged");

    store.reopen_response(&after, &author()).await.unwrap();
    let reopened = store.response(&wave.id, &amsterdam).await.unwrap().unwrap();
    assert_eq!((reopened.state, reopened.submitted_at, reopened.revision), (ResponseState::Draft, None, 4));
    assert!(matches!(store.reopen_response(&after, &author()).await, Err(StoreError::Conflict(Conflict::Stale(Record::Response)))));

    let progress = store.progress(&wave.id).await.unwrap();
    assert_eq!(progress.len(), 1);
    assert_eq!((progress[0].organisation.as_str(), progress[0].state), ("GM0363", ResponseState::Draft));
});

both_backends!(an_interview_records_its_date_and_interviewees, async |store: Store| {
    let wave = open_wave(&store).await;
    let utrecht = code("GM0344");
    let mode = Mode::Interview { date: date("2010-11-15"), interviewees: "J. Jansen (e-coördinator)".into() };
    let given = answers(r#"{"leading_theme": "dienstverlening"}"#);
    let save = SaveAnswers {
        wave: &wave.id,
        organisation: &utrecht,
        questionnaire_id: "vragenlijst",
        questionnaire_version: 1,
        answers: &given,
        mode: &mode,
        based_on: None,
        edit: Edit::Draft,
        submit: true,
    };
    store.save_answers(&save, &author()).await.unwrap();
    let stored = store.response(&wave.id, &utrecht).await.unwrap().unwrap();
    assert_eq!(stored.mode, mode);
    assert_eq!(store.progress(&wave.id).await.unwrap()[0].mode, "interview");
});

both_backends!(a_fieldwork_link_works_again_until_it_expires_and_names_its_wave, async |store: Store| {
    use inbeeld_store::Redemption;
    let wave = open_wave(&store).await;
    let now = chrono::Utc::now();
    store.add_wave_invitation("wave-link", &code("GM0363"), &wave.id, now + chrono::Duration::days(30)).await.unwrap();
    let valid = Redemption::ValidForWave { organisation: code("GM0363"), wave: wave.id.clone() };
    for sitting in 1..=3 {
        assert_eq!(store.redeem_invitation("wave-link").await.unwrap(), valid, "sitting {sitting}");
    }

    store.add_wave_invitation("old-wave-link", &code("GM0363"), &wave.id, now - chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(store.redeem_invitation("old-wave-link").await.unwrap(), Redemption::Expired);

    store.add_invitation("hand-made", &code("GM0363"), now + chrono::Duration::days(30)).await.unwrap();
    assert_eq!(store.redeem_invitation("hand-made").await.unwrap(), Redemption::Valid(code("GM0363")));
    assert_eq!(store.redeem_invitation("hand-made").await.unwrap(), Redemption::Used, "a link made by hand still works once");
    assert_eq!(store.redeem_invitation("no-such-link").await.unwrap(), Redemption::Unknown);
});

both_backends!(a_used_fieldwork_link_is_refused_as_expired_once_its_time_is_up, async |store: Store| {
    use inbeeld_store::Redemption;
    let wave = open_wave(&store).await;
    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(300);
    store.add_wave_invitation("short-link", &code("GM0457"), &wave.id, soon).await.unwrap();
    assert!(matches!(store.redeem_invitation("short-link").await.unwrap(), Redemption::ValidForWave { .. }));
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(store.redeem_invitation("short-link").await.unwrap(), Redemption::Expired, "not 'used': it could be used again");
});

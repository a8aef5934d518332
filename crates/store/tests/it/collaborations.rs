//! The register of collaborations on both backends: entered and edited with a revision, survey answers reviewed
//! once per response revision, and who shares a collaboration with whom.

use crate::fixtures::{CATALOGUE, REGISTER, code};
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use domain::catalogue::parse_catalogue_toml;
use domain::collaboration::{Area, CollaborationDraft, Review, Source, Step, SurveyAnswer};
use domain::fieldwork::{Edit, Mode, NewWave, WaveId, WaveState};
use domain::questionnaire::{Answer, Answers};
use domain::register::{OrgCode, parse_register_csv};
use inbeeld_store::testing::author;
use inbeeld_store::{AuditFilter, Conflict, Record, SaveAnswers, Store, StoreError, both_backends};

fn codes(texts: &[&str]) -> BTreeSet<OrgCode> {
    texts.iter().map(|t| code(t)).collect()
}

fn draft(name: &str, members: &[&str], areas: &[Area]) -> CollaborationDraft {
    CollaborationDraft { name: name.into(), members: codes(members), areas: areas.iter().copied().collect() }
}

async fn with_register(store: &Store) {
    let organisations: Vec<_> = parse_register_csv(REGISTER).organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
}

/// A simulated wave (open) with submitted answers: Zwolle names two partners, Kampen one, Dronten none.
async fn with_answers(store: &Store) -> WaveId {
    with_register(store).await;
    store.import_catalogue(&parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap(), &author()).await.unwrap();
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text", &author()).await.unwrap();
    let date = |text: &str| text.parse::<NaiveDate>().unwrap();
    let new = NewWave {
        id: WaveId::parse("vervolgmeting").unwrap(),
        title: "Vervolgmeting".into(),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: "vragenlijst".into(),
        opens_on: date("2025-10-01"),
        closes_on: date("2026-03-31"),
    };
    let wave = store.create_wave(&new, true, &author()).await.unwrap();
    store.set_wave_state(&wave, WaveState::Open, &author()).await.unwrap();
    for (organisation, partners) in
        [("GM0193", Some("Kampen\nRegio IJssel-Vecht")), ("GM0166", Some("Regio IJssel-Vecht")), ("GM0303", None)]
    {
        save(store, &wave.id, organisation, partners, None).await;
    }
    wave.id
}

async fn save(store: &Store, wave: &WaveId, organisation: &str, partners: Option<&str>, based_on: Option<i64>) {
    let mut answers = Answers::new();
    answers.insert("collaborates".into(), Answer::Text(if partners.is_some() { "ja" } else { "nee" }.into()));
    if let Some(partners) = partners {
        answers.insert("partners".into(), Answer::Text(partners.into()));
        answers.insert("collaboration_areas".into(), Answer::Many(vec!["techniek".into()]));
    }
    let save = SaveAnswers {
        wave,
        organisation: &code(organisation),
        questionnaire_id: "vragenlijst",
        questionnaire_version: 1,
        answers: &answers,
        mode: &Mode::Online,
        based_on,
        edit: if based_on.is_some() { Edit::Correction } else { Edit::Draft },
        submit: true,
    };
    store.save_answers(&save, &author()).await.unwrap();
}

fn organisations_of(answers: &[SurveyAnswer]) -> Vec<&str> {
    answers.iter().map(|a| a.organisation.as_str()).collect()
}

both_backends!(a_collaboration_is_entered_and_edited_only_from_its_newest_revision, async |store: Store| {
    with_register(&store).await;
    let id = store.create_collaboration(&draft("Drechtsteden", &["GM0505", "GM0590"], &[Area::Technique]), &author()).await.unwrap();
    let stored = store.collaboration(id).await.unwrap();
    assert_eq!((stored.name.as_str(), &stored.members, stored.revision), ("Drechtsteden", &codes(&["GM0505", "GM0590"]), 1));
    assert_eq!((stored.source, stored.simulated), (Source::Team, false));

    let changed = draft("Drechtsteden ICT", &["GM0505", "GM0590", "GM0642"], &[Area::Technique, Area::Strategy]);
    store.update_collaboration(id, 1, &changed, &author()).await.unwrap();
    let newer = store.collaboration(id).await.unwrap();
    assert_eq!((newer.name.as_str(), newer.members.len(), newer.areas.len(), newer.revision), ("Drechtsteden ICT", 3, 2, 2));

    let late = draft("Drechtsteden oud", &["GM0505"], &[]);
    assert!(matches!(
        store.update_collaboration(id, 1, &late, &author()).await,
        Err(StoreError::Conflict(Conflict::Stale(Record::Collaboration)))
    ));
    assert_eq!(store.collaboration(id).await.unwrap(), newer, "the outdated edit changed nothing");
    assert!(matches!(store.collaboration(id + 100).await, Err(StoreError::NotFound)));
    assert!(matches!(store.update_collaboration(id + 100, 1, &late, &author()).await, Err(StoreError::NotFound)));

    let actions: Vec<String> = store
        .audit_entries(&AuditFilter { target: Some(format!("samenwerking {id}")), ..Default::default() })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["collaboration.update", "collaboration.create"], "every change is in the audit log");
    assert_eq!(store.collaborations().await.unwrap().len(), 1);
});

both_backends!(a_decided_answer_does_not_come_back_unless_the_response_changes, async |store: Store| {
    let wave = with_answers(&store).await;
    let pending = store.answers_to_review().await.unwrap();
    assert_eq!(organisations_of(&pending), ["GM0166", "GM0193"], "only the answers that name partners");
    let zwolle = pending.iter().find(|a| a.organisation == code("GM0193")).unwrap().clone();
    assert_eq!(zwolle.partners, ["Kampen", "Regio IJssel-Vecht"]);

    // Zwolle's answer is accepted: a new collaboration from its answer, which Kampen's answer then joins.
    let steps = vec![Step::Create(draft("Regio IJssel-Vecht", &["GM0193"], &[Area::Technique]))];
    let created = store.review_answer(&zwolle, &Review::Accepted(steps), &author()).await.unwrap();
    let regio = store.collaboration(created[0]).await.unwrap();
    assert_eq!(regio.source, Source::Survey { wave: wave.clone(), organisation: code("GM0193") });
    assert!(regio.simulated, "drawn from a simulated wave");
    assert!(
        matches!(
            store.review_answer(&zwolle, &Review::Rejected, &author()).await,
            Err(StoreError::Conflict(Conflict::Stale(Record::Review)))
        ),
        "decided once"
    );

    let kampen = store.answers_to_review().await.unwrap().pop().unwrap();
    assert_eq!(kampen.organisation, code("GM0166"));
    let join = Step::Join { collaboration: regio.id, member: code("GM0166"), areas: BTreeSet::from([Area::Processes]) };
    store.review_answer(&kampen, &Review::Accepted(vec![join]), &author()).await.unwrap();
    let joined = store.collaboration(regio.id).await.unwrap();
    assert_eq!(joined.members, codes(&["GM0166", "GM0193"]));
    assert_eq!(joined.areas, BTreeSet::from([Area::Technique, Area::Processes]), "the answer's areas are added");
    assert_eq!(joined.revision, 2);
    assert!(store.answers_to_review().await.unwrap().is_empty(), "both decided");

    // Kampen corrects its response: its answer comes back, and a decision on the old revision is refused.
    save(&store, &wave, "GM0166", Some("Regio IJssel-Vecht\nZwolle"), Some(kampen.revision)).await;
    let back = store.answers_to_review().await.unwrap();
    assert_eq!(organisations_of(&back), ["GM0166"]);
    assert_eq!(back[0].revision, kampen.revision + 1);
    assert!(matches!(
        store.review_answer(&kampen, &Review::Rejected, &author()).await,
        Err(StoreError::Conflict(Conflict::Stale(Record::Response)))
    ));
    store.review_answer(&back[0], &Review::Rejected, &author()).await.unwrap();
    assert!(store.answers_to_review().await.unwrap().is_empty());
    assert_eq!(store.collaborations().await.unwrap().len(), 1, "a rejection changes no collaboration");

    let reviews = store.audit_entries(&AuditFilter { action: Some("collaboration.review".into()), ..Default::default() }).await.unwrap();
    assert_eq!(reviews.len(), 3);
    assert!(reviews[0].after.as_deref().unwrap().contains("\"rejected\""));
});

both_backends!(partners_are_the_municipalities_that_share_a_collaboration, async |store: Store| {
    with_register(&store).await;
    assert_eq!(store.partners_by_organisation().await.unwrap(), BTreeMap::new());
    store.create_collaboration(&draft("A", &["GM0193", "GM0166", "GM0303"], &[]), &author()).await.unwrap();
    store.create_collaboration(&draft("B", &["GM0193", "GM0148"], &[]), &author()).await.unwrap();
    store.create_collaboration(&draft("C", &["GM0363"], &[]), &author()).await.unwrap();
    let partners = store.partners_by_organisation().await.unwrap();
    let expected = BTreeMap::from([
        (code("GM0148"), codes(&["GM0193"])),
        (code("GM0166"), codes(&["GM0193", "GM0303"])),
        (code("GM0193"), codes(&["GM0148", "GM0166", "GM0303"])),
        (code("GM0303"), codes(&["GM0166", "GM0193"])),
    ]);
    assert_eq!(partners, expected, "Amsterdam, alone in its collaboration, has no partners");
});

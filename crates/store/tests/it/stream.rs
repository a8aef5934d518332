//! The store's contract for reading a wave's responses as a stream, for exports, on both backends.

use crate::fixtures::{CATALOGUE, REGISTER, code, date};
use domain::catalogue::parse_catalogue_toml;
use domain::fieldwork::{Edit, Mode, NewWave, ResponseState, Wave, WaveId, WaveState};
use domain::questionnaire::Answers;
use domain::register::{OrgCode, check_successions, parse_register_csv};
use futures_util::{StreamExt, TryStreamExt};
use inbeeld_store::testing::author;
use inbeeld_store::{SaveAnswers, Store, both_backends};

async fn open_wave(store: &Store, id: &str) -> Wave {
    let draft = NewWave {
        id: WaveId::parse(id).unwrap(),
        title: "Meting".into(),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: "vragenlijst".into(),
        opens_on: date("2010-10-01"),
        closes_on: date("2011-03-31"),
    };
    let draft = store.create_wave(&draft, false, &author()).await.unwrap();
    store.set_wave_state(&draft, WaveState::Open, &author()).await.unwrap();
    store.wave(&draft.id).await.unwrap()
}

async fn answer(store: &Store, wave: &Wave, organisation: &str, version: i64, json: &str, mode: Mode, submit: bool) {
    let answers: Answers = serde_json::from_str(json).unwrap();
    let save = SaveAnswers {
        wave: &wave.id,
        organisation: &code(organisation),
        questionnaire_id: "vragenlijst",
        questionnaire_version: version,
        answers: &answers,
        mode: &mode,
        based_on: None,
        edit: Edit::Draft,
        submit,
    };
    store.save_answers(&save, &author()).await.unwrap();
}

both_backends!(a_waves_responses_stream_with_their_organisation_drafts_included, async |store: Store| {
    let file = parse_register_csv(REGISTER);
    assert!(file.errors.is_empty() && check_successions(&file.organisations, []).is_empty());
    let organisations: Vec<_> = file.organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    store.import_catalogue(&parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap(), &author()).await.unwrap();
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text one", &author()).await.unwrap();
    let wave = open_wave(&store, "eerste-meting").await;
    let other = open_wave(&store, "andere-meting").await;
    assert!(store.stream_responses(&wave.id).next().await.is_none(), "no responses yet");
    assert_eq!(store.questionnaire_versions_in_wave(&wave.id).await.unwrap(), Vec::<i64>::new());

    let interview = Mode::Interview { date: date("2010-11-15"), interviewees: "J. Jansen".into() };
    answer(&store, &wave, "GM0363", 1, r#"{"leading_theme": "dienstverlening", "ict_staff": "twaalf"}"#, Mode::Online, false).await;
    answer(&store, &wave, "GM0344", 1, r#"{"blocks": {"digid": {"status": "in_use"}}}"#, interview.clone(), true).await;
    store.import_questionnaire("vragenlijst", "2", "Vragenlijst", "text two", &author()).await.unwrap();
    answer(&store, &wave, "GM0003", 2, r#"{"leading_theme": "bedrijfsvoering"}"#, Mode::Online, true).await;
    answer(&store, &other, "GM0518", 2, r#"{}"#, Mode::Online, false).await;

    let records: Vec<_> = store.stream_responses(&wave.id).try_collect().await.unwrap();
    let seen: Vec<(&str, &str, Option<&str>, i64, ResponseState)> = records
        .iter()
        .map(|r| {
            let response = &r.response;
            (
                response.organisation.as_str(),
                r.organisation_name.as_str(),
                r.province.as_ref().map(OrgCode::as_str),
                response.questionnaire_version,
                response.state,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("GM0003", "Appingedam", Some("PV20"), 2, ResponseState::Submitted),
            ("GM0344", "Utrecht", Some("PV26"), 1, ResponseState::Submitted),
            ("GM0363", "Amsterdam", Some("PV27"), 1, ResponseState::Draft),
        ],
        "by organisation code, drafts included, only this wave"
    );
    let stored = store.response(&wave.id, &code("GM0344")).await.unwrap().unwrap();
    assert_eq!(records[1].response, stored, "a streamed response is the response as stored");
    assert_eq!(records[1].response.mode, interview);
    assert_eq!(serde_json::to_string(&records[2].response.answers).unwrap(), r#"{"ict_staff":"twaalf","leading_theme":"dienstverlening"}"#);

    assert_eq!(store.questionnaire_versions_in_wave(&wave.id).await.unwrap(), [1, 2]);
    assert_eq!(store.questionnaire_versions_in_wave(&other.id).await.unwrap(), [2]);
    assert_eq!(store.response_count(&wave.id).await.unwrap(), 3);

    // A stream dropped halfway gives its connection back: the store goes on answering.
    let mut partial = store.stream_responses(&wave.id);
    assert!(partial.next().await.is_some());
    drop(partial);
    for _ in 0..12 {
        assert_eq!(store.response_count(&other.id).await.unwrap(), 1);
    }
});

//! A published wave's public answers per municipality, as open data (`/metingen/{wave}/antwoorden.{csv,xlsx,json}`
//! and the codebook) and in the API (`/api/v1/metingen/{id}/organisaties/{code}`), over a real listener, on SQLite
//! and on PostgreSQL. The wave is the demo's simulated first wave (380 submitted responses, each with a contact
//! e-mail address at voorbeeld.invalid), plus one municipality that only saved a draft.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use domain::fieldwork::{Edit, Mode, Wave, WaveState};
use domain::questionnaire::{Answer, Answers, SupportForm};
use domain::register::OrgCode;
use reqwest::StatusCode;
use serde_json::Value;
use store::testing::author;
use store::{SaveAnswers, Store, both_backends};
use support::{Site, download, read_csv, store_demo_wave};

const WAVE: &str = "eerste-meting";
const SUBMITTED: usize = 380;
/// Every fixed column the open data keeps; the rest are the answers to public questions.
const FIXED: [&str; 5] = ["wave", "organisation_code", "organisation_name", "province_code", "questionnaire_version"];
/// The public questions of the shipped questionnaire, in its order.
const PUBLIC: [&str; 7] = [
    "leading_theme",
    "blocks",
    "collective_support",
    "collaborates",
    "collaboration_areas",
    "future_collaboration",
    "future_collaboration_focus",
];
/// What never goes out: contact details, free texts, the other private questions, and how and when a response came in.
const PRIVATE: [&str; 16] = [
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "support_remarks",
    "partners",
    "leading_theme_other",
    "satisfaction",
    "ict_staff",
    "state",
    "mode",
    "interview_date",
    "interviewees",
    "started_at",
    "updated_at",
    "submitted_at",
];

struct Fixture {
    site: Site,
    /// The submitted answers, by municipality.
    submitted: BTreeMap<OrgCode, Answers>,
    /// A municipality that was asked and saved a draft, but did not submit.
    drafted: OrgCode,
}

/// The demo's simulated first wave, stored and published, with one more municipality's draft in it; beside it a
/// wave still in draft (`concept`).
async fn published_first_wave(store: &Store) -> Fixture {
    let site = Site::start(store, false).await;
    let demo = domain::demo::data().unwrap();
    let first = demo.first_wave().unwrap();
    store_demo_wave(store, &first, WaveState::Open).await;
    let wave = store.wave(&first.wave.id).await.unwrap();
    let submitted: BTreeMap<OrgCode, Answers> =
        first.responses.iter().map(|r| (r.organisation.clone(), demo.questionnaire.without_hidden(&r.answers))).collect();
    assert_eq!(submitted.len(), SUBMITTED);
    let drafted = first.asked.iter().find(|code| !submitted.contains_key(*code)).expect("a municipality that did not respond").clone();
    let draft: Answers = [
        ("leading_theme".to_owned(), Answer::Text("bedrijfsvoering".to_owned())),
        ("contact_email".to_owned(), Answer::Text("concept@voorbeeld.invalid".to_owned())),
    ]
    .into();
    save(store, &wave, &drafted, &draft, &Mode::Online, false).await;
    for state in [WaveState::Closed, WaveState::Published] {
        app::waves::move_wave(store, &store.wave(&wave.id).await.unwrap(), state, &author()).await.unwrap();
    }
    let mut concept = demo.second_wave().unwrap().wave;
    concept.id = domain::fieldwork::WaveId::parse("concept").unwrap();
    store.create_wave(&concept, false, &author()).await.unwrap();
    Fixture { site, submitted, drafted }
}

async fn save(store: &Store, wave: &Wave, organisation: &OrgCode, answers: &Answers, mode: &Mode, submit: bool) {
    let save = SaveAnswers {
        wave: &wave.id,
        organisation,
        questionnaire_id: &wave.questionnaire_id,
        questionnaire_version: wave.questionnaire_version,
        answers,
        mode,
        based_on: None,
        edit: Edit::Draft,
        submit,
    };
    store.save_answers(&save, &author()).await.unwrap();
}

/// The question a column answers: the part before the first dot (`blocks.digid.status` answers `blocks`).
fn question_of(column: &str) -> &str {
    column.split('.').next().unwrap()
}

/// The columns the open data must have, in order: the fixed ones, then per public question its columns.
fn expected_header() -> Vec<String> {
    let demo = domain::demo::data().unwrap();
    let catalogue = demo.first_wave().unwrap().catalogue;
    let areas = ["techniek", "processen-en-informatiemanagement", "strategie-en-beleid"];
    let mut header: Vec<String> = FIXED.map(str::to_owned).to_vec();
    header.push("leading_theme".into());
    for block in &catalogue.blocks {
        header.push(format!("blocks.{}.status", block.code));
        header.push(format!("blocks.{}.support", block.code));
        header.extend(SupportForm::ALL.map(|form| format!("blocks.{}.forms.{}", block.code, form.code())));
    }
    header.push("collective_support".into());
    header.push("collaborates".into());
    header.extend(areas.map(|area| format!("collaboration_areas.{area}")));
    header.push("future_collaboration".into());
    header.extend(areas.map(|area| format!("future_collaboration_focus.{area}")));
    header
}

both_backends!(the_open_data_has_the_public_answers_of_every_submitted_response_and_nothing_private, async |store: Store| {
    let Fixture { site, submitted, drafted } = published_first_wave(&store).await;
    let path = |ending: &str| format!("/metingen/{WAVE}/antwoorden{ending}");

    // CSV: the public columns only, one row per submitted response.
    let bytes = download(&site, &path(".csv"), "text/csv; charset=utf-8", "inbeeld-eerste-meting-antwoorden.csv").await;
    let body = String::from_utf8(bytes.clone()).unwrap();
    assert!(!body.contains("@voorbeeld.invalid"), "no contact e-mail address anywhere in the body");
    let (header, rows) = read_csv(&bytes);
    assert_eq!(header, expected_header());
    assert_eq!(header.len(), 5 + 1 + 18 * 6 + 1 + 1 + 3 + 1 + 3);
    for column in &header[FIXED.len()..] {
        assert!(PUBLIC.contains(&question_of(column)), "{column} is not a public question");
    }
    for private in PRIVATE {
        assert!(header.iter().all(|column| question_of(column) != private), "{private} is private");
    }
    assert_eq!(rows.len(), SUBMITTED, "one row per submitted response");
    let codes: BTreeSet<&str> = rows.iter().map(|row| row["organisation_code"].as_str()).collect();
    assert_eq!(codes, submitted.keys().map(OrgCode::as_str).collect::<BTreeSet<_>>(), "the draft is not published");
    assert!(!codes.contains(drafted.as_str()));
    for row in &rows {
        let answers = &submitted[&OrgCode::parse(&row["organisation_code"]).unwrap()];
        assert_eq!(row["wave"], WAVE);
        assert_eq!(row["questionnaire_version"], "1");
        assert!(row["province_code"].starts_with("PV"), "{row:?}");
        assert_eq!(Some(&Answer::Text(row["leading_theme"].clone())), answers.get("leading_theme"), "{row:?}");
        let Some(Answer::Matrix(blocks)) = answers.get("blocks") else { panic!("every response has a block matrix") };
        let digid = blocks.get("digid").and_then(|b| b.status).map(|s| s.code()).unwrap_or_default();
        assert_eq!(row["blocks.digid.status"], digid);
    }
    let amsterdam = rows.iter().find(|row| row["organisation_code"] == "GM0363");
    assert_eq!(amsterdam.is_some(), submitted.contains_key(&OrgCode::parse("GM0363").unwrap()));
    if let Some(amsterdam) = amsterdam {
        assert_eq!((amsterdam["organisation_name"].as_str(), amsterdam["province_code"].as_str()), ("Amsterdam", "PV27"));
    }

    // The codebook: one row per column, the rows saying that only submitted responses and public questions are in.
    let bytes = download(&site, &path("-codeboek.csv"), "text/csv; charset=utf-8", "inbeeld-eerste-meting-antwoorden-codeboek.csv").await;
    let (codebook_header, codebook) = read_csv(&bytes);
    assert_eq!(codebook_header, ["column", "question", "type", "label_nl", "label_en", "values", "versions"]);
    assert_eq!(codebook.iter().map(|row| row["column"].clone()).collect::<Vec<_>>(), header);
    assert!(codebook[0]["label_nl"].contains("die de vragenlijst indiende"), "{:?}", codebook[0]);
    assert!(codebook.iter().all(|row| !row["label_nl"].contains("e-mailadres")));

    // XLSX: opens, with the same header and rows, and the codebook.
    let bytes = download(
        &site,
        &path(".xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "inbeeld-eerste-meting-antwoorden.xlsx",
    )
    .await;
    let licence = support::xlsx_custom_property(&bytes, "license");
    assert_eq!(licence.as_deref(), Some("https://creativecommons.org/publicdomain/zero/1.0/"), "in the document properties");
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("responses").unwrap();
    let cells: Vec<Vec<String>> = sheet.rows().map(|row| row.iter().map(ToString::to_string).collect()).collect();
    assert_eq!(cells[0], header);
    assert_eq!(cells.len(), SUBMITTED + 1);
    assert!(cells.iter().flatten().all(|cell| !cell.contains("@voorbeeld.invalid")));
    let version = header.iter().position(|c| c == "questionnaire_version").unwrap();
    assert!(sheet.rows().skip(1).all(|row| row[version] == Data::Float(1.0)), "numbers are number cells");
    assert_eq!(workbook.worksheet_range("codebook").unwrap().rows().count(), header.len() + 1);

    // JSON: parses, with the wave, the codebook and the responses, each with only its public answers.
    let bytes = download(&site, &path(".json"), "application/json", "inbeeld-eerste-meting-antwoorden.json").await;
    assert!(!String::from_utf8_lossy(&bytes).contains("@voorbeeld.invalid"));
    let document: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(document["wave"]["id"], WAVE);
    assert_eq!(document["license"], "https://creativecommons.org/publicdomain/zero/1.0/", "open data states its licence");
    assert_eq!(document["codebook"].as_array().unwrap().len(), header.len());
    let responses = document["responses"].as_array().unwrap();
    assert_eq!(responses.len(), SUBMITTED);
    for response in responses {
        let keys: Vec<&str> = response.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["answers", "organisation_code", "organisation_name", "province_code", "questionnaire_id", "questionnaire_version"]
        );
        for question in response["answers"].as_object().unwrap().keys() {
            assert!(PUBLIC.contains(&question.as_str()), "{question}");
        }
        let answers = &submitted[&OrgCode::parse(response["organisation_code"].as_str().unwrap()).unwrap()];
        assert_eq!(response["answers"]["blocks"], serde_json::to_value(&answers["blocks"]).unwrap(), "as stored");
    }

    // CSVW metadata: every column of the CSV, in order, under the open-data licence.
    let bytes =
        download(&site, &path(".csv-metadata.json"), "application/csvm+json", "inbeeld-eerste-meting-antwoorden.csv-metadata.json").await;
    let metadata: Value = serde_json::from_slice(&bytes).unwrap();
    let titles: Vec<&str> = metadata["tableSchema"]["columns"].as_array().unwrap().iter().map(|c| c["titles"].as_str().unwrap()).collect();
    assert_eq!(titles, header);
    assert_eq!(metadata["dc:license"]["@id"], "https://creativecommons.org/publicdomain/zero/1.0/");
    assert_eq!(metadata["url"], format!("http://127.0.0.1:8080/metingen/{WAVE}/antwoorden.csv"));

    // The dashboard links the downloads and states their licence.
    let dashboard = site.page(&format!("/metingen/{WAVE}")).await;
    assert!(dashboard.contains(&format!("href=\"/metingen/{WAVE}/antwoorden.csv\"")), "the dashboard links the answers");
    assert!(dashboard.contains(&format!("href=\"/metingen/{WAVE}/antwoorden.csv-metadata.json\"")), "and their CSVW metadata");
    assert!(dashboard.contains("https://creativecommons.org/publicdomain/zero/1.0/deed.nl"), "the licence is stated");
});

both_backends!(a_wave_that_is_not_published_has_no_public_answers, async |store: Store| {
    let Fixture { site, .. } = published_first_wave(&store).await;
    for wave in ["concept", "bestaat-niet", "Geen_Id"] {
        for ending in [".csv", ".xlsx", ".json", "-codeboek.csv", ".csv-metadata.json"] {
            let path = format!("/metingen/{wave}/antwoorden{ending}");
            let response = site.get(&path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
            let body = response.text().await.unwrap();
            assert!(body.contains("Deze meting bestaat niet of is (nog) niet gepubliceerd."), "{path}: {body}");
        }
        // The API tells an id that cannot be one (400) from one that names no published wave (404).
        let (status, expected) = if wave == "Geen_Id" {
            (StatusCode::BAD_REQUEST, "'Geen_Id' is geen id van een meting")
        } else {
            (StatusCode::NOT_FOUND, "geen gepubliceerde meting")
        };
        let problem = site.problem(&format!("/api/v1/metingen/{wave}/organisaties/GM0363"), status).await;
        assert!(problem["detail"].as_str().unwrap().contains(expected), "{problem}");
    }
});

both_backends!(the_api_gives_one_municipalitys_public_answers_or_says_why_not, async |store: Store| {
    let Fixture { site, submitted, drafted } = published_first_wave(&store).await;
    let api = |code: &str| format!("/api/v1/metingen/{WAVE}/organisaties/{code}");

    // Amsterdam, and a municipality that certainly answered.
    let first = submitted.keys().next().unwrap().clone();
    let amsterdam = OrgCode::parse("GM0363").unwrap();
    for code in [amsterdam.clone(), first] {
        let Some(answers) = submitted.get(&code) else {
            let problem = site.problem(&api(code.as_str()), StatusCode::NOT_FOUND).await;
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains("Amsterdam (GM0363)") && detail.contains("niet ingediend"), "{detail}");
            continue;
        };
        let response = site.get(&api(code.as_str())).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.text().await.unwrap();
        assert!(!body.contains("@voorbeeld.invalid"), "{body}");
        let found: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((found["meting"].as_str(), found["code"].as_str()), (Some(WAVE), Some(code.as_str())));
        assert_eq!(found["gesimuleerd"], true);
        assert_eq!(found["vragenlijst"], "eerste-meting-2010");
        assert_eq!(found["vragenlijstVersie"], 1);
        if code == amsterdam {
            assert_eq!((found["naam"].as_str(), found["provincie"].as_str()), (Some("Amsterdam"), Some("PV27")));
        }
        let given = found["antwoorden"].as_array().unwrap();
        assert_eq!(given.iter().map(|a| a["vraag"].as_str().unwrap()).collect::<Vec<_>>(), PUBLIC, "every public question, in order");
        for answer in given {
            let question = answer["vraag"].as_str().unwrap();
            let expected = answers.get(question).filter(|a| !a.is_empty()).map(|a| serde_json::to_value(a).unwrap());
            assert_eq!(answer["antwoord"], expected.unwrap_or(Value::Null), "{question}");
            assert!(!answer["tekst"].as_str().unwrap().is_empty() && answer["vraagtype"].is_string());
        }
        assert_eq!(found["links"]["csv"], format!("/metingen/{WAVE}/antwoorden.csv"));
    }

    // Asked, but only a draft: not published, and not said to be a draft.
    let problem = site.problem(&api(drafted.as_str()), StatusCode::NOT_FOUND).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("({drafted}) heeft de vragenlijst van de meting 'eerste-meting' niet ingediend")), "{detail}");
    assert!(!detail.contains("concept"), "{detail}");
    // Not asked: a province, and a municipality that did not exist on the register date.
    let problem = site.problem(&api("PV27"), StatusCode::NOT_FOUND).await;
    assert!(problem["detail"].as_str().unwrap().contains("vroeg Noord-Holland (PV27) niet"), "{problem}");
    let problem = site.problem(&api("GM1980"), StatusCode::NOT_FOUND).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("vroeg Dijk en Waard (GM1980) niet") && detail.contains("2011-03-31"), "{detail}");
    let problem = site.problem(&api("GM9999"), StatusCode::NOT_FOUND).await;
    assert!(problem["detail"].as_str().unwrap().contains("het register kent geen organisatie met code 'GM9999'"), "{problem}");
    // A code that is not a code.
    for bad in ["amsterdam", "GM363", "0363"] {
        let problem = site.problem(&api(bad), StatusCode::BAD_REQUEST).await;
        assert!(problem["detail"].as_str().unwrap().contains("is geen CBS-code"), "{problem}");
    }
});

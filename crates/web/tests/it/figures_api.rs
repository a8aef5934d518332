//! The published figures as open data (`/metingen/{wave}/indicatoren.{csv,json,xlsx}` and the codebook) and in the
//! API (`/api/v1/metingen`), over a real listener, on SQLite and on PostgreSQL. The wave is small and made here
//! through the store, as fieldwork would make it: twelve municipalities answer, eleven in Noord-Holland (enough for
//! its figures) and one in Groningen (only its response is published).

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use domain::fieldwork::{Edit, Mode, NewWave, Wave, WaveId, WaveState};
use domain::questionnaire::{Answers, parse_questionnaire_toml};
use domain::register::{OrgCode, OrganisationKind};
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::author;
use store::{OrganisationFilter, SaveAnswers, Store, both_backends};
use support::{Site, download, read_csv};

const WAVE: &str = "testmeting";
/// The municipalities of the register on the wave's closing day, 2026-03-31.
const ASKED: u64 = 342;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn new_wave(id: &str) -> NewWave {
    NewWave {
        id: WaveId::parse(id).unwrap(),
        title: format!("Meting {id}"),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: "eerste-meting-2010".into(),
        opens_on: date("2025-10-01"),
        closes_on: date("2026-03-31"),
    }
}

async fn municipalities(store: &Store, province: &str) -> Vec<OrgCode> {
    let filter = OrganisationFilter {
        date: Some(date("2026-03-31")),
        province: Some(OrgCode::parse(province).unwrap()),
        kind: Some(OrganisationKind::Gemeente),
        search: None,
        population: None,
    };
    store.organisations(&filter).await.unwrap().into_iter().map(|o| o.code).collect()
}

fn answers(index: usize) -> Answers {
    let theme = if index.is_multiple_of(3) { "bedrijfsvoering" } else { "dienstverlening" };
    let digid = if index < 7 { "in_use" } else { "planned" };
    let plans = if index.is_multiple_of(2) { "ja" } else { "nee" };
    let mut value = json!({
        "leading_theme": theme,
        "blocks": {
            "bsn": {"status": "in_use", "support_needed": false},
            "digid": {"status": digid, "support_needed": index >= 7, "support_forms": if index >= 7 { vec!["on_site_help"] } else { vec![] }},
            "bag": {"status": "implementing", "support_needed": true, "support_forms": ["knowledge_base"]}
        },
        "collective_support": if index.is_multiple_of(4) { "nee" } else { "ja" },
        "collaborates": "ja",
        "collaboration_areas": ["techniek"],
        "future_collaboration": plans,
    });
    if plans == "ja" {
        value["future_collaboration_focus"] = json!(["techniek", "strategie-en-beleid"]);
    }
    serde_json::from_value(value).unwrap()
}

/// The register, population and catalogues of the demo; the shipped questionnaire; a published wave with twelve
/// responses (eleven in PV27, one in PV20); a wave still in draft (`concept`) and one closed (`gesloten`).
async fn published_wave(store: &Store, simulated: bool) -> Site {
    let site = Site::start(store, false).await;
    let source = domain::demo::QUESTIONNAIRE_SOURCE;
    let questionnaire = parse_questionnaire_toml(source, "eerste-meting-2010.toml").unwrap();
    store.import_questionnaire(&questionnaire.id, &questionnaire.version, "Eerste meting", source, &author()).await.unwrap();

    let wave = store.create_wave(&new_wave(WAVE), simulated, &author()).await.unwrap();
    store.set_wave_state(&wave, WaveState::Open, &author()).await.unwrap();
    let noord_holland = municipalities(store, "PV27").await;
    let groningen = municipalities(store, "PV20").await;
    let respondents: Vec<&OrgCode> = noord_holland.iter().take(11).chain(groningen.first()).collect();
    assert_eq!(respondents.len(), 12);
    for (index, organisation) in respondents.into_iter().enumerate() {
        let given = answers(index);
        let save = SaveAnswers {
            wave: &wave.id,
            organisation,
            questionnaire_id: &wave.questionnaire_id,
            questionnaire_version: wave.questionnaire_version,
            answers: &given,
            mode: &Mode::Online,
            based_on: None,
            edit: Edit::Draft,
            submit: true,
        };
        store.save_answers(&save, &author()).await.unwrap();
    }
    move_to(store, &wave.id, WaveState::Closed).await;
    move_to(store, &wave.id, WaveState::Published).await;

    store.create_wave(&new_wave("concept"), false, &author()).await.unwrap();
    let closed = store.create_wave(&new_wave("gesloten"), false, &author()).await.unwrap();
    move_to(store, &closed.id, WaveState::Open).await;
    move_to(store, &closed.id, WaveState::Closed).await;
    site
}

async fn move_to(store: &Store, id: &WaveId, state: WaveState) {
    let wave: Wave = store.wave(id).await.unwrap();
    store.set_wave_state(&wave, state, &author()).await.unwrap();
}

async fn csv_rows(site: &Site) -> Vec<BTreeMap<String, String>> {
    let bytes =
        download(site, &format!("/metingen/{WAVE}/indicatoren.csv"), "text/csv; charset=utf-8", "inbeeld-testmeting-indicatoren.csv").await;
    let (header, rows) = read_csv(&bytes);
    assert_eq!(
        header,
        ["indicator", "groep", "categorie", "omschrijving", "aantal", "n", "populatie", "waarde", "ondergrens", "bovengrens", "meting"]
    );
    rows
}

fn find<'a>(rows: &'a [BTreeMap<String, String>], indicator: &str, group: &str, category: &str) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["indicator"] == indicator && r["groep"] == group && r["categorie"] == category)
        .unwrap_or_else(|| panic!("no row {indicator} {group} {category}"))
}

/// A CSV row as the JSON row it should be: the same names, the numbers read as numbers, an empty cell as null.
fn as_json(row: &BTreeMap<String, String>) -> Value {
    let number = |name: &str| {
        let cell = &row[name];
        if cell.is_empty() { Value::Null } else { json!(cell.parse::<f64>().unwrap()) }
    };
    let whole = |name: &str| {
        let cell = &row[name];
        if cell.is_empty() { Value::Null } else { json!(cell.parse::<u64>().unwrap()) }
    };
    json!({
        "indicator": row["indicator"], "groep": row["groep"], "categorie": row["categorie"], "omschrijving": row["omschrijving"],
        "aantal": whole("aantal"), "n": whole("n"), "populatie": whole("populatie"),
        "waarde": number("waarde"), "ondergrens": number("ondergrens"), "bovengrens": number("bovengrens"),
        "meting": if row["meting"].is_empty() { Value::Null } else { json!(row["meting"]) },
    })
}

/// Numbers compared as numbers (1 and 1.0 alike), everything else as it is. serde_json's default parser (the
/// client's) may read a decimal one unit in the last place off, so numbers agree to 15 digits here; the exact text
/// is checked on the body itself.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-15 * x.abs().max(y.abs())
        }
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        _ => a == b,
    }
}

both_backends!(the_csv_has_a_header_and_the_national_response, async |store: Store| {
    let site = published_wave(&store, false).await;
    let rows = csv_rows(&site).await;
    assert_eq!(rows[0]["indicator"], "respons", "the national response comes first");
    let response = find(&rows, "respons", "nederland", "");
    assert_eq!((response["aantal"].as_str(), response["n"].parse::<u64>().unwrap()), ("12", ASKED));
    assert_eq!(response["waarde"].parse::<f64>().unwrap(), 12.0 / ASKED as f64, "every digit, with a decimal point");
    let digid = find(&rows, "bouwsteen_in_gebruik", "nederland", "digid");
    assert_eq!((digid["aantal"].as_str(), digid["n"].as_str(), digid["omschrijving"].as_str()), ("7", "12", "DigiD"));
    let (low, high) = (digid["ondergrens"].parse::<f64>().unwrap(), digid["bovengrens"].parse::<f64>().unwrap());
    assert!(low < 7.0 / 12.0 && 7.0 / 12.0 < high, "an interval around the share: {low} {high}");

    let groningen: Vec<_> = rows.iter().filter(|r| r["groep"] == "provincie:PV20").collect();
    assert_eq!(groningen.len(), 1, "a province below the minimum n publishes only its response");
    assert_eq!((groningen[0]["indicator"].as_str(), groningen[0]["aantal"].as_str()), ("respons", "1"));
    let noord_holland = find(&rows, "respons", "provincie:PV27", "");
    assert_eq!(noord_holland["aantal"], "11");
    assert!(rows.iter().filter(|r| r["groep"] == "provincie:PV27").count() > 100, "every figure of a province that reached it");
    assert!(rows.iter().any(|r| r["groep"].starts_with("grootteklasse:")));
});

both_backends!(the_json_and_the_api_give_the_numbers_of_the_csv, async |store: Store| {
    let site = published_wave(&store, false).await;
    let rows = csv_rows(&site).await;
    let bytes =
        download(&site, &format!("/metingen/{WAVE}/indicatoren.json"), "application/json", "inbeeld-testmeting-indicatoren.json").await;
    let document: Value = serde_json::from_slice(&bytes).unwrap();
    let body = String::from_utf8(bytes).unwrap();
    let digid = find(&rows, "bouwsteen_in_gebruik", "nederland", "digid");
    for name in ["waarde", "ondergrens", "bovengrens"] {
        assert!(body.contains(&format!("\"{name}\":{}", digid[name])), "{name} {} with the same digits in the JSON", digid[name]);
    }
    assert_eq!(document["meting"]["id"], WAVE);
    assert_eq!((document["simulatie"].clone(), document["minimumN"].clone()), (json!(false), json!(10)));
    let published = document["indicatoren"].as_array().unwrap();
    assert_eq!(published.len(), rows.len());
    for (csv, json) in rows.iter().zip(published) {
        assert!(same(&as_json(csv), json), "the same figure in CSV and JSON: {csv:?} against {json}");
    }

    let api = site.json(&format!("/api/v1/metingen/{WAVE}/indicatoren")).await;
    assert!(same(&api["indicatoren"], &document["indicatoren"]), "the API publishes the rows of the download");
    assert_eq!(api["aantal"], json!(rows.len()));

    let one = site.json(&format!("/api/v1/metingen/{WAVE}/indicatoren?groep=nederland&indicator=bouwsteen_in_gebruik")).await;
    let figures = one["indicatoren"].as_array().unwrap();
    assert_eq!(figures.len(), 18, "one row per block of NUP 2008");
    let digid = figures.iter().find(|f| f["categorie"] == "digid").unwrap();
    assert!(same(digid, &as_json(find(&rows, "bouwsteen_in_gebruik", "nederland", "digid"))));
    assert_eq!(one["definities"].as_array().unwrap().len(), 1);
    assert_eq!(one["definities"][0]["code"], "bouwsteen_in_gebruik");
    assert!(one["definities"][0]["definitie"].as_str().unwrap().contains("in gebruik"));

    let province = site.json(&format!("/api/v1/metingen/{WAVE}/indicatoren?groep=provincie:PV27")).await;
    let csv_province: Vec<Value> = rows.iter().filter(|r| r["groep"] == "provincie:PV27").map(as_json).collect();
    assert!(same(&province["indicatoren"], &Value::Array(csv_province)));
    assert_eq!(province["groep"], "provincie:PV27");

    let detail = site.json(&format!("/api/v1/metingen/{WAVE}")).await;
    assert_eq!(detail["respons"], json!({"aantal": 12, "gevraagd": ASKED, "aandeel": 12.0 / ASKED as f64}));
    let headline: Vec<&str> = detail["kerncijfers"].as_array().unwrap().iter().map(|f| f["indicator"].as_str().unwrap()).collect();
    for indicator in
        ["respons", "leidend_thema", "adoptie_gemiddelde", "collectieve_ondersteuning", "samenwerking_ict", "samenwerking_focus"]
    {
        assert!(headline.contains(&indicator), "{indicator} among the headline figures");
    }
    let collective = detail["kerncijfers"].as_array().unwrap().iter().find(|f| f["indicator"] == "collectieve_ondersteuning").unwrap();
    assert!(same(collective, &as_json(find(&rows, "collectieve_ondersteuning", "nederland", ""))));
    let groups = detail["groepen"].as_array().unwrap();
    let group = |code: &str| groups.iter().find(|g| g["code"] == code).unwrap_or_else(|| panic!("{code}"));
    assert_eq!(
        (group("provincie:PV27")["gepubliceerd"].clone(), group("provincie:PV27")["naam"].clone()),
        (json!(true), json!("Noord-Holland"))
    );
    assert_eq!(group("provincie:PV20")["gepubliceerd"], json!(false));
    assert_eq!(group("provincie:PV20")["respons"]["aantal"], json!(1));
});

both_backends!(a_wave_that_is_not_published_is_not_found, async |store: Store| {
    let site = published_wave(&store, false).await;
    let list = site.json("/api/v1/metingen").await;
    assert_eq!(list["aantal"], 1, "only the published wave: {list}");
    assert_eq!(list["metingen"][0]["id"], WAVE);
    assert_eq!(list["metingen"][0]["peildatumRegister"], "2026-03-31");
    assert_eq!(list["metingen"][0]["catalogus"], json!({"id": "nup-2008", "versie": "2008"}));
    assert_eq!(list["metingen"][0]["links"]["indicatoren"], format!("/api/v1/metingen/{WAVE}/indicatoren"));
    assert_eq!(list["metingen"][0]["links"]["csv"], format!("/metingen/{WAVE}/indicatoren.csv"));

    for wave in ["concept", "gesloten", "bestaat-niet", "Geen%20id"] {
        for ending in
            ["indicatoren.csv", "indicatoren.json", "indicatoren.xlsx", "indicatoren-codeboek.csv", "indicatoren.csv-metadata.json"]
        {
            let path = format!("/metingen/{wave}/{ending}");
            let response = site.get(&path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(response.headers().get("content-disposition").is_none(), "{path}");
        }
        // The API tells an id that cannot be one (400) from one that names no published wave (404).
        let status = if wave.contains('%') { StatusCode::BAD_REQUEST } else { StatusCode::NOT_FOUND };
        let problem = site.problem(&format!("/api/v1/metingen/{wave}"), status).await;
        let expected = if status == StatusCode::NOT_FOUND { "/api/v1/metingen" } else { "'Geen id' is geen id van een meting" };
        assert!(problem["detail"].as_str().unwrap().contains(expected), "{problem}");
        site.problem(&format!("/api/v1/metingen/{wave}/indicatoren"), status).await;
        site.problem(&format!("/api/v1/metingen/{wave}/indicatoren?groep=nederland"), status).await;
    }
});

both_backends!(a_group_is_checked_and_a_small_one_publishes_only_its_response, async |store: Store| {
    let site = published_wave(&store, false).await;
    let path = |query: &str| format!("/api/v1/metingen/{WAVE}/indicatoren?{query}");

    for wrong in ["provincie:XX", "provincie:GM0363", "grootteklasse:9", "gemeente:GM0363", "PV27"] {
        let problem = site.problem(&path(&format!("groep={wrong}")), StatusCode::BAD_REQUEST).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("groep") && detail.contains("provincie:PV27") && detail.contains("grootteklasse:onbekend"), "{detail}");
        assert!(problem.get("indicatoren").is_none());
    }
    let problem = site.problem(&path("groep=provincie:PV99"), StatusCode::NOT_FOUND).await;
    assert!(problem["detail"].as_str().unwrap().contains("provincie:PV99"), "{problem}");

    let small = site.problem(&path("groep=provincie:PV20"), StatusCode::BAD_REQUEST).await;
    let detail = small["detail"].as_str().unwrap();
    assert!(detail.contains("minimale n van 10") && detail.contains("n = 1") && detail.contains("Groningen"), "{detail}");
    let keys: Vec<&str> = small.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["detail", "status", "title"], "no figures");
    site.problem(&path("groep=provincie:PV20&indicator=bouwsteen_in_gebruik"), StatusCode::BAD_REQUEST).await;
    let response = site.json(&path("groep=provincie:PV20&indicator=respons")).await;
    assert_eq!(response["aantal"], 1, "its response is published: {response}");
    assert_eq!(
        (response["indicatoren"][0]["aantal"].clone(), response["indicatoren"][0]["groep"].clone()),
        (json!(1), json!("provincie:PV20"))
    );

    let problem = site.problem(&path("indicator=onzin"), StatusCode::BAD_REQUEST).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("indicator") && detail.contains("onzin") && detail.contains("bouwsteen_in_gebruik"), "{detail}");

    let large = site.json(&path("groep=Provincie:pv27&indicator=respons")).await;
    assert_eq!(large["indicatoren"][0]["aantal"], 11);
    assert_eq!(large["groep"], "provincie:PV27");
    let sizes = site.json(&path("indicator=respons")).await;
    assert!(sizes["indicatoren"].as_array().unwrap().iter().any(|f| f["groep"].as_str().unwrap().starts_with("grootteklasse:")));
});

both_backends!(the_workbook_and_the_codebook_hold_the_table_and_say_it_is_simulated, async |store: Store| {
    let site = published_wave(&store, true).await;
    let rows = csv_rows(&site).await;

    let bytes = download(
        &site,
        &format!("/metingen/{WAVE}/indicatoren.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "inbeeld-testmeting-indicatoren.xlsx",
    )
    .await;
    let licence = support::xlsx_custom_property(&bytes, "license");
    assert_eq!(licence.as_deref(), Some("https://creativecommons.org/publicdomain/zero/1.0/"), "open data states its licence");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("indicatoren").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(cells.len(), rows.len() + 1, "a header and every row");
    assert_eq!(cells[0][0], Data::String("indicator".into()));
    assert_eq!(cells[0][9], Data::String("bovengrens".into()));
    assert_eq!((cells[1][0].clone(), cells[1][1].clone()), (Data::String("respons".into()), Data::String("nederland".into())));
    assert_eq!(cells[1][4], Data::Float(12.0), "a count is a number cell");
    assert_eq!(cells[1][5], Data::Float(ASKED as f64));
    let csv_value: f64 = rows[0]["waarde"].parse().unwrap();
    assert_eq!(cells[1][7], Data::Float(csv_value), "the same value as the CSV");
    let codebook = workbook.worksheet_range("codeboek").unwrap();
    let texts: Vec<String> = codebook.rows().map(|r| r.iter().map(ToString::to_string).collect::<Vec<_>>().join("|")).collect();
    assert!(texts.iter().any(|t| t.starts_with("simulatie|ja|")), "{texts:?}");

    let bytes = download(
        &site,
        &format!("/metingen/{WAVE}/indicatoren-codeboek.csv"),
        "text/csv; charset=utf-8",
        "inbeeld-testmeting-indicatoren-codeboek.csv",
    )
    .await;
    let (header, entries) = read_csv(&bytes);
    assert_eq!(header, ["onderdeel", "code", "naam", "omschrijving"]);
    let of = |part: &str| entries.iter().filter(|e| e["onderdeel"] == part).map(|e| e["code"].clone()).collect::<Vec<_>>();
    assert_eq!(of("simulatie"), ["ja"], "a simulated wave says so");
    let simulated = entries.iter().find(|e| e["onderdeel"] == "simulatie").unwrap();
    assert!(simulated["omschrijving"].contains("gesimuleerd"));
    assert_eq!(of("meting"), [WAVE]);
    assert_eq!(
        of("kolom"),
        ["indicator", "groep", "categorie", "omschrijving", "aantal", "n", "populatie", "waarde", "ondergrens", "bovengrens", "meting"]
    );
    let defined: BTreeSet<String> = of("indicator").into_iter().collect();
    let used: BTreeSet<String> = rows.iter().map(|r| r["indicator"].clone()).collect();
    assert!(used.is_subset(&defined), "every indicator in the CSV is in the codebook: {:?}", used.difference(&defined).collect::<Vec<_>>());
    assert!(entries.iter().all(|e| e["onderdeel"] != "indicator" || !e["omschrijving"].is_empty()), "with its definition");
    let rule = entries.iter().find(|e| e["onderdeel"] == "regel" && e["code"] == "minimum_n").unwrap();
    assert!(rule["omschrijving"].contains("10 responderende gemeenten"), "{rule:?}");
    let mapping = entries.iter().find(|e| e["onderdeel"] == "regel" && e["code"] == "omrekening").unwrap();
    assert_eq!(mapping["omschrijving"], domain::analysis::trend::MAPPING_RULE, "how a trend maps waves onto a division");

    let document: Value = site.get(&format!("/metingen/{WAVE}/indicatoren.json")).await.json().await.unwrap();
    assert_eq!((document["simulatie"].clone(), document["meting"]["gesimuleerd"].clone()), (json!(true), json!(true)));
    assert_eq!(site.json(&format!("/api/v1/metingen/{WAVE}")).await["gesimuleerd"], json!(true));
});

both_backends!(the_csv_is_described_by_its_csvw_metadata_under_the_open_data_licence, async |store: Store| {
    let site = published_wave(&store, false).await;
    let bytes = download(
        &site,
        &format!("/metingen/{WAVE}/indicatoren.csv-metadata.json"),
        "application/csvm+json",
        "inbeeld-testmeting-indicatoren.csv-metadata.json",
    )
    .await;
    let metadata: Value = serde_json::from_slice(&bytes).unwrap();
    // The site's public address, which the tests leave at its default.
    assert_eq!(metadata["url"], format!("http://127.0.0.1:8080/metingen/{WAVE}/indicatoren.csv"), "the CSV it describes, by its address");
    assert_eq!(metadata["dc:license"]["@id"], "https://creativecommons.org/publicdomain/zero/1.0/");
    assert_eq!(metadata["@context"][0], "http://www.w3.org/ns/csvw");

    // Every column described in order, and every cell of its declared datatype.
    let csv =
        download(&site, &format!("/metingen/{WAVE}/indicatoren.csv"), "text/csv; charset=utf-8", "inbeeld-testmeting-indicatoren.csv")
            .await;
    let (header, rows) = read_csv(&csv);
    let columns = metadata["tableSchema"]["columns"].as_array().unwrap();
    let titles: Vec<&str> = columns.iter().map(|c| c["titles"].as_str().unwrap()).collect();
    assert_eq!(titles, header);
    for column in columns {
        let (name, datatype) = (column["titles"].as_str().unwrap(), column["datatype"].as_str().unwrap());
        assert!(!column["dc:description"].as_str().unwrap().is_empty(), "{name} is described");
        assert_eq!(column["null"], "", "an empty cell is no value");
        for row in rows.iter().filter(|row| !row[name].is_empty()) {
            let cell = &row[name];
            let fits = match datatype {
                "integer" => cell.parse::<i64>().is_ok(),
                "number" => cell.parse::<f64>().is_ok_and(f64::is_finite),
                "string" => true,
                other => panic!("{name}: datatype {other} is not checked here"),
            };
            assert!(fits, "{name}: '{cell}' is no {datatype}");
        }
    }
    assert_eq!(columns.iter().filter(|c| c["datatype"] == "integer").count(), 3, "aantal, n and populatie count");

    let json: Value = site.get(&format!("/metingen/{WAVE}/indicatoren.json")).await.json().await.unwrap();
    assert_eq!(json["licentie"], "https://creativecommons.org/publicdomain/zero/1.0/", "the JSON states its licence");
});

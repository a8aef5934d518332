//! Exports of 100,000 synthetic responses (the NUP 2008 matrix of 18 blocks and the 15 other questions of the
//! shipped questionnaire) to CSV, XLSX and JSON, each into a file, streamed from a SQLite database.
//!
//! The database is filled once and kept in Cargo's temporary folder for benchmarks, so that later runs and the
//! peak-memory measurement of the real binary can use it:
//!
//! ```text
//! cargo bench -p inbeeld-app --bench export
//! DATABASE_URL=sqlite://<path printed by the bench> /usr/bin/time -v \
//!     target/release/inbeeld export responses --format xlsx --out /tmp/responses.xlsx
//! ```
//!
//! A wave holds one response per organisation, and CBS codes allow at most 10,000 municipalities (GM0000 to
//! GM9999). To reach 100,000 responses in one wave, the benchmark's register spells each code ten ways (case and
//! surrounding spaces); the store reads every spelling back as the same code, so the export path is the real one.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot go on should stop loudly

use std::fs::File;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::catalogue::parse_catalogue_toml;
use domain::fieldwork::{NewWave, WaveId};
use futures_util::StreamExt;
use inbeeld_app::export::{Export, write_csv, write_json, write_xlsx};
use sqlx::Connection;
use store::Store;

const RESPONSES: usize = 100_000;
const CATALOGUE: &str = include_str!("../../../data/catalogues/nup-2008.toml");
const QUESTIONNAIRE: &str = include_str!("../../../data/questionnaires/eerste-meting-2010.toml");
const WAVE: &str = "bench-meting";
const STATUSES: [&str; 5] = ["not_started", "orienting", "planned", "implementing", "in_use"];
const FORMS: [&str; 4] = ["regional_meetings", "knowledge_base", "architectures_standards", "on_site_help"];
const THEMES: [&str; 5] = ["dienstverlening", "bedrijfsvoering", "informatievoorziening", "ketensamenwerking", "anders"];
const AREAS: [&str; 3] = ["techniek", "processen-en-informatiemanagement", "strategie-en-beleid"];

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A small deterministic generator, so that every run exports the same data.
struct Draws(u64);

impl Draws {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as usize
    }
}

/// The ten spellings of code `n` that the store reads back as the same CBS code.
fn spelling(n: usize) -> String {
    let code = format!("{:04}", n % 10_000);
    match n / 10_000 {
        0 => format!("GM{code}"),
        1 => format!("gm{code}"),
        2 => format!("Gm{code}"),
        3 => format!("gM{code}"),
        4 => format!(" GM{code}"),
        5 => format!("GM{code} "),
        6 => format!(" gm{code}"),
        7 => format!("gm{code} "),
        8 => format!(" Gm{code}"),
        _ => format!("Gm{code} "),
    }
}

fn answers(draws: &mut Draws, blocks: &[String]) -> String {
    let mut matrix = serde_json::Map::new();
    for block in blocks {
        let mut answer = serde_json::Map::new();
        answer.insert("status".into(), STATUSES[draws.next(5)].into());
        let needed = draws.next(3) == 0;
        answer.insert("support_needed".into(), needed.into());
        if needed {
            let forms: Vec<&str> = FORMS.iter().copied().filter(|_| draws.next(2) == 0).collect();
            answer.insert("support_forms".into(), forms.into());
        }
        matrix.insert(block.clone(), answer.into());
    }
    let theme = THEMES[draws.next(5)];
    let collaborates = draws.next(4) != 0;
    let mut answers = serde_json::json!({
        "leading_theme": theme,
        "blocks": matrix,
        "collective_support": if draws.next(5) == 0 { "nee" } else { "ja" },
        "support_remarks": "Meer kennisdeling in de regio, graag; en een handreiking voor de =koppeling met de basisregistraties.",
        "collaborates": if collaborates { "ja" } else { "nee" },
        "future_collaboration": "ja",
        "future_collaboration_focus": AREAS.iter().copied().filter(|_| draws.next(2) == 0).collect::<Vec<_>>(),
        "satisfaction": 1 + draws.next(5),
        "ict_staff": draws.next(200),
        "contact_name": "E. Coördinator",
        "contact_role": "e-coördinator",
        "contact_email": "e-coordinator@gemeente.example",
        "contact_phone": "+31 20 123 4567",
    });
    if theme == "anders" {
        answers["leading_theme_other"] = "Informatieveiligheid".into();
    }
    if collaborates {
        answers["partners"] = "Buurgemeente\nRegionaal samenwerkingsverband".into();
        answers["collaboration_areas"] = AREAS.iter().copied().filter(|_| draws.next(2) == 0).collect::<Vec<_>>().into();
    }
    answers.to_string()
}

/// The benchmark's database: made and filled on first use, then kept.
async fn database() -> String {
    let path = folder().join(format!("export-bench-{RESPONSES}.sqlite"));
    let url = format!("sqlite://{}", path.display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let wave = WaveId::parse(WAVE).unwrap();
    if store.response_count(&wave).await.unwrap_or(0) == RESPONSES as u64 {
        return url;
    }
    eprintln!("filling {} with {RESPONSES} responses (once)", path.display());
    let author =
        domain::audit::Author::new(domain::audit::Actor::CommandLine { os_user: "bench".into() }, domain::audit::Origin::default());
    let catalogue = parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap();
    store.import_catalogue(&catalogue, &author).await.unwrap();
    let questionnaire = domain::questionnaire::parse_questionnaire_toml(QUESTIONNAIRE, "eerste-meting-2010.toml").unwrap();
    store.import_questionnaire(&questionnaire.id, &questionnaire.version, &questionnaire.title.nl, QUESTIONNAIRE, &author).await.unwrap();
    let new = NewWave {
        id: wave.clone(),
        title: "Benchmark".into(),
        catalogue_id: catalogue.id.clone(),
        catalogue_version: catalogue.version.clone(),
        questionnaire_id: questionnaire.id.clone(),
        opens_on: "2010-10-01".parse().unwrap(),
        closes_on: "2011-03-31".parse().unwrap(),
    };
    if store.wave(&wave).await.is_err() {
        store.create_wave(&new, true, &author).await.unwrap();
    }
    store.close().await;

    let blocks: Vec<String> = catalogue.blocks.iter().map(|b| b.code.clone()).collect();
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mut transaction = connection.begin().await.unwrap();
    sqlx::query("DELETE FROM responses WHERE wave_id = $1").bind(WAVE).execute(&mut *transaction).await.unwrap();
    let mut draws = Draws(2010);
    for n in 0..RESPONSES {
        let code = spelling(n);
        sqlx::query(
            "INSERT INTO organisations (code, kind, name, province_code, valid_from) VALUES ($1, 'gemeente', $2, $3, '2011-01-01')
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(&code)
        .bind(format!("Gemeente {n}"))
        .bind(format!("PV{}", 20 + n % 12))
        .execute(&mut *transaction)
        .await
        .unwrap();
        let submitted = draws.next(10) != 0;
        let interview = draws.next(8) == 0;
        sqlx::query(
            "INSERT INTO responses (wave_id, organisation_code, questionnaire_id, questionnaire_version, answers, state, mode,
                interview_date, interviewees, started_at, updated_at, submitted_at, revision)
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, '2010-10-12T09:30:00Z', '2010-11-02T14:00:00Z', $9, 3)",
        )
        .bind(WAVE)
        .bind(&code)
        .bind(&questionnaire.id)
        .bind(answers(&mut draws, &blocks))
        .bind(if submitted { "submitted" } else { "draft" })
        .bind(if interview { "interview" } else { "online" })
        .bind(interview.then_some("2010-11-15"))
        .bind(interview.then_some("J. Jansen (e-coördinator), wethouder"))
        .bind(submitted.then_some("2010-11-02T14:00:00Z"))
        .execute(&mut *transaction)
        .await
        .unwrap();
    }
    transaction.commit().await.unwrap();
    url
}

fn exports(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = runtime.block_on(database());
    eprintln!("database: {url}");
    let store = runtime.block_on(Store::connect(&url)).unwrap();
    let wave = runtime.block_on(store.wave(&WaveId::parse(WAVE).unwrap())).unwrap();
    let export = runtime.block_on(Export::prepare(&store, wave)).unwrap();
    let out = |name: &str| File::create(folder().join(name)).unwrap();

    let mut group = c.benchmark_group("export_100k_responses");
    group.sample_size(10).measurement_time(Duration::from_secs(30)).throughput(Throughput::Elements(RESPONSES as u64));
    // What every format pays before encoding: reading and decoding the responses.
    group.bench_function("read_only", |b| {
        b.iter(|| assert_eq!(runtime.block_on(export.responses(&store).count()), RESPONSES));
    });
    group.bench_function("csv", |b| {
        b.iter(|| {
            assert_eq!(runtime.block_on(write_csv(&export.layout, export.responses(&store), out("bench.csv"))).unwrap(), RESPONSES as u64)
        });
    });
    group.bench_function("xlsx", |b| {
        b.iter(|| {
            assert_eq!(runtime.block_on(write_xlsx(&export, export.responses(&store), out("bench.xlsx"))).unwrap(), RESPONSES as u64)
        });
    });
    group.bench_function("json", |b| {
        b.iter(|| {
            assert_eq!(runtime.block_on(write_json(&export, export.responses(&store), out("bench.json"))).unwrap(), RESPONSES as u64)
        });
    });
    group.finish();
}

criterion_group!(benches, exports);
criterion_main!(benches);

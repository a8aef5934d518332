//! `/open-data/catalogus.jsonld`: the open data as a catalogue can read it, in DCAT-AP 3 (and so DCAT-AP-DONL) as
//! JSON-LD. One `dcat:Catalog` with two `dcat:Dataset`s per published wave, its indicators and its public answers,
//! each with a distribution per format (CSV, JSON, XLSX) at the addresses `open_data` and `answers` serve. Every
//! address is absolute, on the site's public URL. A data set's `dct:modified` is the time of the newest audited
//! change that the data set shows (`DataVersions::newest_change`): the wave's own answers and state, and what else
//! its files draw on.

use app::export::OPEN_DATA_LICENCE;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::data_version::{Data, Shows, WavesShown};
use domain::fieldwork::Wave;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::WebError;
use crate::figures::{WAVE_FIGURES, published_waves};
use crate::format;

/// Where the catalogue is served.
pub const PATH: &str = "/open-data/catalogus.jsonld";
/// The media type of JSON-LD.
const JSON_LD: &str = "application/ld+json";
/// The publisher: what the site calls itself, as it has no other name for its institute.
const PUBLISHER: &str = "inbeeld";
const NETHERLANDS: &str = "http://publications.europa.eu/resource/authority/country/NLD";
const DUTCH: &str = "http://publications.europa.eu/resource/authority/language/NLD";
const GOVERNMENT_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme/GOVE";
const THEMES: &str = "http://publications.europa.eu/resource/authority/data-theme";
const PUBLIC_ACCESS: &str = "http://publications.europa.eu/resource/authority/access-right/PUBLIC";
const FILE_TYPES: &str = "http://publications.europa.eu/resource/authority/file-type/";
const MEDIA_TYPES: &str = "https://www.iana.org/assignments/media-types/";

/// The public answers show the register's names beside the wave's own answers; unlike the indicators, no trend.
const ANSWERS_DRAW_ON: Shows = Shows { data: &[Data::Register], waves: WavesShown::None };

/// The two data sets of a published wave.
#[derive(Clone, Copy)]
enum Kind {
    Indicators,
    Answers,
}

impl Kind {
    const ALL: [Kind; 2] = [Kind::Indicators, Kind::Answers];

    /// The start of its files' names, as `/metingen/{wave}/` serves them.
    fn file(self) -> &'static str {
        match self {
            Kind::Indicators => "indicatoren",
            Kind::Answers => "antwoorden",
        }
    }

    fn draws_on(self) -> Shows {
        match self {
            Kind::Indicators => WAVE_FIGURES,
            Kind::Answers => ANSWERS_DRAW_ON,
        }
    }

    /// Title and description in Dutch and in English.
    fn texts(self, wave: &Wave) -> [(&'static str, String, String); 2] {
        let (title, id) = (&wave.title, &wave.id);
        let (opens_nl, closes_nl) = (format::date(wave.opens_on), format::date(wave.closes_on));
        let (simulated_nl, simulated_en) = if wave.simulated {
            (
                " Let op: de antwoorden van deze meting zijn gesimuleerd (demonstratie).",
                " Note: the answers of this wave are simulated (a demonstration).",
            )
        } else {
            ("", "")
        };
        match self {
            Kind::Indicators => [
                (
                    "nl",
                    format!("Indicatoren van de meting {title}"),
                    format!(
                        "De gepubliceerde cijfers van de meting {title} (veldwerk {opens_nl} tot en met {closes_nl}) naar de stand van de e-overheid bij gemeenten: elke indicator met n en 95%-betrouwbaarheidsinterval, landelijk, per provincie en per grootteklasse, met de ontwikkeling over de metingen.{simulated_nl}"
                    ),
                ),
                (
                    "en",
                    format!("Indicators of the wave {title} ({id})"),
                    format!(
                        "The published figures of the survey wave {title} (fieldwork {} to {}) on how municipalities implement e-government: every indicator with n and 95% confidence interval, national, per province and per size class, with the trend over the waves.{simulated_en}",
                        wave.opens_on, wave.closes_on
                    ),
                ),
            ],
            Kind::Answers => [
                (
                    "nl",
                    format!("Openbare antwoorden van de meting {title}"),
                    format!(
                        "De openbare antwoorden van elke gemeente die de vragenlijst van de meting {title} (veldwerk {opens_nl} tot en met {closes_nl}) indiende, zonder contactgegevens en vrije teksten.{simulated_nl}"
                    ),
                ),
                (
                    "en",
                    format!("Public answers of the wave {title} ({id})"),
                    format!(
                        "The public answers of every municipality that submitted the questionnaire of the survey wave {title} (fieldwork {} to {}), without contact details and free texts.{simulated_en}",
                        wave.opens_on, wave.closes_on
                    ),
                ),
            ],
        }
    }
}

/// A file format of the open data: extension, EU file type and IANA media type.
const FORMATS: [(&str, &str, &str); 3] = [
    ("csv", "CSV", "text/csv"),
    ("json", "JSON", "application/json"),
    ("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
];

/// What every data set of the site shares.
struct Site<'a> {
    url: &'a str,
    catalogue: String,
    publisher: Value,
    contact: Value,
}

pub async fn document(State(state): State<AppState>) -> Result<Response, WebError> {
    let versions = state.store.data_versions().await?;
    let site = Site {
        url: &state.public_url,
        catalogue: format!("{}{PATH}", state.public_url),
        publisher: json!({ "@type": "foaf:Agent", "foaf:name": PUBLISHER }),
        contact: json!({
            "@type": "vcard:Organization",
            "vcard:fn": state.api_contact.name,
            "vcard:hasEmail": { "@id": format!("mailto:{}", state.api_contact.email) },
            "vcard:hasURL": { "@id": format!("{}/", state.public_url) },
        }),
    };
    let mut datasets = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for wave in published_waves(&state.store).await? {
        for kind in Kind::ALL {
            let modified = match versions.newest_change(&kind.draws_on(), wave.id.as_str()) {
                Some(change) => state.store.audit_time(change).await?,
                None => None,
            };
            newest = newest.max(modified);
            datasets.push(dataset(&site, &wave, kind, modified));
        }
    }
    let body = catalogue(&site, datasets, newest).to_string();
    Ok(([(header::CONTENT_TYPE, JSON_LD)], Body::from(body)).into_response())
}

fn catalogue(site: &Site, datasets: Vec<Value>, modified: Option<DateTime<Utc>>) -> Value {
    let mut catalogue = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": site.catalogue,
        "@type": "dcat:Catalog",
        "dct:title": texts([("nl", "Open data van inbeeld"), ("en", "inbeeld open data")]),
        "dct:description": texts([
            ("nl", "De open data van inbeeld, de meting van de e-overheid bij alle gemeenten: per gepubliceerde meting de cijfers (indicatoren) en de openbare antwoorden per gemeente, in CSV, JSON en XLSX, onder CC0 1.0."),
            ("en", "The open data of inbeeld, the survey of how every Dutch municipality implements e-government: per published wave the figures (indicators) and the public answers per municipality, in CSV, JSON and XLSX, under CC0 1.0."),
        ]),
        "dct:publisher": site.publisher,
        "foaf:homepage": { "@id": format!("{}/", site.url) },
        "dct:language": { "@id": DUTCH },
        "dct:license": { "@id": OPEN_DATA_LICENCE },
        "dct:spatial": { "@id": NETHERLANDS },
        "dcat:themeTaxonomy": { "@id": THEMES },
        "dcat:dataset": datasets,
    });
    if let (Some(modified), Value::Object(fields)) = (modified, &mut catalogue) {
        fields.insert("dct:modified".into(), date_time(modified));
    }
    catalogue
}

fn dataset(site: &Site, wave: &Wave, kind: Kind, modified: Option<DateTime<Utc>>) -> Value {
    let identifier = format!("{}#{}-{}", site.catalogue, wave.id, kind.file());
    let [(nl, title_nl, description_nl), (en, title_en, description_en)] = kind.texts(wave);
    let files = format!("{}/metingen/{}/{}", site.url, wave.id, kind.file());
    let distributions: Vec<Value> = FORMATS
        .iter()
        .map(|(extension, file_type, media_type)| {
            let url = format!("{files}.{extension}");
            let mut distribution = json!({
                "@id": format!("{identifier}-{extension}"),
                "@type": "dcat:Distribution",
                "dct:title": texts([(nl, &format!("{title_nl} ({file_type})")), (en, &format!("{title_en} ({file_type})"))]),
                "dcat:accessURL": { "@id": url },
                "dcat:downloadURL": { "@id": url },
                "dct:format": { "@id": format!("{FILE_TYPES}{file_type}") },
                "dcat:mediaType": { "@id": format!("{MEDIA_TYPES}{media_type}") },
                "dct:license": { "@id": OPEN_DATA_LICENCE },
            });
            if let (&"csv", Value::Object(fields)) = (extension, &mut distribution) {
                fields.insert("dct:conformsTo".into(), json!({ "@id": format!("{files}.csv-metadata.json") }));
            }
            distribution
        })
        .collect();
    let mut dataset = json!({
        "@id": identifier,
        "@type": "dcat:Dataset",
        "dct:identifier": identifier,
        "dct:title": texts([(nl, &title_nl), (en, &title_en)]),
        "dct:description": texts([(nl, &description_nl), (en, &description_en)]),
        "dct:publisher": site.publisher,
        "dcat:contactPoint": site.contact,
        "dcat:landingPage": { "@id": format!("{}/metingen/{}#open-data", site.url, wave.id) },
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": date(wave.opens_on),
            "dcat:endDate": date(wave.closes_on),
        },
        "dct:spatial": { "@id": NETHERLANDS },
        "dct:language": { "@id": DUTCH },
        "dct:license": { "@id": OPEN_DATA_LICENCE },
        "dct:accessRights": { "@id": PUBLIC_ACCESS },
        "dcat:theme": { "@id": GOVERNMENT_THEME },
        "dcat:keyword": texts([
            ("nl", "e-overheid"),
            ("nl", "gemeenten"),
            ("nl", "digitale overheid"),
            ("nl", "monitor"),
            ("en", "e-government"),
            ("en", "municipalities"),
            ("en", "survey"),
        ]),
        "dcat:distribution": distributions,
    });
    if let (Some(modified), Value::Object(fields)) = (modified, &mut dataset) {
        fields.insert("dct:modified".into(), date_time(modified));
    }
    dataset
}

/// Texts, each with its language.
fn texts<const N: usize>(texts: [(&str, &str); N]) -> Value {
    Value::Array(texts.iter().map(|(language, text)| json!({ "@value": text, "@language": language })).collect())
}

fn date(day: NaiveDate) -> Value {
    json!({ "@value": day.to_string(), "@type": "xsd:date" })
}

fn date_time(at: DateTime<Utc>) -> Value {
    json!({ "@value": at.to_rfc3339_opts(SecondsFormat::Secs, true), "@type": "xsd:dateTime" })
}

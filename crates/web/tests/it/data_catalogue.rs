//! The open data's catalogue (`/open-data/catalogus.jsonld`), on SQLite and PostgreSQL, read as RDF by Python's
//! rdflib as a data portal would: one catalogue, two data sets per published wave with what DCAT-AP requires and
//! recommends, and a distribution per format whose address the site serves.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, SubsecRound, Utc};

use domain::fieldwork::WaveState;
use reqwest::StatusCode;
use serde::Deserialize;
use store::testing::{author, fresh};
use store::{AuditFilter, Backend, Store};
use support::Site;

const CATALOGUE: &str = "/open-data/catalogus.jsonld";
const CC0: &str = "https://creativecommons.org/publicdomain/zero/1.0/";
const NETHERLANDS: &str = "http://publications.europa.eu/resource/authority/country/NLD";
const GOVERNMENT: &str = "http://publications.europa.eu/resource/authority/data-theme/GOVE";
const FILE_TYPES: &str = "http://publications.europa.eu/resource/authority/file-type/";
const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
const XSD_DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

/// Reads the JSON-LD document on its standard input into an RDF graph and prints what it says of the catalogue, its
/// data sets and their distributions, as JSON. Lists are sorted, so that a test compares them as sets.
const READ_AS_RDF: &str = r#"
import json, sys, rdflib
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, RDF
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
g = rdflib.Graph().parse(data=sys.stdin.read(), format="json-ld")
def values(s, p): return sorted(str(o) for o in g.objects(s, p))
def texts(s, p): return sorted([o.language or "", str(o)] for o in g.objects(s, p))
def typed(s, p): return sorted([str(o), str(o.datatype)] for o in g.objects(s, p))
def names(s, p, name): return sorted(str(n) for agent in g.objects(s, p) for n in g.objects(agent, name))
catalogues = list(g.subjects(RDF.type, DCAT.Catalog))
datasets = []
for c in catalogues:
    for d in g.objects(c, DCAT.dataset):
        datasets.append({
            "types": values(d, RDF.type),
            "identifier": values(d, DCT.identifier),
            "titles": texts(d, DCT.title),
            "descriptions": texts(d, DCT.description),
            "publishers": names(d, DCT.publisher, FOAF.name),
            "contacts": names(d, DCAT.contactPoint, VCARD.fn),
            "temporal": sorted([typed(t, DCAT.startDate), typed(t, DCAT.endDate)] for t in g.objects(d, DCT.temporal)),
            "spatial": values(d, DCT.spatial),
            "licence": values(d, DCT.license),
            "modified": typed(d, DCT.modified),
            "themes": values(d, DCAT.theme),
            "keywords": texts(d, DCAT.keyword),
            "distributions": sorted((
                {"download": values(x, DCAT.downloadURL), "access": values(x, DCAT.accessURL),
                 "format": values(x, DCT.format), "media": values(x, DCAT.mediaType),
                 "licence": values(x, DCT.license), "conformsTo": values(x, DCT.conformsTo)}
                for x in g.objects(d, DCAT.distribution)), key=lambda x: x["download"]),
        })
print(json.dumps({
    "catalogues": [str(c) for c in catalogues],
    "titles": [t for c in catalogues for t in texts(c, DCT.title)],
    "publishers": [n for c in catalogues for n in names(c, DCT.publisher, FOAF.name)],
    "datasets": datasets,
}))
"#;

/// A literal's text and datatype.
type Typed = (String, String);

#[derive(Debug, Deserialize)]
struct Catalogue {
    catalogues: Vec<String>,
    titles: Vec<(String, String)>,
    publishers: Vec<String>,
    datasets: Vec<Dataset>,
}

#[derive(Debug, Deserialize)]
struct Dataset {
    types: Vec<String>,
    identifier: Vec<String>,
    titles: Vec<(String, String)>,
    descriptions: Vec<(String, String)>,
    publishers: Vec<String>,
    contacts: Vec<String>,
    /// Each period's start and end dates.
    temporal: Vec<(Vec<Typed>, Vec<Typed>)>,
    spatial: Vec<String>,
    licence: Vec<String>,
    modified: Vec<Typed>,
    themes: Vec<String>,
    keywords: Vec<(String, String)>,
    distributions: Vec<Distribution>,
}

#[derive(Debug, Deserialize)]
struct Distribution {
    download: Vec<String>,
    access: Vec<String>,
    format: Vec<String>,
    media: Vec<String>,
    licence: Vec<String>,
    #[serde(rename = "conformsTo")]
    conforms_to: Vec<String>,
}

/// The catalogue the site serves, as rdflib reads it.
async fn read_catalogue(site: &Site) -> Catalogue {
    let response = site.get(CATALOGUE).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/ld+json");
    let document = response.bytes().await.unwrap();
    let mut python = Command::new("python3")
        .arg("-c")
        .arg(READ_AS_RDF)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3 cannot be started ({e}); it and rdflib are installed by .ci/run"));
    python.stdin.take().unwrap().write_all(&document).unwrap();
    let output = python.wait_with_output().unwrap();
    assert!(output.status.success(), "rdflib does not read the catalogue: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn languages(texts: &[(String, String)]) -> BTreeSet<&str> {
    texts.iter().filter(|(_, text)| !text.trim().is_empty()).map(|(language, _)| language.as_str()).collect()
}

/// When the newest audited change was made, to the second as the catalogue writes a time.
async fn newest_change(store: &Store) -> DateTime<Utc> {
    let newest = store.audit_entries(&AuditFilter { limit: Some(1), ..AuditFilter::default() }).await.unwrap();
    newest[0].at.trunc_subsecs(0)
}

async fn every_published_wave_is_described_for_a_catalogue(backend: Backend) {
    let (store, _database) = fresh(backend).await.unwrap();
    let site = Site::start_at_own_url(&store).await;
    let demo = domain::demo::data().unwrap();
    let (first, second) = (demo.first_wave().unwrap(), demo.second_wave().unwrap());
    app::demo::store_simulated_wave(&store, &demo, &first, WaveState::Published, &author()).await.unwrap();
    let closed = app::demo::store_simulated_wave(&store, &demo, &second, WaveState::Closed, &author()).await.unwrap();

    let catalogue = read_catalogue(&site).await;
    assert_eq!(catalogue.catalogues, vec![format!("{}{CATALOGUE}", site.base)], "one catalogue, at its own address");
    assert_eq!(languages(&catalogue.titles), BTreeSet::from(["en", "nl"]));
    assert_eq!(catalogue.publishers, vec!["inbeeld"]);
    let described: BTreeSet<&str> = catalogue.datasets.iter().flat_map(|d| d.identifier.iter().map(String::as_str)).collect();
    let first_id = first.wave.id.to_string();
    assert_eq!(
        described,
        BTreeSet::from([
            format!("{}{CATALOGUE}#{first_id}-indicatoren", site.base),
            format!("{}{CATALOGUE}#{first_id}-antwoorden", site.base)
        ])
        .iter()
        .map(String::as_str)
        .collect(),
        "a wave that is not published is not described"
    );

    store.set_wave_state(&closed, WaveState::Published, &author()).await.unwrap();
    let published_at = newest_change(&store).await;
    let catalogue = read_catalogue(&site).await;
    assert_eq!(catalogue.catalogues.len(), 1);
    assert_eq!(catalogue.datasets.len(), 4, "two data sets per published wave, at once after publishing");
    let mut served = BTreeMap::new();
    for wave in [&first.wave, &second.wave] {
        for kind in ["indicatoren", "antwoorden"] {
            let identifier = format!("{}{CATALOGUE}#{}-{kind}", site.base, wave.id);
            let dataset = catalogue
                .datasets
                .iter()
                .find(|d| d.identifier == [identifier.clone()])
                .unwrap_or_else(|| panic!("{identifier} in {:?}", catalogue.datasets));
            assert_eq!(dataset.types, vec!["http://www.w3.org/ns/dcat#Dataset"]);
            assert_eq!(languages(&dataset.titles), BTreeSet::from(["en", "nl"]), "{identifier}");
            assert!(dataset.titles.iter().all(|(_, title)| title.contains(&wave.title)), "{:?}", dataset.titles);
            assert_eq!(languages(&dataset.descriptions), BTreeSet::from(["en", "nl"]), "{identifier}");
            assert_eq!(dataset.publishers, vec!["inbeeld"]);
            assert_eq!(dataset.contacts.len(), 1, "{identifier}");
            let date = |day: chrono::NaiveDate| vec![(day.to_string(), XSD_DATE.to_owned())];
            assert_eq!(dataset.temporal, vec![(date(wave.opens_on), date(wave.closes_on))], "the fieldwork");
            assert_eq!(dataset.spatial, vec![NETHERLANDS]);
            assert_eq!(dataset.licence, vec![CC0]);
            assert_eq!(dataset.themes, vec![GOVERNMENT]);
            assert!(languages(&dataset.keywords).contains("nl"), "{:?}", dataset.keywords);
            assert_eq!(dataset.modified.len(), 1, "{identifier}");
            let (modified, datatype) = &dataset.modified[0];
            assert_eq!(datatype, XSD_DATE_TIME);
            let modified = DateTime::parse_from_rfc3339(modified).unwrap_or_else(|e| panic!("{modified}: {e}")).with_timezone(&Utc);
            if wave.id == second.wave.id {
                assert_eq!(modified, published_at, "the second wave's data changed last, when it was published");
            } else {
                assert!(modified <= published_at, "{modified} is no later than the newest change");
            }

            let formats: BTreeSet<String> = dataset.distributions.iter().flat_map(|d| d.format.clone()).collect();
            assert_eq!(formats, ["CSV", "JSON", "XLSX"].map(|f| format!("{FILE_TYPES}{f}")).into_iter().collect());
            for distribution in &dataset.distributions {
                assert_eq!(distribution.download.len(), 1, "{distribution:?}");
                assert_eq!(distribution.access, distribution.download);
                assert_eq!(distribution.licence, vec![CC0]);
                assert_eq!(distribution.media.len(), 1, "{distribution:?}");
                let is_csv = distribution.format == [format!("{FILE_TYPES}CSV")];
                assert_eq!(distribution.conforms_to.len(), usize::from(is_csv), "CSVW metadata beside the CSV only");
                for url in distribution.download.iter().chain(&distribution.conforms_to) {
                    served.insert(url.clone(), identifier.clone());
                }
            }
        }
    }
    assert_eq!(served.len(), 4 * 4, "three files and the CSV's metadata per data set");
    for (url, identifier) in served {
        let path = url.strip_prefix(&site.base).unwrap_or_else(|| panic!("{url} of {identifier} is on the site's public URL"));
        assert_eq!(site.get(path).await.status(), StatusCode::OK, "{url} of {identifier}");
    }
}

#[tokio::test]
#[ignore = "needs Python's rdflib (installed by .ci/run)"]
async fn every_published_wave_is_described_for_a_catalogue_on_sqlite() {
    every_published_wave_is_described_for_a_catalogue(Backend::Sqlite).await;
}

#[tokio::test]
#[ignore = "needs Python's rdflib (installed by .ci/run)"]
async fn every_published_wave_is_described_for_a_catalogue_on_postgres() {
    every_published_wave_is_described_for_a_catalogue(Backend::Postgres).await;
}

//! The exports of `app::export` as HTTP downloads, for the monitor team and a published wave's open data. The CSV
//! and JSON exports are streamed bodies: a task encodes responses as they come out of the database and hands the
//! bytes over in chunks, so that neither the whole file nor all responses are ever in memory, and a slow client
//! slows the export down rather than filling memory. The spreadsheet is written to a temporary file first and streamed from there.

use std::future::Future;
use std::io::{Seek, SeekFrom};

use app::AppError;
use app::export::{Export, responses_csvw, to_csv, to_json, write_codebook_csv, write_do, write_r, write_sps, write_xlsx};
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use store::Store;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

/// How many bytes go out at once.
const CHUNK: usize = 64 * 1024;

type Chunks = mpsc::Sender<Result<Vec<u8>, std::io::Error>>;

/// The responses of `export.wave` as CSV (the layout of `write_csv`).
pub fn csv_body(store: Store, export: Export) -> Body {
    streamed(move |chunks: Chunks| async move {
        let layout = &export.layout;
        let mut csv = csv::Writer::from_writer(Vec::with_capacity(CHUNK));
        to_csv::header(&mut csv, layout)?;
        let mut responses = export.responses(&store);
        while let Some(record) = responses.next().await {
            let record = record?;
            if !layout.includes(&record) {
                continue;
            }
            to_csv::row(&mut csv, layout, &record)?;
            if csv.get_ref().len() >= CHUNK {
                let full = std::mem::replace(&mut csv, csv::Writer::from_writer(Vec::with_capacity(CHUNK)));
                if !send(&chunks, into_bytes(full)?).await {
                    return Ok(());
                }
            }
        }
        send(&chunks, into_bytes(csv)?).await;
        Ok(())
    })
}

/// The responses of `export.wave` as one JSON document (the layout of `write_json`).
pub fn json_body(store: Store, export: Export) -> Body {
    streamed(move |chunks: Chunks| async move {
        let mut out = Vec::with_capacity(CHUNK);
        to_json::start(&mut out, &export)?;
        let mut responses = export.responses(&store);
        let mut first = true;
        while let Some(record) = responses.next().await {
            let record = record?;
            if !export.layout.includes(&record) {
                continue;
            }
            to_json::response(&mut out, first, &export.layout, &record)?;
            first = false;
            if out.len() >= CHUNK && !send(&chunks, std::mem::replace(&mut out, Vec::with_capacity(CHUNK))).await {
                return Ok(());
            }
        }
        to_json::end(&mut out)?;
        send(&chunks, out).await;
        Ok(())
    })
}

/// A download of the responses as CSV: `inbeeld-<wave>-responses.csv` (see `Export::file_name`).
pub fn csv_download(store: Store, export: Export) -> Response {
    let name = export.file_name(".csv");
    download("text/csv; charset=utf-8", &name, csv_body(store, export))
}

/// A download of the responses as JSON: `inbeeld-<wave>-responses.json`.
pub fn json_download(store: Store, export: Export) -> Response {
    let name = export.file_name(".json");
    download("application/json", &name, json_body(store, export))
}

/// A download of the codebook as CSV: `inbeeld-<wave>-codebook.csv`. Small, so written at once.
pub fn codebook_download(export: &Export) -> Result<Response, AppError> {
    let name = export.file_name("codebook");
    Ok(download("text/csv; charset=utf-8", &name, Body::from(write_codebook_csv(&export.layout, Vec::new())?)))
}

/// A download of the CSVW metadata of the CSV download at `csv_url`: `inbeeld-<wave>-responses.csv-metadata.json`.
/// The CSV's address is absolute, so that a catalogue, and a copy saved elsewhere, finds the CSV it describes.
pub fn csvw_download(export: &Export, csv_url: &str) -> Response {
    let metadata = responses_csvw(export, csv_url);
    download(CSVW, &format!("{}-metadata.json", export.file_name(".csv")), Body::from(metadata.to_string()))
}

/// The media type of CSVW metadata.
pub const CSVW: &str = "application/csvm+json";

/// The programs whose files read the CSV export, as the staff download them beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvReader {
    Spss,
    Stata,
    R,
}

/// A download of the SPSS syntax, Stata do-file or R script that reads the CSV download of the same wave
/// (`inbeeld-<wave>-responses.csv`) and labels it from the codebook: `inbeeld-<wave>-responses.sps`, `.do`, `.R`.
/// Small, so written at once.
pub fn csv_reader_download(export: &Export, reader: CsvReader) -> Result<Response, AppError> {
    let csv = export.file_name(".csv");
    let (ending, bytes) = match reader {
        CsvReader::Spss => (".sps", write_sps(&export.layout, &csv, Vec::new())?),
        CsvReader::Stata => (".do", write_do(&export.layout, &csv, Vec::new())?),
        CsvReader::R => (".R", write_r(&export.layout, &csv, Vec::new())?),
    };
    Ok(download("text/plain; charset=utf-8", &export.file_name(ending), Body::from(bytes)))
}

/// A download of the responses as XLSX: `inbeeld-<wave>-responses.xlsx`. A spreadsheet is a zip whose table of
/// contents comes last, so it is written whole to an unnamed temporary file first (in constant memory) and then
/// streamed from there; the file disappears when the download ends.
pub async fn xlsx_download(store: &Store, export: Export) -> Result<Response, AppError> {
    let file = tempfile::tempfile()?;
    let written = file.try_clone()?;
    write_xlsx(&export, export.responses(store), written).await?;
    let mut file = file;
    file.seek(SeekFrom::Start(0))?;
    let reader = Some(tokio::fs::File::from_std(file));
    let body = Body::from_stream(futures_util::stream::unfold(reader, |reader| async move {
        let mut reader = reader?;
        let mut chunk = vec![0; CHUNK];
        match reader.read(&mut chunk).await {
            Ok(0) => None,
            Ok(read) => {
                chunk.truncate(read);
                Some((Ok::<_, std::io::Error>(chunk), Some(reader)))
            }
            // A read error ends the body early, so the client sees a broken download, not a whole-looking file.
            Err(error) => Some((Err(error), None)),
        }
    }));
    let name = export.file_name(".xlsx");
    Ok(download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name, body))
}

/// A response that the browser saves as `file_name`.
pub(crate) fn download(content_type: &'static str, file_name: &str, body: Body) -> Response {
    // Wave ids are slugs, so the name needs no quoting beyond the quotes.
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// Runs `produce` on a task of its own and streams what it sends. A failure midway cuts the body off, so that
/// the client sees a broken download rather than a file that looks whole; the cause goes to the log.
fn streamed<F, Fut>(produce: F) -> Body
where
    F: FnOnce(Chunks) -> Fut,
    Fut: Future<Output = Result<(), AppError>> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(4);
    let work = produce(sender.clone());
    tokio::spawn(async move {
        if let Err(error) = work.await {
            tracing::error!(%error, "an export stopped while streaming");
            let _ = sender.send(Err(std::io::Error::other(error.to_string()))).await;
        }
    });
    Body::from_stream(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|chunk| (chunk, receiver)) },
    ))
}

/// Hands a chunk to the body; false when the client has gone, so that the export stops.
async fn send(chunks: &Chunks, bytes: Vec<u8>) -> bool {
    bytes.is_empty() || chunks.send(Ok(bytes)).await.is_ok()
}

fn into_bytes(csv: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, AppError> {
    csv.into_inner().map_err(|e| AppError::Io(e.into_error()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

    use app::export::{write_csv, write_json};
    use domain::catalogue::parse_catalogue_toml;
    use domain::fieldwork::{Edit, Mode, NewWave, WaveId};
    use domain::questionnaire::{Answers, parse_questionnaire_toml};
    use domain::register::{OrganisationKind, parse_register_csv};
    use store::{Backend, SaveAnswers};

    use super::*;

    const REGISTER: &str = include_str!("../../../data/register/register.csv");
    const CATALOGUE: &str = include_str!("../../../data/catalogues/nup-2008.toml");
    const QUESTIONNAIRE: &str = include_str!("../../../data/questionnaires/eerste-meting-2010.toml");

    /// A wave in which every municipality of 2011 answered: more than one chunk of CSV and of JSON.
    async fn answered_wave(store: &Store) -> Export {
        let author = store::testing::author();
        let organisations: Vec<_> = parse_register_csv(REGISTER).organisations.into_iter().map(|(_, o)| o).collect();
        store.import_register(&organisations, &author, &mut |_| {}).await.unwrap();
        store.import_catalogue(&parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap(), &author).await.unwrap();
        let questionnaire = parse_questionnaire_toml(QUESTIONNAIRE, "eerste-meting-2010.toml").unwrap();
        store.import_questionnaire(&questionnaire.id, &questionnaire.version, "Meting", QUESTIONNAIRE, &author).await.unwrap();
        let new = NewWave {
            id: WaveId::parse("eerste-meting").unwrap(),
            title: "Eerste meting".into(),
            catalogue_id: "nup-2008".into(),
            catalogue_version: "2008".into(),
            questionnaire_id: questionnaire.id.clone(),
            opens_on: "2010-10-01".parse().unwrap(),
            closes_on: "2011-03-31".parse().unwrap(),
        };
        let wave = store.create_wave(&new, false, &author).await.unwrap();
        let answers: Answers = serde_json::from_str(
            r#"{"leading_theme": "dienstverlening", "support_remarks": "-- niets --", "ict_staff": 7,
                "blocks": {"digid": {"status": "in_use", "support_needed": true, "support_forms": ["on_site_help"]}}}"#,
        )
        .unwrap();
        let day = "2011-01-01".parse().unwrap();
        for organisation in organisations.iter().filter(|o| o.kind() == OrganisationKind::Gemeente && o.is_valid_on(day)) {
            let save = SaveAnswers {
                wave: &wave.id,
                organisation: &organisation.code,
                questionnaire_id: &questionnaire.id,
                questionnaire_version: 1,
                answers: &answers,
                mode: &Mode::Online,
                based_on: None,
                edit: Edit::Draft,
                submit: false,
            };
            store.save_answers(&save, &author).await.unwrap();
        }
        Export::prepare(store, wave).await.unwrap()
    }

    #[tokio::test]
    async fn the_streamed_bodies_hold_what_the_writers_write() {
        let (store, _database) = store::testing::fresh(Backend::Sqlite).await.unwrap();
        let export = answered_wave(&store).await;

        let streamed = axum::body::to_bytes(csv_body(store.clone(), export.clone()), usize::MAX).await.unwrap();
        assert!(streamed.len() > CHUNK, "more than one chunk: {}", streamed.len());
        let mut written = Vec::new();
        assert_eq!(write_csv(&export.layout, export.responses(&store), &mut written).await.unwrap(), 418);
        assert_eq!(streamed, written, "the body is the file, chunk after chunk");
        assert!(String::from_utf8_lossy(&streamed).contains(",'-- niets --,"), "neutralised in the body too");

        let streamed = axum::body::to_bytes(json_body(store.clone(), export.clone()), usize::MAX).await.unwrap();
        let mut written = Vec::new();
        write_json(&export, export.responses(&store), &mut written).await.unwrap();
        assert_eq!(streamed, written);
        let document: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
        assert_eq!(document["responses"].as_array().unwrap().len(), 418);
        assert_eq!(document["responses"][0]["answers"]["support_remarks"], "-- niets --", "JSON is not a spreadsheet: kept as given");

        let download = csv_download(store.clone(), export.clone());
        let disposition = download.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(disposition, "attachment; filename=\"inbeeld-eerste-meting-responses.csv\"");
        let codebook = axum::body::to_bytes(codebook_download(&export).unwrap().into_body(), usize::MAX).await.unwrap();
        assert!(codebook.starts_with(b"column,question,type,label_nl,label_en,values,versions\n"));
    }

    #[tokio::test]
    async fn a_client_that_goes_away_stops_the_export() {
        let (store, _database) = store::testing::fresh(Backend::Sqlite).await.unwrap();
        let export = answered_wave(&store).await;
        let mut body = csv_body(store.clone(), export).into_data_stream();
        assert!(body.next().await.unwrap().unwrap().len() >= CHUNK);
        drop(body);
        // The task stops at its next chunk and gives its connection back; the pool (four connections) still serves.
        for _ in 0..8 {
            assert_eq!(store.response_count(&WaveId::parse("eerste-meting").unwrap()).await.unwrap(), 418);
        }
    }
}

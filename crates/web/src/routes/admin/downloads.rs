//! `/beheer/metingen/{wave}/antwoorden.{csv,xlsx,json}` and `codeboek.csv`: the raw responses of a wave for the
//! monitor team and analysts, streamed from the database (see `app::export` and `crate::export`); and
//! `antwoorden.{sps,do,r}`, the SPSS, Stata and R files that read the CSV and label it from the codebook, and
//! `antwoorden.csv-metadata.json`, the CSV's CSVW metadata.

use app::export::Export;
use axum::extract::State;
use axum::response::Response;
use domain::fieldwork::WaveId;
use serde::Deserialize;
use store::StoreError;

use crate::AppState;
use crate::error::WebError;
use crate::export::{CsvReader, codebook_download, csv_download, csv_reader_download, csvw_download, json_download, xlsx_download};
use crate::extract::Path;

#[derive(Deserialize)]
pub struct DownloadPath {
    wave: String,
}

async fn prepare(state: &AppState, wave: &str) -> Result<Export, WebError> {
    let not_found = || WebError::NotFound(format!("Er is geen meting ‘{wave}’."));
    let id = WaveId::parse(wave).map_err(|_| not_found())?;
    let wave = match state.store.wave(&id).await {
        Err(StoreError::NotFound) => return Err(not_found()),
        other => other?,
    };
    Ok(Export::prepare(&state.store, wave).await?)
}

pub async fn csv(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(csv_download(state.store.clone(), export))
}

pub async fn json(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(json_download(state.store.clone(), export))
}

pub async fn codebook(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(codebook_download(&export)?)
}

/// The spreadsheet, written to a temporary file and streamed from there (see `export::xlsx_download`).
pub async fn xlsx(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(xlsx_download(&state.store, export).await?)
}

pub async fn spss(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(csv_reader_download(&export, CsvReader::Spss)?)
}

pub async fn stata(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(csv_reader_download(&export, CsvReader::Stata)?)
}

pub async fn r(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    Ok(csv_reader_download(&export, CsvReader::R)?)
}

pub async fn csvw(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    let csv = format!("{}/beheer/metingen/{}/antwoorden.csv", state.public_url, export.wave.id);
    Ok(csvw_download(&export, &csv))
}

//! `/metingen/{wave}/antwoorden.{csv,xlsx,json}`, `antwoorden-codeboek.csv` and the CSV's CSVW metadata
//! `antwoorden.csv-metadata.json`: a published wave's answers per
//! municipality, as open data. Only the submitted responses, and of each only the answers to the questions the
//! questionnaire marks `public`, after the wave, the municipality's code, name and province and the questionnaire
//! version (`domain::fieldwork::export::Layout::public`); no contact details, free texts, interviewees or times.
//! Streamed from the database by the same writers as the monitor team's downloads (`app::export`).
//!
//! A wave that does not exist or is not published answers the same 404 page as its figures.

use app::export::Export;
use axum::extract::State;
use axum::response::Response;
use domain::fieldwork::{Wave, WaveId, WaveState};
use store::{Store, StoreError};

use crate::AppState;
use crate::error::WebError;
use crate::export::{codebook_download, csv_download, csvw_download, json_download, xlsx_download};
use crate::extract::Path;
use crate::figures::not_published;

/// The wave, if it exists and is published; `None` for any other id, so that a wave in preparation or fieldwork
/// cannot be told from one that does not exist.
pub(crate) async fn published_wave(store: &Store, wave: &str) -> Result<Option<Wave>, StoreError> {
    let Ok(id) = WaveId::parse(wave) else { return Ok(None) };
    match store.wave(&id).await {
        Ok(wave) if wave.state == WaveState::Published => Ok(Some(wave)),
        Ok(_) | Err(StoreError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The open-data export of a published wave's public answers.
pub(crate) async fn public_export(store: &Store, wave: Wave) -> Result<Export, WebError> {
    Ok(Export::prepare_public(store, wave).await?)
}

async fn prepare(state: &AppState, wave: &str) -> Result<Export, WebError> {
    let wave = published_wave(&state.store, wave).await?.ok_or_else(not_published)?;
    public_export(&state.store, wave).await
}

pub async fn csv(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let export = prepare(&state, &wave).await?;
    Ok(csv_download(state.store.clone(), export))
}

pub async fn json(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let export = prepare(&state, &wave).await?;
    Ok(json_download(state.store.clone(), export))
}

pub async fn xlsx(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let export = prepare(&state, &wave).await?;
    Ok(xlsx_download(&state.store, export).await?)
}

pub async fn codebook(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let export = prepare(&state, &wave).await?;
    Ok(codebook_download(&export)?)
}

pub async fn csvw(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let export = prepare(&state, &wave).await?;
    let csv = format!("{}/metingen/{}/antwoorden.csv", state.public_url, export.wave.id);
    Ok(csvw_download(&export, &csv))
}

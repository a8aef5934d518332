//! `/beheer/metingen/{wave}/antwoorden.{csv,xlsx,json}` and `codeboek.csv`: the raw responses of a wave for the
//! monitor team and analysts, streamed from the database (see `crate::export`).

use std::io::{Seek, SeekFrom};

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::fieldwork::WaveId;
use serde::Deserialize;
use store::StoreError;
use tokio::io::AsyncReadExt;

use crate::AppState;
use crate::error::WebError;
use crate::export::{Export, ExportError, codebook_download, csv_download, json_download, write_xlsx};
use crate::extract::Path;

/// How many bytes of the spreadsheet go out at once.
const CHUNK: usize = 64 * 1024;

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
    Export::prepare(&state.store, wave).await.map_err(export_failed)
}

fn export_failed(error: ExportError) -> WebError {
    WebError::Internal(format!("an export could not be prepared: {error}"))
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
    codebook_download(&export).map_err(export_failed)
}

/// A spreadsheet is a zip whose table of contents comes last, so it is written whole to an unnamed temporary file
/// first (in constant memory) and then streamed from there; the file disappears when the download ends.
pub async fn xlsx(State(state): State<AppState>, Path(path): Path<DownloadPath>) -> Result<Response, WebError> {
    let export = prepare(&state, &path.wave).await?;
    let io = |error: std::io::Error| WebError::Internal(format!("a temporary file for the spreadsheet: {error}"));
    let file = tempfile::tempfile().map_err(io)?;
    let written = file.try_clone().map_err(io)?;
    write_xlsx(&export, export.responses(&state.store), written).await.map_err(export_failed)?;
    let mut file = file;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
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
    let name = format!("inbeeld-{}-responses.xlsx", export.wave.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

//! JSON: one document, `{"wave": {...}, "codebook": [...], "responses": [...]}` (open data with `"license"` first), written piece by piece so that
//! it streams, with one codebook entry and one response per line so that a person can read it too.

use std::io::{BufWriter, Write};
use std::pin::pin;

use domain::fieldwork::export::{Layout, ResponseRecord, Scope};
use futures_util::{Stream, StreamExt};
use store::StoreError;

use super::{Export, OPEN_DATA_LICENCE};
use crate::AppError;

/// Writes the whole document: the wave, the codebook, and the responses as they arrive. Returns how many
/// responses.
pub async fn write_json<S, W>(export: &Export, responses: S, out: W) -> Result<u64, AppError>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
    W: Write,
{
    let mut out = BufWriter::new(out);
    start(&mut out, export)?;
    let mut responses = pin!(responses);
    let mut count = 0;
    while let Some(record) = responses.next().await {
        let record = record?;
        if export.layout.includes(&record) {
            response(&mut out, count == 0, &export.layout, &record)?;
            count += 1;
        }
    }
    end(&mut out)?;
    out.flush()?;
    Ok(count)
}

/// Everything up to the first response; with `response` and `end`, the pieces of `write_json` for a writer that
/// hands its bytes on in chunks.
pub fn start<W: Write>(out: &mut W, export: &Export) -> Result<(), AppError> {
    out.write_all(b"{")?;
    if export.layout.scope() == Scope::Public {
        // Open data says under which licence, where a reader of the file finds it.
        out.write_all(b"\"license\":")?;
        serde_json::to_writer(&mut *out, OPEN_DATA_LICENCE)?;
        out.write_all(b",\n")?;
    }
    out.write_all(b"\"wave\":")?;
    serde_json::to_writer(&mut *out, &export.wave)?;
    out.write_all(b",\n\"codebook\":[")?;
    for (index, column) in export.layout.columns().iter().enumerate() {
        out.write_all(if index == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, column)?;
    }
    out.write_all(b"\n],\n\"responses\":[")?;
    Ok(())
}

/// One response, on a line of its own; `first` for the first one written.
pub fn response<W: Write>(out: &mut W, first: bool, layout: &Layout, record: &ResponseRecord) -> Result<(), AppError> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    serde_json::to_writer(&mut *out, &layout.json(record))?;
    Ok(())
}

/// What closes the document after the last response.
pub fn end<W: Write>(out: &mut W) -> Result<(), AppError> {
    out.write_all(b"\n]}\n")?;
    Ok(())
}

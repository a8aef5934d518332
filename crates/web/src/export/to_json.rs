//! JSON: one document, `{"wave": {...}, "codebook": [...], "responses": [...]}`, written piece by piece so that
//! it streams, with one codebook entry and one response per line so that a person can read it too.

use std::io::{BufWriter, Write};
use std::pin::pin;

use domain::fieldwork::export::{Layout, ResponseRecord};
use futures_util::{Stream, StreamExt};
use store::StoreError;

use super::{Export, ExportError};

/// Writes the whole document: the wave, the codebook, and the responses as they arrive. Returns how many
/// responses.
pub async fn write_json<S, W>(export: &Export, responses: S, out: W) -> Result<u64, ExportError>
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

/// Everything up to the first response.
pub(super) fn start<W: Write>(out: &mut W, export: &Export) -> Result<(), ExportError> {
    out.write_all(b"{\"wave\":")?;
    serde_json::to_writer(&mut *out, &export.wave)?;
    out.write_all(b",\n\"codebook\":[")?;
    for (index, column) in export.layout.columns().iter().enumerate() {
        out.write_all(if index == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, column)?;
    }
    out.write_all(b"\n],\n\"responses\":[")?;
    Ok(())
}

pub(super) fn response<W: Write>(out: &mut W, first: bool, layout: &Layout, record: &ResponseRecord) -> Result<(), ExportError> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    serde_json::to_writer(&mut *out, &layout.json(record))?;
    Ok(())
}

pub(super) fn end<W: Write>(out: &mut W) -> Result<(), ExportError> {
    out.write_all(b"\n]}\n")?;
    Ok(())
}

//! CSV: the responses, one row each, and the codebook as a file of its own.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;
use std::pin::pin;

use domain::fieldwork::export::{CODEBOOK_HEADER, Cell, Layout, ResponseRecord};
use futures_util::{Stream, StreamExt};
use store::StoreError;

use super::neutralised;
use crate::AppError;

/// Writes the responses as CSV: the header, then one row per response as it arrives. Returns how many rows.
pub async fn write_csv<S, W>(layout: &Layout, responses: S, out: W) -> Result<u64, AppError>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
    W: Write,
{
    let mut csv = csv::Writer::from_writer(out);
    header(&mut csv, layout)?;
    let mut responses = pin!(responses);
    let mut count = 0;
    while let Some(record) = responses.next().await {
        let record = record?;
        if layout.includes(&record) {
            row(&mut csv, layout, &record)?;
            count += 1;
        }
    }
    csv.flush()?;
    Ok(count)
}

/// Writes the codebook as CSV: `column, question, type, label_nl, label_en, values, versions`, one row per
/// column of the responses, in the same order.
pub fn write_codebook_csv<W: Write>(layout: &Layout, out: W) -> Result<W, AppError> {
    let mut csv = csv::Writer::from_writer(out);
    texts(&mut csv, CODEBOOK_HEADER)?;
    for column in layout.columns() {
        texts(&mut csv, column.cells())?;
    }
    csv.into_inner().map_err(|e| AppError::Io(e.into_error()))
}

/// The header row alone; with `row`, the pieces of `write_csv` for a writer that hands its bytes on in chunks.
pub fn header<W: Write>(csv: &mut csv::Writer<W>, layout: &Layout) -> Result<(), AppError> {
    texts(csv, layout.header())
}

/// One response's row, as `write_csv` writes it.
pub fn row<W: Write>(csv: &mut csv::Writer<W>, layout: &Layout, record: &ResponseRecord) -> Result<(), AppError> {
    // Most cells are numbers (the 0/1 columns); one buffer for them all saves an allocation per cell.
    let mut number = String::new();
    for cell in layout.row(record) {
        match cell {
            Cell::Empty => csv.write_field([])?,
            Cell::Text(text) => csv.write_field(neutralised(&on_one_line(&text)).as_bytes())?,
            Cell::Number(value) => {
                number.clear();
                write!(number, "{value}").map_err(|e| AppError::Io(std::io::Error::other(e)))?;
                csv.write_field(number.as_bytes())?;
            }
        }
    }
    csv.write_record(None::<&[u8]>)?;
    Ok(())
}

/// A text with its line breaks as spaces, so that each row is one line: SPSS and PSPP cannot read a quoted line
/// break. Copies only the rare text that has one.
fn on_one_line(text: &str) -> Cow<'_, str> {
    if text.contains(['\r', '\n']) { Cow::Owned(text.replace("\r\n", " ").replace(['\r', '\n'], " ")) } else { Cow::Borrowed(text) }
}

fn texts<'a, W: Write>(csv: &mut csv::Writer<W>, cells: impl IntoIterator<Item = &'a str>) -> Result<(), AppError> {
    for cell in cells {
        csv.write_field(neutralised(cell).as_bytes())?;
    }
    csv.write_record(None::<&[u8]>)?;
    Ok(())
}

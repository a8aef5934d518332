//! XLSX: a sheet `responses` and a sheet `codebook`, in rust_xlsxwriter's constant-memory mode, which keeps only
//! the current row in memory and the rest in a temporary file until the workbook is zipped.

use std::io::{BufWriter, Write};
use std::pin::pin;

use domain::fieldwork::export::{CODEBOOK_HEADER, Cell, Layout, ResponseRecord, Scope};
use futures_util::{Stream, StreamExt};
use rust_xlsxwriter::{ColNum, DocProperties, Format, RowNum, Workbook, Worksheet, XlsxError};
use store::StoreError;
use tokio::sync::mpsc;

use super::{Export, OPEN_DATA_LICENCE, OPEN_DATA_LICENCE_NAME};
use crate::AppError;

/// Excel's last row number (0-based); row 0 is the header.
const LAST_ROW: RowNum = 1_048_575;
/// Excel's longest text in a cell, in UTF-16 units.
const LONGEST_TEXT: usize = 32_767;
/// Responses waiting for the writer; enough to keep it busy, few enough to keep memory flat.
const QUEUE: usize = 256;

/// Writes the workbook onto `out` (a file, or standard output: it need not be seekable). The cells are written
/// and the workbook zipped on a blocking thread, so that a large export does not hold up the async runtime.
/// Returns how many responses.
pub async fn write_xlsx<S, W>(export: &Export, responses: S, out: W) -> Result<u64, AppError>
where
    S: Stream<Item = Result<ResponseRecord, StoreError>>,
    W: Write + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(QUEUE);
    let owned = export.clone();
    let worker = tokio::task::spawn_blocking(move || write_workbook(&owned, receiver, out));
    let mut responses = pin!(responses);
    while let Some(item) = responses.next().await {
        let failed = item.is_err();
        // A closed channel means the worker stopped on an error, which its result reports.
        if sender.send(item).await.is_err() || failed {
            break;
        }
    }
    drop(sender);
    worker.await.map_err(|e| AppError::Worker(e.to_string()))?
}

fn write_workbook<W: Write + Send>(
    export: &Export,
    mut receiver: mpsc::Receiver<Result<ResponseRecord, StoreError>>,
    out: W,
) -> Result<u64, AppError> {
    let layout = &export.layout;
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(export));
    // Level 3 is what Excel itself uses: about a third faster to zip than the default, for a file ~5% larger.
    workbook.set_zip_compression_level(3);
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("responses")?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, name) in layout.header().enumerate() {
        sheet.write_string_with_format(0, column_number(column)?, name, &bold)?;
    }
    write_codebook(workbook.add_worksheet_with_constant_memory()?, layout, &bold)?;
    let sheet = workbook.worksheet_from_index(0)?;
    let mut row: RowNum = 0;
    while let Some(record) = receiver.blocking_recv() {
        let record = record?;
        if !layout.includes(&record) {
            continue;
        }
        if row == LAST_ROW {
            return Err(AppError::TooManyRows(LAST_ROW));
        }
        row += 1;
        for (column, cell) in layout.row(&record).into_iter().enumerate() {
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    sheet.write_string(row, column_number(column)?, fitting(&text))?;
                }
                Cell::Number(number) => {
                    sheet.write_number(row, column_number(column)?, number)?;
                }
            }
        }
    }
    let mut out = BufWriter::new(out);
    workbook.save_to_writer(&mut out)?;
    out.flush()?;
    Ok(u64::from(row))
}

/// The document properties: what the file is and, for open data, its licence (in the comments and as the custom
/// property `license`, where a spreadsheet's file information shows it).
fn properties(export: &Export) -> DocProperties {
    let id = &export.wave.id;
    match export.layout.scope() {
        Scope::Team => DocProperties::new()
            .set_title(format!("Ruwe antwoorden van meting {id} (niet openbaar)"))
            .set_comment("Voor het monitorteam: niet openbaar en zonder open licentie."),
        Scope::Public => DocProperties::new()
            .set_title(format!("Openbare antwoorden van meting {id}"))
            .set_comment(format!("Open data onder {OPEN_DATA_LICENCE_NAME}: {OPEN_DATA_LICENCE}"))
            .set_custom_property("license", OPEN_DATA_LICENCE),
    }
}

fn write_codebook(sheet: &mut Worksheet, layout: &Layout, bold: &Format) -> Result<(), AppError> {
    sheet.set_name("codebook")?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, name) in CODEBOOK_HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, column_number(column)?, *name, bold)?;
    }
    for (row, entry) in (1..).zip(layout.columns()) {
        for (column, text) in entry.cells().into_iter().enumerate() {
            if !text.is_empty() {
                sheet.write_string(row, column_number(column)?, fitting(text))?;
            }
        }
    }
    Ok(())
}

fn column_number(index: usize) -> Result<ColNum, AppError> {
    ColNum::try_from(index).map_err(|_| AppError::Xlsx(XlsxError::RowColumnLimitError))
}

/// The text, cut at Excel's limit: a cell cannot hold more, and one long answer must not stop the export.
fn fitting(text: &str) -> &str {
    let mut units = 0;
    for (index, character) in text.char_indices() {
        units += character.len_utf16();
        if units > LONGEST_TEXT {
            return &text[..index];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_cut_at_excels_limit_on_a_character_boundary() {
        assert_eq!(fitting("kort"), "kort");
        let long = "é".repeat(LONGEST_TEXT + 10);
        assert_eq!(fitting(&long).chars().count(), LONGEST_TEXT);
        let emoji = "😀".repeat(LONGEST_TEXT);
        assert_eq!(fitting(&emoji).encode_utf16().count(), LONGEST_TEXT - 1, "a pair of UTF-16 units is not split");
    }
}

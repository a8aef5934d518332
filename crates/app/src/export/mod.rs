//! Exports of a wave's raw responses: CSV with a codebook, XLSX and JSON, written as the responses stream out of
//! the database, so that memory stays flat for any number of responses.
//!
//! `domain::fieldwork::export::Layout` decides the columns and what a response puts in them; this module only
//! encodes. The same writers give the monitor team's export (`Export::prepare`) and a published wave's open data
//! of public answers (`Export::prepare_public`): the layout's scope decides the rows and columns, and every writer
//! skips a response the layout does not include. Every writer takes a stream of responses (`Store::stream_responses`) and writes onto an
//! `impl std::io::Write`. The command line writes to a file or standard output; the web hands the same bytes out as
//! a streamed body, chunk by chunk, built from the pieces of the CSV and JSON writers (`to_csv::row`, `to_json`).
//!
//! - CSV: one header row, one row per response; text cells that a spreadsheet would read as a formula are
//!   neutralised with a leading apostrophe (see `neutralise`). Numbers are never touched, so a negative number
//!   stays a number. The codebook is a CSV file of its own (`write_codebook_csv`).
//! - XLSX: a sheet `responses` and a sheet `codebook`, written in constant-memory mode. Numbers are number cells
//!   and texts are string cells, which a spreadsheet never evaluates, so texts are written as they are.
//! - SPSS syntax (`to_sps`), a Stata do-file (`to_do`) and an R script (`to_r`), written from the codebook alone:
//!   each reads the CSV export by its file name from the folder it runs in, and labels every variable and every
//!   coded value as the codebook does, column for column (`syntax` holds the names and labels they share). A line
//!   break in a text cell is written to the CSV as a space, so that every row of the CSV is one line, which is how
//!   SPSS and PSPP read a CSV; the JSON and XLSX keep line breaks.
//! - CSVW metadata (`to_csvw`, `<file>.csv-metadata.json`): the CSV's columns with their meaning and datatype, for
//!   a program or a catalogue; a validator checks the CSV against it.
//! - Licence: open data (the public scope) is CC0 1.0 (`OPEN_DATA_LICENCE`), stated in the JSON's top level, the
//!   XLSX's document properties and the CSVW metadata. The team's raw responses are not open data (drafts,
//!   interviewees, free texts) and carry no licence: nobody outside the monitor team may use them.
//! - JSON: one document, `{"wave": {...}, "codebook": [...], "responses": [...]}`, one response per line inside
//!   the array; it loads with one call (`json.load`, `jsonlite::fromJSON`) and the answers keep the nested form
//!   in which they are stored.

mod syntax;
pub mod to_csv;
mod to_csvw;
mod to_do;
pub mod to_json;
mod to_r;
mod to_sps;
mod to_xlsx;

use std::borrow::Cow;

use domain::fieldwork::Wave;
use domain::fieldwork::export::{ExportedVersion, Layout, ResponseRecord, Scope};
use domain::questionnaire::parse_questionnaire_toml;
use futures_util::stream::BoxStream;
use store::{Store, StoreError};

use crate::AppError;

pub use to_csv::{write_codebook_csv, write_csv};
pub use to_csvw::{CsvwColumn, OPEN_DATA_LICENCE, OPEN_DATA_LICENCE_NAME, Openness, csvw_metadata, responses_csvw};
pub use to_do::write_do;
pub use to_json::write_json;
pub use to_r::write_r;
pub use to_sps::write_sps;
pub use to_xlsx::write_xlsx;

/// A wave with the layout of its export, built once before the responses stream.
#[derive(Clone, Debug)]
pub struct Export {
    pub wave: Wave,
    pub layout: Layout,
}

impl Export {
    /// Reads what the layout needs: every questionnaire version the wave's responses answered, the version the
    /// wave asks now (so that a wave without responses still has its columns), and the wave's catalogue.
    pub async fn prepare(store: &Store, wave: Wave) -> Result<Self, AppError> {
        Self::prepare_for(store, wave, Scope::Team).await
    }

    /// As `prepare`, for the open data of a published wave (`Layout::public`): submitted responses, the public
    /// questions, no personal or process columns. Whether the wave is published is the caller's to check.
    pub async fn prepare_public(store: &Store, wave: Wave) -> Result<Self, AppError> {
        Self::prepare_for(store, wave, Scope::Public).await
    }

    async fn prepare_for(store: &Store, wave: Wave, scope: Scope) -> Result<Self, AppError> {
        let mut numbers = store.questionnaire_versions_in_wave(&wave.id).await?;
        if !numbers.contains(&wave.questionnaire_version) {
            numbers.push(wave.questionnaire_version);
        }
        let mut versions = Vec::with_capacity(numbers.len());
        for version in numbers {
            let stored = store.questionnaire(&wave.questionnaire_id, version).await?;
            let name = format!("{} version {version}", wave.questionnaire_id);
            let questionnaire = parse_questionnaire_toml(&stored.source, &name).map_err(|errors| AppError::Questionnaire {
                id: wave.questionnaire_id.clone(),
                version,
                detail: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            })?;
            versions.push(ExportedVersion { version, questionnaire });
        }
        let catalogue = store.catalogue(&wave.catalogue_id, Some(&wave.catalogue_version)).await?;
        let layout = match scope {
            Scope::Team => Layout::new(&versions, &catalogue),
            Scope::Public => Layout::public(&versions, &catalogue),
        };
        Ok(Self { layout, wave })
    }

    /// The wave's responses that the layout includes, ready for a writer.
    pub fn responses<'a>(&'a self, store: &'a Store) -> BoxStream<'a, Result<ResponseRecord, StoreError>> {
        match self.layout.scope() {
            Scope::Team => store.stream_responses(&self.wave.id),
            Scope::Public => store.stream_submitted_responses(&self.wave.id),
        }
    }

    /// The name of a download: `inbeeld-<wave>-responses.csv` for the team, `inbeeld-<wave>-antwoorden.csv` for the
    /// public (beside `inbeeld-<wave>-indicatoren.csv`); `ending` is `.csv`, `.xlsx`, `.json`, `.sps`, `.do`, `.R`
    /// or `codebook`.
    pub fn file_name(&self, ending: &str) -> String {
        let id = &self.wave.id;
        match (self.layout.scope(), ending) {
            (Scope::Team, "codebook") => format!("inbeeld-{id}-codebook.csv"),
            (Scope::Team, ending) => format!("inbeeld-{id}-responses{ending}"),
            (Scope::Public, "codebook") => format!("inbeeld-{id}-antwoorden-codeboek.csv"),
            (Scope::Public, ending) => format!("inbeeld-{id}-antwoorden{ending}"),
        }
    }
}

/// Whether a spreadsheet would read the cell as a formula (or, with a leading tab or carriage return, be tricked
/// into reading what follows as one).
fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell that a spreadsheet would read as a formula gets a leading apostrophe, so an export cannot run code.
pub fn neutralise(cell: &str) -> String {
    neutralised(cell).into_owned()
}

/// As `neutralise`, without copying the cells that need nothing, which are nearly all.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if looks_like_formula(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_left_alone() {
        for cell in ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["", "Amsterdam", "'s-Hertogenbosch", "1=ja"] {
            assert!(matches!(neutralised(cell), Cow::Borrowed(_)), "{cell}");
        }
    }
}

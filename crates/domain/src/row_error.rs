use std::fmt;

/// One problem in one cell of a CSV file, located as a spreadsheet user sees it: the header is row 1, the first
/// data row is row 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl RowError {
    pub fn new(row: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self { row, column: column.into(), message: message.into() }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.message)
    }
}

impl std::error::Error for RowError {}

/// Reads the header row of a CSV file and maps the columns the caller knows to their positions, so that a file
/// may order its columns freely. Unknown columns are refused, because a misspelt column would otherwise be
/// silently ignored.
pub(crate) struct CsvColumns {
    positions: Vec<(&'static str, usize)>,
}

impl CsvColumns {
    pub(crate) fn read(
        headers: &csv::StringRecord,
        required: &[&'static str],
        optional: &[&'static str],
        aliases: &[(&'static str, &'static str)],
    ) -> Result<Self, Vec<RowError>> {
        let mut positions = Vec::new();
        let mut errors = Vec::new();
        for (index, raw) in headers.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}');
            let canonical = aliases.iter().find(|(alias, _)| *alias == name).map(|(_, to)| *to).unwrap_or(name);
            match required.iter().chain(optional).find(|known| **known == canonical) {
                Some(known) if positions.iter().any(|(seen, _)| seen == known) => {
                    errors.push(RowError::new(1, name, "this column appears twice"))
                }
                Some(known) => positions.push((*known, index)),
                None => errors.push(RowError::new(
                    1,
                    name,
                    format!("unknown column; the columns are {}", required.iter().chain(optional).copied().collect::<Vec<_>>().join(", ")),
                )),
            }
        }
        for column in required {
            if !positions.iter().any(|(seen, _)| seen == column) {
                errors.push(RowError::new(1, *column, "this required column is missing from the header"));
            }
        }
        if errors.is_empty() { Ok(Self { positions }) } else { Err(errors) }
    }

    /// The trimmed cell of `column` in `record`, or `None` when the column is absent or the cell empty.
    pub(crate) fn cell<'r>(&self, record: &'r csv::StringRecord, column: &str) -> Option<&'r str> {
        let index = self.positions.iter().find(|(name, _)| *name == column)?.1;
        record.get(index).map(str::trim).filter(|value| !value.is_empty())
    }
}

/// A data row of a CSV file with its row number, or why it cannot be read.
pub(crate) type NumberedRecord = Result<(usize, csv::StringRecord), RowError>;

/// Reads the rows of a CSV text with a header, giving each record with its row number (header = row 1).
pub(crate) fn csv_records(text: &str) -> (Result<csv::StringRecord, RowError>, Vec<NumberedRecord>) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers =
        reader.headers().cloned().map_err(|error| RowError::new(1, "(header)", format!("the header row cannot be read: {error}")));
    let records = reader
        .records()
        .enumerate()
        .map(|(index, record)| {
            let row = index + 2;
            record
                .map(|record| (row, record))
                .map_err(|error| RowError::new(row, "(row)", format!("the row cannot be read as CSV: {error}")))
        })
        .collect();
    (headers, records)
}

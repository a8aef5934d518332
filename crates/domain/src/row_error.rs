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

/// The columns of one CSV file format.
pub(crate) struct CsvFormat {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// Other names accepted for a column: `(alias, column)`.
    pub aliases: &'static [(&'static str, &'static str)],
}

/// Reads every data row of a CSV text with a header and hands each to `each` with its row number (header = row 1)
/// and the list to add its problems to. Returns all problems: with the header, with rows that are not CSV, and
/// those `each` found. When the header is wrong no row is read, because no cell could be trusted.
pub(crate) fn read_rows(
    text: &str,
    format: &CsvFormat,
    mut each: impl FnMut(&CsvColumns, usize, &csv::StringRecord, &mut Vec<RowError>),
) -> Vec<RowError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let columns = reader
        .headers()
        .map_err(|error| vec![RowError::new(1, "(header)", format!("the header row cannot be read: {error}"))])
        .and_then(|headers| CsvColumns::read(headers, format.required, format.optional, format.aliases));
    let columns = match columns {
        Ok(columns) => columns,
        Err(errors) => return errors,
    };
    let mut errors = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        match record {
            Ok(record) => each(&columns, row, &record, &mut errors),
            Err(error) => errors.push(RowError::new(row, "(row)", format!("the row cannot be read as CSV: {error}"))),
        }
    }
    errors
}

use std::collections::HashMap;

use chrono::NaiveDate;

use super::PopulationFigure;
use crate::RowError;
use crate::register::{OrgCode, OrganisationKind};
use crate::row_error::{CsvColumns, CsvFormat, read_rows};

const FORMAT: CsvFormat =
    CsvFormat { required: &["cbs_code", "population", "reference_date"], optional: &["source"], aliases: &[("code", "cbs_code")] };

#[derive(Debug, Default)]
pub struct PopulationFile {
    pub figures: Vec<(usize, PopulationFigure)>,
    pub errors: Vec<RowError>,
}

/// Reads a file of `cbs_code,population,reference_date[,source]`. `default_source` names the file's origin for
/// rows without a source.
pub fn parse_population_csv(text: &str, default_source: &str) -> PopulationFile {
    let mut figures: Vec<(usize, PopulationFigure)> = Vec::new();
    // The row each figure was first seen on, so that a file of 100,000 rows is checked in one pass.
    let mut first_rows: HashMap<(OrgCode, NaiveDate), usize> = HashMap::new();
    let errors = read_rows(text, &FORMAT, |columns, row, record, errors| match parse_figure(columns, row, record, default_source) {
        Ok(figure) => match first_rows.get(&(figure.code.clone(), figure.reference_date)) {
            Some(first) => errors.push(RowError::new(
                row,
                "cbs_code",
                format!("{} on {} already appears in row {first}", figure.code, figure.reference_date),
            )),
            None => {
                first_rows.insert((figure.code.clone(), figure.reference_date), row);
                figures.push((row, figure));
            }
        },
        Err(found) => errors.extend(found),
    });
    PopulationFile { figures, errors }
}

fn parse_figure(
    columns: &CsvColumns,
    row: usize,
    record: &csv::StringRecord,
    default_source: &str,
) -> Result<PopulationFigure, Vec<RowError>> {
    let required = |column: &'static str| {
        columns.cell(record, column).ok_or_else(|| RowError::new(row, column, "this cell is empty, but a value is required"))
    };
    let code = required("cbs_code").and_then(|value| match OrgCode::parse(value) {
        Ok(code) if code.kind() == OrganisationKind::Gemeente => Ok(code),
        Ok(code) => Err(RowError::new(row, "cbs_code", format!("{code} is not a municipality"))),
        Err(message) => Err(RowError::new(row, "cbs_code", message)),
    });
    let population = required("population").and_then(|value| {
        value.parse::<u64>().map_err(|_| {
            RowError::new(row, "population", format!("'{value}' is not a whole number of inhabitants (digits only, no separators)"))
        })
    });
    let reference_date = required("reference_date")
        .and_then(|value| crate::register::parse_date_cell(value).map_err(|message| RowError::new(row, "reference_date", message)));
    match (code, population, reference_date) {
        (Ok(code), Ok(population), Ok(reference_date)) => {
            let source = columns.cell(record, "source").unwrap_or(default_source).to_owned();
            Ok(PopulationFigure { code, population, reference_date, source })
        }
        (code, population, reference_date) => Err([code.err(), population.err(), reference_date.err()].into_iter().flatten().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shipped_format() {
        let file = parse_population_csv("cbs_code,population,reference_date\nGM0363,942504,2026-01-01\n", "test");
        assert!(file.errors.is_empty());
        let amsterdam = &file.figures[0].1;
        assert_eq!(amsterdam.population, 942_504);
        assert_eq!(amsterdam.size_class().number(), 8);
        assert_eq!(amsterdam.source, "test");
    }

    #[test]
    fn bad_rows_name_row_and_column() {
        let file =
            parse_population_csv("code,population,reference_date\nGM0363,942.504,2026-01-01\nPV27,10,2026-01-01\nGM0003,10,\n", "test");
        let messages: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "row 2, column population: '942.504' is not a whole number of inhabitants (digits only, no separators)",
                "row 3, column cbs_code: PV27 is not a municipality",
                "row 4, column reference_date: this cell is empty, but a value is required",
            ]
        );
    }
}

use super::PopulationFigure;
use crate::RowError;
use crate::register::{OrgCode, OrganisationKind};
use crate::row_error::{CsvColumns, csv_records};

const REQUIRED: &[&str] = &["cbs_code", "population", "reference_date"];
const OPTIONAL: &[&str] = &["source"];
const ALIASES: &[(&str, &str)] = &[("code", "cbs_code")];

#[derive(Debug, Default)]
pub struct PopulationFile {
    pub figures: Vec<(usize, PopulationFigure)>,
    pub errors: Vec<RowError>,
}

/// Reads a file of `cbs_code,population,reference_date[,source]`. `default_source` names the file's origin for
/// rows without a source.
pub fn parse_population_csv(text: &str, default_source: &str) -> PopulationFile {
    let mut file = PopulationFile::default();
    let (headers, records) = csv_records(text);
    let columns = match headers.map_err(|error| vec![error]).and_then(|headers| CsvColumns::read(&headers, REQUIRED, OPTIONAL, ALIASES)) {
        Ok(columns) => columns,
        Err(errors) => {
            file.errors = errors;
            return file;
        }
    };
    for record in records {
        let (row, record) = match record {
            Ok(found) => found,
            Err(error) => {
                file.errors.push(error);
                continue;
            }
        };
        let mut errors = Vec::new();
        let code = match columns.cell(&record, "cbs_code").map(OrgCode::parse) {
            Some(Ok(code)) if code.kind() == OrganisationKind::Gemeente => Some(code),
            Some(Ok(code)) => {
                errors.push(RowError::new(row, "cbs_code", format!("{code} is not a municipality")));
                None
            }
            Some(Err(message)) => {
                errors.push(RowError::new(row, "cbs_code", message));
                None
            }
            None => {
                errors.push(RowError::new(row, "cbs_code", "this cell is empty, but a value is required"));
                None
            }
        };
        let population = match columns.cell(&record, "population") {
            Some(value) => value.parse::<u64>().map_err(|_| {
                errors.push(RowError::new(
                    row,
                    "population",
                    format!("'{value}' is not a whole number of inhabitants (digits only, no separators)"),
                ))
            }),
            None => {
                let _: () = errors.push(RowError::new(row, "population", "this cell is empty, but a value is required"));
                Err(())
            }
        };
        let reference_date = match columns.cell(&record, "reference_date") {
            Some(value) => {
                crate::register::parse_date_cell(value).map_err(|message| errors.push(RowError::new(row, "reference_date", message)))
            }
            None => {
                let _: () = errors.push(RowError::new(row, "reference_date", "this cell is empty, but a value is required"));
                Err(())
            }
        };
        match (code, population, reference_date) {
            (Some(code), Ok(population), Ok(reference_date)) if errors.is_empty() => {
                if let Some((first, _)) = file.figures.iter().find(|(_, f)| f.code == code && f.reference_date == reference_date) {
                    file.errors.push(RowError::new(row, "cbs_code", format!("{code} on {reference_date} already appears in row {first}")));
                    continue;
                }
                let source = columns.cell(&record, "source").unwrap_or(default_source).to_owned();
                file.figures.push((row, PopulationFigure { code, population, reference_date, source }));
            }
            _ => file.errors.extend(errors),
        }
    }
    file
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

//! The register file: one CSV row per organisation, as `inbeeld import register` reads it and `inbeeld export
//! register` writes it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{Centroid, CodeScheme, OrgCode, Organisation, OrganisationKind};
use crate::RowError;
use crate::row_error::{CsvColumns, CsvFormat, read_rows};

const FORMAT: CsvFormat = CsvFormat {
    required: &["code", "name", "valid_from"],
    optional: &["province_code", "valid_to", "successors", "centroid_lat", "centroid_lon", "area_km2", "province_name"],
    aliases: &[("cbs_code", "code")],
};
const HEADER: [&str; 9] =
    ["code", "name", "province_code", "valid_from", "valid_to", "successors", "centroid_lat", "centroid_lon", "area_km2"];

/// A register file as read: the rows that are valid and, per invalid row, what is wrong with it.
#[derive(Debug, Default)]
pub struct RegisterFile {
    pub organisations: Vec<(usize, Organisation)>,
    pub errors: Vec<RowError>,
}

pub fn parse_register_csv(text: &str) -> RegisterFile {
    let mut organisations: Vec<(usize, Organisation)> = Vec::new();
    // The row each code was first seen on: a register of 100,000 rows is checked in one pass, not row against row.
    let mut first_rows: HashMap<OrgCode, usize> = HashMap::new();
    let errors = read_rows(text, &FORMAT, |columns, row, record, errors| match parse_row(columns, row, record) {
        Ok(organisation) => match first_rows.get(&organisation.code) {
            Some(first) => errors.push(RowError::new(row, "code", format!("{} already appears in row {first}", organisation.code))),
            None => {
                first_rows.insert(organisation.code.clone(), row);
                organisations.push((row, organisation));
            }
        },
        Err(found) => errors.extend(found),
    });
    RegisterFile { organisations, errors }
}

fn parse_row(columns: &CsvColumns, row: usize, record: &csv::StringRecord) -> Result<Organisation, Vec<RowError>> {
    let mut errors = Vec::new();
    let cell = |column: &str| columns.cell(record, column);

    let code = take(&mut errors, row, "code", required(cell("code")).and_then(|value| OrgCode::parse(value).map(Some)));
    let name = take(&mut errors, row, "name", required(cell("name")).map(|value| Some(value.to_owned())));
    let province = take(&mut errors, row, "province_code", cell("province_code").map(OrgCode::parse).transpose());
    let valid_from = take(&mut errors, row, "valid_from", required(cell("valid_from")).and_then(|value| parse_date_cell(value).map(Some)));
    let valid_to = take(&mut errors, row, "valid_to", cell("valid_to").map(parse_date_cell).transpose());
    let successors = take(
        &mut errors,
        row,
        "successors",
        cell("successors")
            .map(|list| list.split(';').map(str::trim).filter(|code| !code.is_empty()).map(OrgCode::parse).collect::<Result<Vec<_>, _>>())
            .transpose(),
    )
    .unwrap_or_default();
    let lat = take(&mut errors, row, "centroid_lat", cell("centroid_lat").map(|value| parse_number(value, -90.0..=90.0)).transpose());
    let lon = take(&mut errors, row, "centroid_lon", cell("centroid_lon").map(|value| parse_number(value, -180.0..=180.0)).transpose());
    let area_km2 = take(&mut errors, row, "area_km2", cell("area_km2").map(|value| parse_number(value, 0.0..=f64::MAX)).transpose());

    // A CBS municipality lies in a CBS province. A LAU municipality has none: the province is a CBS code that
    // pages and breakdowns name and group by, and Eurostat's regions (NUTS) are not organisations in the register.
    if let (Some(code), Some(_)) = (&code, &province)
        && code.scheme() == CodeScheme::Lau
    {
        errors.push(RowError::new(row, "province_code", "a LAU municipality lies in no CBS province; leave this empty"));
    } else if let (Some(code), Some(province)) = (&code, &province) {
        if code.kind() == OrganisationKind::Provincie {
            errors.push(RowError::new(row, "province_code", "a province lies in no province; leave this empty"));
        } else if province.kind() != OrganisationKind::Provincie {
            errors.push(RowError::new(row, "province_code", format!("{province} is not a province code (PV and two digits)")));
        }
    }
    if let (Some(code), None) = (&code, &province)
        && code.kind() == OrganisationKind::Gemeente
        && code.scheme() == CodeScheme::Cbs
    {
        errors.push(RowError::new(row, "province_code", "a municipality needs the code of its province"));
    }
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to <= from
    {
        errors.push(RowError::new(row, "valid_to", format!("{to} is not after valid_from {from}")));
    }
    if !successors.is_empty() && valid_to.is_none() {
        errors.push(RowError::new(row, "successors", "only an organisation that ended (valid_to) can have successors"));
    }
    if code.as_ref().is_some_and(|code| successors.contains(code)) {
        errors.push(RowError::new(row, "successors", "an organisation cannot succeed itself"));
    }
    if lat.is_some() != lon.is_some() {
        errors.push(RowError::new(
            row,
            if lat.is_some() { "centroid_lon" } else { "centroid_lat" },
            "a centroid needs both latitude and longitude",
        ));
    }

    match (code, name, valid_from) {
        (Some(code), Some(name), Some(valid_from)) if errors.is_empty() => Ok(Organisation {
            code,
            name,
            province,
            valid_from,
            valid_to,
            successors,
            centroid: lat.zip(lon).map(|(lat, lon)| Centroid { lat, lon }),
            area_km2,
        }),
        _ => Err(errors),
    }
}

fn take<T>(errors: &mut Vec<RowError>, row: usize, column: &str, result: Result<Option<T>, String>) -> Option<T> {
    result.unwrap_or_else(|message| {
        errors.push(RowError::new(row, column, message));
        None
    })
}

fn required(value: Option<&str>) -> Result<&str, String> {
    value.ok_or_else(|| "this cell is empty, but a value is required".to_owned())
}

pub(crate) fn parse_date_cell(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| format!("'{value}' is not a date in the form YYYY-MM-DD"))
}

fn parse_number(value: &str, range: std::ops::RangeInclusive<f64>) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(number) if range.contains(&number) => Ok(number),
        Ok(number) => Err(format!("{number} is outside {} to {}", range.start(), range.end())),
        Err(_) => Err(format!("'{value}' is not a number (use a full stop as decimal separator)")),
    }
}

/// Writes organisations in the form `parse_register_csv` reads, so that an export can be imported again.
pub fn write_register_csv(organisations: &[Organisation]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for organisation in organisations {
        let optional_date = |date: Option<NaiveDate>| date.map(|date| date.to_string()).unwrap_or_default();
        writer.write_record([
            organisation.code.to_string(),
            organisation.name.clone(),
            organisation.province.as_ref().map(ToString::to_string).unwrap_or_default(),
            organisation.valid_from.to_string(),
            optional_date(organisation.valid_to),
            organisation.successors.iter().map(OrgCode::as_str).collect::<Vec<_>>().join(";"),
            organisation.centroid.map(|c| format!("{:.5}", c.lat)).unwrap_or_default(),
            organisation.centroid.map(|c| format!("{:.5}", c.lon)).unwrap_or_default(),
            organisation.area_km2.map(|area| format!("{area:.1}")).unwrap_or_default(),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "code,name,province_code,valid_from,valid_to,successors,centroid_lat,centroid_lon,area_km2
PV27,Noord-Holland,,2011-01-01,,,,,
GM0363,Amsterdam,PV27,2011-01-01,,,52.37,4.90,223.2
GM0457,Weesp,PV27,2011-01-01,2022-03-24,GM0363,52.3,5.04,21.9
";

    #[test]
    fn a_good_file_reads_every_row() {
        let file = parse_register_csv(GOOD);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let weesp = &file.organisations[2].1;
        assert_eq!(file.organisations[2].0, 4);
        assert_eq!(weesp.valid_to, NaiveDate::from_ymd_opt(2022, 3, 24));
        assert_eq!(weesp.successors, vec![OrgCode::parse("GM0363").unwrap()]);
        assert!(weesp.is_valid_on(NaiveDate::from_ymd_opt(2022, 3, 23).unwrap()));
        assert!(!weesp.is_valid_on(NaiveDate::from_ymd_opt(2022, 3, 24).unwrap()));
    }

    #[test]
    fn bad_cells_are_named_by_row_and_column() {
        let file = parse_register_csv(
            "code,name,province_code,valid_from,valid_to\nGM0363,Amsterdam,PV27,2011-13-01,\nGM36,Weesp,PV27,2011-01-01,2010-01-01\nGM0003,,GM0363,2011-01-01,\n",
        );
        let messages: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
        assert_eq!(file.organisations.len(), 0);
        assert!(
            messages.contains(&"row 2, column valid_from: '2011-13-01' is not a date in the form YYYY-MM-DD".to_owned()),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.starts_with("row 3, column code: 'GM36' is not a CBS or LAU code")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("row 3, column valid_to: 2010-01-01 is not after")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("row 4, column name: this cell is empty")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("row 4, column province_code: GM0363 is not a province code")), "{messages:?}");
    }

    #[test]
    fn header_problems_are_reported_on_row_one() {
        let file = parse_register_csv("code,naam,valid_from\nGM0363,Amsterdam,2011-01-01\n");
        let messages: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
        assert!(messages.iter().any(|m| m.starts_with("row 1, column naam: unknown column")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("row 1, column name: this required column is missing")), "{messages:?}");
    }

    #[test]
    fn a_code_twice_is_an_error_on_the_second_row() {
        let file =
            parse_register_csv("code,name,province_code,valid_from\nGM0363,Amsterdam,PV27,2011-01-01\nGM0363,Amsterdam,PV27,2011-01-01\n");
        assert_eq!(file.errors[0].to_string(), "row 3, column code: GM0363 already appears in row 2");
    }

    #[test]
    fn lau_municipalities_sit_beside_cbs_codes_without_a_province() {
        let file = parse_register_csv(
            "code,name,province_code,valid_from,valid_to,successors
DE-09162000,München,,2011-01-01,,
FR-2A004,Ajaccio,,2011-01-01,,
FR-01001,L'Abergement-Clémenciat,,2011-01-01,2019-01-01,FR-2A004
DE-09184119,Unterhaching,PV27,2011-01-01,,
GM0363,Amsterdam,PV27,2011-01-01,,
",
        );
        let messages: Vec<String> = file.errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages, ["row 5, column province_code: a LAU municipality lies in no CBS province; leave this empty"]);
        let codes: Vec<&str> = file.organisations.iter().map(|(_, o)| o.code.as_str()).collect();
        assert_eq!(codes, ["DE-09162000", "FR-2A004", "FR-01001", "GM0363"]);
        assert_eq!(file.organisations[2].1.successors, [OrgCode::parse("FR-2A004").unwrap()]);
        assert_eq!(file.organisations[0].1.province, None);
    }

    #[test]
    fn export_reads_back_to_the_same_register() {
        let first = parse_register_csv(GOOD);
        let organisations: Vec<Organisation> = first.organisations.into_iter().map(|(_, o)| o).collect();
        let written = write_register_csv(&organisations).unwrap();
        let again: Vec<Organisation> = parse_register_csv(&written).organisations.into_iter().map(|(_, o)| o).collect();
        assert_eq!(organisations, again);
    }
}

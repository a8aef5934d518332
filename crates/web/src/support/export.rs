//! A proposal as a download: one row per invitee with its meeting, topic, region, host, code, name and distance to
//! the host, as CSV (text cells that a spreadsheet would read as a formula neutralised, as every export does) and
//! as XLSX (numbers as number cells, texts as string cells, which a spreadsheet never evaluates).

use app::AppError;
use app::export::neutralised;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::Loaded;

pub const HEADER: [&str; 9] =
    ["bijeenkomst", "bouwsteen", "onderwerp", "regio", "gastgemeente_code", "gastgemeente", "gemeente_code", "gemeente", "afstand_km"];

/// One invitee of one meeting.
pub struct Row {
    pub meeting: u32,
    pub block: String,
    pub topic: String,
    pub region: String,
    pub host_code: String,
    pub host: String,
    pub code: String,
    pub name: String,
    /// To the host, rounded to 0.1 km; `None` without centroids.
    pub distance_km: Option<f64>,
}

impl Row {
    fn texts(&self) -> [&str; 7] {
        [&self.block, &self.topic, &self.region, &self.host_code, &self.host, &self.code, &self.name]
    }
}

pub fn rows(loaded: &Loaded) -> Vec<Row> {
    let proposal = &loaded.stored.proposal;
    let labels = &loaded.labels;
    proposal
        .meetings
        .iter()
        .flat_map(|meeting| {
            meeting.invitees.iter().map(move |invitee| Row {
                meeting: meeting.number,
                block: meeting.block.clone(),
                topic: labels.block(&meeting.block),
                region: labels.region(meeting, &proposal.settings),
                host_code: meeting.host.to_string(),
                host: labels.name(&meeting.host),
                code: invitee.organisation.to_string(),
                name: labels.name(&invitee.organisation),
                distance_km: invitee.distance_km.map(|d| (d * 10.0).round() / 10.0),
            })
        })
        .collect()
}

/// `inbeeld-voorstel-<id>-genodigden.csv` or `.xlsx`.
pub fn file_name(loaded: &Loaded, ending: &str) -> String {
    format!("inbeeld-voorstel-{}-genodigden{ending}", loaded.stored.id)
}

pub fn csv(rows: &[Row]) -> Result<Vec<u8>, AppError> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(HEADER)?;
    for row in rows {
        let mut record = vec![row.meeting.to_string()];
        record.extend(row.texts().into_iter().map(|text| neutralised(text).into_owned()));
        record.push(row.distance_km.map(|d| d.to_string()).unwrap_or_default());
        csv.write_record(&record)?;
    }
    csv.into_inner().map_err(|e| AppError::Io(e.into_error()))
}

pub fn xlsx(rows: &[Row]) -> Result<Vec<u8>, AppError> {
    Ok(workbook(rows)?)
}

fn workbook(rows: &[Row]) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("genodigden")?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, name) in (0..).zip(HEADER) {
        sheet.write_string_with_format(0, column, name, &bold)?;
    }
    for (line, row) in (1..).zip(rows) {
        sheet.write_number(line, 0, row.meeting)?;
        for (column, text) in (1..).zip(row.texts()) {
            sheet.write_string(line, column, text)?;
        }
        if let Some(distance) = row.distance_km {
            sheet.write_number(line, 8, distance)?;
        }
    }
    sheet.autofit();
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_read_as_formulas_are_neutralised_and_distances_stay_numbers() {
        let row = Row {
            meeting: 1,
            block: "digid".into(),
            topic: "=HYPERLINK(\"http://evil.example\")".into(),
            region: "+31".into(),
            host_code: "GM0344".into(),
            host: "@Utrecht".into(),
            code: "GM0355".into(),
            name: "-Zeist".into(),
            distance_km: Some(9.4),
        };
        let bytes = csv(&[row]).unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(HEADER.join(",").as_str()));
        assert_eq!(lines.next(), Some("1,digid,\"'=HYPERLINK(\"\"http://evil.example\"\")\",'+31,GM0344,'@Utrecht,GM0355,'-Zeist,9.4"));
    }
}

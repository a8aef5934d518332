//! `/metingen/{wave}/indicatoren.{csv,json,xlsx}` and `indicatoren-codeboek.csv`: the published figures of a wave as
//! open data, one long table with a row per figure (`domain::analysis::figures::wave_rows`): the national figures
//! with the trend over the waves on every division the dashboard offers, then every province and size class; a
//! group below the minimum n contributes only its response.
//!
//! - CSV: UTF-8, a header row, a comma between cells and a decimal point, numbers with every digit they have (the
//!   shortest text that reads back as the same number). Text cells that a spreadsheet would read as a formula are
//!   neutralised. Nothing but the table is in it, so that every CSV reader reads it; what the table is (the wave,
//!   whether its answers are simulated, the columns, the indicators and the minimum n) is in the codebook.
//! - JSON: `{"licentie": "<CC0 1.0's address>", "meting": {...}, "simulatie": bool, "minimumN": 10, "minimumNRegel": "...", "kolommen": [...],
//!   "definities": [...], "indicatoren": [...]}`, the rows with the same names as the CSV's columns.
//! - XLSX: a sheet `indicatoren` with the table (numbers as number cells) and a sheet `codeboek`.
//! - CSVW metadata (`indicatoren.csv-metadata.json`): the CSV's columns with their meaning and datatype.
//!
//! All of it is open data under CC0 1.0 (`app::export::OPEN_DATA_LICENCE`), which the JSON, the XLSX's document
//! properties and the CSVW metadata state.
//!
//! The row and wave types here are also what the API answers (`routes::api::waves`), so both publish the same
//! numbers under the same names.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

use app::AppError;
use app::export::{CsvwColumn, OPEN_DATA_LICENCE, OPEN_DATA_LICENCE_NAME, Openness, csvw_metadata, neutralised};
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::analysis::figures::{DEFINITIONS, FigureRow, Indicator, minimum_n_rule, national_rows, wave_rows};
use domain::analysis::indicators::MIN_N;
use domain::analysis::trend::MAPPING_RULE;
use domain::fieldwork::Wave;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::WebError;
use crate::export::{CSVW, download};
use crate::extract::Path;
use crate::figures::WaveFigures;

/// The table's columns: name, title and what a cell in it holds.
pub const COLUMNS: [(&str, &str, &str); 11] = [
    ("indicator", "Indicator", "Code van de indicator. Elke code staat met naam en definitie in dit codeboek (onderdeel 'indicator')."),
    (
        "groep",
        "Groep",
        "Voor wie het cijfer geldt: nederland; provincie:<CBS-code> (bijvoorbeeld provincie:PV27); grootteklasse:<1 tot en met 8> (de CBS-gemeentegrootteklasse naar het inwonertal op de peildatum van het register); grootteklasse:onbekend (geen inwonertal op die datum).",
    ),
    (
        "categorie",
        "Categorie",
        "Waarover het cijfer gaat binnen de indicator: de code van een keuze, bouwsteen, status (bouwsteen:status), vorm van ondersteuning, statistiek of klasse. Leeg voor de indicator als geheel.",
    ),
    ("omschrijving", "Omschrijving", "De categorie in woorden."),
    (
        "aantal",
        "Aantal",
        "Hoeveel gemeenten van n de eigenschap hebben (bij de respons: hoeveel er de vragenlijst indienden). Leeg bij een statistiek zoals een gemiddelde.",
    ),
    ("n", "n", "De basis van het cijfer: het aantal gemeenten dat de vraag beantwoordde. Bij de respons: het aantal gevraagde gemeenten."),
    (
        "populatie",
        "Populatie",
        "Het aantal gemeenten dat de meting vroeg (binnen de groep): de populatie waarvoor het interval is gecorrigeerd.",
    ),
    (
        "waarde",
        "Waarde",
        "Het aandeel aantal/n als getal van 0 tot en met 1, of de waarde van de statistiek. Leeg als n 0 is en bij de verdeling (daar telt het aantal). Decimaalteken: punt.",
    ),
    (
        "ondergrens",
        "Ondergrens",
        "Ondergrens van het 95%-betrouwbaarheidsinterval van de waarde (zie de definitie van de indicator). Leeg als er geen interval is.",
    ),
    ("bovengrens", "Bovengrens", "Bovengrens van het 95%-betrouwbaarheidsinterval van de waarde. Leeg als er geen interval is."),
    (
        "meting",
        "Meting",
        "Bij de ontwikkeling over de metingen (trend_adoptie_gemiddelde, trend_bouwsteen_in_gebruik): het id van de meting van de reeks waarvan het cijfer de antwoorden telt, deze of een eerdere. Leeg bij de andere indicatoren, die over deze meting gaan.",
    ),
];

/// The header of the codebook.
pub const CODEBOOK_COLUMNS: [&str; 4] = ["onderdeel", "code", "naam", "omschrijving"];

/// Eén gepubliceerd cijfer: een rij van de open data (`/metingen/{id}/indicatoren.csv`), met dezelfde namen.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Cijfer {
    /// Code van de indicator; de definitie staat in `definities`.
    #[schema(example = "respons")]
    pub indicator: String,
    /// `nederland`, `provincie:<CBS-code>`, `grootteklasse:<1-8>` of `grootteklasse:onbekend`.
    #[schema(example = "provincie:PV27")]
    pub groep: String,
    /// De keuze, bouwsteen, status, vorm, statistiek of klasse; leeg voor de indicator als geheel.
    pub categorie: String,
    /// De categorie in woorden.
    pub omschrijving: String,
    /// Hoeveel gemeenten van `n` de eigenschap hebben; leeg bij een statistiek.
    pub aantal: Option<usize>,
    /// De basis: het aantal gemeenten dat de vraag beantwoordde (bij de respons: het aantal gevraagde).
    pub n: usize,
    /// Het aantal gevraagde gemeenten (in de groep): de populatie waarvoor het interval is gecorrigeerd.
    pub populatie: usize,
    /// Het aandeel (0 tot en met 1) of de statistiek; leeg als n 0 is.
    pub waarde: Option<f64>,
    /// Ondergrens van het 95%-interval.
    pub ondergrens: Option<f64>,
    /// Bovengrens van het 95%-interval.
    pub bovengrens: Option<f64>,
    /// Bij de ontwikkeling over de metingen: de meting van de reeks waarvan het cijfer de antwoorden telt; leeg bij
    /// de andere indicatoren, die over deze meting gaan.
    #[schema(example = "eerste-meting")]
    pub meting: Option<String>,
}

impl From<FigureRow> for Cijfer {
    fn from(row: FigureRow) -> Self {
        Cijfer {
            indicator: row.indicator.code().to_owned(),
            groep: row.group,
            categorie: row.category,
            omschrijving: row.label,
            aantal: row.count,
            n: row.n,
            populatie: row.population,
            waarde: row.value,
            ondergrens: row.low,
            bovengrens: row.high,
            meting: row.wave,
        }
    }
}

/// Een indicator: code, naam en hoe hij berekend wordt.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Definitie {
    #[schema(example = "respons")]
    pub code: String,
    pub naam: String,
    pub definitie: String,
}

/// The definitions of the given indicators, in the order of `DEFINITIONS`.
pub fn definitions_of(indicators: impl IntoIterator<Item = Indicator>) -> Vec<Definitie> {
    let indicators: Vec<Indicator> = indicators.into_iter().collect();
    DEFINITIONS
        .iter()
        .filter(|d| indicators.contains(&d.indicator))
        .map(|d| Definitie { code: d.code.to_owned(), naam: d.name.to_owned(), definitie: d.definition.to_owned() })
        .collect()
}

/// Een gepubliceerde meting.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Meting {
    #[schema(example = "eerste-meting")]
    pub id: String,
    pub titel: String,
    /// Eerste dag van het veldwerk.
    pub opent: NaiveDate,
    /// Laatste dag van het veldwerk.
    pub sluit: NaiveDate,
    /// De datum waarop het register bepaalt welke gemeenten gevraagd zijn (de laatste dag van het veldwerk).
    pub peildatum_register: NaiveDate,
    pub catalogus: CatalogusVersie,
    /// Waar: de antwoorden zijn gesimuleerd (getrokken voor de demonstratie), geen antwoorden van gemeenten.
    pub gesimuleerd: bool,
    pub links: MetingLinks,
}

/// De catalogus van bouwstenen waartegen de meting vroeg; zie `/catalogi/{id}/bouwstenen?versie=`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CatalogusVersie {
    #[schema(example = "nup-2008")]
    pub id: String,
    pub versie: String,
}

/// Waar de cijfers van de meting staan.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MetingLinks {
    /// De meting in de API, met respons en kerncijfers.
    pub zelf: String,
    /// Alle cijfers in de API.
    pub indicatoren: String,
    /// Alle cijfers als CSV (open data).
    pub csv: String,
    pub json: String,
    pub xlsx: String,
    /// Het codeboek bij de CSV.
    pub codeboek: String,
}

pub fn meting(wave: &Wave) -> Meting {
    let id = wave.id.as_str();
    Meting {
        id: id.to_owned(),
        titel: wave.title.clone(),
        opent: wave.opens_on,
        sluit: wave.closes_on,
        peildatum_register: wave.register_date(),
        catalogus: CatalogusVersie { id: wave.catalogue_id.clone(), versie: wave.catalogue_version.clone() },
        gesimuleerd: wave.simulated,
        links: MetingLinks {
            zelf: format!("/api/v1/metingen/{id}"),
            indicatoren: format!("/api/v1/metingen/{id}/indicatoren"),
            csv: format!("/metingen/{id}/indicatoren.csv"),
            json: format!("/metingen/{id}/indicatoren.json"),
            xlsx: format!("/metingen/{id}/indicatoren.xlsx"),
            codeboek: format!("/metingen/{id}/indicatoren-codeboek.csv"),
        },
    }
}

/// Every published figure of the wave: the national rows with the trends, then each group's (only the response
/// below `MIN_N`).
pub fn table(figures: &WaveFigures) -> Vec<FigureRow> {
    let block_name = |code: &str| figures.block_name(code);
    let wave_title = |id: &str| figures.trend_title(id);
    let groups = figures.groups.iter().map(|g| (&g.group, &g.response, g.indicators.as_ref()));
    wave_rows(&figures.national, &figures.trends(), groups, &wave_title, &block_name)
}

/// The national part of `table`: the wave's own figures and the trends.
pub fn national_table(figures: &WaveFigures) -> Vec<FigureRow> {
    let block_name = |code: &str| figures.block_name(code);
    national_rows(&figures.national, &figures.trends(), &|id: &str| figures.trend_title(id), &block_name)
}

/// The codebook: the wave and whether it is simulated, every column, every indicator and the minimum-n rule.
pub fn codebook_rows(figures: &WaveFigures) -> Vec<[String; 4]> {
    let wave = &figures.wave;
    let mut rows = vec![
        [
            "meting".to_owned(),
            wave.id.to_string(),
            wave.title.clone(),
            format!(
                "Veldwerk van {} tot en met {}. Gevraagd zijn de gemeenten in het register op {} ({} gemeenten), naar de catalogus {} ({} versie {}).",
                wave.opens_on,
                wave.closes_on,
                wave.register_date(),
                figures.national.asked,
                figures.catalogue.name,
                wave.catalogue_id,
                wave.catalogue_version
            ),
        ],
        if wave.simulated {
            [
                "simulatie".to_owned(),
                "ja".to_owned(),
                "Gesimuleerde gegevens".to_owned(),
                "De antwoorden van deze meting zijn gesimuleerd: getrokken voor de demonstratie, geen antwoorden van gemeenten. De cijfers zeggen niets over de werkelijkheid.".to_owned(),
            ]
        } else {
            [
                "simulatie".to_owned(),
                "nee".to_owned(),
                "Antwoorden van gemeenten".to_owned(),
                "De cijfers zijn berekend uit de ingediende antwoorden van de gemeenten.".to_owned(),
            ]
        },
    ];
    rows.extend(
        COLUMNS.iter().map(|(name, title, text)| ["kolom".to_owned(), (*name).to_owned(), (*title).to_owned(), (*text).to_owned()]),
    );
    rows.extend(DEFINITIONS.iter().map(|d| ["indicator".to_owned(), d.code.to_owned(), d.name.to_owned(), d.definition.to_owned()]));
    rows.push(["regel".to_owned(), "minimum_n".to_owned(), format!("Minimale n: {MIN_N}"), minimum_n_rule()]);
    rows.push(["regel".to_owned(), "omrekening".to_owned(), "Omrekening naar een indeling".to_owned(), MAPPING_RULE.to_owned()]);
    rows
}

/// A number as open data wants it: a decimal point and the shortest text that reads back as the same number.
fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn count(value: Option<usize>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the table as CSV, a header row first.
pub fn write_table_csv<W: Write>(rows: &[FigureRow], out: W) -> Result<W, AppError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS.iter().map(|c| c.0))?;
    for row in rows {
        let cells: [Cow<str>; 11] = [
            neutralised(row.indicator.code()),
            neutralised(&row.group),
            neutralised(&row.category),
            neutralised(&row.label),
            count(row.count).into(),
            row.n.to_string().into(),
            row.population.to_string().into(),
            number(row.value).into(),
            number(row.low).into(),
            number(row.high).into(),
            neutralised(row.wave.as_deref().unwrap_or_default()),
        ];
        csv.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
    }
    csv.into_inner().map_err(|e| AppError::Io(e.into_error()))
}

/// Writes the codebook as CSV, a header row first.
pub fn write_codebook_csv<W: Write>(rows: &[[String; 4]], out: W) -> Result<W, AppError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CODEBOOK_COLUMNS)?;
    for row in rows {
        csv.write_record(row.iter().map(|cell| neutralised(cell).into_owned()))?;
    }
    csv.into_inner().map_err(|e| AppError::Io(e.into_error()))
}

/// The workbook: a sheet `indicatoren` with the table and a sheet `codeboek`. Numbers are number cells, texts
/// string cells, which a spreadsheet never evaluates.
pub fn write_workbook(rows: &[FigureRow], codebook: &[[String; 4]]) -> Result<Vec<u8>, AppError> {
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Cijfers van inbeeld")
            .set_comment(format!("Open data onder {OPEN_DATA_LICENCE_NAME}: {OPEN_DATA_LICENCE}"))
            .set_custom_property("license", OPEN_DATA_LICENCE),
    );
    let sheet = workbook.add_worksheet();
    sheet.set_name("indicatoren")?;
    sheet.set_freeze_panes(1, 0)?;
    header(sheet, COLUMNS.iter().map(|c| c.0), &bold)?;
    for (index, row) in (1..).zip(rows) {
        sheet.write_string(index, 0, row.indicator.code())?;
        sheet.write_string(index, 1, &row.group)?;
        sheet.write_string(index, 2, &row.category)?;
        sheet.write_string(index, 3, &row.label)?;
        let numbers = [row.count.map(|c| c as f64), Some(row.n as f64), Some(row.population as f64), row.value, row.low, row.high];
        for (column, value) in (4..).zip(numbers) {
            if let Some(value) = value {
                sheet.write_number(index, column, value)?;
            }
        }
        if let Some(wave) = &row.wave {
            sheet.write_string(index, 10, wave)?;
        }
    }
    sheet.set_column_width(0, 26)?;
    sheet.set_column_width(1, 24)?;
    sheet.set_column_width(2, 28)?;
    sheet.set_column_width(3, 40)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("codeboek")?;
    sheet.set_freeze_panes(1, 0)?;
    header(sheet, CODEBOOK_COLUMNS, &bold)?;
    for (index, row) in (1..).zip(codebook) {
        for (column, cell) in (0..).zip(row) {
            sheet.write_string(index, column, cell)?;
        }
    }
    sheet.set_column_width(1, 26)?;
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 100)?;
    Ok(workbook.save_to_buffer()?)
}

fn header<'a>(sheet: &mut Worksheet, names: impl IntoIterator<Item = &'a str>, bold: &Format) -> Result<(), XlsxError> {
    for (column, name) in (0..).zip(names) {
        sheet.write_string_with_format(0, column, name, bold)?;
    }
    Ok(())
}

/// The JSON download.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenData {
    /// The licence of the data, CC0 1.0, by its address.
    licentie: &'static str,
    meting: Meting,
    simulatie: bool,
    minimum_n: usize,
    minimum_n_regel: String,
    kolommen: Vec<Kolom>,
    definities: Vec<Definitie>,
    indicatoren: Vec<Cijfer>,
}

#[derive(Serialize)]
struct Kolom {
    naam: &'static str,
    omschrijving: &'static str,
}

fn failed(error: AppError) -> WebError {
    WebError::Internal(format!("an open-data download could not be written: {error}"))
}

fn file_name(figures: &WaveFigures, ending: &str) -> String {
    format!("inbeeld-{}-indicatoren{ending}", figures.wave.id)
}

const CSV: &str = "text/csv; charset=utf-8";

pub async fn csv(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let figures = state.figures.wave(&state.store, &wave).await?;
    let bytes = write_table_csv(&table(&figures), Vec::new()).map_err(failed)?;
    Ok(download(CSV, &file_name(&figures, ".csv"), Body::from(bytes)))
}

pub async fn json(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let figures = state.figures.wave(&state.store, &wave).await?;
    let document = OpenData {
        licentie: OPEN_DATA_LICENCE,
        meting: meting(&figures.wave),
        simulatie: figures.wave.simulated,
        minimum_n: MIN_N,
        minimum_n_regel: minimum_n_rule(),
        kolommen: COLUMNS.iter().map(|(naam, _, omschrijving)| Kolom { naam, omschrijving }).collect(),
        definities: definitions_of(Indicator::ALL),
        indicatoren: table(&figures).into_iter().map(Cijfer::from).collect(),
    };
    let bytes = serde_json::to_vec(&document).map_err(|e| failed(e.into()))?;
    Ok(download("application/json", &file_name(&figures, ".json"), Body::from(bytes)))
}

/// The workbook is small (a few thousand rows), so it is written in memory, on a blocking thread.
pub async fn xlsx(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let figures = state.figures.wave(&state.store, &wave).await?;
    let name = file_name(&figures, ".xlsx");
    let work = Arc::clone(&figures);
    let bytes = tokio::task::spawn_blocking(move || write_workbook(&table(&work), &codebook_rows(&work)))
        .await
        .map_err(|e| failed(AppError::Worker(e.to_string())))?
        .map_err(failed)?;
    Ok(download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name, Body::from(bytes)))
}

/// The CSVW metadata of `indicatoren.csv`, which it names by its absolute address.
pub async fn csvw(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let figures = state.figures.wave(&state.store, &wave).await?;
    let csv = format!("{}/metingen/{}/indicatoren.csv", state.public_url, figures.wave.id);
    let metadata = table_csvw(&csv, &figures.wave);
    Ok(download(CSVW, &file_name(&figures, ".csv-metadata.json"), Body::from(metadata.to_string())))
}

/// The CSVW metadata of the table at `csv_url`: the columns of `COLUMNS`, counts as integers and shares and bounds
/// as numbers.
pub fn table_csvw(csv_url: &str, wave: &Wave) -> serde_json::Value {
    let columns = COLUMNS.iter().map(|(header, _, description)| CsvwColumn {
        header,
        description,
        datatype: serde_json::json!(match *header {
            "aantal" | "n" | "populatie" => "integer",
            "waarde" | "ondergrens" | "bovengrens" => "number",
            _ => "string",
        }),
    });
    csvw_metadata(csv_url, &format!("Cijfers van meting {}", wave.id), Openness::Open, columns)
}

pub async fn codebook(State(state): State<AppState>, Path(wave): Path<String>) -> Result<Response, WebError> {
    let figures = state.figures.wave(&state.store, &wave).await?;
    let bytes = write_codebook_csv(&codebook_rows(&figures), Vec::new()).map_err(failed)?;
    Ok(download(CSV, &file_name(&figures, "-codeboek.csv"), Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_keeps_every_digit() {
        let row = FigureRow {
            indicator: Indicator::Response,
            group: "nederland".into(),
            category: String::new(),
            label: "=Respons".into(),
            count: Some(380),
            n: 418,
            population: 418,
            value: Some(380.0 / 418.0),
            low: Some(380.0 / 418.0),
            high: None,
            wave: None,
        };
        let Ok(bytes) = write_table_csv(&[row], Vec::new()) else { panic!("written") };
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(
            text,
            "indicator,groep,categorie,omschrijving,aantal,n,populatie,waarde,ondergrens,bovengrens,meting\n\
             respons,nederland,,'=Respons,380,418,418,0.9090909090909091,0.9090909090909091,,\n"
        );
    }
}

//! CBS's open-data API (OData v3), table 37230ned: population at the start of each month per region.

use chrono::NaiveDate;
use serde::Deserialize;

use super::PopulationFigure;
use crate::register::{OrgCode, OrganisationKind};

pub const CBS_POPULATION_TABLE: &str = "37230ned";
pub const CBS_POPULATION_FIELD: &str = "BevolkingAanHetBeginVanDePeriode_1";

/// The StatLine period key for 1 January of `year`: `2023MM01`.
pub fn cbs_period(year: i32) -> String {
    format!("{year}MM01")
}

/// One page of the API's answer: the municipal figures for the period, the regions it gave without a figure,
/// and the link to the next page if the answer continues.
#[derive(Debug, Default)]
pub struct CbsPage {
    pub figures: Vec<PopulationFigure>,
    pub without_figure: Vec<OrgCode>,
    pub next_link: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    value: Vec<Row>,
    #[serde(rename = "odata.nextLink")]
    next_link: Option<String>,
}

#[derive(Deserialize)]
struct Row {
    #[serde(rename = "RegioS")]
    region: String,
    #[serde(rename = "Perioden")]
    period: String,
    #[serde(rename = "BevolkingAanHetBeginVanDePeriode_1")]
    population: Option<f64>,
}

/// Reads one JSON page of `TypedDataSet` for 1 January of `year`, keeping municipalities (GM codes) only.
pub fn parse_cbs_population(json: &str, year: i32) -> Result<CbsPage, String> {
    let answer: Answer = serde_json::from_str(json).map_err(|error| format!("the CBS answer is not the expected JSON: {error}"))?;
    let reference_date = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| format!("{year} is not a usable year"))?;
    let period = cbs_period(year);
    let mut page = CbsPage { next_link: answer.next_link, ..CbsPage::default() };
    for row in answer.value {
        if row.period.trim() != period {
            continue;
        }
        let Ok(code) = OrgCode::parse(&row.region) else { continue };
        if code.kind() != OrganisationKind::Gemeente {
            continue;
        }
        match row.population {
            Some(count) if count >= 0.0 && count.fract() == 0.0 => page.figures.push(PopulationFigure {
                code,
                population: count as u64,
                reference_date,
                source: format!("CBS StatLine {CBS_POPULATION_TABLE}, {period}"),
            }),
            Some(count) => return Err(format!("CBS gave {count} inhabitants for {code}, which is not a whole number")),
            None => page.without_figure.push(code),
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_municipalities_of_the_period_and_notes_missing_figures() {
        let json = r#"{"odata.metadata":"x","value":[
            {"ID":1,"RegioS":"NL01  ","Perioden":"2023MM01","BevolkingAanHetBeginVanDePeriode_1":17811291},
            {"ID":2,"RegioS":"GM0014","Perioden":"2023MM01","BevolkingAanHetBeginVanDePeriode_1":238147},
            {"ID":3,"RegioS":"GM0034  ","Perioden":"2023MM02","BevolkingAanHetBeginVanDePeriode_1":222900},
            {"ID":4,"RegioS":"GM0037","Perioden":"2023MM01","BevolkingAanHetBeginVanDePeriode_1":null}],
            "odata.nextLink":"https://example.invalid/next"}"#;
        let page = parse_cbs_population(json, 2023).unwrap();
        assert_eq!(page.figures.len(), 1);
        assert_eq!(page.figures[0].code.as_str(), "GM0014");
        assert_eq!(page.figures[0].reference_date, NaiveDate::from_ymd_opt(2023, 1, 1).unwrap());
        assert_eq!(page.without_figure, vec![OrgCode::parse("GM0037").unwrap()]);
        assert_eq!(page.next_link.as_deref(), Some("https://example.invalid/next"));
    }

    #[test]
    fn an_error_page_is_reported_not_panicked_on() {
        let error = parse_cbs_population("<html>Service unavailable</html>", 2023).unwrap_err();
        assert!(error.starts_with("the CBS answer is not the expected JSON"));
    }
}

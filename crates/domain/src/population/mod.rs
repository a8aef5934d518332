//! Population: a dated attribute of an organisation, from CBS. The size class derives from it; nothing here ever
//! estimates a figure that was not given.

mod cbs;
mod file;

pub use cbs::{CBS_POPULATION_FIELD, CBS_POPULATION_TABLE, CbsPage, cbs_period, parse_cbs_population};
pub use file::{PopulationFile, parse_population_csv};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::register::{OrgCode, SizeClass};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PopulationFigure {
    pub code: OrgCode,
    pub population: u64,
    pub reference_date: NaiveDate,
    /// Where the figure comes from, e.g. "CBS StatLine 37230ned".
    pub source: String,
}

impl PopulationFigure {
    pub fn size_class(&self) -> SizeClass {
        SizeClass::from_population(self.population)
    }
}

/// For each organisation, the newest figure dated on or before `date`. A later figure is never used for an
/// earlier date, and an organisation without such a figure is simply absent: population is never estimated.
pub fn latest_on(figures: impl IntoIterator<Item = PopulationFigure>, date: NaiveDate) -> BTreeMap<OrgCode, PopulationFigure> {
    let mut latest: BTreeMap<OrgCode, PopulationFigure> = BTreeMap::new();
    for figure in figures.into_iter().filter(|f| f.reference_date <= date) {
        match latest.get(&figure.code) {
            Some(known) if known.reference_date >= figure.reference_date => {}
            _ => {
                latest.insert(figure.code.clone(), figure);
            }
        }
    }
    latest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(code: &str, population: u64, date: &str) -> PopulationFigure {
        PopulationFigure { code: OrgCode::parse(code).unwrap(), population, reference_date: date.parse().unwrap(), source: "test".into() }
    }

    #[test]
    fn the_newest_figure_not_after_the_date_counts() {
        let figures =
            vec![figure("GM0402", 90_000, "2023-01-01"), figure("GM0363", 918_117, "2023-01-01"), figure("GM0363", 942_504, "2026-01-01")];
        let on_2026 = latest_on(figures.clone(), "2026-06-01".parse().unwrap());
        assert_eq!(on_2026[&OrgCode::parse("GM0363").unwrap()].population, 942_504);
        assert_eq!(on_2026[&OrgCode::parse("GM0402").unwrap()].reference_date.to_string(), "2023-01-01");
        let on_2024 = latest_on(figures.clone(), "2024-01-01".parse().unwrap());
        assert_eq!(on_2024[&OrgCode::parse("GM0363").unwrap()].population, 918_117);
        assert!(latest_on(figures, "2011-01-01".parse().unwrap()).is_empty());
    }
}

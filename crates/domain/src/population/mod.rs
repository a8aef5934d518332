//! Population: a dated attribute of an organisation, from CBS. The size class derives from it; nothing here ever
//! estimates a figure that was not given.

mod cbs;
mod file;

pub use cbs::{CBS_POPULATION_FIELD, CBS_POPULATION_TABLE, CbsPage, cbs_period, parse_cbs_population};
pub use file::{PopulationFile, parse_population_csv};

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

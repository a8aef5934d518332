//! The register as pages and API show it: organisations with the population figure that applies on a date.

use chrono::NaiveDate;
use domain::population::PopulationFigure;
use domain::register::{Organisation, SizeClass};
use store::{OrganisationFilter, Store, StoreError};

pub struct Entry {
    pub organisation: Organisation,
    /// The newest CBS figure on or before the date asked for, if any.
    pub population: Option<PopulationFigure>,
}

impl Entry {
    pub fn size_class(&self) -> Option<SizeClass> {
        self.population.as_ref().map(PopulationFigure::size_class)
    }
}

/// The organisations matching a filter, each with its population on a date.
pub struct Entries {
    pub entries: Vec<Entry>,
    /// Whether any organisation has a figure on the date: without any, no size class can be told.
    pub population_known: bool,
}

/// Organisations matching `filter`, each with its population on `date`, optionally narrowed to a size class.
pub async fn entries(
    store: &Store,
    filter: &OrganisationFilter,
    date: NaiveDate,
    size_class: Option<SizeClass>,
) -> Result<Entries, StoreError> {
    let organisations = store.organisations(filter).await?;
    let mut populations = store.populations_on(date).await?;
    let population_known = !populations.is_empty();
    let entries = organisations
        .into_iter()
        .map(|organisation| Entry { population: populations.remove(&organisation.code), organisation })
        .filter(|entry| size_class.is_none_or(|class| entry.size_class() == Some(class)))
        .collect();
    Ok(Entries { entries, population_known })
}

/// Today, in the server's calendar (the date is what matters, not the hour).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

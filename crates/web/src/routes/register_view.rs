//! The register as pages and API show it: one page of organisations, each with the population figure that applies
//! on a date, and the links to the other pages.

use chrono::NaiveDate;
use domain::paging::PageRequest;
use domain::population::PopulationFigure;
use domain::register::{Organisation, SizeClass};
use store::{ListedOrganisation, OrganisationFilter, PopulationRange, Store, StoreError};

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

/// One page of the organisations matching a filter, and how many match in all.
pub struct EntriesPage {
    pub entries: Vec<Entry>,
    /// How many organisations match the filter, on every page together.
    pub total: u64,
    /// The page shown: the one asked for, or the last one when `last_when_beyond` moved it there.
    pub page: PageRequest,
}

/// Where a page beyond the last one leads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    /// To the last page (a person who followed an old link still sees organisations).
    ShowLast,
    /// To an empty page (a program learns there is nothing more, as the links say).
    ShowEmpty,
}

/// The filter that keeps the organisations of `class` on `date`.
pub fn size_class_range(class: SizeClass, date: NaiveDate) -> PopulationRange {
    let (at_least, below) = class.bounds();
    PopulationRange { on: date, at_least, below }
}

/// Page `page` of the organisations matching `filter`, each with its population on `figures_on`: the count and
/// the page's rows only, never the whole register.
pub async fn entries_page(
    store: &Store,
    filter: &OrganisationFilter,
    figures_on: NaiveDate,
    page: PageRequest,
    beyond: Beyond,
) -> Result<EntriesPage, StoreError> {
    let total = u64::try_from(store.count_organisations(filter).await?).unwrap_or(u64::MAX);
    let page = if beyond == Beyond::ShowLast && page.is_beyond(total) { page.at(page.page_count(total)) } else { page };
    let entries = if page.is_beyond(total) {
        Vec::new()
    } else {
        store
            .organisation_page(filter, figures_on, page)
            .await?
            .into_iter()
            .map(|ListedOrganisation { organisation, population }| Entry { organisation, population })
            .collect()
    };
    Ok(EntriesPage { entries, total, page })
}

/// The address of page `number` of a list at `path`, with the list's filters (`filters`: name and value, only
/// those given) so that a link to another page keeps them. Page 1 is written without its number.
pub fn page_href(path: &str, filters: &[(&str, String)], page_parameter: &str, number: u64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters {
        query.append_pair(name, value);
    }
    if number > 1 {
        query.append_pair(page_parameter, &number.to_string());
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// Today, in the server's calendar (the date is what matters, not the hour).
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

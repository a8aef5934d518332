//! `/gemeenten`: the register, searchable and filtered, as on a chosen date, a page at a time; `/gemeenten/{code}`:
//! one organisation with its population, predecessors and successors.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use domain::paging::PageRequest;
use domain::register::{CodeScheme, OrgCode, Organisation, OrganisationKind, Register, SizeClass};
use serde::{Deserialize, Serialize};
use store::{OrganisationFilter, StoreError};

use crate::AppState;
use crate::error::{WebError, page as render};
use crate::extract::{Path, Query};
use crate::figures::published_waves;
use crate::format;
use crate::routes::public::profile::{ProfileView, profile_view};
use crate::routes::register_view::{Beyond, EntriesPage, entries_page, page_href, size_class_range, today};

/// How many organisations a page of `/gemeenten` shows: enough to scan, few enough to render at once.
pub const REGISTER_PAGE_SIZE: u64 = 50;

#[derive(Deserialize, Serialize, Default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    zoek: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provincie: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grootteklasse: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    datum: Option<String>,
    /// The page, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pagina: Option<String>,
}

struct Choice {
    code: String,
    name: String,
    selected: bool,
}

struct Row {
    code: String,
    name: String,
    province: String,
    population: String,
    size_class: String,
    validity: String,
}

#[derive(Template)]
#[template(path = "gemeenten.html")]
struct ListPage {
    errors: Vec<String>,
    search: String,
    provinces: Vec<Choice>,
    size_classes: Vec<Choice>,
    date_value: String,
    date_text: String,
    date_year: i32,
    population_known: bool,
    filter_summary: String,
    total: u64,
    rows: Vec<Row>,
    pagination: Pagination,
}

/// The links between the pages of a list; shown only when there is more than one page.
pub struct Pagination {
    pub number: u64,
    pub count: u64,
    pub first: Option<String>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
}

impl Pagination {
    /// The links around `page` of `total` rows, each made by `href` from a page number.
    fn around(page: PageRequest, total: u64, href: impl Fn(u64) -> String) -> Self {
        let count = page.page_count(total);
        let number = page.number();
        Self {
            number,
            count,
            first: (number > 2).then(|| href(1)),
            previous: page.previous().map(|p| href(p.number())),
            next: page.next(total).map(|p| href(p.number())),
            last: (number + 1 < count).then(|| href(count)),
        }
    }
}

pub fn validity(organisation: &Organisation) -> String {
    match organisation.valid_to {
        Some(end) => format!("{} tot {}", format::date(organisation.valid_from), format::date(end)),
        None => format!("sinds {}", format::date(organisation.valid_from)),
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The page shows whatever was asked for that makes sense, and says what did not: a mistyped date must not
/// empty the search field.
pub async fn list(State(state): State<AppState>, Query(query): Query<ListQuery>) -> Result<Html<String>, WebError> {
    let mut errors = Vec::new();
    let date = match non_empty(&query.datum) {
        None => today(),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| {
            errors.push(format!("Peildatum: '{text}' is geen datum. Gebruik de vorm JJJJ-MM-DD, bijvoorbeeld 2011-01-01. De gemeenten van vandaag worden getoond."));
            today()
        }),
    };
    let province = non_empty(&query.provincie).and_then(|text| match OrgCode::parse(text) {
        Ok(code) if code.kind() == OrganisationKind::Provincie => Some(code),
        _ => {
            errors.push(format!("Provincie: '{text}' is geen provinciecode. Kies een provincie uit de lijst."));
            None
        }
    });
    let size_class = non_empty(&query.grootteklasse).and_then(|text| match text.parse::<u8>().ok().and_then(SizeClass::from_number) {
        Some(class) => Some(class),
        None => {
            errors.push(format!("Grootteklasse: '{text}' is geen grootteklasse van CBS (1 tot en met 8)."));
            None
        }
    });
    let search = non_empty(&query.zoek).map(str::to_owned);
    let asked_page = PageRequest::parse(non_empty(&query.pagina), None, REGISTER_PAGE_SIZE, REGISTER_PAGE_SIZE).unwrap_or_else(|_| {
        errors.push(format!(
            "Pagina: '{}' is geen paginanummer. Gebruik een heel getal vanaf 1. De eerste pagina wordt getoond.",
            non_empty(&query.pagina).unwrap_or_default()
        ));
        PageRequest::new(1, REGISTER_PAGE_SIZE)
    });

    let provinces =
        state.store.organisations(&OrganisationFilter { kind: Some(OrganisationKind::Provincie), ..Default::default() }).await?;
    let province_names: BTreeMap<OrgCode, String> = provinces.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
    let filter = OrganisationFilter {
        date: Some(date),
        province: province.clone(),
        kind: Some(OrganisationKind::Gemeente),
        search: search.clone(),
        population: size_class.map(|class| size_class_range(class, date)),
    };
    let population_known = state.store.population_known_on(date).await?;
    let EntriesPage { entries: found, total, page } = entries_page(&state.store, &filter, date, asked_page, Beyond::ShowLast).await?;
    if page != asked_page {
        errors.push(format!(
            "Pagina: er is geen pagina {} bij deze filters. De laatste pagina, {}, wordt getoond.",
            asked_page.number(),
            page.number()
        ));
    }
    // Links to other pages keep the filters that were understood, as the form shows them.
    let kept: Vec<(&str, String)> = [
        ("zoek", search.clone()),
        ("provincie", province.as_ref().map(ToString::to_string)),
        ("grootteklasse", size_class.map(|class| class.number().to_string())),
        ("datum", non_empty(&query.datum).and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).map(|d| d.to_string())),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| (name, value)))
    .collect();
    let pagination = Pagination::around(page, total, |number| page_href("/gemeenten", &kept, "pagina", number));

    let mut summary = Vec::new();
    if let Some(code) = &province {
        summary.push(format!("provincie {}", province_names.get(code).map(String::as_str).unwrap_or(code.as_str())));
    }
    if let Some(class) = size_class {
        summary.push(format!("grootteklasse {}", class.label()));
    }
    if let Some(term) = &search {
        summary.push(format!("zoekterm ‘{term}’"));
    }
    render(ListPage {
        errors,
        search: search.unwrap_or_default(),
        provinces: provinces
            .iter()
            .map(|p| Choice { code: p.code.to_string(), name: p.name.clone(), selected: province.as_ref() == Some(&p.code) })
            .collect(),
        size_classes: SizeClass::all()
            .map(|class| Choice {
                code: class.number().to_string(),
                name: format!("{}: {}", class.number(), class.label()),
                selected: size_class == Some(class),
            })
            .collect(),
        date_value: date.to_string(),
        date_text: format::date(date),
        date_year: date.year(),
        population_known,
        filter_summary: summary.join(", "),
        total,
        pagination,
        rows: found
            .iter()
            .map(|entry| {
                let organisation = &entry.organisation;
                Row {
                    code: organisation.code.to_string(),
                    name: organisation.name.clone(),
                    province: organisation.province.as_ref().and_then(|p| province_names.get(p)).cloned().unwrap_or_default(),
                    population: entry
                        .population
                        .as_ref()
                        .map(|f| format!("{} ({})", format::whole(f.population), format::date(f.reference_date)))
                        .unwrap_or_else(|| "onbekend".into()),
                    size_class: entry.size_class().map(|c| c.label()).unwrap_or_else(|| "onbekend".into()),
                    validity: validity(organisation),
                }
            })
            .collect(),
    })
}

struct Link {
    code: String,
    name: String,
    note: String,
}

struct FigureRow {
    date: String,
    population: String,
    size_class: String,
    source: String,
}

#[derive(Template)]
#[template(path = "gemeente.html")]
struct DetailPage {
    code: String,
    /// Which list the code comes from, as the page names it.
    scheme: &'static str,
    name: String,
    kind: &'static str,
    province: Option<String>,
    validity: String,
    ended: Option<String>,
    area: Option<String>,
    centroid: Option<String>,
    populations: Vec<FigureRow>,
    successors: Vec<Link>,
    predecessors: Vec<Link>,
    today: Vec<Link>,
    today_text: String,
    profile: Option<ProfileView>,
}

pub async fn detail(State(state): State<AppState>, Path(code): Path<String>) -> Result<Html<String>, WebError> {
    let not_found = || WebError::NotFound(format!("Het register kent geen organisatie met code ‘{code}’."));
    let parsed = OrgCode::parse(&code).map_err(|_| not_found())?;
    let organisation = match state.store.organisation(&parsed).await {
        Err(StoreError::NotFound) => return Err(not_found()),
        other => other?,
    };
    // Only what the page names: the organisation's successors through every later change, and its province.
    let mut related = state.store.successors_onwards(&organisation.code).await?;
    if let Some(province) = &organisation.province {
        match state.store.organisation(province).await {
            Ok(found) => related.push(found),
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let register = Register::new(related);
    let name_of = |code: &OrgCode| register.get(code).map(|o| o.name.clone()).unwrap_or_else(|| code.to_string());
    let link = |o: &Organisation, note: String| Link { code: o.code.to_string(), name: o.name.clone(), note };
    let now = today();
    let on_today = if organisation.is_valid_on(now) { Vec::new() } else { register.on_date(&organisation.code, now) };
    let kind = match organisation.kind() {
        OrganisationKind::Gemeente => "gemeente",
        OrganisationKind::Provincie => "provincie",
    };
    let ended = organisation.valid_to.map(|end| {
        let names: Vec<String> = organisation.successors.iter().map(name_of).collect();
        format!("{} bestaat sinds {} niet meer en is opgegaan in {}.", organisation.name, format::date(end), names.join(", "))
    });
    let scheme = match organisation.code.scheme() {
        CodeScheme::Cbs => "CBS-code",
        CodeScheme::Lau => "LAU-code (Eurostat)",
    };
    render(DetailPage {
        code: organisation.code.to_string(),
        scheme,
        name: organisation.name.clone(),
        kind,
        province: organisation.province.as_ref().map(name_of),
        validity: validity(&organisation),
        ended,
        area: organisation.area_km2.map(|a| format!("{} km²", format::decimal(a, 1))),
        centroid: organisation.centroid.map(|c| format!("{}° N, {}° O", format::decimal(c.lat, 3), format::decimal(c.lon, 3))),
        populations: state
            .store
            .population_figures(None, Some(&organisation.code))
            .await?
            .into_iter()
            .map(|f| FigureRow {
                date: format::date(f.reference_date),
                population: format::whole(f.population),
                size_class: f.size_class().label(),
                source: f.source,
            })
            .collect(),
        successors: organisation
            .successors
            .iter()
            .enumerate()
            .filter_map(|(index, code)| {
                register.get(code).map(|o| {
                    link(o, if index == 0 && organisation.successors.len() > 1 { ", grootste deel".into() } else { String::new() })
                })
            })
            .collect(),
        predecessors: state
            .store
            .predecessors(&organisation.code)
            .await?
            .iter()
            .map(|o| link(o, o.valid_to.map(|end| format!(", tot {}", format::date(end))).unwrap_or_default()))
            .collect(),
        today: on_today.iter().filter_map(|code| register.get(code)).map(|o| link(o, String::new())).collect(),
        today_text: format::date(now),
        profile: newest_profile(&state, &organisation.code).await?,
    })
}

/// The profile in the newest published wave that asked `code`, if any did.
async fn newest_profile(state: &AppState, code: &OrgCode) -> Result<Option<ProfileView>, WebError> {
    for wave in published_waves(&state.store).await? {
        let figures = state.figures.wave(&state.store, wave.id.as_str()).await?;
        if let Some(profile) = figures.profile(code) {
            return Ok(Some(profile_view(&figures, &profile, None)));
        }
    }
    Ok(None)
}

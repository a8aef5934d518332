//! `/gemeenten`: the register, searchable and filtered, as on a chosen date; `/gemeenten/{code}`: one
//! organisation with its population, predecessors and successors.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use domain::register::{OrgCode, Organisation, OrganisationKind, Register, SizeClass};
use serde::{Deserialize, Serialize};
use store::{OrganisationFilter, StoreError};

use crate::AppState;
use crate::error::{WebError, page as render};
use crate::extract::{Path, Query};
use crate::figures::published_waves;
use crate::format;
use crate::routes::public::profile::{ProfileView, profile_view};
use crate::routes::register_view::{Entries, entries, today};

#[derive(Deserialize, Serialize, Default)]
pub struct ListQuery {
    zoek: Option<String>,
    provincie: Option<String>,
    grootteklasse: Option<String>,
    datum: Option<String>,
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
    rows: Vec<Row>,
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

    let provinces =
        state.store.organisations(&OrganisationFilter { kind: Some(OrganisationKind::Provincie), ..Default::default() }).await?;
    let province_names: BTreeMap<OrgCode, String> = provinces.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
    let filter =
        OrganisationFilter { date: Some(date), province: province.clone(), kind: Some(OrganisationKind::Gemeente), search: search.clone() };
    let Entries { entries: found, population_known } = entries(&state.store, &filter, date, size_class).await?;

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
    let register = Register::new(state.store.organisations(&OrganisationFilter::default()).await?);
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
    render(DetailPage {
        code: organisation.code.to_string(),
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

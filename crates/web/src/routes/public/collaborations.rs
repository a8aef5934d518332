//! `/samenwerkingen`: the register of collaborations, filtered by area and province, with the network of who
//! works with whom drawn over the map and the same facts as a table; `/samenwerkingen/{id}`: one collaboration
//! with its members on a small map.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::collaboration::{Area, Collaboration, Source, edges, partners};
use domain::register::{OrgCode, Organisation, OrganisationKind};
use serde::{Deserialize, Serialize};
use store::{OrganisationFilter, Store, StoreError};

use crate::AppState;
use crate::charts::network::{Node, Outline, network};
use crate::error::{WebError, page};
use crate::extract::{Path, Query};
use crate::routes::register_view::today;

#[derive(Deserialize, Serialize, Default)]
pub struct ListQuery {
    gebied: Option<String>,
    provincie: Option<String>,
}

pub struct Link {
    pub code: String,
    pub name: String,
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub members: Vec<Link>,
    pub areas: String,
    pub source: String,
    pub simulated: bool,
}

pub struct PartnerRow {
    pub municipality: Link,
    pub partners: Vec<Link>,
}

struct Choice {
    code: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "samenwerkingen.html")]
struct ListPage {
    errors: Vec<String>,
    areas: Vec<Choice>,
    provinces: Vec<Choice>,
    filter_summary: String,
    total: usize,
    rows: Vec<Row>,
    simulated: bool,
    network_svg: String,
    outline_source: &'static str,
    partner_rows: Vec<PartnerRow>,
}

#[derive(Template)]
#[template(path = "samenwerking.html")]
struct DetailPage {
    row: Row,
    network_svg: String,
    outline_source: &'static str,
}

/// What the pages need of the register: every organisation, by code.
pub struct RegisterFacts {
    pub organisations: BTreeMap<OrgCode, Organisation>,
    waves: BTreeMap<String, String>,
}

impl RegisterFacts {
    pub async fn load(store: &Store) -> Result<RegisterFacts, StoreError> {
        let organisations = store.organisations(&OrganisationFilter::default()).await?.into_iter().map(|o| (o.code.clone(), o)).collect();
        let waves = store.waves().await?.into_iter().map(|w| (w.id.to_string(), w.title)).collect();
        Ok(RegisterFacts { organisations, waves })
    }

    pub fn name(&self, code: &OrgCode) -> String {
        self.organisations.get(code).map_or_else(|| code.to_string(), |o| o.name.clone())
    }

    pub fn link(&self, code: &OrgCode) -> Link {
        Link { code: code.to_string(), name: self.name(code) }
    }

    /// "antwoord van Zwolle in de meting ‘Vervolgmeting …’", or "ingevoerd door het monitorteam".
    pub fn source(&self, source: &Source) -> String {
        match source {
            Source::Team => "ingevoerd door het monitorteam".to_owned(),
            Source::Survey { wave, organisation } => format!(
                "antwoord van {} in de meting ‘{}’",
                self.name(organisation),
                self.waves.get(wave.as_str()).map_or(wave.as_str(), String::as_str)
            ),
        }
    }

    pub fn row(&self, collaboration: &Collaboration) -> Row {
        let mut members: Vec<Link> = collaboration.members.iter().map(|code| self.link(code)).collect();
        members.sort_by(|a, b| a.name.cmp(&b.name));
        Row {
            id: collaboration.id,
            name: collaboration.name.clone(),
            members,
            areas: areas_text(collaboration),
            source: self.source(&collaboration.source),
            simulated: collaboration.simulated,
        }
    }

    fn nodes<'a>(&self, codes: impl Iterator<Item = &'a OrgCode>) -> Vec<Node> {
        codes
            .filter_map(|code| {
                let organisation = self.organisations.get(code)?;
                Some(Node { code: code.clone(), name: organisation.name.clone(), centroid: organisation.centroid? })
            })
            .collect()
    }
}

fn areas_text(collaboration: &Collaboration) -> String {
    if collaboration.areas.is_empty() {
        return "niet opgegeven".to_owned();
    }
    collaboration.areas.iter().map(|a| a.label_nl()).collect::<Vec<_>>().join(", ")
}

/// The map under the network: today's imported boundaries, or today's municipalities as dots, with a sentence
/// saying which.
async fn outline(store: &Store, facts: &RegisterFacts) -> Result<(Outline, &'static str), StoreError> {
    Ok(match store.boundaries_for(today(), OrganisationKind::Gemeente).await? {
        Some((_, boundaries)) => {
            (Outline::Boundaries(boundaries), "Onder het netwerk liggen de gemeentegrenzen (CBS/PDOK, vereenvoudigd).")
        }
        None => (
            Outline::Centroids(
                facts
                    .organisations
                    .values()
                    .filter(|o| o.kind() == OrganisationKind::Gemeente && o.is_valid_on(today()))
                    .filter_map(|o| o.centroid)
                    .collect(),
            ),
            "Er zijn geen gemeentegrenzen geïmporteerd; de grijze stippen zijn de middelpunten van de gemeenten van vandaag.",
        ),
    })
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub async fn list(State(state): State<AppState>, Query(query): Query<ListQuery>) -> Result<Html<String>, WebError> {
    let mut errors = Vec::new();
    let area = non_empty(&query.gebied).and_then(|text| {
        let area = Area::parse(text);
        if area.is_none() {
            errors.push(format!("Gebied: ‘{text}’ is geen gebied. Kies een gebied uit de lijst; nu worden alle gebieden getoond."));
        }
        area
    });
    let facts = RegisterFacts::load(&state.store).await?;
    let province = non_empty(&query.provincie).and_then(|text| match OrgCode::parse(text) {
        Ok(code) if facts.organisations.get(&code).is_some_and(|o| o.kind() == OrganisationKind::Provincie) => Some(code),
        _ => {
            errors.push(format!(
                "Provincie: ‘{text}’ is geen provincie. Kies een provincie uit de lijst; nu worden alle provincies getoond."
            ));
            None
        }
    });
    let all = state.store.collaborations().await?;
    let total = all.len();
    let province_of = |member: &OrgCode| facts.organisations.get(member).and_then(|o| o.province.as_ref());
    let shown: Vec<Collaboration> = all.into_iter().filter(|c| c.matches(area, province.as_ref(), province_of)).collect();

    let partners = partners(&shown);
    let (outline, outline_source) = outline(&state.store, &facts).await?;
    let network_svg = network(&outline, &facts.nodes(partners.keys()), &edges(&shown), "Netwerk van samenwerkende gemeenten");
    let mut partner_rows: Vec<PartnerRow> = partners
        .iter()
        .map(|(code, others)| {
            let mut partners: Vec<Link> = others.iter().map(|other| facts.link(other)).collect();
            partners.sort_by(|a, b| a.name.cmp(&b.name));
            PartnerRow { municipality: facts.link(code), partners }
        })
        .collect();
    partner_rows.sort_by(|a, b| a.municipality.name.cmp(&b.municipality.name));

    let mut summary = Vec::new();
    if let Some(area) = area {
        summary.push(format!("gebied {}", area.label_nl().to_lowercase()));
    }
    if let Some(code) = &province {
        summary.push(format!("met een lid in {}", facts.name(code)));
    }
    let provinces: Vec<Choice> = facts
        .organisations
        .values()
        .filter(|o| o.kind() == OrganisationKind::Provincie)
        .map(|o| Choice { code: o.code.to_string(), name: o.name.clone(), selected: province.as_ref() == Some(&o.code) })
        .collect();
    page(ListPage {
        errors,
        areas: Area::ALL
            .iter()
            .map(|a| Choice { code: a.code().to_owned(), name: a.label_nl().to_owned(), selected: area == Some(*a) })
            .collect(),
        provinces,
        filter_summary: summary.join(", "),
        total,
        simulated: shown.iter().any(|c| c.simulated),
        rows: shown.iter().map(|c| facts.row(c)).collect(),
        network_svg,
        outline_source,
        partner_rows,
    })
}

pub async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, WebError> {
    let missing = || WebError::NotFound(format!("Er is geen samenwerking met nummer ‘{id}’. Zie de lijst op /samenwerkingen."));
    let number: i64 = id.trim().parse().map_err(|_| missing())?;
    let collaboration = match state.store.collaboration(number).await {
        Err(StoreError::NotFound) => return Err(missing()),
        other => other?,
    };
    let facts = RegisterFacts::load(&state.store).await?;
    let (outline, outline_source) = outline(&state.store, &facts).await?;
    let network_svg = network(
        &outline,
        &facts.nodes(collaboration.members.iter()),
        &edges(std::slice::from_ref(&collaboration)),
        &format!("Leden van {}", collaboration.name),
    );
    page(DetailPage { row: facts.row(&collaboration), network_svg, outline_source })
}

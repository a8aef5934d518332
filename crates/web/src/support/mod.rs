//! Support planning in the web layer: what a proposal's pages, downloads and letters need besides the proposal
//! itself (the wave, names of blocks and municipalities, where the municipalities lie), read once per request.
//! The rules are `domain::support`'s; this only reads and labels.

pub mod export;
pub mod mail;

use std::collections::BTreeMap;

use domain::fieldwork::{Wave, WaveId};
use domain::register::{OrgCode, Organisation};
use domain::support::settings::km_nl;
use domain::support::{Grouping, Location, Locations, Meeting, Region, Settings};
use store::{OrganisationFilter, Store, StoreError, StoredProposal};

use crate::error::WebError;

/// Names and places of the register, and the names of a catalogue's blocks.
pub struct Labels {
    names: BTreeMap<OrgCode, String>,
    blocks: BTreeMap<String, String>,
    pub locations: Locations,
}

impl Labels {
    /// From every organisation the register has held, and the catalogue of `wave`.
    pub async fn load(store: &Store, wave: &Wave) -> Result<Self, WebError> {
        let register = store.organisations(&OrganisationFilter::default()).await?;
        let catalogue = store.catalogue(&wave.catalogue_id, Some(&wave.catalogue_version)).await?;
        Ok(Self::new(&register, catalogue.blocks.iter().map(|b| (b.code.clone(), b.name.clone())).collect()))
    }

    pub fn new(register: &[Organisation], blocks: BTreeMap<String, String>) -> Self {
        Labels {
            names: register.iter().map(|o| (o.code.clone(), o.name.clone())).collect(),
            locations: register.iter().map(|o| (o.code.clone(), Location { province: o.province.clone(), centroid: o.centroid })).collect(),
            blocks,
        }
    }

    pub fn name(&self, code: &OrgCode) -> String {
        self.names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }

    pub fn block(&self, code: &str) -> String {
        self.blocks.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }

    /// "Utrecht", or "binnen 25 km van Amersfoort".
    pub fn region(&self, meeting: &Meeting, settings: &Settings) -> String {
        match (&meeting.region, settings.grouping) {
            (Region::Province(province), _) => self.name(province),
            (Region::AroundHost, Grouping::WithinDistance { km }) => format!("binnen {} km van {}", km_nl(km), self.name(&meeting.host)),
            (Region::AroundHost, Grouping::PerRegion { .. }) => format!("rond {}", self.name(&meeting.host)),
        }
    }
}

/// A stored proposal with its wave and labels.
pub struct Loaded {
    pub stored: StoredProposal,
    pub wave: Wave,
    pub labels: Labels,
}

/// The proposal with the id in the path, or a page saying there is none.
pub async fn load(store: &Store, id: &str) -> Result<Loaded, WebError> {
    let not_found = || WebError::NotFound(format!("Er is geen voorstel ‘{id}’. De voorstellen staan op /beheer/ondersteuning."));
    let number: i64 = id.parse().map_err(|_| not_found())?;
    let stored = match store.support_plan(number).await {
        Err(StoreError::NotFound) => return Err(not_found()),
        other => other?,
    };
    let wave = store.wave(&stored.wave).await?;
    let labels = Labels::load(store, &wave).await?;
    Ok(Loaded { stored, wave, labels })
}

/// The wave with `id`, or a page saying there is none.
pub async fn wave(store: &Store, id: &str) -> Result<Wave, WebError> {
    let not_found = || WebError::NotFound(format!("Er is geen meting ‘{id}’."));
    let id = WaveId::parse(id).map_err(|_| not_found())?;
    match store.wave(&id).await {
        Err(StoreError::NotFound) => Err(not_found()),
        other => Ok(other?),
    }
}

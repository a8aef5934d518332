//! Where one municipality stands against its peers: its peer groups (the same size class, the same province, its
//! collaboration partners), its percentile in each, its next steps (blocks most peers use and it does not, whose
//! prerequisites it meets), and who can help (the nearest municipalities of similar size that have a block in use).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::questionnaire::BlockStatus;
use crate::register::{Centroid, OrgCode, SizeClass};

mod profile;
mod standings;

pub use profile::{BlockStanding, Comparison, GroupStanding, Profile, preliminary_profile, profile};
pub use standings::standings;

/// One responding municipality, as the benchmark sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub code: OrgCode,
    pub size_class: Option<SizeClass>,
    pub province: Option<OrgCode>,
    pub centroid: Option<Centroid>,
    /// The status of each block it answered, by block code.
    pub statuses: BTreeMap<String, BlockStatus>,
    /// The blocks it asked support for.
    pub needs_support: BTreeSet<String>,
    /// The organisations it collaborates with on ICT.
    pub partners: BTreeSet<OrgCode>,
}

impl Standing {
    pub fn has_in_use(&self, block: &str) -> bool {
        self.statuses.get(block) == Some(&BlockStatus::InUse)
    }

    /// Its share of `catalogue`'s blocks in use.
    pub fn adoption(&self, catalogue: &Catalogue) -> Option<f64> {
        let size = catalogue.blocks.len();
        (size > 0).then(|| catalogue.blocks.iter().filter(|b| self.has_in_use(&b.code)).count() as f64 / size as f64)
    }
}

/// A group a municipality is compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum PeerGroup {
    SizeClass(SizeClass),
    Province(OrgCode),
    /// Its collaboration partners that responded.
    Partners,
}

/// The peer groups of `me`: those it has the facts for.
pub fn peer_groups(me: &Standing) -> Vec<PeerGroup> {
    let mut groups: Vec<PeerGroup> = me.size_class.map(PeerGroup::SizeClass).into_iter().collect();
    groups.extend(me.province.clone().map(PeerGroup::Province));
    if !me.partners.is_empty() {
        groups.push(PeerGroup::Partners);
    }
    groups
}

/// The members of `group` among `all`, without `me` itself.
pub fn peers<'a>(me: &Standing, all: &'a [Standing], group: &PeerGroup) -> Vec<&'a Standing> {
    all.iter()
        .filter(|other| other.code != me.code)
        .filter(|other| match group {
            PeerGroup::SizeClass(class) => other.size_class == Some(*class),
            PeerGroup::Province(province) => other.province.as_ref() == Some(province),
            PeerGroup::Partners => me.partners.contains(&other.code),
        })
        .collect()
}

/// Where `value` stands among `others`, 0..=100: the share of them below it, counting ties as half (the mid-rank
/// percentile, so that a municipality equal to all its peers stands at 50). `None` without peers.
pub fn percentile(value: f64, others: &[f64]) -> Option<f64> {
    if others.is_empty() {
        return None;
    }
    let below = others.iter().filter(|other| **other < value).count() as f64;
    let equal = others.iter().filter(|other| **other == value).count() as f64;
    Some(100.0 * (below + equal / 2.0) / others.len() as f64)
}

/// A block most peers use and the municipality does not, though it could: it has every block it depends on in use.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NextStep {
    pub block: String,
    /// The share of the peers that have it in use, more than half.
    pub peers_in_use: f64,
}

/// The next steps of `me` against `peers`, the most common first (catalogue order among equals).
pub fn next_steps(me: &Standing, peers: &[&Standing], catalogue: &Catalogue) -> Vec<NextStep> {
    if peers.is_empty() {
        return Vec::new();
    }
    let mut steps: Vec<NextStep> = catalogue
        .blocks
        .iter()
        .filter(|block| !me.has_in_use(&block.code) && block.depends_on.iter().all(|d| me.has_in_use(d)))
        .filter_map(|block| {
            let share = peers.iter().filter(|p| p.has_in_use(&block.code)).count() as f64 / peers.len() as f64;
            (share > 0.5).then(|| NextStep { block: block.code.clone(), peers_in_use: share })
        })
        .collect();
    steps.sort_by(|a, b| b.peers_in_use.total_cmp(&a.peers_in_use));
    steps
}

/// A municipality that can help with a block, and how far away it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Helper {
    pub code: OrgCode,
    pub distance_km: f64,
}

/// Up to `limit` municipalities of similar size (the same size class or a neighbouring one) that have `block` in
/// use, nearest first. Without a centroid or a size class for `me`, nobody can be called near or similar.
pub fn who_can_help(me: &Standing, all: &[Standing], block: &str, limit: usize) -> Vec<Helper> {
    let (Some(here), Some(class)) = (me.centroid, me.size_class) else { return Vec::new() };
    let mut helpers: Vec<Helper> = all
        .iter()
        .filter(|other| other.code != me.code && other.has_in_use(block))
        .filter(|other| other.size_class.is_some_and(|c| c.number().abs_diff(class.number()) <= 1))
        .filter_map(|other| Some(Helper { code: other.code.clone(), distance_km: distance_km(here, other.centroid?) }))
        .collect();
    helpers.sort_by(|a, b| a.distance_km.total_cmp(&b.distance_km).then_with(|| a.code.cmp(&b.code)));
    helpers.truncate(limit);
    helpers
}

/// The great-circle distance between two points (haversine, on a sphere of the Earth's mean radius).
pub fn distance_km(a: Centroid, b: Centroid) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6_371.0;
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod profile_tests;
#[cfg(test)]
mod tests;

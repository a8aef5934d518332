//! Who works with whom: two municipalities are partners when they share a registered collaboration.

use std::collections::{BTreeMap, BTreeSet};

use super::Collaboration;
use crate::register::OrgCode;

/// Two municipalities that share collaborations; `from` sorts before `to`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: OrgCode,
    pub to: OrgCode,
    /// How many collaborations the two share.
    pub shared: usize,
}

/// Every pair of municipalities that share a collaboration, once, ordered by their codes.
pub fn edges(collaborations: &[Collaboration]) -> Vec<Edge> {
    let mut shared: BTreeMap<(&OrgCode, &OrgCode), usize> = BTreeMap::new();
    for collaboration in collaborations {
        let members: Vec<&OrgCode> = collaboration.members.iter().collect();
        for (position, from) in members.iter().enumerate() {
            for to in &members[position + 1..] {
                *shared.entry((*from, *to)).or_default() += 1;
            }
        }
    }
    shared.into_iter().map(|((from, to), shared)| Edge { from: from.clone(), to: to.clone(), shared }).collect()
}

/// For every municipality that shares a collaboration with another, those others. A municipality that is the only
/// member of its collaborations is not listed: it has no partners.
pub fn partners(collaborations: &[Collaboration]) -> BTreeMap<OrgCode, BTreeSet<OrgCode>> {
    let mut partners: BTreeMap<OrgCode, BTreeSet<OrgCode>> = BTreeMap::new();
    for collaboration in collaborations {
        for member in &collaboration.members {
            let mut others = collaboration.members.iter().filter(|other| *other != member).cloned().peekable();
            if others.peek().is_some() {
                partners.entry(member.clone()).or_default().extend(others);
            }
        }
    }
    partners
}

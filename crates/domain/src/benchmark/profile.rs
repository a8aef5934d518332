//! One municipality's profile in a wave: each block's status beside the share of each peer group that has it in
//! use, its adoption and percentile in each group, its next steps, and who can help with what it asked support for.
//! Peer figures follow the rule of every breakdown: below `MIN_N` responding peers only their count is given.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Helper, PeerGroup, Standing, next_steps, peer_groups, peers, percentile, who_can_help};
use crate::analysis::Proportion;
use crate::analysis::indicators::{Adoption, Asked, MIN_N, adoption_of};
use crate::catalogue::Catalogue;
use crate::questionnaire::BlockStatus;
use crate::register::OrgCode;

/// How many helpers a profile names per block.
pub const HELPERS_PER_BLOCK: usize = 3;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Profile {
    pub code: OrgCode,
    /// Whether it submitted an answer that the wave counts.
    pub responded: bool,
    /// Its share of the catalogue's blocks in use; `None` when it did not respond.
    pub adoption: Option<f64>,
    pub groups: Vec<GroupStanding>,
    /// In catalogue order.
    pub blocks: Vec<BlockStanding>,
    /// The blocks that more than half of the peers of a group with enough respondents use and it does not, whose
    /// prerequisites it has in use; the most widely used first.
    pub next_steps: Vec<String>,
    /// For each block it asked support for, in catalogue order: the nearest municipalities of similar size that
    /// have it in use.
    pub helpers: Vec<BlockHelpers>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupStanding {
    pub group: PeerGroup,
    /// The peers the wave asked, without the municipality itself: the population of the group's shares.
    pub asked: usize,
    /// The peers that responded: the base n.
    pub respondents: usize,
    /// The peers' adoption; `None` below `MIN_N` respondents.
    pub adoption: Option<Adoption>,
    /// Where its adoption stands among the peers' (mid-rank, 0–100); `None` below `MIN_N` or when it did not
    /// respond.
    pub percentile: Option<f64>,
}

impl GroupStanding {
    pub fn published(&self) -> bool {
        self.respondents >= MIN_N
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockStanding {
    pub block: String,
    pub status: Option<BlockStatus>,
    pub needs_support: bool,
    /// Per group, in the order of `Profile::groups`: the share of the peers that answered for the block that have
    /// it in use; `None` below `MIN_N` responding peers.
    pub peers_in_use: Vec<Option<Proportion>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockHelpers {
    pub block: String,
    pub helpers: Vec<Helper>,
}

/// The profile of `code` among a wave's `asked` organisations and the `standings` of its respondents; `partners`
/// are the organisations it collaborates with. `None` when the wave did not ask it.
pub fn profile(
    code: &OrgCode,
    asked: &[Asked],
    standings: &[Standing],
    partners: &BTreeSet<OrgCode>,
    catalogue: &Catalogue,
) -> Option<Profile> {
    let own = asked.iter().find(|a| &a.code == code)?;
    let answered = standings.iter().find(|s| &s.code == code);
    let me = answered.cloned().map_or_else(
        || Standing {
            code: code.clone(),
            size_class: own.size_class,
            province: own.province.clone(),
            centroid: None,
            statuses: BTreeMap::new(),
            needs_support: BTreeSet::new(),
            partners: partners.clone(),
        },
        |standing| Standing { partners: partners.clone(), ..standing },
    );
    let responded = answered.is_some();
    let in_group = |other: &Asked, group: &PeerGroup| {
        other.code != me.code
            && match group {
                PeerGroup::SizeClass(class) => other.size_class == Some(*class),
                PeerGroup::Province(province) => other.province.as_ref() == Some(province),
                PeerGroup::Partners => me.partners.contains(&other.code),
            }
    };
    let groups_and_peers: Vec<(PeerGroup, usize, Vec<&Standing>)> = peer_groups(&me)
        .into_iter()
        .map(|group| {
            let population = asked.iter().filter(|a| in_group(a, &group)).count();
            let members = peers(&me, standings, &group);
            (group, population, members)
        })
        .collect();

    let blocks_in_use = |standing: &Standing| catalogue.blocks.iter().filter(|b| standing.has_in_use(&b.code)).count();
    let adoption = responded.then(|| me.adoption(catalogue)).flatten();
    let groups = groups_and_peers
        .iter()
        .map(|(group, population, members)| {
            let enough = members.len() >= MIN_N;
            let mut histogram = vec![0u32; catalogue.blocks.len() + 1];
            for member in members {
                histogram[blocks_in_use(member)] += 1;
            }
            let shares: Vec<f64> = members.iter().filter_map(|m| m.adoption(catalogue)).collect();
            GroupStanding {
                group: group.clone(),
                asked: *population,
                respondents: members.len(),
                adoption: enough.then(|| adoption_of(&histogram, catalogue.blocks.len(), *population)).flatten(),
                percentile: adoption.filter(|_| enough).and_then(|own| percentile(own, &shares)),
            }
        })
        .collect();

    let blocks = catalogue
        .blocks
        .iter()
        .map(|block| BlockStanding {
            block: block.code.clone(),
            status: me.statuses.get(&block.code).copied(),
            needs_support: me.needs_support.contains(&block.code),
            peers_in_use: groups_and_peers
                .iter()
                .map(|(_, population, members)| {
                    let answered: Vec<&&Standing> = members.iter().filter(|m| m.statuses.contains_key(&block.code)).collect();
                    let in_use = answered.iter().filter(|m| m.has_in_use(&block.code)).count();
                    (members.len() >= MIN_N).then(|| Proportion::new(in_use, answered.len(), *population))
                })
                .collect(),
        })
        .collect();

    let next_steps = if responded { steps_in_any_group(&me, &groups_and_peers, catalogue) } else { Vec::new() };
    let helpers = catalogue
        .blocks
        .iter()
        .filter(|block| me.needs_support.contains(&block.code))
        .map(|block| BlockHelpers { block: block.code.clone(), helpers: who_can_help(&me, standings, &block.code, HELPERS_PER_BLOCK) })
        .collect();

    Some(Profile { code: me.code.clone(), responded, adoption, groups, blocks, next_steps, helpers })
}

/// The published wave a preliminary profile compares with: whom it asked and how its respondents stood.
#[derive(Clone, Copy, Debug)]
pub struct Comparison<'a> {
    pub asked: &'a [Asked],
    pub standings: &'a [Standing],
}

/// The profile of `code` in a wave that is not yet published, among that wave's `asked`. Others' answers in that
/// wave are not public, so they are not taken: only its `own` standing is. Peers, next steps and helpers come from
/// `published`, the newest published wave with the same catalogue; without one, the groups have no respondents and
/// nobody is named as a helper.
pub fn preliminary_profile(
    code: &OrgCode,
    asked: &[Asked],
    own: Option<&Standing>,
    published: Option<Comparison<'_>>,
    partners: &BTreeSet<OrgCode>,
    catalogue: &Catalogue,
) -> Option<Profile> {
    let me = asked.iter().find(|a| &a.code == code)?;
    let (others_asked, others) = published.map_or((&[][..], &[][..]), |c| (c.asked, c.standings));
    let asked: Vec<Asked> = others_asked.iter().filter(|a| &a.code != code).cloned().chain([me.clone()]).collect();
    let standings: Vec<Standing> = others.iter().filter(|s| &s.code != code).chain(own.filter(|s| &s.code == code)).cloned().collect();
    profile(code, &asked, &standings, partners, catalogue)
}

/// The next steps against each group with enough respondents, each block once, by the largest share of peers
/// using it (catalogue order among equals).
fn steps_in_any_group(me: &Standing, groups: &[(PeerGroup, usize, Vec<&Standing>)], catalogue: &Catalogue) -> Vec<String> {
    let mut largest: BTreeMap<String, f64> = BTreeMap::new();
    for (_, _, members) in groups.iter().filter(|(_, _, members)| members.len() >= MIN_N) {
        for step in next_steps(me, members, catalogue) {
            let share = largest.entry(step.block).or_insert(0.0);
            *share = share.max(step.peers_in_use);
        }
    }
    let order = |block: &str| catalogue.blocks.iter().position(|b| b.code == block);
    let mut steps: Vec<(String, f64)> = largest.into_iter().collect();
    steps.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| order(&a.0).cmp(&order(&b.0))));
    steps.into_iter().map(|(block, _)| block).collect()
}

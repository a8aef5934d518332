//! One municipality's profile as the pages draw it: `/gemeenten/{code}` for the newest published wave, and the
//! respondent's own preview before publication (`routes::respondent::profile`).

use domain::analysis::indicators::MIN_N;
use domain::benchmark::{GroupStanding, PeerGroup, Profile};
use domain::register::OrgCode;

use super::figures::{ShareView, WaveHeader, percent};
use crate::figures::WaveFigures;
use crate::format;

pub struct GroupView {
    pub name: String,
    pub asked: usize,
    pub respondents: usize,
    /// The peers' mean adoption with its interval, or why it is not given.
    pub mean: String,
    pub percentile: String,
}

pub struct PeerCell {
    /// `None` below the minimum n.
    pub share: Option<ShareView>,
}

pub struct BlockView {
    pub code: String,
    pub name: String,
    pub status: String,
    pub needs_support: bool,
    pub peers: Vec<PeerCell>,
}

pub struct Link {
    pub code: String,
    pub name: String,
}

pub struct StepView {
    pub code: String,
    pub name: String,
    /// Per group, as in the blocks table.
    pub peers: Vec<PeerCell>,
}

pub struct HelperView {
    pub code: String,
    pub name: String,
    pub distance: String,
}

pub struct HelpView {
    pub code: String,
    pub name: String,
    pub helpers: Vec<HelperView>,
}

pub struct HistoryRow {
    pub title: String,
    pub own: String,
    pub national: String,
    pub interval: String,
    pub respondents: String,
}

/// A profile shown before its wave is published, to the municipality itself.
pub struct Preliminary {
    /// The title of the published wave whose respondents are its peers, if there is one.
    pub compared_with: Option<String>,
}

pub struct ProfileView {
    pub header: WaveHeader,
    /// Shown before publication to the municipality itself: the figures may still change.
    pub preliminary: bool,
    /// Before publication: the published wave its peers are taken from.
    pub compared_with: Option<String>,
    /// Before publication without a published wave to compare with: when the comparisons will be there.
    pub pending: Option<String>,
    pub name: String,
    pub responded: bool,
    pub adoption: String,
    pub catalogue: String,
    pub blocks_total: usize,
    pub groups: Vec<GroupView>,
    pub blocks: Vec<BlockView>,
    pub next_steps: Vec<StepView>,
    pub help: Vec<HelpView>,
    pub partners: Vec<Link>,
    pub history_blocks: usize,
    pub history: Vec<HistoryRow>,
    pub min_n: usize,
}

pub(crate) fn group_name(figures: &WaveFigures, group: &PeerGroup) -> String {
    match group {
        PeerGroup::SizeClass(class) => format!("Grootteklasse {}: {}", class.number(), class.label()),
        PeerGroup::Province(code) => format!("Provincie {}", figures.name(code)),
        PeerGroup::Partners => "Samenwerkingspartners".to_owned(),
    }
}

fn too_few(respondents: usize) -> String {
    format!("te weinig antwoorden (n = {respondents}, minimaal {MIN_N})")
}

fn group_view(figures: &WaveFigures, group: &GroupStanding) -> GroupView {
    let mean = group.adoption.as_ref().map_or_else(
        || too_few(group.respondents),
        |a| {
            let interval =
                if a.mean_high > a.mean_low { format!("{}–{}", percent(a.mean_low), percent(a.mean_high)) } else { "exact".to_owned() };
            format!("{} (95%-interval {interval})", percent(a.summary.mean))
        },
    );
    let percentile = match group.percentile {
        Some(p) => format!("{} (van {} gemeenten)", format::decimal(p, 0), group.respondents),
        None if group.published() => "– (geen eigen antwoord)".to_owned(),
        None => too_few(group.respondents),
    };
    GroupView { name: group_name(figures, &group.group), asked: group.asked, respondents: group.respondents, mean, percentile }
}

/// The view of `profile`, a profile in `figures`' wave; `preliminary` before that wave is published.
pub fn profile_view(figures: &WaveFigures, profile: &Profile, preliminary: Option<Preliminary>) -> ProfileView {
    let compared_with = preliminary.as_ref().and_then(|p| p.compared_with.clone());
    let pending = preliminary
        .as_ref()
        .filter(|p| p.compared_with.is_none())
        .map(|_| format!("Wordt aangevuld zodra de meting ‘{}’ is gepubliceerd.", figures.wave.title));
    // Groups without a single respondent to compare with say nothing; the pending sentence stands in for them.
    let groups: &[GroupStanding] = if pending.is_some() { &[] } else { &profile.groups };
    let cells = |block: &str| -> Vec<PeerCell> {
        profile
            .blocks
            .iter()
            .find(|b| b.block == block)
            .map(|b| b.peers_in_use.iter().take(groups.len()).map(|p| PeerCell { share: p.as_ref().map(ShareView::of) }).collect())
            .unwrap_or_default()
    };
    let link = |code: &OrgCode| Link { code: code.to_string(), name: figures.name(code) };
    let blocks = profile
        .blocks
        .iter()
        .map(|b| BlockView {
            code: b.block.clone(),
            name: figures.block_name(&b.block),
            status: b.status.map_or_else(|| "geen antwoord".to_owned(), |s| s.label_nl().to_owned()),
            needs_support: b.needs_support,
            peers: cells(&b.block),
        })
        .collect();
    let in_use = profile.blocks.iter().filter(|b| b.status == Some(domain::questionnaire::BlockStatus::InUse)).count();
    ProfileView {
        header: WaveHeader::of(figures),
        preliminary: preliminary.is_some(),
        compared_with,
        pending,
        name: figures.name(&profile.code),
        responded: profile.responded,
        adoption: profile
            .adoption
            .map_or_else(|| "–".to_owned(), |a| format!("{} ({in_use} van {} bouwstenen in gebruik)", percent(a), profile.blocks.len())),
        catalogue: figures.catalogue.name.clone(),
        blocks_total: profile.blocks.len(),
        groups: groups.iter().map(|g| group_view(figures, g)).collect(),
        blocks,
        next_steps: profile
            .next_steps
            .iter()
            .map(|code| StepView { code: code.clone(), name: figures.block_name(code), peers: cells(code) })
            .collect(),
        help: profile
            .helpers
            .iter()
            .map(|h| HelpView {
                code: h.block.clone(),
                name: figures.block_name(&h.block),
                helpers: h
                    .helpers
                    .iter()
                    .map(|x| HelperView {
                        code: x.code.to_string(),
                        name: figures.name(&x.code),
                        distance: format!("{} km", format::decimal(x.distance_km, 1)),
                    })
                    .collect(),
            })
            .collect(),
        partners: figures.partners.get(&profile.code).into_iter().flatten().map(link).collect(),
        history_blocks: figures.trend.blocks.len(),
        history: history(figures, &profile.code, preliminary.is_some()),
        min_n: MIN_N,
    }
}

/// Its own adoption in each wave of the trend, on this wave's division, beside the national mean. Before
/// publication this wave has no national mean yet: its figures hold the municipality's own answers only.
fn history(figures: &WaveFigures, code: &OrgCode, preliminary: bool) -> Vec<HistoryRow> {
    figures
        .trend
        .points
        .iter()
        .map(|point| {
            let own = point.adoption_by_unit.get(code).map_or_else(|| "geen antwoord".to_owned(), |a| percent(*a));
            let title = figures.trend_titles.get(&point.wave).cloned().unwrap_or_else(|| point.wave.clone());
            if preliminary && point.wave == figures.wave.id.as_str() {
                let pending = "na publicatie".to_owned();
                return HistoryRow { title, own, national: pending, interval: "–".to_owned(), respondents: "–".to_owned() };
            }
            HistoryRow {
                title,
                own,
                national: point.adoption.as_ref().map_or_else(|| "–".to_owned(), |a| percent(a.summary.mean)),
                interval: point
                    .adoption
                    .as_ref()
                    .map_or_else(|| "–".to_owned(), |a| format!("{}–{}", percent(a.mean_low), percent(a.mean_high))),
                respondents: point.respondents.to_string(),
            }
        })
        .collect()
}

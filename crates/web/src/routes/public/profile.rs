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
    pub respondents: usize,
}

pub struct ProfileView {
    pub header: WaveHeader,
    /// Shown before publication to the municipality itself: the figures may still change.
    pub preliminary: bool,
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

/// The view of `profile`, a profile in `figures`' wave.
pub fn profile_view(figures: &WaveFigures, profile: &Profile, preliminary: bool) -> ProfileView {
    let cells = |block: &str| -> Vec<PeerCell> {
        profile
            .blocks
            .iter()
            .find(|b| b.block == block)
            .map(|b| b.peers_in_use.iter().map(|p| PeerCell { share: p.as_ref().map(ShareView::of) }).collect())
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
        preliminary,
        name: figures.name(&profile.code),
        responded: profile.responded,
        adoption: profile
            .adoption
            .map_or_else(|| "–".to_owned(), |a| format!("{} ({in_use} van {} bouwstenen in gebruik)", percent(a), profile.blocks.len())),
        catalogue: figures.catalogue.name.clone(),
        blocks_total: profile.blocks.len(),
        groups: profile.groups.iter().map(|g| group_view(figures, g)).collect(),
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
        history: history(figures, &profile.code),
        min_n: MIN_N,
    }
}

/// Its own adoption in each wave of the trend, on this wave's division, beside the national mean.
fn history(figures: &WaveFigures, code: &OrgCode) -> Vec<HistoryRow> {
    figures
        .trend
        .points
        .iter()
        .map(|point| HistoryRow {
            title: figures.trend_titles.get(&point.wave).cloned().unwrap_or_else(|| point.wave.clone()),
            own: point.adoption_by_unit.get(code).map_or_else(|| "geen antwoord".to_owned(), |a| percent(*a)),
            national: point.adoption.as_ref().map_or_else(|| "–".to_owned(), |a| percent(a.summary.mean)),
            interval: point
                .adoption
                .as_ref()
                .map_or_else(|| "–".to_owned(), |a| format!("{}–{}", percent(a.mean_low), percent(a.mean_high))),
            respondents: point.respondents,
        })
        .collect()
}

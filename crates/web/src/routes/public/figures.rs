//! The published figures of the waves: `/metingen`, the national dashboard `/metingen/{wave}` (its first table is
//! the headline table), and pages per province, size class and building block. Every share shows its n and 95%
//! interval, every chart stands beside a table with the same figures, and every figure links to its definition.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::NaiveDate;
use domain::analysis::figures::{DEFINITIONS, Definition, FigureRow, Indicator, headline_rows, rows};
use domain::analysis::indicators::{CategoryShare, Group, Indicators, MIN_N};
use domain::analysis::trend::{MAPPING_RULE, Trend};
use domain::analysis::{Proportion, Summary};
use domain::register::{OrgCode, SizeClass};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::charts::bars::{Bar, horizontal_bars};
use crate::charts::map::{Legend, MapShapes, MapValue, choropleth};
use crate::error::{WebError, page as render};
use crate::extract::{Path, Query};
use crate::figures::{WaveFigures, published_waves};
use crate::format;

/// A share as the pages write it.
pub struct ShareView {
    pub percent: String,
    pub interval: String,
    pub count: usize,
    pub n: usize,
}

impl ShareView {
    pub(crate) fn of(proportion: &Proportion) -> Self {
        let percent = |value: Option<f64>| value.map_or_else(|| "–".to_owned(), percent);
        let interval = match (proportion.low, proportion.high) {
            (Some(low), Some(high)) if high > low => format!("{}–{}", percent(Some(low)), percent(Some(high))),
            (Some(_), Some(_)) => "exact (hele populatie)".to_owned(),
            _ => "–".to_owned(),
        };
        Self { percent: percent(proportion.share), interval, count: proportion.count, n: proportion.n }
    }

    fn of_row(row: &FigureRow) -> Self {
        let FigureRow { count, n, population, value, low, high, .. } = *row;
        Self::of(&Proportion { count: count.unwrap_or(0), n, population, share: value, low, high })
    }
}

pub(crate) fn percent(value: f64) -> String {
    format!("{}%", format::decimal(value * 100.0, 1))
}

fn bar(label: &str, proportion: &Proportion) -> Bar {
    Bar {
        label: label.to_owned(),
        value: proportion.share.unwrap_or(0.0),
        low: proportion.low,
        high: proportion.high,
        text: proportion.share.map_or_else(|| "–".to_owned(), percent),
    }
}

pub struct CategoryRow {
    pub label: String,
    pub share: ShareView,
}

/// A list of shares with its chart.
pub struct CategoryChart {
    pub rows: Vec<CategoryRow>,
    pub svg: String,
}

impl CategoryChart {
    fn of(categories: &[CategoryShare]) -> Self {
        Self {
            rows: categories.iter().map(|c| CategoryRow { label: c.label.clone(), share: ShareView::of(&c.share) }).collect(),
            svg: horizontal_bars(&categories.iter().map(|c| bar(&c.label, &c.share)).collect::<Vec<_>>()),
        }
    }
}

pub struct HeadlineRow {
    pub figure: String,
    pub value: String,
    pub n: String,
    pub interval: String,
    pub definition: &'static str,
}

pub struct SummaryView {
    pub n: usize,
    pub mean: String,
    pub mean_interval: String,
    pub min: String,
    pub q1: String,
    pub median: String,
    pub q3: String,
    pub max: String,
}

impl SummaryView {
    fn of(summary: &Summary, low: f64, high: f64) -> Self {
        Self {
            n: summary.n,
            mean: percent(summary.mean),
            mean_interval: if high > low { format!("{}–{}", percent(low), percent(high)) } else { "exact (hele populatie)".into() },
            min: percent(summary.min),
            q1: percent(summary.q1),
            median: percent(summary.median),
            q3: percent(summary.q3),
            max: percent(summary.max),
        }
    }
}

pub struct BlockRow {
    pub code: String,
    pub name: String,
    pub in_use: ShareView,
    pub statuses: Vec<ShareView>,
    pub support: ShareView,
}

/// The sections every figures page has, for the whole country or one group.
pub struct Sections {
    pub leading_theme: CategoryChart,
    pub adoption: Option<SummaryView>,
    pub blocks_count: usize,
    pub histogram: Vec<(String, usize)>,
    pub histogram_svg: String,
    pub status_labels: Vec<String>,
    pub blocks: Vec<BlockRow>,
    pub blocks_svg: String,
    pub support_any: ShareView,
    pub support_forms: CategoryChart,
    pub collective: Option<ShareView>,
    pub collaborates: Option<ShareView>,
    pub areas: CategoryChart,
    pub plans: Option<ShareView>,
    pub focus: CategoryChart,
}

impl Sections {
    fn of(indicators: &Indicators, figures: &WaveFigures) -> Self {
        let (adoption, histogram, histogram_svg) = match &indicators.adoption {
            Some(adoption) => {
                let total = adoption.summary.n.max(1) as f64;
                let labels: Vec<String> =
                    (0..10).map(|bin| if bin == 9 { "90–100%".to_owned() } else { format!("{}–{}%", bin * 10, bin * 10 + 10) }).collect();
                let bars: Vec<Bar> = labels
                    .iter()
                    .zip(&adoption.histogram)
                    .map(|(label, count)| Bar {
                        label: label.clone(),
                        value: *count as f64 / total,
                        low: None,
                        high: None,
                        text: count.to_string(),
                    })
                    .collect();
                (
                    Some(SummaryView::of(&adoption.summary, adoption.mean_low, adoption.mean_high)),
                    labels.into_iter().zip(adoption.histogram.iter().copied()).collect(),
                    horizontal_bars(&bars),
                )
            }
            None => (None, Vec::new(), String::new()),
        };
        let blocks: Vec<BlockRow> = indicators
            .blocks
            .iter()
            .map(|b| BlockRow {
                code: b.code.clone(),
                name: figures.block_name(&b.code),
                in_use: ShareView::of(&b.in_use),
                statuses: b.statuses.iter().map(|s| ShareView::of(&s.share)).collect(),
                support: ShareView::of(&b.support_needed),
            })
            .collect();
        let blocks_svg =
            horizontal_bars(&indicators.blocks.iter().map(|b| bar(&figures.block_name(&b.code), &b.in_use)).collect::<Vec<_>>());
        Self {
            leading_theme: CategoryChart::of(&indicators.leading_theme),
            adoption,
            blocks_count: indicators.blocks.len(),
            histogram,
            histogram_svg,
            status_labels: indicators.blocks.first().map(|b| b.statuses.iter().map(|s| s.label.clone()).collect()).unwrap_or_default(),
            blocks,
            blocks_svg,
            support_any: ShareView::of(&indicators.support.any_block),
            support_forms: CategoryChart::of(&indicators.support.by_form),
            collective: indicators.support.collective.as_ref().map(ShareView::of),
            collaborates: indicators.collaboration.collaborates.as_ref().map(ShareView::of),
            areas: CategoryChart::of(&indicators.collaboration.areas),
            plans: indicators.collaboration.plans.as_ref().map(ShareView::of),
            focus: CategoryChart::of(&indicators.collaboration.focus),
        }
    }
}

/// The wave as every figures page heads it.
pub struct WaveHeader {
    pub id: String,
    pub title: String,
    pub period: String,
    pub register_date: String,
    pub simulated: bool,
}

impl WaveHeader {
    pub(crate) fn of(figures: &WaveFigures) -> Self {
        let wave = &figures.wave;
        Self {
            id: wave.id.to_string(),
            title: wave.title.clone(),
            period: format!("{} tot en met {}", format::date(wave.opens_on), format::date(wave.closes_on)),
            register_date: format::date(wave.register_date()),
            simulated: wave.simulated,
        }
    }
}

pub struct GroupRow {
    pub href: String,
    pub name: String,
    pub response: ShareView,
    pub asked: usize,
    /// `None` below the minimum n.
    pub adoption: Option<SummaryView>,
}

fn group_name(figures: &WaveFigures, group: &Group) -> String {
    match group {
        Group::Province(code) => figures.name(code),
        Group::SizeClass(Some(class)) => format!("Grootteklasse {}: {}", class.number(), class.label()),
        Group::SizeClass(None) => "Grootte onbekend (geen inwonertal op de peildatum)".to_owned(),
    }
}

fn group_href(wave: &str, group: &Group) -> String {
    match group {
        Group::Province(code) => format!("/metingen/{wave}/provincies/{code}"),
        Group::SizeClass(Some(class)) => format!("/metingen/{wave}/grootteklassen/{}", class.number()),
        Group::SizeClass(None) => format!("/metingen/{wave}/grootteklassen/onbekend"),
    }
}

fn group_rows(figures: &WaveFigures, provinces: bool) -> Vec<GroupRow> {
    figures
        .groups
        .iter()
        .filter(|g| matches!(g.group, Group::Province(_)) == provinces)
        .map(|g| GroupRow {
            href: group_href(figures.wave.id.as_str(), &g.group),
            name: group_name(figures, &g.group),
            response: ShareView::of(&g.response),
            asked: g.response.n,
            adoption: g.indicators.as_ref().and_then(|i| i.adoption.as_ref()).map(|a| SummaryView::of(&a.summary, a.mean_low, a.mean_high)),
        })
        .collect()
}

pub struct Table<Row> {
    pub caption: &'static str,
    pub rows: Vec<Row>,
}

fn by_province_and_size<Row>(rows: impl Fn(bool) -> Vec<Row>) -> Vec<Table<Row>> {
    vec![Table { caption: "Per provincie", rows: rows(true) }, Table { caption: "Per grootteklasse", rows: rows(false) }]
}

/// Per size class: how the respondents and the non-respondents are spread over the classes.
pub struct NonResponseRow {
    pub respondents: String,
    pub non_respondents: String,
}

fn non_response(figures: &WaveFigures) -> Vec<NonResponseRow> {
    let national = &figures.national;
    let non_respondents = national.asked - national.respondents;
    let share =
        |count: usize, of: usize| if of == 0 { "–".to_owned() } else { format!("{} ({count})", percent(count as f64 / of as f64)) };
    figures
        .groups
        .iter()
        .filter(|g| matches!(g.group, Group::SizeClass(_)))
        .map(|g| NonResponseRow {
            respondents: share(g.response.count, national.respondents),
            non_respondents: share(g.response.n - g.response.count, non_respondents),
        })
        .collect()
}

pub struct TrendRow {
    pub title: String,
    pub units: usize,
    pub respondents: usize,
    pub mean: String,
    pub interval: String,
}

pub struct TrendView {
    pub blocks: usize,
    pub rows: Vec<TrendRow>,
    pub svg: String,
}

fn trend_view(figures: &WaveFigures, trend: &Trend) -> TrendView {
    let title = |id: &str| figures.trend_titles.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let rows = trend
        .points
        .iter()
        .map(|p| TrendRow {
            title: title(&p.wave),
            units: p.units,
            respondents: p.respondents,
            mean: p.adoption.as_ref().map_or_else(|| "–".to_owned(), |a| percent(a.summary.mean)),
            interval: p.adoption.as_ref().map_or_else(|| "–".to_owned(), |a| format!("{}–{}", percent(a.mean_low), percent(a.mean_high))),
        })
        .collect();
    let bars: Vec<Bar> = trend
        .points
        .iter()
        .filter_map(|p| {
            let a = p.adoption.as_ref()?;
            Some(Bar {
                label: title(&p.wave),
                value: a.summary.mean,
                low: Some(a.mean_low),
                high: Some(a.mean_high),
                text: percent(a.summary.mean),
            })
        })
        .collect();
    TrendView { blocks: trend.blocks.len(), rows, svg: horizontal_bars(&bars) }
}

/// The `HEADLINE` figures of the national table, each in the words of this page.
fn headline(figures: &WaveFigures) -> Vec<HeadlineRow> {
    let indicators = &figures.national;
    let table = rows(indicators, None, &|code: &str| figures.block_name(code));
    let share_row = |figure: String, row: &FigureRow| {
        let view = ShareView::of_row(row);
        HeadlineRow { figure, value: view.percent, n: view.n.to_string(), interval: view.interval, definition: row.indicator.code() }
    };
    headline_rows(&table)
        .into_iter()
        .map(|row| match (row.indicator, &indicators.adoption) {
            (Indicator::Response, _) => HeadlineRow {
                figure: "Gemeenten die hebben geantwoord".into(),
                value: format!("{} ({} van alle {})", indicators.respondents, row.value.map_or_else(|| "–".into(), percent), row.n),
                n: row.n.to_string(),
                interval: "exact (hele populatie)".into(),
                definition: row.indicator.code(),
            },
            (Indicator::AdoptionMean, Some(adoption)) => {
                let s = &adoption.summary;
                HeadlineRow {
                    figure: format!("Gemiddeld aandeel van de {} bouwstenen in gebruik", adoption.blocks),
                    value: format!("{} (kwartielen {} en {})", percent(s.mean), percent(s.q1), percent(s.q3)),
                    n: s.n.to_string(),
                    interval: if adoption.mean_high > adoption.mean_low {
                        format!("{}–{}", percent(adoption.mean_low), percent(adoption.mean_high))
                    } else {
                        "exact (hele populatie)".into()
                    },
                    definition: row.indicator.code(),
                }
            }
            (Indicator::LeadingTheme, _) => share_row(format!("Aandeel met {} als leidend thema", row.category), row),
            (Indicator::CollectiveSupport, _) => share_row("Gemeenten die om collectieve ondersteuning vragen".into(), row),
            (Indicator::IctCollaboration, _) => share_row("Gemeenten die op ICT samenwerken".into(), row),
            (Indicator::CollaborationFocus, _) => {
                share_row(format!("Focus van toekomstige samenwerking: {}", row.label.to_lowercase()), row)
            }
            _ => share_row(row.label.clone(), row),
        })
        .collect()
}

/// The map of adoption per municipality, with its legend and the table of the same figures.
pub struct MapView {
    pub svg: String,
    pub legend: String,
    pub source: String,
    pub rows: Vec<(String, String)>,
}

fn map_view(figures: &WaveFigures) -> MapView {
    let mut values: BTreeMap<OrgCode, MapValue> = figures
        .asked
        .iter()
        .map(|o| {
            (o.code.clone(), figures.adoption_by_organisation.get(&o.code).map_or(MapValue::NoAnswer, |share| MapValue::Figure(*share)))
        })
        .collect();
    if let Some((_, boundaries)) = &figures.boundaries {
        for shape in &boundaries.shapes {
            values.entry(shape.code.clone()).or_insert(MapValue::NotAsked);
        }
    }
    let legend = Legend::shares("Aandeel bouwstenen in gebruik");
    let (drawing, source) = match &figures.boundaries {
        Some((year, boundaries)) => (
            choropleth(&MapShapes::Boundaries { boundaries, names: &figures.names }, &values, &legend),
            format!("Gemeentegrenzen van {year} (CBS/PDOK, vereenvoudigd)."),
        ),
        None => (
            choropleth(&MapShapes::centroids(&figures.asked), &values, &legend),
            "Er zijn geen gemeentegrenzen geïmporteerd; elke gemeente staat als stip op haar middelpunt. De beheerder importeert grenzen met ‘inbeeld import boundaries’.".to_owned(),
        ),
    };
    let rows = figures
        .asked
        .iter()
        .map(|o| {
            (
                o.name.clone(),
                figures.adoption_by_organisation.get(&o.code).map_or_else(|| "geen antwoord".to_owned(), |share| percent(*share)),
            )
        })
        .collect();
    MapView { svg: drawing.svg, legend: drawing.legend_html, source, rows }
}

pub struct WaveListItem {
    pub id: String,
    pub title: String,
    pub period: String,
    pub simulated: bool,
}

#[derive(Template)]
#[template(path = "cijfers_metingen.html")]
struct ListPage {
    waves: Vec<WaveListItem>,
}

/// `/metingen`: the published waves, newest first.
pub async fn list(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let waves = published_waves(&state.store).await?;
    render(ListPage {
        waves: waves
            .into_iter()
            .map(|w| WaveListItem {
                period: format!("{} tot en met {}", format::date(w.opens_on), format::date(w.closes_on)),
                id: w.id.to_string(),
                title: w.title,
                simulated: w.simulated,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "cijfers_meting.html")]
struct DashboardPage {
    header: WaveHeader,
    headline: Vec<HeadlineRow>,
    response: ShareView,
    asked: usize,
    size_classes: Vec<GroupRow>,
    group_tables: Vec<Table<GroupRow>>,
    non_response: Vec<NonResponseRow>,
    sections: Sections,
    trend: TrendView,
    trend_as_it_was: TrendView,
    trend_date: String,
    divisions: Vec<DivisionOption>,
    map: MapView,
    mapping_rule: &'static str,
    minimum_n: usize,
    definitions: &'static [Definition],
}

#[derive(Deserialize)]
pub struct WavePath {
    wave: String,
}

#[derive(Deserialize, Serialize)]
pub struct DashboardQuery {
    /// The division the trend is shown on (JJJJ-MM-DD): one of the waves' register dates.
    indeling: Option<String>,
}

/// `/metingen/{wave}`: the national dashboard.
pub async fn dashboard(
    State(state): State<AppState>,
    Path(path): Path<WavePath>,
    Query(query): Query<DashboardQuery>,
) -> Result<Html<String>, WebError> {
    let figures = state.figures.wave(&state.store, &path.wave).await?;
    let division = match query.indeling.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        None => figures.wave.register_date(),
        Some(text) => text.parse::<NaiveDate>().ok().filter(|date| figures.trend_on(*date).is_some()).ok_or_else(|| {
            let choices: Vec<String> = figures.divisions().map(|d| d.to_string()).collect();
            WebError::BadRequest(format!(
                "‘{text}’ is geen indeling waarop de ontwikkeling getoond kan worden; kies een van: {}.",
                choices.join(", ")
            ))
        })?,
    };
    render(dashboard_page(&figures, division))
}

pub struct DivisionOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn dashboard_page(figures: &WaveFigures, division: NaiveDate) -> DashboardPage {
    let national = &figures.national;
    let chosen = figures.trend_on(division).unwrap_or(&figures.trend);
    DashboardPage {
        header: WaveHeader::of(figures),
        headline: headline(figures),
        response: ShareView::of(&national.response),
        asked: national.asked,
        size_classes: group_rows(figures, false),
        group_tables: by_province_and_size(|provinces| group_rows(figures, provinces)),
        non_response: non_response(figures),
        sections: Sections::of(national, figures),
        trend: trend_view(figures, chosen),
        trend_as_it_was: trend_view(figures, &figures.trend_as_it_was),
        trend_date: format::date(division),
        divisions: figures
            .divisions()
            .map(|date| DivisionOption { value: date.to_string(), label: format::date(date), selected: date == division })
            .collect(),
        map: map_view(figures),
        mapping_rule: MAPPING_RULE,
        minimum_n: MIN_N,
        definitions: &DEFINITIONS,
    }
}

#[derive(Template)]
#[template(path = "cijfers_groep.html")]
struct GroupPage {
    header: WaveHeader,
    kind: &'static str,
    name: String,
    response: ShareView,
    asked: usize,
    sections: Option<Sections>,
    minimum_n: usize,
    definitions: &'static [Definition],
}

#[derive(Deserialize)]
pub struct GroupPath {
    wave: String,
    group: String,
}

/// `/metingen/{wave}/provincies/{code}`.
pub async fn province(State(state): State<AppState>, Path(path): Path<GroupPath>) -> Result<Html<String>, WebError> {
    let code = OrgCode::parse(&path.group).ok().filter(|code| code.as_str().starts_with("PV")).ok_or_else(|| {
        WebError::BadRequest(format!(
            "‘{}’ is geen provinciecode; een provinciecode is PV gevolgd door twee cijfers, zoals PV27.",
            path.group
        ))
    })?;
    group_page(&state, &path.wave, Group::Province(code), "Provincie").await
}

/// `/metingen/{wave}/grootteklassen/{class}`: 1 to 8, or `onbekend`.
pub async fn size_class(State(state): State<AppState>, Path(path): Path<GroupPath>) -> Result<Html<String>, WebError> {
    let class = match path.group.as_str() {
        "onbekend" => None,
        text => Some(
            text.parse::<u8>()
                .ok()
                .and_then(SizeClass::from_number)
                .ok_or_else(|| WebError::BadRequest(format!("‘{text}’ is geen grootteklasse; kies 1 tot en met 8, of ‘onbekend’.")))?,
        ),
    };
    group_page(&state, &path.wave, Group::SizeClass(class), "Grootteklasse").await
}

async fn group_page(state: &AppState, wave: &str, group: Group, kind: &'static str) -> Result<Html<String>, WebError> {
    let figures = state.figures.wave(&state.store, wave).await?;
    let found = figures
        .group(&group)
        .ok_or_else(|| WebError::NotFound(format!("De meting ‘{}’ vroeg geen gemeenten in deze groep.", figures.wave.title)))?;
    render(GroupPage {
        header: WaveHeader::of(&figures),
        kind,
        name: group_name(&figures, &group),
        response: ShareView::of(&found.response),
        asked: found.response.n,
        sections: found.indicators.as_ref().map(|i| Sections::of(i, &figures)),
        minimum_n: MIN_N,
        definitions: &DEFINITIONS,
    })
}

pub struct BlockGroupRow {
    pub href: String,
    pub name: String,
    /// `None` below the minimum n.
    pub in_use: Option<ShareView>,
    pub respondents: usize,
}

/// One wave of a block's trend on the wave's division.
pub struct BlockTrendRow {
    pub title: String,
    pub in_use: ShareView,
}

/// The block's share in use in every wave of the trend; empty when not every wave asked the block.
fn block_trend(figures: &WaveFigures, block: &str) -> Vec<BlockTrendRow> {
    let Some(index) = figures.trend.blocks.iter().position(|b| b == block) else { return Vec::new() };
    figures
        .trend
        .points
        .iter()
        .filter_map(|point| {
            Some(BlockTrendRow {
                title: figures.trend_titles.get(&point.wave).cloned().unwrap_or_else(|| point.wave.clone()),
                in_use: ShareView::of(point.in_use.get(index)?),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "cijfers_bouwsteen.html")]
struct BlockPage {
    header: WaveHeader,
    code: String,
    name: String,
    statuses: CategoryChart,
    in_use: ShareView,
    support: ShareView,
    group_tables: Vec<Table<BlockGroupRow>>,
    trend: Vec<BlockTrendRow>,
    trend_date: String,
    mapping_rule: &'static str,
    minimum_n: usize,
    definitions: &'static [Definition],
}

#[derive(Deserialize)]
pub struct BlockPath {
    wave: String,
    block: String,
}

/// `/metingen/{wave}/bouwstenen/{block}`: one block's statuses, nationally and per group.
pub async fn block(State(state): State<AppState>, Path(path): Path<BlockPath>) -> Result<Html<String>, WebError> {
    let figures = state.figures.wave(&state.store, &path.wave).await?;
    let national =
        figures.national.blocks.iter().find(|b| b.code == path.block).ok_or_else(|| {
            WebError::NotFound(format!("De catalogus van ‘{}’ heeft geen bouwsteen ‘{}’.", figures.wave.title, path.block))
        })?;
    let rows = |provinces: bool| {
        figures
            .groups
            .iter()
            .filter(|g| matches!(g.group, Group::Province(_)) == provinces)
            .map(|g| BlockGroupRow {
                href: group_href(figures.wave.id.as_str(), &g.group),
                name: group_name(&figures, &g.group),
                in_use: g
                    .indicators
                    .as_ref()
                    .and_then(|i| i.blocks.iter().find(|b| b.code == path.block))
                    .map(|b| ShareView::of(&b.in_use)),
                respondents: g.response.count,
            })
            .collect()
    };
    render(BlockPage {
        header: WaveHeader::of(&figures),
        code: national.code.clone(),
        name: figures.block_name(&national.code),
        statuses: CategoryChart::of(&national.statuses),
        in_use: ShareView::of(&national.in_use),
        support: ShareView::of(&national.support_needed),
        group_tables: by_province_and_size(rows),
        trend: block_trend(&figures, &national.code),
        trend_date: format::date(figures.wave.register_date()),
        mapping_rule: MAPPING_RULE,
        minimum_n: MIN_N,
        definitions: &DEFINITIONS,
    })
}

//! The indicators as one long table, a row per figure: what the open-data downloads and the API publish, with the
//! definition of every indicator in the codebook. The pages show the same numbers from `Indicators` and `Trend`.

use serde::Serialize;

use super::Proportion;
use super::indicators::{CategoryShare, Group, Indicators, MIN_N, questions};
use super::trend::{Division, Trend};
use crate::register::{OrgCode, OrganisationKind, SizeClass};

/// A published indicator. Its `code` is what the long table, the downloads and the API name it by; `name` and
/// `definition` are its Dutch text in the codebook and on the pages. A new indicator is a new variant here: the
/// compiler then asks for its text below, and `rows` is where its figures are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Indicator {
    Response,
    LeadingTheme,
    AdoptionMean,
    AdoptionQuartiles,
    AdoptionDistribution,
    BlockStatus,
    BlockInUse,
    SupportPerBlock,
    SupportAnyBlock,
    SupportForm,
    CollectiveSupport,
    IctCollaboration,
    CollaborationPlans,
    CollaborationFocus,
    TrendAdoptionMean,
    TrendBlockInUse,
}

impl Indicator {
    /// Every indicator, in the order of the codebook.
    pub const ALL: [Indicator; 16] = [
        Indicator::Response,
        Indicator::LeadingTheme,
        Indicator::AdoptionMean,
        Indicator::AdoptionQuartiles,
        Indicator::AdoptionDistribution,
        Indicator::BlockStatus,
        Indicator::BlockInUse,
        Indicator::SupportPerBlock,
        Indicator::SupportAnyBlock,
        Indicator::SupportForm,
        Indicator::CollectiveSupport,
        Indicator::IctCollaboration,
        Indicator::CollaborationPlans,
        Indicator::CollaborationFocus,
        Indicator::TrendAdoptionMean,
        Indicator::TrendBlockInUse,
    ];

    pub const fn definition(self) -> Definition {
        let (code, name, definition) = match self {
            Indicator::Response => (
                "respons",
                "Respons",
                "Gemeenten die de vragenlijst hebben ingediend, van alle gemeenten die de meting vroeg (het register op de sluitingsdatum). Een telling van de hele populatie: het interval is het aandeel zelf.",
            ),
            Indicator::LeadingTheme => (
                "leidend_thema",
                "Leidend thema",
                "Per thema: gemeenten die het als leidend thema noemden, van de gemeenten die de vraag beantwoordden.",
            ),
            Indicator::AdoptionMean => (
                "adoptie_gemiddelde",
                "Gemiddeld aandeel bouwstenen in gebruik",
                "Per gemeente: het aantal bouwstenen met de status 'in gebruik', gedeeld door het aantal bouwstenen in de catalogus van de meting. Het gemiddelde over de gemeenten die de bouwstenen beantwoordden, met een 95%-interval (normale benadering met eindige-populatiecorrectie).",
            ),
            Indicator::AdoptionQuartiles => (
                "adoptie_kwartielen",
                "Spreiding van het aandeel in gebruik",
                "Minimum, eerste kwartiel, mediaan, derde kwartiel en maximum van het aandeel bouwstenen in gebruik per gemeente (kwartielen interpolerend, type 7).",
            ),
            Indicator::AdoptionDistribution => (
                "adoptie_verdeling",
                "Verdeling van het aandeel in gebruik",
                "Aantal gemeenten per klasse van 10 procentpunt van het aandeel bouwstenen in gebruik; de laatste klasse omvat 100%.",
            ),
            Indicator::BlockStatus => (
                "bouwsteen_status",
                "Status per bouwsteen",
                "Per bouwsteen en status: gemeenten met die status, van de gemeenten die de bouwsteen een status gaven.",
            ),
            Indicator::BlockInUse => (
                "bouwsteen_in_gebruik",
                "Bouwsteen in gebruik",
                "Per bouwsteen: gemeenten met de status 'in gebruik', van de gemeenten die de bouwsteen een status gaven.",
            ),
            Indicator::SupportPerBlock => (
                "ondersteuning_bouwsteen",
                "Ondersteuning nodig per bouwsteen",
                "Per bouwsteen: gemeenten die zeiden ondersteuning nodig te hebben, van de gemeenten die die vraag bij de bouwsteen beantwoordden.",
            ),
            Indicator::SupportAnyBlock => (
                "ondersteuning_enige",
                "Ondersteuning nodig bij minstens één bouwsteen",
                "Gemeenten die bij minstens één bouwsteen ondersteuning nodig hebben, van de gemeenten die de bouwstenen beantwoordden.",
            ),
            Indicator::SupportForm => (
                "ondersteuning_vorm",
                "Gevraagde vorm van ondersteuning",
                "Per vorm: gemeenten die die vorm bij minstens één bouwsteen vragen, van de gemeenten die de bouwstenen beantwoordden.",
            ),
            Indicator::CollectiveSupport => (
                "collectieve_ondersteuning",
                "Behoefte aan collectieve ondersteuning",
                "Gemeenten die 'ja' antwoordden op de vraag naar collectieve ondersteuning, van de gemeenten die de vraag beantwoordden.",
            ),
            Indicator::IctCollaboration => (
                "samenwerking_ict",
                "Samenwerking op ICT",
                "Gemeenten die op ICT samenwerken, van de gemeenten die de vraag beantwoordden; per gebied: van de gemeenten die samenwerken.",
            ),
            Indicator::CollaborationPlans => (
                "samenwerking_plannen",
                "Plannen voor (meer) samenwerking",
                "Gemeenten met plannen om (meer) samen te werken, van de gemeenten die de vraag beantwoordden.",
            ),
            Indicator::CollaborationFocus => (
                "samenwerking_focus",
                "Focus van de plannen",
                "Per focus: gemeenten die hem noemden, van alle gemeenten die de vraag naar plannen beantwoordden (wie geen plannen heeft, noemt geen focus).",
            ),
            Indicator::TrendAdoptionMean => (
                "trend_adoptie_gemiddelde",
                "Ontwikkeling van het gemiddelde aandeel in gebruik",
                "Per meting van de reeks (kolom meting: de gepubliceerde metingen tot en met deze, oudste eerst) en per indeling (categorie): het gemiddelde aandeel in gebruik van de bouwstenen die elke meting van de reeks vroeg, over de responderende gemeenten van de indeling, met een 95%-interval (normale benadering met eindige-populatiecorrectie). Indeling zoals_gevraagd: elke meting met de gemeenten die zij vroeg; een datum (JJJJ-MM-DD): elke meting omgerekend naar de gemeenten op die peildatum, volgens de omrekenregel in het codeboek. n: de responderende gemeenten van de indeling; populatie: alle gemeenten van de indeling die de meting dekt.",
            ),
            Indicator::TrendBlockInUse => (
                "trend_bouwsteen_in_gebruik",
                "Ontwikkeling per bouwsteen in gebruik",
                "Per meting van de reeks (kolom meting), indeling en bouwsteen die elke meting vroeg (categorie indeling:bouwsteen): gemeenten van de indeling met de status 'in gebruik', van de gemeenten van de indeling die de bouwsteen een status gaven; indelingen als bij trend_adoptie_gemiddelde.",
            ),
        };
        Definition { indicator: self, code, name, definition }
    }

    pub const fn code(self) -> &'static str {
        self.definition().code
    }

    /// The indicator a code names, as the API's `indicator` parameter gives it.
    pub fn parse(code: &str) -> Result<Indicator, UnknownIndicator> {
        let code = code.trim();
        Indicator::ALL.into_iter().find(|i| i.code() == code).ok_or_else(|| UnknownIndicator(code.to_owned()))
    }
}

/// The table, the downloads and the API write an indicator as its code.
impl Serialize for Indicator {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// A text that is not the code of an indicator.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is geen indicator; kies uit {codes}", codes = Indicator::ALL.map(Indicator::code).join(", "))]
pub struct UnknownIndicator(pub String);

/// An indicator's text: its code in the table, its name and how it is computed, in Dutch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Definition {
    #[serde(skip)]
    pub indicator: Indicator,
    pub code: &'static str,
    pub name: &'static str,
    pub definition: &'static str,
}

/// Every indicator's text, in the order of the codebook.
pub const DEFINITIONS: [Definition; Indicator::ALL.len()] = {
    let mut all = [Indicator::Response.definition(); Indicator::ALL.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = Indicator::ALL[i].definition();
        i += 1;
    }
    all
};

/// A figure the publication leads with, as the report of the first wave did (`demo::FIRST_WAVE_TARGETS`):
/// an indicator, and where only one of its categories
/// is meant, that category (the empty category is the indicator as a whole).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadlineFigure {
    pub indicator: Indicator,
    pub category: Option<&'static str>,
}

impl HeadlineFigure {
    pub fn includes(&self, row: &FigureRow) -> bool {
        row.indicator == self.indicator && self.category.is_none_or(|category| row.category == category)
    }
}

/// The rows of a table that are `HEADLINE` figures, in the order of `HEADLINE`.
pub fn headline_rows(table: &[FigureRow]) -> Vec<&FigureRow> {
    HEADLINE.iter().flat_map(|headline| table.iter().filter(|row| headline.includes(row))).collect()
}

/// The headline figures, in the order the wave's page shows them.
pub const HEADLINE: [HeadlineFigure; 6] = [
    HeadlineFigure { indicator: Indicator::Response, category: None },
    HeadlineFigure { indicator: Indicator::LeadingTheme, category: Some(questions::SERVICE_DELIVERY) },
    HeadlineFigure { indicator: Indicator::AdoptionMean, category: None },
    HeadlineFigure { indicator: Indicator::CollectiveSupport, category: None },
    HeadlineFigure { indicator: Indicator::IctCollaboration, category: Some("") },
    HeadlineFigure { indicator: Indicator::CollaborationFocus, category: None },
];

/// The codebook's text on the minimum n of a breakdown.
pub fn minimum_n_rule() -> String {
    format!(
        "Uitsplitsingen naar provincie en grootteklasse worden alleen gepubliceerd bij minstens {MIN_N} responderende gemeenten; daaronder alleen de respons."
    )
}

/// One published figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureRow {
    pub indicator: Indicator,
    /// `nederland`, `provincie:PV27` or `grootteklasse:4` (`grootteklasse:onbekend` without a population figure).
    pub group: String,
    /// The block, choice, status, form or statistic the figure is of; empty for the indicator as a whole. For a
    /// trend, its division (`division_code`), and after a colon the block.
    pub category: String,
    pub label: String,
    /// How many of `n` have the property; absent for a statistic such as a mean.
    pub count: Option<usize>,
    /// The base of the figure.
    pub n: usize,
    /// The organisations asked: the population the interval is corrected for.
    pub population: usize,
    /// The share (0..=1) or the statistic.
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The wave of the series whose answers a trend's figure counts; `None` for the rest, which are of the wave
    /// the table is of.
    pub wave: Option<String>,
}

pub fn group_code(group: Option<&Group>) -> String {
    match group {
        None => "nederland".to_owned(),
        Some(Group::Province(code)) => format!("provincie:{code}"),
        Some(Group::SizeClass(Some(class))) => format!("grootteklasse:{}", class.number()),
        Some(Group::SizeClass(None)) => "grootteklasse:onbekend".to_owned(),
    }
}

/// Every figure of `indicators`, for the group they are of. `block_names` gives a block's name for its code.
pub fn rows(indicators: &Indicators, group: Option<&Group>, block_name: &dyn Fn(&str) -> String) -> Vec<FigureRow> {
    let group = group_code(group);
    let mut rows = Vec::new();
    let mut share = |indicator: Indicator, category: &str, label: &str, proportion: &Proportion| {
        rows.push(FigureRow {
            indicator,
            group: group.clone(),
            category: category.to_owned(),
            label: label.to_owned(),
            count: Some(proportion.count),
            n: proportion.n,
            population: proportion.population,
            value: proportion.share,
            low: proportion.low,
            high: proportion.high,
            wave: None,
        });
    };
    let categories = |share: &mut dyn FnMut(Indicator, &str, &str, &Proportion), indicator: Indicator, list: &[CategoryShare]| {
        for category in list {
            share(indicator, &category.code, &category.label, &category.share);
        }
    };
    share(Indicator::Response, "", "Respons", &indicators.response);
    categories(&mut share, Indicator::LeadingTheme, &indicators.leading_theme);
    for block in &indicators.blocks {
        let name = block_name(&block.code);
        share(Indicator::BlockInUse, &block.code, &name, &block.in_use);
        for status in &block.statuses {
            share(Indicator::BlockStatus, &format!("{}:{}", block.code, status.code), &format!("{name}: {}", status.label), &status.share);
        }
        share(Indicator::SupportPerBlock, &block.code, &name, &block.support_needed);
    }
    share(Indicator::SupportAnyBlock, "", "Ondersteuning nodig bij minstens één bouwsteen", &indicators.support.any_block);
    categories(&mut share, Indicator::SupportForm, &indicators.support.by_form);
    if let Some(collective) = &indicators.support.collective {
        share(Indicator::CollectiveSupport, "", "Behoefte aan collectieve ondersteuning", collective);
    }
    if let Some(collaborates) = &indicators.collaboration.collaborates {
        share(Indicator::IctCollaboration, "", "Werkt samen op ICT", collaborates);
    }
    categories(&mut share, Indicator::IctCollaboration, &indicators.collaboration.areas);
    if let Some(plans) = &indicators.collaboration.plans {
        share(Indicator::CollaborationPlans, "", "Heeft plannen", plans);
    }
    categories(&mut share, Indicator::CollaborationFocus, &indicators.collaboration.focus);

    if let Some(adoption) = &indicators.adoption {
        let n = adoption.summary.n;
        let statistic = |indicator: Indicator, category: &str, label: &str, value: f64, low: Option<f64>, high: Option<f64>| FigureRow {
            indicator,
            group: group.clone(),
            category: category.to_owned(),
            label: label.to_owned(),
            count: None,
            n,
            population: indicators.asked,
            value: Some(value),
            low,
            high,
            wave: None,
        };
        let s = adoption.summary;
        rows.push(statistic(
            Indicator::AdoptionMean,
            "gemiddelde",
            "Gemiddelde",
            s.mean,
            Some(adoption.mean_low),
            Some(adoption.mean_high),
        ));
        for (category, label, value) in [
            ("minimum", "Minimum", s.min),
            ("q1", "Eerste kwartiel", s.q1),
            ("mediaan", "Mediaan", s.median),
            ("q3", "Derde kwartiel", s.q3),
            ("maximum", "Maximum", s.max),
        ] {
            rows.push(statistic(Indicator::AdoptionQuartiles, category, label, value, None, None));
        }
        for (bin, count) in adoption.histogram.iter().enumerate() {
            let label = if bin == 9 { "90–100%".to_owned() } else { format!("{}–{}%", bin * 10, bin * 10 + 10) };
            rows.push(FigureRow {
                count: Some(*count),
                value: None,
                ..statistic(Indicator::AdoptionDistribution, &format!("{}", bin * 10), &label, 0.0, None, None)
            });
        }
    }
    rows
}

/// The forms a group code takes, in Dutch, for a message about one that does not read.
pub const GROUP_CODE_FORMS: &str =
    "nederland, provincie:<CBS-code> (bijvoorbeeld provincie:PV27), grootteklasse:<1 tot en met 8> of grootteklasse:onbekend";

/// A text that is not a group code as `group_code` writes it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is geen groep; gebruik {GROUP_CODE_FORMS}")]
pub struct NotAGroupCode(pub String);

/// Reads a group code as `group_code` writes it (case aside): `None` for `nederland`.
pub fn parse_group_code(text: &str) -> Result<Option<Group>, NotAGroupCode> {
    let refused = || NotAGroupCode(text.trim().to_owned());
    let lower = text.trim().to_lowercase();
    if lower == "nederland" {
        return Ok(None);
    }
    if let Some(code) = lower.strip_prefix("provincie:") {
        return match OrgCode::parse(code) {
            Ok(code) if code.kind() == OrganisationKind::Provincie => Ok(Some(Group::Province(code))),
            _ => Err(refused()),
        };
    }
    match lower.strip_prefix("grootteklasse:") {
        Some("onbekend") => Ok(Some(Group::SizeClass(None))),
        Some(number) => {
            number.parse().ok().and_then(SizeClass::from_number).map(|class| Some(Group::SizeClass(Some(class)))).ok_or_else(refused)
        }
        None => Err(refused()),
    }
}

/// The response row of a group (or, with `None`, of the whole country): the one figure published whatever the
/// number of respondents, as `rows` writes it.
pub fn response_row(group: Option<&Group>, response: &Proportion) -> FigureRow {
    FigureRow {
        indicator: Indicator::Response,
        group: group_code(group),
        category: String::new(),
        label: "Respons".to_owned(),
        count: Some(response.count),
        n: response.n,
        population: response.population,
        value: response.share,
        low: response.low,
        high: response.high,
        wave: None,
    }
}

/// One group's part of the long table: all its figures when it reached `MIN_N` respondents (`indicators`), else
/// only its response.
pub fn group_rows(
    group: &Group,
    response: &Proportion,
    indicators: Option<&Indicators>,
    block_name: &dyn Fn(&str) -> String,
) -> Vec<FigureRow> {
    match indicators {
        Some(indicators) => rows(indicators, Some(group), block_name),
        None => vec![response_row(Some(group), response)],
    }
}

/// A division in the table: `zoals_gevraagd`, or the date whose municipalities every wave is mapped onto.
pub fn division_code(division: Division) -> String {
    match division {
        Division::AsItWas => "zoals_gevraagd".to_owned(),
        Division::On(date) => date.to_string(),
    }
}

fn division_words(division: Division) -> String {
    match division {
        Division::AsItWas => "zoals gevraagd".to_owned(),
        Division::On(date) => format!("indeling van {date}"),
    }
}

/// The figures of a trend, every one the dashboard and a block's page draw from it, exactly: per wave of the
/// series, the mean share in use with its interval, and each compared block's share in use. `wave_title` gives a
/// wave's title for its id.
pub fn trend_rows(trend: &Trend, wave_title: &dyn Fn(&str) -> String, block_name: &dyn Fn(&str) -> String) -> Vec<FigureRow> {
    let division = division_code(trend.division);
    let words = division_words(trend.division);
    let mut rows = Vec::new();
    for point in &trend.points {
        let title = wave_title(&point.wave);
        let adoption = point.adoption.as_ref();
        rows.push(FigureRow {
            indicator: Indicator::TrendAdoptionMean,
            group: group_code(None),
            category: division.clone(),
            label: format!("{title}, {words}"),
            count: None,
            n: adoption.map_or(point.respondents, |a| a.summary.n),
            population: point.units,
            value: adoption.map(|a| a.summary.mean),
            low: adoption.map(|a| a.mean_low),
            high: adoption.map(|a| a.mean_high),
            wave: Some(point.wave.clone()),
        });
        for (block, share) in trend.blocks.iter().zip(&point.in_use) {
            rows.push(FigureRow {
                indicator: Indicator::TrendBlockInUse,
                group: group_code(None),
                category: format!("{division}:{block}"),
                label: format!("{}, {title}, {words}", block_name(block)),
                count: Some(share.count),
                n: share.n,
                population: share.population,
                value: share.share,
                low: share.low,
                high: share.high,
                wave: Some(point.wave.clone()),
            });
        }
    }
    rows
}

/// The national part of the long table: the wave's own figures, then those of each trend in the order given.
pub fn national_rows(
    national: &Indicators,
    trends: &[&Trend],
    wave_title: &dyn Fn(&str) -> String,
    block_name: &dyn Fn(&str) -> String,
) -> Vec<FigureRow> {
    let mut table = rows(national, None, block_name);
    for trend in trends {
        table.extend(trend_rows(trend, wave_title, block_name));
    }
    table
}

/// The whole long table of a wave, as the downloads and the API publish it: the national figures with the trends
/// (`national_rows`), then each group's (`group_rows`) in the order given.
pub fn wave_rows<'a>(
    national: &Indicators,
    trends: &[&Trend],
    groups: impl IntoIterator<Item = (&'a Group, &'a Proportion, Option<&'a Indicators>)>,
    wave_title: &dyn Fn(&str) -> String,
    block_name: &dyn Fn(&str) -> String,
) -> Vec<FigureRow> {
    let mut table = national_rows(national, trends, wave_title, block_name);
    for (group, response, indicators) in groups {
        table.extend(group_rows(group, response, indicators, block_name));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::indicators::{Asked, WaveInput, compute, compute_group, group_response, groups};
    use crate::demo::QUESTIONNAIRE_SOURCE;
    use crate::questionnaire::{Answer, Answers, parse_questionnaire_toml};

    fn code(text: &str) -> OrgCode {
        OrgCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn group_codes_read_back_what_group_code_writes_and_nothing_else() {
        let groups = [
            None,
            Some(Group::Province(code("PV27"))),
            Some(Group::SizeClass(SizeClass::from_number(4))),
            Some(Group::SizeClass(SizeClass::from_number(8))),
            Some(Group::SizeClass(None)),
        ];
        for group in groups {
            assert_eq!(parse_group_code(&group_code(group.as_ref())), Ok(group.clone()));
        }
        assert_eq!(parse_group_code(" Provincie:pv20 "), Ok(Some(Group::Province(code("PV20")))));
        for text in
            ["", "provincie:XX", "provincie:GM0363", "provincie:", "grootteklasse:9", "grootteklasse:0", "grootteklasse:", "PV27", "land"]
        {
            let Err(refused) = parse_group_code(text) else { panic!("{text} is not a group") };
            assert!(refused.to_string().contains("provincie:PV27"), "the message names the forms: {refused}");
        }
    }

    #[test]
    fn a_wave_table_holds_the_nation_and_every_group_but_only_the_response_of_a_small_one() {
        let questionnaire = parse_questionnaire_toml(QUESTIONNAIRE_SOURCE, "shipped").unwrap_or_else(|e| panic!("{e:?}"));
        let blocks = vec!["bsn".to_owned(), "digid".to_owned()];
        // Twelve asked in PV20, of whom eleven answer; three asked in PV21, of whom one answers.
        let asked: Vec<Asked> = (1..=15)
            .map(|i| Asked {
                code: code(&format!("GM{i:04}")),
                province: Some(code(if i <= 12 { "PV20" } else { "PV21" })),
                size_class: None,
            })
            .collect();
        let mut answers = Answers::new();
        answers.insert("leading_theme".into(), Answer::Text("dienstverlening".into()));
        answers.insert("collective_support".into(), Answer::Text("ja".into()));
        let responses: Vec<(OrgCode, Answers)> = (1..=11).chain([13]).map(|i| (code(&format!("GM{i:04}")), answers.clone())).collect();
        let input = WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire };
        let national = compute(&input);
        let figures: Vec<(Group, Proportion, Option<Indicators>)> =
            groups(&input).into_iter().map(|g| (g.clone(), group_response(&input, &g), compute_group(&input, &g))).collect();
        let name = |code: &str| code.to_owned();
        let table = wave_rows(&national, &[], figures.iter().map(|(g, r, i)| (g, r, i.as_ref())), &name, &name);

        assert_eq!(table[0], response_row(None, &national.response), "the national response comes first");
        assert_eq!((table[0].count, table[0].n), (Some(12), 15));
        let of = |group: &str| table.iter().filter(|r| r.group == group).collect::<Vec<_>>();
        let small = of("provincie:PV21");
        assert_eq!(small.len(), 1, "a group below {MIN_N} publishes its response only");
        assert_eq!((small[0].indicator, small[0].count, small[0].n), (Indicator::Response, Some(1), 3));
        let large = of("provincie:PV20");
        assert!(large.len() > 1 && large.iter().any(|r| r.indicator == Indicator::CollectiveSupport && r.count == Some(11)));
        assert_eq!(*large[0], response_row(Some(&Group::Province(code("PV20"))), &figures[0].1), "the same response row as `rows` writes");
        assert_eq!(of("grootteklasse:onbekend").len(), of("nederland").len(), "all fifteen are of unknown size, and twelve answered");
    }

    #[test]
    fn every_indicator_has_its_own_code_and_reads_back_from_it() {
        let codes: std::collections::BTreeSet<&str> = Indicator::ALL.map(Indicator::code).into_iter().collect();
        assert_eq!(codes.len(), Indicator::ALL.len(), "no two indicators share a code");
        for indicator in Indicator::ALL {
            assert_eq!(Indicator::parse(indicator.code()), Ok(indicator));
            assert_eq!(serde_json::to_string(&indicator).ok(), Some(format!("\"{}\"", indicator.code())));
        }
        let Err(refused) = Indicator::parse("adoptie") else { panic!("not an indicator") };
        assert!(refused.to_string().starts_with("'adoptie' is geen indicator; kies uit respons, leidend_thema,"), "{refused}");
    }
}

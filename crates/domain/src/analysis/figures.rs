//! The indicators as one long table, a row per figure: what the open-data downloads and the API publish, with the
//! definition of every indicator in the codebook. The pages show the same numbers from `Indicators`.

use serde::Serialize;

use super::Proportion;
use super::indicators::{CategoryShare, Group, Indicators, MIN_N};
use crate::register::{OrgCode, OrganisationKind, SizeClass};

/// One indicator: its code in the table, its name and how it is computed, in Dutch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub code: &'static str,
    pub name: &'static str,
    pub definition: &'static str,
}

pub const DEFINITIONS: [Definition; 14] = [
    Definition {
        code: "respons",
        name: "Respons",
        definition: "Gemeenten die de vragenlijst hebben ingediend, van alle gemeenten die de meting vroeg (het register op de sluitingsdatum). Een telling van de hele populatie: het interval is het aandeel zelf.",
    },
    Definition {
        code: "leidend_thema",
        name: "Leidend thema",
        definition: "Per thema: gemeenten die het als leidend thema noemden, van de gemeenten die de vraag beantwoordden.",
    },
    Definition {
        code: "adoptie_gemiddelde",
        name: "Gemiddeld aandeel bouwstenen in gebruik",
        definition: "Per gemeente: het aantal bouwstenen met de status 'in gebruik', gedeeld door het aantal bouwstenen in de catalogus van de meting. Het gemiddelde over de gemeenten die de bouwstenen beantwoordden, met een 95%-interval (normale benadering met eindige-populatiecorrectie).",
    },
    Definition {
        code: "adoptie_kwartielen",
        name: "Spreiding van het aandeel in gebruik",
        definition: "Minimum, eerste kwartiel, mediaan, derde kwartiel en maximum van het aandeel bouwstenen in gebruik per gemeente (kwartielen interpolerend, type 7).",
    },
    Definition {
        code: "adoptie_verdeling",
        name: "Verdeling van het aandeel in gebruik",
        definition: "Aantal gemeenten per klasse van 10 procentpunt van het aandeel bouwstenen in gebruik; de laatste klasse omvat 100%.",
    },
    Definition {
        code: "bouwsteen_status",
        name: "Status per bouwsteen",
        definition: "Per bouwsteen en status: gemeenten met die status, van de gemeenten die de bouwsteen een status gaven.",
    },
    Definition {
        code: "bouwsteen_in_gebruik",
        name: "Bouwsteen in gebruik",
        definition: "Per bouwsteen: gemeenten met de status 'in gebruik', van de gemeenten die de bouwsteen een status gaven.",
    },
    Definition {
        code: "ondersteuning_bouwsteen",
        name: "Ondersteuning nodig per bouwsteen",
        definition: "Per bouwsteen: gemeenten die zeiden ondersteuning nodig te hebben, van de gemeenten die die vraag bij de bouwsteen beantwoordden.",
    },
    Definition {
        code: "ondersteuning_enige",
        name: "Ondersteuning nodig bij minstens één bouwsteen",
        definition: "Gemeenten die bij minstens één bouwsteen ondersteuning nodig hebben, van de gemeenten die de bouwstenen beantwoordden.",
    },
    Definition {
        code: "ondersteuning_vorm",
        name: "Gevraagde vorm van ondersteuning",
        definition: "Per vorm: gemeenten die die vorm bij minstens één bouwsteen vragen, van de gemeenten die de bouwstenen beantwoordden.",
    },
    Definition {
        code: "collectieve_ondersteuning",
        name: "Behoefte aan collectieve ondersteuning",
        definition: "Gemeenten die 'ja' antwoordden op de vraag naar collectieve ondersteuning, van de gemeenten die de vraag beantwoordden.",
    },
    Definition {
        code: "samenwerking_ict",
        name: "Samenwerking op ICT",
        definition: "Gemeenten die op ICT samenwerken, van de gemeenten die de vraag beantwoordden; per gebied: van de gemeenten die samenwerken.",
    },
    Definition {
        code: "samenwerking_plannen",
        name: "Plannen voor (meer) samenwerking",
        definition: "Gemeenten met plannen om (meer) samen te werken, van de gemeenten die de vraag beantwoordden.",
    },
    Definition {
        code: "samenwerking_focus",
        name: "Focus van de plannen",
        definition: "Per focus: gemeenten die hem noemden, van alle gemeenten die de vraag naar plannen beantwoordden (wie geen plannen heeft, noemt geen focus).",
    },
];

/// The codebook's text on the minimum n of a breakdown.
pub fn minimum_n_rule() -> String {
    format!(
        "Uitsplitsingen naar provincie en grootteklasse worden alleen gepubliceerd bij minstens {MIN_N} responderende gemeenten; daaronder alleen de respons."
    )
}

pub fn definition(code: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.code == code)
}

/// One published figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureRow {
    /// A code of `DEFINITIONS`.
    pub indicator: &'static str,
    /// `nederland`, `provincie:PV27` or `grootteklasse:4` (`grootteklasse:onbekend` without a population figure).
    pub group: String,
    /// The block, choice, status, form or statistic the figure is of; empty for the indicator as a whole.
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
    let mut share = |indicator: &'static str, category: &str, label: &str, proportion: &Proportion| {
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
        });
    };
    let categories = |share: &mut dyn FnMut(&'static str, &str, &str, &Proportion), indicator: &'static str, list: &[CategoryShare]| {
        for category in list {
            share(indicator, &category.code, &category.label, &category.share);
        }
    };
    share("respons", "", "Respons", &indicators.response);
    categories(&mut share, "leidend_thema", &indicators.leading_theme);
    for block in &indicators.blocks {
        let name = block_name(&block.code);
        share("bouwsteen_in_gebruik", &block.code, &name, &block.in_use);
        for status in &block.statuses {
            share("bouwsteen_status", &format!("{}:{}", block.code, status.code), &format!("{name}: {}", status.label), &status.share);
        }
        share("ondersteuning_bouwsteen", &block.code, &name, &block.support_needed);
    }
    share("ondersteuning_enige", "", "Ondersteuning nodig bij minstens één bouwsteen", &indicators.support.any_block);
    categories(&mut share, "ondersteuning_vorm", &indicators.support.by_form);
    if let Some(collective) = &indicators.support.collective {
        share("collectieve_ondersteuning", "", "Behoefte aan collectieve ondersteuning", collective);
    }
    if let Some(collaborates) = &indicators.collaboration.collaborates {
        share("samenwerking_ict", "", "Werkt samen op ICT", collaborates);
    }
    categories(&mut share, "samenwerking_ict", &indicators.collaboration.areas);
    if let Some(plans) = &indicators.collaboration.plans {
        share("samenwerking_plannen", "", "Heeft plannen", plans);
    }
    categories(&mut share, "samenwerking_focus", &indicators.collaboration.focus);

    if let Some(adoption) = &indicators.adoption {
        let n = adoption.summary.n;
        let statistic = |indicator: &'static str, category: &str, label: &str, value: f64, low: Option<f64>, high: Option<f64>| FigureRow {
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
        };
        let s = adoption.summary;
        rows.push(statistic("adoptie_gemiddelde", "gemiddelde", "Gemiddelde", s.mean, Some(adoption.mean_low), Some(adoption.mean_high)));
        for (category, label, value) in [
            ("minimum", "Minimum", s.min),
            ("q1", "Eerste kwartiel", s.q1),
            ("mediaan", "Mediaan", s.median),
            ("q3", "Derde kwartiel", s.q3),
            ("maximum", "Maximum", s.max),
        ] {
            rows.push(statistic("adoptie_kwartielen", category, label, value, None, None));
        }
        for (bin, count) in adoption.histogram.iter().enumerate() {
            let label = if bin == 9 { "90–100%".to_owned() } else { format!("{}–{}%", bin * 10, bin * 10 + 10) };
            rows.push(FigureRow {
                count: Some(*count),
                value: None,
                ..statistic("adoptie_verdeling", &format!("{}", bin * 10), &label, 0.0, None, None)
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
        indicator: "respons",
        group: group_code(group),
        category: String::new(),
        label: "Respons".to_owned(),
        count: Some(response.count),
        n: response.n,
        population: response.population,
        value: response.share,
        low: response.low,
        high: response.high,
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

/// The whole long table of a wave, as the downloads and the API publish it: the national figures, then each
/// group's (`group_rows`) in the order given.
pub fn wave_rows<'a>(
    national: &Indicators,
    groups: impl IntoIterator<Item = (&'a Group, &'a Proportion, Option<&'a Indicators>)>,
    block_name: &dyn Fn(&str) -> String,
) -> Vec<FigureRow> {
    let mut table = rows(national, None, block_name);
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
        let table = wave_rows(&national, figures.iter().map(|(g, r, i)| (g, r, i.as_ref())), &name);

        assert_eq!(table[0], response_row(None, &national.response), "the national response comes first");
        assert_eq!((table[0].count, table[0].n), (Some(12), 15));
        let of = |group: &str| table.iter().filter(|r| r.group == group).collect::<Vec<_>>();
        let small = of("provincie:PV21");
        assert_eq!(small.len(), 1, "a group below {MIN_N} publishes its response only");
        assert_eq!((small[0].indicator, small[0].count, small[0].n), ("respons", Some(1), 3));
        let large = of("provincie:PV20");
        assert!(large.len() > 1 && large.iter().any(|r| r.indicator == "collectieve_ondersteuning" && r.count == Some(11)));
        assert_eq!(*large[0], response_row(Some(&Group::Province(code("PV20"))), &figures[0].1), "the same response row as `rows` writes");
        assert_eq!(of("grootteklasse:onbekend").len(), of("nederland").len(), "all fifteen are of unknown size, and twelve answered");
        assert!(table.iter().all(|r| definition(r.indicator).is_some()));
    }
}

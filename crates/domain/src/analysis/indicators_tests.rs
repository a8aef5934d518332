use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::demo::QUESTIONNAIRE_SOURCE;
use crate::questionnaire::{BlockAnswer, parse_questionnaire_toml};

fn questionnaire() -> Questionnaire {
    parse_questionnaire_toml(QUESTIONNAIRE_SOURCE, "shipped").unwrap_or_else(|e| panic!("{e:?}"))
}

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn asked(text: &str, province: &str, size: Option<u8>) -> Asked {
    Asked { code: code(text), province: Some(code(province)), size_class: size.and_then(SizeClass::from_number) }
}

fn block(status: BlockStatus, need: bool, forms: &[SupportForm]) -> BlockAnswer {
    BlockAnswer { status: Some(status), support_needed: Some(need), support_forms: forms.iter().copied().collect() }
}

fn text(value: &str) -> Answer {
    Answer::Text(value.to_owned())
}

fn many(values: &[&str]) -> Answer {
    Answer::Many(values.iter().map(|v| (*v).to_owned()).collect())
}

const BLOCKS: [&str; 3] = ["bsn", "digid", "bag"];

fn response(theme: &str, statuses: [BlockAnswer; 3], rest: &[(&str, Answer)]) -> Answers {
    let mut answers = Answers::new();
    answers.insert("leading_theme".into(), text(theme));
    answers.insert("blocks".into(), Answer::Matrix(BLOCKS.iter().map(|b| (*b).to_owned()).zip(statuses).collect()));
    for (name, answer) in rest {
        answers.insert((*name).to_owned(), answer.clone());
    }
    answers
}

/// Three of four municipalities answer; every figure below is counted by hand from these answers.
fn hand_made() -> (Vec<Asked>, Vec<(OrgCode, Answers)>) {
    use BlockStatus::*;
    use SupportForm::*;
    let asked = vec![
        asked("GM0001", "PV20", Some(4)),
        asked("GM0002", "PV20", Some(2)),
        asked("GM0003", "PV20", Some(4)),
        asked("GM0004", "PV21", None),
    ];
    let responses = vec![
        (
            code("GM0001"),
            response(
                "dienstverlening",
                [block(InUse, false, &[]), block(InUse, false, &[]), block(Planned, true, &[RegionalMeetings, KnowledgeBase])],
                &[
                    ("collective_support", text("ja")),
                    ("collaborates", text("ja")),
                    ("collaboration_areas", many(&["techniek"])),
                    ("future_collaboration", text("ja")),
                    ("future_collaboration_focus", many(&["techniek", "strategie-en-beleid"])),
                ],
            ),
        ),
        (
            code("GM0002"),
            response(
                "bedrijfsvoering",
                [block(InUse, false, &[]), block(Implementing, true, &[OnSiteHelp]), block(NotStarted, true, &[KnowledgeBase])],
                &[
                    ("collective_support", text("ja")),
                    ("collaborates", text("nee")),
                    ("future_collaboration", text("ja")),
                    ("future_collaboration_focus", many(&["processen-en-informatiemanagement"])),
                ],
            ),
        ),
        (
            code("GM0003"),
            response(
                "dienstverlening",
                [block(InUse, false, &[]), block(Orienting, false, &[]), block(NotStarted, false, &[])],
                &[
                    ("collective_support", text("nee")),
                    ("collaborates", text("ja")),
                    ("collaboration_areas", many(&["techniek", "processen-en-informatiemanagement"])),
                    ("future_collaboration", text("nee")),
                ],
            ),
        ),
    ];
    (asked, responses)
}

fn blocks() -> Vec<String> {
    BLOCKS.iter().map(|b| (*b).to_owned()).collect()
}

fn counts(shares: &[CategoryShare]) -> Vec<(&str, usize, usize)> {
    shares.iter().map(|c| (c.code.as_str(), c.share.count, c.share.n)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn the_indicators_of_a_small_wave_are_counted_from_its_answers() {
    let (asked, responses) = hand_made();
    let questionnaire = questionnaire();
    let blocks = blocks();
    let indicators = compute(&WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire });

    assert_eq!((indicators.asked, indicators.respondents), (4, 3));
    assert_eq!((indicators.response.count, indicators.response.n, indicators.response.population), (3, 4, 4));
    assert_eq!(indicators.response.low, indicators.response.high, "the response of a census is a count, not an estimate");
    assert_eq!(
        counts(&indicators.leading_theme),
        [
            ("dienstverlening", 2, 3),
            ("bedrijfsvoering", 1, 3),
            ("informatievoorziening", 0, 3),
            ("ketensamenwerking", 0, 3),
            ("anders", 0, 3)
        ]
    );
    assert_eq!(indicators.leading_theme[0].label, "Dienstverlening aan burgers en bedrijven");
    assert_eq!(indicators.leading_theme[0].share.population, 4);

    let adoption = indicators.adoption.clone().unwrap_or_else(|| panic!("adoption"));
    assert_eq!(adoption.blocks, 3);
    assert!(close(adoption.summary.mean, 4.0 / 9.0));
    assert!(close(adoption.summary.median, 1.0 / 3.0));
    assert!(close(adoption.summary.max, 2.0 / 3.0));
    assert!(adoption.mean_low < adoption.summary.mean && adoption.summary.mean < adoption.mean_high);
    assert_eq!(adoption.histogram, [0, 0, 0, 2, 0, 0, 1, 0, 0, 0]);

    let in_use: Vec<(&str, usize, usize)> = indicators.blocks.iter().map(|b| (b.code.as_str(), b.in_use.count, b.in_use.n)).collect();
    assert_eq!(in_use, [("bsn", 3, 3), ("digid", 1, 3), ("bag", 0, 3)]);
    assert_eq!(
        counts(&indicators.blocks[2].statuses),
        [("not_started", 2, 3), ("orienting", 0, 3), ("planned", 1, 3), ("implementing", 0, 3), ("in_use", 0, 3)]
    );
    let need: Vec<usize> = indicators.blocks.iter().map(|b| b.support_needed.count).collect();
    assert_eq!(need, [0, 1, 2]);

    assert_eq!((indicators.support.any_block.count, indicators.support.any_block.n), (2, 3));
    assert_eq!(
        counts(&indicators.support.by_form),
        [("regional_meetings", 1, 3), ("knowledge_base", 2, 3), ("architectures_standards", 0, 3), ("on_site_help", 1, 3)]
    );
    let collective = indicators.support.collective.unwrap_or_else(|| panic!("collective"));
    assert_eq!((collective.count, collective.n), (2, 3));

    let collaboration = &indicators.collaboration;
    assert_eq!(collaboration.collaborates.map(|p| (p.count, p.n)), Some((2, 3)));
    assert_eq!(
        counts(&collaboration.areas),
        [("techniek", 2, 2), ("processen-en-informatiemanagement", 1, 2), ("strategie-en-beleid", 0, 2)],
        "areas are shares of those who collaborate"
    );
    assert_eq!(collaboration.plans.map(|p| (p.count, p.n)), Some((2, 3)));
    assert_eq!(
        counts(&collaboration.focus),
        [("techniek", 1, 3), ("processen-en-informatiemanagement", 1, 3), ("strategie-en-beleid", 1, 3)],
        "the focus is a share of all who answered whether they have plans"
    );
}

#[test]
fn a_response_from_an_organisation_not_asked_or_given_twice_counts_once_or_not_at_all() {
    let (asked, mut responses) = hand_made();
    let questionnaire = questionnaire();
    let blocks = blocks();
    let once = compute(&WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire });
    responses.push(responses[0].clone());
    responses.push((code("GM0099"), responses[1].1.clone()));
    let again = compute(&WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire });
    assert_eq!(once, again);
}

#[test]
fn a_group_below_the_minimum_publishes_its_response_only() {
    let (asked, responses) = hand_made();
    let questionnaire = questionnaire();
    let blocks = blocks();
    let input = WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire };
    assert_eq!(
        groups(&input),
        [
            Group::Province(code("PV20")),
            Group::Province(code("PV21")),
            Group::SizeClass(None),
            Group::SizeClass(SizeClass::from_number(2)),
            Group::SizeClass(SizeClass::from_number(4)),
        ]
    );
    assert!(compute_group(&input, &Group::Province(code("PV20"))).is_none(), "3 respondents is fewer than {MIN_N}");
    let response = group_response(&input, &Group::Province(code("PV20")));
    assert_eq!((response.count, response.n), (3, 3));
    let unknown = group_response(&input, &Group::SizeClass(None));
    assert_eq!((unknown.count, unknown.n), (0, 1));
}

#[test]
fn a_group_with_enough_respondents_has_the_group_as_its_population() {
    let questionnaire = questionnaire();
    let blocks = blocks();
    let (_, responses) = hand_made();
    let template = responses[0].1.clone();
    let asked: Vec<Asked> = (1..=14).map(|i| asked(&format!("GM{i:04}"), if i <= 12 { "PV20" } else { "PV21" }, Some(3))).collect();
    let responses: Vec<(OrgCode, Answers)> = (1..=11).map(|i| (code(&format!("GM{i:04}")), template.clone())).collect();
    let input = WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire };
    let province = compute_group(&input, &Group::Province(code("PV20"))).unwrap_or_else(|| panic!("11 of 12 is enough"));
    assert_eq!((province.respondents, province.asked, province.blocks[0].in_use.population), (11, 12, 12));
    assert!(compute_group(&input, &Group::Province(code("PV21"))).is_none());
}

fn arbitrary_block() -> impl Strategy<Value = BlockAnswer> {
    (prop::option::of(0usize..5), prop::option::of(any::<bool>()), prop::collection::btree_set(0usize..4, 0..3)).prop_map(
        |(status, need, forms)| BlockAnswer {
            status: status.map(|s| BlockStatus::ALL[s]),
            support_needed: need,
            support_forms: if need == Some(true) { forms.into_iter().map(|f| SupportForm::ALL[f]).collect() } else { BTreeSet::new() },
        },
    )
}

static THEMES: [&str; 4] = ["dienstverlening", "bedrijfsvoering", "anders", ""];
static YES_NO: [&str; 2] = ["ja", "nee"];

fn arbitrary_answers() -> impl Strategy<Value = Answers> {
    (
        prop::sample::select(&THEMES[..]),
        prop::collection::vec(arbitrary_block(), 3),
        prop::option::of(prop::sample::select(&YES_NO[..])),
        prop::option::of(prop::sample::select(&YES_NO[..])),
        prop::collection::btree_set(prop::sample::select(&["techniek", "strategie-en-beleid"][..]), 0..3),
    )
        .prop_map(|(theme, blocks, collaborates, plans, focus)| {
            let mut answers = Answers::new();
            answers.insert("leading_theme".into(), text(theme));
            answers.insert("blocks".into(), Answer::Matrix(BLOCKS.iter().map(|b| (*b).to_owned()).zip(blocks).collect::<BTreeMap<_, _>>()));
            if let Some(value) = collaborates {
                answers.insert("collaborates".into(), text(value));
            }
            if let Some(value) = plans {
                answers.insert("future_collaboration".into(), text(value));
                if value == "ja" {
                    answers.insert("future_collaboration_focus".into(), Answer::Many(focus.into_iter().map(str::to_owned).collect()));
                }
            }
            answers
        })
}

fn all_proportions(indicators: &Indicators) -> Vec<Proportion> {
    let mut all = vec![indicators.response, indicators.support.any_block];
    all.extend(indicators.support.collective);
    all.extend(indicators.collaboration.collaborates);
    all.extend(indicators.collaboration.plans);
    let categories =
        [&indicators.leading_theme, &indicators.support.by_form, &indicators.collaboration.areas, &indicators.collaboration.focus];
    all.extend(categories.iter().flat_map(|c| c.iter().map(|s| s.share)));
    for block in &indicators.blocks {
        all.extend([block.in_use, block.support_needed]);
        all.extend(block.statuses.iter().map(|s| s.share));
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_order_of_the_answers_does_not_matter_and_shares_stay_within_their_bounds(
        answers in prop::collection::vec(arbitrary_answers(), 0..40),
        extra_asked in 0usize..10,
        seed in any::<u64>(),
    ) {
        let questionnaire = questionnaire();
        let blocks = blocks();
        let asked: Vec<Asked> = (1..=answers.len() + extra_asked).map(|i| asked(&format!("GM{i:04}"), "PV20", None)).collect();
        let responses: Vec<(OrgCode, Answers)> = answers.into_iter().enumerate().map(|(i, a)| (code(&format!("GM{:04}", i + 1)), a)).collect();
        let forward = compute(&WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire });

        let mut shuffled = responses.clone();
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rand::RngExt::random_range(&mut rng, 0..=i));
        }
        prop_assert_eq!(&forward, &compute(&WaveInput { asked: &asked, responses: &shuffled, blocks: &blocks, questionnaire: &questionnaire }));

        let mut doubled = responses.clone();
        doubled.extend(responses.iter().cloned());
        prop_assert_eq!(&forward, &compute(&WaveInput { asked: &asked, responses: &doubled, blocks: &blocks, questionnaire: &questionnaire }));

        for proportion in all_proportions(&forward) {
            prop_assert!(proportion.count <= proportion.n && proportion.n <= proportion.population);
            if let (Some(share), Some(low), Some(high)) = (proportion.share, proportion.low, proportion.high) {
                prop_assert!((0.0..=1.0).contains(&low) && low <= share + 1e-12 && share <= high + 1e-12 && high <= 1.0);
            }
        }
        if let Some(adoption) = &forward.adoption {
            prop_assert!(0.0 <= adoption.summary.min && adoption.summary.max <= 1.0);
            prop_assert!(adoption.mean_low <= adoption.summary.mean && adoption.summary.mean <= adoption.mean_high);
            prop_assert_eq!(adoption.histogram.iter().sum::<usize>(), adoption.summary.n);
        }
    }
}

#[test]
fn the_long_table_holds_the_same_figures_and_every_indicator() {
    use crate::analysis::figures::{Indicator, rows, trend_rows};
    use crate::analysis::trend::{Division, TrendWave, trend};
    let (asked, responses) = hand_made();
    let questionnaire = questionnaire();
    let blocks = blocks();
    let input = WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire };
    let indicators = compute(&input);
    let table = rows(&indicators, Some(&Group::Province(code("PV20"))), &|code| code.to_uppercase());
    assert!(table.iter().all(|row| row.group == "provincie:PV20" && row.wave.is_none()));
    let series = trend(&[TrendWave { id: "hand", input }], &crate::register::Register::new(Vec::new()), Division::AsItWas);
    let trend_table = trend_rows(&series, &|id| format!("Meting {id}"), &|code| code.to_uppercase());
    let written: std::collections::BTreeSet<Indicator> = table.iter().chain(&trend_table).map(|row| row.indicator).collect();
    assert_eq!(written, Indicator::ALL.into_iter().collect(), "every indicator has figures in the table");
    let mean = &trend_table[0];
    let point = &series.points[0];
    let adoption = point.adoption.as_ref().unwrap_or_else(|| panic!("three answered"));
    assert_eq!(
        (mean.indicator, mean.group.as_str(), mean.category.as_str()),
        (Indicator::TrendAdoptionMean, "nederland", "zoals_gevraagd")
    );
    assert_eq!((mean.wave.as_deref(), mean.label.as_str(), mean.n, mean.population), (Some("hand"), "Meting hand, zoals gevraagd", 3, 4));
    assert_eq!((mean.value, mean.low, mean.high), (Some(adoption.summary.mean), Some(adoption.mean_low), Some(adoption.mean_high)));
    assert!(close(adoption.summary.mean, 4.0 / 9.0), "one wave compares every block: the wave's own mean");
    let digid = trend_table.iter().find(|r| r.category == "zoals_gevraagd:digid").unwrap_or_else(|| panic!("DigiD's trend"));
    assert_eq!((digid.indicator, digid.count, digid.n, digid.population), (Indicator::TrendBlockInUse, Some(1), 3, 4));
    assert_eq!(digid.label, "DIGID, Meting hand, zoals gevraagd");
    let find = |code: &str, category: &str| {
        let indicator = Indicator::parse(code).unwrap_or_else(|e| panic!("{e}"));
        table.iter().find(|r| r.indicator == indicator && r.category == category).unwrap_or_else(|| panic!("{code} {category}"))
    };
    assert_eq!((find("respons", "").count, find("respons", "").n), (Some(3), 4));
    let digid = find("bouwsteen_in_gebruik", "digid");
    assert_eq!((digid.count, digid.n, digid.population, digid.label.as_str()), (Some(1), 3, 4, "DIGID"));
    assert_eq!(find("bouwsteen_status", "bag:planned").count, Some(1));
    assert!(close(find("adoptie_gemiddelde", "gemiddelde").value.unwrap_or_default(), 4.0 / 9.0));
    assert_eq!(find("adoptie_verdeling", "30").count, Some(2));
    assert_eq!(find("samenwerking_focus", "techniek").count, Some(1));
}

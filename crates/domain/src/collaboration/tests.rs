#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::*;
use crate::questionnaire::Answer;
use crate::register::{Centroid, Organisation};

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn municipality(text: &str, name: &str, valid_to: Option<&str>) -> Organisation {
    Organisation {
        code: code(text),
        name: name.to_owned(),
        province: Some(code("PV23")),
        valid_from: date("2011-01-01"),
        valid_to: valid_to.map(date),
        successors: Vec::new(),
        centroid: Some(Centroid { lat: 52.5, lon: 6.0 }),
        area_km2: None,
    }
}

fn register() -> Vec<Organisation> {
    vec![
        municipality("GM0193", "Zwolle", None),
        municipality("GM0166", "Kampen", None),
        municipality("GM0303", "Dronten", None),
        municipality("GM1900", "Súdwest-Fryslân", None),
        municipality("GM0796", "'s-Hertogenbosch", None),
        municipality("GM0373", "Bergen (NH.)", None),
        municipality("GM0893", "Bergen (L.)", None),
        municipality("GM0148", "Dalfsen", Some("2019-01-01")),
    ]
}

fn collaboration(id: i64, name: &str, members: &[&str]) -> Collaboration {
    Collaboration {
        id,
        name: name.to_owned(),
        members: members.iter().map(|m| code(m)).collect(),
        areas: BTreeSet::from([Area::Technique]),
        source: Source::Team,
        simulated: false,
        revision: 1,
    }
}

fn answer(organisation: &str, lines: &[&str], areas: &[Area]) -> SurveyAnswer {
    SurveyAnswer {
        wave: crate::fieldwork::WaveId::parse("vervolgmeting").unwrap(),
        organisation: code(organisation),
        revision: 3,
        partners: lines.iter().map(|l| (*l).to_owned()).collect(),
        areas: areas.iter().copied().collect(),
    }
}

#[test]
fn names_are_normalised_for_case_accents_punctuation_and_spacing() {
    assert_eq!(normalise("  Súdwest-Fryslân "), "sudwest fryslan");
    assert_eq!(normalise("SUDWEST  FRYSLAN"), "sudwest fryslan");
    assert_eq!(normalise("'s-Hertogenbosch"), "s hertogenbosch");
    assert_eq!(normalise("ICT-samenwerking  Regio (Zwolle)"), "ict samenwerking regio zwolle");
    assert_eq!(normalise("Drechtsteden — ICT"), "drechtsteden ict");
    assert_eq!(normalise(" - "), "");
}

#[test]
fn a_line_finds_the_one_municipality_it_names_on_the_division_of_the_date() {
    let index = MunicipalityIndex::new(&register(), date("2026-01-01"));
    assert_eq!(index.find("Zwolle"), Some(&code("GM0193")));
    assert_eq!(index.find("Gemeente Kampen"), Some(&code("GM0166")));
    assert_eq!(index.find("gemeente súdwest fryslan"), Some(&code("GM1900")));
    assert_eq!(index.find("s-Hertogenbosch"), Some(&code("GM0796")));
    assert_eq!(index.find("Bergen (NH.)"), Some(&code("GM0373")));
    assert_eq!(index.find("Bergen"), None, "two municipalities are called Bergen");
    assert_eq!(index.find("Dalfsen"), None, "Dalfsen no longer exists in 2026");
    assert_eq!(index.find("Regionaal ICT-samenwerkingsverband"), None);
    assert_eq!(MunicipalityIndex::new(&register(), date("2018-01-01")).find("Dalfsen"), Some(&code("GM0148")));
    assert_eq!(index.name(&code("GM0193")), Some("Zwolle"));
}

#[test]
fn an_answer_is_read_from_the_partners_lines_and_the_areas() {
    let wave = crate::fieldwork::WaveId::parse("vervolgmeting").unwrap();
    let mut answers = crate::questionnaire::Answers::new();
    answers.insert(PARTNERS_QUESTION.into(), Answer::Text("Zwolle\n\n  Regionaal ICT-samenwerkingsverband  \n".into()));
    answers.insert(AREAS_QUESTION.into(), Answer::Many(vec!["techniek".into(), "strategie-en-beleid".into(), "onbekend".into()]));
    let read = SurveyAnswer::from_answers(wave.clone(), code("GM0166"), 2, &answers).unwrap();
    assert_eq!(read.partners, ["Zwolle", "Regionaal ICT-samenwerkingsverband"]);
    assert_eq!(read.areas, BTreeSet::from([Area::Technique, Area::Strategy]));
    answers.insert(PARTNERS_QUESTION.into(), Answer::Text(" \n ".into()));
    assert_eq!(SurveyAnswer::from_answers(wave, code("GM0166"), 2, &answers), None, "no partners named, nothing to review");
}

#[test]
fn each_line_proposes_to_join_a_collaboration_to_partner_a_municipality_or_a_new_collaboration() {
    let index = MunicipalityIndex::new(&register(), date("2026-01-01"));
    let register_of =
        [collaboration(7, "ICT-samenwerking regio Zwolle", &["GM0193", "GM0303"]), collaboration(8, "Drechtsteden", &["GM0166"])];
    let lines = ["ict samenwerking Regio  Zwolle", "Drechtsteden", "Gemeente Dronten", "Kampen", "Veiligheidsregio IJsselland"];
    let proposal = propose(answer("GM0166", &lines, &[Area::Technique, Area::Processes]), &index, &register_of);
    let proposed: Vec<&LineProposal> = proposal.lines.iter().map(|(_, p)| p).collect();
    assert_eq!(
        proposed,
        [
            &LineProposal::Join { collaboration: 7, name: "ICT-samenwerking regio Zwolle".into() },
            &LineProposal::AlreadyMember { collaboration: 8, name: "Drechtsteden".into() },
            &LineProposal::Municipality { code: code("GM0303"), name: "Dronten".into() },
            &LineProposal::Itself,
            &LineProposal::New { name: "Veiligheidsregio IJsselland".into() },
        ]
    );
    assert_eq!(proposal.lines[0].0, "ict samenwerking Regio  Zwolle", "the line is kept as typed");
    assert!(proposal.lines[0].1.changes_something() && !proposal.lines[1].1.changes_something());

    let areas = BTreeSet::from([Area::Technique, Area::Processes]);
    let steps = proposal.accept(&BTreeSet::from([0, 1, 2, 4]), "Kampen").unwrap();
    assert_eq!(
        steps,
        [
            Step::Join { collaboration: 7, member: code("GM0166"), areas: areas.clone() },
            Step::Create(CollaborationDraft {
                name: "Veiligheidsregio IJsselland".into(),
                members: BTreeSet::from([code("GM0166")]),
                areas: areas.clone()
            }),
            Step::Create(CollaborationDraft {
                name: "Samenwerking Kampen en Dronten".into(),
                members: BTreeSet::from([code("GM0166"), code("GM0303")]),
                areas
            }),
        ]
    );
    assert_eq!(proposal.accept(&BTreeSet::from([1, 3]), "Kampen").unwrap(), [], "lines that change nothing may be accepted");
}

#[test]
fn accepting_nothing_or_a_line_that_is_not_there_is_refused() {
    let index = MunicipalityIndex::new(&register(), date("2026-01-01"));
    let proposal = propose(answer("GM0166", &["Zwolle", "Dronten"], &[]), &index, &[]);
    assert_eq!(
        proposal.accept(&BTreeSet::new(), "Kampen").unwrap_err(),
        "Kies ten minste één regel om over te nemen, of wijs het antwoord af."
    );
    assert_eq!(proposal.accept(&BTreeSet::from([2]), "Kampen").unwrap_err(), "Regel 3 staat niet in dit antwoord; laad de pagina opnieuw.");
    let steps = proposal.accept(&BTreeSet::from([0, 1]), "Kampen").unwrap();
    assert!(
        matches!(&steps[..], [Step::Create(draft)] if draft.name == "Samenwerking Kampen, Dronten en Zwolle" && draft.members.len() == 3),
        "{steps:?}"
    );
}

#[test]
fn two_lines_with_one_new_name_make_one_collaboration() {
    let proposal = propose(answer("GM0166", &["Shared service center", "shared-service center"], &[]), &MunicipalityIndex::default(), &[]);
    assert_eq!(proposal.accept(&BTreeSet::from([0, 1]), "Kampen").unwrap().len(), 1);
}

fn known() -> BTreeMap<OrgCode, String> {
    register().into_iter().map(|o| (o.code, o.name)).collect()
}

fn form(name: &str, members: &str, areas: &[&str]) -> CollaborationForm {
    CollaborationForm { name: name.into(), members: members.into(), areas: areas.iter().map(|a| (*a).to_owned()).collect() }
}

#[test]
fn a_form_becomes_a_draft_with_codes_in_any_separator_and_case() {
    let draft =
        check_form(&form("  ICT-samenwerking   regio Zwolle ", "gm0193, GM0166\nGM0303;GM0193", &["techniek", ""]), &known()).unwrap();
    assert_eq!(draft.name, "ICT-samenwerking regio Zwolle");
    assert_eq!(draft.members, BTreeSet::from([code("GM0166"), code("GM0193"), code("GM0303")]));
    assert_eq!(draft.areas, BTreeSet::from([Area::Technique]));
}

#[test]
fn bad_input_is_named_per_field_in_dutch() {
    let messages = |form: CollaborationForm| check_form(&form, &known()).unwrap_err().iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(
        messages(form(" ", "", &[])),
        ["Naam: geef de samenwerking een naam.", "Leden: noem ten minste één gemeente, met haar CBS-code (bijvoorbeeld GM0363)."]
    );
    assert_eq!(
        messages(form("Regio", "GM0193 GM9999 Zwolle PV23", &["techniek", "bestuur"])),
        [
            "Leden: GM9999 staat niet in het register.",
            "Leden: ‘Zwolle’ is geen CBS-code; een gemeente is GM met vier cijfers, bijvoorbeeld GM0363.",
            "Leden: PV23 is een provincie; alleen gemeenten zijn lid.",
            "Gebieden: ‘bestuur’ is geen gebied; kies uit de lijst.",
        ]
    );
    assert_eq!(messages(form(&"x".repeat(201), "GM0193", &[])), ["Naam: de naam is langer dan 200 tekens; kort hem in."]);
}

#[test]
fn a_form_reads_its_fields_and_fills_from_a_collaboration() {
    let fields: Vec<(String, String)> =
        [("naam", "Regio"), ("leden", "GM0193"), ("gebied", "techniek"), ("gebied", "strategie-en-beleid"), ("revisie", "2")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
    assert_eq!(CollaborationForm::from_fields(&fields), form("Regio", "GM0193", &["techniek", "strategie-en-beleid"]));
    let stored = collaboration(3, "Regio", &["GM0303", "GM0193"]);
    assert_eq!(CollaborationForm::of(&stored), form("Regio", "GM0193 GM0303", &["techniek"]));
}

#[test]
fn the_network_has_one_edge_per_pair_counting_shared_collaborations() {
    let register_of = [
        collaboration(1, "A", &["GM0193", "GM0166", "GM0303"]),
        collaboration(2, "B", &["GM0166", "GM0193"]),
        collaboration(3, "C", &["GM1900"]),
    ];
    let found = edges(&register_of);
    let pairs: Vec<(&str, &str, usize)> = found.iter().map(|e| (e.from.as_str(), e.to.as_str(), e.shared)).collect();
    assert_eq!(pairs, [("GM0166", "GM0193", 2), ("GM0166", "GM0303", 1), ("GM0193", "GM0303", 1)]);

    let partners = partners(&register_of);
    assert_eq!(partners[&code("GM0166")], BTreeSet::from([code("GM0193"), code("GM0303")]));
    assert_eq!(partners[&code("GM0303")], BTreeSet::from([code("GM0166"), code("GM0193")]));
    assert!(!partners.contains_key(&code("GM1900")), "alone in its collaboration: no partners");
    assert_eq!(partners.len(), 3);
    assert!(edges(&[]).is_empty());
}

#[test]
fn areas_read_and_write_the_questionnaire_codes() {
    for area in Area::ALL {
        assert_eq!(Area::parse(area.code()), Some(area));
    }
    assert_eq!(Area::parse("bestuur"), None);
    assert_eq!(Area::Processes.label_nl(), "Processen en informatiemanagement");
}

#[test]
fn a_collaboration_matches_an_area_and_a_province_of_one_of_its_members() {
    let provinces = BTreeMap::from([(code("GM0193"), code("PV23")), (code("GM0303"), code("PV24"))]);
    let province_of = |member: &OrgCode| provinces.get(member);
    let both = collaboration(1, "A", &["GM0193", "GM0303"]);
    assert!(both.matches(None, None, province_of));
    assert!(both.matches(Some(Area::Technique), Some(&code("PV24")), province_of));
    assert!(!both.matches(Some(Area::Strategy), None, province_of), "it works on technique only");
    assert!(!both.matches(None, Some(&code("PV27")), province_of), "no member in Noord-Holland");
}

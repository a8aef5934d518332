//! The shipped questionnaire of the first wave: it parses, fits the shipped catalogue, and a complete answer set
//! passes while broken ones are told what to fix.

use std::collections::BTreeMap;

use super::*;
use crate::catalogue::parse_catalogue_toml;

const EERSTE_METING: &str = include_str!("../../../../data/questionnaires/eerste-meting-2010.toml");
const NUP_2008: &str = include_str!("../../../../data/catalogues/nup-2008.toml");

fn shipped() -> (Questionnaire, Catalogue) {
    let questionnaire = parse_questionnaire_toml(EERSTE_METING, "eerste-meting-2010.toml").unwrap_or_else(|errors| {
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("the shipped questionnaire does not parse:\n{}", messages.join("\n"))
    });
    let catalogue = parse_catalogue_toml(NUP_2008, "nup-2008.toml").unwrap();
    (questionnaire, catalogue)
}

fn text(value: &str) -> Answer {
    Answer::Text(value.to_owned())
}

fn many(values: &[&str]) -> Answer {
    Answer::Many(values.iter().map(|value| (*value).to_owned()).collect())
}

/// A municipality that answered everything it was shown: every block has a status, some need support.
fn complete(catalogue: &Catalogue) -> Answers {
    let blocks: BTreeMap<String, BlockAnswer> = catalogue
        .blocks
        .iter()
        .enumerate()
        .map(|(index, block)| {
            let status = BlockStatus::ALL[index % BlockStatus::ALL.len()];
            let support_needed = Some(index % 3 == 0);
            let support_forms = if index % 3 == 0 { [SupportForm::RegionalMeetings].into() } else { Default::default() };
            (block.code.clone(), BlockAnswer { status: Some(status), support_needed, support_forms })
        })
        .collect();
    [
        ("leading_theme", text("dienstverlening")),
        ("blocks", Answer::Matrix(blocks)),
        ("collective_support", text("ja")),
        ("support_remarks", text("Graag een regionale bijeenkomst over Digikoppeling.")),
        ("collaborates", text("ja")),
        ("partners", text("Gemeente Weesp\nGemeente Diemen")),
        ("collaboration_areas", many(&["techniek", "strategie-en-beleid"])),
        ("future_collaboration", text("ja")),
        ("future_collaboration_focus", many(&["techniek"])),
        ("satisfaction", Answer::Number(4.0)),
        ("ict_staff", Answer::Number(12.0)),
        ("contact_name", text("J. de Vries")),
        ("contact_role", text("e-coördinator")),
        ("contact_email", text("j.devries@gemeente.nl")),
        ("contact_phone", text("020 123 4567")),
    ]
    .into_iter()
    .map(|(name, answer)| (name.to_owned(), answer))
    .collect()
}

fn messages(errors: &[FieldError]) -> Vec<(String, Option<String>, String)> {
    errors.iter().map(|e| (e.question.clone(), e.block.clone(), e.message.clone())).collect()
}

fn error(question: &str, block: Option<&str>, message: &str) -> (String, Option<String>, String) {
    (question.to_owned(), block.map(str::to_owned), message.to_owned())
}

#[test]
fn the_first_wave_questionnaire_covers_every_headline_figure() {
    let (questionnaire, catalogue) = shipped();
    assert_eq!(questionnaire.id, "eerste-meting-2010");
    assert_eq!(questionnaire.version, "1");
    assert_eq!(questionnaire.check_catalogue(&catalogue), Ok(()));
    assert_eq!(catalogue.size(), 18);
    assert_eq!(
        questionnaire.pages().iter().map(|page| page.name.as_str()).collect::<Vec<_>>(),
        ["thema", "bouwstenen", "ondersteuning", "samenwerking", "contact"]
    );
    let theme = questionnaire.question("leading_theme").unwrap();
    assert!(theme.required && theme.choice("dienstverlening").is_some() && theme.choice("bedrijfsvoering").is_some());
    let matrix = questionnaire.question("blocks").unwrap();
    assert_eq!((matrix.question_type(), matrix.required), (QuestionType::BlockMatrix, true));
    assert_eq!(questionnaire.block_matrices().count(), 1);
    assert_eq!(questionnaire.question("collective_support").unwrap().choices().len(), 2);
    let areas = ["techniek", "processen-en-informatiemanagement", "strategie-en-beleid"];
    for name in ["collaboration_areas", "future_collaboration_focus"] {
        let codes: Vec<&str> = questionnaire.question(name).unwrap().choices().iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, areas, "{name}");
    }
    assert_eq!(questionnaire.question("satisfaction").unwrap().question_type(), QuestionType::Scale);
    let Some(QuestionKind::Number { min: Some(0.0), max: Some(10000.0), integer: true }) =
        questionnaire.question("ict_staff").map(|q| q.kind.clone())
    else {
        panic!("ict_staff is an integer from 0 to 10000");
    };
    let email = questionnaire.question("contact_email").unwrap();
    assert!(email.required && matches!(email.kind, QuestionKind::ShortText { format: Some(TextFormat::Email), .. }));
    for question in questionnaire.questions() {
        assert!(!question.text.nl.is_empty() && !question.text.en.is_empty(), "{}", question.name);
    }
}

#[test]
fn only_where_a_municipality_stands_is_public_never_a_person_or_a_free_text() {
    let (questionnaire, _) = shipped();
    let public: Vec<&str> = questionnaire.questions().filter(|q| q.public).map(|q| q.name.as_str()).collect();
    assert_eq!(
        public,
        [
            "leading_theme",
            "blocks",
            "collective_support",
            "collaborates",
            "collaboration_areas",
            "future_collaboration",
            "future_collaboration_focus"
        ]
    );
    for question in questionnaire.questions().filter(|q| q.public) {
        let kind = question.question_type();
        assert!(kind != QuestionType::ShortText && kind != QuestionType::LongText, "{} is a free text", question.name);
    }
}

#[test]
fn a_complete_answer_set_passes_and_is_kept_whole() {
    let (questionnaire, catalogue) = shipped();
    let answers = complete(&catalogue);
    assert_eq!(questionnaire.validate_all(&answers, &catalogue), []);
    assert_eq!(questionnaire.without_hidden(&answers), answers);
}

#[test]
fn broken_answers_are_told_in_dutch_what_to_fix() {
    let (questionnaire, catalogue) = shipped();
    let mut answers = complete(&catalogue);
    answers.remove("leading_theme");
    answers.insert("ict_staff".to_owned(), text("twaalf"));
    answers.insert("satisfaction".to_owned(), Answer::Number(7.0));
    answers.insert("contact_email".to_owned(), text("j.devries"));
    answers.insert("collaboration_areas".to_owned(), many(&["techniek", "catering"]));
    let Some(Answer::Matrix(blocks)) = answers.get_mut("blocks") else { panic!("the matrix") };
    blocks.remove("digid");
    blocks.insert("digipoort".to_owned(), BlockAnswer { status: Some(BlockStatus::InUse), ..BlockAnswer::default() });
    if let Some(bsn) = blocks.get_mut("bsn") {
        *bsn = BlockAnswer { status: Some(BlockStatus::Planned), support_needed: None, support_forms: [SupportForm::KnowledgeBase].into() };
    }
    let found = messages(&questionnaire.validate_all(&answers, &catalogue));
    assert_eq!(
        found,
        [
            error("leading_theme", None, "Kies een antwoord."),
            error("blocks", Some("digipoort"), "De bouwsteen 'digipoort' hoort niet bij deze vragenlijst; laat deze rij leeg."),
            error("blocks", Some("digid"), "Kies een status voor DigiD."),
            error(
                "blocks",
                Some("bsn"),
                "Geef aan of uw gemeente ondersteuning nodig heeft bij BSN; u hebt wel een vorm van ondersteuning gekozen."
            ),
            error("collaboration_areas", None, "Kies alleen uit de gegeven antwoorden."),
            error("satisfaction", None, "Kies een waarde van 1 tot en met 5."),
            error("ict_staff", None, "Vul een heel getal in, bijvoorbeeld 12."),
            error("contact_email", None, "Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."),
        ]
    );
    let thema = messages(&questionnaire.validate_page(0, &answers, &catalogue));
    assert_eq!(thema, [error("leading_theme", None, "Kies een antwoord.")]);
}

#[test]
fn hidden_questions_are_not_required_and_their_answers_are_dropped() {
    let (questionnaire, catalogue) = shipped();
    let mut answers = complete(&catalogue);
    answers.insert("collaborates".to_owned(), text("nee"));
    answers.remove("collaboration_areas");
    answers.insert("future_collaboration".to_owned(), text("nee"));
    assert!(!questionnaire.is_shown("partners", &answers));
    assert!(!questionnaire.is_shown("collaboration_areas", &answers));
    assert!(questionnaire.is_shown("future_collaboration", &answers));
    assert_eq!(questionnaire.validate_all(&answers, &catalogue), []);
    let kept = questionnaire.without_hidden(&answers);
    assert!(!kept.contains_key("partners") && !kept.contains_key("future_collaboration_focus"));
    assert_eq!(kept.get("collaborates"), Some(&text("nee")));

    answers.insert("collaborates".to_owned(), text("ja"));
    let found = messages(&questionnaire.validate_page(3, &answers, &catalogue));
    assert_eq!(found, [error("collaboration_areas", None, "Kies minstens 1 antwoord.")]);
}

#[test]
fn required_fields_left_empty_are_named() {
    let (questionnaire, catalogue) = shipped();
    let found = messages(&questionnaire.validate_all(&Answers::new(), &catalogue));
    assert!(found.contains(&error("blocks", Some("digikoppeling"), "Kies een status voor Digikoppeling (Overheidsservicebus, OSB).")));
    assert_eq!(found.iter().filter(|(question, _, _)| question == "blocks").count(), 18);
    assert!(found.contains(&error("collective_support", None, "Kies een antwoord.")));
    assert!(found.contains(&error("contact_name", None, "Vul dit veld in.")));
    assert!(found.contains(&error("contact_email", None, "Vul een e-mailadres in, bijvoorbeeld naam@gemeente.nl.")));
    assert!(!found.iter().any(|(question, _, _)| question == "collaboration_areas"), "hidden while collaborates is open");
}

#[test]
fn support_forms_without_need_are_ignored_and_not_kept() {
    let (questionnaire, catalogue) = shipped();
    let mut answers = complete(&catalogue);
    let Some(Answer::Matrix(blocks)) = answers.get_mut("blocks") else { panic!("the matrix") };
    let bsn = blocks.entry("bsn".to_owned()).or_default();
    bsn.support_needed = Some(false);
    bsn.support_forms = [SupportForm::OnSiteHelp].into();
    assert_eq!(questionnaire.validate_all(&answers, &catalogue), []);
    let kept = questionnaire.without_hidden(&answers);
    let Some(Answer::Matrix(blocks)) = kept.get("blocks") else { panic!("the matrix") };
    assert!(blocks["bsn"].support_forms.is_empty());
    assert_eq!(blocks["bsn"].support_needed, Some(false));
}

#[test]
fn a_long_text_and_too_many_characters_are_counted_in_characters() {
    let (questionnaire, catalogue) = shipped();
    let mut answers = complete(&catalogue);
    answers.insert("contact_phone".to_owned(), text(&"é".repeat(31)));
    let found = messages(&questionnaire.validate_page(4, &answers, &catalogue));
    assert_eq!(found, [error("contact_phone", None, "Gebruik hoogstens 30 tekens; het zijn er nu 31.")]);
    answers.insert("contact_phone".to_owned(), text(&"é".repeat(30)));
    assert_eq!(questionnaire.validate_page(4, &answers, &catalogue), []);
}

#[test]
fn a_questionnaire_for_another_catalogue_is_told_so() {
    let (questionnaire, mut catalogue) = shipped();
    catalogue.id = "inup-2011".to_owned();
    catalogue.version = "2011".to_owned();
    assert_eq!(
        questionnaire.check_catalogue(&catalogue),
        Err("questionnaire eerste-meting-2010 is written for catalogue nup-2008, not for catalogue inup-2011 (version 2011)".to_owned())
    );
}

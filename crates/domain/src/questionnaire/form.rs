//! From HTML form fields to answers. The field names are made here, by the same functions the templates use, so
//! the two cannot drift apart.
//!
//! A simple question's field is named after the question (repeated for a multiple choice); the block matrix has
//! three fields per block: `<question>.<block>.status`, `.support` ("yes" or "no") and `.forms` (repeated).

use std::collections::BTreeMap;

use super::{Answer, Answers, BlockAnswer, BlockStatus, QuestionKind, Questionnaire, SupportForm};

pub const SUPPORT_YES: &str = "yes";
pub const SUPPORT_NO: &str = "no";

/// The three parts of one row of the block matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatrixPart {
    Status,
    Support,
    Forms,
}

impl MatrixPart {
    pub fn code(self) -> &'static str {
        match self {
            MatrixPart::Status => "status",
            MatrixPart::Support => "support",
            MatrixPart::Forms => "forms",
        }
    }
}

/// The name of a form field in the block matrix. Question names have no dots and block codes are slugs, so the
/// name is unambiguous.
pub fn matrix_field(question: &str, block: &str, part: MatrixPart) -> String {
    format!("{question}.{block}.{}", part.code())
}

/// Reads a number as a Dutch respondent may type it: "12", "12,5", "1.250" or "1.250,5" (a dot followed by groups
/// of three digits is a thousands separator), and also "12.5". Anything else, including "NaN" and "inf", is not a
/// number.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',') {
        return None;
    }
    let grouped = |whole: &str| {
        let mut groups = whole.split('.');
        let first_fits = groups.next().is_some_and(|first| (1..=3).contains(&first.len()));
        first_fits && groups.all(|group| group.len() == 3)
    };
    let plain = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let normalised = match digits.split_once(',') {
        Some((whole, fraction)) => {
            let whole_fits = plain(whole) || (whole.contains('.') && grouped(whole));
            if !whole_fits || !plain(fraction) {
                return None;
            }
            format!("{}.{fraction}", whole.replace('.', ""))
        }
        None => match digits.split_once('.') {
            None => digits.to_owned(),
            // "0.250" can only be a decimal point; "1.250" is read the Dutch way, as a thousand and more.
            Some(_) if grouped(digits) && !digits.starts_with("0.") => digits.replace('.', ""),
            Some((whole, fraction)) if plain(whole) && plain(fraction) => digits.to_owned(),
            Some(_) => return None,
        },
    };
    format!("{sign}{normalised}").parse::<f64>().ok().filter(|number| number.is_finite())
}

impl Questionnaire {
    /// The answers given on one page, from its form fields. An empty field is no answer; what was typed is kept
    /// trimmed, even when it is not valid (validation says so). Fields of other pages are ignored, and so are matrix
    /// values that no form offers (a status or form code that does not exist).
    pub fn answers_from_form(&self, page_index: usize, fields: &[(String, String)], catalogue_block_codes: &[String]) -> Answers {
        let mut answers = Answers::new();
        let Some(page) = self.pages.get(page_index) else { return answers };
        let values = |name: &str| -> Vec<String> {
            fields.iter().filter(|(field, _)| field == name).map(|(_, value)| normalise(value)).filter(|value| !value.is_empty()).collect()
        };
        for question in &page.questions {
            let answer = match &question.kind {
                QuestionKind::SingleChoice { .. } | QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
                    values(&question.name).into_iter().next().map(Answer::Text)
                }
                QuestionKind::MultipleChoice { .. } => {
                    let mut codes: Vec<String> = Vec::new();
                    for code in values(&question.name) {
                        if !codes.contains(&code) {
                            codes.push(code);
                        }
                    }
                    (!codes.is_empty()).then_some(Answer::Many(codes))
                }
                QuestionKind::Scale { .. } | QuestionKind::Number { .. } => {
                    values(&question.name).into_iter().next().map(|typed| parse_number(&typed).map_or(Answer::Text(typed), Answer::Number))
                }
                QuestionKind::BlockMatrix { .. } => {
                    let mut blocks = BTreeMap::new();
                    for block in catalogue_block_codes {
                        let field = |part| values(&matrix_field(&question.name, block, part));
                        let answer = BlockAnswer {
                            status: field(MatrixPart::Status).first().and_then(|code| BlockStatus::from_code(code)),
                            support_needed: field(MatrixPart::Support).first().and_then(|value| match value.as_str() {
                                SUPPORT_YES => Some(true),
                                SUPPORT_NO => Some(false),
                                _ => None,
                            }),
                            support_forms: field(MatrixPart::Forms).iter().filter_map(|code| SupportForm::from_code(code)).collect(),
                        };
                        if !answer.is_empty() {
                            blocks.insert(block.clone(), answer);
                        }
                    }
                    (!blocks.is_empty()).then_some(Answer::Matrix(blocks))
                }
            };
            if let Some(answer) = answer {
                answers.insert(question.name.clone(), answer);
            }
        }
        answers
    }
}

/// Browsers send line breaks as CRLF; keep one kind, so that a text's length is what the respondent sees.
fn normalise(value: &str) -> String {
    value.replace("\r\n", "\n").replace('\r', "\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::parse_questionnaire_toml;

    #[test]
    fn numbers_are_read_as_dutch_respondents_type_them() {
        for (typed, number) in [
            ("12", 12.0),
            (" 12 ", 12.0),
            ("12,5", 12.5),
            ("12.5", 12.5),
            ("1.250", 1250.0),
            ("1.250,5", 1250.5),
            ("1.250.000", 1_250_000.0),
            ("-3", -3.0),
            ("0.250", 0.25),
        ] {
            assert_eq!(parse_number(typed), Some(number), "{typed}");
        }
        for typed in ["", "twaalf", "12,5,1", "1.25.0", "NaN", "inf", ",5", "5,", "12.", "1,2.5", "--1", "1e5", "1 250"] {
            assert_eq!(parse_number(typed), None, "{typed}");
        }
    }

    const FORM: &str = r#"id = "formulier"
version = "1"
catalogue = "nup-2008"
title = { nl = "Formulier", en = "Form" }

[[pages]]
name = "een"
title = { nl = "Een", en = "One" }

[[pages.questions]]
name = "theme"
type = "single_choice"
text = { nl = "Thema?", en = "Theme?" }
choices = [{ code = "a", nl = "A", en = "A" }, { code = "b", nl = "B", en = "B" }]

[[pages.questions]]
name = "areas"
type = "multiple_choice"
text = { nl = "Gebieden?", en = "Areas?" }
choices = [{ code = "a", nl = "A", en = "A" }, { code = "b", nl = "B", en = "B" }]

[[pages.questions]]
name = "staff"
type = "number"
text = { nl = "Hoeveel?", en = "How many?" }

[[pages.questions]]
name = "remarks"
type = "long_text"
text = { nl = "Opmerkingen?", en = "Remarks?" }

[[pages.questions]]
name = "blocks"
type = "block_matrix"
text = { nl = "Bouwstenen?", en = "Blocks?" }

[[pages]]
name = "twee"
title = { nl = "Twee", en = "Two" }

[[pages.questions]]
name = "contact"
type = "short_text"
text = { nl = "Naam?", en = "Name?" }
"#;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
    }

    #[test]
    fn form_fields_become_answers_and_empty_fields_none() {
        let questionnaire = parse_questionnaire_toml(FORM, "form.toml").unwrap();
        let blocks = vec!["digid".to_owned(), "bsn".to_owned(), "bag".to_owned()];
        let given = fields(&[
            ("theme", "b"),
            ("areas", "a"),
            ("areas", "b"),
            ("areas", "a"),
            ("staff", "twaalf "),
            ("remarks", " een\r\ntwee "),
            ("contact", "ignored: another page"),
            ("blocks.digid.status", "in_use"),
            ("blocks.digid.support", "yes"),
            ("blocks.digid.forms", "knowledge_base"),
            ("blocks.digid.forms", "on_site_help"),
            ("blocks.bsn.status", ""),
            ("blocks.bsn.support", "no"),
            ("blocks.bag.status", ""),
            ("blocks.gba.status", "in_use"),
        ]);
        let answers = questionnaire.answers_from_form(0, &given, &blocks);
        assert_eq!(answers.get("theme"), Some(&Answer::Text("b".to_owned())));
        assert_eq!(answers.get("areas"), Some(&Answer::Many(vec!["a".to_owned(), "b".to_owned()])));
        assert_eq!(answers.get("staff"), Some(&Answer::Text("twaalf".to_owned())));
        assert_eq!(answers.get("remarks"), Some(&Answer::Text("een\ntwee".to_owned())));
        assert_eq!(answers.get("contact"), None);
        let Some(Answer::Matrix(matrix)) = answers.get("blocks") else { panic!("{answers:?}") };
        assert_eq!(matrix.keys().collect::<Vec<_>>(), ["bsn", "digid"]);
        assert_eq!(matrix["digid"].status, Some(BlockStatus::InUse));
        assert_eq!(matrix["digid"].support_needed, Some(true));
        assert_eq!(matrix["digid"].support_forms, [SupportForm::KnowledgeBase, SupportForm::OnSiteHelp].into());
        assert_eq!(matrix["bsn"], BlockAnswer { support_needed: Some(false), ..BlockAnswer::default() });

        let typed = questionnaire.answers_from_form(0, &fields(&[("staff", "12,5"), ("theme", " ")]), &blocks);
        assert_eq!(typed, [("staff".to_owned(), Answer::Number(12.5))].into());
        assert!(questionnaire.answers_from_form(7, &given, &blocks).is_empty());
    }

    #[test]
    fn a_page_replaces_only_its_own_answers() {
        let questionnaire = parse_questionnaire_toml(FORM, "form.toml").unwrap();
        let mut stored: Answers =
            [("theme".to_owned(), Answer::Text("a".to_owned())), ("contact".to_owned(), Answer::Text("Jan".to_owned()))].into();
        let page = questionnaire.answers_from_form(0, &fields(&[("staff", "3")]), &[]);
        questionnaire.merge_page(0, &mut stored, page);
        assert_eq!(stored, [("staff".to_owned(), Answer::Number(3.0)), ("contact".to_owned(), Answer::Text("Jan".to_owned()))].into());
    }

    #[test]
    fn matrix_field_names_are_question_block_part() {
        assert_eq!(matrix_field("blocks", "digid-machtigen", MatrixPart::Forms), "blocks.digid-machtigen.forms");
        assert_eq!(matrix_field("blocks", "bsn", MatrixPart::Support), "blocks.bsn.support");
    }
}

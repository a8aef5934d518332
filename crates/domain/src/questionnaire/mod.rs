//! Questionnaires: defined as TOML files under version control, checked with errors that name the line and the
//! field, in Dutch and English. Pages of questions of seven types, one of which is the building-block matrix over
//! the catalogue of the wave. Conditions (`show_if`) hide questions; a hidden question is never required and its
//! answer is not kept. Every response records the questionnaire version it answered.

mod answer;
mod check;
mod file;
mod form;
mod validate;

pub use answer::{Answer, Answers, BlockAnswer, BlockStatus, SupportForm};
pub use file::{QuestionnaireError, parse_questionnaire_toml};
pub use form::{MatrixPart, SUPPORT_NO, SUPPORT_YES, matrix_field, parse_number};
pub use validate::FieldError;

use serde::Serialize;

use crate::catalogue::Catalogue;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Questionnaire {
    /// Stable identifier, e.g. `eerste-meting-2010`.
    pub id: String,
    /// Recorded with every response, so that an answer can be read with the questions it answered.
    pub version: String,
    /// The id of the catalogue whose blocks are the rows of the block matrix.
    pub catalogue: String,
    pub title: Bilingual,
    pub introduction: Option<Bilingual>,
    pub pages: Vec<Page>,
}

/// A text in Dutch (the site's first language) and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub nl: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Page {
    pub name: String,
    pub title: Bilingual,
    pub introduction: Option<Bilingual>,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Question {
    /// Unique in the questionnaire; the key of its answer and of its form field.
    pub name: String,
    pub text: Bilingual,
    pub help: Option<Bilingual>,
    pub required: bool,
    /// Whether the answers to this question are published per organisation once the wave is published (the open
    /// data of a wave's answers and the API). False unless the file says `public = true`; contact details and free
    /// texts, which can name people, stay private.
    pub public: bool,
    pub kind: QuestionKind,
    pub show_if: Option<Condition>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    SingleChoice {
        choices: Vec<Choice>,
    },
    MultipleChoice {
        choices: Vec<Choice>,
        min_choices: Option<usize>,
        max_choices: Option<usize>,
    },
    Scale {
        min: i64,
        max: i64,
        min_label: Option<Bilingual>,
        max_label: Option<Bilingual>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    ShortText {
        max_length: usize,
        format: Option<TextFormat>,
    },
    LongText {
        max_length: usize,
    },
    /// Rows are the blocks of the catalogue: status, support need and support forms per block.
    BlockMatrix {
        /// Whether every block needs an answer to "is support needed" (when the matrix is required).
        support_required: bool,
    },
}

/// The seven question types, by the name the file uses for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    SingleChoice,
    MultipleChoice,
    Scale,
    Number,
    ShortText,
    LongText,
    BlockMatrix,
}

impl QuestionType {
    pub const ALL: [QuestionType; 7] = [
        QuestionType::SingleChoice,
        QuestionType::MultipleChoice,
        QuestionType::Scale,
        QuestionType::Number,
        QuestionType::ShortText,
        QuestionType::LongText,
        QuestionType::BlockMatrix,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuestionType::SingleChoice => "single_choice",
            QuestionType::MultipleChoice => "multiple_choice",
            QuestionType::Scale => "scale",
            QuestionType::Number => "number",
            QuestionType::ShortText => "short_text",
            QuestionType::LongText => "long_text",
            QuestionType::BlockMatrix => "block_matrix",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    pub fn is_choice(self) -> bool {
        matches!(self, QuestionType::SingleChoice | QuestionType::MultipleChoice)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// A slug, stored as the answer.
    pub code: String,
    pub label: Bilingual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    Email,
}

/// `show_if`: the question is shown only when this holds for the answer to another question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub question: String,
    pub test: ConditionTest,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionTest {
    /// The answer is this code; for a multiple choice, the answer includes it.
    Equals(String),
    /// The answer is (or, for a multiple choice, includes) one of these codes.
    AnyOf(Vec<String>),
    /// The question has an answer (`true`) or has none (`false`).
    Answered(bool),
}

impl Condition {
    /// Whether the condition holds for the target's answer, leaving aside whether the target itself is shown.
    pub fn holds(&self, answer: Option<&Answer>) -> bool {
        let answer = answer.filter(|answer| !answer.is_empty());
        match &self.test {
            ConditionTest::Equals(code) => answer.is_some_and(|answer| answer.codes().contains(&code.as_str())),
            ConditionTest::AnyOf(codes) => answer.is_some_and(|answer| answer.codes().iter().any(|given| codes.iter().any(|c| c == given))),
            ConditionTest::Answered(answered) => answer.is_some() == *answered,
        }
    }
}

impl Question {
    pub fn question_type(&self) -> QuestionType {
        match self.kind {
            QuestionKind::SingleChoice { .. } => QuestionType::SingleChoice,
            QuestionKind::MultipleChoice { .. } => QuestionType::MultipleChoice,
            QuestionKind::Scale { .. } => QuestionType::Scale,
            QuestionKind::Number { .. } => QuestionType::Number,
            QuestionKind::ShortText { .. } => QuestionType::ShortText,
            QuestionKind::LongText { .. } => QuestionType::LongText,
            QuestionKind::BlockMatrix { .. } => QuestionType::BlockMatrix,
        }
    }

    /// The choices of a choice question; empty for every other type.
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => choices,
            _ => &[],
        }
    }

    pub fn choice(&self, code: &str) -> Option<&Choice> {
        self.choices().iter().find(|choice| choice.code == code)
    }
}

impl Questionnaire {
    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// Every question, page by page, in the order of the file.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|page| &page.questions)
    }

    pub fn question(&self, name: &str) -> Option<&Question> {
        self.questions().find(|question| question.name == name)
    }

    /// The index of the page that holds the question.
    pub fn page_of(&self, name: &str) -> Option<usize> {
        self.pages.iter().position(|page| page.questions.iter().any(|question| question.name == name))
    }

    pub fn block_matrices(&self) -> impl Iterator<Item = &Question> {
        self.questions().filter(|question| question.question_type() == QuestionType::BlockMatrix)
    }

    /// Whether the question is shown given these answers: its condition holds, and so on up the chain, since a
    /// question that depends on a hidden one is hidden too. An unknown name is not shown.
    pub fn is_shown(&self, name: &str, answers: &Answers) -> bool {
        let Some(mut current) = self.question(name) else { return false };
        // Parsing refuses cycles; the bound only keeps a hand-built questionnaire from looping forever.
        for _ in 0..=self.questions().count() {
            let Some(condition) = &current.show_if else { return true };
            let Some(target) = self.question(&condition.question) else { return false };
            if !condition.holds(answers.get(&target.name)) {
                return false;
            }
            current = target;
        }
        false
    }

    /// The answers to keep on submission: those of shown questions, without blank ones, and in the block matrix
    /// without support forms where support is not needed (the form leaves those boxes ticked when a respondent
    /// changes their mind, and analysis must not count them). Answers to names not in the questionnaire go too.
    pub fn without_hidden(&self, answers: &Answers) -> Answers {
        let mut kept = Answers::new();
        for question in self.questions() {
            let Some(answer) = answers.get(&question.name) else { continue };
            if answer.is_empty() || !self.is_shown(&question.name, answers) {
                continue;
            }
            let answer = match answer {
                Answer::Matrix(blocks) => Answer::Matrix(
                    blocks
                        .iter()
                        .map(|(code, block)| {
                            let mut block = block.clone();
                            if block.support_needed != Some(true) {
                                block.support_forms.clear();
                            }
                            (code.clone(), block)
                        })
                        .filter(|(_, block)| !block.is_empty())
                        .collect(),
                ),
                other => other.clone(),
            };
            kept.insert(question.name.clone(), answer);
        }
        kept
    }

    /// Replaces the answers to one page's questions with those just given for it (from `answers_from_form`): a
    /// field left empty clears the answer it had.
    pub fn merge_page(&self, page_index: usize, stored: &mut Answers, page_answers: Answers) {
        if let Some(page) = self.pages.get(page_index) {
            for question in &page.questions {
                stored.remove(&question.name);
            }
        }
        stored.extend(page_answers);
    }

    /// Whether the block matrix is written for this catalogue. The message is for the monitor team.
    pub fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String> {
        if self.catalogue == catalogue.id {
            Ok(())
        } else {
            Err(format!(
                "questionnaire {} is written for catalogue {}, not for catalogue {} (version {})",
                self.id, self.catalogue, catalogue.id, catalogue.version
            ))
        }
    }
}

#[cfg(test)]
mod shipped_questionnaire_tests;

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN: &str = r#"id = "keten"
version = "1"
catalogue = "nup-2008"
title = { nl = "Keten", en = "Chain" }

[[pages]]
name = "een"
title = { nl = "Een", en = "One" }

[[pages.questions]]
name = "areas"
type = "multiple_choice"
text = { nl = "Gebieden?", en = "Areas?" }
choices = [{ code = "a", nl = "A", en = "A" }, { code = "b", nl = "B", en = "B" }, { code = "c", nl = "C", en = "C" }]

[[pages.questions]]
name = "about_b"
type = "short_text"
text = { nl = "Over B?", en = "About B?" }
show_if = { question = "areas", equals = "b" }

[[pages.questions]]
name = "more_about_b"
type = "long_text"
required = true
text = { nl = "Meer?", en = "More?" }
show_if = { question = "about_b", answered = true }

[[pages.questions]]
name = "a_or_c"
type = "number"
text = { nl = "Hoeveel?", en = "How many?" }
show_if = { question = "areas", any_of = ["a", "c"] }

[[pages.questions]]
name = "nothing_chosen"
type = "short_text"
text = { nl = "Waarom niet?", en = "Why not?" }
show_if = { question = "areas", answered = false }
"#;

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs.iter().map(|(name, answer)| ((*name).to_owned(), answer.clone())).collect()
    }

    #[test]
    fn conditions_on_a_multiple_choice_test_inclusion_and_follow_the_chain() {
        let questionnaire = parse_questionnaire_toml(CHAIN, "keten.toml").unwrap();
        let chosen = |codes: &[&str]| Answer::Many(codes.iter().map(|code| (*code).to_owned()).collect());
        let shown = |given: &Answers| -> Vec<&str> {
            questionnaire.questions().filter(|q| questionnaire.is_shown(&q.name, given)).map(|q| q.name.as_str()).collect()
        };
        assert_eq!(shown(&Answers::new()), ["areas", "nothing_chosen"]);
        assert_eq!(shown(&answers(&[("areas", chosen(&["b"]))])), ["areas", "about_b"]);
        let with_text = answers(&[("areas", chosen(&["a", "b"])), ("about_b", Answer::Text("x".to_owned()))]);
        assert_eq!(shown(&with_text), ["areas", "about_b", "more_about_b", "a_or_c"]);
        // about_b still holds text, but it is hidden once b is no longer chosen, and so is what depends on it.
        let b_dropped = answers(&[("areas", chosen(&["c"])), ("about_b", Answer::Text("x".to_owned()))]);
        assert_eq!(shown(&b_dropped), ["areas", "a_or_c"]);
        assert!(!questionnaire.is_shown("no_such_question", &b_dropped));
        assert_eq!(questionnaire.without_hidden(&b_dropped), answers(&[("areas", chosen(&["c"]))]));
    }

    #[test]
    fn the_codebook_can_list_every_question_with_its_type_and_choices() {
        let questionnaire = parse_questionnaire_toml(CHAIN, "keten.toml").unwrap();
        let types: Vec<(&str, &str, usize)> =
            questionnaire.questions().map(|q| (q.name.as_str(), q.question_type().code(), q.choices().len())).collect();
        assert_eq!(
            types,
            [
                ("areas", "multiple_choice", 3),
                ("about_b", "short_text", 0),
                ("more_about_b", "long_text", 0),
                ("a_or_c", "number", 0),
                ("nothing_chosen", "short_text", 0)
            ]
        );
        assert_eq!(questionnaire.page_of("a_or_c"), Some(0));
        assert_eq!(questionnaire.question("areas").and_then(|q| q.choice("b")).map(|c| c.label.en.as_str()), Some("B"));
        let json = serde_json::to_value(&questionnaire).unwrap();
        assert_eq!(json["pages"][0]["questions"][0]["kind"]["type"], "multiple_choice");
    }
}

//! What a template needs to draw a question, its answer and its error: every label, value and id worked out here,
//! so that the templates only place them.

use domain::catalogue::Catalogue;
use domain::questionnaire::{
    Answer, Answers, BlockAnswer, BlockStatus, ConditionTest, FieldError, MatrixPart, Question, QuestionKind, Questionnaire, SUPPORT_NO,
    SUPPORT_YES, SupportForm, TextFormat, matrix_field,
};

/// One option of a group of radio buttons or check boxes.
pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub enum Input {
    Radios(Vec<OptionView>),
    Checkboxes(Vec<OptionView>),
    Number { value: String, integer: bool },
    ShortText { value: String, max_length: usize, email: bool },
    LongText { value: String, max_length: usize },
    Matrix(Vec<MatrixRow>),
}

pub struct MatrixRow {
    pub id: String,
    pub name: String,
    pub group: String,
    pub status_field: String,
    pub statuses: Vec<OptionView>,
    pub support_field: String,
    pub support: Vec<OptionView>,
    pub forms_field: String,
    pub forms: Vec<OptionView>,
    pub error: Option<String>,
}

pub struct QuestionView {
    pub name: String,
    /// The id of the input (or of the first option), which error links point to.
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub required: bool,
    /// When the question depends on another one on the same page, which cannot be hidden without script.
    pub condition: Option<String>,
    pub error: Option<String>,
    pub input: Input,
}

impl QuestionView {
    /// The ids that describe the input: its help and its error, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() || self.condition.is_some() {
            ids.push(format!("hulp-{}", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("fout-{}", self.name));
        }
        ids.join(" ")
    }
}

/// An error as the summary at the top of a page lists it: a link to the field and the message.
pub struct ErrorLink {
    pub href: String,
    pub text: String,
}

/// The questions of one page as the form shows them. Questions whose condition depends on an earlier page are left
/// out when hidden; those depending on the same page are shown with a note, because the page has no script.
pub fn page_questions(
    questionnaire: &Questionnaire,
    page_index: usize,
    answers: &Answers,
    errors: &[FieldError],
    catalogue: &Catalogue,
) -> Vec<QuestionView> {
    let Some(page) = questionnaire.pages().get(page_index) else { return Vec::new() };
    let on_this_page = |name: &str| page.questions.iter().any(|q| q.name == name);
    page.questions
        .iter()
        .filter(|question| match &question.show_if {
            Some(condition) if on_this_page(&condition.question) => true,
            _ => questionnaire.is_shown(&question.name, answers),
        })
        .map(|question| {
            let condition = question.show_if.as_ref().filter(|c| on_this_page(&c.question)).map(|c| condition_note(questionnaire, c));
            question_view(question, answers.get(&question.name), errors, catalogue, condition)
        })
        .collect()
}

fn condition_note(questionnaire: &Questionnaire, condition: &domain::questionnaire::Condition) -> String {
    let Some(target) = questionnaire.question(&condition.question) else { return String::new() };
    let label = |code: &str| target.choice(code).map_or_else(|| code.to_owned(), |choice| choice.label.nl.clone());
    match &condition.test {
        ConditionTest::Equals(code) => format!("Alleen invullen als u bij ‘{}’ ‘{}’ kiest.", target.text.nl, label(code)),
        ConditionTest::AnyOf(codes) => {
            let labels: Vec<String> = codes.iter().map(|code| format!("‘{}’", label(code))).collect();
            format!("Alleen invullen als u bij ‘{}’ {} kiest.", target.text.nl, labels.join(" of "))
        }
        ConditionTest::Answered(true) => format!("Alleen invullen als u ‘{}’ hebt beantwoord.", target.text.nl),
        ConditionTest::Answered(false) => format!("Alleen invullen als u ‘{}’ open laat.", target.text.nl),
    }
}

fn question_view(
    question: &Question,
    answer: Option<&Answer>,
    errors: &[FieldError],
    catalogue: &Catalogue,
    condition: Option<String>,
) -> QuestionView {
    let name = question.name.clone();
    let error = errors.iter().find(|e| e.question == name && e.block.is_none()).map(|e| e.message.clone());
    let text = |answer: Option<&Answer>| match answer {
        Some(Answer::Text(text)) => text.clone(),
        Some(Answer::Number(number)) => number_text(*number),
        _ => String::new(),
    };
    let options = |choices: Vec<(String, String)>| -> Vec<OptionView> {
        let given: Vec<&str> = answer.map(Answer::codes).unwrap_or_default();
        choices
            .into_iter()
            .map(|(value, label)| OptionView { id: format!("v-{name}-{value}"), checked: given.contains(&value.as_str()), value, label })
            .collect()
    };
    let input = match &question.kind {
        QuestionKind::SingleChoice { choices } => {
            Input::Radios(options(choices.iter().map(|c| (c.code.clone(), c.label.nl.clone())).collect()))
        }
        QuestionKind::MultipleChoice { choices, .. } => {
            Input::Checkboxes(options(choices.iter().map(|c| (c.code.clone(), c.label.nl.clone())).collect()))
        }
        QuestionKind::Scale { min, max, min_label, max_label } => {
            let label = |point: i64| match (point, min_label, max_label) {
                (p, Some(l), _) if p == *min => format!("{p} – {}", l.nl),
                (p, _, Some(l)) if p == *max => format!("{p} – {}", l.nl),
                (p, _, _) => p.to_string(),
            };
            let given = match answer {
                Some(Answer::Number(n)) => number_text(*n),
                other => text(other),
            };
            Input::Radios(
                (*min..=*max)
                    .map(|point| OptionView {
                        id: format!("v-{name}-{point}"),
                        value: point.to_string(),
                        label: label(point),
                        checked: given == point.to_string(),
                    })
                    .collect(),
            )
        }
        QuestionKind::Number { integer, .. } => Input::Number { value: text(answer), integer: *integer },
        QuestionKind::ShortText { max_length, format } => {
            Input::ShortText { value: text(answer), max_length: *max_length, email: *format == Some(TextFormat::Email) }
        }
        QuestionKind::LongText { max_length } => Input::LongText { value: text(answer), max_length: *max_length },
        QuestionKind::BlockMatrix { .. } => Input::Matrix(matrix_rows(&name, answer, errors, catalogue)),
    };
    let id = match &input {
        Input::Radios(options) | Input::Checkboxes(options) => options.first().map_or_else(|| format!("v-{name}"), |o| o.id.clone()),
        Input::Matrix(rows) => rows.first().map_or_else(|| format!("v-{name}"), |row| row.id.clone()),
        _ => format!("v-{name}"),
    };
    QuestionView {
        id,
        label: question.text.nl.clone(),
        help: question.help.as_ref().map(|help| help.nl.clone()),
        required: question.required,
        condition,
        error,
        input,
        name,
    }
}

fn matrix_rows(question: &str, answer: Option<&Answer>, errors: &[FieldError], catalogue: &Catalogue) -> Vec<MatrixRow> {
    let empty = BlockAnswer::default();
    catalogue
        .blocks
        .iter()
        .map(|block| {
            let given = match answer {
                Some(Answer::Matrix(blocks)) => blocks.get(&block.code).unwrap_or(&empty),
                _ => &empty,
            };
            let field = |part| matrix_field(question, &block.code, part);
            let id = |field: &str, value: &str| format!("v-{}-{value}", field.replace('.', "-"));
            let (status_field, support_field, forms_field) =
                (field(MatrixPart::Status), field(MatrixPart::Support), field(MatrixPart::Forms));
            MatrixRow {
                id: id(&status_field, BlockStatus::ALL[0].code()),
                name: block.name.clone(),
                group: catalogue.group(&block.group).map_or_else(String::new, |g| g.name.clone()),
                statuses: BlockStatus::ALL
                    .into_iter()
                    .map(|s| OptionView {
                        id: id(&status_field, s.code()),
                        value: s.code().to_owned(),
                        label: s.label_nl().to_owned(),
                        checked: given.status == Some(s),
                    })
                    .collect(),
                support: [(SUPPORT_YES, "Ja", true), (SUPPORT_NO, "Nee", false)]
                    .into_iter()
                    .map(|(value, label, yes)| OptionView {
                        id: id(&support_field, value),
                        value: value.to_owned(),
                        label: label.to_owned(),
                        checked: given.support_needed == Some(yes),
                    })
                    .collect(),
                forms: SupportForm::ALL
                    .into_iter()
                    .map(|f| OptionView {
                        id: id(&forms_field, f.code()),
                        value: f.code().to_owned(),
                        label: f.label_nl().to_owned(),
                        checked: given.support_forms.contains(&f),
                    })
                    .collect(),
                error: errors.iter().find(|e| e.question == question && e.block.as_deref() == Some(&block.code)).map(|e| e.message.clone()),
                status_field,
                support_field,
                forms_field,
            }
        })
        .collect()
}

/// A number as a Dutch respondent writes it: a decimal comma, no needless decimals.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 { format!("{number:.0}") } else { number.to_string().replace('.', ",") }
}

/// The error summary of a page: each error linked to its field.
pub fn error_links(errors: &[FieldError], questions: &[QuestionView], catalogue: &Catalogue) -> Vec<ErrorLink> {
    errors
        .iter()
        .map(|error| {
            let question = questions.iter().find(|q| q.name == error.question);
            let href = match (&error.block, question) {
                (Some(block), _) => {
                    format!(
                        "#v-{}",
                        matrix_field(&error.question, block, MatrixPart::Status).replace('.', "-") + "-" + BlockStatus::ALL[0].code()
                    )
                }
                (None, Some(question)) => format!("#{}", question.id),
                (None, None) => format!("#v-{}", error.question),
            };
            let subject = match &error.block {
                Some(block) => catalogue.block(block).map_or_else(|| block.clone(), |b| b.name.clone()),
                None => question.map_or_else(|| error.question.clone(), |q| q.label.clone()),
            };
            ErrorLink { href, text: format!("{subject}: {}", error.message) }
        })
        .collect()
}

/// One answer as the summary shows it, in words.
pub struct AnswerLine {
    pub question: String,
    pub answer: String,
    pub error: Option<String>,
}

/// One row of the block matrix in the summary.
pub struct MatrixLine {
    pub block: String,
    pub status: String,
    pub support: String,
    pub forms: String,
}

pub struct PageSummary {
    pub name: String,
    pub title: String,
    pub answers: Vec<AnswerLine>,
    pub matrix: Vec<MatrixLine>,
    pub errors: usize,
}

/// Every page with the answers given, in words, and the errors per page: what the respondent checks before
/// submitting, and reads afterwards.
pub fn summary(questionnaire: &Questionnaire, answers: &Answers, errors: &[FieldError], catalogue: &Catalogue) -> Vec<PageSummary> {
    questionnaire
        .pages()
        .iter()
        .map(|page| {
            let shown: Vec<&Question> = page.questions.iter().filter(|q| questionnaire.is_shown(&q.name, answers)).collect();
            let mut matrix = Vec::new();
            let mut lines = Vec::new();
            for question in &shown {
                let answer = answers.get(&question.name).filter(|a| !a.is_empty());
                let error = errors.iter().find(|e| e.question == question.name).map(|e| e.message.clone());
                if let (QuestionKind::BlockMatrix { .. }, Some(Answer::Matrix(blocks))) = (&question.kind, answer) {
                    matrix.extend(catalogue.blocks.iter().map(|block| {
                        let given = blocks.get(&block.code);
                        MatrixLine {
                            block: block.name.clone(),
                            status: given.and_then(|b| b.status).map_or("—", BlockStatus::label_nl).to_owned(),
                            support: match given.and_then(|b| b.support_needed) {
                                Some(true) => "ja",
                                Some(false) => "nee",
                                None => "—",
                            }
                            .to_owned(),
                            forms: given
                                .filter(|b| b.support_needed == Some(true))
                                .map(|b| b.support_forms.iter().map(|f| f.label_nl()).collect::<Vec<_>>().join(", "))
                                .unwrap_or_default(),
                        }
                    }));
                }
                lines.push(AnswerLine { question: question.text.nl.clone(), answer: answer_in_words(question, answer), error });
            }
            PageSummary {
                name: page.name.clone(),
                title: page.title.nl.clone(),
                errors: errors.iter().filter(|e| shown.iter().any(|q| q.name == e.question)).count(),
                answers: lines,
                matrix,
            }
        })
        .collect()
}

fn answer_in_words(question: &Question, answer: Option<&Answer>) -> String {
    let label = |code: &str| question.choice(code).map_or_else(|| code.to_owned(), |c| c.label.nl.clone());
    match answer {
        None => "niet beantwoord".to_owned(),
        Some(Answer::Text(text)) if question.question_type().is_choice() => label(text),
        Some(Answer::Text(text)) => text.clone(),
        Some(Answer::Many(codes)) => codes.iter().map(|code| label(code)).collect::<Vec<_>>().join(", "),
        Some(Answer::Number(number)) => number_text(*number),
        Some(Answer::Matrix(blocks)) => {
            let in_use = blocks.values().filter(|b| b.status == Some(BlockStatus::InUse)).count();
            format!("{} bouwstenen beantwoord, {in_use} in gebruik (zie de tabel)", blocks.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn numbers_read_back_as_typed_in_dutch() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(12.5), "12,5");
        assert_eq!(number_text(-0.25), "-0,25");
    }
}

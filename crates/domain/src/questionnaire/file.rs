//! The questionnaire file: TOML, a header, one `[[pages]]` table per page and one `[[pages.questions]]` table per
//! question. Every field is read with its position, so that each problem names the line and the field; the file
//! is checked whole and every problem found is reported, not only the first.

use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::check::check_references;
use super::{Bilingual, Choice, Condition, ConditionTest, Page, Question, QuestionKind, QuestionType, Questionnaire, TextFormat};
use crate::catalogue::is_slug;

/// The longest text a short_text or long_text question accepts when the file does not say.
pub const SHORT_TEXT_MAX_LENGTH: usize = 200;
pub const LONG_TEXT_MAX_LENGTH: usize = 5000;
/// A scale is shown as a row of radio buttons; more than 11 (0 to 10) no longer reads as a scale.
const SCALE_MAX_POINTS: i64 = 11;

/// A problem in a questionnaire file: which file, which line, which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionnaireError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for QuestionnaireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}, field {}: {}", self.file, self.line, self.field, self.message)
    }
}

impl std::error::Error for QuestionnaireError {}

// Everything is optional here so that a missing field becomes one error among all the others, with its line,
// instead of stopping the parse at the first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileQuestionnaire {
    id: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    catalogue: Option<Spanned<String>>,
    title: Option<Spanned<FileText>>,
    introduction: Option<Spanned<FileText>>,
    #[serde(default)]
    pub(super) pages: Vec<Spanned<FilePage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePage {
    pub(super) name: Option<Spanned<String>>,
    title: Option<Spanned<FileText>>,
    introduction: Option<Spanned<FileText>>,
    #[serde(default)]
    pub(super) questions: Vec<Spanned<FileQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileText {
    nl: Option<Spanned<String>>,
    en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileQuestion {
    pub(super) name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub(super) kind: Option<Spanned<String>>,
    text: Option<Spanned<FileText>>,
    help: Option<Spanned<FileText>>,
    #[serde(default)]
    required: bool,
    // Read as any value, so that a wrong one is one error among the others, in words, instead of stopping the parse.
    public: Option<Spanned<toml::Value>>,
    pub(super) choices: Option<Spanned<Vec<Spanned<FileChoice>>>>,
    min: Option<Spanned<toml::Value>>,
    max: Option<Spanned<toml::Value>>,
    min_label: Option<Spanned<FileText>>,
    max_label: Option<Spanned<FileText>>,
    integer: Option<Spanned<bool>>,
    max_length: Option<Spanned<i64>>,
    format: Option<Spanned<String>>,
    min_choices: Option<Spanned<i64>>,
    max_choices: Option<Spanned<i64>>,
    support_required: Option<Spanned<bool>>,
    pub(super) show_if: Option<Spanned<FileCondition>>,
}

impl FileQuestion {
    pub(super) fn question_type(&self) -> Option<QuestionType> {
        self.kind.as_ref().and_then(|kind| QuestionType::from_code(kind.get_ref()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileChoice {
    pub(super) code: Option<Spanned<String>>,
    nl: Option<Spanned<String>>,
    en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileCondition {
    pub(super) question: Option<Spanned<String>>,
    pub(super) equals: Option<Spanned<String>>,
    pub(super) any_of: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) answered: Option<Spanned<bool>>,
}

/// Collects errors for one file, turning byte offsets into line numbers.
pub(super) struct Report<'a> {
    text: &'a str,
    file: &'a str,
    pub(super) errors: Vec<QuestionnaireError>,
}

impl Report<'_> {
    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    pub(super) fn error(&mut self, offset: usize, field: impl Into<String>, message: impl Into<String>) {
        let line = self.line_of(offset);
        self.errors.push(QuestionnaireError { file: self.file.to_owned(), line, field: field.into(), message: message.into() });
    }

    fn required<'v, T>(&mut self, value: &'v Option<Spanned<T>>, at: usize, field: &str) -> Option<&'v Spanned<T>> {
        if value.is_none() {
            self.error(at, field, "is required");
        }
        value.as_ref()
    }

    fn not_blank(&mut self, value: &Spanned<String>, field: &str) -> Option<String> {
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            self.error(value.span().start, field, "must not be empty");
            None
        } else {
            Some(trimmed.to_owned())
        }
    }

    fn slug(&mut self, value: &Spanned<String>, field: &str) -> Option<String> {
        if is_slug(value.get_ref()) {
            Some(value.get_ref().clone())
        } else {
            self.error(value.span().start, field, format!("'{}' must be lower-case letters, digits and hyphens", value.get_ref()));
            None
        }
    }

    /// Both languages are required: the site is Dutch first, with English available on every page.
    fn bilingual(&mut self, value: &Spanned<FileText>, field: &str) -> Option<Bilingual> {
        let at = value.span().start;
        let text = value.get_ref();
        let mut language = |part: &Option<Spanned<String>>, code: &str, name: &str| match part {
            None => {
                self.error(at, format!("{field}.{code}"), format!("is required (the {name} text)"));
                None
            }
            Some(part) => self.not_blank(part, &format!("{field}.{code}")),
        };
        let nl = language(&text.nl, "nl", "Dutch");
        let en = language(&text.en, "en", "English");
        Some(Bilingual { nl: nl?, en: en? })
    }

    fn optional_bilingual(&mut self, value: &Option<Spanned<FileText>>, field: &str) -> Result<Option<Bilingual>, ()> {
        match value {
            None => Ok(None),
            Some(value) => self.bilingual(value, field).map(Some).ok_or(()),
        }
    }

    fn positive(&mut self, value: &Spanned<i64>, field: &str) -> Option<usize> {
        match usize::try_from(*value.get_ref()) {
            Ok(number) if number > 0 => Some(number),
            _ => {
                self.error(value.span().start, field, "must be a whole number of at least 1");
                None
            }
        }
    }
}

/// Parses and checks a questionnaire. `file_name` is only used to name the file in error messages.
pub fn parse_questionnaire_toml(text: &str, file_name: &str) -> Result<Questionnaire, Vec<QuestionnaireError>> {
    let mut report = Report { text, file: file_name, errors: Vec::new() };
    let parsed: FileQuestionnaire = match toml::from_str(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let offset = e.span().map(|span| span.start).unwrap_or(0);
            let message = e.message().trim().to_owned();
            let field = field_of_toml_error(text, offset, &message);
            report.error(offset, field, message);
            return Err(report.errors);
        }
    };

    let id = report.required(&parsed.id, 0, "id").and_then(|id| report.slug(id, "id"));
    let version = report.required(&parsed.version, 0, "version").and_then(|version| report.not_blank(version, "version"));
    let catalogue = report.required(&parsed.catalogue, 0, "catalogue").and_then(|catalogue| report.slug(catalogue, "catalogue"));
    let title = report.required(&parsed.title, 0, "title").and_then(|title| report.bilingual(title, "title"));
    let introduction = report.optional_bilingual(&parsed.introduction, "introduction");
    if parsed.pages.is_empty() {
        report.error(0, "pages", "a questionnaire needs at least one [[pages]] entry");
    }
    let pages: Vec<Option<Page>> = parsed.pages.iter().enumerate().map(|(index, page)| read_page(&mut report, index, page)).collect();
    check_references(&mut report, &parsed);

    if !report.errors.is_empty() {
        // Stable, so errors on one line keep the order in which they were found.
        report.errors.sort_by_key(|e| e.line);
        return Err(report.errors);
    }
    match (id, version, catalogue, title, introduction, pages.into_iter().collect::<Option<Vec<Page>>>()) {
        (Some(id), Some(version), Some(catalogue), Some(title), Ok(introduction), Some(pages)) => {
            Ok(Questionnaire { id, version, catalogue, title, introduction, pages })
        }
        // Every None above pushed an error, so this is not reached; answer with an error rather than panic.
        _ => Err(vec![QuestionnaireError {
            file: file_name.to_owned(),
            line: 1,
            field: "(file)".to_owned(),
            message: "the questionnaire could not be read".to_owned(),
        }]),
    }
}

fn read_page(report: &mut Report<'_>, index: usize, page: &Spanned<FilePage>) -> Option<Page> {
    let at = page.span().start;
    let field = format!("pages[{index}]");
    let file_page = page.get_ref();
    let name = report.required(&file_page.name, at, &format!("{field}.name")).and_then(|name| report.slug(name, &format!("{field}.name")));
    let title = report
        .required(&file_page.title, at, &format!("{field}.title"))
        .and_then(|title| report.bilingual(title, &format!("{field}.title")));
    let introduction = report.optional_bilingual(&file_page.introduction, &format!("{field}.introduction"));
    if file_page.questions.is_empty() {
        report.error(at, format!("{field}.questions"), "a page needs at least one [[pages.questions]] entry");
    }
    // Read every question before giving up on the page, so that the errors of all of them are reported.
    let questions: Option<Vec<Question>> = file_page
        .questions
        .iter()
        .enumerate()
        .map(|(position, question)| read_question(report, &format!("{field}.questions[{position}]"), question))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    Some(Page { name: name?, title: title?, introduction: introduction.ok()?, questions: questions? })
}

fn read_question(report: &mut Report<'_>, field: &str, question: &Spanned<FileQuestion>) -> Option<Question> {
    let at = question.span().start;
    let file_question = question.get_ref();
    let name = report.required(&file_question.name, at, &format!("{field}.name")).and_then(|name| {
        if is_identifier(name.get_ref()) {
            Some(name.get_ref().clone())
        } else {
            report.error(
                name.span().start,
                format!("{field}.name"),
                format!("'{}' must be lower-case letters, digits and underscores, starting with a letter", name.get_ref()),
            );
            None
        }
    });
    let text = report
        .required(&file_question.text, at, &format!("{field}.text"))
        .and_then(|text| report.bilingual(text, &format!("{field}.text")));
    let help = report.optional_bilingual(&file_question.help, &format!("{field}.help"));
    let kind_field = format!("{field}.type");
    let kind = report.required(&file_question.kind, at, &kind_field).and_then(|kind| {
        let found = QuestionType::from_code(kind.get_ref());
        if found.is_none() {
            let known: Vec<&str> = QuestionType::ALL.iter().map(|kind| kind.code()).collect();
            report.error(
                kind.span().start,
                &kind_field,
                format!("'{}' is not a question type; the types are {}", kind.get_ref(), known.join(", ")),
            );
        }
        found.map(|found| (found, kind.span().start))
    });
    let kind = kind.and_then(|(kind, at)| read_kind(report, field, file_question, kind, at));
    let show_if = file_question.show_if.as_ref().map(|condition| read_condition(report, &format!("{field}.show_if"), condition));
    let public = match &file_question.public {
        None => Some(false),
        Some(value) => match value.get_ref() {
            toml::Value::Boolean(public) => Some(*public),
            other => {
                report.error(value.span().start, format!("{field}.public"), format!("must be true or false (without quotes), not {other}"));
                None
            }
        },
    };
    if let (Some(true), Some(QuestionKind::ShortText { format: Some(TextFormat::Email), .. }), Some(value)) =
        (public, &kind, &file_question.public)
    {
        report.error(
            value.span().start,
            format!("{field}.public"),
            "an e-mail address names a person, so a question with format = \"email\" cannot be public",
        );
    }
    Some(Question {
        name: name?,
        text: text?,
        help: help.ok()?,
        required: file_question.required,
        public: public?,
        kind: kind?,
        show_if: show_if.map_or(Some(None), |condition| condition.map(Some))?,
    })
}

fn read_kind(report: &mut Report<'_>, field: &str, question: &FileQuestion, kind: QuestionType, type_at: usize) -> Option<QuestionKind> {
    use QuestionType::{BlockMatrix, LongText, MultipleChoice, Number, Scale, ShortText, SingleChoice};
    let applies_to: [(&str, Option<usize>, &[QuestionType]); 11] = [
        ("choices", offset(&question.choices), &[SingleChoice, MultipleChoice]),
        ("min", offset(&question.min), &[Scale, Number]),
        ("max", offset(&question.max), &[Scale, Number]),
        ("min_label", offset(&question.min_label), &[Scale]),
        ("max_label", offset(&question.max_label), &[Scale]),
        ("integer", offset(&question.integer), &[Number]),
        ("max_length", offset(&question.max_length), &[ShortText, LongText]),
        ("format", offset(&question.format), &[ShortText]),
        ("min_choices", offset(&question.min_choices), &[MultipleChoice]),
        ("max_choices", offset(&question.max_choices), &[MultipleChoice]),
        ("support_required", offset(&question.support_required), &[BlockMatrix]),
    ];
    let mut misplaced = false;
    for (name, at, types) in applies_to {
        if let Some(at) = at
            && !types.contains(&kind)
        {
            let for_types: Vec<&str> = types.iter().map(|kind| kind.code()).collect();
            report.error(
                at,
                format!("{field}.{name}"),
                format!("a {} question has no {name} ({name} is for {})", kind.code(), for_types.join(" and ")),
            );
            misplaced = true;
        }
    }
    let read = match kind {
        SingleChoice => read_choices(report, field, question, kind, type_at).map(|choices| QuestionKind::SingleChoice { choices }),
        MultipleChoice => read_multiple_choice(report, field, question, type_at),
        Scale => read_scale(report, field, question, type_at),
        Number => read_number(report, field, question),
        ShortText => {
            let max_length = read_max_length(report, field, question, SHORT_TEXT_MAX_LENGTH);
            let format = match &question.format {
                None => Some(None),
                Some(format) if format.get_ref() == "email" => Some(Some(TextFormat::Email)),
                Some(format) => {
                    report.error(
                        format.span().start,
                        format!("{field}.format"),
                        format!("'{}' is not a text format; the one format is email", format.get_ref()),
                    );
                    None
                }
            };
            Some(QuestionKind::ShortText { max_length: max_length?, format: format? })
        }
        LongText => read_max_length(report, field, question, LONG_TEXT_MAX_LENGTH).map(|max_length| QuestionKind::LongText { max_length }),
        BlockMatrix => {
            Some(QuestionKind::BlockMatrix { support_required: question.support_required.as_ref().is_some_and(|value| *value.get_ref()) })
        }
    };
    if misplaced { None } else { read }
}

fn read_choices(report: &mut Report<'_>, field: &str, question: &FileQuestion, kind: QuestionType, type_at: usize) -> Option<Vec<Choice>> {
    let Some(choices) = &question.choices else {
        report.error(type_at, format!("{field}.choices"), format!("a {} question needs choices = [{{ code, nl, en }}, ...]", kind.code()));
        return None;
    };
    if choices.get_ref().len() < 2 {
        report.error(choices.span().start, format!("{field}.choices"), "give at least 2 choices");
    }
    let mut read = Vec::new();
    let mut complete = choices.get_ref().len() >= 2;
    for (index, choice) in choices.get_ref().iter().enumerate() {
        let choice_field = format!("{field}.choices[{index}]");
        let at = choice.span().start;
        let file_choice = choice.get_ref();
        let code = report
            .required(&file_choice.code, at, &format!("{choice_field}.code"))
            .and_then(|code| report.slug(code, &format!("{choice_field}.code")));
        if let Some(code) = &code
            && read.iter().any(|earlier: &Choice| &earlier.code == code)
        {
            report.error(at, format!("{choice_field}.code"), format!("choice '{code}' is given twice"));
            complete = false;
        }
        let mut label = |part: &Option<Spanned<String>>, language: &str, name: &str| match part {
            None => {
                report.error(at, format!("{choice_field}.{language}"), format!("is required (the {name} label)"));
                None
            }
            Some(part) => report.not_blank(part, &format!("{choice_field}.{language}")),
        };
        let nl = label(&file_choice.nl, "nl", "Dutch");
        let en = label(&file_choice.en, "en", "English");
        match (code, nl, en) {
            (Some(code), Some(nl), Some(en)) => read.push(Choice { code, label: Bilingual { nl, en } }),
            _ => complete = false,
        }
    }
    complete.then_some(read)
}

fn read_multiple_choice(report: &mut Report<'_>, field: &str, question: &FileQuestion, type_at: usize) -> Option<QuestionKind> {
    let choices = read_choices(report, field, question, QuestionType::MultipleChoice, type_at);
    let count = |report: &mut Report<'_>, value: &Option<Spanned<i64>>, name: &str| match value {
        None => Some(None),
        Some(value) => report.positive(value, &format!("{field}.{name}")).map(Some),
    };
    let min_choices = count(report, &question.min_choices, "min_choices");
    let max_choices = count(report, &question.max_choices, "max_choices");
    let (choices, min_choices, max_choices) = (choices?, min_choices?, max_choices?);
    let mut fits = true;
    if let (Some(min), Some(max), Some(at)) = (min_choices, max_choices, question.max_choices.as_ref().map(|v| v.span().start))
        && min > max
    {
        report.error(at, format!("{field}.max_choices"), format!("max_choices ({max}) is less than min_choices ({min})"));
        fits = false;
    }
    for (limit, value, name) in [(min_choices, &question.min_choices, "min_choices"), (max_choices, &question.max_choices, "max_choices")] {
        if let (Some(limit), Some(value)) = (limit, value)
            && limit > choices.len()
        {
            report.error(
                value.span().start,
                format!("{field}.{name}"),
                format!("{name} ({limit}) is more than the {} choices", choices.len()),
            );
            fits = false;
        }
    }
    fits.then_some(QuestionKind::MultipleChoice { choices, min_choices, max_choices })
}

fn read_scale(report: &mut Report<'_>, field: &str, question: &FileQuestion, type_at: usize) -> Option<QuestionKind> {
    let mut whole = |value: &Option<Spanned<toml::Value>>, name: &str| {
        let Some(value) = value else {
            report.error(type_at, format!("{field}.{name}"), format!("a scale question needs {name} (a whole number)"));
            return None;
        };
        match value.get_ref() {
            toml::Value::Integer(number) => Some(*number),
            _ => {
                report.error(value.span().start, format!("{field}.{name}"), "must be a whole number");
                None
            }
        }
    };
    let min = whole(&question.min, "min");
    let max = whole(&question.max, "max");
    let min_label = report.optional_bilingual(&question.min_label, &format!("{field}.min_label"));
    let max_label = report.optional_bilingual(&question.max_label, &format!("{field}.max_label"));
    let (min, max) = (min?, max?);
    let at = question.max.as_ref().map_or(type_at, |max| max.span().start);
    if min >= max {
        report.error(at, format!("{field}.max"), format!("max ({max}) must be more than min ({min})"));
        return None;
    }
    if max.saturating_sub(min) >= SCALE_MAX_POINTS {
        report.error(
            at,
            format!("{field}.max"),
            format!("a scale has at most {SCALE_MAX_POINTS} points; use a number question for a wider range"),
        );
        return None;
    }
    Some(QuestionKind::Scale { min, max, min_label: min_label.ok()?, max_label: max_label.ok()? })
}

fn read_number(report: &mut Report<'_>, field: &str, question: &FileQuestion) -> Option<QuestionKind> {
    let mut number = |value: &Option<Spanned<toml::Value>>, name: &str| match value {
        None => Some(None),
        Some(value) => match value.get_ref() {
            toml::Value::Integer(number) => Some(Some(*number as f64)),
            toml::Value::Float(number) if number.is_finite() => Some(Some(*number)),
            _ => {
                report.error(value.span().start, format!("{field}.{name}"), "must be a number");
                None
            }
        },
    };
    let (min, max) = (number(&question.min, "min"), number(&question.max, "max"));
    let (min, max) = (min?, max?);
    if let (Some(low), Some(high), Some(at)) = (min, max, question.max.as_ref().map(|max| max.span().start))
        && low >= high
    {
        report.error(at, format!("{field}.max"), format!("max ({high}) must be more than min ({low})"));
        return None;
    }
    Some(QuestionKind::Number { min, max, integer: question.integer.as_ref().is_some_and(|value| *value.get_ref()) })
}

fn read_max_length(report: &mut Report<'_>, field: &str, question: &FileQuestion, default: usize) -> Option<usize> {
    match &question.max_length {
        None => Some(default),
        Some(value) => report.positive(value, &format!("{field}.max_length")),
    }
}

fn read_condition(report: &mut Report<'_>, field: &str, condition: &Spanned<FileCondition>) -> Option<Condition> {
    let at = condition.span().start;
    let file_condition = condition.get_ref();
    let question = report.required(&file_condition.question, at, &format!("{field}.question")).map(|question| question.get_ref().clone());
    let given = [file_condition.equals.is_some(), file_condition.any_of.is_some(), file_condition.answered.is_some()];
    let test = match (&file_condition.equals, &file_condition.any_of, &file_condition.answered) {
        _ if given.iter().filter(|given| **given).count() > 1 => {
            report.error(at, field, "give only one of equals, any_of and answered");
            None
        }
        (Some(code), _, _) => Some(ConditionTest::Equals(code.get_ref().clone())),
        (_, Some(codes), _) if codes.get_ref().is_empty() => {
            report.error(codes.span().start, format!("{field}.any_of"), "give at least one code");
            None
        }
        (_, Some(codes), _) => Some(ConditionTest::AnyOf(codes.get_ref().iter().map(|code| code.get_ref().clone()).collect())),
        (_, _, Some(answered)) => Some(ConditionTest::Answered(*answered.get_ref())),
        (None, None, None) => {
            report.error(at, field, "give one of equals = \"code\", any_of = [\"code\", ...] or answered = true");
            None
        }
    };
    Some(Condition { question: question?, test: test? })
}

fn offset<T>(value: &Option<Spanned<T>>) -> Option<usize> {
    value.as_ref().map(|value| value.span().start)
}

/// Question names become JSON keys, form field names and column names in exports, so they stay plain.
pub(super) fn is_identifier(value: &str) -> bool {
    value.len() <= 64
        && value.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Names the field of a toml error as fully as the other errors do: the page and question it is in (from the
/// table headers above it), then the key that toml names or, failing that, the key on the error's line.
fn field_of_toml_error(text: &str, offset: usize, message: &str) -> String {
    let before = &text[..offset.min(text.len())];
    let (mut page, mut question): (Option<usize>, Option<usize>) = (None, None);
    for line in before.lines() {
        let header: String = line.split('#').next().unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect();
        if header == "[[pages]]" {
            page = Some(page.map_or(0, |page| page + 1));
            question = None;
        } else if header == "[[pages.questions]]" {
            question = Some(question.map_or(0, |question| question + 1));
        }
    }
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let line_key = line.split_once('=').map(|(key, _)| key.trim()).filter(|key| !key.is_empty() && !key.starts_with(['[', '{', '#']));
    let named = (message.starts_with("unknown field") || message.starts_with("missing field")).then(|| {
        let start = message.find('`').map(|at| at + 1)?;
        let end = start + message[start..].find('`')?;
        Some(message[start..end].to_owned())
    });
    let key = match (named.flatten(), line_key) {
        (Some(named), Some(line_key)) if named != line_key => Some(format!("{line_key}.{named}")),
        (Some(named), _) => Some(named),
        (None, line_key) => line_key.map(str::to_owned),
    };
    let prefix = match (page, question) {
        (Some(page), Some(question)) => Some(format!("pages[{page}].questions[{question}]")),
        (Some(page), None) => Some(format!("pages[{page}]")),
        _ => None,
    };
    match (prefix, key) {
        (Some(prefix), Some(key)) => format!("{prefix}.{key}"),
        (Some(prefix), None) => prefix,
        (None, Some(key)) => key,
        (None, None) => "(file)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "test-2010"
version = "1"
catalogue = "nup-2008"
title = { nl = "Test", en = "Test" }

[[pages]]
name = "een"
title = { nl = "Een", en = "One" }

[[pages.questions]]
name = "samen"
type = "single_choice"
text = { nl = "Samen?", en = "Together?" }
choices = [{ code = "ja", nl = "Ja", en = "Yes" }, { code = "nee", nl = "Nee", en = "No" }]

[[pages.questions]]
name = "partners"
type = "long_text"
text = { nl = "Met wie?", en = "With whom?" }
show_if = { question = "samen", equals = "ja" }

[[pages]]
name = "twee"
title = { nl = "Twee", en = "Two" }

[[pages.questions]]
name = "tevreden"
type = "scale"
text = { nl = "Tevreden?", en = "Satisfied?" }
min = 1
max = 5
"#;

    fn messages(text: &str) -> Vec<String> {
        match parse_questionnaire_toml(text, "test.toml") {
            Ok(_) => panic!("expected errors for:\n{text}"),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    /// GOOD with `from` replaced by `to`, once; the test fails if `from` is not there.
    fn with(from: &str, to: &str) -> String {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replacen(from, to, 1)
    }

    /// A question appended to the first page, after line 20.
    fn with_question(question: &str) -> String {
        with("[[pages]]\nname = \"twee\"", &format!("[[pages.questions]]\n{question}\n\n[[pages]]\nname = \"twee\""))
    }

    #[test]
    fn a_good_questionnaire_reads_with_its_condition() {
        let questionnaire = parse_questionnaire_toml(GOOD, "test.toml").unwrap();
        assert_eq!((questionnaire.id.as_str(), questionnaire.catalogue.as_str()), ("test-2010", "nup-2008"));
        assert_eq!(questionnaire.pages.len(), 2);
        let partners = questionnaire.question("partners").unwrap();
        assert_eq!(partners.show_if, Some(Condition { question: "samen".to_owned(), test: ConditionTest::Equals("ja".to_owned()) }));
        assert_eq!(partners.kind, QuestionKind::LongText { max_length: LONG_TEXT_MAX_LENGTH });
        assert_eq!(
            questionnaire.question("tevreden").unwrap().kind,
            QuestionKind::Scale { min: 1, max: 5, min_label: None, max_label: None }
        );
    }

    #[test]
    fn public_is_read_per_question_and_false_unless_given() {
        let questionnaire = parse_questionnaire_toml(GOOD, "test.toml").unwrap();
        assert!(questionnaire.questions().all(|question| !question.public), "private by default");
        let text = with("type = \"single_choice\"", "type = \"single_choice\"\npublic = true").replacen(
            "type = \"scale\"",
            "type = \"scale\"\npublic = false",
            1,
        );
        let questionnaire = parse_questionnaire_toml(&text, "test.toml").unwrap();
        let public: Vec<(&str, bool)> = questionnaire.questions().map(|q| (q.name.as_str(), q.public)).collect();
        assert_eq!(public, [("samen", true), ("partners", false), ("tevreden", false)]);
    }

    #[test]
    fn a_public_that_is_not_true_or_false_names_its_line_and_field() {
        let text = with("type = \"long_text\"", "type = \"long_text\"\npublic = \"ja\"").replacen(
            "type = \"scale\"",
            "type = \"scale\"\npublic = 1",
            1,
        );
        assert_eq!(
            messages(&text),
            [
                "test.toml, line 19, field pages[0].questions[1].public: must be true or false (without quotes), not \"ja\"",
                "test.toml, line 30, field pages[1].questions[0].public: must be true or false (without quotes), not 1",
            ]
        );
        let email =
            with_question("name = \"mail\"\ntype = \"short_text\"\nformat = \"email\"\npublic = true\ntext = { nl = \"E\", en = \"E\" }");
        assert_eq!(
            messages(&email),
            [
                "test.toml, line 26, field pages[0].questions[2].public: an e-mail address names a person, so a question with format = \"email\" cannot be public"
            ]
        );
    }

    #[test]
    fn an_unknown_condition_target_and_a_duplicate_name_are_both_reported() {
        let text = with("question = \"samen\"", "question = \"samn\"").replace("name = \"tevreden\"", "name = \"samen\"");
        assert_eq!(
            messages(&text),
            [
                "test.toml, line 20, field pages[0].questions[1].show_if.question: question 'samn' is not in this questionnaire",
                "test.toml, line 27, field pages[1].questions[0].name: question 'samen' is defined twice (first on line 11)",
            ]
        );
    }

    #[test]
    fn a_duplicate_page_name_is_reported() {
        assert_eq!(
            messages(&with("name = \"twee\"", "name = \"een\"")),
            ["test.toml, line 23, field pages[1].name: page 'een' is defined twice (first on line 7)"]
        );
    }

    #[test]
    fn a_condition_code_must_be_a_choice_of_a_choice_question() {
        assert_eq!(
            messages(&with("equals = \"ja\"", "any_of = [\"ja\", \"misschien\"]")),
            [
                "test.toml, line 20, field pages[0].questions[1].show_if.any_of: 'misschien' is not a choice of question 'samen' (its choices are ja, nee)"
            ]
        );
        let on_text = with_question(
            "name = \"extra\"\ntype = \"short_text\"\ntext = { nl = \"E\", en = \"E\" }\nshow_if = { question = \"partners\", equals = \"x\" }",
        );
        assert_eq!(
            messages(&on_text),
            [
                "test.toml, line 26, field pages[0].questions[2].show_if.equals: question 'partners' is a long_text question; equals and any_of test the codes of a single_choice or multiple_choice question (use answered = true)"
            ]
        );
        let answered = with_question(
            "name = \"extra\"\ntype = \"short_text\"\ntext = { nl = \"E\", en = \"E\" }\nshow_if = { question = \"partners\", answered = true }",
        );
        assert!(parse_questionnaire_toml(&answered, "test.toml").is_ok());
    }

    #[test]
    fn a_condition_needs_exactly_one_test_and_an_earlier_question() {
        assert_eq!(
            messages(&with(", equals = \"ja\" }", " }")),
            [
                "test.toml, line 20, field pages[0].questions[1].show_if: give one of equals = \"code\", any_of = [\"code\", ...] or answered = true"
            ]
        );
        assert_eq!(
            messages(&with(", equals = \"ja\" }", ", equals = \"ja\", answered = true }")),
            ["test.toml, line 20, field pages[0].questions[1].show_if: give only one of equals, any_of and answered"]
        );
        assert_eq!(
            messages(&with("question = \"samen\", equals = \"ja\"", "question = \"tevreden\", answered = true")),
            [
                "test.toml, line 20, field pages[0].questions[1].show_if.question: question 'tevreden' is on a later page (pages[1]); a condition can only name a question on the same page or an earlier one"
            ]
        );
    }

    #[test]
    fn cycles_among_conditions_are_named_by_their_chain() {
        let two = with("type = \"single_choice\"", "type = \"single_choice\"\nshow_if = { question = \"partners\", answered = true }");
        assert_eq!(
            messages(&two),
            [
                "test.toml, line 13, field pages[0].questions[0].show_if.question: conditions form a cycle: samen → partners → samen (each show_if names the next, so none of them can be shown)"
            ]
        );
        let three = with("type = \"single_choice\"", "type = \"single_choice\"\nshow_if = { question = \"extra\", answered = true }");
        let three = three.replace(
            "[[pages]]\nname = \"twee\"",
            "[[pages.questions]]\nname = \"extra\"\ntype = \"short_text\"\ntext = { nl = \"E\", en = \"E\" }\nshow_if = { question = \"partners\", answered = true }\n\n[[pages]]\nname = \"twee\"",
        );
        let found = messages(&three);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("conditions form a cycle: samen → extra → partners → samen"), "{found:?}");
        let itself = with("question = \"samen\", equals = \"ja\"", "question = \"partners\", answered = false");
        assert_eq!(
            messages(&itself),
            [
                "test.toml, line 20, field pages[0].questions[1].show_if.question: conditions form a cycle: partners → partners (each show_if names the next, so none of them can be shown)"
            ]
        );
    }

    #[test]
    fn choice_questions_need_two_distinct_choices_and_others_none() {
        assert_eq!(
            messages(&with(
                "choices = [{ code = \"ja\", nl = \"Ja\", en = \"Yes\" }, { code = \"nee\", nl = \"Nee\", en = \"No\" }]\n",
                ""
            )),
            ["test.toml, line 12, field pages[0].questions[0].choices: a single_choice question needs choices = [{ code, nl, en }, ...]"]
        );
        assert_eq!(
            messages(&with(", { code = \"nee\", nl = \"Nee\", en = \"No\" }", "")),
            ["test.toml, line 14, field pages[0].questions[0].choices: give at least 2 choices"]
        );
        let found = messages(&with("code = \"nee\"", "code = \"ja\""));
        assert_eq!(found, ["test.toml, line 14, field pages[0].questions[0].choices[1].code: choice 'ja' is given twice"]);
        assert_eq!(
            messages(&with(
                "min = 1\n",
                "min = 1\nchoices = [{ code = \"a\", nl = \"A\", en = \"A\" }, { code = \"b\", nl = \"B\", en = \"B\" }]\n"
            )),
            [
                "test.toml, line 31, field pages[1].questions[0].choices: a scale question has no choices (choices is for single_choice and multiple_choice)"
            ]
        );
    }

    #[test]
    fn a_scale_needs_min_below_max() {
        assert_eq!(
            messages(&with("max = 5", "max = 1")),
            ["test.toml, line 31, field pages[1].questions[0].max: max (1) must be more than min (1)"]
        );
        assert_eq!(
            messages(&with("min = 1\nmax = 5\n", "")),
            [
                "test.toml, line 28, field pages[1].questions[0].min: a scale question needs min (a whole number)",
                "test.toml, line 28, field pages[1].questions[0].max: a scale question needs max (a whole number)",
            ]
        );
        assert_eq!(
            messages(&with("max = 5", "max = 5.5")),
            ["test.toml, line 31, field pages[1].questions[0].max: must be a whole number"]
        );
    }

    #[test]
    fn bad_slugs_and_names_are_refused() {
        let text = with("id = \"test-2010\"", "id = \"Test 2010\"")
            .replace("name = \"een\"", "name = \"Een\"")
            .replace("code = \"nee\"", "code = \"nee!\"")
            .replace("name = \"partners\"", "name = \"Partners-lijst\"");
        assert_eq!(
            messages(&text),
            [
                "test.toml, line 1, field id: 'Test 2010' must be lower-case letters, digits and hyphens",
                "test.toml, line 7, field pages[0].name: 'Een' must be lower-case letters, digits and hyphens",
                "test.toml, line 14, field pages[0].questions[0].choices[1].code: 'nee!' must be lower-case letters, digits and hyphens",
                "test.toml, line 17, field pages[0].questions[1].name: 'Partners-lijst' must be lower-case letters, digits and underscores, starting with a letter",
            ]
        );
    }

    #[test]
    fn texts_need_both_languages_and_must_not_be_blank() {
        let text = with("title = { nl = \"Een\", en = \"One\" }", "title = { nl = \"Een\" }")
            .replace("text = { nl = \"Samen?\", en = \"Together?\" }", "text = { nl = \" \", en = \"Together?\" }")
            .replace("{ code = \"nee\", nl = \"Nee\", en = \"No\" }", "{ code = \"nee\", en = \"No\" }");
        assert_eq!(
            messages(&text),
            [
                "test.toml, line 8, field pages[0].title.en: is required (the English text)",
                "test.toml, line 13, field pages[0].questions[0].text.nl: must not be empty",
                "test.toml, line 14, field pages[0].questions[0].choices[1].nl: is required (the Dutch label)",
            ]
        );
    }

    #[test]
    fn a_page_without_questions_and_a_missing_header_are_reported() {
        let text = GOOD.replace("catalogue = \"nup-2008\"\n", "").replace(
            "[[pages.questions]]\nname = \"tevreden\"\ntype = \"scale\"\ntext = { nl = \"Tevreden?\", en = \"Satisfied?\" }\nmin = 1\nmax = 5\n",
            "",
        );
        assert_eq!(
            messages(&text),
            [
                "test.toml, line 1, field catalogue: is required",
                "test.toml, line 21, field pages[1].questions: a page needs at least one [[pages.questions]] entry"
            ]
        );
        assert_eq!(
            messages("id = \"x\"\nversion = \"1\"\ncatalogue = \"c\"\ntitle = { nl = \"T\", en = \"T\" }\n"),
            ["test.toml, line 1, field pages: a questionnaire needs at least one [[pages]] entry"]
        );
    }

    #[test]
    fn unknown_types_fields_and_formats_are_named() {
        assert_eq!(
            messages(&with("type = \"scale\"", "type = \"slider\"")),
            [
                "test.toml, line 28, field pages[1].questions[0].type: 'slider' is not a question type; the types are single_choice, multiple_choice, scale, number, short_text, long_text, block_matrix"
            ]
        );
        let found = messages(&with("type = \"long_text\"", "type = \"long_text\"\nmaxlength = 10"));
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("test.toml, line 19, field pages[0].questions[1].maxlength: unknown field `maxlength`"), "{found:?}");
        let found =
            messages(&with("text = { nl = \"Met wie?\", en = \"With whom?\" }", "text = { nl = \"Met wie?\", fr = \"Avec qui?\" }"));
        assert!(found[0].starts_with("test.toml, line 19, field pages[0].questions[1].text.fr: unknown field `fr`"), "{found:?}");
        assert_eq!(
            messages(&with("type = \"long_text\"", "type = \"short_text\"\nformat = \"phone\"\nmax_length = 0")),
            [
                "test.toml, line 19, field pages[0].questions[1].format: 'phone' is not a text format; the one format is email",
                "test.toml, line 20, field pages[0].questions[1].max_length: must be a whole number of at least 1",
            ]
        );
    }

    #[test]
    fn multiple_choice_limits_must_fit_the_choices() {
        let text = with("type = \"single_choice\"", "type = \"multiple_choice\"\nmin_choices = 2\nmax_choices = 3");
        assert_eq!(
            messages(&text),
            ["test.toml, line 14, field pages[0].questions[0].max_choices: max_choices (3) is more than the 2 choices"]
        );
    }

    #[test]
    fn bad_syntax_names_the_line() {
        let found = messages(&with("max = 5", "max = "));
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("test.toml, line 31, field pages[1].questions[0].max: "), "{found:?}");
        let found = messages("id = \"x\"\nversion = 1\n");
        assert!(found[0].starts_with("test.toml, line 2, field version: invalid type"), "{found:?}");
    }
}

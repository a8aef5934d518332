//! Checking answers against the questionnaire, per page (on "next") and whole (on submission). The messages are
//! Dutch, for the respondent, and each says what to do. A hidden question is never required and its answer is
//! not checked: it will not be kept (`Questionnaire::without_hidden`).
//!
//! Support forms in the block matrix are ignored when the respondent said no support is needed (and dropped on
//! submission); they are refused only when the support question itself was left open, since then it is not clear
//! which of the two the respondent meant.

use serde::Serialize;

use super::{Answer, Answers, Question, QuestionKind, Questionnaire, TextFormat};
use crate::account::Email;
use crate::catalogue::Catalogue;

/// A problem with one answer: the question, the block when it is about one row of the matrix, and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub question: String,
    pub block: Option<String>,
    pub message: String,
}

impl Questionnaire {
    /// The problems with the answers to one page. A page that does not exist has none.
    pub fn validate_page(&self, page_index: usize, answers: &Answers, catalogue: &Catalogue) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for question in self.pages.get(page_index).map_or(&[][..], |page| &page.questions) {
            if self.is_shown(&question.name, answers) {
                check(question, answers.get(&question.name).filter(|answer| !answer.is_empty()), catalogue, &mut errors);
            }
        }
        errors
    }

    /// The problems with the answers to every page, for submission.
    pub fn validate_all(&self, answers: &Answers, catalogue: &Catalogue) -> Vec<FieldError> {
        (0..self.pages.len()).flat_map(|page| self.validate_page(page, answers, catalogue)).collect()
    }
}

fn check(question: &Question, answer: Option<&Answer>, catalogue: &Catalogue, errors: &mut Vec<FieldError>) {
    let mut error = |block: Option<&str>, message: String| {
        errors.push(FieldError { question: question.name.clone(), block: block.map(str::to_owned), message });
    };
    let Some(answer) = answer else {
        match &question.kind {
            QuestionKind::BlockMatrix { .. } => check_matrix(question, None, catalogue, &mut error),
            kind if question.required => error(None, missing(kind)),
            _ => {}
        }
        return;
    };
    match (&question.kind, answer) {
        (QuestionKind::SingleChoice { .. }, Answer::Text(code)) => {
            if question.choice(code).is_none() {
                error(None, "Kies een van de gegeven antwoorden.".to_owned());
            }
        }
        (QuestionKind::SingleChoice { .. }, Answer::Many(_)) => error(None, "Kies één antwoord.".to_owned()),
        (QuestionKind::MultipleChoice { min_choices, max_choices, .. }, Answer::Text(_) | Answer::Many(_)) => {
            let codes = answer.codes();
            if codes.iter().any(|code| question.choice(code).is_none()) {
                error(None, "Kies alleen uit de gegeven antwoorden.".to_owned());
            } else if let Some(min) = min_choices.filter(|min| codes.len() < *min) {
                error(None, format!("Kies minstens {min} {}.", answers_word(min)));
            } else if let Some(max) = max_choices.filter(|max| codes.len() > *max) {
                error(None, format!("Kies hoogstens {max} {}.", answers_word(max)));
            }
        }
        (QuestionKind::Scale { min, max, .. }, answer) => {
            let fits = matches!(answer, Answer::Number(value) if value.fract() == 0.0 && *value >= *min as f64 && *value <= *max as f64);
            if !fits {
                error(None, format!("Kies een waarde van {min} tot en met {max}."));
            }
        }
        (QuestionKind::Number { min, max, integer }, answer) => {
            if let Some(message) = check_number(answer, *min, *max, *integer) {
                error(None, message);
            }
        }
        (QuestionKind::ShortText { max_length, format }, Answer::Text(text)) => {
            if let Some(message) = too_long(text, *max_length) {
                error(None, message);
            } else if *format == Some(TextFormat::Email) && Email::parse(text).is_err() {
                error(None, "Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl.".to_owned());
            }
        }
        (QuestionKind::LongText { max_length }, Answer::Text(text)) => {
            if let Some(message) = too_long(text, *max_length) {
                error(None, message);
            }
        }
        (QuestionKind::BlockMatrix { .. }, Answer::Matrix(_)) => check_matrix(question, Some(answer), catalogue, &mut error),
        // Only a stored answer that was changed by hand can have another shape than its question's.
        _ => error(None, "Dit antwoord past niet bij de vraag; vul het opnieuw in.".to_owned()),
    }
}

fn missing(kind: &QuestionKind) -> String {
    match kind {
        QuestionKind::SingleChoice { .. } => "Kies een antwoord.".to_owned(),
        QuestionKind::MultipleChoice { min_choices, .. } => {
            let min = min_choices.unwrap_or(1);
            format!("Kies minstens {min} {}.", answers_word(min))
        }
        QuestionKind::Scale { min, max, .. } => format!("Kies een waarde van {min} tot en met {max}."),
        QuestionKind::Number { .. } => "Vul een getal in.".to_owned(),
        QuestionKind::ShortText { format: Some(TextFormat::Email), .. } => {
            "Vul een e-mailadres in, bijvoorbeeld naam@gemeente.nl.".to_owned()
        }
        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => "Vul dit veld in.".to_owned(),
        QuestionKind::BlockMatrix { .. } => "Vul de tabel met bouwstenen in.".to_owned(),
    }
}

fn answers_word(count: usize) -> &'static str {
    if count == 1 { "antwoord" } else { "antwoorden" }
}

fn check_number(answer: &Answer, min: Option<f64>, max: Option<f64>, integer: bool) -> Option<String> {
    let range = match (min, max) {
        (Some(min), Some(max)) => format!("van {} tot en met {}", dutch_number(min), dutch_number(max)),
        (Some(min), None) => format!("van {} of meer", dutch_number(min)),
        (None, Some(max)) => format!("van {} of minder", dutch_number(max)),
        (None, None) => String::new(),
    };
    // An example the respondent can type as it stands: 12 if that is allowed, otherwise the nearest bound.
    let example = dutch_number(match (min, max) {
        (Some(min), _) if min > 12.0 => min,
        (_, Some(max)) if max < 12.0 => max,
        _ => 12.0,
    });
    let whole = if integer { "heel " } else { "" };
    let Answer::Number(value) = answer else {
        return Some(format!("Vul een {whole}getal in, bijvoorbeeld {example}."));
    };
    if !value.is_finite() || (integer && value.fract() != 0.0) {
        return Some(format!("Vul een {whole}getal in, bijvoorbeeld {example}."));
    }
    let out_of_range = min.is_some_and(|min| *value < min) || max.is_some_and(|max| *value > max);
    out_of_range.then(|| format!("Vul een {whole}getal {range} in."))
}

/// Every block of the matrix belongs to the catalogue; when the matrix is required each needs a status, and when
/// support is required each needs a yes or no.
fn check_matrix(question: &Question, answer: Option<&Answer>, catalogue: &Catalogue, error: &mut impl FnMut(Option<&str>, String)) {
    let QuestionKind::BlockMatrix { support_required } = question.kind else { return };
    let blocks = match answer {
        Some(Answer::Matrix(blocks)) => Some(blocks),
        _ => None,
    };
    for (code, block) in blocks.into_iter().flatten() {
        if catalogue.block(code).is_none() && !block.is_empty() {
            error(Some(code), format!("De bouwsteen '{code}' hoort niet bij deze vragenlijst; laat deze rij leeg."));
        }
    }
    for block in &catalogue.blocks {
        let given = blocks.and_then(|blocks| blocks.get(&block.code));
        let status = given.and_then(|given| given.status);
        let support = given.and_then(|given| given.support_needed);
        if question.required && status.is_none() {
            error(Some(&block.code), format!("Kies een status voor {}.", block.name));
        }
        if question.required && support_required && support.is_none() {
            error(Some(&block.code), format!("Geef aan of uw gemeente ondersteuning nodig heeft bij {}.", block.name));
        } else if support.is_none() && given.is_some_and(|given| !given.support_forms.is_empty()) {
            error(
                Some(&block.code),
                format!(
                    "Geef aan of uw gemeente ondersteuning nodig heeft bij {}; u hebt wel een vorm van ondersteuning gekozen.",
                    block.name
                ),
            );
        }
    }
}

/// A number as Dutch readers write it: a thousands dot and a decimal comma.
fn dutch_number(value: f64) -> String {
    let text = format!("{}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped},{fraction}") }
}

/// The Dutch message for a text longer than `max_length` characters, or `None` when it fits.
fn too_long(text: &str, max_length: usize) -> Option<String> {
    let length = text.chars().count();
    (length > max_length)
        .then(|| format!("Gebruik hoogstens {} tekens; het zijn er nu {}.", dutch_number(max_length as f64), dutch_number(length as f64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_are_written_the_dutch_way() {
        assert_eq!(dutch_number(12.0), "12");
        assert_eq!(dutch_number(10000.0), "10.000");
        assert_eq!(dutch_number(1234567.5), "1.234.567,5");
        assert_eq!(dutch_number(-0.5), "-0,5");
        assert_eq!(dutch_number(100.0), "100");
    }

    #[test]
    fn number_messages_say_what_to_type() {
        let text = Answer::Text("twaalf".to_owned());
        assert_eq!(check_number(&text, None, None, false).unwrap(), "Vul een getal in, bijvoorbeeld 12.");
        assert_eq!(check_number(&text, Some(20.0), None, true).unwrap(), "Vul een heel getal in, bijvoorbeeld 20.");
        assert_eq!(check_number(&Answer::Number(2.5), Some(0.0), None, true).unwrap(), "Vul een heel getal in, bijvoorbeeld 12.");
        assert_eq!(
            check_number(&Answer::Number(-1.0), Some(0.0), Some(10000.0), true).unwrap(),
            "Vul een heel getal van 0 tot en met 10.000 in."
        );
        assert_eq!(check_number(&Answer::Number(11.0), None, Some(10.0), false).unwrap(), "Vul een getal van 10 of minder in.");
        assert_eq!(check_number(&Answer::Number(3.0), Some(0.0), Some(10.0), true), None);
    }
}

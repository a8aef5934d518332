//! The checks that look across questions: names given twice, and conditions that point at nothing, at a later
//! page, at a code the target does not have, or round in a circle.

use std::collections::BTreeMap;

use toml::Spanned;

use super::file::{FileCondition, FileQuestion, FileQuestionnaire, Report};

struct Entry<'a> {
    page: usize,
    field: String,
    name: Option<&'a Spanned<String>>,
    question: &'a FileQuestion,
}

pub(super) fn check_references(report: &mut Report<'_>, parsed: &FileQuestionnaire) {
    let mut pages: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, page) in parsed.pages.iter().enumerate() {
        let Some(name) = &page.get_ref().name else { continue };
        let line = report.line_of(name.span().start);
        match pages.get(name.get_ref().as_str()) {
            Some(first) => report.error(
                name.span().start,
                format!("pages[{index}].name"),
                format!("page '{}' is defined twice (first on line {first})", name.get_ref()),
            ),
            None => {
                pages.insert(name.get_ref(), line);
            }
        }
    }

    let entries: Vec<Entry<'_>> = parsed
        .pages
        .iter()
        .enumerate()
        .flat_map(|(page, file_page)| {
            file_page.get_ref().questions.iter().enumerate().map(move |(position, question)| Entry {
                page,
                field: format!("pages[{page}].questions[{position}]"),
                name: question.get_ref().name.as_ref(),
                question: question.get_ref(),
            })
        })
        .collect();
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let Some(name) = entry.name else { continue };
        match by_name.get(name.get_ref().as_str()) {
            Some(&first) => {
                let first_line = entries[first].name.map_or(0, |first| report.line_of(first.span().start));
                report.error(
                    name.span().start,
                    format!("{}.name", entry.field),
                    format!("question '{}' is defined twice (first on line {first_line})", name.get_ref()),
                );
            }
            None => {
                by_name.insert(name.get_ref(), index);
            }
        }
    }

    let mut targets: Vec<Option<usize>> = vec![None; entries.len()];
    for (index, entry) in entries.iter().enumerate() {
        let Some(condition) = &entry.question.show_if else { continue };
        let Some(target_name) = &condition.get_ref().question else { continue };
        let field = format!("{}.show_if", entry.field);
        let Some(&target) = by_name.get(target_name.get_ref().as_str()) else {
            report.error(
                target_name.span().start,
                format!("{field}.question"),
                format!("question '{}' is not in this questionnaire", target_name.get_ref()),
            );
            continue;
        };
        targets[index] = Some(target);
        if entries[target].page > entry.page {
            report.error(
                target_name.span().start,
                format!("{field}.question"),
                format!(
                    "question '{}' is on a later page (pages[{}]); a condition can only name a question on the same page or an earlier one",
                    target_name.get_ref(),
                    entries[target].page
                ),
            );
        }
        check_codes(report, &field, target_name.get_ref(), condition.get_ref(), entries[target].question);
    }

    for cycle in cycles(&targets) {
        let names: Vec<&str> =
            cycle.iter().chain(cycle.first()).map(|&index| entries[index].name.map_or("?", |name| name.get_ref().as_str())).collect();
        let first = &entries[cycle[0]];
        let at =
            first.question.show_if.as_ref().and_then(|condition| condition.get_ref().question.as_ref()).map_or(0, |name| name.span().start);
        report.error(
            at,
            format!("{}.show_if.question", first.field),
            format!("conditions form a cycle: {} (each show_if names the next, so none of them can be shown)", names.join(" → ")),
        );
    }
}

/// `equals` and `any_of` test choice codes, so the target must be a choice question that has those codes.
fn check_codes(report: &mut Report<'_>, field: &str, target_name: &str, condition: &FileCondition, target: &FileQuestion) {
    let mut codes: Vec<(&Spanned<String>, String)> = Vec::new();
    if let Some(code) = &condition.equals {
        codes.push((code, format!("{field}.equals")));
    }
    if let Some(list) = &condition.any_of {
        codes.extend(list.get_ref().iter().map(|code| (code, format!("{field}.any_of"))));
    }
    let Some((first, first_field)) = codes.first() else { return };
    let Some(kind) = target.question_type() else { return };
    if !kind.is_choice() {
        report.error(
            first.span().start,
            first_field.clone(),
            format!(
                "question '{target_name}' is a {} question; equals and any_of test the codes of a single_choice or multiple_choice question (use answered = true)",
                kind.code()
            ),
        );
        return;
    }
    let Some(choices) = &target.choices else { return };
    let known: Vec<&str> =
        choices.get_ref().iter().filter_map(|choice| choice.get_ref().code.as_ref()).map(|code| code.get_ref().as_str()).collect();
    for (code, code_field) in codes {
        if !known.contains(&code.get_ref().as_str()) {
            report.error(
                code.span().start,
                code_field,
                format!("'{}' is not a choice of question '{target_name}' (its choices are {})", code.get_ref(), known.join(", ")),
            );
        }
    }
}

/// Each question names at most one other, so following the names from each question finds every cycle; each is
/// given once, starting at its question that comes first in the file.
fn cycles(targets: &[Option<usize>]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; targets.len()];
    let mut found = Vec::new();
    for start in 0..targets.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(current) = at {
            match marks[current] {
                Mark::Done => break,
                Mark::OnPath => {
                    let begin = path.iter().position(|&p| p == current).unwrap_or(0);
                    let mut cycle: Vec<usize> = path[begin..].to_vec();
                    let lowest = cycle.iter().enumerate().min_by_key(|(_, index)| **index).map_or(0, |(position, _)| position);
                    cycle.rotate_left(lowest);
                    found.push(cycle);
                    break;
                }
                Mark::New => {
                    marks[current] = Mark::OnPath;
                    path.push(current);
                    at = targets[current];
                }
            }
        }
        for index in path {
            marks[index] = Mark::Done;
        }
    }
    found.sort();
    found
}

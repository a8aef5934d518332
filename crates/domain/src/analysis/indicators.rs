//! The indicators of one wave, computed from its submitted answers: response, leading theme, adoption of the
//! building blocks, support need, collaboration and its focus. Every share is a `Proportion` whose population is
//! the organisations the wave asked (or, for a breakdown, those of the group), so a figure always carries its base
//! and interval. The questions read are named in `questions`; a questionnaire without one of them simply has no
//! such indicator.

use std::collections::BTreeMap;

use serde::Serialize;

use super::status_matrix::{IN_USE_BYTE, StatusMatrix, status_byte};
use super::{Proportion, Summary, Z_95};
use crate::questionnaire::{Answer, Answers, BlockStatus, Questionnaire, SupportForm};
use crate::register::{OrgCode, SizeClass};

/// The smallest number of respondents for which a breakdown (a province, a size class) is published. Below it a
/// share says more about one municipality than about the group.
pub const MIN_N: usize = 10;

/// The question names the indicators read.
pub mod questions {
    pub const LEADING_THEME: &str = "leading_theme";
    pub const BLOCKS: &str = "blocks";
    pub const COLLECTIVE_SUPPORT: &str = "collective_support";
    pub const COLLABORATES: &str = "collaborates";
    pub const COLLABORATION_AREAS: &str = "collaboration_areas";
    pub const FUTURE_COLLABORATION: &str = "future_collaboration";
    pub const FUTURE_COLLABORATION_FOCUS: &str = "future_collaboration_focus";
    /// The choice of `LEADING_THEME` the headline reports.
    pub const SERVICE_DELIVERY: &str = "dienstverlening";
    pub const YES: &str = "ja";
}

/// An organisation the wave asked, with what it is broken down by.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    pub code: OrgCode,
    pub province: Option<OrgCode>,
    /// From the population figure on the wave's date; `None` when there is none (never guessed).
    pub size_class: Option<SizeClass>,
}

/// What the indicators of a wave are computed from.
#[derive(Clone, Copy, Debug)]
pub struct WaveInput<'a> {
    /// The register on the wave's date: who was asked.
    pub asked: &'a [Asked],
    /// The submitted answers. An organisation that is not asked is left out; one that appears twice counts once.
    pub responses: &'a [(OrgCode, Answers)],
    /// The codes of the wave's catalogue, in its order: "in use" is counted out of these.
    pub blocks: &'a [String],
    /// For the labels of choices and the order of the categories.
    pub questionnaire: &'a Questionnaire,
}

/// A group a wave is broken down by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum Group {
    Province(OrgCode),
    /// `None`: no population figure on the wave's date.
    SizeClass(Option<SizeClass>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Indicators {
    /// How many organisations were asked: the population of every share.
    pub asked: usize,
    pub respondents: usize,
    pub response: Proportion,
    pub leading_theme: Vec<CategoryShare>,
    pub adoption: Option<Adoption>,
    pub blocks: Vec<BlockIndicator>,
    pub support: Support,
    pub collaboration: Collaboration,
}

/// A share of the respondents who chose a category (a choice, a status, a form of support).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryShare {
    pub code: String,
    pub label: String,
    pub share: Proportion,
}

/// The share of the wave's blocks each respondent has in use, and how it spreads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Adoption {
    /// The size of the wave's catalogue.
    pub blocks: usize,
    pub summary: Summary,
    /// The 95% interval of the mean, with the finite-population correction.
    pub mean_low: f64,
    pub mean_high: f64,
    /// Respondents by their share in use: ten bins of 10 points, the last including 100%.
    pub histogram: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockIndicator {
    pub code: String,
    /// One share per status, in the order of progress; the base is the respondents who gave this block a status.
    pub statuses: Vec<CategoryShare>,
    pub in_use: Proportion,
    /// Of the respondents who said whether they need support with this block.
    pub support_needed: Proportion,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Support {
    /// Respondents who need support with at least one block, of those who answered the matrix.
    pub any_block: Proportion,
    /// Per form: respondents who ask it for at least one block, of those who answered the matrix.
    pub by_form: Vec<CategoryShare>,
    /// "Yes" to collective support, of those who answered it.
    pub collective: Option<Proportion>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Collaboration {
    /// "Yes" to collaborating on ICT, of those who answered it.
    pub collaborates: Option<Proportion>,
    /// Per area, of those who collaborate.
    pub areas: Vec<CategoryShare>,
    /// "Yes" to plans to collaborate (more), of those who answered it.
    pub plans: Option<Proportion>,
    /// Per focus, of all who answered whether they have plans (those without plans chose none).
    pub focus: Vec<CategoryShare>,
}

/// The answers that count: of organisations the wave asked, each once (the first in code order).
pub(crate) fn counted<'a>(input: &WaveInput<'a>) -> Vec<(&'a Asked, &'a Answers)> {
    let asked: BTreeMap<&OrgCode, &Asked> = input.asked.iter().map(|a| (&a.code, a)).collect();
    let mut seen: BTreeMap<&OrgCode, (&Asked, &Answers)> = BTreeMap::new();
    for (code, answers) in input.responses {
        if let Some(organisation) = asked.get(code) {
            seen.entry(code).or_insert((organisation, answers));
        }
    }
    seen.into_values().collect()
}

/// Computes every indicator of the wave.
pub fn compute(input: &WaveInput) -> Indicators {
    let counted = counted(input);
    compute_counted(input, input.asked.len(), &counted)
}

/// The indicators of one group: its asked organisations are the population. `None` when the group has fewer
/// than `MIN_N` respondents (then only its response is published, see `group_response`).
pub fn compute_group(input: &WaveInput, group: &Group) -> Option<Indicators> {
    let asked: Vec<Asked> = input.asked.iter().filter(|a| in_group(a, group)).cloned().collect();
    let subset = WaveInput { asked: &asked, ..*input };
    let counted = counted(&subset);
    (counted.len() >= MIN_N).then(|| compute_counted(&subset, asked.len(), &counted))
}

/// How many of a group were asked and responded, published whatever the number (a count of the census).
pub fn group_response(input: &WaveInput, group: &Group) -> Proportion {
    let asked: Vec<Asked> = input.asked.iter().filter(|a| in_group(a, group)).cloned().collect();
    let respondents = counted(&WaveInput { asked: &asked, ..*input }).len();
    Proportion::new(respondents, asked.len(), asked.len())
}

/// The groups of the wave: every province and every size class (with "unknown") that has an organisation asked.
pub fn groups(input: &WaveInput) -> Vec<Group> {
    let mut groups: Vec<Group> = input
        .asked
        .iter()
        .flat_map(|a| a.province.clone().map(Group::Province).into_iter().chain([Group::SizeClass(a.size_class)]))
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

fn in_group(asked: &Asked, group: &Group) -> bool {
    match group {
        Group::Province(code) => asked.province.as_ref() == Some(code),
        Group::SizeClass(class) => asked.size_class == *class,
    }
}

fn compute_counted(input: &WaveInput, population: usize, counted: &[(&Asked, &Answers)]) -> Indicators {
    let share = |count: usize, n: usize| Proportion::new(count, n, population);
    let answers: Vec<&Answers> = counted.iter().map(|(_, answers)| *answers).collect();
    let (adoption, blocks, support_any, by_form) = block_indicators(input, &answers, population);
    let yes = |question: &str| yes_share(&answers, question, population);
    Indicators {
        asked: population,
        respondents: counted.len(),
        response: share(counted.len(), population),
        leading_theme: choice_shares(input.questionnaire, &answers, questions::LEADING_THEME, Base::Answered, population),
        adoption,
        blocks,
        support: Support { any_block: support_any, by_form, collective: yes(questions::COLLECTIVE_SUPPORT) },
        collaboration: Collaboration {
            collaborates: yes(questions::COLLABORATES),
            areas: choice_shares(
                input.questionnaire,
                &answers,
                questions::COLLABORATION_AREAS,
                Base::SaidYes(questions::COLLABORATES),
                population,
            ),
            plans: yes(questions::FUTURE_COLLABORATION),
            focus: choice_shares(
                input.questionnaire,
                &answers,
                questions::FUTURE_COLLABORATION_FOCUS,
                Base::AnsweredQuestion(questions::FUTURE_COLLABORATION),
                population,
            ),
        },
    }
}

fn answered<'a>(answers: &'a Answers, question: &str) -> Option<&'a Answer> {
    answers.get(question).filter(|answer| !answer.is_empty())
}

/// The share answering "yes" of those who answered the question; `None` when nobody did.
fn yes_share(answers: &[&Answers], question: &str, population: usize) -> Option<Proportion> {
    let given: Vec<&Answer> = answers.iter().filter_map(|a| answered(a, question)).collect();
    let yes = given.iter().filter(|answer| answer.codes().contains(&questions::YES)).count();
    (!given.is_empty()).then(|| Proportion::new(yes, given.len(), population))
}

/// Who a choice share is counted among.
#[derive(Clone, Copy)]
enum Base<'q> {
    /// Those who answered the question itself.
    Answered,
    /// Those who answered another question; those not shown this one chose none of its choices.
    AnsweredQuestion(&'q str),
    /// Those who said yes to another question.
    SaidYes(&'q str),
}

/// Per choice of `question`, the share of the base who chose it; empty when the base is empty.
fn choice_shares(questionnaire: &Questionnaire, answers: &[&Answers], question: &str, base: Base, population: usize) -> Vec<CategoryShare> {
    let Some(definition) = questionnaire.question(question) else { return Vec::new() };
    let in_base = |a: &Answers| match base {
        Base::Answered => answered(a, question).is_some(),
        Base::AnsweredQuestion(other) => answered(a, other).is_some(),
        Base::SaidYes(other) => answered(a, other).is_some_and(|x| x.codes().contains(&questions::YES)),
    };
    let base: Vec<&Answers> = answers.iter().copied().filter(|a| in_base(a)).collect();
    if base.is_empty() {
        return Vec::new();
    }
    definition
        .choices()
        .iter()
        .map(|choice| {
            let count = base.iter().filter(|a| answered(a, question).is_some_and(|x| x.codes().contains(&choice.code.as_str()))).count();
            CategoryShare {
                code: choice.code.clone(),
                label: choice.label.nl.clone(),
                share: Proportion::new(count, base.len(), population),
            }
        })
        .collect()
}

type BlockFigures = (Option<Adoption>, Vec<BlockIndicator>, Proportion, Vec<CategoryShare>);

fn block_indicators(input: &WaveInput, answers: &[&Answers], population: usize) -> BlockFigures {
    let mut matrix = StatusMatrix::with_capacity(input.blocks.len(), answers.len());
    let mut needed = vec![(0usize, 0usize); input.blocks.len()];
    let mut any_need = 0;
    let mut forms = [0usize; SupportForm::ALL.len()];
    let mut row = vec![0u8; input.blocks.len()];
    for answers in answers {
        let Some(Answer::Matrix(matrix_answer)) = answered(answers, questions::BLOCKS) else { continue };
        let mut needs_any = false;
        let mut asks = [false; SupportForm::ALL.len()];
        for (index, code) in input.blocks.iter().enumerate() {
            let block = matrix_answer.get(code);
            row[index] = status_byte(block.and_then(|b| b.status));
            if let Some(need) = block.and_then(|b| b.support_needed) {
                needed[index].1 += 1;
                if need {
                    needed[index].0 += 1;
                    needs_any = true;
                    for (ask, form) in asks.iter_mut().zip(SupportForm::ALL) {
                        *ask |= block.is_some_and(|b| b.support_forms.contains(&form));
                    }
                }
            }
        }
        matrix.push_row(&row);
        any_need += usize::from(needs_any);
        for (count, ask) in forms.iter_mut().zip(asks) {
            *count += usize::from(ask);
        }
    }
    let answered_matrix = matrix.rows();
    let tally = matrix.tally();
    let blocks = input
        .blocks
        .iter()
        .enumerate()
        .map(|(index, code)| {
            let counts = tally.status_counts[index];
            let n: usize = counts[1..].iter().map(|c| *c as usize).sum();
            let statuses = BlockStatus::ALL
                .iter()
                .map(|status| CategoryShare {
                    code: status.code().to_owned(),
                    label: status.label_nl().to_owned(),
                    share: Proportion::new(counts[usize::from(status_byte(Some(*status)))] as usize, n, population),
                })
                .collect();
            BlockIndicator {
                code: code.clone(),
                statuses,
                in_use: Proportion::new(counts[usize::from(IN_USE_BYTE)] as usize, n, population),
                support_needed: Proportion::new(needed[index].0, needed[index].1, population),
            }
        })
        .collect();
    let by_form = SupportForm::ALL
        .iter()
        .zip(forms)
        .map(|(form, count)| CategoryShare {
            code: form.code().to_owned(),
            label: form.label_nl().to_owned(),
            share: Proportion::new(count, answered_matrix, population),
        })
        .collect();
    let adoption = adoption_of(&tally.in_use_histogram, input.blocks.len(), population);
    (adoption, blocks, Proportion::new(any_need, answered_matrix, population), by_form)
}

/// The adoption spread from the number of respondents with k blocks in use.
pub(super) fn adoption_of(in_use_histogram: &[u32], blocks: usize, population: usize) -> Option<Adoption> {
    if blocks == 0 {
        return None;
    }
    let summary = Summary::of_shares(in_use_histogram)?;
    let share = |k: usize| k as f64 / blocks as f64;
    let (mean_low, mean_high) = mean_interval(in_use_histogram, share, summary, population);
    let mut histogram = vec![0usize; 10];
    for (k, count) in in_use_histogram.iter().enumerate() {
        histogram[((share(k) * 10.0).floor() as usize).min(9)] += *count as usize;
    }
    Some(Adoption { blocks, summary, mean_low, mean_high, histogram })
}

/// The normal-approximation interval of the mean share, with the finite-population correction, kept in 0..=1.
fn mean_interval(in_use_histogram: &[u32], share: impl Fn(usize) -> f64, summary: Summary, population: usize) -> (f64, f64) {
    let (n, mean) = (summary.n, summary.mean);
    if n < 2 || n >= population {
        return (mean, mean);
    }
    let squares: f64 = in_use_histogram.iter().enumerate().map(|(k, count)| f64::from(*count) * (share(k) - mean).powi(2)).sum();
    let variance = squares / (n - 1) as f64;
    let correction = (population - n) as f64 / (population - 1) as f64;
    let half = Z_95 * (variance / n as f64 * correction).sqrt();
    ((mean - half).max(0.0), (mean + half).min(1.0))
}

#[cfg(test)]
#[path = "indicators_tests.rs"]
mod tests;

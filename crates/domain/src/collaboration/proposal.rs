//! What a survey answer proposes for the register, line by line, and what accepting the chosen lines does. A line
//! is matched first to a registered collaboration by normalised name, then to a municipality by name; any other
//! line proposes a new collaboration of that name.

use std::collections::{BTreeMap, BTreeSet};

use super::{Collaboration, CollaborationDraft, MunicipalityIndex, SurveyAnswer, normalise};
use crate::register::OrgCode;

/// What one line of the partners answer proposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineProposal {
    /// The name of a registered collaboration that the respondent is not a member of: it joins.
    Join { collaboration: i64, name: String },
    /// The name of a registered collaboration that the respondent is a member of already: nothing to do.
    AlreadyMember { collaboration: i64, name: String },
    /// Another municipality: together with the answer's other such lines, a new collaboration with the respondent.
    Municipality { code: OrgCode, name: String },
    /// The respondent itself: nothing to do.
    Itself,
    /// No match: a new collaboration of this name, with the respondent as its first member.
    New { name: String },
}

impl LineProposal {
    /// Whether accepting the line changes the register.
    pub fn changes_something(&self) -> bool {
        matches!(self, LineProposal::Join { .. } | LineProposal::Municipality { .. } | LineProposal::New { .. })
    }
}

/// An answer with what each of its lines proposes, in the order of the lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub answer: SurveyAnswer,
    pub lines: Vec<(String, LineProposal)>,
}

/// One change to the register that accepting an answer makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Create(CollaborationDraft),
    /// The respondent joins, and the areas of its answer are added to the collaboration's.
    Join {
        collaboration: i64,
        member: OrgCode,
        areas: BTreeSet<super::Area>,
    },
}

/// What `answer` proposes, against the register of municipalities of its wave and the registered collaborations.
pub fn propose(answer: SurveyAnswer, municipalities: &MunicipalityIndex, collaborations: &[Collaboration]) -> Proposal {
    let mut by_name: BTreeMap<String, &Collaboration> = BTreeMap::new();
    for collaboration in collaborations {
        // The oldest of two with one name is the one meant; the team can rename the other.
        by_name.entry(normalise(&collaboration.name)).or_insert(collaboration);
    }
    let lines = answer
        .partners
        .iter()
        .map(|line| {
            let proposal = if let Some(collaboration) = by_name.get(&normalise(line)) {
                let (collaboration, name) = (collaboration.id, collaboration.name.clone());
                if collaborations.iter().any(|c| c.id == collaboration && c.members.contains(&answer.organisation)) {
                    LineProposal::AlreadyMember { collaboration, name }
                } else {
                    LineProposal::Join { collaboration, name }
                }
            } else if let Some(code) = municipalities.find(line) {
                if *code == answer.organisation {
                    LineProposal::Itself
                } else {
                    LineProposal::Municipality { code: code.clone(), name: municipalities.name(code).unwrap_or(code.as_str()).to_owned() }
                }
            } else {
                LineProposal::New { name: line.split_whitespace().collect::<Vec<_>>().join(" ") }
            };
            (line.clone(), proposal)
        })
        .collect();
    Proposal { answer, lines }
}

impl Proposal {
    /// The changes that accepting the lines `chosen` (positions, from 0) makes: every named collaboration joined,
    /// one new collaboration of the respondent with all named municipalities, named after them, and one new
    /// collaboration per other name. Lines that change nothing may be chosen and are passed over.
    pub fn accept(&self, chosen: &BTreeSet<usize>, respondent_name: &str) -> Result<Vec<Step>, String> {
        if chosen.is_empty() {
            return Err("Kies ten minste één regel om over te nemen, of wijs het antwoord af.".to_owned());
        }
        if let Some(missing) = chosen.iter().find(|line| **line >= self.lines.len()) {
            return Err(format!("Regel {} staat niet in dit antwoord; laad de pagina opnieuw.", missing + 1));
        }
        let respondent = &self.answer.organisation;
        let areas = &self.answer.areas;
        let mut steps = Vec::new();
        let mut partners: BTreeMap<OrgCode, String> = BTreeMap::new();
        let mut new_names: BTreeSet<String> = BTreeSet::new();
        for (_, proposal) in chosen.iter().map(|line| &self.lines[*line]) {
            match proposal {
                LineProposal::Join { collaboration, .. } => {
                    let step = Step::Join { collaboration: *collaboration, member: respondent.clone(), areas: areas.clone() };
                    if !steps.contains(&step) {
                        steps.push(step);
                    }
                }
                LineProposal::Municipality { code, name } => {
                    partners.insert(code.clone(), name.clone());
                }
                LineProposal::New { name } => {
                    if new_names.insert(normalise(name)) {
                        let draft =
                            CollaborationDraft { name: name.clone(), members: BTreeSet::from([respondent.clone()]), areas: areas.clone() };
                        steps.push(Step::Create(draft));
                    }
                }
                LineProposal::AlreadyMember { .. } | LineProposal::Itself => {}
            }
        }
        if !partners.is_empty() {
            let mut others: Vec<&str> = partners.values().map(String::as_str).collect();
            others.sort_unstable();
            let mut names: Vec<&str> = vec![respondent_name];
            names.extend(others);
            let name = format!("Samenwerking {}", dutch_list(&names));
            let mut members: BTreeSet<OrgCode> = partners.into_keys().collect();
            members.insert(respondent.clone());
            steps.push(Step::Create(CollaborationDraft { name, members, areas: areas.clone() }));
        }
        Ok(steps)
    }
}

/// "A", "A en B", "A, B en C".
pub(crate) fn dutch_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

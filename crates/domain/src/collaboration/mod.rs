//! The register of collaborations between municipalities: who works with whom, in which of the questionnaire's
//! three areas, and where the register learnt it (a survey answer, or the monitor team). The rules live here:
//! `name` (normalising names and finding municipalities in a line of text), `form` (checking what the team typed),
//! `proposal` (what a survey answer proposes, and what accepting it does) and `network` (who shares a
//! collaboration with whom).

mod form;
mod name;
mod network;
mod proposal;

use std::collections::BTreeSet;

use serde::Serialize;

pub use form::{CollaborationForm, FormError, check_form};
pub use name::{MunicipalityIndex, normalise};
pub use network::{Edge, edges, partners};
pub use proposal::{LineProposal, Proposal, Step, propose};

use crate::fieldwork::WaveId;
use crate::questionnaire::{Answer, Answers};
use crate::register::OrgCode;

/// The questions of the shipped questionnaire that the register reads: the partners, one organisation per line,
/// and the areas of collaboration.
pub const PARTNERS_QUESTION: &str = "partners";
pub const AREAS_QUESTION: &str = "collaboration_areas";

/// The areas of collaboration, as the questionnaire asks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Area {
    #[serde(rename = "techniek")]
    Technique,
    #[serde(rename = "processen-en-informatiemanagement")]
    Processes,
    #[serde(rename = "strategie-en-beleid")]
    Strategy,
}

impl Area {
    pub const ALL: [Area; 3] = [Area::Technique, Area::Processes, Area::Strategy];

    /// The choice code in the questionnaire, which the register stores.
    pub fn code(self) -> &'static str {
        match self {
            Area::Technique => "techniek",
            Area::Processes => "processen-en-informatiemanagement",
            Area::Strategy => "strategie-en-beleid",
        }
    }

    pub fn parse(code: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|area| area.code() == code.trim())
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            Area::Technique => "Techniek",
            Area::Processes => "Processen en informatiemanagement",
            Area::Strategy => "Strategie en beleid",
        }
    }
}

/// Where the register learnt of a collaboration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Entered by the monitor team.
    Team,
    /// The answer of `organisation` in `wave`, accepted by the team.
    Survey { wave: WaveId, organisation: OrgCode },
}

/// A registered collaboration.
#[derive(Clone, Debug, PartialEq)]
pub struct Collaboration {
    pub id: i64,
    pub name: String,
    pub members: BTreeSet<OrgCode>,
    pub areas: BTreeSet<Area>,
    pub source: Source,
    /// Drawn from a simulated wave's answers (the demo): every page that shows it says so.
    pub simulated: bool,
    /// Counts the changes; an edit names the revision it was based on.
    pub revision: i64,
}

impl Collaboration {
    /// Whether it works in `area` (any area when `None`) and has a member in `province` (anywhere when `None`),
    /// given each member's province.
    pub fn matches<'a>(
        &self,
        area: Option<Area>,
        province: Option<&OrgCode>,
        province_of: impl Fn(&OrgCode) -> Option<&'a OrgCode>,
    ) -> bool {
        area.is_none_or(|area| self.areas.contains(&area))
            && province.is_none_or(|province| self.members.iter().any(|member| province_of(member) == Some(province)))
    }
}

/// A collaboration as it is to be stored: checked, but without an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollaborationDraft {
    pub name: String,
    pub members: BTreeSet<OrgCode>,
    pub areas: BTreeSet<Area>,
}

/// The team's decision on a survey answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Review {
    /// Taken into the register with these changes (none when the respondent was already where it said).
    Accepted(Vec<Step>),
    Rejected,
}

impl Review {
    pub fn code(&self) -> &'static str {
        match self {
            Review::Accepted(_) => "accepted",
            Review::Rejected => "rejected",
        }
    }
}

/// One submitted answer that names partners, as the review reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub wave: WaveId,
    pub organisation: OrgCode,
    /// The response's revision: a decision holds for this revision only.
    pub revision: i64,
    /// The non-empty lines of the partners question, trimmed.
    pub partners: Vec<String>,
    pub areas: BTreeSet<Area>,
}

impl SurveyAnswer {
    /// The answer of `organisation` in `wave`, or `None` when it names no partners.
    pub fn from_answers(wave: WaveId, organisation: OrgCode, revision: i64, answers: &Answers) -> Option<SurveyAnswer> {
        let partners: Vec<String> = match answers.get(PARTNERS_QUESTION) {
            Some(Answer::Text(text)) => text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        if partners.is_empty() {
            return None;
        }
        let areas =
            answers.get(AREAS_QUESTION).map(|answer| answer.codes().into_iter().filter_map(Area::parse).collect()).unwrap_or_default();
        Some(SurveyAnswer { wave, organisation, revision, partners, areas })
    }
}

#[cfg(test)]
mod tests;

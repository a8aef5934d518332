//! Answers as they are kept: one per question name, in JSON. What a respondent typed is kept even when it is not
//! valid yet (a number that does not parse stays text), so that a half-filled form loses nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The answers of one response: question name to answer. A question without an answer is absent.
pub type Answers = BTreeMap<String, Answer>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// A single choice's code, a text, or a number or scale value that did not parse (validation flags it).
    Text(String),
    /// The codes of a multiple choice.
    Many(Vec<String>),
    Number(f64),
    /// A building-block matrix: block code to that block's answer.
    Matrix(BTreeMap<String, BlockAnswer>),
}

impl Answer {
    /// The choice codes this answer holds; empty for numbers and matrices.
    pub fn codes(&self) -> Vec<&str> {
        match self {
            Answer::Text(code) => vec![code.as_str()],
            Answer::Many(codes) => codes.iter().map(String::as_str).collect(),
            Answer::Number(_) | Answer::Matrix(_) => Vec::new(),
        }
    }

    /// True when the answer says nothing, such as a blank text or an empty list; it then counts as no answer.
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Text(text) => text.trim().is_empty(),
            Answer::Many(codes) => codes.iter().all(|code| code.trim().is_empty()),
            Answer::Number(_) => false,
            Answer::Matrix(blocks) => blocks.values().all(BlockAnswer::is_empty),
        }
    }
}

/// One row of the building-block matrix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BlockStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_needed: Option<bool>,
    /// Only meaningful when `support_needed` is `Some(true)`; see `Questionnaire::without_hidden`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub support_forms: BTreeSet<SupportForm>,
}

impl BlockAnswer {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.support_needed.is_none() && self.support_forms.is_empty()
    }
}

/// Where a municipality stands with one building block. The order is the order of progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockStatus {
    NotStarted,
    Orienting,
    Planned,
    Implementing,
    InUse,
}

impl BlockStatus {
    pub const ALL: [BlockStatus; 5] =
        [BlockStatus::NotStarted, BlockStatus::Orienting, BlockStatus::Planned, BlockStatus::Implementing, BlockStatus::InUse];

    /// The code in JSON, in form fields and in exports.
    pub fn code(self) -> &'static str {
        match self {
            BlockStatus::NotStarted => "not_started",
            BlockStatus::Orienting => "orienting",
            BlockStatus::Planned => "planned",
            BlockStatus::Implementing => "implementing",
            BlockStatus::InUse => "in_use",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            BlockStatus::NotStarted => "Niet gestart",
            BlockStatus::Orienting => "Oriënterend",
            BlockStatus::Planned => "Gepland",
            BlockStatus::Implementing => "In implementatie",
            BlockStatus::InUse => "In gebruik",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            BlockStatus::NotStarted => "Not started",
            BlockStatus::Orienting => "Orienting",
            BlockStatus::Planned => "Planned",
            BlockStatus::Implementing => "Implementing",
            BlockStatus::InUse => "In use",
        }
    }
}

/// The forms of support the institute offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportForm {
    RegionalMeetings,
    KnowledgeBase,
    ArchitecturesStandards,
    OnSiteHelp,
}

impl SupportForm {
    pub const ALL: [SupportForm; 4] =
        [SupportForm::RegionalMeetings, SupportForm::KnowledgeBase, SupportForm::ArchitecturesStandards, SupportForm::OnSiteHelp];

    /// The code in JSON, in form fields and in exports.
    pub fn code(self) -> &'static str {
        match self {
            SupportForm::RegionalMeetings => "regional_meetings",
            SupportForm::KnowledgeBase => "knowledge_base",
            SupportForm::ArchitecturesStandards => "architectures_standards",
            SupportForm::OnSiteHelp => "on_site_help",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|form| form.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            SupportForm::RegionalMeetings => "Regionale bijeenkomsten",
            SupportForm::KnowledgeBase => "Kennisbank",
            SupportForm::ArchitecturesStandards => "Architecturen en standaarden",
            SupportForm::OnSiteHelp => "Ondersteuning op locatie",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SupportForm::RegionalMeetings => "Regional meetings",
            SupportForm::KnowledgeBase => "Knowledge base",
            SupportForm::ArchitecturesStandards => "Architectures and standards",
            SupportForm::OnSiteHelp => "On-site help",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_through_json() {
        let mut matrix = BTreeMap::new();
        matrix.insert(
            "digid".to_owned(),
            BlockAnswer {
                status: Some(BlockStatus::Implementing),
                support_needed: Some(true),
                support_forms: [SupportForm::KnowledgeBase, SupportForm::OnSiteHelp].into(),
            },
        );
        matrix.insert("bsn".to_owned(), BlockAnswer { status: Some(BlockStatus::InUse), ..BlockAnswer::default() });
        let answers: Answers = [
            ("leading_theme".to_owned(), Answer::Text("dienstverlening".to_owned())),
            ("collaboration_areas".to_owned(), Answer::Many(vec!["techniek".to_owned(), "strategie-en-beleid".to_owned()])),
            ("ict_staff".to_owned(), Answer::Number(12.0)),
            ("satisfaction".to_owned(), Answer::Number(4.0)),
            ("typed_number".to_owned(), Answer::Text("12".to_owned())),
            ("blocks".to_owned(), Answer::Matrix(matrix)),
        ]
        .into();
        let json = serde_json::to_string(&answers).unwrap();
        assert!(json.contains(r#""bsn":{"status":"in_use"}"#), "{json}");
        assert!(json.contains(r#""support_forms":["knowledge_base","on_site_help"]"#), "{json}");
        assert!(json.contains(r#""typed_number":"12""#), "{json}");
        let back: Answers = serde_json::from_str(&json).unwrap();
        assert_eq!(back, answers);
    }

    #[test]
    fn codes_and_labels_agree_with_serde() {
        for status in BlockStatus::ALL {
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.code()));
            assert_eq!(BlockStatus::from_code(status.code()), Some(status));
            assert!(!status.label_nl().is_empty() && !status.label_en().is_empty());
        }
        for form in SupportForm::ALL {
            assert_eq!(serde_json::to_string(&form).unwrap(), format!("\"{}\"", form.code()));
            assert_eq!(SupportForm::from_code(form.code()), Some(form));
        }
        assert_eq!(BlockStatus::from_code("done"), None);
    }

    #[test]
    fn blank_answers_count_as_none() {
        assert!(Answer::Text("  ".to_owned()).is_empty());
        assert!(Answer::Many(Vec::new()).is_empty());
        assert!(Answer::Matrix([("digid".to_owned(), BlockAnswer::default())].into()).is_empty());
        assert!(!Answer::Number(0.0).is_empty());
    }
}

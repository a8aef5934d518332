//! The layout of a wave's raw responses as a table: which columns there are, what one response puts in them, and
//! the codebook that describes every column. Writers (CSV, XLSX, JSON) live in the web crate; this module decides
//! only what goes where, so that every format says the same thing.
//!
//! A wave may hold responses to several versions of its questionnaire. The columns are the union over those
//! versions: the newest version's questions in its order, then the questions only older versions had, so that a
//! changed questionnaire never breaks an export. One row per response (organisation), drafts included.
//!
//! The same layout, restricted (`Layout::public`), is the open data of a published wave: the submitted responses
//! only, the questions the questionnaire marks `public`, and of the fixed columns only the wave, the organisation
//! (code, name, province) and the questionnaire version; nothing about how or when a response came in, or who was
//! interviewed.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::{Mode, Response, ResponseState};
use crate::catalogue::Catalogue;
use crate::questionnaire::{
    Answer, Answers, Bilingual, BlockAnswer, BlockStatus, Choice, Question, QuestionKind, QuestionType, Questionnaire, SupportForm,
    parse_number,
};
use crate::register::OrgCode;

/// One response with what the register says about its organisation, as an export reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseRecord {
    pub response: Response,
    pub organisation_name: String,
    /// The province the register places the organisation in; none for an organisation outside a province.
    pub province: Option<OrgCode>,
}

/// One cell of a row. Numbers stay numbers so that a spreadsheet can compute with them; only `Text` can hold what a
/// person typed, so only `Text` needs guarding against formula injection.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// No answer, or the question was not asked of this response.
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
}

impl Cell<'_> {
    /// The cell as text, numbers with a decimal point and without a needless `.0`.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Number(number) => Cow::Owned(number.to_string()),
        }
    }

    fn flag(on: bool) -> Self {
        Cell::Number(if on { 1.0 } else { 0.0 })
    }
}

/// One column as the codebook describes it; the codebook has one of these per column of the responses table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The header of the column.
    pub column: String,
    /// The question the column answers (its name in the questionnaire); empty for the fixed columns.
    pub question: String,
    /// The question type (`single_choice`, …, `block_matrix`), or for a fixed column what it holds (`code`, `text`,
    /// `number`, `date`, `timestamp`).
    #[serde(rename = "type")]
    pub kind: String,
    pub label_nl: String,
    pub label_en: String,
    /// How the values are coded: `code=label; …` for codes, what a number means otherwise.
    pub values: String,
    /// The stored questionnaire versions that had the question, `;`-separated (the values of
    /// `questionnaire_version`); every version in the export for a fixed column.
    pub versions: String,
    /// What the cells hold, for the formats that declare a type per column (SPSS, Stata, R, CSVW). Not part of the
    /// codebook's own files, whose `type` and `values` say it in words.
    #[serde(skip)]
    pub storage: Storage,
    /// The codes a cell can hold, each with its Dutch label, for the formats that label values (SPSS, Stata, R):
    /// choice codes, a status, `0`/`1` of a flag, the labelled ends of a scale. Empty when the cells are not codes.
    #[serde(skip)]
    pub value_labels: Vec<ValueLabel>,
}

/// What the cells of a column hold. An empty cell is always "no value" (see each column's `values`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// Text: a code, a name or what a respondent typed.
    Text,
    /// A number with a decimal point; a draft's number question may still hold text that is no number.
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A moment in UTC, ISO 8601 to the second: `YYYY-MM-DDTHH:MM:SSZ`.
    Timestamp,
}

/// One code of a coded column and what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueLabel {
    /// The code as the CSV writes it (`1` for a number).
    pub code: String,
    pub label_nl: String,
}

impl ValueLabel {
    fn new(code: impl Into<String>, label_nl: impl Into<String>) -> Self {
        Self { code: code.into(), label_nl: label_nl.into() }
    }
}

/// The codes of a 0/1 column.
fn flag_labels(yes: &str, no: &str) -> Vec<ValueLabel> {
    vec![ValueLabel::new("0", no), ValueLabel::new("1", yes)]
}

/// The `values` text of a codebook row for labelled codes: `code=label; …`.
fn coded_values(labels: &[ValueLabel]) -> String {
    labels.iter().map(|l| format!("{}={}", l.code, l.label_nl)).collect::<Vec<_>>().join("; ")
}

/// The codebook's own header, in the order of `Column`'s fields.
pub const CODEBOOK_HEADER: [&str; 7] = ["column", "question", "type", "label_nl", "label_en", "values", "versions"];

impl Column {
    /// The codebook row as cells, in the order of `CODEBOOK_HEADER`.
    pub fn cells(&self) -> [&str; 7] {
        [&self.column, &self.question, &self.kind, &self.label_nl, &self.label_en, &self.values, &self.versions]
    }
}

/// Who an export is for, which decides the rows and columns it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The monitor team and analysts: every response, drafts included, every question, and how and when each
    /// response came in.
    Team,
    /// Open data of a published wave: submitted responses only, the questions marked `public`, and of the fixed
    /// columns the wave, the organisation's code, name and province, and the questionnaire version.
    Public,
}

/// The fixed columns every row starts with, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fixed {
    Wave,
    OrganisationCode,
    OrganisationName,
    ProvinceCode,
    QuestionnaireVersion,
    State,
    Mode,
    InterviewDate,
    Interviewees,
    StartedAt,
    UpdatedAt,
    SubmittedAt,
}

impl Fixed {
    const ALL: [Fixed; 12] = [
        Fixed::Wave,
        Fixed::OrganisationCode,
        Fixed::OrganisationName,
        Fixed::ProvinceCode,
        Fixed::QuestionnaireVersion,
        Fixed::State,
        Fixed::Mode,
        Fixed::InterviewDate,
        Fixed::Interviewees,
        Fixed::StartedAt,
        Fixed::UpdatedAt,
        Fixed::SubmittedAt,
    ];

    /// What the public sees: who answered, and with which questionnaire; not how or when, nor who was interviewed.
    const PUBLIC: [Fixed; 5] =
        [Fixed::Wave, Fixed::OrganisationCode, Fixed::OrganisationName, Fixed::ProvinceCode, Fixed::QuestionnaireVersion];

    fn of(scope: Scope) -> &'static [Fixed] {
        match scope {
            Scope::Team => &Fixed::ALL,
            Scope::Public => &Fixed::PUBLIC,
        }
    }

    /// Header, type, Dutch label, English label, values (of a coded column: see `value_labels`).
    fn describe(self, scope: Scope) -> (&'static str, &'static str, &'static str, &'static str, &'static str) {
        match self {
            Fixed::Wave if scope == Scope::Public => (
                "wave",
                "code",
                "Meting (golf). Eén rij per organisatie die de vragenlijst indiende, met alleen de antwoorden op de vragen die de vragenlijst openbaar maakt; contactgegevens, vrije teksten en hoe en wanneer er geantwoord is, zijn niet openbaar.",
                "Wave. One row per organisation that submitted the questionnaire, with only the answers to the questions the questionnaire makes public; contact details, free texts and how and when the answers were given are not public.",
                "",
            ),
            Fixed::Wave => (
                "wave",
                "code",
                "Meting (golf). Eén rij per organisatie die aan de vragenlijst begon, ook als die nog niet is ingediend.",
                "Wave. One row per organisation that started the questionnaire, also when it has not been submitted yet.",
                "",
            ),
            Fixed::OrganisationCode => ("organisation_code", "code", "CBS-code van de organisatie", "CBS code of the organisation", ""),
            Fixed::OrganisationName => {
                ("organisation_name", "text", "Naam van de organisatie in het register", "Name of the organisation in the register", "")
            }
            Fixed::ProvinceCode => {
                ("province_code", "code", "CBS-code van de provincie van de organisatie", "CBS code of the organisation's province", "")
            }
            Fixed::QuestionnaireVersion => (
                "questionnaire_version",
                "number",
                "Versie van de vragenlijst die deze respons beantwoordde. De kolommen zijn de vereniging van alle versies in deze export; een vraag die de versie niet had, blijft leeg (zie 'versions').",
                "Version of the questionnaire this response answered. The columns are the union of all versions in this export; a question its version did not have stays empty (see 'versions').",
                "",
            ),
            Fixed::State => (
                "state",
                "code",
                "Stand van de respons. Concepten zijn opgenomen, zodat het monitorteam ze ziet; laat ze weg voor de cijfers.",
                "State of the response. Drafts are included so that the monitor team sees them; leave them out for the figures.",
                "",
            ),
            Fixed::Mode => ("mode", "code", "Hoe de antwoorden binnenkwamen", "How the answers came in", ""),
            Fixed::InterviewDate => (
                "interview_date",
                "date",
                "Datum van het interview (JJJJ-MM-DD); leeg bij online",
                "Date of the interview (YYYY-MM-DD); empty when online",
                "",
            ),
            Fixed::Interviewees => {
                ("interviewees", "text", "Wie er werden geïnterviewd; leeg bij online", "Who were interviewed; empty when online", "")
            }
            Fixed::StartedAt => ("started_at", "timestamp", "Eerste keer opgeslagen (ISO 8601, UTC)", "First saved (ISO 8601, UTC)", ""),
            Fixed::UpdatedAt => ("updated_at", "timestamp", "Laatst gewijzigd (ISO 8601, UTC)", "Last changed (ISO 8601, UTC)", ""),
            Fixed::SubmittedAt => (
                "submitted_at",
                "timestamp",
                "Ingediend (ISO 8601, UTC); leeg bij een concept",
                "Submitted (ISO 8601, UTC); empty for a draft",
                "",
            ),
        }
    }

    fn storage(self) -> Storage {
        match self {
            Fixed::QuestionnaireVersion => Storage::Number,
            Fixed::InterviewDate => Storage::Date,
            Fixed::StartedAt | Fixed::UpdatedAt | Fixed::SubmittedAt => Storage::Timestamp,
            _ => Storage::Text,
        }
    }

    fn value_labels(self) -> Vec<ValueLabel> {
        match self {
            Fixed::State => vec![ValueLabel::new("draft", "concept, nog niet ingediend"), ValueLabel::new("submitted", "ingediend")],
            Fixed::Mode => vec![
                ValueLabel::new("online", "door de organisatie zelf ingevuld"),
                ValueLabel::new("interview", "door een interviewer ingevoerd uit een interview"),
            ],
            _ => Vec::new(),
        }
    }

    fn cell(self, record: &ResponseRecord) -> Cell<'_> {
        let response = &record.response;
        let text = |value: &'static str| Cell::Text(Cow::Borrowed(value));
        match self {
            Fixed::Wave => Cell::Text(Cow::Borrowed(response.wave.as_str())),
            Fixed::OrganisationCode => Cell::Text(Cow::Borrowed(response.organisation.as_str())),
            Fixed::OrganisationName => Cell::Text(Cow::Borrowed(&record.organisation_name)),
            Fixed::ProvinceCode => record.province.as_ref().map_or(Cell::Empty, |code| Cell::Text(Cow::Borrowed(code.as_str()))),
            // Stored versions are small counters, exact as a float.
            Fixed::QuestionnaireVersion => Cell::Number(response.questionnaire_version as f64),
            Fixed::State => text(response.state.code()),
            Fixed::Mode => text(response.mode.code()),
            Fixed::InterviewDate => match &response.mode {
                Mode::Interview { date, .. } => Cell::Text(Cow::Owned(date_text(*date))),
                Mode::Online => Cell::Empty,
            },
            Fixed::Interviewees => match &response.mode {
                Mode::Interview { interviewees, .. } if !interviewees.is_empty() => Cell::Text(Cow::Borrowed(interviewees)),
                _ => Cell::Empty,
            },
            Fixed::StartedAt => Cell::Text(Cow::Owned(timestamp(response.started_at))),
            Fixed::UpdatedAt => Cell::Text(Cow::Owned(timestamp(response.updated_at))),
            Fixed::SubmittedAt => response.submitted_at.map_or(Cell::Empty, |at| Cell::Text(Cow::Owned(timestamp(at)))),
        }
    }
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// How one question fills its columns.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Fixed(Fixed),
    /// One column: a single choice's code, a text, or a number (`numeric`).
    Single {
        question: String,
        numeric: bool,
    },
    /// One 0/1 column per choice code.
    Choices {
        question: String,
        codes: Vec<String>,
    },
    /// Per block of the catalogue: status, support needed, and one 0/1 column per support form.
    Matrix {
        question: String,
        blocks: Vec<String>,
    },
}

/// One questionnaire version that the export covers: the stored version number and its parsed text.
#[derive(Clone, Debug)]
pub struct ExportedVersion {
    pub version: i64,
    pub questionnaire: Questionnaire,
}

/// A question that has columns in an export: its name, type and (newest) text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportedQuestion {
    pub name: String,
    pub kind: QuestionType,
    pub text: Bilingual,
}

/// The columns of a wave's export and how a response fills them. Build it once per export; it is small.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    scope: Scope,
    parts: Vec<Part>,
    columns: Vec<Column>,
    questions: Vec<ExportedQuestion>,
}

/// A question as the union of the versions that had it: the newest text, every choice any version offered.
struct Merged<'a> {
    question: &'a Question,
    choices: Vec<&'a Choice>,
    versions: BTreeSet<i64>,
    /// Every version that had the question marks it public.
    public: bool,
}

impl Layout {
    /// The layout for responses to these questionnaire versions (in any order; the newest version's order leads),
    /// with block-matrix rows from `catalogue`, the wave's catalogue: every response, every column.
    pub fn new(versions: &[ExportedVersion], catalogue: &Catalogue) -> Self {
        Self::build(versions, catalogue, Scope::Team)
    }

    /// The open-data layout (`Scope::Public`): the same columns for the questions that every version that had them
    /// marks public, after the wave, the organisation and the questionnaire version; rows for submitted responses
    /// only (`includes`). A question that any version keeps private stays private, so that marking a question
    /// public in a new text never publishes the answers given to an older one.
    pub fn public(versions: &[ExportedVersion], catalogue: &Catalogue) -> Self {
        Self::build(versions, catalogue, Scope::Public)
    }

    fn build(versions: &[ExportedVersion], catalogue: &Catalogue, scope: Scope) -> Self {
        let mut newest_first: Vec<&ExportedVersion> = versions.iter().collect();
        newest_first.sort_by_key(|v| std::cmp::Reverse(v.version));
        let mut merged: Vec<Merged<'_>> = Vec::new();
        for exported in &newest_first {
            for question in exported.questionnaire.questions() {
                match merged.iter_mut().find(|m| m.question.name == question.name) {
                    Some(known) => {
                        for choice in question.choices() {
                            if !known.choices.iter().any(|c| c.code == choice.code) {
                                known.choices.push(choice);
                            }
                        }
                        known.versions.insert(exported.version);
                        known.public &= question.public;
                    }
                    None => merged.push(Merged {
                        question,
                        choices: question.choices().iter().collect(),
                        versions: BTreeSet::from([exported.version]),
                        public: question.public,
                    }),
                }
            }
        }
        let all_versions = join_versions(&newest_first.iter().map(|v| v.version).collect());
        let mut layout = Layout { scope, parts: Vec::new(), columns: Vec::new(), questions: Vec::new() };
        for &fixed in Fixed::of(scope) {
            let (column, kind, label_nl, label_en, values) = fixed.describe(scope);
            let value_labels = fixed.value_labels();
            layout.parts.push(Part::Fixed(fixed));
            layout.columns.push(Column {
                column: column.to_owned(),
                question: String::new(),
                kind: kind.to_owned(),
                label_nl: label_nl.to_owned(),
                label_en: label_en.to_owned(),
                values: if value_labels.is_empty() { values.to_owned() } else { coded_values(&value_labels) },
                versions: all_versions.clone(),
                storage: fixed.storage(),
                value_labels,
            });
        }
        for question in merged.iter().filter(|m| scope == Scope::Team || m.public) {
            layout.add_question(question, catalogue);
        }
        layout
    }

    fn add_question(&mut self, merged: &Merged<'_>, catalogue: &Catalogue) {
        let question = merged.question;
        let kind = question.question_type();
        self.questions.push(ExportedQuestion { name: question.name.clone(), kind, text: question.text.clone() });
        // Question names cannot hold a dot, so only a fixed column's name can be taken already. The same names in
        // every scope, so that a column means one thing in every file.
        let base = if Fixed::ALL.iter().any(|f| f.describe(Scope::Team).0 == question.name) {
            format!("answers.{}", question.name)
        } else {
            question.name.clone()
        };
        let versions = join_versions(&merged.versions);
        let column = |column: String, label_nl: String, label_en: String, values: String, storage, value_labels| Column {
            column,
            question: question.name.clone(),
            kind: kind.code().to_owned(),
            label_nl,
            label_en,
            values,
            versions: versions.clone(),
            storage,
            value_labels,
        };
        let (nl, en) = (&question.text.nl, &question.text.en);
        match kind {
            QuestionType::MultipleChoice => {
                for choice in &merged.choices {
                    self.columns.push(column(
                        format!("{base}.{}", choice.code),
                        format!("{nl} — {}", choice.label.nl),
                        format!("{en} — {}", choice.label.en),
                        "1=gekozen; 0=niet gekozen; leeg=vraag niet beantwoord".to_owned(),
                        Storage::Number,
                        flag_labels("gekozen", "niet gekozen"),
                    ));
                }
                self.parts.push(Part::Choices {
                    question: question.name.clone(),
                    codes: merged.choices.iter().map(|c| c.code.clone()).collect(),
                });
            }
            QuestionType::BlockMatrix => {
                let statuses: Vec<ValueLabel> = BlockStatus::ALL.iter().map(|s| ValueLabel::new(s.code(), s.label_nl())).collect();
                for block in &catalogue.blocks {
                    let name = &block.name;
                    let prefix = format!("{base}.{}", block.code);
                    self.columns.push(column(
                        format!("{prefix}.status"),
                        format!("{nl} — {name}: stand van zaken"),
                        format!("{en} — {name}: status"),
                        format!("{}; leeg=geen antwoord", coded_values(&statuses)),
                        Storage::Text,
                        statuses.clone(),
                    ));
                    self.columns.push(column(
                        format!("{prefix}.support"),
                        format!("{nl} — {name}: ondersteuning nodig"),
                        format!("{en} — {name}: support needed"),
                        "1=ja; 0=nee; leeg=geen antwoord".to_owned(),
                        Storage::Number,
                        flag_labels("ja", "nee"),
                    ));
                    for form in SupportForm::ALL {
                        self.columns.push(column(
                            format!("{prefix}.forms.{}", form.code()),
                            format!(
                                "{nl} — {name}: gewenste vorm van ondersteuning: {} (een 0/1-kolom per vorm, zoals bij meerkeuze, zodat een som de organisaties telt)",
                                form.label_nl()
                            ),
                            format!(
                                "{en} — {name}: form of support wanted: {} (a 0/1 column per form, as for a multiple choice, so that a sum counts the organisations)",
                                form.label_en()
                            ),
                            "1=gekozen; 0=niet gekozen; leeg=geen ondersteuning nodig of geen antwoord".to_owned(),
                            Storage::Number,
                            flag_labels("gekozen", "niet gekozen"),
                        ));
                    }
                }
                self.parts.push(Part::Matrix {
                    question: question.name.clone(),
                    blocks: catalogue.blocks.iter().map(|b| b.code.clone()).collect(),
                });
            }
            QuestionType::SingleChoice => {
                let labels: Vec<ValueLabel> = merged.choices.iter().map(|c| ValueLabel::new(&c.code, &c.label.nl)).collect();
                let values = format!("{}; leeg=geen antwoord", coded_values(&labels));
                self.columns.push(column(base, nl.clone(), en.clone(), values, Storage::Text, labels));
                self.parts.push(Part::Single { question: question.name.clone(), numeric: false });
            }
            QuestionType::Scale | QuestionType::Number => {
                self.columns.push(column(base, nl.clone(), en.clone(), number_values(question), Storage::Number, scale_labels(question)));
                self.parts.push(Part::Single { question: question.name.clone(), numeric: true });
            }
            QuestionType::ShortText | QuestionType::LongText => {
                let values = "vrije tekst; leeg=geen antwoord".to_owned();
                self.columns.push(column(base, nl.clone(), en.clone(), values, Storage::Text, Vec::new()));
                self.parts.push(Part::Single { question: question.name.clone(), numeric: false });
            }
        }
    }

    /// The codebook: one entry per column, in column order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The questions that have columns, in column order.
    pub fn questions(&self) -> &[ExportedQuestion] {
        &self.questions
    }

    /// Whether the response is a row of this export: every response for the team, a submitted one for the public.
    /// Writers skip the others, whatever stream they are given.
    pub fn includes(&self, record: &ResponseRecord) -> bool {
        match self.scope {
            Scope::Team => true,
            Scope::Public => record.response.state == ResponseState::Submitted,
        }
    }

    /// The answers this export gives, as stored: all of them for the team (also those to a question no covered
    /// version has), only those to the layout's questions for the public, unanswered ones left out.
    pub fn answers<'r>(&self, answers: &'r Answers) -> BTreeMap<&'r str, &'r Answer> {
        answers
            .iter()
            .filter(|(name, answer)| match self.scope {
                Scope::Team => true,
                Scope::Public => !answer.is_empty() && self.questions.iter().any(|q| &q.name == *name),
            })
            .map(|(name, answer)| (name.as_str(), answer))
            .collect()
    }

    /// One response as the JSON export gives it.
    pub fn json<'r>(&self, record: &'r ResponseRecord) -> JsonRow<'r> {
        match self.scope {
            Scope::Team => JsonRow::Team(record.json()),
            Scope::Public => {
                let response = &record.response;
                JsonRow::Public(PublicJsonResponse {
                    organisation_code: response.organisation.as_str(),
                    organisation_name: &record.organisation_name,
                    province_code: record.province.as_ref().map(OrgCode::as_str),
                    questionnaire_id: &response.questionnaire_id,
                    questionnaire_version: response.questionnaire_version,
                    answers: self.answers(&response.answers),
                })
            }
        }
    }

    /// The header row.
    pub fn header(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.column.as_str())
    }

    /// One response as one row, a cell per column. Answers to questions that none of the covered versions has are
    /// left out (they cannot have a column); JSON keeps them, since it gives the answers as stored.
    pub fn row<'r>(&self, record: &'r ResponseRecord) -> Vec<Cell<'r>> {
        let mut cells = Vec::with_capacity(self.columns.len());
        let answers = &record.response.answers;
        for part in &self.parts {
            match part {
                Part::Fixed(fixed) => cells.push(fixed.cell(record)),
                Part::Single { question, numeric } => cells.push(single(answer(answers, question), *numeric)),
                Part::Choices { question, codes } => {
                    let chosen: Option<Vec<&str>> = answer(answers, question).map(|a| match a {
                        Answer::Text(_) | Answer::Many(_) => a.codes(),
                        Answer::Number(_) | Answer::Matrix(_) => Vec::new(),
                    });
                    cells.extend(codes.iter().map(|code| match &chosen {
                        Some(chosen) => Cell::flag(chosen.contains(&code.as_str())),
                        None => Cell::Empty,
                    }));
                }
                Part::Matrix { question, blocks } => {
                    let matrix = match answer(answers, question) {
                        Some(Answer::Matrix(matrix)) => Some(matrix),
                        _ => None,
                    };
                    for block in blocks {
                        let given = matrix.and_then(|m| m.get(block));
                        matrix_cells(given, &mut cells);
                    }
                }
            }
        }
        cells
    }
}

fn answer<'a>(answers: &'a Answers, question: &str) -> Option<&'a Answer> {
    answers.get(question).filter(|a| !a.is_empty())
}

fn single(answer: Option<&Answer>, numeric: bool) -> Cell<'_> {
    match answer {
        None | Some(Answer::Matrix(_)) => Cell::Empty,
        Some(Answer::Number(number)) => Cell::Number(*number),
        // A draft keeps a number as typed until it parses; read it as a respondent meant it where possible.
        Some(Answer::Text(text)) if numeric => parse_number(text).map_or(Cell::Text(Cow::Borrowed(text)), Cell::Number),
        Some(Answer::Text(text)) => Cell::Text(Cow::Borrowed(text)),
        // A question that was a multiple choice in an older version.
        Some(Answer::Many(codes)) => Cell::Text(Cow::Owned(codes.join(";"))),
    }
}

fn matrix_cells<'r>(block: Option<&'r BlockAnswer>, cells: &mut Vec<Cell<'r>>) {
    cells.push(block.and_then(|b| b.status).map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s.code()))));
    cells.push(block.and_then(|b| b.support_needed).map_or(Cell::Empty, Cell::flag));
    // Forms mean something only when support is needed (see `BlockAnswer`); a draft may still hold stale ticks.
    let needed = block.filter(|b| b.support_needed == Some(true));
    cells.extend(SupportForm::ALL.iter().map(|form| needed.map_or(Cell::Empty, |b| Cell::flag(b.support_forms.contains(form)))));
}

fn number_values(question: &Question) -> String {
    match &question.kind {
        QuestionKind::Scale { min, max, min_label, max_label } => {
            let end = |value: i64, label: &Option<Bilingual>| match label {
                Some(label) => format!("{value}={}", label.nl),
                None => value.to_string(),
            };
            format!("schaal van {} tot {}; leeg=geen antwoord", end(*min, min_label), end(*max, max_label))
        }
        QuestionKind::Number { min, max, integer } => {
            let mut rules = vec!["getal met een decimale punt".to_owned()];
            if *integer {
                rules.push("geheel".to_owned());
            }
            if let Some(min) = min {
                rules.push(format!("minimaal {min}"));
            }
            if let Some(max) = max {
                rules.push(format!("maximaal {max}"));
            }
            rules.push("een concept kan nog tekst bevatten die geen getal is".to_owned());
            format!("{}; leeg=geen antwoord", rules.join(", "))
        }
        _ => String::new(),
    }
}

/// The labelled ends of a scale, as `number_values` describes them.
fn scale_labels(question: &Question) -> Vec<ValueLabel> {
    match &question.kind {
        QuestionKind::Scale { min, max, min_label, max_label } => [(min, min_label), (max, max_label)]
            .into_iter()
            .filter_map(|(value, label)| label.as_ref().map(|label| ValueLabel::new(value.to_string(), &label.nl)))
            .collect(),
        _ => Vec::new(),
    }
}

fn join_versions(versions: &BTreeSet<i64>) -> String {
    versions.iter().map(ToString::to_string).collect::<Vec<_>>().join(";")
}

/// A response in the JSON export: the fixed fields flat, the answers as stored (their natural nested form).
#[derive(Debug, Serialize)]
pub struct JsonResponse<'a> {
    pub organisation_code: &'a str,
    pub organisation_name: &'a str,
    pub province_code: Option<&'a str>,
    pub questionnaire_id: &'a str,
    pub questionnaire_version: i64,
    pub state: &'static str,
    pub mode: &'static str,
    pub interview_date: Option<NaiveDate>,
    pub interviewees: Option<&'a str>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub answers: &'a Answers,
}

/// A response in the public JSON export: the organisation and the answers to the public questions, as stored.
#[derive(Debug, Serialize)]
pub struct PublicJsonResponse<'a> {
    pub organisation_code: &'a str,
    pub organisation_name: &'a str,
    pub province_code: Option<&'a str>,
    pub questionnaire_id: &'a str,
    pub questionnaire_version: i64,
    pub answers: BTreeMap<&'a str, &'a Answer>,
}

/// A response in the JSON export of one scope.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum JsonRow<'a> {
    Team(JsonResponse<'a>),
    Public(PublicJsonResponse<'a>),
}

impl ResponseRecord {
    pub fn json(&self) -> JsonResponse<'_> {
        let response = &self.response;
        let (interview_date, interviewees) = match &response.mode {
            Mode::Online => (None, None),
            Mode::Interview { date, interviewees } => (Some(*date), Some(interviewees.as_str())),
        };
        JsonResponse {
            organisation_code: response.organisation.as_str(),
            organisation_name: &self.organisation_name,
            province_code: self.province.as_ref().map(OrgCode::as_str),
            questionnaire_id: &response.questionnaire_id,
            questionnaire_version: response.questionnaire_version,
            state: response.state.code(),
            mode: response.mode.code(),
            interview_date,
            interviewees,
            started_at: response.started_at,
            updated_at: response.updated_at,
            submitted_at: response.submitted_at,
            answers: &response.answers,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::catalogue::{BlockGroup, BuildingBlock};
    use crate::fieldwork::{ResponseState, WaveId};
    use crate::questionnaire::parse_questionnaire_toml;

    const OLDER: &str = r#"id = "meting"
version = "1"
catalogue = "mini"
title = { nl = "Meting", en = "Survey" }

[[pages]]
name = "een"
title = { nl = "Een", en = "One" }

[[pages.questions]]
name = "theme"
type = "single_choice"
public = true
text = { nl = "Thema?", en = "Theme?" }
choices = [{ code = "a", nl = "Aa", en = "Ay" }, { code = "b", nl = "Bee", en = "Bee" }]

[[pages.questions]]
name = "areas"
type = "multiple_choice"
text = { nl = "Gebieden?", en = "Areas?" }
choices = [{ code = "x", nl = "X", en = "X" }, { code = "y", nl = "Y", en = "Y" }, { code = "z", nl = "Z", en = "Z" }]

[[pages.questions]]
name = "remark"
type = "short_text"
public = true
text = { nl = "Opmerking?", en = "Remark?" }

[[pages.questions]]
name = "blocks"
type = "block_matrix"
public = true
text = { nl = "Bouwstenen?", en = "Blocks?" }
"#;

    const NEWER: &str = r#"id = "meting"
version = "2"
catalogue = "mini"
title = { nl = "Meting", en = "Survey" }

[[pages]]
name = "een"
title = { nl = "Een", en = "One" }

[[pages.questions]]
name = "areas"
type = "multiple_choice"
public = true
text = { nl = "Welke gebieden?", en = "Which areas?" }
choices = [{ code = "y", nl = "Y", en = "Y" }, { code = "x", nl = "X", en = "X" }, { code = "w", nl = "W", en = "W" }]

[[pages.questions]]
name = "theme"
type = "single_choice"
public = true
text = { nl = "Thema?", en = "Theme?" }
choices = [{ code = "a", nl = "Aa", en = "Ay" }, { code = "b", nl = "Bee", en = "Bee" }]

[[pages.questions]]
name = "staff"
type = "number"
min = 0
text = { nl = "Hoeveel?", en = "How many?" }

[[pages.questions]]
name = "state"
type = "scale"
min = 1
max = 5
min_label = { nl = "Slecht", en = "Bad" }
text = { nl = "Stand?", en = "State?" }

[[pages.questions]]
name = "blocks"
type = "block_matrix"
public = true
text = { nl = "Bouwstenen?", en = "Blocks?" }
"#;

    fn catalogue() -> Catalogue {
        let block = |code: &str, name: &str| BuildingBlock {
            code: code.to_owned(),
            name: name.to_owned(),
            group: "g".to_owned(),
            description: String::new(),
            target_date: None,
            depends_on: Vec::new(),
        };
        Catalogue {
            id: "mini".to_owned(),
            version: "1".to_owned(),
            name: "Mini".to_owned(),
            description: String::new(),
            source: String::new(),
            reconstruction: false,
            groups: vec![BlockGroup { code: "g".to_owned(), name: "G".to_owned() }],
            blocks: vec![block("digid", "DigiD"), block("bsn", "BSN")],
        }
    }

    fn versions() -> Vec<ExportedVersion> {
        // Given oldest first on purpose: the layout orders by version itself.
        [(1, OLDER), (2, NEWER)]
            .into_iter()
            .map(|(version, text)| ExportedVersion { version, questionnaire: parse_questionnaire_toml(text, "meting.toml").unwrap() })
            .collect()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn record(version: i64, answers: Answers, mode: Mode, state: ResponseState) -> ResponseRecord {
        ResponseRecord {
            response: Response {
                wave: WaveId::parse("eerste-meting").unwrap(),
                organisation: OrgCode::parse("GM0363").unwrap(),
                questionnaire_id: "meting".to_owned(),
                questionnaire_version: version,
                answers,
                state,
                mode,
                started_at: at("2010-10-12T09:30:00.123456Z"),
                updated_at: at("2010-10-13T10:00:00Z"),
                submitted_at: (state == ResponseState::Submitted).then(|| at("2010-10-14T11:00:00Z")),
                revision: 3,
            },
            organisation_name: "Amsterdam".to_owned(),
            province: Some(OrgCode::parse("PV27").unwrap()),
        }
    }

    fn texts(layout: &Layout, record: &ResponseRecord) -> BTreeMap<String, String> {
        layout.header().map(str::to_owned).zip(layout.row(record).iter().map(|cell| cell.to_text().into_owned())).collect()
    }

    #[test]
    fn columns_are_the_union_of_the_versions_with_the_newest_order_first() {
        let layout = Layout::new(&versions(), &catalogue());
        let header: Vec<&str> = layout.header().collect();
        assert_eq!(
            header[..12],
            [
                "wave",
                "organisation_code",
                "organisation_name",
                "province_code",
                "questionnaire_version",
                "state",
                "mode",
                "interview_date",
                "interviewees",
                "started_at",
                "updated_at",
                "submitted_at"
            ]
        );
        let forms = |block: &str| SupportForm::ALL.map(|f| format!("blocks.{block}.forms.{}", f.code()));
        let mut expected: Vec<String> =
            ["areas.y", "areas.x", "areas.w", "areas.z", "theme", "staff", "answers.state"].map(str::to_owned).to_vec();
        for block in ["digid", "bsn"] {
            expected.push(format!("blocks.{block}.status"));
            expected.push(format!("blocks.{block}.support"));
            expected.extend(forms(block));
        }
        expected.push("remark".to_owned());
        assert_eq!(header[12..], expected.iter().map(String::as_str).collect::<Vec<_>>()[..]);
        let versions_of = |column: &str| layout.columns().iter().find(|c| c.column == column).unwrap().versions.clone();
        assert_eq!(versions_of("areas.x"), "1;2");
        assert_eq!(versions_of("areas.z"), "1;2", "a choice only the older version had keeps its column");
        assert_eq!(versions_of("staff"), "2");
        assert_eq!(versions_of("remark"), "1");
        assert_eq!(versions_of("wave"), "1;2");
        assert_eq!(layout.columns().len(), layout.row(&record(1, Answers::new(), Mode::Online, ResponseState::Draft)).len());
    }

    #[test]
    fn the_codebook_names_question_type_labels_and_codes() {
        let layout = Layout::new(&versions(), &catalogue());
        let column = |name: &str| layout.columns().iter().find(|c| c.column == name).unwrap().clone();
        let theme = column("theme");
        assert_eq!((theme.question.as_str(), theme.kind.as_str()), ("theme", "single_choice"));
        assert_eq!(theme.values, "a=Aa; b=Bee; leeg=geen antwoord");
        let area = column("areas.w");
        assert_eq!((area.label_nl.as_str(), area.label_en.as_str()), ("Welke gebieden? — W", "Which areas? — W"));
        assert!(area.values.starts_with("1=gekozen; 0=niet gekozen"));
        let status = column("blocks.digid.status");
        assert_eq!(status.kind, "block_matrix");
        assert!(status.values.starts_with("not_started=Niet gestart; orienting=Oriënterend;"), "{}", status.values);
        assert!(column("blocks.bsn.forms.knowledge_base").label_en.contains("BSN: form of support wanted: Knowledge base"));
        assert!(column("answers.state").values.starts_with("schaal van 1=Slecht tot 5"), "{}", column("answers.state").values);
        assert!(column("staff").values.contains("decimale punt"));
        assert!(column("state").label_nl.contains("Concepten zijn opgenomen"), "the codebook says drafts are in");
        assert_eq!(CODEBOOK_HEADER.len(), theme.cells().len());
    }

    #[test]
    fn a_response_fills_codes_flags_numbers_and_texts() {
        let layout = Layout::new(&versions(), &catalogue());
        let matrix: BTreeMap<String, BlockAnswer> = [
            (
                "digid".to_owned(),
                BlockAnswer {
                    status: Some(BlockStatus::InUse),
                    support_needed: Some(true),
                    support_forms: [SupportForm::KnowledgeBase].into(),
                },
            ),
            (
                "bsn".to_owned(),
                BlockAnswer {
                    status: Some(BlockStatus::Planned),
                    support_needed: Some(false),
                    support_forms: [SupportForm::OnSiteHelp].into(),
                },
            ),
        ]
        .into();
        let answers: Answers = [
            ("theme".to_owned(), Answer::Text("a".to_owned())),
            ("areas".to_owned(), Answer::Many(vec!["x".to_owned(), "z".to_owned()])),
            ("remark".to_owned(), Answer::Text("=HYPERLINK(\"x\")".to_owned())),
            ("blocks".to_owned(), Answer::Matrix(matrix)),
            ("gone".to_owned(), Answer::Text("no column".to_owned())),
        ]
        .into();
        let interview = Mode::Interview { date: NaiveDate::from_ymd_opt(2010, 11, 2).unwrap(), interviewees: "wethouder".to_owned() };
        let row = texts(&layout, &record(1, answers, interview, ResponseState::Submitted));
        let expect = [
            ("wave", "eerste-meting"),
            ("organisation_code", "GM0363"),
            ("organisation_name", "Amsterdam"),
            ("province_code", "PV27"),
            ("questionnaire_version", "1"),
            ("state", "submitted"),
            ("mode", "interview"),
            ("interview_date", "2010-11-02"),
            ("interviewees", "wethouder"),
            ("started_at", "2010-10-12T09:30:00Z"),
            ("submitted_at", "2010-10-14T11:00:00Z"),
            ("theme", "a"),
            ("areas.x", "1"),
            ("areas.y", "0"),
            ("areas.w", "0"),
            ("areas.z", "1"),
            ("staff", ""),
            ("remark", "=HYPERLINK(\"x\")"),
            ("blocks.digid.status", "in_use"),
            ("blocks.digid.support", "1"),
            ("blocks.digid.forms.knowledge_base", "1"),
            ("blocks.digid.forms.on_site_help", "0"),
            ("blocks.bsn.status", "planned"),
            ("blocks.bsn.support", "0"),
            ("blocks.bsn.forms.on_site_help", ""),
        ];
        for (column, value) in expect {
            assert_eq!(row[column], value, "{column}");
        }
        assert_eq!(row.len(), layout.columns().len(), "the unknown question 'gone' has no column");
    }

    #[test]
    fn unanswered_questions_are_empty_and_numbers_keep_a_decimal_point() {
        let layout = Layout::new(&versions(), &catalogue());
        let answers: Answers = [("staff".to_owned(), Answer::Text("1.250,5".to_owned())), ("state".to_owned(), Answer::Number(4.0))].into();
        let row = texts(&layout, &record(2, answers, Mode::Online, ResponseState::Draft));
        assert_eq!(row["staff"], "1250.5", "typed the Dutch way, exported with a decimal point");
        assert_eq!(row["answers.state"], "4");
        assert_eq!(row["state"], "draft");
        for empty in
            ["areas.x", "theme", "blocks.digid.status", "blocks.digid.support", "blocks.digid.forms.knowledge_base", "submitted_at"]
        {
            assert_eq!(row[empty], "", "{empty}");
        }
        assert_eq!((row["mode"].as_str(), row["interview_date"].as_str()), ("online", ""));
        let typed: Answers = [("staff".to_owned(), Answer::Number(0.5)), ("theme".to_owned(), Answer::Text(" ".to_owned()))].into();
        let typed = record(2, typed, Mode::Online, ResponseState::Draft);
        let cells = layout.row(&typed);
        assert!(cells.contains(&Cell::Number(0.5)));
        let words: Answers = [("staff".to_owned(), Answer::Text("twaalf".to_owned()))].into();
        assert_eq!(texts(&layout, &record(2, words, Mode::Online, ResponseState::Draft))["staff"], "twaalf", "kept as typed");
    }

    #[test]
    fn json_gives_the_answers_as_stored() {
        let answers: Answers = [("areas".to_owned(), Answer::Many(vec!["x".to_owned()]))].into();
        let record = record(1, answers, Mode::Online, ResponseState::Draft);
        let json = serde_json::to_value(record.json()).unwrap();
        assert_eq!(json["answers"]["areas"], serde_json::json!(["x"]));
        assert_eq!(
            (json["state"].as_str(), json["mode"].as_str(), json["province_code"].as_str()),
            (Some("draft"), Some("online"), Some("PV27"))
        );
        assert!(json["interview_date"].is_null() && json["submitted_at"].is_null());
        let column = serde_json::to_value(&Layout::new(&versions(), &catalogue()).columns()[0]).unwrap();
        assert_eq!(column["type"], "code");
    }

    /// Answers to every question of both versions, and one to a question neither has.
    fn everything() -> Answers {
        let matrix: BTreeMap<String, BlockAnswer> =
            [("digid".to_owned(), BlockAnswer { status: Some(BlockStatus::InUse), support_needed: Some(false), ..Default::default() })]
                .into();
        [
            ("theme".to_owned(), Answer::Text("b".to_owned())),
            ("areas".to_owned(), Answer::Many(vec!["x".to_owned()])),
            ("remark".to_owned(), Answer::Text("Bel J. de Vries".to_owned())),
            ("staff".to_owned(), Answer::Number(12.0)),
            ("state".to_owned(), Answer::Number(3.0)),
            ("blocks".to_owned(), Answer::Matrix(matrix)),
            ("gone".to_owned(), Answer::Text("no column".to_owned())),
        ]
        .into()
    }

    #[test]
    fn the_public_layout_has_the_organisation_and_the_questions_every_version_marks_public() {
        let layout = Layout::public(&versions(), &catalogue());
        assert_eq!(layout.scope(), Scope::Public);
        let header: Vec<&str> = layout.header().collect();
        let mut expected: Vec<String> =
            ["wave", "organisation_code", "organisation_name", "province_code", "questionnaire_version", "theme"]
                .map(str::to_owned)
                .to_vec();
        for block in ["digid", "bsn"] {
            expected.push(format!("blocks.{block}.status"));
            expected.push(format!("blocks.{block}.support"));
            expected.extend(SupportForm::ALL.map(|f| format!("blocks.{block}.forms.{}", f.code())));
        }
        expected.push("remark".to_owned());
        assert_eq!(header, expected.iter().map(String::as_str).collect::<Vec<_>>(), "areas is private in version 1, staff in 2");
        let questions: Vec<&str> = layout.questions().iter().map(|q| q.name.as_str()).collect();
        assert_eq!(questions, ["theme", "blocks", "remark"]);
        let wave = &layout.columns()[0];
        assert!(wave.label_nl.contains("die de vragenlijst indiende") && !wave.label_nl.contains("Concepten"), "{}", wave.label_nl);
        for private in ["state", "mode", "interview_date", "interviewees", "started_at", "updated_at", "submitted_at", "staff"] {
            assert!(layout.columns().iter().all(|c| c.column != private), "{private}");
        }

        let submitted = record(
            2,
            everything(),
            Mode::Interview { date: NaiveDate::from_ymd_opt(2010, 11, 2).unwrap(), interviewees: "wethouder".to_owned() },
            ResponseState::Submitted,
        );
        let row = texts(&layout, &submitted);
        assert_eq!(row.len(), layout.columns().len());
        assert_eq!(
            (row["organisation_code"].as_str(), row["theme"].as_str(), row["blocks.digid.status"].as_str()),
            ("GM0363", "b", "in_use")
        );
        assert!(!row.values().any(|v| v == "wethouder" || v == "12" || v == "interview"), "{row:?}");
        assert!(layout.includes(&submitted));
        assert!(!layout.includes(&record(2, everything(), Mode::Online, ResponseState::Draft)), "a draft is not published");
        let team = Layout::new(&versions(), &catalogue());
        assert!(team.includes(&record(2, everything(), Mode::Online, ResponseState::Draft)));
        assert_eq!(team.scope(), Scope::Team);
    }

    #[test]
    fn the_public_json_gives_only_the_public_answers_and_no_process_fields() {
        let layout = Layout::public(&versions(), &catalogue());
        let record = record(2, everything(), Mode::Online, ResponseState::Submitted);
        let json = serde_json::to_value(layout.json(&record)).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["answers", "organisation_code", "organisation_name", "province_code", "questionnaire_id", "questionnaire_version"]
        );
        let answers: Vec<&str> = json["answers"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(answers, ["blocks", "remark", "theme"]);
        assert_eq!(json["answers"]["blocks"]["digid"]["status"], "in_use", "as stored");
        let team = serde_json::to_value(Layout::new(&versions(), &catalogue()).json(&record)).unwrap();
        assert_eq!(team["answers"]["gone"], "no column", "the team's JSON keeps every answer");
        assert_eq!(team["mode"], "online");
    }
}

//! `AppError`, the one error type of the use cases. The messages are English, for the log and the command line;
//! the web's `error` module turns each kind into a status code and a Dutch sentence.

use domain::fieldwork::{MoveRefused, WaveId, WaveState};
use domain::register::OrgCode;
use store::StoreError;

/// Why a use case did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),

    /// Letters go out only while the fieldwork is open.
    #[error("wave {wave} is {state}; letters go out only while a wave is open")]
    WaveNotOpen { wave: WaveId, state: WaveState },
    /// The wave's life does not allow this move from the state the wave was read in.
    #[error("wave {wave}: {refused}")]
    MoveRefused { wave: WaveId, refused: MoveRefused },
    /// Someone else moved the wave after it was read; nothing changed.
    #[error("wave {wave} was changed by someone else just now")]
    WaveChangedMeanwhile { wave: WaveId },

    /// A personal link is for a municipality of the register.
    #[error("{0} is not a municipality; an invitation is for a municipality")]
    NotAMunicipality(OrgCode),
    #[error("{0} is not in the register")]
    NotInRegister(OrgCode),
    #[error("a link works for 1 to 365 days, not {0}")]
    LinkValidity(u32),
    /// The operating system gave no randomness for a link's secret.
    #[error("no link could be made: {0}")]
    Secret(String),

    #[error("the stored questionnaire {id} version {version} no longer reads: {detail}")]
    Questionnaire { id: String, version: i64, detail: String },
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write the XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("an XLSX sheet holds at most {0} responses; export this wave as CSV or JSON")]
    TooManyRows(u32),
    #[error("the XLSX writer stopped unexpectedly: {0}")]
    Worker(String),

    /// A file the demo ships does not read, or the simulation cannot be drawn: a fault of the build, not of the
    /// database.
    #[error("the demo's data is broken: {0}")]
    DemoData(String),
    /// Drawn answers pass the same check as a respondent's; one that does not is a fault in the simulation.
    #[error("the simulated answers of {organisation} do not pass the questionnaire ({problem})")]
    SimulatedAnswers { organisation: OrgCode, problem: String },
}

impl AppError {
    /// True when the reader of an export went away (a closed pipe, as with `| head`): the export stopped, nothing
    /// failed.
    pub fn is_broken_pipe(&self) -> bool {
        let kind = match self {
            AppError::Io(io) => Some(io.kind()),
            AppError::Csv(csv) => match csv.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            },
            AppError::Json(json) => json.io_error_kind(),
            _ => None,
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    }
}

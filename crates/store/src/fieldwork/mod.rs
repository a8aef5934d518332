//! Fieldwork: questionnaire texts, waves, responses, contact addresses and the mail sent.

mod analysis;
mod mail;
mod questionnaires;
mod responses;
mod stream;
mod waves;

pub(crate) use mail::message_query;
pub use mail::{Contact, MessageKind, MessageRecord, MessageStatus, NewMessage};
pub use questionnaires::{QuestionnaireImport, StoredQuestionnaire};
pub use responses::{Progress, SaveAnswers};

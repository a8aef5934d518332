//! Fieldwork: waves of the survey, their states, the personal invitations and reminders, and the letters that carry
//! them.

pub mod contacts;
pub mod delivery;
pub mod export;
pub mod follow_up;
mod interview;
pub mod letters;
mod response;
mod wave;

pub use interview::{Interview, MAX_INTERVIEWEES_CHARS};
pub use response::{Edit, Mode, Refusal, Response, ResponseState, may_edit, may_fill_in, may_reopen, may_submit};
pub use wave::{MoveRefused, NewWave, Wave, WaveId, WaveState};

//! The model of inbeeld and all its rules. Pure: no I/O, no HTTP, no SQL.
//!
//! Files that users hand in (register and population CSV, catalogue TOML) are parsed here from text, so that
//! every rule about what a valid file is lives in one place; reading the bytes is the caller's job.

pub mod access;
pub mod account;
pub mod analysis;
pub mod audit;
pub mod benchmark;
pub mod catalogue;
pub mod collaboration;
pub mod data_version;
pub mod demo;
pub mod fieldwork;
mod form_error;
pub mod geo;
pub mod knowledge;
pub mod paging;
pub mod population;
pub mod questionnaire;
pub mod register;
mod row_error;
pub mod support;

pub use form_error::FormError;
pub use row_error::RowError;

//! The use cases of inbeeld that more than one front end needs: sending a wave's letters (`outreach`), exporting
//! its responses (`export`), moving a wave through its life up to publication (`waves`) and loading the demo
//! (`demo`). The web's handlers and the command line's commands call these and only present the outcome, so that a
//! rule is kept in one place whichever way it is reached.
//!
//! This crate sits between the front ends and `store`/`domain`: it may use `domain`, `store` and `mail`, and knows
//! neither HTTP nor the command line. Its one error type is `AppError`.

pub mod demo;
mod error;
pub mod export;
pub mod outreach;
pub mod waves;

pub use error::AppError;

//! The integration tests of this crate, in one binary so that the whole stack is linked once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

mod support;

mod accounts;
mod api_rules;
mod api_tokens;
mod auth;
mod collaborations;
mod data_catalogue;
mod figures_api;
mod figures_pages;
mod http;
mod knowledge;
mod letters;
mod openapi;
mod profiles;
mod public_answers;
mod public_cache;
mod questionnaire;
mod second_factor;
mod snapshots;
mod support_planning;
mod trend_open_data;

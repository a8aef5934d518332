//! The integration tests of this crate, in one binary so that the whole stack is linked once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

mod fixtures;

mod boundaries;
mod collaborations;
mod contract;
mod fieldwork;
mod knowledge;
mod pool;
mod schema_parity;
mod stream;
mod support_plans;

//! The integration tests of this crate, in one binary so that the whole stack is linked once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot go on should stop loudly

mod support;

mod demo;
mod outreach;
mod statistics_programs;
mod waves;

//! Analysis: the indicators the monitor publishes, as pure functions of the stored answers. Every proportion states
//! its base and its 95% interval (`Proportion`); every spread its n (`Summary`).

mod distribution;
pub mod figures;
pub mod indicators;
mod proportion;
mod status_matrix;
pub mod trend;

pub use distribution::{Summary, summarise};
pub use proportion::{Proportion, Z_95, wilson_fpc};
pub use status_matrix::{IN_USE_BYTE, STATUS_BYTES, StatusMatrix, Tally, status_byte, status_of_byte};

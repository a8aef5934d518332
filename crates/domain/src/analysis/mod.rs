//! Analysis: the indicators the monitor publishes, as pure functions of the stored answers. Every proportion states
//! its base and its 95% interval (`Proportion`); every spread its n (`Summary`).

mod distribution;
mod proportion;

pub use distribution::{Summary, summarise};
pub use proportion::{Proportion, Z_95, wilson_fpc};

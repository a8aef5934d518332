//! Support planning: how many municipalities ask for support, with what and in which form (`demand`), and a
//! proposal of regional meetings that covers as much of that demand as the settings allow (`settings`,
//! `planner`), which the monitor team then adjusts (`proposal`) and sends to the invitees (`letter`).

pub mod demand;
pub mod letter;
pub mod planner;
pub mod proposal;
pub mod settings;

pub use demand::{BlockDemand, Demand, ProvinceDemand, Request, demand, requests};
pub use planner::{Invitee, Location, Locations, METHOD_NL, Meeting, PlanError, Reason, Region, Uncovered, plan};
pub use proposal::{AdjustError, Proposal};
pub use settings::{FormFilter, Grouping, SettingError, Settings, SettingsForm};

#[cfg(test)]
mod tests;

//! Public pages, in Dutch.

pub mod accessibility;
pub mod catalogue;
pub mod home;
pub mod register;

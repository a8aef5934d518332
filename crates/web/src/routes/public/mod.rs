//! Public pages, in Dutch.

pub mod accessibility;
pub mod answers;
pub mod catalogue;
pub mod collaborations;
pub mod data_catalogue;
pub mod figures;
pub mod home;
pub mod knowledge;
pub mod open_data;
pub mod profile;
pub mod register;
pub mod security_txt;

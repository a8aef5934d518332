//! What several storage tests start from: the shipped register and catalogue, and codes and dates written as text.

use chrono::NaiveDate;
use domain::register::OrgCode;

pub const REGISTER: &str = include_str!("../../../../data/register/register.csv");
pub const CATALOGUE: &str = include_str!("../../../../data/catalogues/nup-2008.toml");

pub fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).expect("a test code")
}

pub fn date(text: &str) -> NaiveDate {
    text.parse().expect("a test date")
}

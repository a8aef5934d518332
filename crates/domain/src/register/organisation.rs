use chrono::NaiveDate;
use serde::Serialize;

use super::{OrgCode, OrganisationKind};

/// An organisation in the register. It exists from `valid_from` (inclusive) until `valid_to` (exclusive: the
/// first day it no longer exists); on `valid_to` its territory passed to its `successors`, largest part first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Organisation {
    pub code: OrgCode,
    pub name: String,
    /// The province a municipality lies in; `None` for a province itself.
    pub province: Option<OrgCode>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub successors: Vec<OrgCode>,
    pub centroid: Option<Centroid>,
    /// Approximate area in km², measured on simplified boundaries.
    pub area_km2: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Centroid {
    pub lat: f64,
    pub lon: f64,
}

impl Organisation {
    pub fn kind(&self) -> OrganisationKind {
        self.code.kind()
    }

    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|end| date < end)
    }
}

//! Mergers and splits: how an organisation of one date maps onto the division of a later date.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{OrgCode, Organisation};
use crate::RowError;

/// The whole register at hand, keyed by code.
#[derive(Debug, Default)]
pub struct Register {
    organisations: BTreeMap<OrgCode, Organisation>,
}

impl Register {
    pub fn new(organisations: impl IntoIterator<Item = Organisation>) -> Self {
        Self { organisations: organisations.into_iter().map(|o| (o.code.clone(), o)).collect() }
    }

    pub fn get(&self, code: &OrgCode) -> Option<&Organisation> {
        self.organisations.get(code)
    }

    pub fn valid_on(&self, date: NaiveDate) -> impl Iterator<Item = &Organisation> {
        self.organisations.values().filter(move |o| o.is_valid_on(date))
    }

    /// The organisations that took over from `code`, directly.
    pub fn predecessors(&self, code: &OrgCode) -> impl Iterator<Item = &Organisation> {
        self.organisations.values().filter(move |o| o.successors.contains(code))
    }

    /// Where the territory of `code` lies on `date`: the organisation itself while it exists, else the
    /// organisations that succeeded it, followed through later mergers. Empty when `code` did not yet exist on
    /// `date` or is unknown. Splits give several codes, largest part first.
    pub fn on_date(&self, code: &OrgCode, date: NaiveDate) -> Vec<OrgCode> {
        let mut found = Vec::new();
        let mut visited = BTreeSet::new();
        self.follow(code, date, &mut found, &mut visited);
        found
    }

    fn follow(&self, code: &OrgCode, date: NaiveDate, found: &mut Vec<OrgCode>, visited: &mut BTreeSet<OrgCode>) {
        if !visited.insert(code.clone()) {
            return;
        }
        let Some(organisation) = self.organisations.get(code) else { return };
        if organisation.is_valid_on(date) {
            if !found.contains(code) {
                found.push(code.clone());
            }
        } else if organisation.valid_to.is_some_and(|end| end <= date) {
            for successor in &organisation.successors {
                self.follow(successor, date, found, visited);
            }
        }
    }
}

/// Checks that each row's successors exist (in the file or already in the register) and exist on the day the
/// row's organisation ended, so that every division maps onto the next without gaps.
pub fn check_successions(rows: &[(usize, Organisation)], stored: impl IntoIterator<Item = Organisation>) -> Vec<RowError> {
    let mut register = Register::new(stored);
    for (_, organisation) in rows {
        register.organisations.insert(organisation.code.clone(), organisation.clone());
    }
    let mut errors = Vec::new();
    for (row, organisation) in rows {
        let Some(ended) = organisation.valid_to else { continue };
        for successor in &organisation.successors {
            match register.get(successor) {
                None => errors.push(RowError::new(*row, "successors", format!("{successor} is neither in this file nor in the register"))),
                Some(next) if !next.is_valid_on(ended) => errors.push(RowError::new(
                    *row,
                    "successors",
                    format!("{successor} ({}) does not exist on {ended}, the day {} ended", next.name, organisation.code),
                )),
                Some(_) => {}
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::parse_register_csv;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn register(text: &str) -> Register {
        let file = parse_register_csv(text);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        Register::new(file.organisations.into_iter().map(|(_, o)| o))
    }

    const MERGERS: &str = "code,name,province_code,valid_from,valid_to,successors
GM0788,Haaren,PV30,2011-01-01,2021-01-01,GM0865;GM0824;GM0757;GM0855
GM0865,Vught,PV30,2011-01-01,,
GM0824,Oisterwijk,PV30,2011-01-01,,
GM0757,Boxtel,PV30,2011-01-01,,
GM0855,Tilburg,PV30,2011-01-01,,
GM0005,Bedum,PV20,2011-01-01,2019-01-01,GM1966
GM1966,Het Hogeland,PV20,2019-01-01,,
GM0457,Weesp,PV27,2011-01-01,2022-03-24,GM0363
GM0363,Amsterdam,PV27,2011-01-01,,
";

    #[test]
    fn a_merged_municipality_maps_onto_its_successor_after_the_merger() {
        let register = register(MERGERS);
        let weesp = OrgCode::parse("GM0457").unwrap();
        assert_eq!(register.on_date(&weesp, date("2022-03-23")), vec![weesp.clone()]);
        assert_eq!(register.on_date(&weesp, date("2026-01-01")), vec![OrgCode::parse("GM0363").unwrap()]);
        let bedum = OrgCode::parse("GM0005").unwrap();
        assert_eq!(register.on_date(&bedum, date("2019-01-01")), vec![OrgCode::parse("GM1966").unwrap()]);
    }

    #[test]
    fn a_split_municipality_maps_onto_all_parts_largest_first() {
        let register = register(MERGERS);
        let parts = register.on_date(&OrgCode::parse("GM0788").unwrap(), date("2026-01-01"));
        let codes: Vec<&str> = parts.iter().map(OrgCode::as_str).collect();
        assert_eq!(codes, ["GM0865", "GM0824", "GM0757", "GM0855"]);
    }

    #[test]
    fn a_municipality_founded_later_maps_to_nothing_before_it_existed() {
        let register = register(MERGERS);
        assert!(register.on_date(&OrgCode::parse("GM1966").unwrap(), date("2011-01-01")).is_empty());
        assert_eq!(register.valid_on(date("2011-01-01")).count(), 8);
        assert_eq!(register.valid_on(date("2026-01-01")).count(), 6);
        let predecessors: Vec<&str> = register.predecessors(&OrgCode::parse("GM0363").unwrap()).map(|o| o.code.as_str()).collect();
        assert_eq!(predecessors, ["GM0457"]);
    }

    #[test]
    fn a_successor_must_exist_on_the_day_of_the_change() {
        let file = parse_register_csv(
            "code,name,province_code,valid_from,valid_to,successors
GM0005,Bedum,PV20,2011-01-01,2018-01-01,GM1966
GM0007,Bellingwedde,PV20,2011-01-01,2018-01-01,GM1950
GM1966,Het Hogeland,PV20,2019-01-01,,
",
        );
        let errors: Vec<String> = check_successions(&file.organisations, []).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "row 2, column successors: GM1966 (Het Hogeland) does not exist on 2018-01-01, the day GM0005 ended",
                "row 3, column successors: GM1950 is neither in this file nor in the register",
            ]
        );
    }
}

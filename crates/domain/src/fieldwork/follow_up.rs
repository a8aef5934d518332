//! Following the fieldwork: who is asked, who has submitted, and the response rate overall, per province and per
//! size class. A wave is a census: the rate is a count of all organisations asked, not an estimate, so it carries
//! its numerator and base rather than an interval.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::ResponseState;
use crate::population::PopulationFigure;
use crate::register::{OrgCode, Organisation, SizeClass};

/// The organisations a wave asks: the municipalities that exist on its register date (`Wave::register_date`).
pub fn asked(register: &[Organisation], register_date: chrono::NaiveDate) -> Vec<&Organisation> {
    register.iter().filter(|o| super::wave::asks_on(o, register_date)).collect()
}

/// Submitted out of asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rate {
    pub submitted: usize,
    pub asked: usize,
}

impl Rate {
    /// The share submitted, 0..=1; `None` when nobody was asked.
    pub fn share(&self) -> Option<f64> {
        (self.asked > 0).then(|| self.submitted as f64 / self.asked as f64)
    }
}

/// Where one organisation stands in the wave.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing<'a> {
    pub organisation: &'a Organisation,
    pub state: Option<ResponseState>,
    /// The last time its answers were saved, or it was written to; `None` when nothing happened yet.
    pub last_activity: Option<DateTime<Utc>>,
}

/// The response of a wave, overall and broken down.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseRates {
    pub overall: Rate,
    /// Per province code.
    pub by_province: BTreeMap<OrgCode, Rate>,
    /// Per size class; organisations without a population figure on the wave's date are under `None`.
    pub by_size_class: BTreeMap<Option<SizeClass>, Rate>,
}

/// Counts the response. `states` holds the organisations that have a response; `populations` the figures on the
/// wave's date (the size class is never guessed: without a figure, an organisation counts as of unknown size).
pub fn response_rates(
    asked: &[&Organisation],
    states: &BTreeMap<OrgCode, ResponseState>,
    populations: &BTreeMap<OrgCode, PopulationFigure>,
) -> ResponseRates {
    let mut rates = ResponseRates { overall: Rate::default(), by_province: BTreeMap::new(), by_size_class: BTreeMap::new() };
    for organisation in asked {
        let submitted = usize::from(states.get(&organisation.code) == Some(&ResponseState::Submitted));
        let size_class = populations.get(&organisation.code).map(PopulationFigure::size_class);
        let add = |rate: &mut Rate| {
            rate.asked += 1;
            rate.submitted += submitted;
        };
        add(&mut rates.overall);
        if let Some(province) = &organisation.province {
            add(rates.by_province.entry(province.clone()).or_default());
        }
        add(rates.by_size_class.entry(size_class).or_default());
    }
    rates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn municipality(code: &str, province: &str, from: &str, to: Option<&str>) -> Organisation {
        Organisation {
            code: OrgCode::parse(code).unwrap_or_else(|e| panic!("{e}")),
            name: code.to_owned(),
            province: Some(OrgCode::parse(province).unwrap_or_else(|e| panic!("{e}"))),
            valid_from: from.parse().unwrap_or_default(),
            valid_to: to.map(|d| d.parse().unwrap_or_default()),
            successors: Vec::new(),
            centroid: None,
            area_km2: None,
        }
    }

    fn figure(code: &str, population: u64) -> (OrgCode, PopulationFigure) {
        let code = OrgCode::parse(code).unwrap_or_else(|e| panic!("{e}"));
        let figure = PopulationFigure {
            code: code.clone(),
            population,
            reference_date: "2010-01-01".parse().unwrap_or_default(),
            source: "test".into(),
        };
        (code, figure)
    }

    #[test]
    fn the_rate_counts_submitted_responses_of_the_municipalities_that_existed_when_the_wave_opened() {
        let register = vec![
            municipality("GM0001", "PV20", "1990-01-01", None),
            municipality("GM0002", "PV20", "1990-01-01", None),
            municipality("GM0003", "PV21", "1990-01-01", Some("2010-01-01")),
            municipality("GM0004", "PV21", "1990-01-01", None),
        ];
        let asked = asked(&register, "2010-10-01".parse().unwrap_or_default());
        assert_eq!(asked.len(), 3, "GM0003 had merged before the wave");
        let states: BTreeMap<OrgCode, ResponseState> = [
            (OrgCode::parse("GM0001").unwrap_or_else(|e| panic!("{e}")), ResponseState::Submitted),
            (OrgCode::parse("GM0002").unwrap_or_else(|e| panic!("{e}")), ResponseState::Draft),
        ]
        .into();
        let populations: BTreeMap<OrgCode, PopulationFigure> = [figure("GM0001", 8_000), figure("GM0002", 150_000)].into();
        let rates = response_rates(&asked, &states, &populations);
        assert_eq!(rates.overall, Rate { submitted: 1, asked: 3 });
        assert_eq!(rates.overall.share(), Some(1.0 / 3.0));
        assert_eq!(rates.by_province[&OrgCode::parse("PV20").unwrap_or_else(|e| panic!("{e}"))], Rate { submitted: 1, asked: 2 });
        assert_eq!(rates.by_province[&OrgCode::parse("PV21").unwrap_or_else(|e| panic!("{e}"))], Rate { submitted: 0, asked: 1 });
        assert_eq!(rates.by_size_class[&None], Rate { submitted: 0, asked: 1 }, "no figure: unknown size, never guessed");
        assert_eq!(rates.by_size_class.values().map(|r| r.asked).sum::<usize>(), 3);
        assert_eq!(Rate::default().share(), None);
    }
}

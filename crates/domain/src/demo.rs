//! The data that `inbeeld demo` loads, embedded so that it works from any folder: the shipped register, CBS
//! population figures and catalogues (see data/README.md for their sources). Later issues add a simulated wave,
//! which every page showing it marks as simulated.

use crate::catalogue::{Catalogue, parse_catalogue_toml};
use crate::population::{PopulationFigure, parse_population_csv};
use crate::register::{Organisation, parse_register_csv};

const REGISTER: &str = include_str!("../../../data/register/register.csv");
const POPULATIONS: [(&str, &str); 2] = [
    (include_str!("../../../data/population/population_2023.csv"), "CBS StatLine 37259eng, 1 januari 2023"),
    (include_str!("../../../data/population/population_2026.csv"), "CBS StatLine 37230ned, 1 januari 2026 (voorlopig)"),
];
const CATALOGUES: [(&str, &str); 2] = [
    (include_str!("../../../data/catalogues/nup-2008.toml"), "data/catalogues/nup-2008.toml"),
    (include_str!("../../../data/catalogues/inup-2011.toml"), "data/catalogues/inup-2011.toml"),
];

pub struct DemoData {
    pub organisations: Vec<Organisation>,
    pub populations: Vec<PopulationFigure>,
    pub catalogues: Vec<Catalogue>,
}

/// Parses the embedded files. An error here means a shipped file is broken, which the tests catch.
pub fn data() -> Result<DemoData, String> {
    let register = parse_register_csv(REGISTER);
    if let Some(error) = register.errors.first() {
        return Err(format!("the shipped register is invalid: {error}"));
    }
    let mut populations = Vec::new();
    for (text, source) in POPULATIONS {
        let file = parse_population_csv(text, source);
        if let Some(error) = file.errors.first() {
            return Err(format!("the shipped population file ({source}) is invalid: {error}"));
        }
        populations.extend(file.figures.into_iter().map(|(_, f)| f));
    }
    let catalogues = CATALOGUES
        .iter()
        .map(|(text, name)| parse_catalogue_toml(text, name).map_err(|errors| format!("the shipped catalogue is invalid: {}", errors[0])))
        .collect::<Result<_, _>>()?;
    Ok(DemoData { organisations: register.organisations.into_iter().map(|(_, o)| o).collect(), populations, catalogues })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{OrganisationKind, check_successions};

    #[test]
    fn the_shipped_data_is_valid_and_complete() {
        let demo = data().unwrap();
        let rows: Vec<_> = demo.organisations.iter().cloned().enumerate().collect();
        assert!(check_successions(&rows, []).is_empty());
        let municipalities_on = |date: &str| {
            let date = date.parse().unwrap();
            demo.organisations.iter().filter(|o| o.kind() == OrganisationKind::Gemeente && o.is_valid_on(date)).count()
        };
        assert_eq!(municipalities_on("2011-01-01"), 418);
        assert_eq!(municipalities_on("2026-01-01"), 342);
        assert_eq!(demo.populations.len(), 342 + 340);
        assert_eq!(demo.catalogues.len(), 2);
    }
}

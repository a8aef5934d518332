//! Building-block catalogues (NUP 2008, i-NUP 2011, GDI): versioned lists of blocks in groups, kept as data
//! files. A wave measures against one catalogue version; "37% of 18" is blocks in use over the catalogue's size.

mod file;

pub use file::{CatalogueError, parse_catalogue_toml, write_catalogue_toml};

use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Catalogue {
    /// Stable identifier, e.g. `inup-2011`.
    pub id: String,
    /// The version of this list; importing the same id and version again updates it in place.
    pub version: String,
    pub name: String,
    pub description: String,
    pub source: String,
    /// True when the list could not be verified against a primary source and was rebuilt from secondary ones.
    pub reconstruction: bool,
    pub groups: Vec<BlockGroup>,
    pub blocks: Vec<BuildingBlock>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockGroup {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BuildingBlock {
    pub code: String,
    pub name: String,
    pub group: String,
    pub description: String,
    pub target_date: Option<NaiveDate>,
    /// Codes of blocks in the same catalogue that this block needs.
    pub depends_on: Vec<String>,
}

impl Catalogue {
    /// The number of blocks: the denominator of every adoption share measured against this catalogue.
    pub fn size(&self) -> usize {
        self.blocks.len()
    }

    pub fn group(&self, code: &str) -> Option<&BlockGroup> {
        self.groups.iter().find(|group| group.code == code)
    }

    pub fn block(&self, code: &str) -> Option<&BuildingBlock> {
        self.blocks.iter().find(|block| block.code == code)
    }

    pub fn blocks_in<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a BuildingBlock> {
        self.blocks.iter().filter(move |block| block.group == group)
    }

    /// The blocks of this catalogue that depend on `code`.
    pub fn dependents<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a BuildingBlock> {
        self.blocks.iter().filter(move |block| block.depends_on.iter().any(|d| d == code))
    }
}

/// Codes and ids are lower-case slugs, so they can stand in URLs as they are.
pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

#[cfg(test)]
mod shipped_catalogues_tests {
    use super::*;

    const INUP_2011: &str = include_str!("../../../../data/catalogues/inup-2011.toml");
    const NUP_2008: &str = include_str!("../../../../data/catalogues/nup-2008.toml");

    fn parse(text: &str, file_name: &str) -> Catalogue {
        parse_catalogue_toml(text, file_name).unwrap_or_else(|errors| {
            let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("{file_name} does not parse:\n{}", messages.join("\n"))
        })
    }

    fn assert_every_group_has_a_block(catalogue: &Catalogue) {
        for group in &catalogue.groups {
            assert!(catalogue.blocks_in(&group.code).next().is_some(), "{}: group '{}' has no blocks", catalogue.id, group.code);
        }
    }

    #[test]
    fn inup_2011_has_the_24_voorzieningen_of_the_verified_list_in_order() {
        let catalogue = parse(INUP_2011, "inup-2011.toml");
        assert_eq!(catalogue.id, "inup-2011");
        assert_eq!(catalogue.version, "2011");
        assert!(!catalogue.reconstruction);
        assert_eq!(catalogue.groups.len(), 4);
        assert_eq!(
            catalogue.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            [
                "Het Loket voor de burger",
                "Digitale dienstverlening aan bedrijven",
                "Stelsel van basisregistraties",
                "Noodzakelijke technische voorzieningen"
            ]
        );
        assert_eq!(catalogue.size(), 24);
        assert_eq!(
            catalogue.blocks.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            [
                "Webrichtlijnen",
                "Samenwerkende Catalogi",
                "DigiD Burger",
                "MijnOverheid",
                "Antwoord© 14+netnummer",
                "BSN",
                "DigiD Machtigen",
                "Antwoord voor bedrijven",
                "eHerkenning",
                "GBA (Gemeentelijke Basisadministratie persoonsgegevens)",
                "NHR (Nieuw Handelsregister)",
                "BAG (Basisregistraties Adressen en Gebouwen)",
                "BRT (Basisregistratie Topografie)",
                "BRK (Basisregistratie Kadaster)",
                "BRV (Basisregistratie Voertuigen)",
                "BLAU (lonen, arbeid en uitkeringsverhoudingen)",
                "BRI (Basisregistratie Inkomen)",
                "WOZ (Basisregistratie Onroerende Zaken)",
                "RNI (Registratie Niet Ingezetenen)",
                "BGT (Basisregistratie Grootschalige Topografie)",
                "BRO (Basisregistratie Ondergrond)",
                "Digikoppeling",
                "Digimelding",
                "Digilevering",
            ]
        );
        let group_sizes: Vec<usize> = catalogue.groups.iter().map(|g| catalogue.blocks_in(&g.code).count()).collect();
        assert_eq!(group_sizes, [7, 2, 12, 3]);
        let deadline = NaiveDate::from_ymd_opt(2015, 1, 1);
        assert!(catalogue.blocks.iter().all(|b| b.target_date == deadline));
        assert!(catalogue.blocks.iter().all(|b| !b.description.is_empty()));
        assert_every_group_has_a_block(&catalogue);
    }

    #[test]
    fn nup_2008_is_a_reconstruction_of_18_blocks_in_the_five_nup_groups() {
        let catalogue = parse(NUP_2008, "nup-2008.toml");
        assert_eq!(catalogue.id, "nup-2008");
        assert_eq!(catalogue.version, "2008");
        assert!(catalogue.reconstruction);
        assert!(catalogue.description.contains("reconstructie"));
        assert!(catalogue.description.contains("inbeeld import catalogue data/catalogues/nup-2008.toml"));
        assert_eq!(catalogue.groups.len(), 5);
        assert_eq!(catalogue.size(), 18);
        assert!(catalogue.blocks.iter().all(|b| !b.description.is_empty()));
        assert_every_group_has_a_block(&catalogue);
    }

    #[test]
    fn shared_facilities_have_the_same_code_in_both_catalogues() {
        let inup = parse(INUP_2011, "inup-2011.toml");
        let nup = parse(NUP_2008, "nup-2008.toml");
        for block in &nup.blocks {
            assert!(inup.block(&block.code).is_some(), "nup-2008 block '{}' is not in inup-2011", block.code);
        }
    }
}

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

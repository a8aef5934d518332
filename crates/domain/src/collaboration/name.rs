//! Names as people type them: "Gemeente Súdwest-Fryslân", "sudwest fryslan" and "SÚDWEST-FRYSLÂN" are one name.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::register::{OrgCode, Organisation, OrganisationKind};

/// A name reduced to what tells it apart: lower case, accents dropped, every run of other characters than
/// letters and digits one space, and the apostrophe left out ('s-Hertogenbosch is "s hertogenbosch").
pub fn normalise(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for character in name.chars().flat_map(char::to_lowercase) {
        match fold_accent(character) {
            '\'' | '’' | '‘' => {}
            letter if letter.is_alphanumeric() => folded.push(letter),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The letter without its accent, for the accents that Dutch and Frisian names carry.
fn fold_accent(character: char) -> char {
    match character {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

/// Words before a municipality's name that do not change which municipality is meant.
const PREFIXES: [&str; 2] = ["gemeente ", "gem "];

/// The municipalities of one division by normalised name, to find the one a line of text names.
#[derive(Clone, Debug, Default)]
pub struct MunicipalityIndex {
    by_name: BTreeMap<String, Vec<OrgCode>>,
    names: BTreeMap<OrgCode, String>,
}

impl MunicipalityIndex {
    /// The municipalities among `organisations` that exist on `date`. A name is also found without what stands
    /// between brackets ("Bergen (NH.)" as "Bergen"), unless that leaves two municipalities with one name.
    pub fn new(organisations: &[Organisation], date: NaiveDate) -> MunicipalityIndex {
        let mut by_name: BTreeMap<String, Vec<OrgCode>> = BTreeMap::new();
        let mut names = BTreeMap::new();
        for organisation in organisations.iter().filter(|o| o.kind() == OrganisationKind::Gemeente && o.is_valid_on(date)) {
            names.insert(organisation.code.clone(), organisation.name.clone());
            let full = normalise(&organisation.name);
            let short = normalise(organisation.name.split('(').next().unwrap_or_default());
            by_name.entry(full.clone()).or_default().push(organisation.code.clone());
            if short != full && !short.is_empty() {
                by_name.entry(short).or_default().push(organisation.code.clone());
            }
        }
        MunicipalityIndex { by_name, names }
    }

    /// The name of a municipality in the index.
    pub fn name(&self, code: &OrgCode) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// The municipality that `line` names, if it names exactly one: "Gemeente Zwolle" and "zwolle" find Zwolle; a
    /// name that two municipalities share finds none.
    pub fn find(&self, line: &str) -> Option<&OrgCode> {
        let name = normalise(line);
        let name = PREFIXES.iter().find_map(|prefix| name.strip_prefix(prefix)).unwrap_or(&name);
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([code]) => Some(code),
            _ => None,
        }
    }
}

use std::fmt;

use serde::{Deserialize, Serialize};

/// What an organisation in the register is. A CBS code's prefix says it; every LAU code is a municipality, since
/// Eurostat's local administrative units are the municipalities (communes, Gemeinden) of their country.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganisationKind {
    Gemeente,
    Provincie,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 2] = [OrganisationKind::Gemeente, OrganisationKind::Provincie];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Gemeente => "gemeente",
            OrganisationKind::Provincie => "provincie",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value.trim().to_lowercase())
    }

    /// The start of every CBS code of this kind: "GM", "PV".
    pub fn prefix(self) -> &'static str {
        match self {
            OrganisationKind::Gemeente => "GM",
            OrganisationKind::Provincie => "PV",
        }
    }

    fn digits(self) -> usize {
        match self {
            OrganisationKind::Gemeente => 4,
            OrganisationKind::Provincie => 2,
        }
    }
}

/// Which list a code comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeScheme {
    /// CBS's region codes of the Netherlands: GM0363, PV27.
    Cbs,
    /// Eurostat's local administrative units: a country and its national code, written `DE-09162000`.
    Lau,
}

/// The countries Eurostat publishes LAU codes for, by Eurostat's own country codes: ISO 3166 alpha-2, except EL
/// for Greece and UK for the United Kingdom. A list rather than "two letters", so that GR for Greece is refused
/// with the code Eurostat uses instead of making a country no LAU file contains.
pub const LAU_COUNTRIES: [&str; 38] = [
    "AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU",
    "LV", "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "TR", "UK", "XK",
];

/// The longest national LAU code accepted. Eurostat's longest are around ten characters (Ireland's, the United
/// Kingdom's); the bound keeps a pasted sentence from becoming a code.
pub const LAU_MAX_NATIONAL_CHARS: usize = 12;

/// Where ISO 3166 and Eurostat differ, the ISO code with Eurostat's, for the message that refuses it.
const ISO_NOT_EUROSTAT: [(&str, &str); 2] = [("GR", "EL"), ("GB", "UK")];

/// A code in the register: a CBS region code, `GM` and four digits for a municipality (GM0363), `PV` and two
/// for a province (PV27); or a Eurostat LAU code, the country, a hyphen and the national code (DE-09162000,
/// FR-2A004). The hyphen, which no CBS code has, keeps the two schemes apart, and both consist of capitals, digits
/// and a hyphen only, so a code is safe in a URL as it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim();
        let upper = trimmed.to_uppercase();
        match upper.split_once('-') {
            Some((country, national)) => Self::parse_lau(trimmed, country, national).map(|()| Self(upper)),
            None if Self::is_cbs(&upper) => Ok(Self(upper)),
            None => Err(format!(
                "'{trimmed}' is not a CBS or LAU code: a municipality is GM with four digits (GM0363), a province PV with two (PV27), \
                 a European municipality its country, a hyphen and its LAU code (DE-09162000)"
            )),
        }
    }

    fn is_cbs(upper: &str) -> bool {
        OrganisationKind::ALL.into_iter().any(|kind| {
            upper
                .strip_prefix(kind.prefix())
                .is_some_and(|digits| digits.len() == kind.digits() && digits.bytes().all(|b| b.is_ascii_digit()))
        })
    }

    fn parse_lau(typed: &str, country: &str, national: &str) -> Result<(), String> {
        let refuse = |why: String| {
            Err(format!("'{typed}' is not a LAU code: {why}; write the country, a hyphen and the national LAU code (DE-09162000)"))
        };
        if let Some((_, eurostat)) = ISO_NOT_EUROSTAT.iter().find(|(iso, _)| *iso == country) {
            return refuse(format!("Eurostat writes {country} as {eurostat}"));
        }
        if !LAU_COUNTRIES.contains(&country) {
            return refuse(format!("'{country}' is not a country of Eurostat's LAU list"));
        }
        if national.is_empty() || national.chars().count() > LAU_MAX_NATIONAL_CHARS {
            return refuse(format!("the national code has 1 to {LAU_MAX_NATIONAL_CHARS} characters"));
        }
        if !national.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return refuse("the national code has letters A to Z and digits only".into());
        }
        Ok(())
    }

    pub fn scheme(&self) -> CodeScheme {
        if self.0.contains('-') { CodeScheme::Lau } else { CodeScheme::Cbs }
    }

    /// The country of a LAU code (Eurostat's code, e.g. "DE"); `None` for a CBS code.
    pub fn country(&self) -> Option<&str> {
        self.lau_parts().map(|(country, _)| country)
    }

    /// The national part of a LAU code ("09162000" of DE-09162000); `None` for a CBS code.
    pub fn national_code(&self) -> Option<&str> {
        self.lau_parts().map(|(_, national)| national)
    }

    fn lau_parts(&self) -> Option<(&str, &str)> {
        self.0.split_once('-')
    }

    pub fn kind(&self) -> OrganisationKind {
        if self.scheme() == CodeScheme::Cbs && self.0.starts_with("PV") { OrganisationKind::Provincie } else { OrganisationKind::Gemeente }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgCode> for String {
    fn from(code: OrgCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_to_their_kind_and_normalise_case() {
        let amsterdam = OrgCode::parse(" gm0363 ").unwrap();
        assert_eq!(amsterdam.as_str(), "GM0363");
        assert_eq!(amsterdam.kind(), OrganisationKind::Gemeente);
        assert_eq!(OrgCode::parse("PV27").unwrap().kind(), OrganisationKind::Provincie);
    }

    #[test]
    fn malformed_codes_are_refused_with_the_expected_shape() {
        for bad in ["GM363", "GM03633", "PV2", "XX0363", "GM03a3", ""] {
            let message = OrgCode::parse(bad).unwrap_err();
            assert!(message.contains("GM with four digits"), "{bad}: {message}");
            assert!(message.contains("DE-09162000"), "{bad}: {message}");
        }
    }

    #[test]
    fn lau_codes_are_a_second_scheme_of_municipalities() {
        let munich = OrgCode::parse(" de-09162000 ").unwrap();
        assert_eq!(munich.as_str(), "DE-09162000");
        assert_eq!(munich.scheme(), CodeScheme::Lau);
        assert_eq!(munich.kind(), OrganisationKind::Gemeente);
        assert_eq!(munich.country(), Some("DE"));
        assert_eq!(munich.national_code(), Some("09162000"));
        let ajaccio = OrgCode::parse("FR-2A004").unwrap();
        assert_eq!(ajaccio.national_code(), Some("2A004"));
        // A Dutch municipality by its LAU code is another code than by its CBS code: the schemes never collide.
        let amsterdam_lau = OrgCode::parse("NL-GM0363").unwrap();
        assert_eq!(amsterdam_lau.scheme(), CodeScheme::Lau);
        assert_ne!(amsterdam_lau, OrgCode::parse("GM0363").unwrap());
        assert_eq!(OrgCode::parse("GM0363").unwrap().country(), None);
        assert_eq!(OrgCode::parse("PV27").unwrap().scheme(), CodeScheme::Cbs);
        assert_eq!(OrgCode::parse("EL-12345678").unwrap().kind(), OrganisationKind::Gemeente);
    }

    #[test]
    fn malformed_lau_codes_are_refused_saying_why() {
        let refused = |code: &str| OrgCode::parse(code).unwrap_err();
        assert_eq!(
            refused("GR-1234"),
            "'GR-1234' is not a LAU code: Eurostat writes GR as EL; write the country, a hyphen and the national LAU code (DE-09162000)"
        );
        assert!(refused("XX-1234").contains("'XX' is not a country of Eurostat's LAU list"));
        assert!(refused("DEU-1234").contains("'DEU' is not a country"));
        assert!(refused("DE-").contains("1 to 12 characters"));
        assert!(refused("DE-0916200012345").contains("1 to 12 characters"));
        assert!(refused("DE-0916 2000").contains("letters A to Z and digits only"));
        assert!(refused("DE-09162-000").contains("letters A to Z and digits only"));
        assert!(refused("FR-2Ä004").contains("letters A to Z and digits only"));
        assert!(refused("-09162000").contains("is not a country"));
    }
}

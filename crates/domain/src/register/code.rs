use std::fmt;

use serde::{Deserialize, Serialize};

/// What an organisation in the register is. The CBS code's prefix says it.
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

    /// The start of every code of this kind: "GM", "PV".
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

/// A CBS region code: `GM` and four digits for a municipality (GM0363), `PV` and two for a province (PV27).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(value: &str) -> Result<Self, String> {
        let upper = value.trim().to_uppercase();
        let fits = |kind: OrganisationKind| {
            upper
                .strip_prefix(kind.prefix())
                .is_some_and(|digits| digits.len() == kind.digits() && digits.bytes().all(|b| b.is_ascii_digit()))
        };
        if OrganisationKind::ALL.into_iter().any(fits) {
            Ok(Self(upper))
        } else {
            Err(format!(
                "'{}' is not a CBS code: a municipality is GM with four digits (GM0363), a province PV with two (PV27)",
                value.trim()
            ))
        }
    }

    pub fn kind(&self) -> OrganisationKind {
        if self.0.starts_with("PV") { OrganisationKind::Provincie } else { OrganisationKind::Gemeente }
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
        }
    }
}

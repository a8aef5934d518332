use std::fmt;

use serde::Serialize;

use super::AccountError;

/// An e-mail address, trimmed and in lower case, so that one person has one account whatever the capitals.
/// Checked for shape only; whether it receives mail is for the mail it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, AccountError> {
        let email = value.trim().to_lowercase();
        let invalid = || AccountError::InvalidEmail(value.trim().to_owned());
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let fits = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
            && !local.contains('@');
        if fits { Ok(Self(email)) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_and_checked_for_shape() {
        assert_eq!(Email::parse(" Monitor@Example.NL ").unwrap().as_str(), "monitor@example.nl");
        for bad in ["", "monitor", "@example.nl", "monitor@", "monitor@example", "mon itor@example.nl", "a@b@example.nl", "x@.nl"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}

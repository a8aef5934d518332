//! `/.well-known/security.txt` (RFC 9116): where to report a vulnerability, until when the file holds, in which
//! languages, and where the file itself lives. SECURITY.md says what happens with a report.

use chrono::{DateTime, SecondsFormat, Utc};

/// How long the file holds from the start of the process. RFC 9116 advises less than a year, so that a stale file
/// is noticed; a process that runs longer than this serves an expired file and should be restarted.
pub const VALIDITY: chrono::TimeDelta = chrono::TimeDelta::days(365);

/// The address when none is configured and the public URL has no host name to derive one from (a bare IP address
/// or `localhost`, as in development).
const PLACEHOLDER: &str = "mailto:security@inbeeld.example";

/// Where to report a vulnerability: a `mailto:` or `https://` URI on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact(String);

impl Contact {
    /// Refuses anything but a `mailto:` address or an `https://` URI without whitespace or control characters, so
    /// that the value can never add a line (a field) to the file.
    pub fn parse(text: &str) -> Result<Contact, String> {
        let text = text.trim();
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("a security contact is one URI, without spaces".into());
        }
        let valid = match (text.strip_prefix("mailto:"), text.strip_prefix("https://")) {
            (Some(address), _) => address.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty()),
            (_, Some(rest)) => !rest.is_empty() && !rest.starts_with('/'),
            _ => false,
        };
        if valid {
            Ok(Contact(text.to_owned()))
        } else {
            Err(format!("a security contact is a mailto: address or an https:// URI, not {text:?}"))
        }
    }

    /// `mailto:security@` the host name of the site's public URL, or the placeholder when it has none.
    pub fn for_site(public_url: &str) -> Contact {
        let authority = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
        let authority = authority.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let host = host.split(':').next().unwrap_or_default().to_ascii_lowercase();
        let is_name = host.contains('.')
            && host.chars().any(|c| c.is_ascii_alphabetic())
            && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if is_name { Contact(format!("mailto:security@{host}")) } else { Contact(PLACEHOLDER.to_owned()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The file's text: `public_url` without a trailing slash, `expires` when it stops holding.
pub fn text(contact: &Contact, expires: DateTime<Utc>, public_url: &str) -> String {
    format!(
        "# Kwetsbaarheid gevonden? Meld die hier; zie SECURITY.md in de broncode van inbeeld.\n\
         # Found a vulnerability? Report it here; see SECURITY.md in inbeeld's source code.\n\
         Contact: {}\n\
         Expires: {}\n\
         Preferred-Languages: nl, en\n\
         Canonical: {public_url}/.well-known/security.txt\n",
        contact.as_str(),
        expires.to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_contact_is_one_mailto_or_https_uri() {
        assert_eq!(Contact::parse(" mailto:cert@example.nl ").unwrap().as_str(), "mailto:cert@example.nl");
        assert!(Contact::parse("https://example.nl/melden").is_ok());
        for bad in [
            "",
            "cert@example.nl",
            "mailto:",
            "mailto:@example.nl",
            "http://example.nl",
            "https://",
            "https:///x",
            "mailto:a@b.nl\nPolicy: https://evil.example",
            "https://example.nl/a b",
            "javascript:alert(1)",
        ] {
            assert!(Contact::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_default_contact_comes_from_the_public_host_name() {
        assert_eq!(Contact::for_site("https://inbeeld.example.nl").as_str(), "mailto:security@inbeeld.example.nl");
        assert_eq!(Contact::for_site("https://user@Monitor.Example.NL:8443/pad").as_str(), "mailto:security@monitor.example.nl");
        for local in ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "nonsense"] {
            assert_eq!(Contact::for_site(local).as_str(), PLACEHOLDER, "{local}");
        }
    }

    #[test]
    fn the_text_has_every_field_once() {
        let expires = DateTime::parse_from_rfc3339("2027-01-02T03:04:05Z").unwrap().with_timezone(&Utc);
        let text = text(&Contact::parse("mailto:cert@example.nl").unwrap(), expires, "https://example.nl");
        let fields: Vec<&str> = text.lines().filter(|line| !line.starts_with('#')).collect();
        assert_eq!(
            fields,
            [
                "Contact: mailto:cert@example.nl",
                "Expires: 2027-01-02T03:04:05Z",
                "Preferred-Languages: nl, en",
                "Canonical: https://example.nl/.well-known/security.txt"
            ]
        );
    }
}

//! Finding an organisation by the start of its name or code, in a register of 100,000: the databases keep a few
//! search keys per organisation in one sorted index, and a query is one range of that index, the same on SQLite
//! and PostgreSQL because both compare the keys as bytes.
//!
//! A key is a name from one of its words to the end, lower-cased and without diacritics ("Den Haag" gives
//! "den haag" and "haag"), or the code the same way ("gm0518"; "de 09162000" and "09162000" for DE-09162000). A
//! query finds every organisation of which a key starts with the query, read the same way: "haag", "den h",
//! "sudwest" (Súdwest-Fryslân), "gm05" and "09162" all find what a person means, and the index answers at once.

use super::OrgCode;
use crate::knowledge::words;

/// Only the start of a very long query is read: no name is longer.
const MAX_QUERY_CHARS: usize = 200;

/// Every key an organisation is found by: each word of its name onwards, and each part of its code onwards.
pub fn search_keys(code: &OrgCode, name: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for text in [name, code.as_str()] {
        let parts: Vec<String> = words(text).into_iter().map(|(_, word)| word).collect();
        for start in 0..parts.len() {
            let key = parts[start..].join(" ");
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

/// What a search on name or code asks for: the start of a key, read as the keys are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamePrefix(String);

impl NamePrefix {
    /// Any text gives a prefix, or none when it holds no letter or digit (then nothing is narrowed).
    pub fn parse(typed: &str) -> Option<Self> {
        let start: String = typed.chars().take(MAX_QUERY_CHARS).collect();
        let prefix = words(&start).into_iter().map(|(_, word)| word).collect::<Vec<_>>().join(" ");
        (!prefix.is_empty()).then_some(Self(prefix))
    }

    /// The smallest key that starts with the prefix: the prefix itself.
    pub fn lowest(&self) -> &str {
        &self.0
    }

    /// The first text after every key that starts with the prefix: the prefix with its last character one
    /// higher. Keys starting with the prefix are exactly those `>= lowest()` and `< beyond()`.
    pub fn beyond(&self) -> String {
        let mut beyond = self.0.clone();
        if let Some(last) = beyond.pop() {
            // The next character that exists; only the gap of surrogates (U+D800 to U+DFFF) is skipped.
            let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32).unwrap_or(char::MAX);
            beyond.push(next);
        }
        beyond
    }

    /// Whether `key` is found by this prefix, as the databases decide it.
    pub fn finds(&self, key: &str) -> bool {
        key >= self.lowest() && key < self.beyond().as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn organisation(code: &str, name: &str) -> (OrgCode, String) {
        (OrgCode::parse(code).unwrap(), name.to_owned())
    }

    fn keys((code, name): &(OrgCode, String)) -> Vec<String> {
        search_keys(code, name)
    }

    fn found(typed: &str, organisation: &(OrgCode, String)) -> bool {
        let prefix = NamePrefix::parse(typed).unwrap();
        keys(organisation).iter().any(|key| prefix.finds(key))
    }

    #[test]
    fn keys_start_at_every_word_of_name_and_code() {
        assert_eq!(keys(&organisation("GM0518", "'s-Gravenhage")), ["s gravenhage", "gravenhage", "gm0518"]);
        assert_eq!(keys(&organisation("DE-09162000", "München")), ["munchen", "de 09162000", "09162000"]);
        assert_eq!(keys(&organisation("GM1900", "Súdwest-Fryslân")), ["sudwest fryslan", "fryslan", "gm1900"]);
    }

    #[test]
    fn a_query_finds_the_start_of_a_word_or_code_in_any_case_and_without_accents() {
        let hague = organisation("GM0518", "'s-Gravenhage");
        for typed in ["graven", "'S-GRAVENHAGE", "s grav", "gm05", "GM0518"] {
            assert!(found(typed, &hague), "{typed}");
        }
        for typed in ["hage", "gm0519", "518"] {
            assert!(!found(typed, &hague), "{typed}");
        }
        let munich = organisation("DE-09162000", "München");
        for typed in ["munch", "MÜNCHEN", "de-0916", "09162", "de 09162000"] {
            assert!(found(typed, &munich), "{typed}");
        }
    }

    #[test]
    fn text_without_letters_or_digits_asks_for_nothing() {
        assert_eq!(NamePrefix::parse("  -- %_ "), None);
        assert_eq!(NamePrefix::parse("100%_").unwrap().lowest(), "100");
        assert_eq!(NamePrefix::parse("den").unwrap().beyond(), "deo");
    }
}

//! Where a visitor goes back to after signing in. The value arrives from the visitor (a query parameter, a hidden
//! field), so it is an open redirect unless it can only name a page on this site.

use std::fmt;

/// A longer value is no page of ours, and a redirect header need not carry it.
const MAX_LENGTH: usize = 2048;

/// How often a value is percent-decoded to look for what a browser or a proxy might make of it; a value still
/// changing after that is refused, since no link of ours is encoded that deep.
const DECODINGS: usize = 3;

/// A path on this site, checked by `parse`: it starts with exactly one `/`, has no `\`, no control character or
/// whitespace, and no `:` in its first segment, in the text as given and after percent-decoding it. Browsers
/// drop tabs and newlines and read `\` as `/`, so each of those could turn `/…` into `//other.site`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    /// The path, or `None` when it could lead anywhere but a page of this site.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() > MAX_LENGTH || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let mut text = raw.as_bytes().to_vec();
        for _ in 0..=DECODINGS {
            if !stays_on_this_site(&text) {
                return None;
            }
            let decoded = percent_decode(&text);
            if decoded == text {
                return Some(Self(raw.to_owned()));
            }
            text = decoded;
        }
        None
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReturnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn stays_on_this_site(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    let first_segment = text.get(1..).unwrap_or_default().split(['/', '?', '#']).next().unwrap_or_default();
    text.starts_with('/')
        && !text[1..].starts_with(['/', '\\'])
        && !text.contains('\\')
        && !text.chars().any(|c| c.is_control() || c.is_whitespace())
        // `/javascript:…` is a path, but a reader that drops the slash would see a scheme.
        && !first_segment.contains(':')
}

/// `%XX` to its byte; anything else, a malformed escape included, stays as it is.
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?)).flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept_as_given() {
        for path in [
            "/",
            "/mijn",
            "/beheer/audit",
            "/beheer/audit?actie=login&van=2025-01-01",
            "/invullen/w/GM0363?pagina=2",
            "/invullen/eerste-meting/GM0363/pagina/thema",
            "/kennisbank/digid-aansluiten-inloggen-voor-burgers",
            "/beheer/audit?actor=beheer%40instituut.nl",
            "/metingen#tabel",
            "/a/b:c",
        ] {
            assert_eq!(ReturnPath::parse(path).map(|p| p.to_string()), Some(path.to_owned()), "{path}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        let hostile = [
            "",
            "evil.example",
            "//evil.example",
            "//evil.example/",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/beheer\\..\\..\\evil",
            "/\t/evil.example/",
            "/%09/evil.example/",
            "%2F%09%2Fevil.example%2F",
            "/\n/evil.example",
            "/%0A/evil.example",
            "/%0D%0ASet-Cookie:%20x=1",
            "/%00",
            "/\0",
            "/ /evil.example",
            "/%20/evil.example",
            "%2F%2Fevil.example",
            "/%2Fevil.example",
            "/%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5C%5Cevil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252F%25252Fevil",
            "https://evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            "/javascript:alert(1)",
            "/%6Aavascript%3Aalert(1)",
            "data:text/html,<script>alert(1)</script>",
            "/\u{2028}/evil.example",
            "/%E2%80%A8/evil.example",
            "/\u{a0}/evil.example",
            "/%C2%A0/evil.example",
            "/\u{7f}",
            "/%7F",
            "/%FF",
        ];
        assert!(hostile.len() >= 20);
        for value in hostile {
            assert_eq!(ReturnPath::parse(value), None, "{value:?}");
        }
        assert_eq!(ReturnPath::parse(&format!("/{}", "a".repeat(MAX_LENGTH))), None, "too long");
    }
}

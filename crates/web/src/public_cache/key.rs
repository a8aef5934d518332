//! What names a public answer: its path with the query as its route reads it, and the entity tag of that answer
//! for the versions of the data it shows.

use std::fmt::Write;

use axum::http::{HeaderMap, HeaderValue, Uri, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The query as the route's handler reads it: parsed into its own query type and written back, so that unknown
/// parameters, their order and absent ones make no new entries. `None` when the query does not parse: the
/// handler answers that with what is wrong, and such an answer is not kept.
pub(super) fn normalised_query<Q: DeserializeOwned + Serialize>(query: Option<&str>) -> Option<String> {
    let parsed: Q = serde_urlencoded::from_str(query.unwrap_or_default()).ok()?;
    serde_urlencoded::to_string(&parsed).ok()
}

/// The key of a request's answer: the path as asked, and the query as the route reads it.
pub(super) fn key(uri: &Uri, query: &str) -> String {
    if query.is_empty() { uri.path().to_owned() } else { format!("{}?{query}", uri.path()) }
}

/// A weak entity tag (the same page in any encoding) from the program's version, the key and the versions of the
/// data it shows: every process sharing a database gives the same tag for the same answer.
pub(super) fn entity_tag(key: &str, versions: &[i64]) -> HeaderValue {
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    hash.update([0]);
    hash.update(key.as_bytes());
    for version in versions {
        hash.update(version.to_le_bytes());
    }
    let digest = hash.finalize();
    let mut hex = String::with_capacity(24);
    for byte in digest.iter().take(12) {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    // Hex digits and quotes only: always a valid header value.
    HeaderValue::from_str(&format!("W/\"{hex}\"")).unwrap_or_else(|_| HeaderValue::from_static("W/\"\""))
}

/// Whether the request's `If-None-Match` names `tag` (by weak comparison, as RFC 9110 asks for this header) or
/// is `*`.
pub(super) fn not_modified(request: &HeaderMap, tag: &HeaderValue) -> bool {
    let opaque = |value: &str| value.trim().trim_start_matches("W/").to_owned();
    let ours = tag.to_str().map(opaque).unwrap_or_default();
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == ours)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize, Serialize)]
    struct ListQuery {
        zoek: Option<String>,
        pagina: Option<u32>,
    }

    #[derive(Deserialize, Serialize)]
    struct NoQuery {}

    #[test]
    fn a_query_is_keyed_as_its_route_reads_it() {
        let normalised = |query| normalised_query::<ListQuery>(query);
        assert_eq!(normalised(None).as_deref(), Some(""));
        assert_eq!(normalised(Some("utm_source=x&random=123")).as_deref(), Some(""), "unknown parameters make no entry");
        assert_eq!(normalised(Some("pagina=2&zoek=den")).as_deref(), Some("zoek=den&pagina=2"));
        assert_eq!(normalised(Some("zoek=den&x=1&pagina=2")), normalised(Some("pagina=2&zoek=den")));
        assert_eq!(normalised(Some("zoek=den+haag")), normalised(Some("zoek=den%20haag")));
        assert_eq!(normalised(Some("pagina=twee")), None, "the handler says what is wrong");
        assert_eq!(normalised_query::<NoQuery>(Some("a=1&b=2")).as_deref(), Some(""));
        let uri: Uri = "/gemeenten?b=1".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(key(&uri, "zoek=den"), "/gemeenten?zoek=den");
        assert_eq!(key(&uri, ""), "/gemeenten");
    }

    #[test]
    fn the_tag_changes_with_the_data_and_the_address_and_is_matched_weakly() {
        let tag = entity_tag("/metingen/eerste-meting", &[1, 2, 3]);
        assert_eq!(tag, entity_tag("/metingen/eerste-meting", &[1, 2, 3]));
        assert_ne!(tag, entity_tag("/metingen/eerste-meting", &[1, 2, 4]));
        assert_ne!(tag, entity_tag("/metingen/vervolgmeting", &[1, 2, 3]));
        let opaque = tag.to_str().unwrap_or_default().trim_start_matches("W/").to_owned();
        let asking = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")));
            not_modified(&headers, &tag)
        };
        assert!(asking(tag.to_str().unwrap_or_default()));
        assert!(asking(&opaque), "a strong tag with the same opaque value matches weakly");
        assert!(asking(&format!("\"other\", {opaque}")));
        assert!(asking("*"));
        assert!(!asking("W/\"other\""));
        assert!(!not_modified(&HeaderMap::new(), &tag));
    }
}

//! Dutch full-text search, the same on both databases: text is cut into words here, lower-cased, stripped of
//! diacritics and stemmed with the Dutch Snowball stemmer, and the databases index and match only these stems.
//! A query is turned into stems the same way, so no text a user types ever reaches a query language: the store
//! builds its MATCH or tsquery expression from `SearchQuery::terms`, which hold letters and digits only.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words longer than this are not words but noise (a pasted hash, a run of letters): they are not searched for.
const MAX_WORD_CHARS: usize = 40;
/// Only the start of a very long query is read.
const MAX_QUERY_CHARS: usize = 500;
/// A query of more words than this searches for the first ones.
pub const MAX_QUERY_TERMS: usize = 12;

/// Words so common in Dutch that searching for them finds everything; left out of a query that has other words.
const STOP_WORDS: &[&str] = &[
    "aan", "al", "als", "bij", "dan", "dat", "de", "die", "dit", "deze", "door", "een", "en", "er", "het", "hoe", "ik", "in", "is", "je",
    "kan", "maar", "met", "na", "naar", "niet", "nog", "of", "om", "ons", "onze", "ook", "op", "over", "te", "tot", "u", "uit", "uw",
    "van", "voor", "wat", "waar", "we", "wie", "wij", "wordt", "worden", "ze", "zij", "zijn", "zo",
];

/// The words of `text` with where each starts (a byte offset into `text`): runs of letters and digits,
/// lower-cased and without diacritics ("Één" → "een", "ĳ" → "ij"). Everything else separates words.
pub fn words(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (offset, character) in text.char_indices() {
        if character.is_alphanumeric() {
            let word = &mut current.get_or_insert_with(|| (offset, String::new())).1;
            word.extend(fold(character));
        } else if let Some(word) = current.take() {
            found.push(word);
        }
    }
    found.extend(current);
    found.retain(|(_, word)| !word.is_empty());
    found
}

/// One character lower-cased, decomposed and without its accents; a ligature becomes its letters.
fn fold(character: char) -> impl Iterator<Item = char> {
    character.to_lowercase().nfkd().filter(|c| !is_combining_mark(*c) && c.is_alphanumeric())
}

/// A lower-case word without diacritics, stemmed: "gemeenten" and "gemeente" both give "gemeent".
pub fn stem(word: &str) -> String {
    Stemmer::create(Algorithm::Dutch).stem(word).into_owned()
}

/// The text a database indexes for `text`: its stems, separated by spaces.
pub fn indexed_text(text: &str) -> String {
    words(text).iter().filter(|(_, word)| word.chars().count() <= MAX_WORD_CHARS).map(|(_, word)| stem(word)).collect::<Vec<_>>().join(" ")
}

/// What to search for: the stems of the words of a query, without duplicates, in the order typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
}

impl SearchQuery {
    /// Reads any text: quotes, operators, emoji and punctuation are only separators, so every input gives a
    /// query, possibly an empty one. Common words are dropped unless the query has nothing else.
    pub fn parse(input: &str) -> SearchQuery {
        let start: String = input.chars().take(MAX_QUERY_CHARS).collect();
        let all: Vec<String> =
            words(&start).into_iter().map(|(_, word)| word).filter(|word| word.chars().count() <= MAX_WORD_CHARS).collect();
        let meaningful: Vec<&String> = all.iter().filter(|word| !STOP_WORDS.contains(&word.as_str())).collect();
        let chosen: Vec<&String> = if meaningful.is_empty() { all.iter().collect() } else { meaningful };
        let mut terms: Vec<String> = Vec::new();
        for word in chosen {
            let term = stem(word);
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        terms.truncate(MAX_QUERY_TERMS);
        SearchQuery { terms }
    }

    /// The stems to match, each of letters and digits only.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether `word` (as `words` gives it) is one of the words searched for, in any of its forms.
    pub fn matches(&self, word: &str) -> bool {
        self.terms.contains(&stem(word))
    }
}

/// A short piece of `text` (plain text, not Markdown) of about `max_chars` characters: around the first word the
/// query matches, or from the start. Cut off text is marked with an ellipsis.
pub fn excerpt(text: &str, query: Option<&SearchQuery>, max_chars: usize) -> String {
    let text = text.trim();
    let hit = query.and_then(|query| words(text).into_iter().find(|(_, word)| query.matches(word)).map(|(offset, _)| offset));
    // Some words before the hit, so that it is read in its sentence; started at a word.
    let start = hit.map_or(0, |offset| {
        let lead = text[..offset].char_indices().rev().nth(max_chars / 4).map_or(0, |(at, _)| at);
        if lead == 0 { 0 } else { text[lead..].find(' ').map_or(offset, |space| lead + space + 1).min(offset) }
    });
    let rest = &text[start..];
    let mut piece: String = rest.chars().take(max_chars).collect();
    let cut_end = piece.len() < rest.len();
    if cut_end && let Some(space) = piece.rfind(' ') {
        piece.truncate(space);
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(piece.trim_end_matches([',', ';', ':', ' ']));
    if cut_end {
        out.push('…');
    }
    out
}

/// A key to sort titles by as a reader expects: without case or diacritics ("Één" beside "een").
pub fn sort_key(title: &str) -> String {
    words(title).into_iter().map(|(_, word)| word).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        indexed_text(text).split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn words_are_lower_case_without_diacritics_and_split_on_anything_else() {
        let found: Vec<String> = words("Één café, de ĲSSEL-brug & e-Herkenning!").into_iter().map(|(_, w)| w).collect();
        assert_eq!(found, ["een", "cafe", "de", "ijssel", "brug", "e", "herkenning"]);
        assert_eq!(words("  «Ça»")[0], (4, "ca".to_owned()), "the offset is where the word starts in the text");
        assert!(words("!!! *** 🙂 ---").is_empty());
    }

    #[test]
    fn the_dutch_stemmer_equates_word_forms() {
        assert_eq!(stem("gemeenten"), stem("gemeente"));
        assert_eq!(stem("koppelingen"), stem("koppeling"));
        assert_eq!(stem("aansluiten"), stem("aansluiting"));
        assert_ne!(stem("gemeente"), stem("koppeling"));
        assert_eq!(stems("Gemeenten koppelen"), [stem("gemeente"), stem("koppelen")]);
    }

    #[test]
    fn a_query_of_odd_characters_gives_letters_and_digits_only() {
        let long = "!?".repeat(250);
        for input in [
            "\"digid\"",
            "digi*",
            "title:digid",
            "a & b | !c (d)",
            "digid NEAR bag",
            "digid AND NOT bag OR",
            "'; DROP TABLE articles; --",
            "🙂 digid 🚀",
            "\\\"\u{0}\u{7}",
            long.as_str(),
            "",
        ] {
            let query = SearchQuery::parse(input);
            for term in query.terms() {
                assert!(!term.is_empty() && term.chars().all(char::is_alphanumeric), "{input:?} gave the term {term:?}");
            }
        }
        assert_eq!(SearchQuery::parse("\"digid\" NEAR (bag)*").terms(), ["digid", "near", "bag"]);
        assert!(SearchQuery::parse(&long).is_empty());
        assert!(SearchQuery::parse("🙂🙂").is_empty());
    }

    #[test]
    fn a_query_drops_common_words_and_duplicates_and_stems_the_rest() {
        let query = SearchQuery::parse("Hoe sluit de gemeente aan op DigiD? Gemeenten!");
        assert_eq!(query.terms(), [stem("sluit"), stem("gemeente"), "digid".to_owned()]);
        assert_eq!(SearchQuery::parse("de het").terms(), ["de", "het"], "a query of only common words keeps them");
        let many: String = (0..30).map(|i| format!("woord{i} ")).collect();
        assert_eq!(SearchQuery::parse(&many).terms().len(), MAX_QUERY_TERMS);
        assert!(SearchQuery::parse(&"a".repeat(41)).is_empty(), "a 41-letter word is noise");
    }

    #[test]
    fn an_excerpt_shows_the_first_hit_in_its_sentence() {
        let text = "DigiD is het inlogmiddel van burgers. ".repeat(5) + "Een gemeente sluit haar diensten aan via een koppeling.";
        let query = SearchQuery::parse("koppelingen");
        let piece = excerpt(&text, Some(&query), 60);
        assert!(piece.starts_with('…') && piece.contains("koppeling"), "{piece}");
        assert!(piece.chars().count() <= 62, "{piece}");
        assert_eq!(excerpt("Kort.", None, 60), "Kort.");
        let start = excerpt(&text, None, 20);
        assert_eq!(start, "DigiD is het…");
        assert_eq!(excerpt(&text, Some(&SearchQuery::parse("nergens")), 20), start, "no hit: from the start");
    }

    #[test]
    fn titles_sort_without_case_or_diacritics() {
        assert!(sort_key("Één loket") < sort_key("eHerkenning"));
        assert!(sort_key("BAG") < sort_key("bsn"));
    }
}

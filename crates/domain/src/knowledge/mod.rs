//! The knowledge base: short articles per building block, written in Markdown by the monitor team and analysts,
//! shown sanitised (`markdown`), found by Dutch full-text search (`search`), and shipped for the demo as files
//! with a small front matter (`file`).

mod file;
mod markdown;
mod search;

pub use file::{ArticleFileError, parse_article_file};
pub use markdown::{plain_text, render_html};
pub use search::{MAX_QUERY_TERMS, SearchQuery, excerpt, indexed_text, sort_key, stem, words};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::catalogue::{Catalogue, is_slug};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 100_000;
/// How long an excerpt in a list of articles is, in characters.
pub const EXCERPT_CHARS: usize = 220;

/// An article as stored: the text as its author wrote it, and the revision that each save must name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Article {
    pub slug: String,
    pub title: String,
    /// Codes of building blocks, in the order the author gave them.
    pub blocks: Vec<String>,
    /// Markdown, as typed.
    pub body: String,
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
}

impl Article {
    /// The body as sanitised HTML.
    pub fn html(&self) -> String {
        render_html(&self.body)
    }

    /// A short piece of the body: around the first word the query finds, or its start.
    pub fn excerpt(&self, query: Option<&SearchQuery>) -> String {
        excerpt(&plain_text(&self.body), query.filter(|q| !q.is_empty()), EXCERPT_CHARS)
    }
}

/// The article's fields, checked: what the store writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleText {
    pub slug: String,
    pub title: String,
    pub blocks: Vec<String>,
    pub body: String,
}

/// What a database indexes for an article: the stems of its title and of its body's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchText {
    pub title: String,
    pub body: String,
}

impl ArticleText {
    pub fn search_text(&self) -> SearchText {
        SearchText { title: indexed_text(&self.title), body: indexed_text(&plain_text(&self.body)) }
    }
}

/// An article as typed in the editor or read from a file, before it is checked; kept as typed so that a refused
/// form shows it again.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ArticleInput {
    #[serde(default)]
    pub title: String,
    /// Empty: made from the title.
    #[serde(default)]
    pub slug: String,
    /// Codes of building blocks, separated by commas or spaces.
    #[serde(default)]
    pub blocks: String,
    #[serde(default)]
    pub body: String,
}

impl From<&Article> for ArticleInput {
    fn from(article: &Article) -> Self {
        ArticleInput {
            title: article.title.clone(),
            slug: article.slug.clone(),
            blocks: article.blocks.join(", "),
            body: article.body.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ArticleField {
    Title,
    Slug,
    Blocks,
    Body,
}

impl ArticleField {
    /// The field's label in the editor.
    pub fn label(self) -> &'static str {
        match self {
            ArticleField::Title => "Titel",
            ArticleField::Slug => "Adres (slug)",
            ArticleField::Blocks => "Bouwstenen",
            ArticleField::Body => "Tekst",
        }
    }
}

/// A problem with one field, in Dutch, saying what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleError {
    pub field: ArticleField,
    pub message: String,
}

impl std::fmt::Display for ArticleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

impl ArticleInput {
    /// Checks every field and gives the article to store, or every problem. `blocks` knows the building blocks
    /// an article may be about.
    pub fn check(&self, blocks: &BlockDirectory) -> Result<ArticleText, Vec<ArticleError>> {
        let mut errors = Vec::new();
        let mut error = |field, message: String| errors.push(ArticleError { field, message });
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            error(ArticleField::Title, "geef het artikel een titel.".into());
        } else if title.chars().count() > MAX_TITLE_CHARS {
            error(ArticleField::Title, format!("maak de titel korter: hooguit {MAX_TITLE_CHARS} tekens."));
        }
        let slug = match self.slug.trim() {
            "" => slug_from_title(&title),
            typed => typed.to_owned(),
        };
        if !title.is_empty() && slug.is_empty() {
            error(
                ArticleField::Slug,
                "uit deze titel is geen adres te maken; vul zelf een adres in, bijvoorbeeld ‘digid-aansluiten’.".into(),
            );
        } else if !slug.is_empty() && !is_slug(&slug) {
            error(
                ArticleField::Slug,
                format!(
                    "‘{slug}’ kan niet: gebruik kleine letters, cijfers en streepjes (hooguit 64 tekens), bijvoorbeeld ‘digid-aansluiten’."
                ),
            );
        }
        let mut codes: Vec<String> = Vec::new();
        for code in self.blocks.split([',', ';', ' ', '\n', '\t']).map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        let unknown: Vec<String> = codes.iter().filter(|code| !blocks.knows(code)).map(|code| format!("‘{code}’")).collect();
        if !unknown.is_empty() {
            let (noun, verb) = if unknown.len() == 1 { ("de code", "komt") } else { ("de codes", "komen") };
            error(
                ArticleField::Blocks,
                format!("{noun} {} {verb} in geen catalogus voor; gebruik de code van een bouwsteen, zoals ‘digid’.", unknown.join(", ")),
            );
        }
        let body = self.body.replace("\r\n", "\n");
        if body.trim().is_empty() {
            error(ArticleField::Body, "schrijf de tekst van het artikel.".into());
        } else if body.chars().count() > MAX_BODY_CHARS {
            error(ArticleField::Body, format!("de tekst is te lang: hooguit {MAX_BODY_CHARS} tekens."));
        }
        if errors.is_empty() { Ok(ArticleText { slug, title, blocks: codes, body }) } else { Err(errors) }
    }
}

/// The address of an article made from its title: its words without diacritics, lower-cased, joined by hyphens,
/// at most 64 characters and cut between words. Empty when the title has no letters or digits.
pub fn slug_from_title(title: &str) -> String {
    let mut slug = String::new();
    for (_, word) in words(title) {
        let word: String = word.chars().filter(char::is_ascii_alphanumeric).collect();
        if word.is_empty() {
            continue;
        }
        let needed = word.len() + usize::from(!slug.is_empty());
        if slug.len() + needed > 64 {
            if slug.is_empty() {
                slug = word[..64].to_owned();
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

/// The building blocks articles may be about: every block of every catalogue, by code, in the order of the
/// catalogues given and of their blocks, each named as the first catalogue that has it names it.
#[derive(Clone, Debug, Default)]
pub struct BlockDirectory {
    blocks: Vec<(String, String)>,
}

impl BlockDirectory {
    pub fn new(catalogues: &[Catalogue]) -> Self {
        let mut blocks: Vec<(String, String)> = Vec::new();
        for block in catalogues.iter().flat_map(|catalogue| &catalogue.blocks) {
            if !blocks.iter().any(|(code, _)| *code == block.code) {
                blocks.push((block.code.clone(), block.name.clone()));
            }
        }
        Self { blocks }
    }

    pub fn knows(&self, code: &str) -> bool {
        self.blocks.iter().any(|(known, _)| known == code)
    }

    /// The block's name; its code when no catalogue has it (any more).
    pub fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.blocks.iter().find(|(known, _)| known == code).map_or(code, |(_, name)| name.as_str())
    }

    /// Every block as (code, name), in order.
    pub fn all(&self) -> &[(String, String)] {
        &self.blocks
    }
}

/// Sorts articles by title as a reader expects (without case or diacritics), then by slug.
pub fn sort_by_title(articles: &mut [Article]) {
    articles.sort_by_cached_key(|article| (sort_key(&article.title), article.slug.clone()));
}

/// Articles grouped by building block for a list: one group per block that has articles, in the directory's
/// order, each with its articles by title; an article about two blocks is in both groups. Articles about no known
/// block come last, in a group without a code.
pub fn group_by_block<'a>(articles: &'a [Article], blocks: &BlockDirectory) -> Vec<(Option<String>, Vec<&'a Article>)> {
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by_cached_key(|article| (sort_key(&article.title), article.slug.clone()));
    let mut groups: BTreeMap<usize, Vec<&Article>> = BTreeMap::new();
    let mut others = Vec::new();
    for article in sorted {
        let positions: Vec<usize> =
            article.blocks.iter().filter_map(|code| blocks.all().iter().position(|(known, _)| known == code)).collect();
        if positions.is_empty() {
            others.push(article);
        }
        for position in positions {
            groups.entry(position).or_default().push(article);
        }
    }
    let mut grouped: Vec<(Option<String>, Vec<&Article>)> =
        groups.into_iter().map(|(position, articles)| (Some(blocks.all()[position].0.clone()), articles)).collect();
    if !others.is_empty() {
        grouped.push((None, others));
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{BuildingBlock, Catalogue};

    fn directory() -> BlockDirectory {
        let block = |code: &str, name: &str| BuildingBlock {
            code: code.into(),
            name: name.into(),
            group: "g".into(),
            description: String::new(),
            target_date: None,
            depends_on: vec![],
        };
        let catalogue = |id: &str, blocks: Vec<BuildingBlock>| Catalogue {
            id: id.into(),
            version: "1".into(),
            name: id.into(),
            description: String::new(),
            source: String::new(),
            reconstruction: false,
            groups: vec![],
            blocks,
        };
        BlockDirectory::new(&[
            catalogue("inup-2011", vec![block("digid", "DigiD Burger"), block("bag", "BAG")]),
            catalogue("nup-2008", vec![block("digid", "DigiD"), block("digikoppeling", "Digikoppeling (OSB)")]),
        ])
    }

    fn input(title: &str, slug: &str, blocks: &str, body: &str) -> ArticleInput {
        ArticleInput { title: title.into(), slug: slug.into(), blocks: blocks.into(), body: body.into() }
    }

    #[test]
    fn a_slug_is_made_from_the_title_without_diacritics_or_punctuation() {
        assert_eq!(slug_from_title("DigiD: aansluiten in één dag!"), "digid-aansluiten-in-een-dag");
        assert_eq!(slug_from_title("  BRP & BAG — basisregistraties  "), "brp-bag-basisregistraties");
        assert_eq!(slug_from_title("🙂 !!!"), "");
        assert_eq!(slug_from_title("Ελληνικά"), "", "letters without a Latin form give nothing");
        let long = slug_from_title(&"gemeente ".repeat(20));
        assert!(long.len() <= 64 && is_slug(&long) && long.ends_with("gemeente"), "{long}");
        assert_eq!(slug_from_title(&"a".repeat(80)).len(), 64);
    }

    #[test]
    fn a_typed_slug_must_be_lower_case_letters_digits_and_hyphens() {
        let blocks = directory();
        let checked = input("DigiD aansluiten", "", "digid", "Tekst").check(&blocks).unwrap();
        assert_eq!(checked.slug, "digid-aansluiten");
        assert_eq!(input("T", "eigen-adres-2", "", "Tekst").check(&blocks).unwrap().slug, "eigen-adres-2");
        for bad in ["Hoofdletters", "met spatie", "-streep", "streep-", "ü", &"a".repeat(65)] {
            let errors = input("T", bad, "", "Tekst").check(&blocks).unwrap_err();
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].field, ArticleField::Slug);
            assert!(errors[0].to_string().starts_with("Adres (slug): ‘"), "{}", errors[0]);
        }
        let errors = input("!!!", "", "", "Tekst").check(&blocks).unwrap_err();
        assert_eq!(errors[0].field, ArticleField::Slug, "a title without letters needs a typed slug");
    }

    #[test]
    fn blocks_must_be_known_codes_and_unknown_ones_are_named() {
        let blocks = directory();
        let checked = input("T", "", "DigiD, bag digid;digikoppeling", "x").check(&blocks).unwrap();
        assert_eq!(checked.blocks, ["digid", "bag", "digikoppeling"], "lower-cased, in order, once each");
        let errors = input("T", "", "digid, onbekend, ook-niet", "x").check(&blocks).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, ArticleField::Blocks);
        assert!(errors[0].message.contains("‘onbekend’, ‘ook-niet’") && errors[0].message.starts_with("de codes"), "{}", errors[0]);
        assert!(input("T", "", "", "x").check(&blocks).is_ok(), "an article may be about no block");
    }

    #[test]
    fn every_problem_is_reported_at_once_and_the_text_is_kept_as_typed() {
        let errors = input("  ", "", "x", " \n ").check(&directory()).unwrap_err();
        let fields: Vec<ArticleField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [ArticleField::Title, ArticleField::Blocks, ArticleField::Body]);
        let body = "Tekst met <script>alert(1)</script> erin.\r\n";
        let checked = input("Titel", "", "", body).check(&directory()).unwrap();
        assert_eq!(checked.body, "Tekst met <script>alert(1)</script> erin.\n", "unsafe HTML is kept as written; only the page cleans it");
        assert!(input(&"t".repeat(201), "t", "", "x").check(&directory()).is_err());
    }

    #[test]
    fn the_directory_names_blocks_as_the_first_catalogue_does() {
        let blocks = directory();
        assert_eq!(blocks.name("digid"), "DigiD Burger");
        assert_eq!(blocks.name("digikoppeling"), "Digikoppeling (OSB)");
        assert_eq!(blocks.name("weg"), "weg");
        assert_eq!(blocks.all().len(), 3);
    }

    #[test]
    fn articles_are_grouped_by_block_in_catalogue_order_and_by_title() {
        let article = |slug: &str, title: &str, blocks: &[&str]| Article {
            slug: slug.into(),
            title: title.into(),
            blocks: blocks.iter().map(|b| (*b).to_owned()).collect(),
            body: String::new(),
            revision: 1,
            updated_at: Utc::now(),
        };
        let articles = [
            article("z", "Zaken doen", &["bag"]),
            article("b", "Beide", &["bag", "digid"]),
            article("a", "Algemeen", &[]),
            article("d", "DigiD", &["digid"]),
        ];
        let grouped = group_by_block(&articles, &directory());
        let shape: Vec<(Option<&str>, Vec<&str>)> =
            grouped.iter().map(|(code, list)| (code.as_deref(), list.iter().map(|a| a.slug.as_str()).collect())).collect();
        assert_eq!(shape, [(Some("digid"), vec!["b", "d"]), (Some("bag"), vec!["b", "z"]), (None, vec!["a"])]);
    }
}

//! An article as a file: Markdown after a small front matter between two `---` lines.
//!
//! ```text
//! ---
//! title: DigiD aansluiten
//! blocks: digid, bsn
//! slug: digid-aansluiten        (optional; made from the title when left out)
//! ---
//! The body, in Markdown.
//! ```

use std::fmt;

use super::{ArticleField, ArticleInput, ArticleText, BlockDirectory};

/// A problem in an article file: which file, which line, which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleFileError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for ArticleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}, field {}: {}", self.file, self.line, self.field, self.message)
    }
}

impl std::error::Error for ArticleFileError {}

const FENCE: &str = "---";

/// Reads and checks an article file against the building blocks it may name. `file_name` only names the file
/// in error messages.
pub fn parse_article_file(text: &str, file_name: &str, blocks: &BlockDirectory) -> Result<ArticleText, Vec<ArticleFileError>> {
    let error =
        |line: usize, field: &str, message: String| ArticleFileError { file: file_name.to_owned(), line, field: field.to_owned(), message };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n').enumerate().map(|(index, line)| (index + 1, line));
    if lines.next().map(|(_, line)| line.trim_end()) != Some(FENCE) {
        return Err(vec![error(1, "(front matter)", format!("the file must start with a line '{FENCE}' that opens the front matter"))]);
    }
    let mut input = ArticleInput::default();
    let mut field_lines: Vec<(ArticleField, usize)> = Vec::new();
    let mut errors = Vec::new();
    let mut closed_at = None;
    for (number, line) in lines.by_ref() {
        let line = line.trim_end();
        if line == FENCE {
            closed_at = Some(number);
            break;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            errors.push(error(number, "(front matter)", format!("'{line}' is not 'field: value'")));
            continue;
        };
        let (field, slot) = match key.trim() {
            "title" => (ArticleField::Title, &mut input.title),
            "slug" => (ArticleField::Slug, &mut input.slug),
            "blocks" => (ArticleField::Blocks, &mut input.blocks),
            other => {
                errors.push(error(number, other, "unknown field; the front matter has title, blocks and slug".into()));
                continue;
            }
        };
        if field_lines.iter().any(|(seen, _)| *seen == field) {
            errors.push(error(number, key.trim(), "given twice".into()));
            continue;
        }
        field_lines.push((field, number));
        *slot = value.trim().to_owned();
    }
    let Some(closed_at) = closed_at else {
        errors.push(error(1, "(front matter)", format!("the front matter is not closed by a line '{FENCE}'")));
        return Err(errors);
    };
    input.body = lines.map(|(_, line)| line).collect::<String>().trim_start_matches(['\r', '\n']).to_owned();
    let file_field = |field: ArticleField| match field {
        ArticleField::Title => "title",
        ArticleField::Slug => "slug",
        ArticleField::Blocks => "blocks",
        ArticleField::Body => "body",
    };
    let line_of_field = |field: ArticleField| match field {
        ArticleField::Body => closed_at + 1,
        other => field_lines.iter().find(|(seen, _)| *seen == other).map_or(closed_at, |(_, line)| *line),
    };
    match input.check(blocks) {
        Ok(article) if errors.is_empty() => Ok(article),
        Ok(_) => Err(errors),
        Err(problems) => {
            errors.extend(
                problems.into_iter().map(|problem| error(line_of_field(problem.field), file_field(problem.field), problem.message)),
            );
            errors.sort_by_key(|e| e.line);
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{BuildingBlock, Catalogue};

    fn blocks() -> BlockDirectory {
        BlockDirectory::new(&[Catalogue {
            id: "c".into(),
            version: "1".into(),
            name: "c".into(),
            description: String::new(),
            source: String::new(),
            reconstruction: false,
            groups: vec![],
            blocks: vec![BuildingBlock {
                code: "digid".into(),
                name: "DigiD".into(),
                group: "g".into(),
                description: String::new(),
                target_date: None,
                depends_on: vec![],
            }],
        }])
    }

    fn messages(text: &str) -> Vec<String> {
        parse_article_file(text, "data/kennisbank/x.md", &blocks()).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_file_gives_its_title_blocks_and_body() {
        let article =
            parse_article_file("---\ntitle: DigiD aansluiten\nblocks: digid\n---\n\n# Kop\n\nTekst.\n", "x.md", &blocks()).unwrap();
        assert_eq!(article.title, "DigiD aansluiten");
        assert_eq!(article.slug, "digid-aansluiten");
        assert_eq!(article.blocks, ["digid"]);
        assert_eq!(article.body, "# Kop\n\nTekst.\n");
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        assert_eq!(
            messages("title: x\n"),
            ["data/kennisbank/x.md, line 1, field (front matter): the file must start with a line '---' that opens the front matter"]
        );
        assert_eq!(
            messages("---\ntitle: T\nblocks: digid, weg\n---\nTekst\n"),
            [
                "data/kennisbank/x.md, line 3, field blocks: de code ‘weg’ komt in geen catalogus voor; gebruik de code van een bouwsteen, zoals ‘digid’."
            ]
        );
        let problems = messages("---\ntitle: T\nauthor: ik\ntitle: U\n---\n\n");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("data/kennisbank/x.md, line 3, field author: unknown field"));
        assert!(problems[1].starts_with("data/kennisbank/x.md, line 4, field title: given twice"));
        assert!(problems[2].starts_with("data/kennisbank/x.md, line 6, field body:"), "{problems:?}");
        assert!(messages("---\ntitle: T\n")[0].contains("not closed"));
        assert!(messages("---\ntitle T\n---\nx")[0].contains("line 2, field (front matter): 'title T' is not 'field: value'"));
    }
}

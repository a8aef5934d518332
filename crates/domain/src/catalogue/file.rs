//! The catalogue file: TOML, one `[[groups]]` table per group and one `[[blocks]]` table per block.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

use super::{BlockGroup, BuildingBlock, Catalogue, is_slug};

/// A problem in a catalogue file: which file, which line, which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}, field {}: {}", self.file, self.line, self.field, self.message)
    }
}

impl std::error::Error for CatalogueError {}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileCatalogue {
    id: Spanned<String>,
    version: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    source: Spanned<String>,
    #[serde(default)]
    reconstruction: bool,
    groups: Vec<FileGroup>,
    blocks: Vec<FileBlock>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileGroup {
    code: Spanned<String>,
    name: Spanned<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileBlock {
    code: Spanned<String>,
    name: Spanned<String>,
    group: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target_date: Option<Spanned<Datetime>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    depends_on: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Parses and validates a catalogue. `file_name` is only used to name the file in error messages.
pub fn parse_catalogue_toml(text: &str, file_name: &str) -> Result<Catalogue, Vec<CatalogueError>> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let error = |offset: usize, field: String, message: String| CatalogueError {
        file: file_name.to_owned(),
        line: line_of(offset),
        field,
        message,
    };

    let parsed: FileCatalogue = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|span| span.start).unwrap_or(0);
        let message = e.message().trim().to_owned();
        let field = field_in_message(&message).unwrap_or_else(|| "(file)".to_owned());
        vec![error(offset, field, message)]
    })?;

    let mut errors = Vec::new();
    let mut check_slug = |value: &Spanned<String>, field: String| {
        if !is_slug(value.get_ref()) {
            errors.push(error(value.span().start, field, format!("'{}' must be lower-case letters, digits and hyphens", value.get_ref())));
        }
    };
    check_slug(&parsed.id, "id".to_owned());
    for (index, group) in parsed.groups.iter().enumerate() {
        check_slug(&group.code, format!("groups[{index}].code"));
    }
    for (index, block) in parsed.blocks.iter().enumerate() {
        check_slug(&block.code, format!("blocks[{index}].code"));
    }
    let mut not_blank = |value: &Spanned<String>, field: String| {
        if value.get_ref().trim().is_empty() {
            errors.push(error(value.span().start, field, "must not be empty".to_owned()));
        }
    };
    not_blank(&parsed.version, "version".to_owned());
    not_blank(&parsed.name, "name".to_owned());
    not_blank(&parsed.source, "source".to_owned());
    for (index, group) in parsed.groups.iter().enumerate() {
        not_blank(&group.name, format!("groups[{index}].name"));
    }
    for (index, block) in parsed.blocks.iter().enumerate() {
        not_blank(&block.name, format!("blocks[{index}].name"));
    }
    if parsed.blocks.is_empty() {
        errors.push(error(0, "blocks".to_owned(), "a catalogue needs at least one [[blocks]] entry".to_owned()));
    }

    let mut group_codes = BTreeSet::new();
    for (index, group) in parsed.groups.iter().enumerate() {
        if !group_codes.insert(group.code.get_ref().as_str()) {
            errors.push(error(
                group.code.span().start,
                format!("groups[{index}].code"),
                format!("group '{}' is defined twice", group.code.get_ref()),
            ));
        }
    }
    let mut block_codes = BTreeSet::new();
    for (index, block) in parsed.blocks.iter().enumerate() {
        if !block_codes.insert(block.code.get_ref().as_str()) {
            errors.push(error(
                block.code.span().start,
                format!("blocks[{index}].code"),
                format!("block '{}' is defined twice", block.code.get_ref()),
            ));
        }
    }

    let mut blocks = Vec::new();
    for (index, block) in parsed.blocks.iter().enumerate() {
        let code = block.code.get_ref();
        if !group_codes.contains(block.group.get_ref().as_str()) {
            errors.push(error(
                block.group.span().start,
                format!("blocks[{index}].group"),
                format!("group '{}' is not defined in [[groups]]", block.group.get_ref()),
            ));
        }
        for dependency in block.depends_on.iter().flat_map(|list| list.get_ref()) {
            let field = format!("blocks[{index}].depends_on");
            if dependency.get_ref() == code {
                errors.push(error(dependency.span().start, field, format!("block '{code}' cannot depend on itself")));
            } else if !block_codes.contains(dependency.get_ref().as_str()) {
                errors.push(error(dependency.span().start, field, format!("block '{}' is not in this catalogue", dependency.get_ref())));
            }
        }
        let target_date = match &block.target_date {
            None => None,
            Some(date) => match date_of(date.get_ref()) {
                Some(date) => Some(date),
                None => {
                    errors.push(error(
                        date.span().start,
                        format!("blocks[{index}].target_date"),
                        "must be a date such as 2015-01-01".to_owned(),
                    ));
                    None
                }
            },
        };
        blocks.push(BuildingBlock {
            code: code.clone(),
            name: block.name.get_ref().trim().to_owned(),
            group: block.group.get_ref().clone(),
            description: block.description.trim().to_owned(),
            target_date,
            depends_on: block.depends_on.iter().flat_map(|list| list.get_ref()).map(|d| d.get_ref().clone()).collect(),
        });
    }
    if errors.is_empty()
        && let Some((index, cycle)) = find_cycle(&blocks)
    {
        let block = &parsed.blocks[index];
        let offset = block.depends_on.as_ref().map_or(block.code.span().start, |list| list.span().start);
        errors.push(error(offset, format!("blocks[{index}].depends_on"), format!("dependencies form a cycle: {cycle}")));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    Ok(Catalogue {
        id: parsed.id.into_inner(),
        version: parsed.version.into_inner().trim().to_owned(),
        name: parsed.name.into_inner().trim().to_owned(),
        description: parsed.description.trim().to_owned(),
        source: parsed.source.into_inner().trim().to_owned(),
        reconstruction: parsed.reconstruction,
        groups: parsed
            .groups
            .into_iter()
            .map(|g| BlockGroup { code: g.code.into_inner(), name: g.name.into_inner().trim().to_owned() })
            .collect(),
        blocks,
    })
}

fn date_of(value: &Datetime) -> Option<NaiveDate> {
    match (value.date, value.time) {
        (Some(date), None) => NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day)),
        _ => None,
    }
}

/// toml names a missing or unknown field in its message ("missing field `name`"); lift it out so the error
/// names the field like every other.
fn field_in_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_owned())
}

/// Returns the index of a block on a dependency cycle and the cycle, as "a → b → a".
fn find_cycle(blocks: &[BuildingBlock]) -> Option<(usize, String)> {
    let index: BTreeMap<&str, usize> = blocks.iter().enumerate().map(|(i, b)| (b.code.as_str(), i)).collect();
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        at: usize,
        blocks: &[BuildingBlock],
        index: &BTreeMap<&str, usize>,
        marks: &mut [Mark],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks[at] = Mark::Active;
        path.push(at);
        for dependency in &blocks[at].depends_on {
            let Some(&next) = index.get(dependency.as_str()) else { continue };
            match marks[next] {
                Mark::Active => {
                    let start = path.iter().position(|&p| p == next).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(next, blocks, index, marks, path) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[at] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; blocks.len()];
    for start in 0..blocks.len() {
        if marks[start] == Mark::New
            && let Some(cycle) = visit(start, blocks, &index, &mut marks, &mut Vec::new())
        {
            let names: Vec<&str> = cycle.iter().map(|&i| blocks[i].code.as_str()).collect();
            return Some((cycle[0], names.join(" → ")));
        }
    }
    None
}

/// Writes a catalogue in the form `parse_catalogue_toml` reads.
pub fn write_catalogue_toml(catalogue: &Catalogue) -> Result<String, String> {
    let spanned = |value: &str| Spanned::new(0..0, value.to_owned());
    let file = FileCatalogue {
        id: spanned(&catalogue.id),
        version: spanned(&catalogue.version),
        name: spanned(&catalogue.name),
        description: catalogue.description.clone(),
        source: spanned(&catalogue.source),
        reconstruction: catalogue.reconstruction,
        groups: catalogue.groups.iter().map(|g| FileGroup { code: spanned(&g.code), name: spanned(&g.name) }).collect(),
        blocks: catalogue
            .blocks
            .iter()
            .map(|b| {
                let target_date = b.target_date.map(|date| {
                    let value: Result<Datetime, _> = date.to_string().parse();
                    value.map(|value| Spanned::new(0..0, value))
                });
                Ok(FileBlock {
                    code: spanned(&b.code),
                    name: spanned(&b.name),
                    group: spanned(&b.group),
                    description: b.description.clone(),
                    target_date: target_date.transpose().map_err(|e| e.to_string())?,
                    depends_on: (!b.depends_on.is_empty()).then(|| Spanned::new(0..0, b.depends_on.iter().map(|d| spanned(d)).collect())),
                })
            })
            .collect::<Result<_, String>>()?,
    };
    toml::to_string_pretty(&file).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "test-2011"
version = "1"
name = "Test"
source = "a test"

[[groups]]
code = "toegang"
name = "Toegang"

[[blocks]]
code = "digid"
name = "DigiD"
group = "toegang"
target_date = 2015-01-01

[[blocks]]
code = "digid-machtigen"
name = "DigiD Machtigen"
group = "toegang"
depends_on = ["digid"]
"#;

    fn messages(text: &str) -> Vec<String> {
        parse_catalogue_toml(text, "test.toml").unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_good_catalogue_reads_with_groups_and_dependencies() {
        let catalogue = parse_catalogue_toml(GOOD, "test.toml").unwrap();
        assert_eq!(catalogue.size(), 2);
        assert_eq!(catalogue.blocks[0].target_date, NaiveDate::from_ymd_opt(2015, 1, 1));
        assert_eq!(catalogue.dependents("digid").map(|b| b.code.as_str()).collect::<Vec<_>>(), ["digid-machtigen"]);
        assert!(!catalogue.reconstruction);
    }

    #[test]
    fn written_catalogues_read_back_the_same() {
        let catalogue = parse_catalogue_toml(GOOD, "test.toml").unwrap();
        let written = write_catalogue_toml(&catalogue).unwrap();
        assert_eq!(parse_catalogue_toml(&written, "again.toml").unwrap(), catalogue);
    }

    #[test]
    fn an_unknown_group_names_file_line_and_field() {
        let text = GOOD.replace("group = \"toegang\"\ndepends_on", "group = \"loket\"\ndepends_on");
        assert_eq!(messages(&text), ["test.toml, line 19, field blocks[1].group: group 'loket' is not defined in [[groups]]"]);
    }

    #[test]
    fn an_unknown_dependency_and_a_duplicate_code_are_reported() {
        let text = GOOD.replace("[\"digid\"]", "[\"digikoppeling\"]").replace("code = \"digid-machtigen\"", "code = \"digid\"");
        let found = messages(&text);
        assert!(found.contains(&"test.toml, line 17, field blocks[1].code: block 'digid' is defined twice".to_owned()), "{found:?}");
        assert!(
            found.contains(&"test.toml, line 20, field blocks[1].depends_on: block 'digikoppeling' is not in this catalogue".to_owned()),
            "{found:?}"
        );
    }

    #[test]
    fn a_missing_field_is_named() {
        let found = messages(&GOOD.replace("name = \"DigiD\"\n", ""));
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("test.toml, line "), "{found:?}");
        assert!(found[0].contains("field name: missing field `name`"), "{found:?}");
    }

    #[test]
    fn a_dependency_cycle_is_refused() {
        let text = GOOD.replace("target_date = 2015-01-01", "depends_on = [\"digid-machtigen\"]");
        let found = messages(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("dependencies form a cycle: digid → digid-machtigen → digid"), "{found:?}");
    }

    #[test]
    fn bad_syntax_names_the_line() {
        let found = messages("id = \"x\"\nversion = 1\n");
        assert!(found[0].starts_with("test.toml, line 2, field"), "{found:?}");
    }
}

//! CSVW metadata (W3C CSV on the Web, `<file>.csv-metadata.json`): what each column of a CSV means and holds, in a
//! form a program reads and a validator checks the CSV against. Written from the same codebook as the CSV, for the
//! responses export here and for the published figures in the web crate.

use domain::fieldwork::export::{Column, Layout, Scope, Storage};
use serde_json::{Value, json};

use super::Export;

/// The licence of the open data: CC0 1.0, as Dutch open data has.
pub const OPEN_DATA_LICENCE: &str = "https://creativecommons.org/publicdomain/zero/1.0/";
/// The licence's name, as pages show it.
pub const OPEN_DATA_LICENCE_NAME: &str = "CC0 1.0";

/// One column of a CSV as CSVW describes it: its header, what it means and its datatype (a CSVW datatype, a name
/// such as `"string"` or an object with a `base`).
pub struct CsvwColumn<'a> {
    pub header: &'a str,
    pub description: &'a str,
    pub datatype: Value,
}

/// Whether the data is open, which decides whether the metadata states the open-data licence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Openness {
    /// Published: CC0 1.0.
    Open,
    /// For the monitor team only: no licence is given, since nobody else may use it.
    Internal,
}

/// The metadata document of the CSV at `csv_url` (relative to where the metadata is, as CSVW reads it): the
/// columns in the CSV's order, every empty cell no value, Dutch as the language of the texts.
pub fn csvw_metadata<'a>(csv_url: &str, title: &str, openness: Openness, columns: impl IntoIterator<Item = CsvwColumn<'a>>) -> Value {
    let columns: Vec<Value> = columns
        .into_iter()
        .map(|column| {
            json!({
                "name": variable_name(column.header),
                "titles": column.header,
                "dc:description": column.description,
                "datatype": column.datatype,
                "null": "",
            })
        })
        .collect();
    let mut metadata = json!({
        "@context": ["http://www.w3.org/ns/csvw", { "@language": "nl" }],
        "url": csv_url,
        "dc:title": title,
        "dialect": { "header": true, "encoding": "utf-8", "doubleQuote": true },
        "tableSchema": { "columns": columns },
    });
    if openness == Openness::Open
        && let Some(document) = metadata.as_object_mut()
    {
        document.insert("dc:license".to_owned(), json!({ "@id": OPEN_DATA_LICENCE }));
    }
    metadata
}

/// The metadata of the CSV export of `export`, named `csv_url`; open data for a published wave's public answers.
pub fn responses_csvw(export: &Export, csv_url: &str) -> Value {
    let (title, openness) = match export.layout.scope() {
        Scope::Team => (format!("Ruwe antwoorden van meting {} (niet openbaar)", export.wave.id), Openness::Internal),
        Scope::Public => (format!("Openbare antwoorden van meting {}", export.wave.id), Openness::Open),
    };
    csvw_metadata(csv_url, &title, openness, layout_columns(&export.layout))
}

fn layout_columns(layout: &Layout) -> impl Iterator<Item = CsvwColumn<'_>> {
    layout.columns().iter().map(move |column| CsvwColumn {
        header: &column.column,
        description: &column.label_nl,
        datatype: datatype(column, layout.scope()),
    })
}

fn datatype(column: &Column, scope: Scope) -> Value {
    let codes = || column.value_labels.iter().map(|label| regex_escaped(&label.code)).collect::<Vec<_>>().join("|");
    match column.storage {
        Storage::Text if column.value_labels.is_empty() => json!("string"),
        Storage::Text => json!({ "base": "string", "format": codes() }),
        // A draft's number question may still hold text that is no number; the team's export has drafts.
        Storage::Number if scope == Scope::Team && column.kind == "number" && !column.question.is_empty() => json!("string"),
        Storage::Number
            if column.value_labels.iter().all(|label| label.code == "0" || label.code == "1") && !column.value_labels.is_empty() =>
        {
            json!({ "base": "integer", "minimum": 0, "maximum": 1 })
        }
        Storage::Number => json!("number"),
        Storage::Date => json!("date"),
        Storage::Timestamp => json!("dateTime"),
    }
}

/// A code in a regular expression: what would be an operator, escaped.
fn regex_escaped(code: &str) -> String {
    code.chars().fold(String::new(), |mut escaped, character| {
        if "\\^$.|?*+()[]{}".contains(character) {
            escaped.push('\\');
        }
        escaped.push(character);
        escaped
    })
}

/// A column's CSVW name: a URI template variable, so every character but letters, digits, `_` and `.` is
/// percent-encoded (a choice code's `-` becomes `%2D`), and one that would start with `_` too.
fn variable_name(header: &str) -> String {
    let mut name = String::new();
    for (index, byte) in header.bytes().enumerate() {
        let plain = byte.is_ascii_alphanumeric() || byte == b'.' || (byte == b'_' && index > 0);
        if plain {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_uri_template_variables_and_codes_a_pattern() {
        assert_eq!(variable_name("ict.keuze-a"), "ict.keuze%2Da");
        assert_eq!(variable_name("_x é"), "%5Fx%20%C3%A9");
        assert_eq!(regex_escaped("a.b-c"), "a\\.b-c");
    }
}

//! SPSS syntax (`.sps`, which GNU PSPP runs too): reads the CSV export by its file name, from the folder the
//! syntax is run in, and labels every variable and every coded value from the codebook.
//!
//! Types: codes and texts are strings, numbers numeric, a date a date; a timestamp is read as text and turned into
//! an SPSS date-time under the column's name. An empty cell is no answer: system-missing for a number, and for a
//! coded string the empty string, declared a missing value. The variables keep the CSV's order.

use std::io::Write;

use domain::fieldwork::export::{Column, Layout, Storage};

use super::syntax::{Language, cut, one_line, unique_names};
use crate::AppError;

/// SPSS keeps 255 bytes of a variable label (PSPP as well) and 120 of a value label.
const VARIABLE_LABEL_BYTES: usize = 255;
const VALUE_LABEL_BYTES: usize = 120;
/// The widest string SPSS reads, for texts a person typed.
const WIDEST_TEXT: usize = 32_767;
/// A code that is not a choice (wave, organisation, province) is short; this leaves room.
const CODE_WIDTH: usize = 255;
/// How many names one line of syntax holds: SPSS reads lines of 256 bytes at least, and names are at most 64.
const NAMES_PER_LINE: usize = 3;
/// How much of a quoted string one line of syntax holds before the next `+` part.
const STRING_PART_BYTES: usize = 64;

/// Writes the syntax that reads `csv_name`, the CSV export of `layout`.
pub fn write_sps<W: Write>(layout: &Layout, csv_name: &str, mut out: W) -> Result<W, AppError> {
    let columns = layout.columns();
    let names = unique_names(columns.iter().map(|c| c.column.as_str()), Language::Spss);
    let columns: Vec<(&Column, &str)> = columns.iter().zip(names.iter().map(String::as_str)).collect();
    let taken: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let read_as = |name: &str| {
        let mut read = format!("{name}_tekst");
        while taken.contains(&read.to_ascii_lowercase()) {
            read.push('_');
        }
        read
    };

    writeln!(out, "* Encoding: UTF-8.")?;
    writeln!(out, "* Geschreven door inbeeld uit het codeboek: leest {} uit de map waarin deze syntax draait.", one_line(csv_name))?;
    writeln!(out, "* Open dit bestand vanuit de map van het CSV-bestand, of zet CD 'map'. voor GET DATA.")?;
    writeln!(out, "* Een lege cel is geen antwoord: systeem-missend bij een getal, een ontbrekende waarde bij een code.")?;
    writeln!(out, "SET DECIMAL=DOT.")?;
    writeln!(out, "GET DATA")?;
    writeln!(out, "  /TYPE=TXT")?;
    writeln!(out, "  /FILE={}", quoted(csv_name))?;
    writeln!(out, "  /ENCODING='UTF-8'")?;
    writeln!(out, "  /ARRANGEMENT=DELIMITED")?;
    writeln!(out, "  /DELCASE=LINE")?;
    writeln!(out, "  /FIRSTCASE=2")?;
    writeln!(out, "  /DELIMITERS=\",\"")?;
    writeln!(out, "  /QUALIFIER='\"'")?;
    writeln!(out, "  /VARIABLES=")?;
    for (column, name) in &columns {
        match column.storage {
            Storage::Timestamp => writeln!(out, "    {} A20", read_as(name))?,
            Storage::Text => writeln!(out, "    {name} A{}", text_width(column))?,
            Storage::Number => writeln!(out, "    {name} F40")?,
            Storage::Date => writeln!(out, "    {name} SDATE10")?,
        }
    }
    writeln!(out, ".")?;

    for (column, name) in &columns {
        match column.storage {
            Storage::Timestamp => {
                let read = read_as(name);
                writeln!(out, "NUMERIC {name} (DATETIME20).")?;
                writeln!(out, "IF ({read} <> '') {name} = NUMBER(SUBSTR({read}, 1, 10), SDATE10) + NUMBER(SUBSTR({read}, 12, 8), TIME8).")?;
            }
            Storage::Number => writeln!(out, "FORMATS {name} ({}).", number_format(column))?,
            Storage::Text | Storage::Date => {}
        }
    }
    if columns.iter().any(|(column, _)| column.storage == Storage::Timestamp) {
        // Puts the date-times where their text was, and leaves the text out.
        writeln!(out, "MATCH FILES /FILE=*")?;
        let lines: Vec<String> = names.chunks(NAMES_PER_LINE).map(|chunk| chunk.join(" ")).collect();
        writeln!(out, "  /KEEP={}.", lines.join("\n    "))?;
    }

    for (column, name) in &columns {
        writeln!(out, "VARIABLE LABELS {name} {}.", quoted(cut(&one_line(&column.label_nl), VARIABLE_LABEL_BYTES)))?;
        writeln!(out, "VARIABLE ATTRIBUTE VARIABLES={name} ATTRIBUTE=column({})", quoted(&column.column))?;
        writeln!(out, "  label_en({}).", quoted(&one_line(&column.label_en)))?;
    }
    for (column, name) in columns.iter().filter(|(column, _)| !column.value_labels.is_empty()) {
        let text = column.storage == Storage::Text;
        writeln!(out, "VALUE LABELS {name}")?;
        for label in &column.value_labels {
            let code = if text { quoted(&label.code) } else { label.code.clone() };
            writeln!(out, "  {code} {}", quoted(cut(&one_line(&label.label_nl), VALUE_LABEL_BYTES)))?;
        }
        writeln!(out, "  .")?;
        if text {
            writeln!(out, "MISSING VALUES {name} ('').")?;
            writeln!(out, "VARIABLE LEVEL {name} (NOMINAL).")?;
        }
    }
    writeln!(out, "EXECUTE.")?;
    Ok(out)
}

/// A coded string is as wide as its longest code; other strings are codes or texts of unknown length.
fn text_width(column: &Column) -> usize {
    match column.value_labels.iter().map(|label| label.code.len()).max() {
        Some(widest) => widest.max(1),
        None if column.kind == "code" => CODE_WIDTH,
        None => WIDEST_TEXT,
    }
}

/// Whole numbers for codes, scales and versions; two decimals for a number a respondent gave.
fn number_format(column: &Column) -> &'static str {
    if !column.value_labels.is_empty() || column.kind == "scale" || column.question.is_empty() { "F8.0" } else { "F16.2" }
}

/// An SPSS string: in single quotes with a quote doubled, on one line, and cut into `+`-joined parts so that no
/// line of syntax grows long.
fn quoted(text: &str) -> String {
    let text = one_line(text);
    let mut parts = Vec::new();
    let mut rest = text.as_str();
    loop {
        let part = cut(rest, STRING_PART_BYTES);
        // A part of at least one character, also when a character is wider than a part.
        let part = if part.is_empty() { rest.chars().next().map_or("", |c| &rest[..c.len_utf8()]) } else { part };
        parts.push(format!("'{}'", part.replace('\'', "''")));
        rest = &rest[part.len()..];
        if rest.is_empty() {
            break;
        }
    }
    parts.join("\n    + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_long_strings_split_into_parts() {
        assert_eq!(quoted("it's \"x\""), "'it''s \"x\"'");
        assert_eq!(quoted(""), "''");
        assert_eq!(quoted("a\nb"), "'a b'");
        let long = "é".repeat(40);
        assert_eq!(quoted(&long), format!("'{}'\n    + '{}'", "é".repeat(32), "é".repeat(8)));
    }
}

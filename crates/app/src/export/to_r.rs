//! An R script (`.R`): reads the CSV export by its file name, from the working folder, into the data frame
//! `responses`, with the column names as they are in the CSV, and labels every variable and every coded value.
//!
//! A coded text column (a choice, a status) becomes a factor whose levels are the codebook's labels, in the
//! codebook's order; a number stays a number, and a 0/1 flag or a scale's labelled ends get their labels in the
//! attribute `labels` (the form the haven and labelled packages read). Every column gets its label in the
//! attribute `label`. Dates become `Date`, timestamps `POSIXct` in UTC. An empty cell is `NA`. The script needs
//! only base R. Its strings are written in ASCII with `\U{…}` escapes, so that it reads the same in any locale.

use std::fmt::Write as _;
use std::io::Write;

use domain::fieldwork::export::{Layout, Storage};

use super::syntax::one_line;
use crate::AppError;

/// Writes the script that reads `csv_name`, the CSV export of `layout`.
pub fn write_r<W: Write>(layout: &Layout, csv_name: &str, mut out: W) -> Result<W, AppError> {
    writeln!(out, "# Geschreven door inbeeld uit het codeboek: leest {} uit de werkmap (setwd() naar de map van", ascii_comment(csv_name))?;
    writeln!(out, "# het CSV-bestand). Een lege cel is geen antwoord: NA.")?;
    writeln!(
        out,
        "responses <- utils::read.csv({}, colClasses = \"character\", na.strings = \"\", check.names = FALSE, encoding = \"UTF-8\")",
        quoted(csv_name)
    )?;
    for column in layout.columns() {
        let cell = format!("responses[[{}]]", quoted(&column.column));
        writeln!(out)?;
        match column.storage {
            Storage::Text if !column.value_labels.is_empty() => {
                let codes = vector(column.value_labels.iter().map(|l| l.code.as_str()));
                let labels = vector(column.value_labels.iter().map(|l| l.label_nl.as_str()));
                writeln!(out, "{cell} <- factor({cell},\n  levels = {codes},\n  labels = {labels})")?;
            }
            Storage::Text => {}
            Storage::Number => {
                // A draft may still hold text in a number question; it becomes NA.
                writeln!(out, "{cell} <- suppressWarnings(as.numeric({cell}))")?;
                if !column.value_labels.is_empty() {
                    let codes = column.value_labels.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(", ");
                    let labels = vector(column.value_labels.iter().map(|l| l.label_nl.as_str()));
                    writeln!(out, "attr({cell}, \"labels\") <- stats::setNames(c({codes}),\n  {labels})")?;
                }
            }
            Storage::Date => writeln!(out, "{cell} <- as.Date({cell}, format = \"%Y-%m-%d\")")?,
            Storage::Timestamp => writeln!(out, "{cell} <- as.POSIXct({cell}, format = \"%Y-%m-%dT%H:%M:%SZ\", tz = \"UTC\")")?,
        }
        writeln!(out, "attr({cell}, \"label\") <- {}", quoted(&column.label_nl))?;
    }
    Ok(out)
}

fn vector<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    format!("c({})", texts.map(quoted).collect::<Vec<_>>().join(", "))
}

/// An R string in double quotes, in ASCII: `"` and `\` escaped, every other character beyond ASCII's printable
/// ones as `\U{…}`.
fn quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for character in one_line(text).chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            ' '..='~' => quoted.push(character),
            other => {
                let _ = write!(quoted, "\\U{{{:x}}}", u32::from(other));
            }
        }
    }
    quoted.push('"');
    quoted
}

/// A comment in ASCII: what is not becomes `?`, so that the script reads in any locale.
fn ascii_comment(text: &str) -> String {
    one_line(text).chars().map(|c| if (' '..='~').contains(&c) { c } else { '?' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_ascii_with_quotes_and_backslashes_escaped() {
        assert_eq!(quoted("it's \"x\" \\"), "\"it's \\\"x\\\" \\\\\"");
        assert_eq!(quoted("één — ok"), "\"\\U{e9}\\U{e9}n \\U{2014} ok\"");
        assert_eq!(quoted("a\nb"), "\"a b\"");
    }
}

//! A Stata do-file (`.do`): reads the CSV export by its file name, from the working folder, gives every column a
//! Stata name, and labels every variable and every coded value from the codebook.
//!
//! Stata labels only numbers, so a coded text column (a choice, a status) becomes numbers 1, 2, … in the order of
//! the codebook, labelled with what each code means; the CSV's code of each number is in the variable's
//! characteristic `codes`. Numbers are read with `destring, force`: the text a draft may still hold in a number
//! question becomes missing. Dates and timestamps become Stata dates (`%td`) and date-times (`%tc`). An empty cell
//! is missing (`.`, or `""` for a text). Stata itself cannot be installed where inbeeld is built, so its tests
//! check this file's grammar, not Stata's reading of it.

use std::io::Write;

use domain::fieldwork::export::{Column, Layout, Storage};

use super::syntax::{Language, cut, one_line, unique_names};
use crate::AppError;

/// Stata keeps 80 characters of a variable label; a value label is far longer than a codebook's.
const VARIABLE_LABEL_CHARACTERS: usize = 80;
/// The name of the variable a column is converted into before it takes the column's place.
const CONVERTED: &str = "_inbeeld_converted";
/// How many names go on one line of `rename`.
const NAMES_PER_LINE: usize = 4;

/// Writes the do-file that reads `csv_name`, the CSV export of `layout`.
pub fn write_do<W: Write>(layout: &Layout, csv_name: &str, mut out: W) -> Result<W, AppError> {
    let columns = layout.columns();
    let names = unique_names(columns.iter().map(|c| c.column.as_str()), Language::Stata);

    writeln!(out, "* Geschreven door inbeeld uit het codeboek: leest {} uit de werkmap (cd naar de map van het", one_line(csv_name))?;
    writeln!(out, "* CSV-bestand). Een lege cel is geen antwoord: een ontbrekende waarde.")?;
    writeln!(out, "version 14")?;
    writeln!(
        out,
        "import delimited using {}, varnames(nonames) rowrange(2) stringcols(_all) bindquote(strict) encoding(\"utf-8\") clear",
        quoted(csv_name)
    )?;
    let numbered: Vec<String> = (1..=names.len()).map(|n| format!("v{n}")).collect();
    write_rename(&mut out, &numbered, &names)?;

    for (column, name) in columns.iter().zip(&names) {
        writeln!(out)?;
        writeln!(out, "* {}", one_line(&column.column))?;
        match column.storage {
            Storage::Text if !column.value_labels.is_empty() => {
                writeln!(out, "generate long {CONVERTED} = .")?;
                for (number, label) in (1..).zip(&column.value_labels) {
                    writeln!(out, "replace {CONVERTED} = {number} if {name} == {}", quoted(&label.code))?;
                }
                let codes = column.value_labels.iter().zip(1..).map(|(l, n)| format!("{n}={}", l.code)).collect::<Vec<_>>();
                take_place(&mut out, name)?;
                writeln!(out, "char {name}[codes] {}", quoted(&codes.join("; ")))?;
            }
            Storage::Text => {}
            Storage::Number => writeln!(out, "destring {name}, replace force")?,
            Storage::Date => {
                writeln!(out, "generate double {CONVERTED} = date({name}, \"YMD\")")?;
                writeln!(out, "format {CONVERTED} %td")?;
                take_place(&mut out, name)?;
            }
            Storage::Timestamp => {
                // `#` skips the T between date and time and the Z after it.
                writeln!(out, "generate double {CONVERTED} = clock({name}, \"YMD#hms#\")")?;
                writeln!(out, "format {CONVERTED} %tc")?;
                take_place(&mut out, name)?;
            }
        }
        writeln!(out, "label variable {name} {}", quoted(&label(column)))?;
        writeln!(out, "char {name}[column] {}", quoted(&column.column))?;
        if !column.value_labels.is_empty() {
            let numeric = column.storage == Storage::Number;
            write!(out, "label define {name}")?;
            for (number, label) in (1..).zip(&column.value_labels) {
                let value = if numeric { label.code.clone() } else { number.to_string() };
                write!(out, " ///\n    {value} {}", quoted(&label.label_nl))?;
            }
            writeln!(out)?;
            writeln!(out, "label values {name} {name}")?;
        }
    }
    Ok(out)
}

/// `rename (v1 v2 …) (name1 name2 …)`: all at once, so that a column named like another's number (`v3`) does not
/// clash with it on the way.
fn write_rename<W: Write>(out: &mut W, from: &[String], to: &[String]) -> Result<(), AppError> {
    let lines = |names: &[String]| names.chunks(NAMES_PER_LINE).map(|chunk| chunk.join(" ")).collect::<Vec<_>>().join(" ///\n    ");
    writeln!(out, "rename ({}) ///\n    ({})", lines(from), lines(to))?;
    Ok(())
}

/// The converted variable takes the place and name of the column's text.
fn take_place<W: Write>(out: &mut W, name: &str) -> Result<(), AppError> {
    writeln!(out, "order {CONVERTED}, after({name})")?;
    writeln!(out, "drop {name}")?;
    writeln!(out, "rename {CONVERTED} {name}")?;
    Ok(())
}

/// The column's label within Stata's 80 characters. A label of one of a question's columns is the question, ` — `
/// and what the column is; when that is too long, what the column is comes first, so that the kept part tells the
/// columns apart.
fn label(column: &Column) -> String {
    let mut label = one_line(&column.label_nl);
    if label.chars().count() > VARIABLE_LABEL_CHARACTERS
        && let Some((question, part)) = label.split_once(" — ")
    {
        label = format!("{part} — {question}");
    }
    let cut_at = label.char_indices().nth(VARIABLE_LABEL_CHARACTERS).map_or(label.len(), |(at, _)| at);
    cut(&label, cut_at).to_owned()
}

/// A Stata string in compound double quotes, which may hold `"`; `` ` `` and `$` would start a macro and are
/// escaped, and the one sequence that ends compound quotes, `"'`, gets a space.
fn quoted(text: &str) -> String {
    let text = one_line(text).replace('`', "\\`").replace('$', "\\$").replace("\"'", "\" '");
    format!("`\"{text}\"'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_compound_quoted_and_macros_escaped() {
        assert_eq!(quoted("it's \"x\""), "`\"it's \"x\"\"'");
        assert_eq!(quoted("`x' $y"), "`\"\\`x' \\$y\"'");
        assert_eq!(quoted("\"'"), "`\"\" '\"'");
    }
}

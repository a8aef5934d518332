//! What the SPSS, Stata and R writers share: variable names that each language accepts, made from the CSV's
//! column names, and labels cut to what a language keeps.

use std::collections::HashSet;

/// A name per column, in column order: the column's own name where the language accepts it, otherwise the closest
/// name it does (other characters become `_`, a name that cannot start so or is a reserved word gets a letter or
/// `_` more, a long one is cut), and a `_2`, `_3`… where two columns would get the same name.
pub(super) fn unique_names<'a>(columns: impl IntoIterator<Item = &'a str>, language: Language) -> Vec<String> {
    let mut taken = HashSet::new();
    let mut names = Vec::new();
    for column in columns {
        let name = language.name(column);
        let mut candidate = name.clone();
        let mut number = 1;
        while !taken.insert(language.folded(&candidate)) {
            number += 1;
            let suffix = format!("_{number}");
            candidate = format!("{}{suffix}", cut(&name, language.longest_name() - suffix.len()));
        }
        names.push(candidate);
    }
    names
}

/// The languages whose variable names are narrower than the CSV's column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Language {
    /// Letters, digits, `_` and `.` (not last), a letter first, at most 64 bytes, case-insensitive.
    Spss,
    /// Letters, digits and `_`, a letter or `_` first, at most 32 characters.
    Stata,
}

/// SPSS's reserved words, which cannot name a variable.
const SPSS_RESERVED: [&str; 13] = ["all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"];

/// Stata's reserved names.
const STATA_RESERVED: [&str; 22] = [
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N", "_pi", "_pred", "_rc", "_skip",
    "str", "strL", "using", "with", "_se",
];

impl Language {
    fn longest_name(self) -> usize {
        match self {
            Language::Spss => 64,
            Language::Stata => 32,
        }
    }

    fn folded(self, name: &str) -> String {
        match self {
            Language::Spss => name.to_ascii_lowercase(),
            Language::Stata => name.to_owned(),
        }
    }

    fn name(self, column: &str) -> String {
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || (self == Language::Spss && c == '.');
        let mut name: String = column.chars().map(|c| if allowed(c) { c } else { '_' }).collect();
        let starts_well = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || (self == Language::Stata && c == '_'));
        if !starts_well {
            name.insert(0, 'v');
        }
        let reserved = match self {
            Language::Spss => SPSS_RESERVED.contains(&name.to_ascii_lowercase().as_str()),
            Language::Stata => STATA_RESERVED.contains(&name.as_str()) || is_stata_string_type(&name),
        };
        if reserved {
            name.push('_');
        }
        let mut name = self.shortened(column, name);
        // A name ending in a dot reads as the end of a command in SPSS.
        if name.ends_with('.') {
            name.pop();
            name.push('_');
        }
        name
    }
}

impl Language {
    /// A name within the longest the language takes: when a column name with parts (`blocks.digid.forms.on_site_help`)
    /// is too long, its front is cut and its last part kept, since that part tells its columns apart.
    fn shortened(self, column: &str, name: String) -> String {
        let longest = self.longest_name();
        if name.len() <= longest {
            return name;
        }
        let last = column.rsplit('.').next().unwrap_or_default();
        let separator = if self == Language::Spss { '.' } else { '_' };
        let kept: String = last.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
        if column.contains('.') && kept.len() + 1 + 8 <= longest {
            format!("{}{separator}{kept}", cut(&name, longest - 1 - kept.len()))
        } else {
            cut(&name, longest).to_owned()
        }
    }
}

/// `str1` … `str2045`: the names of Stata's string types.
fn is_stata_string_type(name: &str) -> bool {
    name.strip_prefix("str").is_some_and(|width| !width.is_empty() && width.bytes().all(|b| b.is_ascii_digit()))
}

/// The text cut to at most `bytes` bytes, on a character boundary: the limits of labels are in bytes (SPSS) or
/// characters (Stata), and a byte limit is never longer than the character limit.
pub(super) fn cut(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A label on one line: a line break inside a string ends it in all three languages.
pub(super) fn one_line(text: &str) -> String {
    text.split(['\r', '\n']).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_each_languages_rules_and_stay_unique() {
        let columns = ["wave", "ict.a-b", "to", "1e", "in", "str12", "x.", "ict.a_b"];
        assert_eq!(unique_names(columns, Language::Spss), ["wave", "ict.a_b", "to_", "v1e", "in", "str12", "x_", "ict.a_b_2"]);
        assert_eq!(unique_names(columns, Language::Stata), ["wave", "ict_a_b", "to", "v1e", "in_", "str12_", "x_", "ict_a_b_2"]);
    }

    #[test]
    fn a_long_name_keeps_its_last_part() {
        let names = unique_names(
            ["blocks.samenwerkende_catalogi.forms.regional_meetings", "blocks.samenwerkende_catalogi.status"],
            Language::Stata,
        );
        assert_eq!(names, ["blocks_samenwe_regional_meetings", "blocks_samenwerkende_cata_status"]);
        assert!(names.iter().all(|name| name.len() == 32));
    }

    #[test]
    fn long_names_are_cut_and_still_unique() {
        let long = "a".repeat(40);
        let names = unique_names([long.as_str(), long.as_str()], Language::Stata);
        assert_eq!(names, ["a".repeat(32), format!("{}_2", "a".repeat(30))]);
    }

    #[test]
    fn a_cut_keeps_whole_characters() {
        assert_eq!(cut("één", 3), "é");
        assert_eq!(cut("kort", 80), "kort");
        assert_eq!(one_line("a\r\nb\nc"), "a b c");
    }
}

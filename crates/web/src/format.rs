//! How numbers and dates read in Dutch.

use chrono::{Datelike, NaiveDate};

const MONTHS: [&str; 12] =
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

/// 1 januari 2026
pub fn date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

/// 942.504
pub fn whole(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

/// 223,2
pub fn decimal(number: f64, places: usize) -> String {
    format!("{number:.places$}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_read_in_dutch() {
        assert_eq!(whole(942_504), "942.504");
        assert_eq!(whole(971), "971");
        assert_eq!(whole(1_000), "1.000");
        assert_eq!(decimal(223.2, 1), "223,2");
        assert_eq!(date(NaiveDate::from_ymd_opt(2022, 3, 24).unwrap()), "24 maart 2022");
    }
}

//! The spread of a measure over organisations (such as each one's share of blocks in use): mean, median and
//! quartiles. Quartiles interpolate between the sorted values (Hyndman and Fan's type 7, the default of R and of
//! spreadsheets), so the same data gives the same figures in the analyst's own tools.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

/// The summary of `values`; `None` when there are none. Values that are not numbers are left out.
pub fn summarise(values: &[f64]) -> Option<Summary> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mean = sorted.iter().sum::<f64>() / n as f64;
    Some(Summary {
        n,
        mean,
        min: sorted[0],
        q1: quantile(&sorted, 0.25),
        median: quantile(&sorted, 0.5),
        q3: quantile(&sorted, 0.75),
        max: sorted[n - 1],
    })
}

/// The q-th quantile of sorted, non-empty values, interpolating linearly (type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_match_type_7() {
        // R: quantile(c(1, 2, 3, 4, 5, 6, 7, 8), c(.25, .5, .75)) gives 2.75 4.5 6.25.
        let summary = summarise(&[8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0]).unwrap_or_else(|| panic!("values"));
        assert_eq!((summary.q1, summary.median, summary.q3), (2.75, 4.5, 6.25));
        assert_eq!((summary.n, summary.mean, summary.min, summary.max), (8, 4.5, 1.0, 8.0));
    }

    #[test]
    fn one_value_is_its_own_summary_and_none_has_none() {
        let one = summarise(&[0.37]).unwrap_or_else(|| panic!("a value"));
        assert_eq!((one.q1, one.median, one.q3, one.mean), (0.37, 0.37, 0.37, 0.37));
        assert_eq!(summarise(&[]), None);
        assert_eq!(summarise(&[f64::NAN]), None);
    }

    #[test]
    fn the_order_of_the_values_does_not_matter() {
        let values = [0.1, 0.5, 0.33, 0.9, 0.0, 0.72, 0.5];
        let mut reversed = values;
        reversed.reverse();
        assert_eq!(summarise(&values), summarise(&reversed));
    }
}

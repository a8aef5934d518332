//! A share with its base and its 95% interval. A wave is a census with non-response: the respondents are most of a
//! known, finite population (the register on the wave's date), so the interval is Wilson's score interval with a
//! finite-population correction. When every organisation answered, the share is exact and the interval closes.

use serde::Serialize;

/// z for a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Proportion {
    /// How many of the base have the property.
    pub count: usize,
    /// The base: how many answered the question.
    pub n: usize,
    /// The population the base is drawn from: the organisations the wave asked.
    pub population: usize,
    /// count / n, 0..=1; `None` when n is 0.
    pub share: Option<f64>,
    /// The 95% interval, 0..=1; `None` when n is 0.
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Proportion {
    /// `count` of `n` respondents, out of a `population` that was asked. A `population` smaller than `n` is taken
    /// to be `n` (everyone answered).
    pub fn new(count: usize, n: usize, population: usize) -> Self {
        let population = population.max(n);
        if n == 0 {
            return Self { count, n, population, share: None, low: None, high: None };
        }
        let (low, high) = wilson_fpc(count.min(n), n, population, Z_95);
        Self { count, n, population, share: Some(count.min(n) as f64 / n as f64), low: Some(low), high: Some(high) }
    }
}

/// Wilson's score interval for `count` of `n`, with the variance scaled by the finite-population correction
/// (N − n)/(N − 1): the same as Wilson's interval for an effective sample of n·(N − 1)/(N − n). With n = N the
/// interval is the share itself.
pub fn wilson_fpc(count: usize, n: usize, population: usize, z: f64) -> (f64, f64) {
    let share = count as f64 / n as f64;
    if n >= population {
        return (share, share);
    }
    let correction = (population - n) as f64 / (population - 1) as f64;
    let effective = n as f64 / correction;
    let z2 = z * z;
    let centre = (share + z2 / (2.0 * effective)) / (1.0 + z2 / effective);
    let half = z / (1.0 + z2 / effective) * (share * (1.0 - share) / effective + z2 / (4.0 * effective * effective)).sqrt();
    // The bounds at the ends are exact: rounding must not move them off 0 or 1.
    let low = if count == 0 { 0.0 } else { (centre - half).max(0.0) };
    let high = if count >= n { 1.0 } else { (centre + half).min(1.0) };
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_without_correction_matches_the_textbook() {
        // 81 of 263 from a population so large the correction vanishes: Wilson gives 0.2553 to 0.3662.
        let (low, high) = wilson_fpc(81, 263, 100_000_000, Z_95);
        assert!(close(low, 0.2553) && close(high, 0.3662), "{low} {high}");
        // None of 10: 0 to 0.2775.
        let (low, high) = wilson_fpc(0, 10, 100_000_000, Z_95);
        assert!(close(low, 0.0) && close(high, 0.2775), "{low} {high}");
    }

    #[test]
    fn the_correction_narrows_the_interval_and_closes_it_for_a_full_census() {
        let wide = Proportion::new(285, 380, 100_000_000);
        let census = Proportion::new(285, 380, 418);
        let (w, c) = (wide.high.unwrap_or(0.0) - wide.low.unwrap_or(0.0), census.high.unwrap_or(0.0) - census.low.unwrap_or(0.0));
        assert!(c < w / 2.0, "380 of 418 answered: far narrower ({c} against {w})");
        // Worked out: N = 418, n = 380, fpc = 38/417, effective n = 4170; Wilson at p = 0.75 gives ±0.01314.
        assert!(close(census.low.unwrap_or(0.0), 0.75 - 0.01314) && close(census.high.unwrap_or(0.0), 0.75 + 0.01314), "{census:?}");
        let everyone = Proportion::new(300, 418, 418);
        assert_eq!((everyone.low, everyone.high), (everyone.share, everyone.share));
    }

    #[test]
    fn an_empty_base_has_no_share() {
        assert_eq!(Proportion::new(0, 0, 418).share, None);
    }

    #[test]
    fn shares_and_intervals_stay_within_zero_and_one() {
        for population in [1, 2, 5, 418, 100_000] {
            for n in 1..=population.min(60) {
                for count in 0..=n {
                    let p = Proportion::new(count, n, population);
                    let (share, low, high) = (p.share.unwrap_or(-1.0), p.low.unwrap_or(-1.0), p.high.unwrap_or(-1.0));
                    assert!((0.0..=1.0).contains(&low) && low <= share + 1e-12 && share <= high + 1e-12 && high <= 1.0, "{p:?}");
                }
            }
        }
    }
}

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

impl Summary {
    /// The summary of the shares k / (len − 1), each counted `histogram[k]` times (such as the shares of blocks in
    /// use, from `Tally::in_use_histogram`). Exactly `summarise` over the shares written out, down to the rounding
    /// of the mean, without writing them out: time and memory grow with the histogram's length, not with its
    /// counts. `None` without counts, or for a histogram of one entry (shares of nothing).
    pub fn of_shares(histogram: &[u32]) -> Option<Summary> {
        let parts = histogram.len().checked_sub(1).filter(|&parts| parts > 0)?;
        let share = |k: usize| k as f64 / parts as f64;
        let n = usize::try_from(histogram.iter().map(|&count| u64::from(count)).sum::<u64>()).ok().filter(|&n| n > 0)?;
        // The value at a rank of the sorted shares.
        let at = |rank: usize| {
            let mut below = 0usize;
            for (k, &count) in histogram.iter().enumerate() {
                below += count as usize;
                if rank < below {
                    return share(k);
                }
            }
            share(parts)
        };
        // `summarise` adds the sorted values one by one: so does this, a run of equal values at a time.
        let sum = histogram.iter().enumerate().fold(0.0, |sum, (k, &count)| add_repeatedly(sum, share(k), u64::from(count)));
        Some(Summary {
            n,
            mean: sum / n as f64,
            min: at(0),
            q1: quantile_at(n, 0.25, at),
            median: quantile_at(n, 0.5, at),
            q3: quantile_at(n, 0.75, at),
            max: at(n - 1),
        })
    }
}

/// `quantile` for `n` sorted values that `at` gives by rank.
fn quantile_at(n: usize, q: f64, at: impl Fn(usize) -> f64) -> f64 {
    let position = q * (n - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    at(below) + (at(above) - at(below)) * (position - below as f64)
}

/// `sum + x + x + …` (`times` additions, each rounded), for `sum` and `x` not negative and finite, in steps that
/// each take many additions at once where their rounding is the same.
///
/// Between two powers of two, floating-point numbers lie a fixed `ulp` apart, and adding `x` to any of them rounds
/// `x` to the same multiple of `ulp`, unless `x` lies exactly halfway between two multiples (then the rounding is to
/// even and alternates). So while a sum stays below the next power of two and `x` is no halfway case, each addition
/// adds the same exact amount, and many are one multiplication. Halfway cases and each crossing of a power of two
/// are done one addition at a time.
fn add_repeatedly(mut sum: f64, x: f64, mut times: u64) -> f64 {
    const MANTISSA_BITS: u32 = 52;
    const FRACTION: u64 = (1 << MANTISSA_BITS) - 1;
    while times > 0 {
        let next = sum + x;
        times -= 1;
        if next == sum {
            // x is lost in the rounding, and stays lost.
            return sum;
        }
        sum = next;
        let exponent = (sum.to_bits() >> MANTISSA_BITS) & 0x7ff;
        if exponent <= u64::from(MANTISSA_BITS) || exponent == 0x7ff {
            // Too small for `ulp` to be a normal number, or not finite: one addition at a time.
            continue;
        }
        // sum = units × ulp, with 2^52 <= units < 2^53.
        let ulp = f64::from_bits((exponent - u64::from(MANTISSA_BITS)) << MANTISSA_BITS);
        let units = (sum.to_bits() & FRACTION) | (1 << MANTISSA_BITS);
        let in_ulps = x / ulp; // exact: a division by a power of two
        if in_ulps - in_ulps.floor() == 0.5 {
            continue;
        }
        let step = in_ulps.round();
        if step == 0.0 {
            // Each addition rounds back to the sum.
            return sum;
        }
        // Each further addition adds `step` units, as long as the sum stays within 2^53 - 1 units: the exact sum
        // before rounding is then below 2^53 units, so it rounds at this ulp.
        let step_units = step as u64;
        let steps = ((1u64 << (MANTISSA_BITS + 1)) - 1 - units) / step_units;
        let steps = steps.min(times);
        // steps × step units stay below 2^53 units: the product and the sum are exact.
        sum += (steps * step_units) as f64 * ulp;
        times -= steps;
    }
    sum
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

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

    /// The shares a histogram stands for, written out.
    fn written_out(histogram: &[u32]) -> Vec<f64> {
        let parts = histogram.len().saturating_sub(1);
        histogram.iter().enumerate().flat_map(|(k, &count)| std::iter::repeat_n(k as f64 / parts as f64, count as usize)).collect()
    }

    #[test]
    fn a_histogram_of_shares_has_the_summary_of_its_values() {
        for histogram in [vec![0, 0, 3], vec![1, 0, 0, 0], vec![2, 5, 0, 1, 7], vec![0, 0, 0, 0, 0, 1], vec![4, 4]] {
            assert_eq!(Summary::of_shares(&histogram), summarise(&written_out(&histogram)), "{histogram:?}");
        }
        let two = Summary::of_shares(&[1, 0, 1]).unwrap_or_else(|| panic!("counts"));
        assert_eq!((two.n, two.mean, two.min, two.median, two.max), (2, 0.5, 0.0, 0.5, 1.0));
    }

    #[test]
    fn a_histogram_without_counts_or_without_shares_has_no_summary() {
        assert_eq!(Summary::of_shares(&[]), None);
        assert_eq!(Summary::of_shares(&[0, 0, 0]), None);
        // One entry: shares of no blocks at all, 0 / 0, which `summarise` leaves out.
        assert_eq!(Summary::of_shares(&[12]), None);
        assert_eq!(summarise(&written_out(&[12])), None);
    }

    #[test]
    fn a_large_histogram_rounds_its_mean_as_summarise_does() {
        // 100,000 organisations and 50 blocks: the sum runs through many powers of two, and 0.02 = 1/50 is no
        // short binary fraction, so every crossing and rounding shows.
        let histogram: Vec<u32> = (0..=50u32).map(|k| 1 + (k * 7_919) % 4_000).collect();
        assert_eq!(Summary::of_shares(&histogram), summarise(&written_out(&histogram)));
        let spread: Vec<u32> = (0..=50u32).map(|k| if k % 3 == 0 { 0 } else { 100_000 / (k + 1) }).collect();
        assert_eq!(Summary::of_shares(&spread), summarise(&written_out(&spread)));
    }

    #[test]
    fn repeated_additions_in_steps_equal_one_by_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let one_by_one = |sum: f64, x: f64, times: u64| (0..times).fold(sum, |sum, _| sum + x);
        // Halfway cases: 2^-5 + 2^-5 * (1 + 2^-52) needs rounding to even at once; 0.5 at 2^53 is always halfway.
        let cases = [
            (0.0, 0.02, 100_000),
            (1.0 / 32.0, (1.0 / 32.0) * (1.0 + f64::EPSILON), 1_000),
            (9_007_199_254_740_990.0, 0.5, 20),
            (9_007_199_254_740_990.0, 1.5, 20),
            (1e300, 1.0, 10),
            (0.0, 0.0, 10),
            (5.0, 0.0, 10),
            (0.0, 1.0 / 3.0, 3_000_000),
            (123_456.789, 1e-12, 1_000),
        ];
        for (sum, x, times) in cases {
            assert_eq!(add_repeatedly(sum, x, times).to_bits(), one_by_one(sum, x, times).to_bits(), "{sum} + {x} × {times}");
        }
        for _ in 0..2_000 {
            let x = rng.random_range(1u32..=200) as f64 / rng.random_range(1u32..=200) as f64 * 2f64.powi(rng.random_range(-30..=10));
            let sum = if rng.random_bool(0.5) { 0.0 } else { rng.random::<f64>() * 2f64.powi(rng.random_range(-40..=50)) };
            let times = rng.random_range(0..=20_000);
            assert_eq!(add_repeatedly(sum, x, times).to_bits(), one_by_one(sum, x, times).to_bits(), "{sum} + {x} × {times}");
        }
    }

    proptest! {
        #[test]
        fn of_shares_equals_summarise_over_the_written_out_shares(
            histogram in prop::collection::vec(prop_oneof![3 => 0u32..5, 2 => 0u32..300, 1 => 0u32..20_000], 0..70),
        ) {
            prop_assert_eq!(Summary::of_shares(&histogram), summarise(&written_out(&histogram)));
        }

        #[test]
        fn of_shares_equals_summarise_for_random_histograms_of_a_seed(seed: u64, blocks in 1usize..120) {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let histogram: Vec<u32> = (0..=blocks).map(|_| if rng.random_bool(0.3) { 0 } else { rng.random_range(0..2_000) }).collect();
            prop_assert_eq!(Summary::of_shares(&histogram), summarise(&written_out(&histogram)));
        }
    }
}

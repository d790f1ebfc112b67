//! A share of a base with its 95% Wilson score interval.
//!
//! The Wilson interval (Wilson 1927; Newcombe 1998, method 3) is the one INDICATORS.md
//! asks for: unlike the textbook "p ± 1.96 standard errors" it stays within 0–100%, is
//! not zero-width at 0% or 100%, and keeps close to its 95% coverage at the small bases a
//! ward's figures have.

use serde::{Deserialize, Serialize};

/// The standard normal quantile for a two-sided 95% interval (Φ⁻¹(0.975)).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A range a figure probably lies in: `lower` to `upper`, both included, as fractions
/// from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The lower end.
    pub lower: f64,
    /// The upper end.
    pub upper: f64,
}

/// `count` of `base` (e.g. 412 of 530 satisfied with the area), the share as a fraction
/// and its 95% Wilson interval. Share and interval are `None` when the base is 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proportion {
    /// How many are counted (e.g. "very" plus "fairly satisfied").
    pub count: u64,
    /// Out of how many (n): who was asked and gave an answer the figure counts.
    pub base: u64,
    /// `count / base`, from 0 to 1.
    pub share: Option<f64>,
    /// The 95% Wilson score interval of the share.
    pub interval: Option<Interval>,
}

impl Proportion {
    /// `count` of `base`. A count above its base (a caller's mistake) is taken as the
    /// whole base, so the share never exceeds 1.
    pub fn new(count: u64, base: u64) -> Proportion {
        let count = count.min(base);
        Proportion {
            count,
            base,
            share: (base > 0).then(|| count as f64 / base as f64),
            interval: wilson(count, base, Z_95),
        }
    }
}

/// The Wilson score interval for `successes` of `trials` at the normal quantile `z`
/// (`None` when there are no trials, or more successes than trials):
///
/// ```text
/// centre = (x + z²/2) / (n + z²)
/// half   = z / (n + z²) · √(x(n − x)/n + z²/4)
/// ```
///
/// The ends are clamped to 0–1 (they reach 0 and 1 exactly at x = 0 and x = n, where
/// floating point may land a hair outside).
pub fn wilson(successes: u64, trials: u64, z: f64) -> Option<Interval> {
    if trials == 0 || successes > trials {
        return None;
    }
    let (x, n) = (successes as f64, trials as f64);
    let z2 = z * z;
    let centre = (x + z2 / 2.0) / (n + z2);
    let half = z / (n + z2) * (x * (n - x) / n + z2 / 4.0).sqrt();
    let lower = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let upper = if successes == trials {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some(Interval { lower, upper })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(interval: Interval, lower: f64, upper: f64) {
        assert!(
            (interval.lower - lower).abs() < 5e-5 && (interval.upper - upper).abs() < 5e-5,
            "{interval:?} is not {lower}–{upper}"
        );
    }

    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    /// Statistics in Medicine 17, 857–872: its worked examples, method 3 (score, no
    /// continuity correction), to four decimals.
    #[test]
    fn matches_newcombes_published_wilson_intervals() {
        close(wilson(81, 263, Z_95).unwrap(), 0.2553, 0.3662);
        close(wilson(15, 148, Z_95).unwrap(), 0.0624, 0.1605);
        close(wilson(0, 20, Z_95).unwrap(), 0.0, 0.1611);
        close(wilson(1, 29, Z_95).unwrap(), 0.0061, 0.1718);
    }

    #[test]
    fn none_of_ten_and_all_of_ten_reach_the_ends_exactly() {
        // z²/(n + z²) = 3.8415/13.8415 = 0.2775.
        let none = wilson(0, 10, Z_95).unwrap();
        assert_eq!(none.lower, 0.0);
        close(none, 0.0, 0.2775);
        let all = wilson(10, 10, Z_95).unwrap();
        assert_eq!(all.upper, 1.0);
        close(all, 0.7225, 1.0);
    }

    #[test]
    fn a_proportion_of_nobody_has_no_share_and_no_interval() {
        let empty = Proportion::new(0, 0);
        assert_eq!((empty.share, empty.interval), (None, None));
        assert_eq!(wilson(3, 2, Z_95), None);
        let half = Proportion::new(5, 10);
        assert_eq!(half.share, Some(0.5));
        let interval = half.interval.unwrap();
        assert!(
            (interval.lower + interval.upper - 1.0).abs() < 1e-12,
            "symmetric at 50%"
        );
    }

    proptest! {
        #[test]
        fn the_interval_lies_in_0_to_1_and_holds_the_share(
            (trials, successes) in (1u64..100_000).prop_flat_map(|n| (Just(n), 0..=n))
        ) {
            let proportion = Proportion::new(successes, trials);
            let share = proportion.share.unwrap();
            let interval = proportion.interval.unwrap();
            prop_assert!(0.0 <= interval.lower && interval.upper <= 1.0, "{interval:?}");
            prop_assert!(interval.lower <= share && share <= interval.upper, "{share} {interval:?}");
            prop_assert!(interval.lower < interval.upper, "never zero-width: {interval:?}");
        }
    }
}

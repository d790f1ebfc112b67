//! Number and 0–10 rating answers: a count per value, and from it n, mean, standard
//! error, quartiles, smallest and largest.
//!
//! Every number answer is a whole number ([`crate::Answer::Number`] holds an `i64`), so a
//! count per value is all a summary needs, and the quartiles are exact. A question whose
//! range spans at most [`DENSE_SPAN`] values (ratings, household sizes, years in the area)
//! keeps one counter per value of its range; a wider one keeps a counter per distinct
//! value seen (a sorted map), so its memory grows with the number of different answers,
//! never beyond the number of responses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Ranges up to this many values keep one counter per value (8 KB for the widest).
pub const DENSE_SPAN: u64 = 1024;

/// How many gave one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueCount {
    /// The value.
    pub value: i64,
    /// How many gave it.
    pub count: u64,
}

/// The three quartiles, by linear interpolation between order statistics: Hyndman and
/// Fan's definition 7, the default of R, NumPy and pandas and what Excel's
/// `QUARTILE.INC` gives, so a partner's spreadsheet of the export agrees with the console.
/// For sorted values x₁…xₙ the p-quantile is x at position h = (n − 1)p + 1,
/// interpolated between x⌊h⌋ and x⌊h⌋₊₁.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quartiles {
    /// The 25% point.
    pub lower: f64,
    /// The median.
    pub median: f64,
    /// The 75% point.
    pub upper: f64,
}

/// The summary of a number or rating question's answers. Every figure but `n` is `None`
/// when nobody gave a number (and the standard error also with a single one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumberSummary {
    /// How many gave a number.
    pub n: u64,
    /// The mean.
    pub mean: Option<f64>,
    /// The standard error of the mean: the sample standard deviation (n − 1) over √n.
    pub standard_error: Option<f64>,
    /// The quartiles (see [`Quartiles`] for the definition).
    pub quartiles: Option<Quartiles>,
    /// The smallest number given.
    pub min: Option<i64>,
    /// The largest number given.
    pub max: Option<i64>,
    /// How many gave each value, smallest first; values nobody gave are left out.
    pub counts: Vec<ValueCount>,
}

impl NumberSummary {
    /// How many gave a value from `from` to `to`, both included.
    pub fn count_between(&self, from: i64, to: i64) -> u64 {
        self.counts
            .iter()
            .filter(|c| (from..=to).contains(&c.value))
            .map(|c| c.count)
            .sum()
    }
}

/// Counts per value, as the tally accumulates them.
#[derive(Clone, Debug)]
pub(crate) enum ValueCounts {
    /// One counter per value from `min`.
    Dense { min: i64, counts: Vec<u64> },
    /// A counter per distinct value seen.
    Sparse(BTreeMap<i64, u64>),
}

impl ValueCounts {
    /// Counters for answers from `min` to `max`.
    pub(crate) fn for_range(min: i64, max: i64) -> ValueCounts {
        let span = i128::from(max) - i128::from(min) + 1;
        match usize::try_from(span) {
            Ok(span) if span as u64 <= DENSE_SPAN => ValueCounts::Dense {
                min,
                counts: vec![0; span],
            },
            _ => ValueCounts::Sparse(BTreeMap::new()),
        }
    }

    /// Counts one answer, already checked to lie in the range.
    pub(crate) fn add(&mut self, value: i64) {
        match self {
            ValueCounts::Dense { min, counts } => {
                let slot = usize::try_from(i128::from(value) - i128::from(*min))
                    .ok()
                    .and_then(|index| counts.get_mut(index));
                if let Some(slot) = slot {
                    *slot += 1;
                }
            }
            ValueCounts::Sparse(counts) => *counts.entry(value).or_insert(0) += 1,
        }
    }

    /// Adds another tally's counts (of the same question).
    pub(crate) fn merge(&mut self, other: &ValueCounts) {
        for count in other.counts() {
            match self {
                ValueCounts::Dense { min, counts } => {
                    let index = usize::try_from(i128::from(count.value) - i128::from(*min)).ok();
                    if let Some(slot) = index.and_then(|index| counts.get_mut(index)) {
                        *slot += count.count;
                    }
                }
                ValueCounts::Sparse(counts) => {
                    *counts.entry(count.value).or_insert(0) += count.count;
                }
            }
        }
    }

    /// The values given, smallest first, with their counts.
    pub(crate) fn counts(&self) -> Vec<ValueCount> {
        match self {
            ValueCounts::Dense { min, counts } => counts
                .iter()
                .zip(*min..)
                .filter(|(count, _)| **count > 0)
                .map(|(count, value)| ValueCount {
                    value,
                    count: *count,
                })
                .collect(),
            ValueCounts::Sparse(counts) => counts
                .iter()
                .map(|(value, count)| ValueCount {
                    value: *value,
                    count: *count,
                })
                .collect(),
        }
    }

    /// The summary of the counts.
    pub(crate) fn summary(&self) -> NumberSummary {
        summarise(self.counts())
    }
}

/// The summary of counts per value (sorted, smallest first, none zero).
pub fn summarise(counts: Vec<ValueCount>) -> NumberSummary {
    let n: u64 = counts.iter().map(|c| c.count).sum();
    if n == 0 {
        return NumberSummary {
            n,
            mean: None,
            standard_error: None,
            quartiles: None,
            min: None,
            max: None,
            counts,
        };
    }
    // The sum is exact in i128 (an i64 times a u64 fits); the squares are taken about
    // the mean, so large values lose no precision to cancellation.
    let sum: i128 = counts
        .iter()
        .map(|c| i128::from(c.value) * i128::from(c.count))
        .sum();
    let mean = sum as f64 / n as f64;
    let standard_error = (n > 1).then(|| {
        let squares: f64 = counts
            .iter()
            .map(|c| c.count as f64 * (c.value as f64 - mean).powi(2))
            .sum();
        (squares / (n - 1) as f64).sqrt() / (n as f64).sqrt()
    });
    let quantile = |p: f64| {
        // 0-based position (n − 1)p of definition 7.
        let h = (n - 1) as f64 * p;
        let below = h.floor();
        let low = order_statistic(&counts, below as u64);
        let high = order_statistic(&counts, (below as u64 + 1).min(n - 1));
        low as f64 + (h - below) * (high as f64 - low as f64)
    };
    NumberSummary {
        n,
        mean: Some(mean),
        standard_error,
        quartiles: Some(Quartiles {
            lower: quantile(0.25),
            median: quantile(0.5),
            upper: quantile(0.75),
        }),
        min: counts.first().map(|c| c.value),
        max: counts.last().map(|c| c.value),
        counts,
    }
}

/// The `k`-th smallest value (0-based) of the counted values; `k` is below their total.
fn order_statistic(counts: &[ValueCount], k: u64) -> i64 {
    let mut seen = 0;
    for count in counts {
        seen += count.count;
        if k < seen {
            return count.value;
        }
    }
    counts.last().map_or(0, |c| c.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[i64], dense: bool) -> NumberSummary {
        let mut counts = if dense {
            ValueCounts::for_range(-5, 100)
        } else {
            ValueCounts::for_range(i64::MIN, i64::MAX)
        };
        for value in values {
            counts.add(*value);
        }
        counts.summary()
    }

    #[test]
    fn quartiles_are_those_of_numpy_and_excel_quartile_inc() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]
        for dense in [true, false] {
            let summary = of(&[4, 1, 3, 2], dense);
            assert_eq!(
                summary.quartiles,
                Some(Quartiles {
                    lower: 1.75,
                    median: 2.5,
                    upper: 3.25
                })
            );
            // numpy.percentile([7, 15, 36, 39, 40, 41], [25, 50, 75]) = [20.25, 37.5, 39.75]
            let summary = of(&[36, 7, 40, 15, 41, 39], dense);
            let q = summary.quartiles.unwrap();
            assert_eq!((q.lower, q.median, q.upper), (20.25, 37.5, 39.75));
            assert_eq!((summary.min, summary.max), (Some(7), Some(41)));
        }
    }

    #[test]
    fn mean_and_standard_error_are_the_samples() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7, se = √(32/7)/√8.
        let summary = of(&[2, 4, 4, 4, 5, 5, 7, 9], true);
        assert_eq!(summary.n, 8);
        assert_eq!(summary.mean, Some(5.0));
        let expected = (32.0f64 / 7.0).sqrt() / 8.0f64.sqrt();
        assert!((summary.standard_error.unwrap() - expected).abs() < 1e-12);
        assert_eq!(summary.count_between(4, 5), 5);
        assert_eq!(
            summary.counts.first(),
            Some(&ValueCount { value: 2, count: 1 })
        );
    }

    #[test]
    fn one_answer_has_no_standard_error_and_none_has_no_figures() {
        let one = of(&[3], true);
        assert_eq!((one.mean, one.standard_error), (Some(3.0), None));
        assert_eq!(one.quartiles.map(|q| q.median), Some(3.0));
        let none = of(&[], false);
        assert_eq!(none.n, 0);
        assert_eq!((none.mean, none.quartiles, none.min), (None, None, None));
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let summary = of(&[i64::MAX, i64::MAX, i64::MIN], false);
        assert_eq!(summary.n, 3);
        assert_eq!(summary.max, Some(i64::MAX));
        assert!(summary.mean.unwrap().is_finite());
    }
}

//! Headline figures by ward, side by side, suppressed together.
//!
//! Each ward's results suppressed on their own are not safe beside each other and the
//! partnership's figure: the wards add up to it, so one ward's hidden n could be worked
//! out by subtracting the others from the total. So each headline indicator (and the
//! headline band of each wellbeing measure) across wards is one two-way table — a row
//! per ward, columns "yes" and "not yes", the ward's base as its row total and the
//! partnership's as the grand total — passed through [`suppress_table`] at once. A
//! ward's share and 95% Wilson interval are shown only when both its "yes" and its base
//! are; a wellbeing mean only when its n is. A ward with fewer responses than the
//! threshold shows nothing ([`Breakdown::TooFew`] is what it says on screen).

use serde::{Deserialize, Serialize};

use super::interval::{Interval, Proportion};
use super::suppression::{suppress_table, Cell, Threshold};
use super::Results;
use crate::questionnaire::QuestionCode;

/// One ward's (or the partnership's) figure of one headline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WardFigure {
    /// The ward's code, or empty for the partnership's figure.
    pub ward: String,
    /// Whether the ward had fewer responses than the threshold: then nothing is shown.
    pub too_few: bool,
    /// Those counted "yes" (the headline band, for a wellbeing measure).
    pub yes: Cell,
    /// The base (n).
    pub base: Cell,
    /// `yes / base`, when both are shown.
    pub share: Option<f64>,
    /// Its 95% Wilson interval, with the share.
    pub interval: Option<Interval>,
    /// A wellbeing measure's mean score, when its n is shown.
    pub mean: Option<f64>,
}

/// One headline across wards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WardComparison {
    /// The question counted.
    pub question: QuestionCode,
    /// What it says ("Satisfied with the local area", "Life satisfaction: low").
    pub name: String,
    /// Whether it is a wellbeing measure (a mean as well as the headline band's share).
    pub wellbeing: bool,
    /// The wards, in the order given.
    pub wards: Vec<WardFigure>,
    /// Every ward together.
    pub all: WardFigure,
}

/// What one headline counts in one set of results: yes, base, and a mean if any.
struct Counts {
    yes: u64,
    base: u64,
    mean: Option<f64>,
}

/// Every headline indicator, then every wellbeing measure, across `wards` (each a ward's
/// code and its results, all of one questionnaire version, adding up to the partnership's
/// figure), suppressed at `threshold`.
pub fn compare_wards(wards: &[(&str, &Results)], threshold: Threshold) -> Vec<WardComparison> {
    let Some((_, first)) = wards.first() else {
        return Vec::new();
    };
    let mut comparisons = Vec::new();
    for (index, indicator) in first.indicators.iter().enumerate() {
        let counts = |results: &Results| {
            results.indicators.get(index).map_or(
                Counts {
                    yes: 0,
                    base: 0,
                    mean: None,
                },
                |i| Counts {
                    yes: i.share.count,
                    base: i.share.base,
                    mean: None,
                },
            )
        };
        comparisons.push(compare(
            indicator.question.clone(),
            indicator.name.clone(),
            false,
            wards,
            counts,
            threshold,
        ));
    }
    for (index, measure) in first.wellbeing.iter().enumerate() {
        let counts = |results: &Results| {
            results.wellbeing.get(index).map_or(
                Counts {
                    yes: 0,
                    base: 0,
                    mean: None,
                },
                |w| Counts {
                    yes: w.share.count,
                    base: w.n,
                    mean: w.mean,
                },
            )
        };
        comparisons.push(compare(
            measure.question.clone(),
            format!("{}: {}", measure.name, measure.headline),
            true,
            wards,
            counts,
            threshold,
        ));
    }
    comparisons
}

fn compare(
    question: QuestionCode,
    name: String,
    wellbeing: bool,
    wards: &[(&str, &Results)],
    counts: impl Fn(&Results) -> Counts,
    threshold: Threshold,
) -> WardComparison {
    let all: Vec<Counts> = wards.iter().map(|(_, results)| counts(results)).collect();
    let rows: Vec<Vec<u64>> = all
        .iter()
        .map(|c| vec![c.yes, c.base.saturating_sub(c.yes)])
        .collect();
    // Every row is two long, so the table cannot be ragged.
    let table = suppress_table(&rows, threshold).ok();
    let figure = |ward: String, too_few: bool, yes: Cell, base: Cell, mean: Option<f64>| {
        let shown = match (too_few, yes, base) {
            (false, Cell::Shown(yes), Cell::Shown(base)) => Some(Proportion::new(yes, base)),
            _ => None,
        };
        WardFigure {
            ward,
            too_few,
            yes: if too_few { Cell::Suppressed } else { yes },
            base: if too_few { Cell::Suppressed } else { base },
            share: shown.as_ref().and_then(|p| p.share),
            interval: shown.and_then(|p| p.interval),
            mean: if !too_few && base.shown().is_some() {
                mean
            } else {
                None
            },
        }
    };
    let cell = |row: usize, column: usize| {
        table
            .as_ref()
            .and_then(|t| t.cells.get(row).and_then(|r| r.get(column)).copied())
            .unwrap_or(Cell::Suppressed)
    };
    let ward_figures = wards
        .iter()
        .enumerate()
        .map(|(row, (ward, results))| {
            let base = table
                .as_ref()
                .and_then(|t| t.row_totals.get(row).copied())
                .unwrap_or(Cell::Suppressed);
            figure(
                (*ward).to_owned(),
                results.responses < threshold.get(),
                cell(row, 0),
                base,
                all[row].mean,
            )
        })
        .collect();
    let responses: u64 = wards.iter().map(|(_, results)| results.responses).sum();
    let (yes, base) = table
        .as_ref()
        .map_or((Cell::Suppressed, Cell::Suppressed), |t| {
            (
                t.column_totals.first().copied().unwrap_or(Cell::Suppressed),
                t.total,
            )
        });
    let mean = weighted_mean(&all);
    WardComparison {
        question,
        name,
        wellbeing,
        wards: ward_figures,
        all: figure(String::new(), responses < threshold.get(), yes, base, mean),
    }
}

/// The mean of every ward's scores together, from each ward's mean and n.
fn weighted_mean(all: &[Counts]) -> Option<f64> {
    let n: u64 = all
        .iter()
        .filter(|c| c.mean.is_some())
        .map(|c| c.base)
        .sum();
    if n == 0 {
        return None;
    }
    let sum: f64 = all
        .iter()
        .filter_map(|c| c.mean.map(|mean| mean * c.base as f64))
        .sum();
    Some(sum / n as f64)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::results::audit;

    fn results(indicators: &[(u64, u64)], responses: u64) -> Results {
        use crate::results::Indicator;
        Results {
            questionnaire: crate::record::QuestionnaireRef {
                id: "q".into(),
                version: 1,
            },
            responses,
            other_versions: 0,
            distributions: Vec::new(),
            indicators: indicators
                .iter()
                .map(|&(yes, base)| Indicator {
                    question: QuestionCode::from("SAFE_DARK"),
                    name: "Feel safe after dark".into(),
                    measure: "m".into(),
                    share: Proportion::new(yes, base),
                    excluded: Vec::new(),
                    dont_know: 0,
                    prefer_not_to_say: 0,
                    no_answer: 0,
                    not_asked: 0,
                })
                .collect(),
            wellbeing: Vec::new(),
            routed: Vec::new(),
        }
    }

    #[test]
    fn a_small_ward_cannot_be_worked_out_from_the_others_and_the_total() {
        let big = results(&[(60, 100)], 100);
        let other = results(&[(30, 50)], 50);
        let small = results(&[(3, 6)], 6);
        let wards = [("a", &big), ("b", &other), ("c", &small)];
        let comparison = &compare_wards(&wards, Threshold::DEFAULT)[0];
        let c = &comparison.wards[2];
        assert!(c.too_few && c.base.is_suppressed() && c.share.is_none());
        // The total and the two big wards cannot all be shown, or c's base is 156 - 150.
        let shown_bases = comparison
            .wards
            .iter()
            .chain([&comparison.all])
            .filter(|w| w.base.shown().is_some())
            .count();
        assert!(shown_bases <= 2, "{comparison:#?}");
        assert_eq!(comparison.name, "Feel safe after dark");
    }

    #[test]
    fn wards_all_large_show_every_share_with_its_interval() {
        let a = results(&[(60, 100)], 100);
        let b = results(&[(20, 80)], 80);
        let comparison = &compare_wards(&[("a", &a), ("b", &b)], Threshold::DEFAULT)[0];
        assert_eq!(comparison.wards[0].share, Some(0.6));
        assert!(comparison.wards[0].interval.is_some());
        assert_eq!(comparison.all.base, Cell::Shown(180));
        assert_eq!(comparison.all.yes, Cell::Shown(80));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// For random wards, no hidden base or "yes" can be solved for from the figures
        /// shown (the table's lines, all at once).
        #[test]
        fn no_hidden_ward_figure_can_be_recovered(
            counts in prop::collection::vec((prop_oneof![Just(0u64), 1u64..15, 0u64..60], prop_oneof![Just(0u64), 1u64..15, 0u64..60]), 1..7)
        ) {
            let all: Vec<Results> = counts
                .iter()
                .map(|&(yes, no)| results(&[(yes, yes + no)], yes + no))
                .collect();
            let names: Vec<String> = (0..all.len()).map(|i| format!("w{i}")).collect();
            let wards: Vec<(&str, &Results)> =
                names.iter().map(String::as_str).zip(all.iter()).collect();
            let comparison = &compare_wards(&wards, Threshold::DEFAULT)[0];
            // The figures shown as a table: per ward yes, no (= base - yes when both
            // shown), base; the column totals and the grand total.
            let height = counts.len();
            let mut values: Vec<u64> = Vec::new();
            let mut shown: Vec<bool> = Vec::new();
            for (row, &(yes, no)) in counts.iter().enumerate() {
                let figure = &comparison.wards[row];
                values.extend([yes, no]);
                let both = figure.yes.shown().is_some() && figure.base.shown().is_some();
                shown.extend([figure.yes.shown().is_some(), both]);
            }
            for (row, &(yes, no)) in counts.iter().enumerate() {
                values.push(yes + no);
                shown.push(comparison.wards[row].base.shown().is_some());
            }
            let yes_total: u64 = counts.iter().map(|c| c.0).sum();
            let no_total: u64 = counts.iter().map(|c| c.1).sum();
            values.extend([yes_total, no_total, yes_total + no_total]);
            let all_both = comparison.all.yes.shown().is_some() && comparison.all.base.shown().is_some();
            shown.extend([comparison.all.yes.shown().is_some(), all_both, comparison.all.base.shown().is_some()]);
            let mut lines = Vec::new();
            for row in 0..height {
                lines.push(crate::results::suppression::Line { members: vec![2 * row, 2 * row + 1], total: 2 * height + row });
            }
            for column in 0..2 {
                lines.push(crate::results::suppression::Line { members: (0..height).map(|r| 2 * r + column).collect(), total: 3 * height + column });
            }
            lines.push(crate::results::suppression::Line { members: (0..height).map(|r| 2 * height + r).collect(), total: 3 * height + 2 });
            lines.push(crate::results::suppression::Line { members: vec![3 * height, 3 * height + 1], total: 3 * height + 2 });
            for (value, shown) in values.iter().zip(&shown) {
                prop_assert!(!(*shown && *value > 0 && *value < 10), "{value} shown: {comparison:#?}");
            }
            // A zero may follow (a ward too small to show whose residents all said
            // "don't know": zeros are shown anyway); nothing else may.
            let mut hidden: Vec<bool> = shown.iter().map(|s| !s).collect();
            while let Some(solved) = audit::worked_out(&hidden, &lines) {
                prop_assert_eq!(values[solved], 0, "figure {} can be worked out: {:#?}", solved, comparison);
                hidden[solved] = false;
            }
        }
    }
}

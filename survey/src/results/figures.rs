//! Each question's figures and the lines that add them up, put into one table with every
//! other question's ([`add_question`]); and, once that table is suppressed, the question's
//! shown distribution, indicator and wellbeing measure read from it ([`shown_question`]).
//! [`crate::results::shown`] says why together.

use crate::questionnaire::OptionCode;
use crate::results::distribution::{Distribution, Values};
use crate::results::headlines::{Headline, WellbeingMeasure};
use crate::results::indicators::Indicator;
use crate::results::interval::Proportion;
use crate::results::shown::{
    ShownBand, ShownDistribution, ShownIndicator, ShownOption, ShownValue, ShownValues,
    ShownWellbeing,
};
use crate::results::suppression::{suppress, Cell, Line, Threshold};

/// Figures and the lines that add them up: every question's, in one table, so that the
/// lines linking questions (skip logic) are suppressed with them.
#[derive(Default)]
pub(crate) struct Figures {
    values: Vec<u64>,
    lines: Vec<Line>,
}

impl Figures {
    /// Adds the line: `members` add up to `total`.
    pub(crate) fn line(&mut self, members: Vec<usize>, total: usize) {
        self.lines.push(Line { members, total });
    }

    /// Every figure, suppressed.
    pub(crate) fn suppress(&self, threshold: Threshold) -> Vec<Cell> {
        suppress(&self.values, &self.lines, threshold)
    }

    fn figure(&mut self, value: u64) -> usize {
        self.values.push(value);
        self.values.len() - 1
    }

    /// A new figure, the sum of `members`.
    fn sum(&mut self, members: Vec<usize>) -> usize {
        let total = self.figure(members.iter().map(|&m| self.values[m]).sum());
        self.lines.push(Line { members, total });
        total
    }
}

/// What one question gives the console.
pub(crate) struct ShownQuestion {
    pub(crate) distribution: ShownDistribution,
    pub(crate) indicator: Option<ShownIndicator>,
    pub(crate) wellbeing: Option<ShownWellbeing>,
}

/// A share of `count` in `base`, when the count, the base and the rest are shown.
fn share(cells: &[Cell], count: usize, rest: usize, base: usize) -> Option<Proportion> {
    match (cells[count], cells[rest], cells[base]) {
        (Cell::Shown(count), Cell::Shown(_), Cell::Shown(base)) if base > 0 => {
            Some(Proportion::new(count, base))
        }
        _ => None,
    }
}

/// Where one question's figures are among all the figures.
pub(crate) struct QuestionFigures<'r> {
    d: &'r Distribution,
    not_asked: usize,
    no_answer: usize,
    dont_know: usize,
    prefer_not_to_say: usize,
    /// Each option (or number) with its figure.
    members: Vec<(i64, usize)>,
    /// Multiple choice: each option's "not chosen".
    rest: Vec<usize>,
    base: usize,
    /// Respondents asked.
    pub(crate) asked: usize,
    responses: usize,
    indicator: Option<(&'static Headline, usize, usize, usize)>,
    bands: Option<(&'static WellbeingMeasure, Vec<usize>)>,
}

impl QuestionFigures<'_> {
    /// The figures of respondents who chose any of `codes` (a one-answer question).
    pub(crate) fn chose(&self, codes: &[OptionCode]) -> Option<Vec<usize>> {
        matches!(self.d.values, Values::Choice { .. }).then(|| of(codes, &self.members))
    }
}

fn of(codes: &[OptionCode], members: &[(i64, usize)]) -> Vec<usize> {
    members
        .iter()
        .filter(|m| codes.iter().any(|&c| i64::from(c) == m.0))
        .map(|m| m.1)
        .collect()
}

/// Adds the figures of `d` (with its headline and wellbeing measure if it has them) and
/// the lines that add them up.
pub(crate) fn add_question<'r>(
    f: &mut Figures,
    d: &'r Distribution,
    headline: Option<&'static Headline>,
    measure: Option<&'static WellbeingMeasure>,
) -> QuestionFigures<'r> {
    let not_asked = f.figure(d.not_asked);
    let no_answer = f.figure(d.no_answer + d.not_fitting);
    let dont_know = f.figure(d.dont_know);
    let prefer_not_to_say = f.figure(d.prefer_not_to_say);
    // Each option (or value) with its figure.
    let mut members: Vec<(i64, usize)> = Vec::new();
    // Multiple choice: each option's "not chosen", beside it.
    let mut rest: Vec<usize> = Vec::new();
    let base = match &d.values {
        Values::Choice { options } => {
            members = options
                .iter()
                .map(|o| (i64::from(o.code), f.figure(o.count)))
                .collect();
            f.sum(members.iter().map(|m| m.1).collect())
        }
        Values::Choices {
            options,
            respondents,
        } => {
            let base = f.figure(*respondents);
            for option in options {
                let chose = f.figure(option.count);
                let not = f.figure(respondents.saturating_sub(option.count));
                f.lines.push(Line {
                    members: vec![chose, not],
                    total: base,
                });
                members.push((i64::from(option.code), chose));
                rest.push(not);
            }
            base
        }
        Values::Number(summary) => {
            members = summary
                .counts
                .iter()
                .map(|c| (c.value, f.figure(c.count)))
                .collect();
            f.sum(members.iter().map(|m| m.1).collect())
        }
        Values::Text { answered } => f.figure(*answered),
    };
    let asked = f.sum(vec![base, no_answer, dont_know, prefer_not_to_say]);
    let responses = f.sum(vec![asked, not_asked]);
    // A headline's "yes", "not yes" and base, which add up with its exclusions.
    let indicator = headline
        .filter(|_| matches!(d.values, Values::Choice { .. }))
        .map(|row| {
            let yes = f.sum(of(row.yes, &members));
            let others: Vec<usize> = members
                .iter()
                .filter(|m| {
                    !row.yes
                        .iter()
                        .chain(row.excluded)
                        .any(|&c| i64::from(c) == m.0)
                })
                .map(|m| m.1)
                .collect();
            let not_yes = f.sum(others);
            let indicator_base = f.sum(vec![yes, not_yes]);
            let mut excluded = vec![indicator_base];
            excluded.extend(of(row.excluded, &members));
            f.lines.push(Line {
                members: excluded,
                total: base,
            });
            (row, yes, not_yes, indicator_base)
        });
    // Wellbeing bands, which add up to n.
    let bands = match (&d.values, measure) {
        (Values::Number(_), Some(measure)) => {
            let bands: Vec<usize> = measure
                .bands
                .iter()
                .map(|band| {
                    let within = members
                        .iter()
                        .filter(|m| (band.from..=band.to).contains(&m.0));
                    f.sum(within.map(|m| m.1).collect())
                })
                .collect();
            f.lines.push(Line {
                members: bands.clone(),
                total: base,
            });
            Some((measure, bands))
        }
        _ => None,
    };
    QuestionFigures {
        d,
        not_asked,
        no_answer,
        dont_know,
        prefer_not_to_say,
        members,
        rest,
        base,
        asked,
        responses,
        indicator,
        bands,
    }
}

/// The question as shown, read from the suppressed `cells` of every figure.
pub(crate) fn shown_question(q: &QuestionFigures<'_>, cells: &[Cell]) -> ShownQuestion {
    let QuestionFigures {
        d,
        not_asked,
        no_answer,
        dont_know,
        prefer_not_to_say,
        ref members,
        ref rest,
        base,
        asked,
        responses,
        indicator,
        ref bands,
    } = *q;
    let base_shown = cells[base].shown().filter(|&n| n > 0);
    let options = || -> Vec<ShownOption> {
        members
            .iter()
            .enumerate()
            .map(|(i, &(code, figure))| ShownOption {
                code: OptionCode::try_from(code).unwrap_or(0),
                count: cells[figure],
                share: match rest.get(i) {
                    Some(&not) => share(cells, figure, not, base),
                    None => share(cells, figure, figure, base),
                }
                .and_then(|p| p.share),
            })
            .collect()
    };
    let values = match &d.values {
        Values::Choice { .. } => ShownValues::Choice { options: options() },
        Values::Choices { .. } => ShownValues::Choices { options: options() },
        Values::Number(summary) => {
            let end = |value: Option<i64>| {
                value.filter(|v| {
                    members
                        .iter()
                        .any(|m| m.0 == *v && !cells[m.1].is_suppressed())
                })
            };
            let summary = summary.clone();
            ShownValues::Number {
                counts: members
                    .iter()
                    .map(|&(value, i)| ShownValue {
                        value,
                        count: cells[i],
                    })
                    .collect(),
                mean: summary.mean.filter(|_| base_shown.is_some()),
                standard_error: summary.standard_error.filter(|_| base_shown.is_some()),
                quartiles: summary.quartiles.filter(|_| base_shown.is_some()),
                min: end(summary.min).filter(|_| base_shown.is_some()),
                max: end(summary.max).filter(|_| base_shown.is_some()),
            }
        }
        Values::Text { .. } => ShownValues::Text,
    };
    let indicator = indicator.map(|(row, yes, not_yes, indicator_base)| {
        let full = Indicator::of(row, d);
        let proportion = share(cells, yes, not_yes, indicator_base);
        ShownIndicator {
            question: full.question,
            name: full.name,
            measure: full.measure,
            yes: cells[yes],
            base: cells[indicator_base],
            share: proportion.and_then(|p| p.share),
            interval: proportion.and_then(|p| p.interval),
            excluded: of(row.excluded, members)
                .into_iter()
                .zip(row.excluded)
                .map(|(figure, &code)| ShownOption {
                    code,
                    count: cells[figure],
                    share: None,
                })
                .collect(),
            dont_know: cells[dont_know],
            prefer_not_to_say: cells[prefer_not_to_say],
        }
    });
    let wellbeing = bands.as_ref().and_then(|(measure, bands)| {
        let Values::Number(summary) = &d.values else {
            return None;
        };
        let headline = bands.get(measure.headline).copied().unwrap_or(base);
        let proportion = share(cells, headline, headline, base);
        Some(ShownWellbeing {
            question: d.question.clone(),
            name: measure.name.to_owned(),
            n: cells[base],
            mean: summary.mean.filter(|_| base_shown.is_some()),
            standard_error: summary.standard_error.filter(|_| base_shown.is_some()),
            bands: measure
                .bands
                .iter()
                .zip(bands)
                .map(|(band, &figure)| ShownBand {
                    name: band.name.to_owned(),
                    from: band.from,
                    to: band.to,
                    count: cells[figure],
                })
                .collect(),
            headline: measure
                .bands
                .get(measure.headline)
                .map_or("", |b| b.name)
                .to_owned(),
            share: proportion.and_then(|p| p.share),
            interval: proportion.and_then(|p| p.interval),
            dont_know: cells[dont_know],
            prefer_not_to_say: cells[prefer_not_to_say],
        })
    });
    ShownQuestion {
        distribution: ShownDistribution {
            question: d.question.clone(),
            responses: cells[responses],
            not_asked: cells[not_asked],
            asked: cells[asked],
            no_answer: cells[no_answer],
            dont_know: cells[dont_know],
            prefer_not_to_say: cells[prefer_not_to_say],
            base: cells[base],
            values,
        },
        indicator,
        wellbeing,
    }
}

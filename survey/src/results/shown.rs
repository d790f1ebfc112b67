//! The results as the console may show or export them: every count through
//! [`suppression`](crate::results::suppression), and a share, mean or interval only where
//! the counts it comes from are shown.
//!
//! Each question's figures are suppressed together, as one table: its options, the
//! respondents who answered, "don't know", "prefer not to say", no answer, not asked,
//! and the sums the screens derive from them (the base of a share, an indicator's "yes"
//! and "not yes", a wellbeing band). The distribution, the indicator and the wellbeing
//! measure of a question all read the same suppressed figures, so the headline page
//! cannot give back what the question's page hides, nor the other way round.
//!
//! Skip logic links questions too: as many were asked who their landlord is as said they
//! rent. Those counts are linked in the same table, so one cannot give the other away.
//!
//! A share is shown only when its count, its base and the rest of the base are all
//! shown: 97% of 100 would give away the 3 who said otherwise.

use serde::{Deserialize, Serialize};

use crate::questionnaire::{OptionCode, QuestionCode};
use crate::record::QuestionnaireRef;
use crate::results::figures::{add_question, shown_question, Figures, QuestionFigures};
use crate::results::headlines::{HEADLINES, WELLBEING};
use crate::results::interval::Interval;
use crate::results::number::Quartiles;
use crate::results::suppression::{Breakdown, Cell, Threshold};
use crate::results::Results;

/// One option's count as shown, with its share of the base when that may be shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownOption {
    /// The option's code.
    pub code: OptionCode,
    /// How many chose it.
    pub count: Cell,
    /// Its share of the base, from 0 to 1.
    pub share: Option<f64>,
}

/// How many gave one number, as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownValue {
    /// The number.
    pub value: i64,
    /// How many gave it.
    pub count: Cell,
}

/// The substantive answers as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShownValues {
    /// One option each: the options in the questionnaire's order.
    Choice {
        /// The options.
        options: Vec<ShownOption>,
    },
    /// Several options each: each option's share is of the respondents (the base).
    Choices {
        /// The options.
        options: Vec<ShownOption>,
    },
    /// Numbers: the figures are shown only when the base is shown (so at least the
    /// threshold gave a number); the smallest and largest only when as many gave them.
    Number {
        /// How many gave each number.
        counts: Vec<ShownValue>,
        /// The mean.
        mean: Option<f64>,
        /// Its standard error.
        standard_error: Option<f64>,
        /// The quartiles.
        quartiles: Option<Quartiles>,
        /// The smallest number given.
        min: Option<i64>,
        /// The largest number given.
        max: Option<i64>,
    },
    /// Free text: only how many wrote something (the base).
    Text,
}

/// A question's distribution as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownDistribution {
    /// The question.
    pub question: QuestionCode,
    /// Responses counted.
    pub responses: Cell,
    /// Not shown the question by skip logic.
    pub not_asked: Cell,
    /// Shown the question.
    pub asked: Cell,
    /// Asked, no answer.
    pub no_answer: Cell,
    /// "Don't know".
    pub dont_know: Cell,
    /// "Prefer not to say".
    pub prefer_not_to_say: Cell,
    /// Substantive answers: the base of every share.
    pub base: Cell,
    /// The substantive answers.
    pub values: ShownValues,
}

/// A headline indicator as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownIndicator {
    /// The question counted.
    pub question: QuestionCode,
    /// What it says.
    pub name: String,
    /// The national measure it is comparable with.
    pub measure: String,
    /// Counted as "yes".
    pub yes: Cell,
    /// The base (n).
    pub base: Cell,
    /// The share, when it may be shown.
    pub share: Option<f64>,
    /// Its 95% Wilson interval, with the share.
    pub interval: Option<Interval>,
    /// Answers left out of the base and reported apart.
    pub excluded: Vec<ShownOption>,
    /// "Don't know".
    pub dont_know: Cell,
    /// "Prefer not to say".
    pub prefer_not_to_say: Cell,
}

/// One wellbeing band as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownBand {
    /// The band's name.
    pub name: String,
    /// Lowest score in it.
    pub from: i64,
    /// Highest score in it.
    pub to: i64,
    /// How many scored in it.
    pub count: Cell,
}

/// A wellbeing measure as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownWellbeing {
    /// The question counted.
    pub question: QuestionCode,
    /// The measure's name.
    pub name: String,
    /// Respondents who gave a score.
    pub n: Cell,
    /// The mean score, when n is shown.
    pub mean: Option<f64>,
    /// Its standard error.
    pub standard_error: Option<f64>,
    /// The ONS bands.
    pub bands: Vec<ShownBand>,
    /// The headline band's name.
    pub headline: String,
    /// The headline band's share of n, when it may be shown.
    pub share: Option<f64>,
    /// Its 95% Wilson interval, with the share.
    pub interval: Option<Interval>,
    /// "Don't know".
    pub dont_know: Cell,
    /// "Prefer not to say".
    pub prefer_not_to_say: Cell,
}

/// Everything the console shows of a set of responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShownResults {
    /// The questionnaire and version counted.
    pub questionnaire: QuestionnaireRef,
    /// The threshold applied.
    pub threshold: u64,
    /// Responses counted (at least the threshold, or nothing is shown).
    pub responses: u64,
    /// Each question's distribution.
    pub distributions: Vec<ShownDistribution>,
    /// The headline indicators, in `INDICATORS.md`'s order.
    pub indicators: Vec<ShownIndicator>,
    /// The wellbeing measures.
    pub wellbeing: Vec<ShownWellbeing>,
}

impl Results {
    /// The results as they may be shown at `threshold`; nothing at all when fewer
    /// responses than the threshold were counted.
    pub fn shown(&self, threshold: Threshold) -> Breakdown<ShownResults> {
        threshold.breakdown(self.responses, || {
            let mut shown = ShownResults {
                questionnaire: self.questionnaire.clone(),
                threshold: threshold.get(),
                responses: self.responses,
                distributions: Vec::with_capacity(self.distributions.len()),
                indicators: Vec::new(),
                wellbeing: Vec::new(),
            };
            // Every question's figures in one table, with the lines skip logic adds
            // between questions, suppressed at once.
            let mut figures = Figures::default();
            let questions: Vec<QuestionFigures<'_>> = self
                .distributions
                .iter()
                .map(|d| {
                    let code = d.question.as_str();
                    let headline = HEADLINES.iter().find(|row| row.question == code);
                    let measure = WELLBEING.iter().find(|m| m.question == code);
                    add_question(&mut figures, d, headline, measure)
                })
                .collect();
            let find =
                |code: &QuestionCode| self.distributions.iter().position(|d| &d.question == code);
            for routed in &self.routed {
                if let (Some(question), Some(by)) = (find(&routed.question), find(&routed.shown_by))
                {
                    if let Some(chose) = questions[by].chose(&routed.options) {
                        figures.line(chose, questions[question].asked);
                    }
                }
            }
            let cells = figures.suppress(threshold);
            for question in &questions {
                let question = shown_question(question, &cells);
                shown.distributions.push(question.distribution);
                shown.indicators.extend(question.indicator);
                shown.wellbeing.extend(question.wellbeing);
            }
            let place =
                |code: &QuestionCode| HEADLINES.iter().position(|r| r.question == code.as_str());
            shown
                .indicators
                .sort_by_key(|indicator| place(&indicator.question));
            shown
        })
    }
}

#[cfg(test)]
#[path = "shown_tests.rs"]
mod tests;

//! The partnership's results, counted one way for every screen and export: how each
//! question was answered ([`Distribution`]), the headline indicators of
//! `INDICATORS.md` ([`Indicator`], [`Wellbeing`]), the small-count suppression every
//! table goes through before anyone sees it ([`suppression`]), and the results as they
//! may be shown ([`ShownResults`], from [`Results::shown`]).
//!
//! Counting is one pass: a [`Tally`] takes responses one at a time (the collector can
//! stream rows from its database), keeps counters only (never an answer's words), and
//! its memory does not grow with the number of responses (number questions keep a count
//! per value, see [`number`]; the routes skip logic took are remembered up to a bound).
//! Tallies of the same questionnaire add up ([`Tally::merge`]), so a console can keep one
//! per ward as batches arrive instead of counting every response for every page. Figures are unweighted counts of a door-to-door sample,
//! not population estimates.
//!
//! ```
//! # fn demo(questionnaire: &survey::Questionnaire, responses: &[survey::Response]) {
//! use survey::results::{Breakdown, Tally, Threshold};
//! let mut tally = Tally::new(questionnaire);
//! tally.add_all(responses);
//! if let Ok(results) = tally.results() {
//!     match results.shown(Threshold::DEFAULT) {
//!         Breakdown::Shown(shown) => {
//!             for indicator in &shown.indicators {
//!                 println!("{}: {:?} of {:?}", indicator.name, indicator.share, indicator.base);
//!             }
//!         }
//!         Breakdown::TooFew { threshold } => println!("fewer than {threshold} responses"),
//!     }
//! }
//! # }
//! ```
#![deny(missing_docs)]

mod audit;
pub mod by_ward;
pub mod distribution;
mod figures;
pub mod headlines;
pub mod indicators;
pub mod interval;
pub mod number;
mod routing;
pub mod shown;
pub mod suppression;

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::questionnaire::{QuestionCode, Questionnaire};
use crate::record::{QuestionnaireRef, Response};

pub use by_ward::{compare_wards, WardComparison, WardFigure};
pub use distribution::{Distribution, OptionCount, Values};
pub use headlines::{Headline, WellbeingMeasure, HEADLINES, WELLBEING};
pub use indicators::{Band, Indicator, IndicatorError, Wellbeing};
pub use interval::{Interval, Proportion};
pub use number::{NumberSummary, Quartiles, ValueCount};
pub use shown::{
    ShownBand, ShownDistribution, ShownIndicator, ShownOption, ShownResults, ShownValue,
    ShownValues, ShownWellbeing,
};
pub use suppression::{Breakdown, Cell, Threshold, ThresholdError};

use distribution::QuestionTally;
pub use routing::Routed;
use routing::Routing;

/// Counts responses to one questionnaire version, one response at a time.
#[derive(Clone, Debug)]
pub struct Tally<'q> {
    questionnaire: &'q Questionnaire,
    reference: QuestionnaireRef,
    responses: u64,
    other_versions: u64,
    /// One counter per question, in questionnaire order; `None` for notices.
    questions: Vec<Option<QuestionTally>>,
    /// Each question's code and position, sorted by code as a response's answers are.
    by_code: Vec<(&'q QuestionCode, usize)>,
    routing: Routing,
}

impl<'q> Tally<'q> {
    /// An empty tally of `questionnaire`'s questions.
    pub fn new(questionnaire: &'q Questionnaire) -> Self {
        Tally {
            questionnaire,
            reference: QuestionnaireRef::of(questionnaire),
            responses: 0,
            other_versions: 0,
            questions: questionnaire
                .questions()
                .map(|(_, question)| QuestionTally::new(questionnaire, question))
                .collect(),
            by_code: {
                let mut by_code: Vec<(&QuestionCode, usize)> = questionnaire
                    .questions()
                    .enumerate()
                    .map(|(position, (_, question))| (&question.code, position))
                    .collect();
                by_code.sort();
                by_code
            },
            routing: Routing::new(questionnaire),
        }
    }

    /// Counts one response. A response to another questionnaire or version is not
    /// counted (its codes may mean other things) but counted apart, see
    /// [`Tally::other_versions`].
    pub fn add(&mut self, response: &Response) {
        if response.questionnaire != self.reference {
            self.other_versions += 1;
            return;
        }
        self.responses += 1;
        // The answers by question position, in one walk: the answers and `by_code` are
        // both sorted by code.
        let mut slots: Vec<Option<&Answer>> = vec![None; self.questions.len()];
        let mut codes = self.by_code.iter().peekable();
        for (code, answer) in &response.answers {
            // Equality first: the next known code is almost always the answer's.
            while let Some((known, position)) = codes.peek() {
                if *known == code {
                    slots[*position] = Some(answer);
                    codes.next();
                    break;
                } else if *known < code {
                    codes.next();
                } else {
                    break;
                }
            }
        }
        let shown = self
            .routing
            .shown(self.questionnaire, &response.answers, &slots);
        for (position, tally) in self.questions.iter_mut().enumerate() {
            if let Some(tally) = tally {
                let asked = shown.get(position).copied().unwrap_or(false);
                tally.add(asked, slots[position]);
            }
        }
    }

    /// Counts every response of `responses`.
    pub fn add_all<'r>(&mut self, responses: impl IntoIterator<Item = &'r Response>) {
        for response in responses {
            self.add(response);
        }
    }

    /// Adds what another tally of the same questionnaire counted (e.g. tallies kept per
    /// ward, added up for the partnership).
    pub fn merge(&mut self, other: &Tally<'_>) -> Result<(), MergeError> {
        if other.reference != self.reference {
            return Err(MergeError {
                counting: self.reference.clone(),
                other: other.reference.clone(),
            });
        }
        self.responses += other.responses;
        self.other_versions += other.other_versions;
        for (mine, theirs) in self.questions.iter_mut().zip(&other.questions) {
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                mine.merge(theirs);
            }
        }
        Ok(())
    }

    /// Responses counted.
    pub fn responses(&self) -> u64 {
        self.responses
    }

    /// Responses given that answer another questionnaire or version, not counted.
    pub fn other_versions(&self) -> u64 {
        self.other_versions
    }

    /// The distribution of every question that takes an answer, in questionnaire order.
    pub fn distributions(&self) -> Vec<Distribution> {
        self.questions
            .iter()
            .flatten()
            .map(|tally| tally.distribution(self.responses))
            .collect()
    }

    /// The distribution of the question `code`, if the questionnaire has it (and it
    /// takes an answer).
    pub fn distribution(&self, code: &QuestionCode) -> Option<Distribution> {
        self.questions
            .iter()
            .flatten()
            .find(|tally| tally.question() == code)
            .map(|tally| tally.distribution(self.responses))
    }

    /// Every distribution, headline indicator and wellbeing measure, or why the
    /// questionnaire cannot give the headline figures (a question or option that
    /// `INDICATORS.md` names is missing).
    pub fn results(&self) -> Result<Results, IndicatorError> {
        let distributions = self.distributions();
        let find = |code: &str| distributions.iter().find(|d| d.question.as_str() == code);
        Ok(Results {
            questionnaire: self.reference.clone(),
            responses: self.responses,
            other_versions: self.other_versions,
            indicators: indicators::headlines(self.questionnaire, find)?,
            wellbeing: indicators::wellbeing(self.questionnaire, find)?,
            routed: routing::routed(self.questionnaire),
            distributions,
        })
    }
}

/// Two tallies of different questionnaires (or versions) cannot be added up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a tally of {counting} cannot take in one of {other}: their codes may mean other things")]
pub struct MergeError {
    /// The questionnaire the tally counts.
    pub counting: QuestionnaireRef,
    /// The other tally's questionnaire.
    pub other: QuestionnaireRef,
}

/// Everything counted over a set of responses, before suppression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The questionnaire and version counted.
    pub questionnaire: QuestionnaireRef,
    /// Responses counted.
    pub responses: u64,
    /// Responses to other versions, not counted.
    pub other_versions: u64,
    /// Each question's distribution, in questionnaire order.
    pub distributions: Vec<Distribution>,
    /// The headline indicators, in `INDICATORS.md`'s order.
    pub indicators: Vec<Indicator>,
    /// The four ONS personal wellbeing measures.
    pub wellbeing: Vec<Wellbeing>,
    /// Questions whose "asked" is another's answer count (skip logic), which
    /// suppression links.
    pub routed: Vec<Routed>,
}

#[cfg(test)]
mod tests;

//! The headline indicators of `INDICATORS.md` (the table itself is data, in
//! [`crate::results::headlines`]), counted from the questions' distributions.
//!
//! A headline is the share of respondents whose answer is one of its "counted as yes"
//! options, out of everyone asked who gave a substantive answer: "don't know" and
//! "prefer not to say" are counted and shown but left out of the base, as the national
//! surveys report them, and so are the options a row excludes (e.g. "I never walk alone
//! after dark"), which are reported apart.

use serde::{Deserialize, Serialize};

use crate::questionnaire::{OptionCode, QuestionCode, QuestionKind, Questionnaire};
use crate::results::distribution::{Distribution, OptionCount, Values};
use crate::results::headlines::{Headline, WellbeingMeasure, HEADLINES, WELLBEING};
use crate::results::interval::Proportion;

/// Why a questionnaire cannot give the headline figures: `INDICATORS.md` names
/// something it lacks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorError {
    /// A question the indicators count is not in the questionnaire.
    #[error("the questionnaire has no question {question}, which the headline figures count")]
    MissingQuestion {
        /// Its code.
        question: String,
    },
    /// The question is not of the kind the indicator counts (one option, or a 0–10
    /// rating for wellbeing).
    #[error("question {question} is {found}, but the headline figures need {needed}")]
    WrongKind {
        /// Its code.
        question: String,
        /// Its kind, as written in the file.
        found: &'static str,
        /// The kind needed.
        needed: &'static str,
    },
    /// An option the indicator counts or excludes is not one of the question's.
    #[error("question {question} has no option {option}, which its headline figure counts")]
    MissingOption {
        /// Its code.
        question: String,
        /// The option's code.
        option: OptionCode,
    },
}

/// Checks that `questionnaire` has every question and option the headline figures name.
pub fn check(questionnaire: &Questionnaire) -> Result<(), IndicatorError> {
    for row in HEADLINES {
        let question = find_question(questionnaire, row.question)?;
        match question.kind {
            QuestionKind::SingleChoice { .. } | QuestionKind::Ordered { .. } => {}
            ref other => {
                return Err(IndicatorError::WrongKind {
                    question: row.question.to_owned(),
                    found: other.name(),
                    needed: "single_choice or ordered",
                })
            }
        }
        let options = questionnaire.options(question);
        for &option in row.yes.iter().chain(row.excluded) {
            if !options.iter().any(|o| o.code == option) {
                return Err(IndicatorError::MissingOption {
                    question: row.question.to_owned(),
                    option,
                });
            }
        }
    }
    for measure in &WELLBEING {
        let question = find_question(questionnaire, measure.question)?;
        if !matches!(question.kind, QuestionKind::Rating { .. }) {
            return Err(IndicatorError::WrongKind {
                question: measure.question.to_owned(),
                found: question.kind.name(),
                needed: "rating",
            });
        }
    }
    Ok(())
}

fn find_question<'q>(
    questionnaire: &'q Questionnaire,
    code: &str,
) -> Result<&'q crate::questionnaire::Question, IndicatorError> {
    questionnaire
        .questions()
        .map(|(_, question)| question)
        .find(|question| question.code.as_str() == code)
        .ok_or_else(|| IndicatorError::MissingQuestion {
            question: code.to_owned(),
        })
}

/// A headline indicator over a set of responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// The question counted.
    pub question: QuestionCode,
    /// What it says ("Satisfied with the local area").
    pub name: String,
    /// The national measure it is comparable with.
    pub measure: String,
    /// Those counted as "yes", of the base (n), with the 95% Wilson interval.
    pub share: Proportion,
    /// Answers left out of the base and reported apart (e.g. never walks alone after
    /// dark), by option.
    pub excluded: Vec<OptionCount>,
    /// "Don't know", left out of the base.
    pub dont_know: u64,
    /// "Prefer not to say", left out of the base.
    pub prefer_not_to_say: u64,
    /// Asked and left unanswered, left out of the base.
    pub no_answer: u64,
    /// Not asked (skip logic), left out of the base.
    pub not_asked: u64,
}

impl Indicator {
    /// The indicator of `row` from its question's distribution.
    pub fn of(row: &Headline, distribution: &Distribution) -> Indicator {
        let excluded: Vec<OptionCount> = row
            .excluded
            .iter()
            .map(|&code| OptionCount {
                code,
                count: distribution.option(code),
            })
            .collect();
        let yes: u64 = row.yes.iter().map(|&code| distribution.option(code)).sum();
        let left_out: u64 = excluded.iter().map(|option| option.count).sum();
        Indicator {
            question: distribution.question.clone(),
            name: row.name.to_owned(),
            measure: row.measure.to_owned(),
            share: Proportion::new(yes, distribution.substantive() - left_out),
            excluded,
            dont_know: distribution.dont_know,
            prefer_not_to_say: distribution.prefer_not_to_say,
            no_answer: distribution.no_answer + distribution.not_fitting,
            not_asked: distribution.not_asked,
        }
    }
}

/// How many scored within one band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// The band's name ("low").
    pub name: String,
    /// Lowest score in it.
    pub from: i64,
    /// Highest score in it.
    pub to: i64,
    /// How many scored in it.
    pub count: u64,
}

/// One ONS personal wellbeing measure over a set of responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Wellbeing {
    /// The question counted.
    pub question: QuestionCode,
    /// The measure's name.
    pub name: String,
    /// Respondents who gave a score (n).
    pub n: u64,
    /// The mean score.
    pub mean: Option<f64>,
    /// The standard error of the mean.
    pub standard_error: Option<f64>,
    /// How many scored in each ONS band, lowest scores first.
    pub bands: Vec<Band>,
    /// The headline band's name: "low" (0–4), or "high" for anxiety (6–10).
    pub headline: String,
    /// The share in the headline band, of n, with the 95% Wilson interval.
    pub share: Proportion,
    /// "Don't know", left out of n.
    pub dont_know: u64,
    /// "Prefer not to say", left out of n.
    pub prefer_not_to_say: u64,
    /// Asked and left unanswered, or not asked.
    pub no_answer: u64,
}

impl Wellbeing {
    /// The measure from its question's distribution (`None` unless it is of numbers).
    pub fn of(measure: &WellbeingMeasure, distribution: &Distribution) -> Option<Wellbeing> {
        let Values::Number(summary) = &distribution.values else {
            return None;
        };
        let bands: Vec<Band> = measure
            .bands
            .iter()
            .map(|limits| Band {
                name: limits.name.to_owned(),
                from: limits.from,
                to: limits.to,
                count: summary.count_between(limits.from, limits.to),
            })
            .collect();
        let headline = &bands[measure.headline.min(bands.len() - 1)];
        Some(Wellbeing {
            question: distribution.question.clone(),
            name: measure.name.to_owned(),
            n: summary.n,
            mean: summary.mean,
            standard_error: summary.standard_error,
            share: Proportion::new(headline.count, summary.n),
            headline: headline.name.clone(),
            bands,
            dont_know: distribution.dont_know,
            prefer_not_to_say: distribution.prefer_not_to_say,
            no_answer: distribution.no_answer + distribution.not_fitting + distribution.not_asked,
        })
    }
}

/// Every headline indicator, from the distributions `find` gives by question code.
pub(crate) fn headlines<'d>(
    questionnaire: &Questionnaire,
    find: impl Fn(&str) -> Option<&'d Distribution>,
) -> Result<Vec<Indicator>, IndicatorError> {
    check(questionnaire)?;
    HEADLINES
        .iter()
        .map(|row| {
            find(row.question)
                .map(|distribution| Indicator::of(row, distribution))
                .ok_or_else(|| IndicatorError::MissingQuestion {
                    question: row.question.to_owned(),
                })
        })
        .collect()
}

/// The four wellbeing measures, from the distributions `find` gives by question code.
pub(crate) fn wellbeing<'d>(
    questionnaire: &Questionnaire,
    find: impl Fn(&str) -> Option<&'d Distribution>,
) -> Result<Vec<Wellbeing>, IndicatorError> {
    check(questionnaire)?;
    WELLBEING
        .iter()
        .map(|measure| {
            find(measure.question)
                .and_then(|distribution| Wellbeing::of(measure, distribution))
                .ok_or_else(|| IndicatorError::MissingQuestion {
                    question: measure.question.to_owned(),
                })
        })
        .collect()
}

#[cfg(test)]
#[path = "indicators_tests.rs"]
mod tests;

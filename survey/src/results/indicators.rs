//! The headline indicators of `INDICATORS.md`, as data ([`HEADLINES`], [`WELLBEING`]),
//! and how they are counted from the questions' distributions.
//!
//! A headline is the share of respondents whose answer is one of its "counted as yes"
//! options, out of everyone asked who gave a substantive answer: "don't know" and
//! "prefer not to say" are counted and shown but left out of the base, as the national
//! surveys report them, and so are the options a row excludes (e.g. "I never walk alone
//! after dark"), which are reported apart.

use serde::{Deserialize, Serialize};

use crate::questionnaire::{OptionCode, QuestionCode, QuestionKind, Questionnaire};
use crate::results::distribution::{Distribution, OptionCount, Values};
use crate::results::interval::Proportion;

/// One row of `INDICATORS.md`'s table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// The question's code (v1).
    pub question: &'static str,
    /// What the indicator says, as the console shows it.
    pub name: &'static str,
    /// The options counted as "yes".
    pub yes: &'static [OptionCode],
    /// Options left out of the base and reported apart.
    pub excluded: &'static [OptionCode],
    /// The national measure it is comparable with.
    pub measure: &'static str,
}

const fn headline(
    question: &'static str,
    name: &'static str,
    yes: &'static [OptionCode],
    measure: &'static str,
) -> Headline {
    Headline {
        question,
        name,
        yes,
        excluded: &[],
        measure,
    }
}

const ASB: &str = "Place Survey NI 17 (item level)";

/// `INDICATORS.md`'s table, in its order; the anti-social behaviour row is one
/// indicator per item.
pub const HEADLINES: &[Headline] = &[
    headline(
        "AREA_SATISFACTION",
        "Satisfied with the local area",
        &[1, 2],
        "Place Survey NI 5",
    ),
    headline(
        "BELONGING",
        "Belong strongly to the area",
        &[1, 2],
        "Place Survey NI 2",
    ),
    Headline {
        question: "DIFFERENT_BACKGROUNDS",
        name: "People from different backgrounds get on well",
        yes: &[1, 2],
        excluded: &[6, 7],
        measure: "Place Survey NI 1",
    },
    headline(
        "INFLUENCE_DECISIONS",
        "Can influence local decisions",
        &[1, 2],
        "Place Survey NI 4",
    ),
    headline(
        "TRUST_NEIGHBOURS",
        "Trust many or most neighbours",
        &[1, 2],
        "Community Life Survey",
    ),
    Headline {
        question: "SAFE_AFTER_DARK",
        name: "Feel safe walking alone after dark",
        yes: &[1, 2],
        excluded: &[6],
        measure: "Crime Survey for England and Wales",
    },
    headline(
        "ASB_NOISY_NEIGHBOURS",
        "Noisy neighbours or loud parties a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_TEENAGERS",
        "Teenagers hanging around on the streets a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_LITTER",
        "Rubbish or litter lying around a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_VANDALISM",
        "Vandalism, graffiti or deliberate damage a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_DRUGS",
        "People using or dealing drugs a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_DRUNK_ROWDY",
        "People being drunk or rowdy a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "ASB_ABANDONED_CARS",
        "Abandoned or burnt-out cars a big problem",
        &[1, 2],
        ASB,
    ),
    headline(
        "POLICE_COUNCIL_DEALING",
        "Police and council deal with anti-social behaviour and crime",
        &[1, 2],
        "Place Survey NI 21",
    ),
    headline(
        "GENERAL_HEALTH",
        "Good or very good health",
        &[1, 2],
        "Census 2021",
    ),
    headline(
        "LONELINESS",
        "Lonely often or always",
        &[1],
        "ONS direct measure",
    ),
    headline(
        "TREATED_RESPECT",
        "Treated with respect by local services",
        &[1, 2],
        "Place Survey NI 140",
    ),
    headline(
        "VOLUNTEERING",
        "Volunteer at least monthly",
        &[1],
        "Place Survey NI 6",
    ),
];

/// A band of 0–10 scores (both ends included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BandLimits {
    /// The band's name ("low").
    pub name: &'static str,
    /// Lowest score in it.
    pub from: i64,
    /// Highest score in it.
    pub to: i64,
}

const fn band(name: &'static str, from: i64, to: i64) -> BandLimits {
    BandLimits { name, from, to }
}

/// The ONS thresholds for life satisfaction, worthwhile and happiness.
pub const POSITIVE_BANDS: [BandLimits; 4] = [
    band("low", 0, 4),
    band("medium", 5, 6),
    band("high", 7, 8),
    band("very high", 9, 10),
];

/// The ONS thresholds for anxiety, where low is good.
pub const ANXIETY_BANDS: [BandLimits; 4] = [
    band("very low", 0, 1),
    band("low", 2, 3),
    band("medium", 4, 5),
    band("high", 6, 10),
];

/// One ONS personal wellbeing question and how it is banded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WellbeingMeasure {
    /// The question's code (v1).
    pub question: &'static str,
    /// The measure's name, as the console shows it.
    pub name: &'static str,
    /// Its bands.
    pub bands: &'static [BandLimits; 4],
    /// Which band's share is the headline: low scores, or high anxiety.
    pub headline: usize,
}

/// The four ONS personal wellbeing measures (ONS4), each 0–10.
pub const WELLBEING: [WellbeingMeasure; 4] = [
    WellbeingMeasure {
        question: "LIFE_SATISFACTION",
        name: "Life satisfaction",
        bands: &POSITIVE_BANDS,
        headline: 0,
    },
    WellbeingMeasure {
        question: "WORTHWHILE",
        name: "Feeling the things you do are worthwhile",
        bands: &POSITIVE_BANDS,
        headline: 0,
    },
    WellbeingMeasure {
        question: "HAPPY_YESTERDAY",
        name: "Happiness yesterday",
        bands: &POSITIVE_BANDS,
        headline: 0,
    },
    WellbeingMeasure {
        question: "ANXIOUS_YESTERDAY",
        name: "Anxiety yesterday",
        bands: &ANXIETY_BANDS,
        headline: 3,
    },
];

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

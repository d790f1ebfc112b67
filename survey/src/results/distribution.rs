//! How one question was answered: the [`Distribution`], and the counter that builds it
//! one response at a time.
//!
//! Every response counted falls in exactly one of: not asked (skip logic did not show the
//! question), no answer (shown, left unanswered: optional questions), "don't know",
//! "prefer not to say", an answer that does not fit the question (none once intake has
//! checked a batch; counted so the figures always add up), or a substantive answer.

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::questionnaire::{OptionCode, Question, QuestionCode, QuestionKind, Questionnaire};
use crate::results::number::{NumberSummary, ValueCounts};

/// How many chose one option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCount {
    /// The option's code.
    pub code: OptionCode,
    /// How many chose it.
    pub count: u64,
}

/// The substantive answers to one question, by kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Values {
    /// Single choice, ordered scale, yes/no or consent: a count per option, in the
    /// questionnaire's order (each respondent in one option).
    Choice {
        /// The options' counts.
        options: Vec<OptionCount>,
    },
    /// Multiple choice: a count per option, in the questionnaire's order; a respondent
    /// counts once in each option chosen, so the counts may add up to more than
    /// `respondents`.
    Choices {
        /// The options' counts.
        options: Vec<OptionCount>,
        /// Respondents who chose at least one option: the base of each option's share.
        respondents: u64,
    },
    /// Whole number or 0–10 rating.
    Number(NumberSummary),
    /// Free text: only how many wrote something. The words are never carried here.
    Text {
        /// Respondents who wrote something (not blank).
        answered: u64,
    },
}

/// How one question was answered over a set of responses.
///
/// `responses = not_asked + asked()`, and
/// `asked() = no_answer + dont_know + prefer_not_to_say + not_fitting + substantive()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The question.
    pub question: QuestionCode,
    /// Responses counted.
    pub responses: u64,
    /// Of them, responses where skip logic did not show the question.
    pub not_asked: u64,
    /// Shown but left unanswered (an optional question).
    pub no_answer: u64,
    /// "Don't know".
    pub dont_know: u64,
    /// "Prefer not to say".
    pub prefer_not_to_say: u64,
    /// Answers that do not fit the question (wrong kind, unknown option, out of range).
    /// Intake refuses them, so this stays 0 for stored responses.
    pub not_fitting: u64,
    /// The substantive answers.
    pub values: Values,
}

impl Distribution {
    /// Respondents the question was shown to.
    pub fn asked(&self) -> u64 {
        self.responses - self.not_asked
    }

    /// Respondents who gave a substantive answer: the base of a share, as the national
    /// surveys report it ("don't know" and "prefer not to say" shown but left out).
    pub fn substantive(&self) -> u64 {
        self.asked() - self.no_answer - self.dont_know - self.prefer_not_to_say - self.not_fitting
    }

    /// The count of option `code` (choice questions; 0 for an option not offered).
    pub fn option(&self, code: OptionCode) -> u64 {
        match &self.values {
            Values::Choice { options } | Values::Choices { options, .. } => options
                .iter()
                .find(|option| option.code == code)
                .map_or(0, |option| option.count),
            _ => 0,
        }
    }
}

/// The counter of one question's answers.
#[derive(Clone, Debug)]
pub(crate) struct QuestionTally {
    question: QuestionCode,
    not_asked: u64,
    no_answer: u64,
    dont_know: u64,
    prefer_not_to_say: u64,
    not_fitting: u64,
    values: Counter,
}

#[derive(Clone, Debug)]
enum Counter {
    Choice {
        codes: Vec<OptionCode>,
        counts: Vec<u64>,
    },
    Choices {
        codes: Vec<OptionCode>,
        counts: Vec<u64>,
        respondents: u64,
    },
    Number {
        min: i64,
        max: i64,
        counts: ValueCounts,
    },
    Text {
        answered: u64,
    },
}

impl QuestionTally {
    /// A counter for `question`; `None` for a notice, which takes no answer.
    pub(crate) fn new(questionnaire: &Questionnaire, question: &Question) -> Option<Self> {
        let codes = || -> Vec<OptionCode> {
            questionnaire
                .options(question)
                .iter()
                .map(|option| option.code)
                .collect()
        };
        let values = match &question.kind {
            QuestionKind::Notice => return None,
            QuestionKind::Consent
            | QuestionKind::YesNo
            | QuestionKind::SingleChoice { .. }
            | QuestionKind::Ordered { .. } => {
                let codes = codes();
                Counter::Choice {
                    counts: vec![0; codes.len()],
                    codes,
                }
            }
            QuestionKind::MultipleChoice { .. } => {
                let codes = codes();
                Counter::Choices {
                    counts: vec![0; codes.len()],
                    codes,
                    respondents: 0,
                }
            }
            QuestionKind::Rating { .. } => number(0, 10),
            QuestionKind::Number { min, max } => number(*min, *max),
            QuestionKind::Text { .. } => Counter::Text { answered: 0 },
        };
        Some(QuestionTally {
            question: question.code.clone(),
            not_asked: 0,
            no_answer: 0,
            dont_know: 0,
            prefer_not_to_say: 0,
            not_fitting: 0,
            values,
        })
    }

    /// The question counted.
    pub(crate) fn question(&self) -> &QuestionCode {
        &self.question
    }

    /// Counts one response: `asked` says whether skip logic showed the question, `answer`
    /// is its answer there, if any.
    pub(crate) fn add(&mut self, asked: bool, answer: Option<&Answer>) {
        let Some(answer) = answer.filter(|_| asked) else {
            // A stored answer to a question not shown never counts (as in the engine).
            if asked {
                self.no_answer += 1;
            } else {
                self.not_asked += 1;
            }
            return;
        };
        let fits = match (&mut self.values, answer) {
            (_, Answer::DontKnow) => {
                self.dont_know += 1;
                return;
            }
            (_, Answer::PreferNotToSay) => {
                self.prefer_not_to_say += 1;
                return;
            }
            (Counter::Choice { codes, counts }, Answer::Choice(code)) => {
                match codes.iter().position(|c| c == code) {
                    Some(index) => {
                        counts[index] += 1;
                        true
                    }
                    None => false,
                }
            }
            (Counter::Choices { .. }, Answer::Choices(chosen)) if chosen.is_empty() => {
                self.no_answer += 1;
                return;
            }
            (
                Counter::Choices {
                    codes,
                    counts,
                    respondents,
                },
                Answer::Choices(chosen),
            ) => {
                let indexes: Option<Vec<usize>> = chosen
                    .iter()
                    .map(|code| codes.iter().position(|c| c == code))
                    .collect();
                match indexes {
                    Some(indexes) if !has_repeats(&indexes) => {
                        for index in indexes {
                            counts[index] += 1;
                        }
                        *respondents += 1;
                        true
                    }
                    _ => false,
                }
            }
            (Counter::Number { min, max, counts }, Answer::Number(value)) => {
                let fits = (*min..=*max).contains(value);
                if fits {
                    counts.add(*value);
                }
                fits
            }
            (Counter::Text { answered }, Answer::Text(text)) => {
                if text.trim().is_empty() {
                    self.no_answer += 1;
                } else {
                    *answered += 1;
                }
                true
            }
            _ => false,
        };
        if !fits {
            self.not_fitting += 1;
        }
    }

    /// Adds another counter of the same question (e.g. another ward's). Counters of
    /// different questions are left as they are: the caller pairs them by code.
    pub(crate) fn merge(&mut self, other: &QuestionTally) {
        if other.question != self.question {
            return;
        }
        self.not_asked += other.not_asked;
        self.no_answer += other.no_answer;
        self.dont_know += other.dont_know;
        self.prefer_not_to_say += other.prefer_not_to_say;
        self.not_fitting += other.not_fitting;
        match (&mut self.values, &other.values) {
            (Counter::Choice { counts, .. }, Counter::Choice { counts: more, .. }) => {
                add_counts(counts, more);
            }
            (
                Counter::Choices {
                    counts,
                    respondents,
                    ..
                },
                Counter::Choices {
                    counts: more,
                    respondents: more_respondents,
                    ..
                },
            ) => {
                add_counts(counts, more);
                *respondents += more_respondents;
            }
            (Counter::Number { counts, .. }, Counter::Number { counts: more, .. }) => {
                counts.merge(more);
            }
            (Counter::Text { answered }, Counter::Text { answered: more }) => *answered += more,
            _ => {}
        }
    }

    /// The distribution counted so far, of `responses` responses.
    pub(crate) fn distribution(&self, responses: u64) -> Distribution {
        let options = |codes: &[OptionCode], counts: &[u64]| -> Vec<OptionCount> {
            codes
                .iter()
                .zip(counts)
                .map(|(code, count)| OptionCount {
                    code: *code,
                    count: *count,
                })
                .collect()
        };
        let values = match &self.values {
            Counter::Choice { codes, counts } => Values::Choice {
                options: options(codes, counts),
            },
            Counter::Choices {
                codes,
                counts,
                respondents,
            } => Values::Choices {
                options: options(codes, counts),
                respondents: *respondents,
            },
            Counter::Number { counts, .. } => Values::Number(counts.summary()),
            Counter::Text { answered } => Values::Text {
                answered: *answered,
            },
        };
        Distribution {
            question: self.question.clone(),
            responses,
            not_asked: self.not_asked,
            no_answer: self.no_answer,
            dont_know: self.dont_know,
            prefer_not_to_say: self.prefer_not_to_say,
            not_fitting: self.not_fitting,
            values,
        }
    }
}

fn number(min: i64, max: i64) -> Counter {
    Counter::Number {
        min,
        max,
        counts: ValueCounts::for_range(min, max),
    }
}

fn has_repeats(indexes: &[usize]) -> bool {
    indexes
        .iter()
        .enumerate()
        .any(|(i, index)| indexes[..i].contains(index))
}

fn add_counts(counts: &mut [u64], more: &[u64]) {
    for (count, more) in counts.iter_mut().zip(more) {
        *count += more;
    }
}

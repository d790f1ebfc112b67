//! Counts and answer distributions: what the app shows a worker at the end of a day and
//! the collector shows a coordinator. The same code runs on both.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answer::Answer;
use crate::questionnaire::{OptionCode, QuestionCode, QuestionKind, Questionnaire};
use crate::record::{AreaCode, Response, ResponseStatus, VisitOutcome, VisitOutcomeRecord};

/// Counts of responses and visits, and how each question was answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Responses to this questionnaire (any version), whatever their status.
    pub responses: u32,
    /// Of those, how many in each status.
    pub by_status: BTreeMap<ResponseStatus, u32>,
    /// Of those, how many in each area.
    pub by_area: BTreeMap<AreaCode, u32>,
    /// Responses the answer distributions are over: complete or uploaded (drafts are
    /// partial and may still change).
    pub finished: u32,
    /// Responses given that answer another questionnaire, left out of everything.
    pub other_questionnaire: u32,
    /// Visits.
    pub visits: u32,
    /// Visits by outcome.
    pub by_outcome: BTreeMap<VisitOutcome, u32>,
    /// Every question that takes an answer, in questionnaire order.
    pub questions: Vec<QuestionSummary>,
}

/// How one question was answered in the finished responses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionSummary {
    /// The question.
    pub code: QuestionCode,
    /// Responses with an answer to it, non-substantive ones included.
    pub answered: u32,
    /// "Don't know" answers.
    pub dont_know: u32,
    /// "Prefer not to say" answers.
    pub prefer_not_to_say: u32,
    /// The substantive answers.
    pub values: Values,
}

/// The substantive answers to one question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Values {
    /// Choice questions: how often each option was chosen, in the question's option
    /// order, zeros included. For multiple choice each chosen option counts once, so the
    /// counts may add up to more than `answered`.
    Options {
        /// Option code and count.
        counts: Vec<OptionCount>,
    },
    /// Rating and number questions.
    Numbers(NumberStats),
    /// Text questions: how many texts (their content is not summarised).
    Text {
        /// Non-empty texts.
        count: u32,
    },
}

/// How often one option was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCount {
    /// The option.
    pub code: OptionCode,
    /// Responses that chose it.
    pub count: u32,
}

/// Simple statistics of a number question's answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberStats {
    /// Numbers given.
    pub count: u32,
    /// The smallest.
    pub min: Option<i64>,
    /// The largest.
    pub max: Option<i64>,
    /// Their sum (saturating).
    pub sum: i64,
}

impl NumberStats {
    /// The mean, when there is at least one number.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / f64::from(self.count))
    }

    fn add(&mut self, n: i64) {
        self.count = self.count.saturating_add(1);
        self.min = Some(self.min.map_or(n, |min| min.min(n)));
        self.max = Some(self.max.map_or(n, |max| max.max(n)));
        self.sum = self.sum.saturating_add(n);
    }
}

fn bump<K: Ord>(map: &mut BTreeMap<K, u32>, key: K) {
    let count = map.entry(key).or_insert(0);
    *count = count.saturating_add(1);
}

impl Summary {
    /// Summarises `responses` to `questionnaire` and the `visits` (outcomes only).
    /// Responses to another questionnaire id are counted in `other_questionnaire` only.
    pub fn of(
        questionnaire: &Questionnaire,
        responses: &[Response],
        visits: &[VisitOutcomeRecord],
    ) -> Summary {
        let mut summary = Summary {
            responses: 0,
            by_status: BTreeMap::new(),
            by_area: BTreeMap::new(),
            finished: 0,
            other_questionnaire: 0,
            visits: 0,
            by_outcome: BTreeMap::new(),
            questions: Vec::new(),
        };
        for visit in visits {
            summary.visits = summary.visits.saturating_add(1);
            bump(&mut summary.by_outcome, visit.outcome);
        }
        let mut finished = Vec::new();
        for response in responses {
            if response.questionnaire.id != questionnaire.id {
                summary.other_questionnaire = summary.other_questionnaire.saturating_add(1);
                continue;
            }
            summary.responses = summary.responses.saturating_add(1);
            bump(&mut summary.by_status, response.status);
            bump(&mut summary.by_area, response.area.clone());
            if response.status != ResponseStatus::Draft {
                finished.push(response);
            }
        }
        summary.finished = u32::try_from(finished.len()).unwrap_or(u32::MAX);
        summary.questions = questionnaire
            .questions()
            .map(|(_, question)| question)
            .filter(|question| question.kind != QuestionKind::Notice)
            .map(|question| {
                let options = questionnaire.options(question);
                let mut counts: Vec<OptionCount> = options
                    .iter()
                    .map(|o| OptionCount {
                        code: o.code,
                        count: 0,
                    })
                    .collect();
                let mut numbers = NumberStats::default();
                let mut texts = 0u32;
                let mut question_summary = QuestionSummary {
                    code: question.code.clone(),
                    answered: 0,
                    dont_know: 0,
                    prefer_not_to_say: 0,
                    values: Values::Text { count: 0 },
                };
                let mut count_option = |code: OptionCode| {
                    if let Some(entry) = counts.iter_mut().find(|c| c.code == code) {
                        entry.count = entry.count.saturating_add(1);
                    }
                };
                for response in &finished {
                    let Some(answer) = response.answers.get(&question.code) else {
                        continue;
                    };
                    question_summary.answered = question_summary.answered.saturating_add(1);
                    match answer {
                        Answer::DontKnow => {
                            question_summary.dont_know =
                                question_summary.dont_know.saturating_add(1)
                        }
                        Answer::PreferNotToSay => {
                            question_summary.prefer_not_to_say =
                                question_summary.prefer_not_to_say.saturating_add(1)
                        }
                        Answer::Choice(code) => count_option(*code),
                        Answer::Choices(codes) => codes.iter().copied().for_each(&mut count_option),
                        Answer::Number(n) => numbers.add(*n),
                        Answer::Text(text) if !text.trim().is_empty() => {
                            texts = texts.saturating_add(1)
                        }
                        Answer::Text(_) => {}
                    }
                }
                question_summary.values = match question.kind {
                    QuestionKind::Rating { .. } | QuestionKind::Number { .. } => {
                        Values::Numbers(numbers)
                    }
                    QuestionKind::Text { .. } => Values::Text { count: texts },
                    _ => Values::Options { counts },
                };
                question_summary
            })
            .collect();
        summary
    }

    /// The summary of one question, by code.
    pub fn question(&self, code: &QuestionCode) -> Option<&QuestionSummary> {
        self.questions.iter().find(|q| &q.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::fixtures::{id, questionnaire, small_response};
    use crate::record::{Timestamp, VisitId};

    fn responses() -> Vec<Response> {
        let first = small_response();
        let mut second = small_response();
        second.id = id(2);
        second.area = "E05009372".into();
        second.answers.insert("SAFE_DARK".into(), Answer::Choice(2));
        second
            .answers
            .insert("LIFE_SATISFACTION".into(), Answer::Number(3));
        second
            .answers
            .insert("HOUSING_PROBLEMS".into(), Answer::Choices(vec![3]));
        second.answers.insert("ADULTS".into(), Answer::Number(2));
        let mut draft = small_response();
        draft.id = id(3);
        draft.reopen(Timestamp(0)).unwrap();
        draft.answers.insert("SAFE_DARK".into(), Answer::Choice(4));
        let mut other = small_response();
        other.id = id(4);
        other.questionnaire.id = "another".into();
        vec![first, second, draft, other]
    }

    fn visit(n: u8, outcome: VisitOutcome) -> VisitOutcomeRecord {
        VisitOutcomeRecord {
            id: VisitId::from_random_bytes([n; 16]),
            time: Timestamp(i64::from(n)),
            area: "E05009367".into(),
            outcome,
            attempt: 1,
        }
    }

    #[test]
    fn counts_responses_by_status_and_area() {
        let summary = Summary::of(&questionnaire(), &responses(), &[]);
        assert_eq!(summary.responses, 3);
        assert_eq!(summary.finished, 2);
        assert_eq!(summary.other_questionnaire, 1);
        assert_eq!(summary.by_status[&ResponseStatus::Complete], 2);
        assert_eq!(summary.by_status[&ResponseStatus::Draft], 1);
        assert_eq!(summary.by_area[&AreaCode::from("E05009367")], 2);
        assert_eq!(summary.by_area[&AreaCode::from("E05009372")], 1);
    }

    #[test]
    fn counts_visits_by_outcome() {
        let visits = [
            visit(1, VisitOutcome::NoAnswer),
            visit(2, VisitOutcome::NoAnswer),
            visit(3, VisitOutcome::Interviewed),
        ];
        let summary = Summary::of(&questionnaire(), &[], &visits);
        assert_eq!(summary.visits, 3);
        assert_eq!(summary.by_outcome[&VisitOutcome::NoAnswer], 2);
        assert_eq!(summary.by_outcome.get(&VisitOutcome::Refused), None);
    }

    #[test]
    fn option_counts_in_option_order_with_non_substantive_apart() {
        let summary = Summary::of(&questionnaire(), &responses(), &[]);
        let safe_dark = summary.question(&"SAFE_DARK".into()).unwrap();
        assert_eq!((safe_dark.answered, safe_dark.dont_know), (2, 1));
        let Values::Options { counts } = &safe_dark.values else {
            panic!("{safe_dark:?}")
        };
        let counts: Vec<(u16, u32)> = counts.iter().map(|c| (c.code, c.count)).collect();
        // The draft's answer (4) is not counted.
        assert_eq!(counts, [(1, 0), (2, 1), (3, 0), (4, 0), (5, 0)]);
    }

    #[test]
    fn multiple_choice_counts_each_chosen_option() {
        let summary = Summary::of(&questionnaire(), &responses(), &[]);
        let problems = summary.question(&"HOUSING_PROBLEMS".into()).unwrap();
        let Values::Options { counts } = &problems.values else {
            panic!("{problems:?}")
        };
        assert_eq!(counts[0].count, 1);
        assert_eq!(counts[2].count, 2);
        assert_eq!(problems.answered, 2);
    }

    #[test]
    fn numbers_have_count_min_max_and_mean() {
        let summary = Summary::of(&questionnaire(), &responses(), &[]);
        let life = summary.question(&"LIFE_SATISFACTION".into()).unwrap();
        let Values::Numbers(stats) = life.values else {
            panic!("{life:?}")
        };
        assert_eq!(
            (stats.count, stats.min, stats.max, stats.sum),
            (2, Some(3), Some(7), 10)
        );
        assert_eq!(stats.mean(), Some(5.0));
        let adults = summary.question(&"ADULTS".into()).unwrap();
        assert_eq!(adults.answered, 1);
    }

    #[test]
    fn notices_are_not_summarised_and_text_is_only_counted() {
        let summary = Summary::of(&questionnaire(), &responses(), &[]);
        assert!(summary.question(&"DEBT_ADVICE".into()).is_none());
        let text = summary.question(&"TRAINING_COMMENT".into()).unwrap();
        assert_eq!(text.values, Values::Text { count: 2 });
        assert!(!serde_json::to_string(&summary).unwrap().contains("akşam"));
    }

    #[test]
    fn summary_round_trips_as_json() {
        let summary = Summary::of(
            &questionnaire(),
            &responses(),
            &[visit(1, VisitOutcome::CallBack)],
        );
        let json = serde_json::to_string(&summary).unwrap();
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), summary);
    }
}

//! Which questions a response was asked, as the engine decides it, worked out once per
//! route rather than once per response.
//!
//! Whether a question is shown depends only on the answers to the questions that skip
//! logic looks at (those named in any `show_if`) and to the consent question. So the
//! engine's verdict for one response holds for every response with the same answers to
//! those few questions. The tally asks the engine ([`crate::engine::visible_questions`])
//! once per distinct set of such answers and remembers it: a handful of routes for
//! thousands of responses, at a fraction of the cost of asking for each.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use crate::answer::Answer;
use crate::engine::{visible_questions, Answers};
use serde::{Deserialize, Serialize};

use crate::questionnaire::{Condition, OptionCode, QuestionCode, QuestionKind, Questionnaire};

/// Routes remembered at most; past this (a questionnaire routing on a number with a wide
/// range, say) they are forgotten and remembered afresh, so memory stays bounded.
const MOST_ROUTES: usize = 4096;

/// The routes seen so far: which questions (by position) each shows.
#[derive(Clone, Debug)]
pub(crate) struct Routing {
    /// Positions of the questions skip logic depends on.
    depends_on: Vec<usize>,
    /// The routes, by the hash of their answers.
    routes: HashMap<u64, Vec<Route>>,
    remembered: usize,
    hasher: RandomState,
}

/// One route: the answers skip logic looked at, and what they showed.
#[derive(Clone, Debug)]
struct Route {
    answers: Vec<Option<Answer>>,
    shown: Vec<bool>,
}

impl Routing {
    /// No routes yet, for `questionnaire`.
    pub(crate) fn new(questionnaire: &Questionnaire) -> Self {
        let mut codes: Vec<&QuestionCode> = Vec::new();
        for (_, question) in questionnaire.questions() {
            if question.kind == QuestionKind::Consent {
                codes.push(&question.code);
            }
            if let Some(condition) = &question.show_if {
                referenced(condition, &mut codes);
            }
        }
        let depends_on = questionnaire
            .questions()
            .enumerate()
            .filter(|(_, (_, question))| codes.contains(&&question.code))
            .map(|(position, _)| position)
            .collect();
        Routing {
            depends_on,
            routes: HashMap::new(),
            remembered: 0,
            hasher: RandomState::new(),
        }
    }

    /// Whether each question (by position) is shown to a response with `answers`, which
    /// `slots` holds by position too.
    pub(crate) fn shown(
        &mut self,
        questionnaire: &Questionnaire,
        answers: &Answers,
        slots: &[Option<&Answer>],
    ) -> &[bool] {
        // Looked up without copying the answers; copied only for a new route.
        let answers_of = |position: &usize| slots.get(*position).copied().flatten();
        let mut hasher = self.hasher.build_hasher();
        for answer in self.depends_on.iter().map(answers_of) {
            answer.hash(&mut hasher);
        }
        let hash = hasher.finish();
        let same = |route: &Route| {
            route
                .answers
                .iter()
                .zip(&self.depends_on)
                .all(|(stored, position)| stored.as_ref() == answers_of(position))
        };
        let known = self
            .routes
            .get(&hash)
            .and_then(|routes| routes.iter().position(same));
        let index = match known {
            Some(index) => index,
            None => {
                if self.remembered >= MOST_ROUTES {
                    self.routes.clear();
                    self.remembered = 0;
                }
                let route = self
                    .depends_on
                    .iter()
                    .map(answers_of)
                    .map(Option::<&Answer>::cloned)
                    .collect();
                let routes = self.routes.entry(hash).or_default();
                routes.push(Route {
                    answers: route,
                    shown: ask_engine(questionnaire, answers),
                });
                self.remembered += 1;
                routes.len() - 1
            }
        };
        self.routes
            .get(&hash)
            .and_then(|routes| routes.get(index))
            .map_or(&[], |route| route.shown.as_slice())
    }
}

/// The engine's verdict, as a flag per question position.
fn ask_engine(questionnaire: &Questionnaire, answers: &Answers) -> Vec<bool> {
    // The visible questions come in questionnaire order, so one walk pairs them.
    let visible = visible_questions(questionnaire, answers);
    let mut visible = visible.iter().peekable();
    questionnaire
        .questions()
        .map(|(_, question)| {
            let shown = visible
                .peek()
                .is_some_and(|shown| std::ptr::eq(**shown, question));
            if shown {
                visible.next();
            }
            shown
        })
        .collect()
}

fn referenced<'q>(condition: &'q Condition, codes: &mut Vec<&'q QuestionCode>) {
    match condition {
        Condition::Equals { question, .. }
        | Condition::OneOf { question, .. }
        | Condition::GreaterThan { question, .. }
        | Condition::LessThan { question, .. }
        | Condition::Between { question, .. } => codes.push(question),
        Condition::Not(inner) => referenced(inner, codes),
        Condition::All(inner) | Condition::Any(inner) => {
            for condition in inner {
                referenced(condition, codes);
            }
        }
    }
}

/// A question asked only of those who gave one of `options` to an earlier one-answer
/// question (`shown_by`): so many were asked it as chose those options there.
/// Suppression must know, or a count hidden on one question's table could be read off
/// the other's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routed {
    /// The question asked only of some.
    pub question: QuestionCode,
    /// The earlier question whose answer decides.
    pub shown_by: QuestionCode,
    /// The answers to it that show the question.
    pub options: Vec<OptionCode>,
}

/// The questions of `questionnaire` shown by a simple condition (`equals` or `one_of`)
/// on a one-answer question. Other conditions (on numbers, several questions, `not`)
/// give no such equality and are left out.
pub(crate) fn routed(questionnaire: &Questionnaire) -> Vec<Routed> {
    questionnaire
        .questions()
        .filter_map(|(_, question)| {
            let (shown_by, options) = match question.show_if.as_ref()? {
                Condition::Equals { question, value } => (question, vec![*value]),
                Condition::OneOf { question, values } => (question, values.clone()),
                _ => return None,
            };
            let one_answer = matches!(
                questionnaire.question(shown_by)?.kind,
                QuestionKind::Consent
                    | QuestionKind::YesNo
                    | QuestionKind::SingleChoice { .. }
                    | QuestionKind::Ordered { .. }
            );
            (one_answer && question.kind != QuestionKind::Notice).then(|| Routed {
                question: question.code.clone(),
                shown_by: shown_by.clone(),
                options,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1s_skip_logic_looks_at_consent_and_six_questions_and_routes_five() {
        let questionnaire = crate::shipped::shared_questionnaire().unwrap();
        let routing = Routing::new(&questionnaire);
        let codes: Vec<&str> = questionnaire
            .questions()
            .enumerate()
            .filter(|(position, _)| routing.depends_on.contains(position))
            .map(|(_, (_, question))| question.code.as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "CONSENT",
                "AGE_16_PLUS",
                "AGE_BAND",
                "LONG_TERM_CONDITION",
                "TENURE",
                "BEHIND_PAYMENTS",
                "TRAINING_INTEREST"
            ]
        );
        let found = routed(&questionnaire);
        let routed: Vec<(&str, &str, Vec<OptionCode>)> = found
            .iter()
            .map(|r| (r.question.as_str(), r.shown_by.as_str(), r.options.clone()))
            .collect();
        let expected: Vec<(&str, &str, Vec<OptionCode>)> = vec![
            ("AGE_BAND", "AGE_16_PLUS", vec![1]),
            ("CONDITION_LIMITS", "LONG_TERM_CONDITION", vec![1]),
            ("LANDLORD", "TENURE", vec![4]),
            ("IN_EDUCATION_TRAINING", "AGE_BAND", vec![1, 2]),
            ("TRAINING_TYPE", "TRAINING_INTEREST", vec![1]),
        ];
        assert_eq!(routed, expected);
    }

    #[test]
    fn forgetting_routes_past_the_limit_changes_no_answer() {
        let questionnaire = crate::shipped::shared_questionnaire().unwrap();
        let mut routing = Routing::new(&questionnaire);
        let responses: Vec<_> = (0..50)
            .map(|i| crate::sample::complete_response(&questionnaire, i).unwrap())
            .collect();
        for round in 0..3 {
            for response in &responses {
                let slots: Vec<Option<&Answer>> = questionnaire
                    .questions()
                    .map(|(_, q)| response.answers.get(&q.code))
                    .collect();
                let expected = ask_engine(&questionnaire, &response.answers);
                let shown = routing
                    .shown(&questionnaire, &response.answers, &slots)
                    .to_vec();
                assert_eq!(shown, expected, "round {round}");
                // Forget everything every time in the last round.
                if round == 2 {
                    routing.remembered = MOST_ROUTES;
                }
            }
        }
    }
}

//! An interview: the one open on screen ([`Interview`]: its response as a signal, what the
//! engine says about it, and the actions the screens take, each answer saved at once
//! through [`AppState`]), its screens ([`screen`], [`review`], which also turns towards
//! the resident, and [`done`] once completed), the question controls
//! ([`question_field`], [`bars`], [`problems`]) and what they say in words ([`words`]).

mod bars;
mod done;
mod problems;
mod question_field;
mod review;
mod screen;
pub mod words;

use std::collections::BTreeSet;

use leptos::prelude::*;
use survey::engine::{self, Next};
use survey::questionnaire::{LanguageCode, Question, QuestionCode, Text};
use survey::record::{ResponseStatus, VisitOutcome};
use survey::{
    Answer, AnswerProblem, ConsentState, EndReason, QuestionProblem, Questionnaire, Response,
};

use crate::app_state::AppState;
use crate::platform::clock;
use crate::platform::local_storage::StorageError;
use crate::routes::Step;

pub use screen::InterviewPage;

/// The interview on screen.
#[derive(Clone, Copy)]
pub struct Interview {
    /// Shared state (questionnaire, writes).
    pub app: AppState,
    /// The response, as edited.
    pub response: RwSignal<Response>,
    /// Codes of the questions asked, given the answers so far.
    pub shown: Memo<BTreeSet<QuestionCode>>,
    /// Problems found when the worker last tried to move on or complete; an answer to a
    /// question clears its problem.
    pub problems: RwSignal<Vec<QuestionProblem>>,
    /// The interview's language.
    pub language: Memo<LanguageCode>,
    /// How the interview ended early, once it has.
    pub ended: RwSignal<Option<EndReason>>,
}

impl Interview {
    /// Opens `response` on screen.
    pub fn new(app: AppState, response: Response) -> Self {
        let questionnaire = app.questionnaire;
        let response = RwSignal::new(response);
        let shown = Memo::new(move |_| {
            response.with(|r| {
                engine::visible_questions(questionnaire, &r.answers)
                    .into_iter()
                    .map(|q| q.code.clone())
                    .collect()
            })
        });
        let language = Memo::new(move |_| response.with(|r| r.language.clone()));
        Interview {
            app,
            response,
            shown,
            problems: RwSignal::new(Vec::new()),
            language,
            ended: RwSignal::new(None),
        }
    }

    /// The questionnaire.
    pub fn questionnaire(&self) -> &'static Questionnaire {
        self.app.questionnaire
    }

    /// Whether answers can still change (a draft).
    pub fn editable(&self) -> bool {
        self.response.with(|r| r.status == ResponseStatus::Draft)
    }

    /// A questionnaire text in the interview's language (tracked).
    pub fn text(&self, text: &Text) -> String {
        let language = self.language.get();
        words::text(self.questionnaire(), text, &language).to_owned()
    }

    /// The answer to `code` (tracked).
    pub fn answer(&self, code: &QuestionCode) -> Option<Answer> {
        self.response.with(|r| r.answers.get(code).cloned())
    }

    /// Whether `code` is asked now (tracked).
    pub fn is_shown(&self, code: &QuestionCode) -> bool {
        self.shown.with(|shown| shown.contains(code))
    }

    /// The problem reported for `code` (tracked).
    pub fn problem(&self, code: &QuestionCode) -> Option<AnswerProblem> {
        self.problems.with(|problems| {
            problems
                .iter()
                .find(|p| &p.question == code)
                .map(|p| p.problem.clone())
        })
    }

    /// Records (or, with `None`, removes) the answer to `question` and saves the response:
    /// only this response is written.
    pub fn set(&self, question: &Question, answer: Option<Answer>) {
        if !self
            .response
            .with_untracked(|r| r.status == ResponseStatus::Draft)
        {
            return;
        }
        let now = clock::now();
        let code = question.code.clone();
        self.response.update(|r| {
            // Both only fail for a response that is not a draft, checked above.
            let _ = match answer {
                Some(answer) => r.set_answer(code.clone(), answer, now),
                None => r.clear_answer(&code, now).map(|_| ()),
            };
        });
        self.problems
            .update(|problems| problems.retain(|p| p.question != code));
        // The banner tells the worker if it fails; the answer stays on screen.
        let _ = self.save();
    }

    /// Writes the response as it is on screen. A failure is also kept and shown by the
    /// app's save banner (see [`AppState::save_response`]).
    pub fn save(&self) -> Result<(), StorageError> {
        self.response.with_untracked(|r| self.app.save_response(r))
    }

    /// Switches the interview's language; answers are kept.
    pub fn set_language(&self, language: LanguageCode) {
        if self.response.with_untracked(|r| r.language == language) {
            return;
        }
        let now = clock::now();
        self.response.update(|r| {
            r.language = language;
            r.updated = r.updated.max(now);
        });
        // As for an answer: the banner tells the worker if it fails.
        let _ = self.save();
    }

    /// What comes after section `from`; problems stop the worker and are shown.
    pub fn next(&self, from: usize) -> Option<Next> {
        let outcome = self
            .response
            .with_untracked(|r| engine::next_section(self.questionnaire(), &r.answers, from));
        match outcome {
            Ok(next) => {
                self.problems.set(Vec::new());
                Some(next)
            }
            Err(problems) => {
                self.problems.set(problems);
                None
            }
        }
    }

    /// Ends the interview without a response (consent refused or not eligible): the
    /// draft is removed and the visit records why.
    pub fn end(&self, reason: EndReason) {
        let (id, visit) = self.response.with_untracked(|r| (r.id, r.visit));
        if let Some(visit_id) = visit {
            if let Ok(Some(mut visit)) = self.app.visit(visit_id) {
                visit.outcome = match reason {
                    EndReason::ConsentRefused => VisitOutcome::Refused,
                    EndReason::NotEligible => VisitOutcome::NotEligible,
                };
                // A failed write is reported by the banner; the interview still ends.
                let _ = self.app.save_visit(&visit);
            }
        }
        // Removing fails only when the browser gives no storage at all, and then the draft
        // was never stored either: nothing of it stays behind.
        let _ = self.app.delete_response(id);
        self.ended.set(Some(reason));
    }

    /// Where the consent step stands (tracked).
    pub fn consent(&self) -> ConsentState {
        self.response
            .with(|r| engine::consent(self.questionnaire(), &r.answers))
    }
}

/// Where to resume an interview: the first shown section that still has a problem (so
/// the worker lands on the question they had reached), or the review when none has.
pub fn resume_step(questionnaire: &Questionnaire, response: &Response) -> Step {
    if response.status != ResponseStatus::Draft {
        return Step::Review;
    }
    let answers = &response.answers;
    engine::visible_sections(questionnaire, answers)
        .into_iter()
        .find(|section| !engine::check_section(questionnaire, answers, *section).is_empty())
        .map_or(Step::Review, Step::Section)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::record::{Assignment, QuestionnaireRef, Timestamp};
    use survey::ResponseId;

    fn draft(q: &Questionnaire) -> Response {
        Response::start(
            ResponseId::from_random_bytes([1; 16]),
            QuestionnaireRef::of(q),
            &Assignment {
                worker: "W012".into(),
                agency: "hackney-council".into(),
                device: "Tablet 07".into(),
                area: "E05009367".into(),
            },
            LanguageCode("en".into()),
            Timestamp(1),
        )
    }

    #[test]
    fn a_new_interview_resumes_at_consent_then_moves_on() {
        let q = survey::shipped::shared_questionnaire().unwrap();
        let mut response = draft(&q);
        assert_eq!(resume_step(&q, &response), Step::Section(0));
        response
            .set_answer("CONSENT".into(), Answer::Choice(survey::YES), Timestamp(2))
            .unwrap();
        // Consent given but the rest of the first section is still to answer, or the
        // next section is where the worker is.
        assert!(matches!(resume_step(&q, &response), Step::Section(_)));
    }
}

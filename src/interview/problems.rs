//! What stops the worker from moving on or completing, above a section or the review:
//! counted by kind, then each problem with its question's own text and message, as a
//! button that brings the question into view.

use leptos::prelude::*;
use survey::questionnaire::QuestionCode;
use survey::QuestionProblem;

use super::{words, Interview};
use crate::words::use_words;

/// The summary of `problems` in the worker's language, said to stop them `before` going
/// on or completing. Pressing a problem runs `show` with its question.
pub(super) fn problem_summary(
    interview: Interview,
    problems: Vec<QuestionProblem>,
    before: words::Before,
    show: Callback<QuestionCode>,
) -> impl IntoView {
    let q = interview.questionnaire();
    let language = interview.language.get();
    let worker = use_words().language();
    let summary = words::problems_summary(&problems, before, worker);
    let items = problems
        .into_iter()
        .filter_map(|problem| {
            let question = q.question(&problem.question)?;
            let message = words::problem_message(q, question, &problem.problem, worker, &language);
            let text = words::text(q, &question.text, &language).to_owned();
            let code = problem.question.clone();
            Some(view! {
                <li>
                    <button type="button" class="link-button" on:click=move |_| show.run(code.clone())>
                        <span lang=language.0.clone()>{text}</span>
                        <span class="problem-summary__message">{format!(" {message}")}</span>
                    </button>
                </li>
            })
        })
        .collect_view();
    view! {
        <p>{summary}</p>
        <ul class="problem-summary__list">{items}</ul>
    }
}

/// Selectors for the control of question `code` to focus: its answer, or its first.
pub(super) fn question_control(code: &QuestionCode) -> Vec<String> {
    vec![
        format!("#q-{code} input:checked"),
        format!("#q-{code} input, #q-{code} textarea"),
    ]
}

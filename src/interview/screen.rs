//! An interview's screens: one per section (consent first) with the bar above them, and
//! the end of an interview without a response. The review is [`super::review`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use survey::engine::{self, Next};
use survey::record::ResponseStatus;
use survey::{EndReason, ResponseId};

use super::bars::{interview_bar, ProgressBar};
use super::question_field::QuestionField;
use super::review::review_screen;
use super::{resume_step, Interview};
use crate::app_state::AppState;
use crate::platform::focus;
use crate::routes::{Link, Navigator, Page, Step};

/// `/interview/<id>…`.
#[component]
pub fn InterviewPage(id: ResponseId, step: Step) -> impl IntoView {
    let app = expect_context::<AppState>();
    let navigator = expect_context::<Navigator>();
    let response = match app.response(id) {
        Ok(Some(response)) => response,
        Ok(None) => return missing().into_any(),
        Err(error) => {
            return view! {
                <section class="page" data-testid="page-interview-error" aria-labelledby="interview-error-title">
                    <h1 id="interview-error-title" tabindex="-1">"This interview cannot be opened"</h1>
                    <p>{error.to_string()} ". " {error.advice()}</p>
                    <Link page={Page::Interviews} {..} class="button">"All interviews"</Link>
                </section>
            }
            .into_any()
        }
    };
    let q = app.questionnaire;
    // Screens that do not fit the response go where the interview really is.
    let shown_sections = engine::visible_sections(q, &response.answers);
    let step = match step {
        Step::Section(section)
            if response.status == ResponseStatus::Draft && shown_sections.contains(&section) =>
        {
            step
        }
        Step::Review => step,
        _ => {
            let resumed = resume_step(q, &response);
            spawn_local(async move {
                navigator.replace_and_focus(
                    Page::Interview(id, resumed),
                    vec![focus::NEXT_QUESTION.to_owned()],
                );
            });
            resumed
        }
    };
    let interview = Interview::new(app, response);
    view! {
        {move || interview.ended.get().map(|reason| ended(reason).into_any())}
        <Show when=move || interview.ended.get().is_none()>
            {match step {
                Step::Section(section) => section_screen(interview, section).into_any(),
                _ => review_screen(interview).into_any(),
            }}
        </Show>
    }
    .into_any()
}

fn missing() -> impl IntoView {
    view! {
        <section class="page" data-testid="page-interview-missing" aria-labelledby="missing-title">
            <h1 id="missing-title" tabindex="-1">"This interview is not on this tablet"</h1>
            <p>"It may have ended without consent, been discarded, or been handed in and cleared."</p>
            <p class="actions">
                <Link page={Page::Interviews} {..} class="button">"All interviews"</Link>
                <Link page={Page::Today} {..} class="button">"Today"</Link>
            </p>
        </section>
    }
}

fn ended(reason: EndReason) -> impl IntoView {
    let (title, body) = match reason {
        EndReason::ConsentRefused => (
            "Interview ended: no consent",
            "The resident did not agree to take part. No answers are kept; the visit is \
             recorded as refused. Thank them for their time.",
        ),
        EndReason::NotEligible => (
            "Interview ended: not eligible",
            "The resident cannot take part in this survey. No answers are kept; the visit \
             is recorded as not eligible.",
        ),
    };
    view! {
        <section class="page" data-testid="interview-ended" aria-labelledby="ended-title">
            <h1 id="ended-title" tabindex="-1">{title}</h1>
            <p>{body}</p>
            <Link page={Page::Today} {..} class="button button--primary" data-testid="ended-today">"Back to today"</Link>
        </section>
    }
}

fn section_screen(interview: Interview, section: usize) -> impl IntoView {
    let navigator = expect_context::<Navigator>();
    let q = interview.questionnaire();
    let Some(definition) = q.sections.get(section) else {
        return missing().into_any();
    };
    let id = interview.response.with_untracked(|r| r.id);
    let heading_id = format!("section-{}", definition.id);
    let questions = definition
        .questions
        .iter()
        .map(|question| {
            view! {
                <Show when=move || interview.is_shown(&question.code)>
                    <QuestionField interview=interview question=question/>
                </Show>
            }
        })
        .collect_view();
    let next = move |_| match interview.next(section) {
        Some(Next::Section(next)) => navigator.go(Page::Interview(id, Step::Section(next))),
        Some(Next::Review) => navigator.go(Page::Interview(id, Step::Review)),
        Some(Next::Ended(reason)) => interview.end(reason),
        None => focus_first_problem(),
    };
    let back = move |_| {
        let previous = interview
            .response
            .with_untracked(|r| engine::previous_section(q, &r.answers, section));
        if let Some(previous) = previous {
            navigator.go(Page::Interview(id, Step::Section(previous)));
        }
    };
    let has_previous = move || {
        interview
            .response
            .with(|r| engine::previous_section(q, &r.answers, section).is_some())
    };
    let next_label = move || {
        let last = interview
            .response
            .with(|r| engine::last_section(q, &r.answers) == Some(section));
        if last {
            "Review answers"
        } else {
            "Next"
        }
    };
    let problem_count = move || interview.problems.with(Vec::len);
    view! {
        <section class="page interview" data-testid="page-interview" data-section=definition.id.clone()
            aria-labelledby=heading_id.clone()>
            {interview_bar(interview)}
            <ProgressBar interview=interview section=section/>
            <h1 id=heading_id.clone() tabindex="-1" lang=move || interview.language.get().0>
                {move || interview.text(&definition.title)}
            </h1>
            {definition.intro.as_ref().map(|intro| view! {
                <p class="lead" lang=move || interview.language.get().0>{move || interview.text(intro)}</p>
            })}
            <div class="problem-summary" role="alert" data-testid="problem-summary">
                {move || (problem_count() > 0).then(|| view! {
                    <p>{move || match problem_count() {
                        1 => "One question needs an answer before you go on.".to_owned(),
                        n => format!("{n} questions need an answer before you go on."),
                    }}</p>
                })}
            </div>
            <div class="questions">{questions}</div>
            <div class="step-buttons">
                <Show when=has_previous>
                    <button type="button" class="button" data-testid="interview-back" on:click=back>
                        "Back"
                    </button>
                </Show>
                <button type="button" class="button button--primary" data-testid="interview-next" on:click=next>
                    {next_label}
                </button>
            </div>
        </section>
    }
    .into_any()
}

/// Moves focus to the first control of the first question with a problem.
fn focus_first_problem() {
    focus::focus_later(".question.has-problem input, .question.has-problem textarea".to_owned());
}

//! An interview's screens: one per section (consent first) with the bar above them, and
//! the end of an interview without a response. The review is [`super::review`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use survey::engine::{self, Next};
use survey::record::ResponseStatus;
use survey::{EndReason, ResponseId};

use super::bars::{interview_bar, ProgressBar, SectionList};
use super::problems::{problem_summary, question_control};
use super::question_field::QuestionField;
use super::review::review_screen;
use super::words::Before;
use super::{resume_step, Interview};
use crate::app_state::AppState;
use crate::platform::focus;
use crate::routes::{Link, Navigator, Page, Step};
use crate::ui::{ReadProblem, Unreadable};
use crate::words::{use_words, Msg};

/// `/interview/<id>…`.
#[component]
pub fn InterviewPage(id: ResponseId, step: Step) -> impl IntoView {
    let app = expect_context::<AppState>();
    let navigator = expect_context::<Navigator>();
    let response = match app.response(id) {
        Ok(Some(response)) => response,
        Ok(None) => return missing().into_any(),
        Err(error) => {
            let words = use_words();
            return view! {
                <section class="page" data-testid="page-interview-error" aria-labelledby="interview-error-title">
                    <h1 id="interview-error-title" tabindex="-1">{words.text(Msg::InterviewUnreadableTitle)}</h1>
                    <ReadProblem what=Unreadable::Interview error=error/>
                    <Link page={Page::Interviews} {..} class="button">{words.text(Msg::InterviewAll)}</Link>
                </section>
            }
            .into_any();
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
    let words = use_words();
    let t = move |msg| words.text(msg);
    view! {
        <section class="page" data-testid="page-interview-missing" aria-labelledby="missing-title">
            <h1 id="missing-title" tabindex="-1">{t(Msg::InterviewMissingTitle)}</h1>
            <p>{t(Msg::InterviewMissingBody)}</p>
            <p class="actions">
                <Link page={Page::Interviews} {..} class="button">{t(Msg::InterviewAll)}</Link>
                <Link page={Page::Today} {..} class="button">{t(Msg::NavToday)}</Link>
            </p>
        </section>
    }
}

fn ended(reason: EndReason) -> impl IntoView {
    let words = use_words();
    let t = move |msg| words.text(msg);
    let (title, body) = match reason {
        EndReason::ConsentRefused => (
            Msg::InterviewEndedConsentTitle,
            Msg::InterviewEndedConsentBody,
        ),
        EndReason::NotEligible => (
            Msg::InterviewEndedNotEligibleTitle,
            Msg::InterviewEndedNotEligibleBody,
        ),
    };
    view! {
        <section class="page" data-testid="interview-ended" aria-labelledby="ended-title">
            <h1 id="ended-title" tabindex="-1">{t(title)}</h1>
            <p>{t(body)}</p>
            <Link page={Page::Today} {..} class="button button--primary" data-testid="ended-today">{t(Msg::InterviewEndedToday)}</Link>
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
    let review = Page::Interview(id, Step::Review);
    // Came here with "Change" from the review: one tap goes back to it.
    let returning = navigator.back_to() == Some(review);
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
    // Where this section's answers lead, as "next" would take them (problems aside).
    let leads_to = move || {
        interview.response.with(|r| {
            if engine::ends_early(q, &r.answers).is_some() {
                Leads::End
            } else if engine::last_section(q, &r.answers) == Some(section) {
                Leads::Review
            } else {
                Leads::Section
            }
        })
    };
    let next = move |_| match interview.next(section) {
        Some(Next::Section(next)) => navigator.go(Page::Interview(id, Step::Section(next))),
        Some(Next::Review) => navigator.go(review),
        Some(Next::Ended(reason)) => interview.end(reason),
        None => focus_first_problem(),
    };
    // As "next" does, this section's answers are checked first.
    let back_to_review = move |_| match interview.next(section) {
        Some(Next::Ended(reason)) => interview.end(reason),
        Some(_) => navigator.go(review),
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
        !returning
            && interview
                .response
                .with(|r| engine::previous_section(q, &r.answers, section).is_some())
    };
    let words = use_words();
    let t = move |msg| words.text(msg);
    let next_label = move || {
        words.language().t(match (leads_to(), returning) {
            (Leads::End, _) => Msg::InterviewReviewEnd,
            (Leads::Review, false) => Msg::InterviewSectionReview,
            (Leads::Review, true) => Msg::InterviewSectionBackToReview,
            (Leads::Section, _) => Msg::InterviewSectionNext,
        })
    };
    // On the way back to the review, "next" steps aside for "back to review" unless they
    // are the same step.
    let offers_back_to_review = move || returning && leads_to() == Leads::Section;
    let summary = move || {
        let problems = interview.problems.get();
        (!problems.is_empty()).then(|| {
            problem_summary(
                interview,
                problems,
                Before::GoingOn,
                Callback::new(|code| focus::focus_first_later(question_control(&code))),
            )
        })
    };
    view! {
        <section class="page interview" data-testid="page-interview" data-section=definition.id.clone()
            aria-labelledby=heading_id.clone()>
            {interview_bar(interview)}
            <div class="interview-layout">
                <div class="interview-side">
                    <ProgressBar interview=interview section=section/>
                    <SectionList interview=interview section=section/>
                </div>
                <div class="interview-body">
                    <h1 id=heading_id.clone() tabindex="-1" lang=move || interview.language.get().0>
                        {move || interview.text(&definition.title)}
                    </h1>
                    {definition.intro.as_ref().map(|intro| view! {
                        <p class="lead" lang=move || interview.language.get().0>{move || interview.text(intro)}</p>
                    })}
                    <div class="problem-summary" role="alert" data-testid="problem-summary">{summary}</div>
                    <div class="questions">{questions}</div>
                    <div class="step-buttons" class:step-buttons--returning=returning>
                        <Show when=has_previous>
                            <button type="button" class="button" data-testid="interview-back" on:click=back>
                                {t(Msg::InterviewReviewBack)}
                            </button>
                        </Show>
                        <button type="button" class="button" data-testid="interview-next"
                            class:button--primary=move || !offers_back_to_review()
                            on:click=next>
                            {next_label}
                        </button>
                        <Show when=offers_back_to_review>
                            <button type="button" class="button button--primary" data-testid="interview-back-to-review"
                                on:click=back_to_review>
                                {t(Msg::InterviewSectionBackToReview)}
                            </button>
                        </Show>
                    </div>
                </div>
            </div>
        </section>
    }
    .into_any()
}

/// Where a section's "next" leads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leads {
    /// Another section.
    Section,
    /// The review (the last section).
    Review,
    /// The end of the interview (consent refused, not eligible).
    End,
}

/// Moves focus to the first control of the first question with a problem.
fn focus_first_problem() {
    focus::focus_later(".question.has-problem input, .question.has-problem textarea".to_owned());
}

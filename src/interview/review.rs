//! The review: every shown section and answer with a way to change it, and completion.
//! The worker can turn it towards the resident: their answers large, in their language,
//! without the worker's buttons (discard, leave, change, complete) or the app's
//! navigation, and one button back. Once completed or handed in, [`super::done`] shows
//! instead, without the answers.

use leptos::prelude::*;
use survey::engine;
use survey::questionnaire::QuestionCode;
use survey::record::ResponseStatus;
use survey::{EndReason, Incomplete};

use super::bars::interview_bar;
use super::done::done_screen;
use super::problems::problem_summary;
use super::{words, Interview};
use crate::platform::{clock, focus};
use crate::routes::{Navigator, Page, Step};
use crate::words::{use_words, Msg};

/// `/interview/<id>/review`: the review of a draft, or the completed (handed-in)
/// interview.
pub(super) fn review_screen(interview: Interview) -> impl IntoView {
    let status = Memo::new(move |_| interview.response.with(|r| r.status));
    move || match status.get() {
        ResponseStatus::Draft => draft_review(interview).into_any(),
        status => done_screen(interview, status).into_any(),
    }
}

fn draft_review(interview: Interview) -> impl IntoView {
    let navigator = expect_context::<Navigator>();
    let words = use_words();
    let t = move |msg| words.text(msg);
    let q = interview.questionnaire();
    let id = interview.response.with_untracked(|r| r.id);
    let incomplete = RwSignal::new(None::<Incomplete>);
    let complete = move |_| {
        let outcome = interview
            .response
            .with_untracked(|r| engine::completed_answers(q, &r.answers));
        match outcome {
            Ok(answers) => {
                incomplete.set(None);
                let now = clock::now();
                interview.response.update(|r| {
                    r.answers = answers;
                    // Only fails for a response that is not a draft; the button is only
                    // offered for drafts.
                    let _ = r.complete(now);
                });
                // The banner tells the worker if it fails; the completion stays on screen.
                let _ = interview.save();
                focus_heading();
            }
            Err(Incomplete::ConsentRefused) => interview.end(EndReason::ConsentRefused),
            Err(Incomplete::NotEligible) => interview.end(EndReason::NotEligible),
            Err(other) => incomplete.set(Some(other)),
        }
    };
    let back = move |_| {
        let last = interview
            .response
            .with_untracked(|r| engine::last_section(q, &r.answers));
        if let Some(last) = last {
            navigator.go(Page::Interview(id, Step::Section(last)));
        }
    };
    let complete_label = move || {
        let ends = interview
            .response
            .with(|r| engine::ends_early(q, &r.answers).is_some());
        words.language().t(if ends {
            Msg::InterviewReviewEnd
        } else {
            Msg::InterviewReviewComplete
        })
    };
    let incomplete_view = move || {
        incomplete.get().map(|incomplete| match incomplete {
            Incomplete::Problems { problems } => problem_summary(
                interview,
                problems,
                words::Before::Completing,
                Callback::new(move |code: QuestionCode| {
                    let section = q.questions().find(|(_, question)| question.code == code);
                    if let Some((section, _)) = section {
                        navigator.go_and_come_back(
                            Page::Interview(id, Step::Section(section)),
                            format!("q-{code}"),
                            Page::Interview(id, Step::Review),
                        );
                    }
                }),
            )
            .into_any(),
            Incomplete::ConsentRefused => {
                view! { <p>{t(Msg::InterviewReviewNoCompleteRefused)}</p> }.into_any()
            }
            Incomplete::NotEligible => {
                view! { <p>{t(Msg::InterviewReviewNoCompleteNotEligible)}</p> }.into_any()
            }
            Incomplete::ConsentNotGiven => {
                view! { <p>{t(Msg::InterviewReviewNoCompleteNoConsent)}</p> }.into_any()
            }
        })
    };
    // Turned towards the resident (CSS hides the worker's parts).
    let resident = RwSignal::new(false);
    let turn = move |_| {
        resident.update(|resident| *resident = !*resident);
        focus::focus_later(
            if resident.get_untracked() {
                "main h1"
            } else {
                "#turn"
            }
            .to_owned(),
        );
    };
    view! {
        <section class="page interview review" class:resident-view=move || resident.get()
            data-testid="page-review" aria-labelledby="review-title">
            {interview_bar(interview)}
            <h1 id="review-title" tabindex="-1" lang=move || resident.get().then(|| interview.language.get().0)>
                {move || if resident.get() {
                    interview.text(&q.title)
                } else {
                    words.language().t(Msg::InterviewReviewTitle).to_owned()
                }}
            </h1>
            <p class="lead worker-only">{t(Msg::InterviewReviewLead)}</p>
            <p class="actions review-turn">
                <button type="button" class="button" id="turn" on:click=turn>
                    {move || words.language().t(if resident.get() { Msg::InterviewReviewBackToWorker } else { Msg::InterviewReviewShowResident })}
                </button>
            </p>
            <div class="problem-summary worker-only" role="alert" data-testid="review-problems">{incomplete_view}</div>
            {answer_sections(interview, true)}
            <div class="step-buttons worker-only">
                <button type="button" class="button" data-testid="interview-back" on:click=back>{t(Msg::InterviewReviewBack)}</button>
                <button type="button" class="button button--primary" data-testid="interview-complete" on:click=complete>
                    {complete_label}
                </button>
            </div>
        </section>
    }
}

/// Every shown section with its questions and answers in the interview's language, with
/// "Change" beside each answer when `change` (a draft's review).
pub(super) fn answer_sections(interview: Interview, change: bool) -> impl IntoView {
    let navigator = expect_context::<Navigator>();
    let q = interview.questionnaire();
    let id = interview.response.with_untracked(|r| r.id);
    let words = use_words();
    move || {
        let language = interview.language.get();
        let worker = words.language();
        interview.response.with(|r| {
            engine::visible_sections(q, &r.answers)
                .into_iter()
                .map(|index| {
                    let section = &q.sections[index];
                    let rows = engine::section_questions(q, &r.answers, index)
                        .into_iter()
                        .filter(|question| !matches!(question.kind, survey::QuestionKind::Notice))
                        .map(|question| {
                            let text = words::text(q, &question.text, &language).to_owned();
                            let answer = r
                                .answers
                                .get(&question.code)
                                .map(|a| words::answer_text(q, question, a, &language, worker));
                            let answered = answer.is_some();
                            // "Not answered" is the worker's words, not the resident's.
                            let answer_lang = if answered { language.0.clone() } else { worker.code().to_owned() };
                            let answer = answer.unwrap_or_else(|| worker.t(Msg::InterviewReviewNotAnswered).to_owned());
                            let code = question.code.clone();
                            let row_id = format!("review-{code}");
                            let change_button = change.then(|| {
                                let go = move |_| {
                                    navigator.go_and_come_back(
                                        Page::Interview(id, Step::Section(index)),
                                        format!("q-{code}"),
                                        Page::Interview(id, Step::Review),
                                    );
                                };
                                view! {
                                    <dd class="review-row__change">
                                        // Named with the question, as one string: a hidden span
                                        // would be read as "Change : …" (Chromium spaces it).
                                        <button type="button" class="link-button" data-testid=format!("change-{}", question.code)
                                            aria-label=worker.interview_review_change_label(&text)
                                            on:click=go>
                                            {worker.t(Msg::InterviewReviewChange)}
                                        </button>
                                    </dd>
                                }
                            });
                            view! {
                                <div class="review-row" data-testid=row_id>
                                    <dt lang=language.0.clone()>{text}</dt>
                                    <dd class="review-row__answer" class:unanswered=!answered lang=answer_lang>{answer}</dd>
                                    {change_button}
                                </div>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="review-section">
                            <h2 lang=language.0.clone()>{words::text(q, &section.title, &language).to_owned()}</h2>
                            <dl class="review-list">{rows}</dl>
                        </div>
                    }
                })
                .collect_view()
        })
    }
}

fn focus_heading() {
    focus::focus_later("main h1".to_owned());
}

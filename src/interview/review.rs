//! The review: every shown section and answer with a way to change it, completion, and
//! the completed (or handed-in) interview read back.

use leptos::prelude::*;
use survey::engine;
use survey::record::ResponseStatus;
use survey::{EndReason, Incomplete};

use super::bars::interview_bar;
use super::{words, Interview};
use crate::platform::{clock, focus};
use crate::routes::{Link, Navigator, Page, Step};

pub(super) fn review_screen(interview: Interview) -> impl IntoView {
    let navigator = expect_context::<Navigator>();
    let q = interview.questionnaire();
    let id = interview.response.with_untracked(|r| r.id);
    let incomplete = RwSignal::new(None::<Incomplete>);
    let sections = move || {
        let language = interview.language.get();
        interview.response.with(|r| {
            engine::visible_sections(q, &r.answers)
                .into_iter()
                .map(|index| {
                    let section = &q.sections[index];
                    let rows = engine::section_questions(q, &r.answers, index)
                        .into_iter()
                        .filter(|question| !matches!(question.kind, survey::QuestionKind::Notice))
                        .map(|question| {
                            let answer = r.answers.get(&question.code).map_or_else(
                                || "Not answered".to_owned(),
                                |a| words::answer_text(q, question, a, &language),
                            );
                            let answered = r.answers.contains_key(&question.code);
                            let code = question.code.clone();
                            let editable = r.status == ResponseStatus::Draft;
                            let row_id = format!("review-{code}");
                            view! {
                                <div class="review-row" data-testid=row_id>
                                    <dt lang=language.0.clone()>{words::text(q, &question.text, &language).to_owned()}</dt>
                                    <dd class:unanswered=!answered lang=language.0.clone()>{answer}</dd>
                                    {editable.then(|| view! {
                                        <dd class="change">
                                            <button type="button" class="link-button" data-testid=format!("change-{code}")
                                                on:click=move |_| navigator.go_and_focus(
                                                    Page::Interview(id, Step::Section(index)),
                                                    format!("q-{code}"),
                                                )>
                                                "Change" <span class="visually-hidden">{format!(" answer to question {code}")}</span>
                                            </button>
                                        </dd>
                                    })}
                                </div>
                            }
                        })
                        .collect_view();
                    view! {
                        <h2 lang=language.0.clone()>{words::text(q, &section.title, &language).to_owned()}</h2>
                        <dl class="review-list">{rows}</dl>
                    }
                })
                .collect_view()
        })
    };
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
    let reopen = move |_| {
        let now = clock::now();
        let reopened = interview
            .response
            .try_update(|r| r.reopen(now).is_ok())
            .unwrap_or(false);
        if reopened {
            // As above: a failure is told by the banner.
            let _ = interview.save();
        }
    };
    let status = move || interview.response.with(|r| r.status);
    let back = move |_| {
        let last = interview
            .response
            .with_untracked(|r| engine::last_section(q, &r.answers));
        if let Some(last) = last {
            navigator.go(Page::Interview(id, Step::Section(last)));
        }
    };
    let incomplete_view = move || {
        incomplete.get().map(|incomplete| {
            let items = match incomplete {
                Incomplete::Problems { problems } => problems
                    .into_iter()
                    .filter_map(|problem| {
                        let question = q.question(&problem.question)?;
                        let section = q.questions().find(|(_, qq)| qq.code == question.code)?.0;
                        let message = words::problem_message(q, question, &problem.problem);
                        let code = problem.question.clone();
                        Some(view! {
                            <li>
                                <button type="button" class="link-button"
                                    on:click=move |_| navigator.go_and_focus(
                                        Page::Interview(id, Step::Section(section)),
                                        format!("q-{code}"),
                                    )>
                                    {format!("{}: {message}", words::text(q, &question.text, &interview.language.get_untracked()))}
                                </button>
                            </li>
                        })
                    })
                    .collect_view()
                    .into_any(),
                other => view! { <li>{other.to_string()}</li> }.into_any(),
            };
            view! {
                <div class="problem-summary" data-testid="review-problems">
                    <p>"Some answers are still needed:"</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    };
    view! {
        <section class="page interview" data-testid="page-review" aria-labelledby="review-title">
            {interview_bar(interview)}
            <h1 id="review-title" tabindex="-1">
                {move || match status() {
                    ResponseStatus::Draft => "Check the answers",
                    ResponseStatus::Complete => "Interview complete",
                    ResponseStatus::Uploaded => "Interview handed in",
                }}
            </h1>
            {move || match status() {
                ResponseStatus::Draft => view! {
                    <p class="lead">"Go through the answers with the resident. Change any that are wrong, then complete the interview."</p>
                }.into_any(),
                ResponseStatus::Complete => view! {
                    <div class="card done" data-testid="interview-completed" role="status">
                        <p>"Saved on this tablet and waiting to be handed in. Thank the resident for their time."</p>
                        <p class="actions">
                            <Link page={Page::Today} {..} class="button button--primary" data-testid="completed-today">"Next door"</Link>
                            {move || interview.response.with(|r| r.batch.is_none()).then(|| view! {
                                <button type="button" class="button" data-testid="interview-reopen" on:click=reopen>
                                    "Correct an answer"
                                </button>
                            })}
                        </p>
                    </div>
                }.into_any(),
                ResponseStatus::Uploaded => view! {
                    <p class="lead" data-testid="interview-uploaded">"The collector has this interview. It can no longer be changed."</p>
                }.into_any(),
            }}
            <div role="alert">{incomplete_view}</div>
            {sections}
            <Show when=move || status() == ResponseStatus::Draft>
                <div class="step-buttons">
                    <button type="button" class="button" data-testid="interview-back" on:click=back>"Back"</button>
                    <button type="button" class="button button--primary" data-testid="interview-complete" on:click=complete>
                        "Complete interview"
                    </button>
                </div>
            </Show>
        </section>
    }
}

fn focus_heading() {
    focus::focus_later("main h1".to_owned());
}

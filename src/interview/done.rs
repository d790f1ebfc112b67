//! A completed or handed-in interview: that it is kept and what comes next, without its
//! answers (sexual orientation, ethnicity, health), which must not be on screen at the
//! next door. A handed-in interview can show them on request.

use leptos::prelude::*;
use survey::record::ResponseStatus;

use super::bars::LanguageSwitcher;
use super::review::answer_sections;
use super::Interview;
use crate::platform::{clock, focus};
use crate::routes::{Link, Page};

/// The screen of an interview that is no longer a draft (`status`).
pub(super) fn done_screen(interview: Interview, status: ResponseStatus) -> impl IntoView {
    let body = match status {
        ResponseStatus::Uploaded => handed_in(interview).into_any(),
        _ => completed(interview).into_any(),
    };
    view! {
        <section class="page interview" data-testid="page-review" aria-labelledby="review-title">
            {body}
        </section>
    }
}

fn completed(interview: Interview) -> impl IntoView {
    let reopen = move |_| {
        let now = clock::now();
        let reopened = interview
            .response
            .try_update(|r| r.reopen(now).is_ok())
            .unwrap_or(false);
        if reopened {
            // A failure is told by the banner.
            let _ = interview.save();
            focus::focus_later("main h1".to_owned());
        }
    };
    let correctable = move || interview.response.with(|r| r.batch.is_none());
    view! {
        <h1 id="review-title" tabindex="-1">"Interview complete"</h1>
        <div class="card done" data-testid="interview-completed" role="status">
            <p class="done__saved">"Saved on this tablet."</p>
            <p>"Thank the resident for their time, then go on to the next door. Hand in completed interviews when you have signal: until then they wait safely here."</p>
            <p class="actions">
                <Link page={Page::Today} {..} class="button button--primary" data-testid="completed-today">"Next door"</Link>
                <Link page={Page::HandIn} {..} class="button">"Hand in"</Link>
                <Show when=correctable>
                    <button type="button" class="button" data-testid="interview-reopen" on:click=reopen>
                        "Correct an answer"
                    </button>
                </Show>
            </p>
        </div>
    }
}

fn handed_in(interview: Interview) -> impl IntoView {
    let showing = RwSignal::new(false);
    let toggle = move |_| showing.update(|showing| *showing = !*showing);
    view! {
        <h1 id="review-title" tabindex="-1">"Interview handed in"</h1>
        <p class="lead" data-testid="interview-uploaded">
            "The collector has this interview. It can no longer be changed."
        </p>
        <p class="actions">
            <button type="button" class="button" aria-expanded=move || showing.get().to_string()
                aria-controls="handed-in-answers" on:click=toggle>
                {move || if showing.get() { "Hide the answers" } else { "Show the answers" }}
            </button>
        </p>
        <div id="handed-in-answers">
            <Show when=move || showing.get()>
                <LanguageSwitcher interview=interview/>
                {answer_sections(interview, false)}
            </Show>
        </div>
    }
}

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
use crate::words::{use_words, Msg};

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
    let words = use_words();
    let t = move |msg| words.text(msg);
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
        <h1 id="review-title" tabindex="-1">{t(Msg::InterviewDoneTitle)}</h1>
        <div class="card done" data-testid="interview-completed" role="status">
            <p class="done__saved">{t(Msg::InterviewDoneSaved)}</p>
            <p>{t(Msg::InterviewDoneBody)}</p>
            <p class="actions">
                <Link page={Page::Today} {..} class="button button--primary" data-testid="completed-today">{t(Msg::InterviewDoneNext)}</Link>
                <Link page={Page::HandIn} {..} class="button">{t(Msg::NavHandIn)}</Link>
                <Show when=correctable>
                    <button type="button" class="button" data-testid="interview-reopen" on:click=reopen>
                        {t(Msg::InterviewDoneReopen)}
                    </button>
                </Show>
            </p>
        </div>
    }
}

fn handed_in(interview: Interview) -> impl IntoView {
    let words = use_words();
    let t = move |msg| words.text(msg);
    let showing = RwSignal::new(false);
    let toggle = move |_| showing.update(|showing| *showing = !*showing);
    view! {
        <h1 id="review-title" tabindex="-1">{t(Msg::InterviewUploadedTitle)}</h1>
        <p class="lead" data-testid="interview-uploaded">
            {t(Msg::InterviewUploadedBody)}
        </p>
        <p class="actions">
            <button type="button" class="button" aria-expanded=move || showing.get().to_string()
                aria-controls="handed-in-answers" on:click=toggle>
                {move || words.language().t(if showing.get() { Msg::InterviewUploadedHide } else { Msg::InterviewUploadedShow })}
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

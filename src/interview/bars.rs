//! What stands above an interview's screens: the bar (language, leave, discard) and the
//! progress bar.

use leptos::prelude::*;
use survey::engine;
use survey::questionnaire::TranslationStatus;

use super::{words, Interview};
use crate::platform::focus;
use crate::routes::{Link, Navigator, Page};
use crate::words::{use_words, Msg};

/// The resident's language: one button per language of the questionnaire, each named in
/// its own language. Switching keeps every answer.
#[component]
pub fn LanguageSwitcher(interview: Interview) -> impl IntoView {
    let q = interview.questionnaire();
    let words = use_words();
    let buttons = q
        .languages
        .iter()
        .map(|language| {
            let code = language.code.clone();
            let pressed = {
                let code = code.clone();
                move || interview.language.get() == code
            };
            let draft = language.status == TranslationStatus::Draft;
            let choose = {
                let code = code.clone();
                move |_| interview.set_language(code.clone())
            };
            view! {
                <button type="button" class="language" lang=code.0.clone()
                    data-testid=format!("language-{}", code.0)
                    aria-pressed=move || pressed().to_string()
                    on:click=choose>
                    {language.name.clone()}
                    {draft.then(|| view! {
                        <span class="language__draft" lang=move || words.language().code()>
                            " " {words.text(Msg::SettingsLanguageDraft)}
                        </span>
                    })}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="language-switcher" role="group" aria-labelledby="language-label">
            <span id="language-label" class="language-switcher__label">{words.text(Msg::InterviewResidentLanguage)}</span>
            <div class="language-switcher__buttons">{buttons}</div>
        </div>
    }
}

/// Section N of M and the share of questions answered.
#[component]
pub fn ProgressBar(interview: Interview, section: usize) -> impl IntoView {
    let q = interview.questionnaire();
    let words = use_words();
    let progress = Memo::new(move |_| {
        interview
            .response
            .with(|r| engine::progress(q, &r.answers, section))
    });
    view! {
        <div class="progress" data-testid="progress">
            <p class="progress__text" id="progress-text">
                {move || {
                    let p = progress.get();
                    words.language().interview_progress(
                        p.section_number,
                        p.section_count,
                        p.answered,
                        p.total,
                    )
                }}
            </p>
            <div class="progress__track" role="progressbar" aria-labelledby="progress-text"
                aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=move || progress.get().percent.to_string()>
                <div class="progress__fill" style:width=move || format!("{}%", progress.get().percent)></div>
            </div>
        </div>
    }
}

/// The interview's sections, this one marked: beside the questions on a wide screen.
#[component]
pub fn SectionList(interview: Interview, section: usize) -> impl IntoView {
    let q = interview.questionnaire();
    let words = use_words();
    let items = move || {
        let language = interview.language.get();
        interview.response.with(|r| {
            engine::visible_sections(q, &r.answers)
                .into_iter()
                .map(|index| {
                    let title = words::text(q, &q.sections[index].title, &language).to_owned();
                    let current = index == section;
                    view! {
                        <li class:current=current class:done=index < section
                            aria-current=current.then_some("step")>
                            <span lang=language.0.clone()>{title}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <ol class="section-list" aria-label=words.text(Msg::InterviewSections)>{items}</ol>
    }
}

/// The bar above every screen of a draft: language, leave, discard.
pub(super) fn interview_bar(interview: Interview) -> impl IntoView {
    let navigator = expect_context::<Navigator>();
    let words = use_words();
    let t = move |msg| words.text(msg);
    let confirming = RwSignal::new(false);
    let not_discarded = RwSignal::new(None::<String>);
    let discard = move |_| {
        let id = interview.response.with_untracked(|r| r.id);
        match interview.app.delete_response(id) {
            Ok(_) => navigator.go(Page::Today),
            Err(error) => {
                let language = words.language_untracked();
                not_discarded.set(Some(
                    language.interview_discard_failed(language.storage_problem(&error)),
                ))
            }
        }
    };
    let answered = move || interview.response.with(|r| r.answers.len());
    let keep = move || {
        confirming.set(false);
        focus::focus_later("#discard-open".to_owned());
    };
    view! {
        <div class="interview-bar">
            <LanguageSwitcher interview=interview/>
            <Show when=move || interview.editable()>
                <div class="interview-actions">
                    <Link page={Page::Today} {..} class="button" data-testid="interview-leave">
                        {t(Msg::InterviewLeave)}
                    </Link>
                    <button type="button" class="button button--danger" data-testid="interview-discard"
                        id="discard-open"
                        aria-expanded=move || confirming.get().to_string()
                        on:click=move |_| {
                            confirming.set(true);
                            // The safe answer first: "keep it".
                            focus::focus_later("#discard-keep".to_owned());
                        }>
                        {t(Msg::InterviewDiscardOpen)}
                    </button>
                </div>
                <Show when=move || confirming.get()>
                    <div class="confirm" role="alertdialog" aria-labelledby="discard-title"
                        aria-describedby="discard-body" data-testid="discard-confirm"
                        on:keydown=move |event| {
                            if event.key() == "Escape" {
                                keep();
                            }
                        }>
                        <h2 id="discard-title">{t(Msg::InterviewDiscardTitle)}</h2>
                        <p id="discard-body">
                            {move || words.language().interview_discard_body(answered())}
                        </p>
                        <div class="actions">
                            <button type="button" class="button button--primary" id="discard-keep" data-testid="discard-no"
                                on:click=move |_| keep()>
                                {t(Msg::InterviewDiscardKeep)}
                            </button>
                            <button type="button" class="button button--danger" data-testid="discard-yes" on:click=discard>
                                {t(Msg::InterviewDiscardYes)}
                            </button>
                        </div>
                        <p class="problem" role="alert">{move || not_discarded.get()}</p>
                    </div>
                </Show>
            </Show>
        </div>
    }
}

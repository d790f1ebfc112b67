//! The interview's language switcher and progress bar.

use leptos::prelude::*;
use survey::engine;
use survey::questionnaire::TranslationStatus;

use super::Interview;

/// The resident's language: one button per language of the questionnaire, each named in
/// its own language. Switching keeps every answer.
#[component]
pub fn LanguageSwitcher(interview: Interview) -> impl IntoView {
    let q = interview.questionnaire();
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
                    {draft.then(|| view! { <span class="language__draft" lang="en">" (draft)"</span> })}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="language-switcher" role="group" aria-labelledby="language-label">
            <span id="language-label" class="language-switcher__label">"Resident's language"</span>
            <div class="language-switcher__buttons">{buttons}</div>
        </div>
    }
}

/// Section N of M and the share of questions answered.
#[component]
pub fn ProgressBar(interview: Interview, section: usize) -> impl IntoView {
    let q = interview.questionnaire();
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
                    format!(
                        "Section {} of {} · {} of {} questions answered",
                        p.section_number, p.section_count, p.answered, p.total
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

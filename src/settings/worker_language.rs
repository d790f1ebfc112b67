//! Settings' choice of the language of the app's screens (the worker's own), apart from
//! the resident's language, which is chosen in each interview.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::platform::local_storage::StorageError;
use crate::words::{use_words, Msg, WorkerLanguage};

/// One radio button per language of the catalog, each named in itself (and marked when
/// its translation is a draft). Choosing one loads its words and redraws every screen in
/// it at once.
#[component]
pub fn WorkerLanguageSetting() -> impl IntoView {
    let words = use_words();
    let not_kept = RwSignal::new(None::<StorageError>);
    let choices = WorkerLanguage::ALL
        .into_iter()
        .map(|language| {
            let id = format!("worker-language-{}", language.code());
            view! {
                <label class="choice" for=id.clone()>
                    <input type="radio" id=id.clone() name="worker-language" value=language.code()
                        prop:checked=move || words.choosing().unwrap_or(words.language()) == language
                        on:change=move |_| spawn_local(async move {
                            not_kept.set(words.choose(language).await.err());
                        })/>
                    <span>
                        <span lang=language.code()>{language.name()}</span>
                        {language.is_draft().then(|| view! {
                            " " <span class="choice__note">{words.text(Msg::SettingsLanguageDraft)}</span>
                        })}
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="worker-language">
            <fieldset class="plain-fieldset" aria-describedby="worker-language-help">
                <legend class="card__title">{words.text(Msg::SettingsLanguageTitle)}</legend>
                <div class="choices">{choices}</div>
            </fieldset>
            <p class="help" id="worker-language-help">
                {words.text(Msg::SettingsLanguageResident)} " " {words.text(Msg::SettingsLanguageDraftHelp)}
            </p>
            <p class="problem" role="alert" data-testid="worker-language-problem">
                {move || words.not_loaded_message()}
                {move || not_kept.with(|error| error.as_ref().map(|error| {
                    let language = words.language();
                    language.settings_language_not_kept(
                        language.storage_error(error),
                        language.storage_advice(error),
                    )
                }))}
            </p>
        </section>
    }
}

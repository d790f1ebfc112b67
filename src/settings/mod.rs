//! The Settings screen: the set-up, the language of the app's screens, how long
//! handed-in interviews stay, the storage on this device and the app version.

mod storage_panel;
mod worker_language;

use leptos::prelude::*;

use crate::app_state::AppState;
use crate::device::settings::{self, MAX_RETENTION_DAYS};
use crate::routes::{Link, Page};
use crate::words::{parse_number, use_words, Msg, Words};
use storage_panel::StoragePanel;
use worker_language::WorkerLanguageSetting;

/// Settings: the set-up, the language, the storage on this device and the app version.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let words = use_words();
    let name_of = move |code: &str, list: &[(String, String)]| {
        list.iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    };
    let agencies: Vec<(String, String)> = app
        .questionnaire
        .agencies
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let areas: Vec<(String, String)> = app
        .questionnaire
        .areas
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let t = move |msg| words.text(msg);
    view! {
        <section class="page" data-testid="page-settings" aria-labelledby="settings-title">
            <h1 id="settings-title" tabindex="-1">{t(Msg::SettingsTitle)}</h1>
            <div class="card" data-testid="setup-summary">
                <h2 class="card__title">{t(Msg::SettingsSetupTitle)}</h2>
                {move || match app.setup.get() {
                    None => view! { <p>{t(Msg::SettingsSetupNone)}</p> }.into_any(),
                    Some(setup) => view! {
                        <dl class="facts">
                            <dt>{t(Msg::SettingsSetupWorker)}</dt><dd data-testid="setup-summary-worker">{setup.worker.clone()}</dd>
                            <dt>{t(Msg::SettingsSetupAgency)}</dt><dd>{name_of(&setup.agency, &agencies)}</dd>
                            <dt>{t(Msg::SettingsSetupTablet)}</dt><dd>{setup.device.clone()}</dd>
                            <dt>{t(Msg::SettingsSetupWard)}</dt><dd data-testid="setup-summary-area">{name_of(&setup.area, &areas)}</dd>
                            <dt>{t(Msg::SettingsSetupCollector)}</dt>
                            <dd>{if setup.collector.is_empty() {
                                t(Msg::SettingsSetupNotGiven).into_any()
                            } else {
                                setup.collector.clone().into_any()
                            }}</dd>
                            <dt>{t(Msg::SettingsSetupToken)}</dt>
                            <dd>{t(if setup.token.is_empty() { Msg::SettingsSetupNotGiven } else { Msg::SettingsSetupTokenGiven })}</dd>
                        </dl>
                    }.into_any(),
                }}
                <Link page={Page::SetUp} {..} class="button" data-testid="change-setup">{t(Msg::SettingsSetupChange)}</Link>
            </div>
            <WorkerLanguageSetting/>
            <RetentionSetting/>
            <StoragePanel/>
        </section>
    }
}

/// What saving the retention did.
#[derive(Clone, Debug, PartialEq)]
enum RetentionSaved {
    Saved(u16),
    NotSaved(crate::platform::local_storage::StorageError),
    OutOfRange,
}

impl RetentionSaved {
    fn message(&self, words: Words) -> String {
        let language = words.language();
        match self {
            RetentionSaved::Saved(days) => language.settings_retention_saved(*days),
            RetentionSaved::NotSaved(error) => language.settings_retention_not_saved(
                language.storage_error(error),
                language.storage_advice(error),
            ),
            RetentionSaved::OutOfRange => {
                language.settings_retention_out_of_range(1_u16, MAX_RETENTION_DAYS)
            }
        }
    }
}

/// How long handed-in interviews stay on the tablet after the collector's receipt.
#[component]
fn RetentionSetting() -> impl IntoView {
    let words = use_words();
    let typed = RwSignal::new(
        words
            .language_untracked()
            .number(settings::retention_days()),
    );
    let outcome = RwSignal::new(None::<RetentionSaved>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let days = parse_number::<u16>(&typed.get_untracked());
        outcome.set(Some(match days {
            Some(days) if (1..=MAX_RETENTION_DAYS).contains(&days) => {
                match settings::set_retention_days(days) {
                    Ok(()) => RetentionSaved::Saved(days),
                    Err(error) => RetentionSaved::NotSaved(error),
                }
            }
            _ => RetentionSaved::OutOfRange,
        }));
    };
    view! {
        <form class="card" data-testid="retention" on:submit=save>
            <h2 class="card__title">{words.text(Msg::SettingsRetentionTitle)}</h2>
            <div class="field">
                <label for="retention-days">{words.text(Msg::SettingsRetentionLabel)}</label>
                <input id="retention-days" data-testid="retention-days" type="text" inputmode="numeric"
                    autocomplete="off" aria-describedby="retention-message"
                    prop:value=move || typed.get() on:input=move |event| typed.set(event_target_value(&event))/>
            </div>
            <button type="submit" class="button" data-testid="retention-save">{words.text(Msg::SettingsRetentionSave)}</button>
            <p id="retention-message" role="status" data-testid="retention-message">
                {move || outcome.with(|outcome| outcome.as_ref().map(|outcome| outcome.message(words)))}
            </p>
        </form>
    }
}

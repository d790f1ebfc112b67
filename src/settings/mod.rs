//! The Settings screen: the set-up, how long handed-in interviews stay, the storage on
//! this device and the app version.

mod storage_panel;

use leptos::prelude::*;

use crate::app_state::AppState;
use crate::device::settings::{self, MAX_RETENTION_DAYS};
use crate::routes::{Link, Page};
use storage_panel::StoragePanel;

/// Settings: the set-up, the storage on this device and the app version.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let app = expect_context::<AppState>();
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
    view! {
        <section class="page" data-testid="page-settings" aria-labelledby="settings-title">
            <h1 id="settings-title" tabindex="-1">"Settings"</h1>
            <div class="card" data-testid="setup-summary">
                <h2 class="card__title">"Set-up"</h2>
                {move || match app.setup.get() {
                    None => view! { <p>"This tablet is not set up yet."</p> }.into_any(),
                    Some(setup) => view! {
                        <dl class="facts">
                            <dt>"Worker code"</dt><dd data-testid="setup-summary-worker">{setup.worker.clone()}</dd>
                            <dt>"Agency"</dt><dd>{name_of(&setup.agency, &agencies)}</dd>
                            <dt>"Tablet"</dt><dd>{setup.device.clone()}</dd>
                            <dt>"Ward"</dt><dd data-testid="setup-summary-area">{name_of(&setup.area, &areas)}</dd>
                            <dt>"Collector"</dt>
                            <dd>{if setup.collector.is_empty() { "Not given yet".to_owned() } else { setup.collector.clone() }}</dd>
                            <dt>"Upload token"</dt>
                            <dd>{if setup.token.is_empty() { "Not given yet" } else { "Given (hidden)" }}</dd>
                        </dl>
                    }.into_any(),
                }}
                <Link page={Page::SetUp} {..} class="button" data-testid="change-setup">"Change set-up"</Link>
            </div>
            <RetentionSetting/>
            <StoragePanel/>
        </section>
    }
}

/// How long handed-in interviews stay on the tablet after the collector's receipt.
#[component]
fn RetentionSetting() -> impl IntoView {
    let typed = RwSignal::new(settings::retention_days().to_string());
    let message = RwSignal::new(None::<String>);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let days = typed.get_untracked().trim().parse::<u16>().ok();
        message.set(Some(match days {
            Some(days) if (1..=MAX_RETENTION_DAYS).contains(&days) => {
                match settings::set_retention_days(days) {
                    Ok(()) => format!("Saved: handed-in interviews are cleared {days} days after the collector's receipt."),
                    Err(error) => format!("Not saved: {error}. {}", error.advice()),
                }
            }
            _ => format!("Enter a number of days from 1 to {MAX_RETENTION_DAYS}."),
        }));
    };
    view! {
        <form class="card" data-testid="retention" on:submit=save>
            <h2 class="card__title">"Handed-in interviews"</h2>
            <div class="field">
                <label for="retention-days">"Days to keep them on this tablet after the collector's receipt"</label>
                <input id="retention-days" data-testid="retention-days" type="text" inputmode="numeric"
                    autocomplete="off" aria-describedby="retention-message"
                    prop:value=move || typed.get() on:input=move |event| typed.set(event_target_value(&event))/>
            </div>
            <button type="submit" class="button" data-testid="retention-save">"Save"</button>
            <p id="retention-message" role="status" data-testid="retention-message">{move || message.get()}</p>
        </form>
    }
}

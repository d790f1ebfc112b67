use leptos::prelude::*;

use crate::app_state::AppState;
use crate::components::StoragePanel;
use crate::routes::{Link, Page};

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
            <StoragePanel/>
        </section>
    }
}

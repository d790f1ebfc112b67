use leptos::prelude::*;

use crate::components::StoragePanel;

/// Settings: the storage on this device and the app version.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="page" data-testid="page-settings" aria-labelledby="settings-title">
            <h1 id="settings-title" tabindex="-1">"Settings"</h1>
            <StoragePanel/>
        </section>
    }
}

use leptos::prelude::*;

use crate::components::{InstallHint, OfflineReadinessCard};

/// The first screen: what Doorstep is for, whether it is ready to use without signal, and
/// (in a browser tab) how to install it.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <section class="page" data-testid="page-home" aria-labelledby="home-title">
            <h1 id="home-title" tabindex="-1">"Doorstep"</h1>
            <p class="lead">
                "Quality-of-life interviews at residents' doors, with or without signal. \
                 Every answer is saved on this device until it is handed in."
            </p>
            <OfflineReadinessCard/>
            <InstallHint/>
        </section>
    }
}

use crate::routes::{Link, Page};
use leptos::prelude::*;

/// Shown for an address the app does not know (an old bookmark, a typo).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="page" data-testid="page-not-found" aria-labelledby="not-found-title">
            <h1 id="not-found-title" tabindex="-1">"There is no such screen"</h1>
            <p>"Nothing is lost: your saved work is still on this device."</p>
            <Link page={Page::Today} {..} class="button button--primary">"Go to the home screen"</Link>
        </section>
    }
}

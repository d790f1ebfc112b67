use crate::routes::{Link, Page};
use leptos::prelude::*;

use crate::words::{use_words, Msg};

/// Shown for an address the app does not know (an old bookmark, a typo).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let words = use_words();
    view! {
        <section class="page" data-testid="page-not-found" aria-labelledby="not-found-title">
            <h1 id="not-found-title" tabindex="-1">{words.text(Msg::NotFoundTitle)}</h1>
            <p>{words.text(Msg::NotFoundBody)}</p>
            <Link page={Page::Today} {..} class="button button--primary">{words.text(Msg::NotFoundHome)}</Link>
        </section>
    }
}

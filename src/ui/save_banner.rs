use leptos::prelude::*;

use crate::app_state::AppState;
use crate::routes::{Link, Page};
use crate::words::{use_words, Msg};

/// Shown while a write has failed (usually: storage full). The answer is kept in memory;
/// the banner says so, what to do, and offers to try again.
#[component]
pub fn SaveBanner() -> impl IntoView {
    let app = expect_context::<AppState>();
    let words = use_words();
    // A failure shows in this banner again, so there is nothing more to do with it here.
    let retry = move |_| {
        let _ = app.retry_save();
    };
    // Closing the tab now would lose what is only in memory: the browser asks first.
    let _ = window_event_listener(leptos::ev::beforeunload, move |event| {
        if app.unsaved.with_untracked(Option::is_some) {
            event.prevent_default();
            event.set_return_value(words.language_untracked().t(Msg::SaveLeaving));
        }
    });
    view! {
        {move || app.save_problem.get().map(|problem| {
            let language = words.language();
            view! {
            <aside class="save-banner" role="alert" data-testid="save-problem">
                <p class="save-banner__what">{problem.what(language)}</p>
                <p>{problem.advice(language)}</p>
                <p class="actions">
                    <Show when=move || app.unsaved.with(Option::is_some)>
                        <button type="button" class="button button--primary" data-testid="save-retry" on:click=retry>
                            {words.text(Msg::SaveRetry)}
                        </button>
                    </Show>
                    <Link page={Page::HandIn} {..} class="button">{words.text(Msg::SaveHandIn)}</Link>
                    <button type="button" class="button" data-testid="save-problem-dismiss"
                        on:click=move |_| app.save_problem.set(None)
                        hidden=move || app.unsaved.with(Option::is_some)>
                        {words.text(Msg::SaveDismiss)}
                    </button>
                </p>
            </aside>
            }
        })}
    }
}

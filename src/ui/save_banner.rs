use leptos::prelude::*;

use crate::app_state::AppState;
use crate::routes::{Link, Page};

/// Shown while a write has failed (usually: storage full). The answer is kept in memory;
/// the banner says so, what to do, and offers to try again.
#[component]
pub fn SaveBanner() -> impl IntoView {
    let app = expect_context::<AppState>();
    // A failure shows in this banner again, so there is nothing more to do with it here.
    let retry = move |_| {
        let _ = app.retry_save();
    };
    // Closing the tab now would lose what is only in memory: the browser asks first.
    let _ = window_event_listener(leptos::ev::beforeunload, move |event| {
        if app.unsaved.with_untracked(Option::is_some) {
            event.prevent_default();
            event.set_return_value("An answer is not saved yet.");
        }
    });
    view! {
        {move || app.save_problem.get().map(|problem| view! {
            <aside class="save-banner" role="alert" data-testid="save-problem">
                <p class="save-banner__what">{problem.what}</p>
                <p>{problem.advice}</p>
                <p class="actions">
                    <Show when=move || app.unsaved.with(Option::is_some)>
                        <button type="button" class="button button--primary" data-testid="save-retry" on:click=retry>
                            "Try saving again"
                        </button>
                    </Show>
                    <Link page={Page::HandIn} {..} class="button">"Hand in or export"</Link>
                    <button type="button" class="button" data-testid="save-problem-dismiss"
                        on:click=move |_| app.save_problem.set(None)
                        hidden=move || app.unsaved.with(Option::is_some)>
                        "OK"
                    </button>
                </p>
            </aside>
        })}
    }
}

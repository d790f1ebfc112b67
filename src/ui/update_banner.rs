use leptos::prelude::*;

use crate::platform::pwa::{Pwa, UpdateState};
use crate::words::{use_words, Msg};

/// "A new version is ready": shown when a new build has downloaded. Nothing changes until
/// the worker presses the button, so an interview is never interrupted by an update.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let pwa = use_context::<Pwa>();
    let words = use_words();
    let state = move || {
        pwa.map(|pwa| pwa.update.get())
            .unwrap_or(UpdateState::Current)
    };
    let apply = move |_| {
        if let Some(pwa) = pwa {
            pwa.apply_update();
        }
    };
    view! {
        <Show when=move || state() != UpdateState::Current>
            <aside class="update-banner" role="status" data-testid="update-banner">
                <p class="update-banner__text">{words.text(Msg::UpdateReady)}</p>
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="update-apply"
                    disabled=move || state() == UpdateState::Applying
                    on:click=apply
                >
                    {move || words.language().t(if state() == UpdateState::Applying { Msg::UpdateApplying } else { Msg::UpdateApply })}
                </button>
            </aside>
        </Show>
    }
}

use leptos::prelude::*;

use crate::platform::pwa::{OfflineReadiness, Pwa};
use crate::words::{use_words, Msg};

/// Tells the worker whether they can walk out of signal yet.
#[component]
pub fn OfflineReadinessCard() -> impl IntoView {
    let pwa = use_context::<Pwa>();
    let words = use_words();
    let readiness = move || {
        pwa.map(|pwa| pwa.offline.get())
            .unwrap_or(OfflineReadiness::Unsupported)
    };
    let text = move || {
        words.language().t(match readiness() {
            OfflineReadiness::Ready => Msg::OfflineReady,
            OfflineReadiness::Preparing => Msg::OfflinePreparing,
            OfflineReadiness::Failed => Msg::OfflineFailed,
            OfflineReadiness::Unsupported => Msg::OfflineUnsupported,
        })
    };
    view! {
        <section
            class="card"
            class:card--ok=move || readiness() == OfflineReadiness::Ready
            class:card--warn=move || readiness() != OfflineReadiness::Ready
            aria-labelledby="offline-title"
        >
            <h2 id="offline-title" class="card__title">{words.text(Msg::OfflineTitle)}</h2>
            <p role="status" data-testid="offline-readiness" data-state=move || readiness().as_str()>
                {text}
            </p>
        </section>
    }
}

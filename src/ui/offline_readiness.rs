use leptos::prelude::*;

use crate::platform::pwa::{OfflineReadiness, Pwa};

/// Tells the worker whether they can walk out of signal yet.
#[component]
pub fn OfflineReadinessCard() -> impl IntoView {
    let pwa = use_context::<Pwa>();
    let readiness = move || {
        pwa.map(|pwa| pwa.offline.get())
            .unwrap_or(OfflineReadiness::Unsupported)
    };
    let text = move || match readiness() {
        OfflineReadiness::Ready => {
            "Ready to work without signal. This version is saved on the device."
        }
        OfflineReadiness::Preparing => {
            "Getting ready to work without signal… Keep this page open while you have signal."
        }
        OfflineReadiness::Failed => {
            "Doorstep could not save itself for use without signal. Reload while you have \
             signal; if this stays, tell your coordinator."
        }
        OfflineReadiness::Unsupported => {
            "This browser cannot keep Doorstep for use without signal. Use an up-to-date \
             Chrome, Edge, Firefox or Safari."
        }
    };
    view! {
        <section
            class="card"
            class:card--ok=move || readiness() == OfflineReadiness::Ready
            class:card--warn=move || readiness() != OfflineReadiness::Ready
            aria-labelledby="offline-title"
        >
            <h2 id="offline-title" class="card__title">"Working offline"</h2>
            <p role="status" data-testid="offline-readiness" data-state=move || readiness().as_str()>
                {text}
            </p>
        </section>
    }
}

//! Settings' storage panel: whether the browser keeps Doorstep's data, how full storage
//! is, what Doorstep keeps, damaged entries set aside, and the app's version.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::entries;
use crate::platform::build_info;
use crate::platform::local_storage::{StorageError, Usage};
use crate::platform::persistence::{self, Estimate, Persistence};
use crate::ui::format::{count_of, human_bytes};

/// Everything the storage panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageReport {
    /// Whether data is kept persistently.
    pub persistence: Persistence,
    /// The browser's estimate, when it gives one.
    pub estimate: Option<Estimate>,
    /// Doorstep's own LocalStorage entries.
    pub saved: Result<Usage, StorageError>,
    /// Damaged entries set aside (their names), see [`entries::quarantine`].
    pub quarantined: Result<Vec<String>, StorageError>,
}

impl StorageReport {
    /// Asks the browser and reads the device.
    pub async fn gather() -> StorageReport {
        StorageReport {
            persistence: persistence::persistence().await,
            estimate: persistence::estimate().await,
            saved: entries::usage(),
            quarantined: entries::quarantined(),
        }
    }
}

/// Settings' storage panel: whether the browser keeps the data persistently, how much
/// storage is used, and which version of the app runs.
#[component]
pub fn StoragePanel() -> impl IntoView {
    let (report, set_report) = signal(None::<StorageReport>);
    let refresh = move || {
        spawn_local(async move {
            set_report.set(Some(StorageReport::gather().await));
        })
    };
    refresh();
    let (asking, set_asking) = signal(false);
    let ask_again = move |_| {
        set_asking.set(true);
        spawn_local(async move {
            persistence::request_persistence().await;
            set_asking.set(false);
            refresh();
        });
    };
    let not_granted = move || {
        report.with(|report| {
            matches!(
                report,
                Some(StorageReport {
                    persistence: Persistence::NotGranted,
                    ..
                })
            )
        })
    };
    let build = build_info::build_id()
        .map(|id| format!(" (build {id})"))
        .unwrap_or_default();

    view! {
        <section class="card" aria-labelledby="storage-title" data-testid="storage-panel">
            <h2 id="storage-title" class="card__title">"Storage on this device"</h2>
            {move || match report.get() {
                Some(report) => view! { <StorageFacts report=report/> }.into_any(),
                None => view! { <p>"Checking storage…"</p> }.into_any(),
            }}
            <Show when=not_granted>
                <button
                    type="button"
                    class="button"
                    data-testid="storage-ask-persist"
                    disabled=move || asking.get()
                    on:click=ask_again
                >
                    "Ask the browser to keep data"
                </button>
            </Show>
            <dl class="facts">
                <dt>"App version"</dt>
                <dd data-testid="app-version">{build_info::version()}{build}</dd>
            </dl>
        </section>
    }
}

/// The figures of one [`StorageReport`].
#[component]
fn StorageFacts(
    /// What the browser reported.
    report: StorageReport,
) -> impl IntoView {
    let persisted = match report.persistence {
        Persistence::Granted => "Yes: the browser will not clear Doorstep's data on its own.",
        Persistence::NotGranted => {
            "Not yet: the browser may clear data if the device runs out of space. \
             Installing Doorstep on the home screen helps."
        }
        Persistence::Unsupported => "This browser cannot promise to keep data.",
    };
    let estimate = match report.estimate {
        Some(estimate) => format!(
            "{} used, of about {} the browser allows",
            human_bytes(estimate.usage),
            human_bytes(estimate.quota)
        ),
        None => "The browser gives no estimate.".to_owned(),
    };
    let saved = match report.saved {
        Ok(usage) => format!(
            "{} in {}",
            human_bytes(usage.bytes as f64),
            count_of(usage.entries as usize, "entry", "entries")
        ),
        Err(error) => format!("{error}. {}", error.advice()),
    };
    let quarantined = match &report.quarantined {
        Ok(names) if names.is_empty() => "None.".to_owned(),
        Ok(names) => format!(
            "{} could not be read and {} set aside, unchanged: {}. Nothing was \
             deleted. Tell your coordinator.",
            count_of(names.len(), "damaged entry", "damaged entries"),
            if names.len() == 1 { "was" } else { "were" },
            names.join(", ")
        ),
        Err(error) => format!("{error}. {}", error.advice()),
    };
    let has_quarantined = matches!(&report.quarantined, Ok(names) if !names.is_empty());
    view! {
        <dl class="facts">
            <dt>"Kept persistently"</dt>
            <dd data-testid="storage-persisted" data-state=report.persistence.as_str()>
                {persisted}
            </dd>
            <dt>"Storage used"</dt>
            <dd data-testid="storage-used">{estimate}</dd>
            <dt>"Saved by Doorstep"</dt>
            <dd data-testid="storage-saved">{saved}</dd>
            <dt>"Damaged entries"</dt>
            <dd
                data-testid="storage-quarantined"
                class:facts__warning=has_quarantined
            >
                {quarantined}
            </dd>
        </dl>
    }
}

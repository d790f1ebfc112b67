//! Settings' storage panel: whether the browser keeps Doorstep's data, how full storage
//! is, what Doorstep keeps, damaged entries set aside, and the app's version.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device::entries;
use crate::platform::build_info;
use crate::platform::local_storage::{StorageError, Usage};
use crate::platform::persistence::{self, Estimate, Persistence};
use crate::words::{use_words, Msg, WorkerLanguage};

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
    let words = use_words();
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
    let build = move || {
        build_info::build_id()
            .map(|id| format!(" {}", words.language().storage_build(id)))
            .unwrap_or_default()
    };

    view! {
        <section class="card" aria-labelledby="storage-title" data-testid="storage-panel">
            <h2 id="storage-title" class="card__title">{words.text(Msg::StorageTitle)}</h2>
            {move || match report.get() {
                Some(report) => view! { <StorageFacts report=report language=words.language()/> }.into_any(),
                None => view! { <p>{words.text(Msg::StorageChecking)}</p> }.into_any(),
            }}
            <Show when=not_granted>
                <button
                    type="button"
                    class="button"
                    data-testid="storage-ask-persist"
                    disabled=move || asking.get()
                    on:click=ask_again
                >
                    {words.text(Msg::StorageAsk)}
                </button>
            </Show>
            <dl class="facts">
                <dt>{words.text(Msg::StorageVersion)}</dt>
                <dd data-testid="app-version">{build_info::version()}{build}</dd>
            </dl>
        </section>
    }
}

/// The figures of one [`StorageReport`], in `language` (drawn again when it changes).
#[component]
fn StorageFacts(
    /// What the browser reported.
    report: StorageReport,
    /// The language of the screens.
    language: WorkerLanguage,
) -> impl IntoView {
    let t = |msg| language.t(msg);
    let persisted = t(match report.persistence {
        Persistence::Granted => Msg::StoragePersistedYes,
        Persistence::NotGranted => Msg::StoragePersistedNotYet,
        Persistence::Unsupported => Msg::StoragePersistedUnsupported,
    });
    let estimate = match report.estimate {
        Some(estimate) => language.storage_used(
            language.bytes(estimate.usage),
            language.bytes(estimate.quota),
        ),
        None => t(Msg::StorageUsedUnknown).to_owned(),
    };
    let saved = match report.saved {
        Ok(usage) => language.storage_saved(usage.entries, language.bytes(usage.bytes as f64)),
        Err(error) => language.storage_problem(&error),
    };
    let quarantined = match &report.quarantined {
        Ok(names) if names.is_empty() => t(Msg::StorageDamagedNone).to_owned(),
        Ok(names) => language.storage_damaged(names.len(), names.join(", ")),
        Err(error) => language.storage_problem(error),
    };
    let has_quarantined = matches!(&report.quarantined, Ok(names) if !names.is_empty());
    view! {
        <dl class="facts">
            <dt>{t(Msg::StoragePersistedLabel)}</dt>
            <dd data-testid="storage-persisted" data-state=report.persistence.as_str()>
                {persisted}
            </dd>
            <dt>{t(Msg::StorageUsedLabel)}</dt>
            <dd data-testid="storage-used">{estimate}</dd>
            <dt>{t(Msg::StorageSavedLabel)}</dt>
            <dd data-testid="storage-saved">{saved}</dd>
            <dt>{t(Msg::StorageDamagedLabel)}</dt>
            <dd
                data-testid="storage-quarantined"
                class:facts__warning=has_quarantined
            >
                {quarantined}
            </dd>
        </dl>
    }
}

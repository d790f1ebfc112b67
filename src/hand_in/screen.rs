//! The Hand in screen: what waits, upload with a receipt, or export a file (and a
//! spreadsheet); the batches made on this tablet, each exportable again.

use leptos::prelude::*;
use survey::store::BatchRecord;
use survey::StatusCounts;

use super::export::{self, ExportError};
use super::outbox::{self, HandInError, NewBatch};
use super::upload::{UploadState, Uploads};
use crate::app_state::AppState;
use crate::device::entries;
use crate::platform::clock;
use crate::platform::connection::Online;
use crate::platform::local_storage::StorageError;
use crate::routes::{Link, Page};
use crate::ui::format::{count_of, human_bytes};
use crate::ui::ReadProblem;

/// Why an export did not happen, in one message for the worker.
fn export_problem(error: impl std::fmt::Display) -> String {
    format!("Could not export: {error}.")
}

/// `/hand-in`.
#[component]
pub fn HandInPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let uploads = expect_context::<Uploads>();
    let online = use_context::<Online>().map(|Online(online)| online);
    let is_online = move || online.is_none_or(|online| online.get());
    let with_csv = RwSignal::new(false);
    let exported = RwSignal::new(None::<Result<String, String>>);

    let counts = Memo::new(move |_| {
        uploads.state.track();
        app.summaries()
            .map(|summaries| StatusCounts::of(&summaries))
    });
    let waiting = move || counts.with(|c| c.as_ref().map_or(0, |c| c.complete));
    let records = Memo::new(move |_| {
        uploads.state.track();
        app.batch_records()
    });
    let usage = move || {
        app.track();
        entries::usage().ok()
    };
    let configured = move || {
        app.setup
            .with(|s| s.as_ref().is_some_and(|s| s.can_upload()))
    };

    let export = move |_| {
        let result = match app.setup.get_untracked() {
            None => Err(ExportError::Tablet(HandInError::NotSetUp)),
            Some(setup) => outbox::save_as_files(
                &mut { app },
                app.questionnaire,
                &setup.assignment(),
                || NewBatch {
                    id: clock::new_batch_id(),
                    created: clock::now(),
                },
                |record, batch| {
                    export::save_files(app.questionnaire, record, batch, with_csv.get_untracked())
                },
                clock::now(),
            ),
        };
        exported.set(Some(
            result
                .map(|names| names.join(" and "))
                .map_err(export_problem),
        ));
    };

    let export_again = move |record: BatchRecord| {
        let result = outbox::rebuild(&app, app.questionnaire, &record)
            .map_err(|error: HandInError<StorageError>| export_problem(error))
            .and_then(|batch| {
                export::save_files(app.questionnaire, &record, &batch, with_csv.get_untracked())
                    .map_err(|error: ExportError| export_problem(error))
            });
        exported.set(Some(result));
    };

    let status = move || match uploads.state.get() {
        UploadState::Idle => None,
        UploadState::Sending => Some(("sending", "Sending…".to_owned())),
        UploadState::Done(handed_in) => Some(("done", handed_in.message())),
        UploadState::Failed { problem, retry_in } => Some((
            "failed",
            match retry_in {
                Some(seconds) => {
                    format!("{} Next try in about {seconds} seconds.", problem.message())
                }
                None => problem.message(),
            },
        )),
    };

    view! {
        <section class="page" data-testid="page-hand-in" aria-labelledby="hand-in-title">
            <h1 id="hand-in-title" tabindex="-1">"Hand in"</h1>
            <div class="card" data-testid="hand-in-waiting">
                <h2 class="card__title">"Waiting to be handed in"</h2>
                {move || counts.get().err().map(|error| view! {
                    <ReadProblem what="the interviews" error=error/>
                })}
                <p class="big-number" data-testid="waiting-count">
                    {move || match waiting() {
                        0 => "No completed interviews wait.".to_owned(),
                        n => count_of(n as usize, "completed interview", "completed interviews"),
                    }}
                </p>
                <p class="card__help">
                    {move || {
                        let counts = counts.get().unwrap_or_default();
                        let mut parts = Vec::new();
                        if counts.complete_in_a_batch > 0 {
                            parts.push(format!("{} already in an exported file, not yet confirmed by the collector.", counts.complete_in_a_batch));
                        }
                        if counts.draft > 0 {
                            parts.push(format!("{} still in progress (complete them to hand them in).", counts.draft));
                        }
                        parts.push("Interviews stay on this tablet until the collector confirms it has them.".to_owned());
                        parts.join(" ")
                    }}
                </p>
                <p data-testid="hand-in-storage">
                    {move || usage().map(|u| format!(
                        "Doorstep keeps {} in {} entries on this tablet.",
                        human_bytes(u.bytes as f64), u.entries
                    ))}
                </p>
            </div>

            <div class="card" aria-labelledby="upload-title">
                <h2 class="card__title" id="upload-title">"Upload"</h2>
                {move || (!configured()).then(|| view! {
                    <p data-testid="upload-not-configured">
                        "Uploading needs the collector's address and your agency's token."
                    </p>
                    <p><Link page={Page::SetUp} {..} class="button">"Add them in set-up"</Link></p>
                })}
                {move || (!is_online()).then(|| view! {
                    <p data-testid="upload-offline">"No signal now: export a file, or upload when back online."</p>
                })}
                <button type="button" class="button button--primary" data-testid="upload-now"
                    disabled=move || !configured() || waiting() == 0 || uploads.state.get() == UploadState::Sending
                    on:click=move |_| uploads.upload()>
                    "Upload now"
                </button>
                <p role="status" class="upload-status" data-testid="upload-status"
                    data-state=move || status().map(|(state, _)| state)>
                    {move || status().map(|(_, text)| text)}
                </p>
            </div>

            <div class="card" aria-labelledby="export-title">
                <h2 class="card__title" id="export-title">"Export a file"</h2>
                <p class="card__help">"For handing in without signal: save the file, then give it to your coordinator (USB stick, shared drive)."</p>
                <label class="choice">
                    <input type="checkbox" data-testid="export-csv"
                        prop:checked=move || with_csv.get()
                        on:change=move |event| with_csv.set(event_target_checked(&event))/>
                    <span>"Also save a spreadsheet (CSV) and its codebook"</span>
                </label>
                <div class="actions">
                    <button type="button" class="button button--primary" data-testid="export-file"
                        disabled=move || waiting() == 0 on:click=export>
                        "Export a file"
                    </button>
                </div>
                <p role="status" data-testid="export-status">
                    {move || exported.get().map(|result| match result {
                        Ok(name) => format!("Saved {name} to this tablet's downloads. The interviews stay here until the collector confirms it has them."),
                        Err(problem) => problem,
                    })}
                </p>
            </div>

            {move || match records.get() {
                Err(error) => view! {
                    <div class="card" data-testid="batches">
                        <h2 class="card__title">"Batches from this tablet"</h2>
                        <ReadProblem what="the batches made on this tablet" error=error/>
                    </div>
                }.into_any(),
                Ok(records) if records.is_empty() => ().into_any(),
                Ok(records) => view! {
                    <div class="card" data-testid="batches">
                        <h2 class="card__title">"Batches from this tablet"</h2>
                        <ul class="plain-list">
                            {records.into_iter().map(|record| {
                                let when = clock::local_date_time(record.created);
                                let count = record.responses.len();
                                let state = match &record.receipt {
                                    Some(receipt) if receipt.conflicts > 0 => format!("confirmed by the collector: {} new, {} already there, {} kept apart for your coordinator", receipt.accepted, receipt.already_present, receipt.conflicts),
                                    Some(receipt) => format!("confirmed by the collector: {} new, {} already there", receipt.accepted, receipt.already_present),
                                    None if record.exported.is_some() => "exported, waiting for the collector".to_owned(),
                                    None => "waiting for the collector".to_owned(),
                                };
                                let name = export::file_name(&record, "json");
                                // Once receipted, its interviews are marked handed in: a file
                                // made again would differ from the batch the collector has
                                // under that id, and the collector refuses such a file.
                                let waiting = record.receipt.is_none();
                                let again = record.clone();
                                view! {
                                    <li class="batch" data-testid="batch-row">
                                        <p><strong>{format!("{when} · {count} interviews")}</strong>" · "{state}</p>
                                        {waiting.then(|| view! {
                                            <button type="button" class="button" data-testid=format!("export-again-{}", record.id)
                                                on:click=move |_| export_again(again.clone())>
                                                "Export again" <span class="visually-hidden">{format!(" {name}")}</span>
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

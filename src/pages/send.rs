//! Hand in: what waits, upload with a receipt, or export a file (and a spreadsheet).

use leptos::prelude::*;
use survey::questionnaire::LanguageCode;
use survey::record::ResponseStatus;

use crate::app_state::AppState;
use crate::clock;
use crate::connection::Online;
use crate::device_storage::human_bytes;
use crate::download::download;
use crate::hand_in::{self, BatchRecord};
use crate::outbox;
use crate::routes::{Link, Page};
use crate::storage;
use crate::sync::{SyncState, Uploads};

#[component]
pub fn SendPage() -> impl IntoView {
    let app = expect_context::<AppState>();
    let sync = expect_context::<Uploads>();
    let online = use_context::<Online>().map(|Online(online)| online);
    let is_online = move || online.is_none_or(|online| online.get());
    let with_csv = RwSignal::new(false);
    let exported = RwSignal::new(None::<Result<String, String>>);

    let counts = Memo::new(move |_| {
        sync.state.track();
        let summaries = app.summaries().unwrap_or_default();
        let waiting = summaries
            .iter()
            .filter(|s| s.status == ResponseStatus::Complete)
            .count();
        let in_file = summaries
            .iter()
            .filter(|s| s.status == ResponseStatus::Complete && s.batch.is_some())
            .count();
        let drafts = summaries
            .iter()
            .filter(|s| s.status == ResponseStatus::Draft)
            .count();
        (waiting, in_file, drafts)
    });
    let records = Memo::new(move |_| {
        app.track();
        sync.state.track();
        outbox::records().unwrap_or_default()
    });
    let usage = move || {
        app.track();
        storage::usage().ok()
    };
    let configured = move || {
        app.setup.with(|s| {
            s.as_ref()
                .is_some_and(|s| !s.collector.is_empty() && !s.token.is_empty())
        })
    };

    let save_files =
        move |record: &BatchRecord, batch: &survey::Batch, csv: bool| -> Result<String, String> {
            let json = batch.to_json().map_err(|e| e.to_string())?;
            let name = hand_in::file_name(record, "json");
            download(&name, &json, "application/json").map_err(|e| e.to_string())?;
            if csv {
                let q = app.questionnaire;
                let table = survey::csv_export::responses_csv(q, &batch.responses);
                let codebook = survey::csv_export::codebook_csv(q, &LanguageCode("en".into()));
                let base = name.trim_end_matches(".json");
                download(
                    &format!("{base}.csv"),
                    &format!("{}{table}", survey::csv_export::UTF8_BOM),
                    "text/csv",
                )
                .map_err(|e| e.to_string())?;
                download(
                    &format!("{base}-codebook.csv"),
                    &format!("{}{codebook}", survey::csv_export::UTF8_BOM),
                    "text/csv",
                )
                .map_err(|e| e.to_string())?;
            }
            Ok(name)
        };

    let export = move |_| {
        let result =
            outbox::prepare(&app)
                .map_err(|e| e.to_string())
                .and_then(|(mut record, batch)| {
                    let name = save_files(&record, &batch, with_csv.get_untracked())?;
                    outbox::mark_exported(&mut record).map_err(|e| e.to_string())?;
                    Ok(name)
                });
        exported.set(Some(result));
        app.changed();
    };

    let export_again = move |record: BatchRecord| {
        let result = outbox::rebuild(&app, &record)
            .map_err(|e| e.to_string())
            .and_then(|batch| save_files(&record, &batch, with_csv.get_untracked()));
        exported.set(Some(result));
    };

    let status = move || match sync.state.get() {
        SyncState::Idle => None,
        SyncState::Sending => Some(("sending", "Sending…".to_owned())),
        SyncState::Done(receipt) => Some((
            "done",
            format!(
                "Handed in. The collector's receipt: {} new, {} it already had.",
                receipt.accepted, receipt.already_present
            ),
        )),
        SyncState::Failed { problem, retry_in } => Some((
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
        <section class="page" data-testid="page-send" aria-labelledby="send-title">
            <h1 id="send-title" tabindex="-1">"Hand in"</h1>
            <div class="card" data-testid="send-waiting">
                <h2 class="card__title">"Waiting to be handed in"</h2>
                <p class="big-number" data-testid="waiting-count">
                    {move || match counts.get().0 {
                        0 => "No completed interviews wait.".to_owned(),
                        1 => "1 completed interview".to_owned(),
                        n => format!("{n} completed interviews"),
                    }}
                </p>
                <p class="card__help">
                    {move || {
                        let (_, in_file, drafts) = counts.get();
                        let mut parts = Vec::new();
                        if in_file > 0 {
                            parts.push(format!("{in_file} already in an exported file, not yet confirmed by the collector."));
                        }
                        if drafts > 0 {
                            parts.push(format!("{drafts} still in progress (complete them to hand them in)."));
                        }
                        parts.push("Interviews stay on this tablet until the collector confirms it has them.".to_owned());
                        parts.join(" ")
                    }}
                </p>
                <p data-testid="send-storage">
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
                    disabled=move || !configured() || counts.get().0 == 0 || sync.state.get() == SyncState::Sending
                    on:click=move |_| sync.upload()>
                    "Upload now"
                </button>
                <p role="status" class="sync-status" data-testid="upload-status"
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
                        disabled=move || counts.get().0 == 0 on:click=export>
                        "Export a file"
                    </button>
                </div>
                <p role="status" data-testid="export-status">
                    {move || exported.get().map(|result| match result {
                        Ok(name) => format!("Saved {name} to this tablet's downloads. The interviews stay here until the collector confirms it has them."),
                        Err(reason) => format!("Could not export: {reason}."),
                    })}
                </p>
            </div>

            {move || {
                let records = records.get();
                (!records.is_empty()).then(|| view! {
                    <div class="card" data-testid="batches">
                        <h2 class="card__title">"Batches from this tablet"</h2>
                        <ul class="plain-list">
                            {records.into_iter().map(|record| {
                                let when = clock::local_date_time(record.created);
                                let count = record.responses.len();
                                let state = match &record.receipt {
                                    Some(receipt) => format!("confirmed by the collector: {} new, {} already there", receipt.accepted, receipt.already_present),
                                    None if record.exported.is_some() => "exported, waiting for the collector".to_owned(),
                                    None => "waiting for the collector".to_owned(),
                                };
                                let name = hand_in::file_name(&record, "json");
                                let again = record.clone();
                                view! {
                                    <li class="batch" data-testid="batch-row">
                                        <p><strong>{format!("{when} · {count} interviews")}</strong>" · "{state}</p>
                                        <button type="button" class="button" data-testid=format!("export-again-{}", record.id)
                                            on:click=move |_| export_again(again.clone())>
                                            "Export again" <span class="visually-hidden">{format!(" {name}")}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                })
            }}
        </section>
    }
}

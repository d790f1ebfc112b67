//! The Hand in screen's "Export a file" card (download, or Share… where the browser can
//! share files, with the spreadsheet choice remembered) and the list of batches made on
//! this tablet, each saying where it stands and offering its file again while the
//! collector has not received it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use survey::store::BatchRecord;
use survey::Batch;

use super::export::{self, ExportError};
use super::outbox::{self, HandInError, NewBatch};
use super::progress::{BatchStage, Overview};
use crate::app_state::AppState;
use crate::platform::clock;
use crate::platform::local_storage::StorageError;
use crate::platform::share::{self, ShareError};
use crate::ui::format::count_of;

/// What the last export did, as the card's status line says it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Exported {
    /// Saved to the tablet's downloads: these batch files.
    Saved(Vec<String>),
    /// The share sheet is open.
    Sharing,
    /// Shared: these batch files.
    Shared(Vec<String>),
    /// The worker closed the share sheet.
    NotShared,
    /// Nothing saved or shared, and why.
    Problem(String),
}

impl Exported {
    fn words(&self) -> String {
        let stay = "The interviews stay on this tablet until the collector has received them.";
        match self {
            Exported::Saved(names) => format!(
                "Saved {} to this tablet's downloads: give it to your coordinator. {stay}",
                names.join(" and ")
            ),
            Exported::Sharing => "Choose where to send the file…".to_owned(),
            Exported::Shared(names) => format!("Shared {}. {stay}", names.join(" and ")),
            Exported::NotShared => {
                "Not shared: the file went nowhere, and it is not marked as exported.".to_owned()
            }
            Exported::Problem(problem) => problem.clone(),
        }
    }
}

/// Why an export did not happen, in one message for the worker.
fn problem(error: impl std::fmt::Display) -> Exported {
    Exported::Problem(format!("Could not export: {error}."))
}

/// Saving and sharing batch files, as the card and the batch rows do it.
#[derive(Clone, Copy)]
struct Exporter {
    app: AppState,
    with_csv: RwSignal<bool>,
    status: RwSignal<Option<Exported>>,
}

impl Exporter {
    fn new_batch() -> NewBatch {
        NewBatch {
            id: clock::new_batch_id(),
            created: clock::now(),
        }
    }

    /// Saves every interview still to hand in as files (one batch per worker).
    fn save_all(self) {
        let app = self.app;
        let result = match app.setup.get_untracked() {
            None => Err(ExportError::Tablet(HandInError::NotSetUp)),
            Some(setup) => outbox::save_as_files(
                &mut { app },
                app.questionnaire,
                &setup.assignment(),
                Self::new_batch,
                |record, batch| {
                    export::save_files(
                        app.questionnaire,
                        record,
                        batch,
                        self.with_csv.get_untracked(),
                    )
                },
                clock::now(),
            ),
        };
        self.status
            .set(Some(result.map_or_else(problem, Exported::Saved)));
    }

    /// Saves `record`'s batch as files again.
    fn save_one(self, record: BatchRecord) {
        let app = self.app;
        let result = outbox::rebuild(&app, app.questionnaire, &record)
            .map_err(ExportError::from)
            .and_then(|batch| {
                export::save_files(
                    app.questionnaire,
                    &record,
                    &batch,
                    self.with_csv.get_untracked(),
                )
            })
            .and_then(|name| {
                outbox::note_exported(&mut { app }, record, clock::now())?;
                Ok(vec![name])
            });
        self.status
            .set(Some(result.map_or_else(problem, Exported::Saved)));
    }

    /// Shares `record`'s batch again.
    fn share_one(self, record: BatchRecord) {
        let app = self.app;
        match outbox::rebuild(&app, app.questionnaire, &record) {
            Ok(batch) => self.share(vec![(record, batch)]),
            Err(error) => self.status.set(Some(problem(ExportError::from(error)))),
        }
    }

    /// Shares every interview still to hand in (one batch file per worker).
    fn share_all(self) {
        let app = self.app;
        let prepared = match app.setup.get_untracked() {
            None => Err(HandInError::NotSetUp),
            Some(setup) => outbox::prepare_files(
                &mut { app },
                app.questionnaire,
                &setup.assignment(),
                Self::new_batch,
            ),
        };
        match prepared {
            Ok(prepared) => self.share(prepared),
            Err(error) => self.status.set(Some(problem(error))),
        }
    }

    /// Hands the files of `prepared` to the share sheet; once they went, each batch is
    /// noted as exported. Nothing is noted if the worker closes the sheet.
    fn share(self, prepared: Vec<(BatchRecord, Batch)>) {
        let app = self.app;
        let mut files = Vec::new();
        for (record, batch) in &prepared {
            match export::files(
                app.questionnaire,
                record,
                batch,
                self.with_csv.get_untracked(),
            ) {
                Ok(more) => files.extend(more),
                Err(error) => return self.status.set(Some(problem(error))),
            }
        }
        let Some(files) = export::shareable(files) else {
            return self
                .status
                .set(Some(problem(ExportError::Share(ShareError::Unsupported))));
        };
        let names = export::batch_names(&files);
        let sharing = match share::share(&files, &names.join(", ")) {
            Ok(sharing) => sharing,
            Err(error) => return self.status.set(Some(shared_problem(error))),
        };
        self.status.set(Some(Exported::Sharing));
        let status = self.status;
        spawn_local(async move {
            let outcome = match sharing.finished().await {
                Err(error) => shared_problem(error),
                Ok(()) => {
                    let now = clock::now();
                    let noted: Result<(), HandInError<StorageError>> =
                        prepared.into_iter().try_for_each(|(record, _)| {
                            outbox::note_exported(&mut { app }, record, now)
                        });
                    match noted {
                        Ok(()) => Exported::Shared(names),
                        Err(error) => Exported::Problem(format!(
                            "Shared {}, but this tablet could not note it: {error}.",
                            names.join(" and ")
                        )),
                    }
                }
            };
            status.set(Some(outcome));
        });
    }
}

fn shared_problem(error: ShareError) -> Exported {
    match error {
        ShareError::Cancelled => Exported::NotShared,
        other => Exported::Problem(format!(
            "Could not share: {other}. Use “Export a file” instead, and hand the file on from this tablet's downloads."
        )),
    }
}

/// The "Export a file" card and the batches made on this tablet.
#[component]
pub fn ExportAndBatches(
    /// Completed interviews the collector has not received.
    to_hand_in: Signal<u32>,
    /// The interviews and batches on the tablet.
    overview: Memo<Result<Overview, StorageError>>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let with_csv = RwSignal::new(export::spreadsheet_wanted());
    let status = RwSignal::new(None::<Exported>);
    let exporter = Exporter {
        app,
        with_csv,
        status,
    };
    let can_share = export::can_share_batches();
    let sharing = move || status.with(|s| *s == Some(Exported::Sharing));
    let choose_csv = move |event| {
        let wanted = event_target_checked(&event);
        with_csv.set(wanted);
        if let Err(error) = export::remember_spreadsheet(wanted) {
            status.set(Some(Exported::Problem(format!(
                "This tablet could not remember the choice: {error}. It holds until you leave Doorstep."
            ))));
        }
    };

    view! {
        <div class="card" aria-labelledby="export-title">
            <h2 class="card__title" id="export-title">"Export a file"</h2>
            <p class="card__help">
                {if can_share {
                    "For handing in without signal. Share… sends the file with this tablet's own apps: Bluetooth or Nearby Share (no signal needed), email or a shared drive. Or save it to the tablet's downloads and give it to your coordinator."
                } else {
                    "For handing in without signal: save the file, then give it to your coordinator (USB stick, shared drive)."
                }}
            </p>
            <label class="choice">
                <input type="checkbox" data-testid="export-csv"
                    prop:checked=move || with_csv.get()
                    on:change=choose_csv/>
                <span>"Also save a spreadsheet (CSV) and its codebook"</span>
            </label>
            <div class="actions">
                <button type="button" class="button button--primary" data-testid="export-file"
                    disabled=move || to_hand_in.get() == 0 || sharing()
                    on:click=move |_| exporter.save_all()>
                    "Export a file"
                </button>
                {can_share.then(|| view! {
                    <button type="button" class="button" data-testid="share-file"
                        disabled=move || to_hand_in.get() == 0 || sharing()
                        on:click=move |_| exporter.share_all()>
                        "Share…"
                    </button>
                })}
            </div>
            <p role="status" data-testid="export-status">
                {move || status.get().map(|status| status.words())}
            </p>
        </div>

        {move || match overview.get().map(|overview| overview.batches) {
            // The Hand in screen says what could not be read.
            Err(_) => ().into_any(),
            Ok(batches) if batches.is_empty() => ().into_any(),
            Ok(batches) => view! {
                <div class="card" data-testid="batches">
                    <h2 class="card__title">"Batches from this tablet"</h2>
                    <ul class="plain-list">
                        {batches.into_iter().map(|(record, stage)| batch_row(record, stage, exporter)).collect_view()}
                    </ul>
                </div>
            }.into_any(),
        }}
    }
}

/// One batch: when it was made, how many interviews, where it stands, and its file
/// while the collector has not received it.
fn batch_row(record: BatchRecord, stage: BatchStage, exporter: Exporter) -> impl IntoView {
    let when = clock::local_date_time(record.created);
    let count = count_of(record.responses.len(), "interview", "interviews");
    let sentence = stage.sentence(|at| format!("at {}", clock::local_date_time(at)));
    // Heard by a screen reader after the button's words: which file.
    let name = format!(" {}", export::file_name(&record, "json"));
    let id = record.id;
    let offer = stage.can_export().then(|| {
        view! {
            <div class="actions">
                <button type="button" class="button" data-testid=format!("export-again-{id}")
                    on:click={
                        let record = record.clone();
                        move |_| exporter.save_one(record.clone())
                    }>
                    {stage.export_words()} <span class="visually-hidden">{name.clone()}</span>
                </button>
                {export::can_share_batches().then(|| view! {
                    <button type="button" class="button" data-testid=format!("share-again-{id}")
                        on:click=move |_| exporter.share_one(record.clone())>
                        "Share…" <span class="visually-hidden">{name}</span>
                    </button>
                })}
            </div>
        }
    });
    view! {
        <li class="batch" data-testid="batch-row">
            <p><strong>{format!("{when} · {count}")}</strong></p>
            <p>{sentence}</p>
            {offer}
        </li>
    }
}

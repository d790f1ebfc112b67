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
use crate::words::{use_words, Msg, WorkerLanguage};

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
    Problem(NotExported),
}

impl Exported {
    fn words(&self, language: WorkerLanguage) -> String {
        match self {
            Exported::Saved(names) => language.hand_in_export_saved(files(language, names)),
            Exported::Sharing => language.t(Msg::HandInExportSharing).to_owned(),
            Exported::Shared(names) => language.hand_in_export_shared(files(language, names)),
            Exported::NotShared => language.t(Msg::HandInExportNotShared).to_owned(),
            Exported::Problem(problem) => problem.words(language),
        }
    }
}

/// File names as one phrase in `language`: "a.json and a.csv".
fn files(language: WorkerLanguage, names: &[String]) -> String {
    let mut names = names.iter();
    let first = names.next().cloned().unwrap_or_default();
    names.fold(first, |all, next| language.hand_in_export_files(all, next))
}

/// Why an export or share did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
enum NotExported {
    /// The file could not be made or saved.
    Export(ExportError),
    /// The share sheet failed.
    Share(ShareError),
    /// Shared these files, but noting it failed.
    NotNoted(Vec<String>, HandInError<StorageError>),
    /// The spreadsheet choice could not be kept.
    NotRemembered(StorageError),
}

impl NotExported {
    fn words(&self, language: WorkerLanguage) -> String {
        match self {
            NotExported::Export(error) => {
                language.hand_in_export_problem(language.export_error(error))
            }
            NotExported::Share(error) => {
                language.hand_in_export_share_failed(language.share_error(error))
            }
            NotExported::NotNoted(names, error) => language.hand_in_export_shared_not_noted(
                files(language, names),
                language.hand_in_error(error),
            ),
            NotExported::NotRemembered(error) => {
                language.hand_in_export_not_remembered(language.storage_error(error))
            }
        }
    }
}

/// Why an export did not happen, in one message for the worker.
fn problem(error: impl Into<ExportError>) -> Exported {
    Exported::Problem(NotExported::Export(error.into()))
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
            Err(error) => self.status.set(Some(problem(error))),
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
                        Err(error) => Exported::Problem(NotExported::NotNoted(names, error)),
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
        other => Exported::Problem(NotExported::Share(other)),
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
    let words = use_words();
    let t = move |msg| words.text(msg);
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
            status.set(Some(Exported::Problem(NotExported::NotRemembered(error))));
        }
    };

    view! {
        <div class="card" aria-labelledby="export-title">
            <h2 class="card__title" id="export-title">{t(Msg::HandInExportTitle)}</h2>
            <p class="card__help">
                {t(if can_share { Msg::HandInExportHelpShare } else { Msg::HandInExportHelp })}
            </p>
            <label class="choice">
                <input type="checkbox" data-testid="export-csv"
                    prop:checked=move || with_csv.get()
                    on:change=choose_csv/>
                <span>{t(Msg::HandInExportCsv)}</span>
            </label>
            <div class="actions">
                <button type="button" class="button button--primary" data-testid="export-file"
                    disabled=move || to_hand_in.get() == 0 || sharing()
                    on:click=move |_| exporter.save_all()>
                    {t(Msg::HandInExportTitle)}
                </button>
                {can_share.then(|| view! {
                    <button type="button" class="button" data-testid="share-file"
                        disabled=move || to_hand_in.get() == 0 || sharing()
                        on:click=move |_| exporter.share_all()>
                        {t(Msg::HandInExportShare)}
                    </button>
                })}
            </div>
            <p role="status" data-testid="export-status">
                {move || {
                    let language = words.language();
                    status.with(|status| status.as_ref().map(|status| status.words(language)))
                }}
            </p>
        </div>

        {move || match overview.get().map(|overview| overview.batches) {
            // The Hand in screen says what could not be read.
            Err(_) => ().into_any(),
            Ok(batches) if batches.is_empty() => ().into_any(),
            Ok(batches) => view! {
                <div class="card" data-testid="batches">
                    <h2 class="card__title">{t(Msg::HandInBatchesTitle)}</h2>
                    <ul class="plain-list">
                        {batches.into_iter().map(|(record, stage)| batch_row(record, stage, exporter, words.language())).collect_view()}
                    </ul>
                </div>
            }.into_any(),
        }}
    }
}

/// One batch, in `language`: when it was made, how many interviews, where it stands, and
/// its file while the collector has not received it.
fn batch_row(
    record: BatchRecord,
    stage: BatchStage,
    exporter: Exporter,
    language: WorkerLanguage,
) -> impl IntoView {
    let when = |at| language.date_time(clock::local(at));
    let heading = language.hand_in_batch_row(record.responses.len(), when(record.created));
    let sentence = stage.sentence(language, when);
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
                    {language.t(stage.export_words())} <span class="visually-hidden">{name.clone()}</span>
                </button>
                {export::can_share_batches().then(|| view! {
                    <button type="button" class="button" data-testid=format!("share-again-{id}")
                        on:click=move |_| exporter.share_one(record.clone())>
                        {language.t(Msg::HandInExportShare)} <span class="visually-hidden">{name}</span>
                    </button>
                })}
            </div>
        }
    });
    view! {
        <li class="batch" data-testid="batch-row">
            <p><strong>{heading}</strong></p>
            <p>{sentence}</p>
            {offer}
        </li>
    }
}

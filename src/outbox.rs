//! The tablet's side of handing in: which completed interviews wait, the batches made
//! from them (kept as [`BatchRecord`]s), what a receipt marks, and clearing handed-in
//! interviews after the retention period.

use leptos::prelude::GetUntracked;
use survey::record::{ResponseStatus, Timestamp};
use survey::{Batch, BatchError, Response, ResponseId, Store, Visit, VisitId};

use crate::app_state::AppState;
use crate::clock;
use crate::hand_in::{self, BatchRecord, Receipt};
use crate::local_store::LocalStore;
use crate::storage::{self, Key, StorageError};

const BATCH: &str = "batch/";

/// Why a batch could not be made or marked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandInError {
    /// Set-up is not done (no worker or agency to put on the batch).
    #[error("set up this tablet first")]
    NotSetUp,
    /// No completed interview waits.
    #[error("no completed interviews wait to be handed in")]
    NothingWaiting,
    /// Storage could not be read or written.
    #[error("{0}")]
    Storage(#[from] StorageError),
    /// The batch could not be made (a bug, not the worker's doing).
    #[error("the batch could not be made: {0}")]
    Batch(#[from] BatchError),
}

fn key(record: &BatchRecord) -> Key {
    Key::new(&format!("{BATCH}{}", record.id))
}

/// Every batch made on this tablet, newest first.
pub fn records() -> Result<Vec<BatchRecord>, StorageError> {
    let mut records = Vec::new();
    for key in storage::entries_under(BATCH)? {
        if let Some(record) = storage::load_or_quarantine::<BatchRecord>(&key)? {
            records.push(record);
        }
    }
    records.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    Ok(records)
}

fn save_record(record: &BatchRecord) -> Result<(), StorageError> {
    storage::save(&key(record), record)
}

/// Completed interviews not yet confirmed by a receipt, oldest first, at most
/// [`hand_in::MAX_RESPONSES`].
pub fn waiting(app: &AppState) -> Result<Vec<Response>, StorageError> {
    let mut summaries: Vec<_> = app
        .summaries()?
        .into_iter()
        .filter(|s| s.status == ResponseStatus::Complete)
        .collect();
    summaries.reverse();
    let mut responses = Vec::new();
    for summary in summaries.into_iter().take(hand_in::MAX_RESPONSES) {
        if let Some(response) = app.response(summary.id)? {
            if response.status == ResponseStatus::Complete {
                responses.push(response);
            }
        }
    }
    Ok(responses)
}

/// Visits whose outcome no receipt has confirmed yet, oldest first.
fn visits_waiting() -> Result<Vec<Visit>, StorageError> {
    let mut visits: Vec<Visit> = LocalStore
        .visits()?
        .into_iter()
        .filter(|v| v.uploaded.is_none())
        .collect();
    visits.reverse();
    Ok(visits)
}

/// The batch to hand in now: every completed interview that waits and every visit
/// outcome not yet confirmed. An earlier batch with exactly the same content (exported
/// or tried before, no receipt yet) is reused, so the collector sees one batch id.
/// Each response is marked with the batch.
pub fn prepare(app: &AppState) -> Result<(BatchRecord, Batch), HandInError> {
    let setup = app.setup.get_untracked().ok_or(HandInError::NotSetUp)?;
    let responses = waiting(app)?;
    if responses.is_empty() {
        return Err(HandInError::NothingWaiting);
    }
    let visits = visits_waiting()?;
    let response_ids: Vec<ResponseId> = responses.iter().map(|r| r.id).collect();
    let visit_ids: Vec<VisitId> = visits.iter().map(|v| v.id).collect();
    let record = match records()?
        .into_iter()
        .find(|r| hand_in::covers(r, &response_ids, &visit_ids))
    {
        Some(record) => record,
        None => {
            let record = BatchRecord {
                id: clock::new_batch_id(),
                created: clock::now(),
                assignment: setup.assignment(),
                responses: response_ids,
                visits: visit_ids,
                exported: None,
                receipt: None,
            };
            save_record(&record)?;
            record
        }
    };
    let batch = hand_in::build(app.questionnaire, &record, responses, &visits)?;
    for response in &batch.responses {
        let stored = app.response(response.id)?;
        if let Some(mut stored) = stored.filter(|s| s.batch != Some(record.id)) {
            // Only complete responses are in a batch; marking cannot fail for them.
            if stored.mark_exported(record.id).is_ok() && !app.save_response(&stored) {
                return Err(HandInError::Storage(StorageError::Full {
                    key: format!("response/{}", stored.id),
                }));
            }
        }
    }
    Ok((record, batch))
}

/// Builds again the batch `record` names, from what is still on the tablet.
pub fn rebuild(app: &AppState, record: &BatchRecord) -> Result<Batch, HandInError> {
    let mut responses = Vec::new();
    for id in &record.responses {
        if let Some(response) = app.response(*id)? {
            responses.push(response);
        }
    }
    let visits = LocalStore.visits()?;
    Ok(hand_in::build(
        app.questionnaire,
        record,
        responses,
        &visits,
    )?)
}

/// Notes that `record` was saved as a file now.
pub fn mark_exported(record: &mut BatchRecord) -> Result<(), StorageError> {
    record.exported = Some(clock::now());
    save_record(record)
}

/// The collector confirmed `record`: its responses become uploaded and its visits
/// confirmed (each written once), and the receipt is kept.
pub fn apply_receipt(
    app: &AppState,
    record: &mut BatchRecord,
    mut receipt: Receipt,
) -> Result<(), StorageError> {
    let now = clock::now();
    for id in &record.responses {
        if let Some(mut response) = app.response(*id)? {
            if response.mark_uploaded(now).is_ok() && !app.save_response(&response) {
                return Err(StorageError::Full {
                    key: format!("response/{id}"),
                });
            }
        }
    }
    for id in &record.visits {
        if let Some(mut visit) = LocalStore.visit(*id)? {
            if visit.uploaded.is_none() {
                visit.uploaded = Some(now);
                LocalStore.put_visit(&visit)?;
            }
        }
    }
    receipt.received = Some(now);
    record.receipt = Some(receipt);
    save_record(record)
}

/// Removes interviews handed in (receipt received) more than `days` ago, visits
/// confirmed as long ago, and batch records with nothing left. Never a response without
/// a receipt. Returns how many interviews were removed.
pub fn clear_expired(app: &AppState, days: u16, now: Timestamp) -> Result<usize, StorageError> {
    let cutoff = Timestamp(now.0 - hand_in::days(days));
    let mut removed = 0;
    for summary in app.summaries()? {
        if summary.status == ResponseStatus::Uploaded && summary.updated < cutoff {
            LocalStore.delete_response(summary.id)?;
            removed += 1;
        }
    }
    for visit in LocalStore.visits()? {
        if visit.uploaded.is_some_and(|at| at < cutoff) {
            LocalStore.delete_visit(visit.id)?;
        }
    }
    for record in records()? {
        let received = record.receipt.as_ref().and_then(|r| r.received);
        if received.is_some_and(|at| at < cutoff) {
            storage::remove(&key(&record))?;
        }
    }
    Ok(removed)
}

/// Days handed-in interviews stay on the tablet unless set in settings.
pub const DEFAULT_RETENTION_DAYS: u16 = 7;
/// The longest retention settings accept.
pub const MAX_RETENTION_DAYS: u16 = 90;

fn retention_key() -> Key {
    Key::new("retention-days")
}

/// Days handed-in interviews stay on the tablet after their receipt.
pub fn retention_days() -> u16 {
    storage::load_or_quarantine::<u16>(&retention_key())
        .ok()
        .flatten()
        .filter(|days| (1..=MAX_RETENTION_DAYS).contains(days))
        .unwrap_or(DEFAULT_RETENTION_DAYS)
}

/// Sets the retention, 1 to [`MAX_RETENTION_DAYS`] days.
pub fn set_retention_days(days: u16) -> Result<(), StorageError> {
    storage::save(&retention_key(), &days.clamp(1, MAX_RETENTION_DAYS))
}

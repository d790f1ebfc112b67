//! Hand in: completed interviews leave the tablet as a batch, uploaded to the collector
//! ([`upload`]) or saved as a file ([`export`]); only the collector's receipt marks them
//! handed in, and they are cleared a set number of days later ([`outbox`], pure and
//! generic over the store). [`screen`] is the Hand in screen.

pub mod export;
pub mod outbox;
pub mod screen;
pub mod upload;

use leptos::prelude::WithUntracked;
use survey::store::BatchRecord;
use survey::Batch;

use crate::app_state::AppState;
use crate::platform::clock;
use crate::platform::local_storage::StorageError;
use outbox::{HandInError, NewBatch};

pub use screen::HandInPage;
pub use upload::Uploads;

/// The batch to hand in now ([`outbox::prepare`]) for the tablet's set-up, with a fresh
/// id and the time from the browser should a new batch be needed.
pub fn prepare_now(app: &AppState) -> Result<(BatchRecord, Batch), HandInError<StorageError>> {
    let setup = app
        .setup
        .with_untracked(|setup| setup.as_ref().map(|s| s.assignment()))
        .ok_or(HandInError::NotSetUp)?;
    let new = NewBatch {
        id: clock::new_batch_id(),
        created: clock::now(),
    };
    outbox::prepare(&mut { *app }, app.questionnaire, &setup, new)
}

/// At start: interviews handed in longer ago than the retention period set in settings
/// leave the tablet (never one without a receipt). Returns how many went.
pub fn clear_expired(app: &AppState) -> Result<usize, StorageError> {
    let days = crate::device::settings::retention_days();
    outbox::clear_expired(&mut { *app }, days, clock::now())
}

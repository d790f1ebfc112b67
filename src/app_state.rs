//! What every screen shares: the questionnaire, the worker's set-up, and the one way the
//! app writes responses, visits and batch records (so a failed write is caught, kept and
//! reported in one place). It is also a [`Store`], so the hand-in's generic code writes
//! through the same path as the screens.

use leptos::prelude::*;
use survey::store::{BatchRecord, ResponseSummary};
use survey::{BatchId, Questionnaire, Response, ResponseId, Store, Visit, VisitId};

use crate::device::LocalStore;
use crate::platform::local_storage::StorageError;
use crate::setup::{self, SetUp};
use crate::words::{Msg, WorkerLanguage};

/// Shared state, provided by the app as context (`expect_context::<AppState>()`).
#[derive(Clone, Copy)]
pub struct AppState {
    /// The questionnaire, loaded and checked once at start.
    pub questionnaire: &'static Questionnaire,
    /// The saved set-up (`None` until the worker has set up).
    pub setup: RwSignal<Option<SetUp>>,
    /// Bumped after every write, so lists and counts read storage again.
    pub revision: RwSignal<u32>,
    /// A response whose last change could not be written: kept here, in memory, until a
    /// write succeeds.
    pub unsaved: RwSignal<Option<Response>>,
    /// Why the last write failed (`None` once saved); the banner says it in words.
    pub save_problem: RwSignal<Option<SaveProblem>>,
}

/// What a failed write was saving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsaved {
    /// The latest answer (the whole response is kept in memory).
    Answer,
    /// A door visit.
    Visit,
}

/// A write that failed, for the banner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveProblem {
    /// Why.
    pub error: StorageError,
    /// What was not saved.
    pub unsaved: Unsaved,
}

impl SaveProblem {
    fn of(error: &StorageError, unsaved: Unsaved) -> Self {
        SaveProblem {
            error: error.clone(),
            unsaved,
        }
    }

    /// What went wrong, in `language`.
    pub fn what(&self, language: WorkerLanguage) -> String {
        match (&self.error, self.unsaved) {
            (StorageError::Full { .. }, Unsaved::Answer) => {
                language.t(Msg::SaveAnswerFull).to_owned()
            }
            (StorageError::Full { .. }, Unsaved::Visit) => {
                language.t(Msg::SaveVisitFull).to_owned()
            }
            (other, Unsaved::Answer) => language.save_answer_failed(language.storage_error(other)),
            (other, Unsaved::Visit) => language.save_visit_failed(language.storage_error(other)),
        }
    }

    /// What to do about it, in `language`.
    pub fn advice(&self, language: WorkerLanguage) -> &'static str {
        language.storage_advice(&self.error)
    }
}

impl AppState {
    /// Loads the set-up and builds the state. A set-up that cannot be read leaves the
    /// worker at the set-up screen (a damaged one is set aside and reported in settings).
    pub fn new(questionnaire: &'static Questionnaire) -> Self {
        AppState {
            questionnaire,
            setup: RwSignal::new(setup::load().ok().flatten()),
            revision: RwSignal::new(0),
            unsaved: RwSignal::new(None),
            save_problem: RwSignal::new(None),
        }
    }

    /// Reads `revision`, so a reactive closure that lists records runs again after a write.
    pub fn track(&self) {
        self.revision.track();
    }

    /// Tells lists and counts that storage changed.
    pub fn changed(&self) {
        self.revision.update(|n| *n = n.wrapping_add(1));
    }

    /// One response: the copy kept in memory after a failed write if there is one, else
    /// the stored one.
    pub fn response(&self, id: ResponseId) -> Result<Option<Response>, StorageError> {
        if let Some(response) = self
            .unsaved
            .with_untracked(|unsaved| unsaved.as_ref().filter(|r| r.id == id).cloned())
        {
            return Ok(Some(response));
        }
        LocalStore.response(id)
    }

    /// Writes one response (only that one). On failure it is kept in memory, the banner
    /// says what to do, and the error is returned.
    pub fn save_response(&self, response: &Response) -> Result<(), StorageError> {
        match LocalStore.put_response(response) {
            Ok(()) => {
                let was_unsaved = self
                    .unsaved
                    .with_untracked(|unsaved| unsaved.as_ref().map(|r| r.id) == Some(response.id));
                if was_unsaved {
                    self.unsaved.set(None);
                    self.save_problem.set(None);
                }
                self.changed();
                Ok(())
            }
            Err(error) => {
                self.unsaved.set(Some(response.clone()));
                self.save_problem
                    .set(Some(SaveProblem::of(&error, Unsaved::Answer)));
                Err(error)
            }
        }
    }

    /// Tries again to write the response kept in memory (nothing to do if there is none).
    pub fn retry_save(&self) -> Result<(), StorageError> {
        match self.unsaved.get_untracked() {
            Some(response) => self.save_response(&response),
            None => Ok(()),
        }
    }

    /// Removes a response from the device (and from memory); `true` if it was stored.
    pub fn delete_response(&self, id: ResponseId) -> Result<bool, StorageError> {
        if self
            .unsaved
            .with_untracked(|u| u.as_ref().map(|r| r.id) == Some(id))
        {
            self.unsaved.set(None);
            self.save_problem.set(None);
        }
        let existed = LocalStore.delete_response(id)?;
        self.changed();
        Ok(existed)
    }

    /// Every response's summary, newest first (tracked: runs again after writes).
    pub fn summaries(&self) -> Result<Vec<ResponseSummary>, StorageError> {
        self.track();
        LocalStore.responses()
    }

    /// Writes one visit; on failure the banner says what to do.
    pub fn save_visit(&self, visit: &Visit) -> Result<(), StorageError> {
        match LocalStore.put_visit(visit) {
            Ok(()) => {
                self.changed();
                Ok(())
            }
            Err(error) => {
                self.save_problem
                    .set(Some(SaveProblem::of(&error, Unsaved::Visit)));
                Err(error)
            }
        }
    }

    /// One visit.
    pub fn visit(&self, id: VisitId) -> Result<Option<Visit>, StorageError> {
        LocalStore.visit(id)
    }

    /// Every visit, newest first (tracked).
    pub fn visits(&self) -> Result<Vec<Visit>, StorageError> {
        self.track();
        LocalStore.visits()
    }

    /// Every batch made on this tablet, newest first (tracked).
    pub fn batch_records(&self) -> Result<Vec<BatchRecord>, StorageError> {
        self.track();
        LocalStore.batch_records()
    }
}

/// The same writes and reads as the methods above, for code generic over [`Store`].
impl Store for AppState {
    type Error = StorageError;

    fn put_response(&mut self, response: &Response) -> Result<(), StorageError> {
        self.save_response(response)
    }

    fn response(&self, id: ResponseId) -> Result<Option<Response>, StorageError> {
        AppState::response(self, id)
    }

    fn responses(&self) -> Result<Vec<ResponseSummary>, StorageError> {
        self.summaries()
    }

    fn delete_response(&mut self, id: ResponseId) -> Result<bool, StorageError> {
        AppState::delete_response(self, id)
    }

    fn put_visit(&mut self, visit: &Visit) -> Result<(), StorageError> {
        self.save_visit(visit)
    }

    fn visit(&self, id: VisitId) -> Result<Option<Visit>, StorageError> {
        AppState::visit(self, id)
    }

    fn visits(&self) -> Result<Vec<Visit>, StorageError> {
        AppState::visits(self)
    }

    fn delete_visit(&mut self, id: VisitId) -> Result<bool, StorageError> {
        let existed = LocalStore.delete_visit(id)?;
        self.changed();
        Ok(existed)
    }

    fn put_batch_record(&mut self, record: &BatchRecord) -> Result<(), StorageError> {
        LocalStore.put_batch_record(record)?;
        self.changed();
        Ok(())
    }

    fn batch_records(&self) -> Result<Vec<BatchRecord>, StorageError> {
        AppState::batch_records(self)
    }

    fn delete_batch_record(&mut self, id: BatchId) -> Result<bool, StorageError> {
        let existed = LocalStore.delete_batch_record(id)?;
        self.changed();
        Ok(existed)
    }
}

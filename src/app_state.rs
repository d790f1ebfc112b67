//! What every screen shares: the questionnaire, the worker's set-up, and the one way the
//! app writes responses and visits (so a failed write is caught, kept and reported in
//! one place).

use leptos::prelude::*;
use survey::store::ResponseSummary;
use survey::{Questionnaire, Response, ResponseId, Store, Visit, VisitId};

use crate::local_store::LocalStore;
use crate::setup::{self, SetUp};
use crate::storage::StorageError;

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
    /// Why the last write failed, in words for the worker (`None` once saved).
    pub save_problem: RwSignal<Option<SaveProblem>>,
}

/// A write that failed, for the banner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveProblem {
    /// What went wrong.
    pub what: String,
    /// What to do about it.
    pub advice: &'static str,
}

impl SaveProblem {
    fn of(error: &StorageError, thing: &str) -> Self {
        let what = match error {
            StorageError::Full { .. } => format!(
                "The tablet's storage is full: {thing} is not saved yet. It is kept on screen \
                 while Doorstep stays open."
            ),
            other => format!("{thing} could not be saved ({other})."),
        };
        SaveProblem {
            what,
            advice: error.advice(),
        }
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

    /// Writes one response (only that one). On failure it is kept in memory and the
    /// banner says what to do; returns whether it was written.
    pub fn save_response(&self, response: &Response) -> bool {
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
                true
            }
            Err(error) => {
                self.unsaved.set(Some(response.clone()));
                self.save_problem
                    .set(Some(SaveProblem::of(&error, "the latest answer")));
                false
            }
        }
    }

    /// Tries again to write the response kept in memory.
    pub fn retry_save(&self) -> bool {
        match self.unsaved.get_untracked() {
            Some(response) => self.save_response(&response),
            None => true,
        }
    }

    /// Removes a response from the device.
    pub fn delete_response(&self, id: ResponseId) -> Result<(), StorageError> {
        if self
            .unsaved
            .with_untracked(|u| u.as_ref().map(|r| r.id) == Some(id))
        {
            self.unsaved.set(None);
            self.save_problem.set(None);
        }
        LocalStore.delete_response(id)?;
        self.changed();
        Ok(())
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
                    .set(Some(SaveProblem::of(&error, "the visit")));
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
}

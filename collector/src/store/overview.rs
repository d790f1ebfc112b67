//! The console's overview: responses received and doors knocked, per day, agency, ward
//! and worker code, with the contact rate, counted once and kept up to date in an
//! [`OverviewCache`] (as [`super::results::ResultsCache`] keeps the results).
//!
//! - **Responses** are counted per cell of agency, ward, worker and day of completion
//!   (UTC). The first use reads every row; each query then reads only the rows whose
//!   `rowid` is above the last one seen (a stored response's agency, ward, worker and
//!   completion never change). A table that shrank (a backup put back) is read again.
//! - **Doors** are the stored visits, per cell of their batch's agency and worker, their
//!   own ward and day. A visit is only ever stored with a new batch row (a batch sent
//!   again brings the same visits), so they are counted again, all of them, when the
//!   largest `rowid` of `batches` has changed since the last query, and otherwise not
//!   read at all. A visit's worker is its batch's: the batch checks make every response
//!   of a batch its worker's, and the visits come from the same tablet.
//! - Doors, contacts and interviews are counted as the tablet counts them
//!   ([`VisitCounts`]): a contact is any outcome but "no answer", an interview a visit
//!   whose outcome is "interviewed".
//!
//! Every response stored is counted, whatever its review state: this is what came in.
//!
//! What a user sees: [`OverviewCache::overview`] counts the records of the user's
//! [`Scope`] (record-level figures: per worker, per day) and is shown as it is;
//! [`OverviewCache::partnership`] counts every agency's but gives only per-agency and
//! per-ward totals, suppressed ([`survey::results::suppression`]), for a coordinator.

use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use survey::results::suppression::{suppress_list, Breakdown, Cell, List, Threshold};
use survey::VisitCounts;

use self::cells::{add_up, refresh, State};
use super::results::Day;
use super::scope::Scope;
use super::DbError;

#[path = "overview_cells.rs"]
mod cells;

/// Which records a figure counts: every field left empty counts everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewFilter {
    /// Only this ward's.
    pub area: Option<String>,
    /// Only this agency's (within the scope).
    pub agency: Option<String>,
    /// Completed (a response) or knocked (a door) on or after this day.
    pub from: Option<Day>,
    /// Completed or knocked on or before this day.
    pub to: Option<Day>,
}

/// Responses and doors of some records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Responses received.
    pub responses: u64,
    /// Doors knocked, contacts and interviews, from the visits' outcomes.
    pub visits: VisitCounts,
}

impl Figures {
    fn add(&mut self, other: &Figures) {
        self.responses += other.responses;
        self.visits.doors = self.visits.doors.saturating_add(other.visits.doors);
        self.visits.contacts = self.visits.contacts.saturating_add(other.visits.contacts);
        self.visits.interviews = self
            .visits
            .interviews
            .saturating_add(other.visits.interviews);
    }

    /// Interviews as a whole percentage of doors, rounded half up as the contact rate is
    /// (`None` before the first door).
    pub fn interview_rate(&self) -> Option<u32> {
        let (interviews, doors) = (
            u64::from(self.visits.interviews),
            u64::from(self.visits.doors),
        );
        (doors > 0).then(|| u32::try_from((interviews * 100 + doors / 2) / doors).unwrap_or(100))
    }
}

/// A worker, by agency and code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkerKey {
    /// The worker's agency.
    pub agency: String,
    /// The worker code.
    pub worker: String,
}

/// The figures of the records in a scope, in every breakdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    /// All of them.
    pub total: Figures,
    /// Per day (oldest first); responses by completion, doors by visit.
    pub by_day: Vec<(Day, Figures)>,
    /// Per agency (by code).
    pub by_agency: Vec<(String, Figures)>,
    /// Per ward (by area code).
    pub by_ward: Vec<(String, Figures)>,
    /// Per worker (by agency, then code).
    pub by_worker: Vec<(WorkerKey, Figures)>,
}

/// Responses, doors and contacts of some records, suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownFigures {
    /// Responses received.
    pub responses: Cell,
    /// Doors knocked.
    pub doors: Cell,
    /// Doors where somebody answered.
    pub contacts: Cell,
}

impl ShownFigures {
    /// The contact rate, only when both of its figures are shown.
    pub fn contact_rate(&self) -> Option<u32> {
        match (self.doors, self.contacts) {
            (Cell::Shown(doors), Cell::Shown(contacts)) => VisitCounts {
                doors: u32::try_from(doors).unwrap_or(u32::MAX),
                contacts: u32::try_from(contacts).unwrap_or(u32::MAX),
                interviews: 0,
            }
            .contact_rate(),
            _ => None,
        }
    }
}

/// Rows of suppressed figures with their total: each column (responses, doors,
/// contacts) suppressed with its total as one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownTable {
    /// Each row's key (an agency or area code) and figures.
    pub rows: Vec<(String, ShownFigures)>,
    /// The totals.
    pub total: ShownFigures,
}

/// Every agency's records, as a coordinator may see them: totals per agency and per
/// ward, suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    /// Per agency.
    pub by_agency: ShownTable,
    /// Per ward.
    pub by_ward: ShownTable,
}

/// Why the overview could not be counted.
#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for OverviewError {
    fn from(error: rusqlite::Error) -> Self {
        OverviewError::Db(DbError::Query(error))
    }
}

/// The counted responses and doors, shared between requests (cheap to clone).
#[derive(Debug, Clone)]
pub struct OverviewCache {
    state: Arc<Mutex<State>>,
}

impl Default for OverviewCache {
    fn default() -> Self {
        OverviewCache::new()
    }
}

impl OverviewCache {
    /// An empty cache; it reads the database on first use.
    pub fn new() -> OverviewCache {
        OverviewCache {
            state: Arc::new(Mutex::new(State::stale())),
        }
    }

    /// The records of `scope` that `filter` takes, in every breakdown, after a refresh.
    /// A coordinator's scope counts only its agency's (asking for another gives nothing).
    pub fn overview(
        &self,
        connection: &Connection,
        scope: &Scope,
        filter: &OverviewFilter,
    ) -> Result<Overview, OverviewError> {
        let agency = match (scope.agency(), filter.agency.as_deref()) {
            (Some(own), Some(asked)) if own != asked => return Ok(Overview::default()),
            (Some(own), _) => Some(own),
            (None, asked) => asked,
        };
        let mut state = self.lock();
        refresh(&mut state, connection)?;
        Ok(add_up(&state, filter, agency))
    }

    /// Every agency's records that `filter` takes (its agency ignored), as totals per
    /// agency and per ward, suppressed at `threshold`; nothing when they hold fewer
    /// responses than the threshold.
    pub fn partnership(
        &self,
        connection: &Connection,
        filter: &OverviewFilter,
        threshold: Threshold,
    ) -> Result<Breakdown<Partnership>, OverviewError> {
        let mut state = self.lock();
        refresh(&mut state, connection)?;
        let overview = add_up(&state, filter, None);
        drop(state);
        Ok(
            threshold.breakdown(overview.total.responses, || Partnership {
                by_agency: shown_table(&overview.by_agency, threshold),
                by_ward: shown_table(&overview.by_ward, threshold),
            }),
        )
    }

    /// Makes the next query count everything again.
    pub fn invalidate(&self) {
        self.lock().stale = true;
    }

    /// The state; one left half-updated by a panic elsewhere is counted again.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            state.stale = true;
            state
        })
    }
}

/// `rows` with each column suppressed as a list with its total.
fn shown_table(rows: &[(String, Figures)], threshold: Threshold) -> ShownTable {
    let column = |value: &dyn Fn(&Figures) -> u64| {
        let counts: Vec<u64> = rows.iter().map(|(_, figures)| value(figures)).collect();
        suppress_list(&counts, threshold)
    };
    let responses = column(&|f| f.responses);
    let doors = column(&|f| u64::from(f.visits.doors));
    let contacts = column(&|f| u64::from(f.visits.contacts));
    ShownTable {
        rows: rows
            .iter()
            .enumerate()
            .map(|(index, (key, _))| {
                let cell = |list: &List| list.cells.get(index).copied().unwrap_or(Cell::Suppressed);
                (
                    key.clone(),
                    ShownFigures {
                        responses: cell(&responses),
                        doors: cell(&doors),
                        contacts: cell(&contacts),
                    },
                )
            })
            .collect(),
        total: ShownFigures {
            responses: responses.total,
            doors: doors.total,
            contacts: contacts.total,
        },
    }
}

#[cfg(test)]
#[path = "overview_tests.rs"]
mod tests;

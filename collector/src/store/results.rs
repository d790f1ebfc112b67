//! The console's results, counted once and kept up to date: a [`ResultsCache`] of
//! tallies ([`survey::results::Tally`], the same counting as the tablet's) per
//! questionnaire version, ward, agency and day of completion (UTC), from which a page's
//! figures are added up instead of counting every stored response again.
//!
//! - **First use** reads every row of `responses` and counts it in its cell.
//! - **Every query** first reads only the rows whose `rowid` is above the last one seen,
//!   so batches stored since (by this process, another one, or `collector import`) are
//!   counted before the figures are added up. SQLite gives a new row a `rowid` above
//!   every committed one (writers take turns), so nothing is missed.
//! - **Rejected responses** (`review` = `ReviewState::Rejected.code()`) are not counted. A tally cannot take
//!   a response back out, so when the review log holds a change from or to `rejected`
//!   newer than the last one seen, the cache is rebuilt from the whole table. That is
//!   rare (a coordinator rejecting a response), and the next query pays one full count
//!   (see `collector bench-results`). Review changes among the other states change no
//!   figure and cost nothing. Review changes must be written to `review_log` for the
//!   cache to see them.
//! - If the table shrank (its largest `rowid` is below the last seen: a database put
//!   back from a backup), the cache is rebuilt too; [`ResultsCache::invalidate`] forces
//!   it.
//!
//! A [`ResultsCache`] is cheap to clone and shared between requests (an `Arc<Mutex<…>>`
//! inside); each query reads the database through the caller's connection, inside a
//! blocking task. The tallies borrow their questionnaire for as long as the process
//! lives ([`shipped`]: the shipped questionnaires, loaded once).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rusqlite::Connection;
use survey::record::{days_from_civil, QuestionnaireRef};
use survey::results::{IndicatorError, MergeError, Results, Tally};
use survey::{Questionnaire, Response};

use super::review::ReviewState;
use super::DbError;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// Why results could not be counted.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The questionnaire asked for is not one this collector ships.
    #[error("this collector does not know questionnaire {0}")]
    UnknownQuestionnaire(QuestionnaireRef),
    /// The shipped questionnaires do not load (a broken build).
    #[error("the shipped questionnaires do not load: {0}")]
    Shipped(String),
    /// The questionnaire lacks what the headline figures count.
    #[error(transparent)]
    Indicators(#[from] IndicatorError),
    /// Tallies of two questionnaires were added up (a bug: cells are kept apart).
    #[error(transparent)]
    Merge(#[from] MergeError),
}

impl From<rusqlite::Error> for ResultsError {
    fn from(error: rusqlite::Error) -> Self {
        ResultsError::Db(DbError::Query(error))
    }
}

/// The shipped questionnaires ([`survey::shipped::shipped_questionnaires`]), loaded once
/// and kept for the life of the process, so tallies can borrow them.
pub fn shipped() -> Result<&'static [Questionnaire], ResultsError> {
    static SHIPPED: OnceLock<Result<Vec<Questionnaire>, String>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| survey::shipped::shipped_questionnaires().map_err(|e| e.to_string()))
        .as_deref()
        .map_err(|e| ResultsError::Shipped(e.clone()))
}

/// A day, UTC, as days since 1970-01-01 (the day a response was completed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The day of `millis` (milliseconds since 1970, UTC).
    pub fn of_millis(millis: i64) -> Day {
        Day(millis.div_euclid(DAY_MS))
    }

    /// The day `year`-`month`-`day` (proleptic Gregorian).
    pub fn from_civil(year: i64, month: u32, day: u32) -> Day {
        Day(days_from_civil(year, month, day))
    }
}

/// Which responses a page counts: every field left empty counts everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultsFilter {
    /// Wards (area codes) counted; empty for every ward.
    pub areas: Vec<String>,
    /// The one agency counted; `None` for every agency.
    pub agency: Option<String>,
    /// Completed on or after this day (UTC).
    pub from_day: Option<Day>,
    /// Completed on or before this day (UTC).
    pub to_day: Option<Day>,
}

impl ResultsFilter {
    fn takes(&self, cell: &CellKey) -> bool {
        let in_range = match cell.day {
            Some(day) => {
                self.from_day.is_none_or(|from| day >= from)
                    && self.to_day.is_none_or(|to| day <= to)
            }
            // Not completed: outside every date range.
            None => self.from_day.is_none() && self.to_day.is_none(),
        };
        in_range
            && (self.areas.is_empty() || self.areas.contains(&cell.area))
            && self
                .agency
                .as_ref()
                .is_none_or(|agency| agency == &cell.agency)
    }
}

/// One ward's results, for the wards side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct WardResults {
    /// The ward's area code.
    pub area: String,
    /// Its results (suppress them with [`Results::shown`] before showing them).
    pub results: Results,
}

/// What the cache has read, for a status line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStatus {
    /// Responses counted.
    pub counted: u64,
    /// Rejected responses left out.
    pub rejected: u64,
    /// Responses to a questionnaire this collector does not ship, left out.
    pub unknown_questionnaire: u64,
    /// Stored responses whose JSON does not read back, left out.
    pub unreadable: u64,
    /// Times the cache was built from the whole table.
    pub builds: u64,
}

/// The counted responses, kept per cell and shared between requests.
#[derive(Clone, Debug)]
pub struct ResultsCache {
    state: Arc<Mutex<State>>,
}

/// A questionnaire version: its id and version.
type VersionKey = (&'static str, u32);

fn key_of(questionnaire: &'static Questionnaire) -> VersionKey {
    (questionnaire.id.as_str(), questionnaire.version)
}

/// A cell: one questionnaire version, ward, agency and day.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CellKey {
    questionnaire: VersionKey,
    area: String,
    agency: String,
    day: Option<Day>,
}

#[derive(Debug, Default)]
struct State {
    /// Nothing read yet, or to be read again from the start.
    stale: bool,
    last_rowid: i64,
    last_review: i64,
    cells: HashMap<CellKey, Tally<'static>>,
    status: CacheStatus,
}

impl ResultsCache {
    /// An empty cache; it reads the database on first use. Responses count under the
    /// version they answer, as this process has loaded it ([`super::accepted::kept`]).
    pub fn new() -> ResultsCache {
        ResultsCache {
            state: Arc::new(Mutex::new(State {
                stale: true,
                ..State::default()
            })),
        }
    }

    /// Makes the next query count every stored response again.
    pub fn invalidate(&self) {
        self.lock().stale = true;
    }

    /// Brings the cache up to date with the database: the new rows, or everything again
    /// after a rejection (or its undoing).
    pub fn refresh(&self, connection: &Connection) -> Result<CacheStatus, ResultsError> {
        let mut state = self.lock();
        self.refresh_locked(&mut state, connection)?;
        Ok(state.status)
    }

    /// The results of `questionnaire`'s responses that `filter` takes, after a refresh.
    /// The base n is [`Results::responses`].
    pub fn results(
        &self,
        connection: &Connection,
        questionnaire: &QuestionnaireRef,
        filter: &ResultsFilter,
    ) -> Result<Results, ResultsError> {
        let (position, questionnaire) = find(questionnaire)?;
        let mut state = self.lock();
        self.refresh_locked(&mut state, connection)?;
        let mut tally = Tally::new(questionnaire);
        for (key, cell) in &state.cells {
            if key.questionnaire == position && filter.takes(key) {
                tally.merge(cell)?;
            }
        }
        Ok(tally.results()?)
    }

    /// Each ward's results (of the responses `filter` takes; its `areas` choose the
    /// wards), after a refresh: the questionnaire's wards in its order, then any other
    /// area code stored, sorted. A ward with no response is left out.
    pub fn by_ward(
        &self,
        connection: &Connection,
        questionnaire: &QuestionnaireRef,
        filter: &ResultsFilter,
    ) -> Result<Vec<WardResults>, ResultsError> {
        let (position, questionnaire) = find(questionnaire)?;
        let mut state = self.lock();
        self.refresh_locked(&mut state, connection)?;
        let mut wards: HashMap<&str, Tally<'static>> = HashMap::new();
        for (key, cell) in &state.cells {
            if key.questionnaire == position && filter.takes(key) {
                wards
                    .entry(key.area.as_str())
                    .or_insert_with(|| Tally::new(questionnaire))
                    .merge(cell)?;
            }
        }
        let place = |area: &str| {
            questionnaire
                .areas
                .iter()
                .position(|known| known.code == area)
                .unwrap_or(usize::MAX)
        };
        let mut order: Vec<&str> = wards.keys().copied().collect();
        order.sort_by(|a, b| place(a).cmp(&place(b)).then(a.cmp(b)));
        order
            .into_iter()
            .filter_map(|area| wards.get(area).map(|tally| (area, tally)))
            .map(|(area, tally)| {
                Ok(WardResults {
                    area: area.to_owned(),
                    results: tally.results()?,
                })
            })
            .collect()
    }

    /// The state; one left half-updated by a panic elsewhere is counted again.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            state.stale = true;
            state
        })
    }

    fn refresh_locked(
        &self,
        state: &mut State,
        connection: &Connection,
    ) -> Result<(), ResultsError> {
        let (last_review, rejection): (i64, bool) = connection.query_row(
            "SELECT coalesce(max(id), 0),
                    EXISTS (SELECT 1 FROM review_log WHERE id > ?1
                            AND ?2 IN (from_state, to_state))
             FROM review_log",
            [state.last_review, ReviewState::Rejected.code()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let largest: i64 =
            connection.query_row("SELECT coalesce(max(rowid), 0) FROM responses", [], |row| {
                row.get(0)
            })?;
        if state.stale || rejection || largest < state.last_rowid {
            let builds = state.status.builds + 1;
            *state = State {
                status: CacheStatus {
                    builds,
                    ..CacheStatus::default()
                },
                ..State::default()
            };
        }
        // The log's position before the rows: a rejection made while they are read is
        // seen by the next refresh.
        state.last_review = last_review;
        if largest > state.last_rowid {
            self.read_rows(state, connection)?;
        }
        Ok(())
    }

    /// Counts the rows above the last `rowid` seen, one at a time.
    fn read_rows(&self, state: &mut State, connection: &Connection) -> Result<(), ResultsError> {
        let mut statement = connection.prepare_cached(
            "SELECT rowid, questionnaire_id, questionnaire_version, area, agency, completed,
                    review = ?2, json
             FROM responses WHERE rowid > ?1 ORDER BY rowid",
        )?;
        let mut rows = statement.query([state.last_rowid, ReviewState::Rejected.code()])?;
        while let Some(row) = rows.next()? {
            state.last_rowid = row.get(0)?;
            if row.get::<_, bool>(6)? {
                state.status.rejected += 1;
                continue;
            }
            let id = row.get_ref(1)?.as_str().unwrap_or_default();
            let version: u32 = row.get(2)?;
            let Some(questionnaire) = super::accepted::kept(id, version) else {
                state.status.unknown_questionnaire += 1;
                continue;
            };
            let response = row
                .get_ref(7)?
                .as_str()
                .ok()
                .and_then(|json| serde_json::from_str::<Response>(json).ok());
            let Some(response) = response else {
                state.status.unreadable += 1;
                continue;
            };
            let key = CellKey {
                questionnaire: key_of(questionnaire),
                area: row.get(3)?,
                agency: row.get(4)?,
                day: row.get::<_, Option<i64>>(5)?.map(Day::of_millis),
            };
            state
                .cells
                .entry(key)
                .or_insert_with(|| Tally::new(questionnaire))
                .add(&response);
            state.status.counted += 1;
        }
        Ok(())
    }
}

/// `questionnaire` as this process has loaded it, with its cells' key.
fn find(
    questionnaire: &QuestionnaireRef,
) -> Result<(VersionKey, &'static Questionnaire), ResultsError> {
    super::accepted::kept(&questionnaire.id, questionnaire.version)
        .map(|known| (key_of(known), known))
        .ok_or_else(|| ResultsError::UnknownQuestionnaire(questionnaire.clone()))
}

impl Default for ResultsCache {
    fn default() -> ResultsCache {
        ResultsCache::new()
    }
}

#[cfg(test)]
#[path = "results_tests.rs"]
mod tests;

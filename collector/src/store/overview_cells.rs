//! The overview's cells: what [`super::OverviewCache`] keeps (responses and visits per
//! agency, ward, worker and day), how it is brought up to date, and how a query adds
//! the cells it takes up into breakdowns.
//!
//! Codes are kept once each and cells keyed by their numbers ([`Names`]), so reading a
//! row or adding up a cell allocates nothing: at 100,000 responses and 300,000 doors,
//! counting every door again takes about a third of what it took with text keys.

use std::collections::HashMap;

use rusqlite::Connection;
use survey::record::VisitOutcome;
use survey::VisitCounts;

use super::{Figures, Overview, OverviewError, OverviewFilter, WorkerKey};
use crate::store::results::Day;

/// Codes (of agencies, wards or workers) by number, each kept once.
#[derive(Debug, Default)]
pub(super) struct Names {
    names: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Names {
    /// The number of `name`, given it now if it is new.
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&number) = self.numbers.get(name) {
            return number;
        }
        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.numbers.insert(name.to_owned(), number);
        number
    }

    /// The number of `name`, if it has one.
    fn find(&self, name: &str) -> Option<u32> {
        self.numbers.get(name).copied()
    }

    fn name(&self, number: u32) -> &str {
        usize::try_from(number)
            .ok()
            .and_then(|index| self.names.get(index))
            .map_or("", String::as_str)
    }
}

/// A cell: one agency, ward, worker (by their numbers) and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Key {
    agency: u32,
    area: u32,
    worker: u32,
    day: Option<Day>,
}

#[derive(Debug, Default)]
pub(super) struct State {
    /// Nothing read yet, or to be read again from the start.
    pub(super) stale: bool,
    last_rowid: i64,
    agencies: Names,
    areas: Names,
    workers: Names,
    responses: HashMap<Key, u64>,
    /// The largest batch `rowid` when the visits were counted (`None`: not yet).
    visits_at: Option<i64>,
    visits: HashMap<Key, VisitCounts>,
}

impl State {
    /// Nothing read yet.
    pub(super) fn stale() -> State {
        State {
            stale: true,
            ..State::default()
        }
    }

    fn key(&mut self, agency: &str, area: &str, worker: &str, day: Option<Day>) -> Key {
        Key {
            agency: self.agencies.number(agency),
            area: self.areas.number(area),
            worker: self.workers.number(worker),
            day,
        }
    }
}

fn text<'a>(row: &'a rusqlite::Row<'_>, column: usize) -> rusqlite::Result<&'a str> {
    Ok(row.get_ref(column)?.as_str().unwrap_or_default())
}

/// Brings `state` up to date: the new responses, and every visit again if a batch
/// arrived; everything again if the tables shrank.
pub(super) fn refresh(state: &mut State, connection: &Connection) -> Result<(), OverviewError> {
    let (responses, batches): (i64, i64) = connection.query_row(
        "SELECT (SELECT coalesce(max(rowid), 0) FROM responses),
                (SELECT coalesce(max(rowid), 0) FROM batches)",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    if state.stale || responses < state.last_rowid || state.visits_at.is_some_and(|b| batches < b) {
        *state = State::default();
    }
    if responses > state.last_rowid {
        let mut statement = connection.prepare_cached(
            "SELECT rowid, agency, area, worker, completed FROM responses
             WHERE rowid > ?1 ORDER BY rowid",
        )?;
        let mut rows = statement.query([state.last_rowid])?;
        while let Some(row) = rows.next()? {
            state.last_rowid = row.get(0)?;
            let day = row.get::<_, Option<i64>>(4)?.map(Day::of_millis);
            let key = state.key(text(row, 1)?, text(row, 2)?, text(row, 3)?, day);
            *state.responses.entry(key).or_insert(0) += 1;
        }
    }
    if state.visits_at != Some(batches) {
        count_visits(state, connection)?;
        state.visits_at = Some(batches);
    }
    Ok(())
}

/// Counts every stored visit again, per cell: its batch's agency and worker, its ward
/// and day.
fn count_visits(state: &mut State, connection: &Connection) -> Result<(), OverviewError> {
    // Each batch's agency and worker, by the batch's id.
    let mut owners: HashMap<[u8; 16], (u32, u32)> = HashMap::new();
    let mut statement = connection.prepare_cached("SELECT id, agency, worker FROM batches")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let Ok(id) = <[u8; 16]>::try_from(row.get_ref(0)?.as_blob().unwrap_or_default()) else {
            continue;
        };
        let owner = (
            state.agencies.number(text(row, 1)?),
            state.workers.number(text(row, 2)?),
        );
        owners.insert(id, owner);
    }
    // A visit whose batch is not found (the foreign key allows none) is nobody's.
    let nobody = (state.agencies.number(""), state.workers.number(""));
    let units: Vec<(&str, VisitCounts)> = VisitOutcome::ALL
        .into_iter()
        .map(|outcome| (outcome.as_str(), VisitCounts::of([outcome])))
        .collect();
    // Every stored outcome passed the batch checks; one from elsewhere is a door.
    let door = VisitCounts {
        doors: 1,
        ..VisitCounts::default()
    };
    state.visits.clear();
    let mut statement =
        connection.prepare_cached("SELECT batch, area, time, outcome FROM visits")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let outcome = text(row, 3)?;
        let counts = units
            .iter()
            .find(|(word, _)| *word == outcome)
            .map_or(door, |(_, counts)| *counts);
        let (agency, worker) = <[u8; 16]>::try_from(row.get_ref(0)?.as_blob().unwrap_or_default())
            .ok()
            .and_then(|id| owners.get(&id).copied())
            .unwrap_or(nobody);
        let key = Key {
            agency,
            area: state.areas.number(text(row, 1)?),
            worker,
            day: Some(Day::of_millis(row.get(2)?)),
        };
        add_visits(state.visits.entry(key).or_default(), &counts);
    }
    Ok(())
}

fn add_visits(into: &mut VisitCounts, counts: &VisitCounts) {
    into.doors = into.doors.saturating_add(counts.doors);
    into.contacts = into.contacts.saturating_add(counts.contacts);
    into.interviews = into.interviews.saturating_add(counts.interviews);
}

/// Adds up every cell `filter` takes, of `agency` if given (the filter's own agency is
/// the caller's to pass), into the breakdowns.
pub(super) fn add_up(state: &State, filter: &OverviewFilter, agency: Option<&str>) -> Overview {
    // A code never stored is in no cell: nothing is taken.
    let wanted = |names: &Names, code: Option<&str>| match code {
        None => Some(None),
        Some(code) => names.find(code).map(Some),
    };
    let (Some(agency), Some(area)) = (
        wanted(&state.agencies, agency),
        wanted(&state.areas, filter.area.as_deref()),
    ) else {
        return Overview::default();
    };
    let takes = |key: &Key| {
        agency.is_none_or(|agency| key.agency == agency)
            && area.is_none_or(|area| key.area == area)
            && match key.day {
                Some(day) => {
                    filter.from.is_none_or(|from| day >= from)
                        && filter.to.is_none_or(|to| day <= to)
                }
                None => filter.from.is_none() && filter.to.is_none(),
            }
    };
    let mut tables = Tables::default();
    for (key, &responses) in state.responses.iter().filter(|(key, _)| takes(key)) {
        let figures = Figures {
            responses,
            ..Figures::default()
        };
        tables.add(key, &figures);
    }
    for (key, &visits) in state.visits.iter().filter(|(key, _)| takes(key)) {
        let figures = Figures {
            responses: 0,
            visits,
        };
        tables.add(key, &figures);
    }
    tables.overview(state)
}

/// The breakdowns, added up cell by cell, by the codes' numbers.
#[derive(Default)]
struct Tables {
    total: Figures,
    by_day: HashMap<Option<Day>, Figures>,
    by_agency: HashMap<u32, Figures>,
    by_ward: HashMap<u32, Figures>,
    by_worker: HashMap<(u32, u32), Figures>,
}

impl Tables {
    fn add(&mut self, key: &Key, figures: &Figures) {
        self.total.add(figures);
        self.by_day.entry(key.day).or_default().add(figures);
        self.by_agency.entry(key.agency).or_default().add(figures);
        self.by_ward.entry(key.area).or_default().add(figures);
        self.by_worker
            .entry((key.agency, key.worker))
            .or_default()
            .add(figures);
    }

    fn overview(self, state: &State) -> Overview {
        let named = |names: &Names, map: HashMap<u32, Figures>| {
            sorted(
                map.into_iter()
                    .map(|(number, figures)| (names.name(number).to_owned(), figures)),
            )
        };
        Overview {
            total: self.total,
            by_day: sorted(
                self.by_day
                    .into_iter()
                    .filter_map(|(day, figures)| day.map(|day| (day, figures))),
            ),
            by_agency: named(&state.agencies, self.by_agency),
            by_ward: named(&state.areas, self.by_ward),
            by_worker: sorted(
                self.by_worker
                    .into_iter()
                    .map(|((agency, worker), figures)| {
                        let key = WorkerKey {
                            agency: state.agencies.name(agency).to_owned(),
                            worker: state.workers.name(worker).to_owned(),
                        };
                        (key, figures)
                    }),
            ),
        }
    }
}

fn sorted<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> Vec<(K, V)> {
    let mut items: Vec<(K, V)> = items.into_iter().collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}

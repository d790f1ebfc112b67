//! The attempts log (`attempts`, migration 4): every upload and import *attempt*, refused
//! ones included, so a coordinator can see which tablet is failing and why. A row is
//! when, where from (upload or import), the agency it counts for, what the batch said of
//! itself (worker, device, batch id, count) when that is known, the receipt's counts when
//! it was stored, and the outcome with its reason in the same plain words the tablet was
//! given. Never a token, never an answer: reasons are the API's (which name a response,
//! a question and a rule, never a value), and codes are cut as the batch checks cut them
//! ([`survey::batch::echo`]).
//!
//! - A stored batch is recorded by [`super::intake::store`], in the same transaction as
//!   the batch (behind a savepoint: if the row cannot be written the batch is stored all
//!   the same, and the log says so).
//! - A refused one is recorded by whoever refused it ([`record`]): the upload route, or
//!   `collector import`.
//!
//! **Whose it is.** An upload counts for its token's agency once the token is known (even
//! when the batch names another); before that (no token, a wrong or revoked one,
//! throttled, the collector stopping) it has no agency, and only admins see it. An import
//! counts for the agency its file names, when that is one of the questionnaire's.
//!
//! **How it grows.** One row (about 150 bytes) per attempt. Attempts with a current token
//! come from the partnership's own tablets, which wait before they try again. Attempts
//! without one could come from anyone: the upload route lists at most a burst of them
//! and then a few a minute, and counts the rest in one row ([`Outcome::Unlisted`]), so a
//! flood adds rows slowly (an address's failed tries are throttled already). Nothing is
//! deleted: a year of a busy partnership (a thousand attempts a day) is some 50 MB.
//!
//! **Order.** `id` is the row's `rowid`, given in the order rows are written, so newest
//! first is `id` descending (the table's own order, or `attempts_by_agency (agency, id)`
//! for one agency): no index on `time` is needed, and none is kept.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Deserialize;
use serde_json::Value;
use survey::batch::{echo, ECHO_CHARS};
use survey::record::Timestamp;
use survey::wire::{ErrorCode, Receipt};
use survey::{Batch, BatchId};

use super::intake::SourceKind;
use super::scope::Scope;
use super::{uuid_text, DbError};

/// The longest reason kept, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The batch was stored (perhaps with nothing new in it), and its receipt sent.
    Stored,
    /// Refused with this API error code (an import is given the code an upload of the
    /// same file would get).
    Refused(ErrorCode),
    /// An import whose file could not be read.
    Unreadable,
    /// Refusals without a current token that were counted but not listed one by one
    /// (too many at once); the reason says how many.
    Unlisted,
}

impl Outcome {
    /// As stored: `stored`, the API's error code (`token`, `invalid_batch`…),
    /// `unreadable` or `unlisted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Stored => "stored",
            Outcome::Refused(code) => code.as_str(),
            Outcome::Unreadable => "unreadable",
            Outcome::Unlisted => "unlisted",
        }
    }

    /// The outcome stored as `word` (an unknown word, from a newer collector, is a
    /// refusal of unknown kind).
    pub fn parse(word: &str) -> Outcome {
        match word {
            "stored" => Outcome::Stored,
            "unreadable" => Outcome::Unreadable,
            "unlisted" => Outcome::Unlisted,
            _ => Outcome::Refused(
                ErrorCode::ALL
                    .into_iter()
                    .find(|code| code.as_str() == word)
                    .unwrap_or(ErrorCode::Unknown),
            ),
        }
    }

    /// Whether the batch was stored.
    pub fn is_stored(self) -> bool {
        self == Outcome::Stored
    }

    /// In words on screen.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Stored => "stored",
            Outcome::Refused(code) => match code {
                ErrorCode::Malformed => "refused: not a batch",
                ErrorCode::Token => "refused: upload token not valid",
                ErrorCode::Agency => "refused: another agency's token",
                ErrorCode::TooSlow => "refused: arrived too slowly",
                ErrorCode::Conflict => "refused: batch id reused",
                ErrorCode::TooLarge => "refused: too large",
                ErrorCode::InvalidBatch => "refused: fails its checks",
                ErrorCode::Throttled => "refused: too many failed token tries",
                ErrorCode::Server => "refused: the collector failed",
                ErrorCode::Busy => "refused: collector busy or stopping",
                ErrorCode::NotFound | ErrorCode::Unknown => "refused",
            },
            Outcome::Unreadable => "refused: file could not be read",
            Outcome::Unlisted => "refused, not listed one by one",
        }
    }
}

/// What a batch says of itself, as far as it could be read: a refused batch may say
/// some of it or none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Said {
    /// The agency it names (not what an upload counts for: that is its token's).
    pub agency: Option<String>,
    /// Its worker code.
    pub worker: Option<String>,
    /// Its tablet.
    pub device: Option<String>,
    /// Its id.
    pub batch: Option<BatchId>,
    /// How many responses it says it holds.
    pub count: Option<u32>,
}

/// The members of a batch's JSON that say what it is; everything else is skipped.
#[derive(Deserialize)]
struct Header {
    id: Option<Value>,
    agency: Option<Value>,
    worker: Option<Value>,
    device: Option<Value>,
    count: Option<Value>,
}

impl Said {
    /// What the verified `batch` says.
    pub fn of(batch: &Batch) -> Said {
        Said {
            agency: Some(batch.agency.as_str().to_owned()),
            worker: Some(batch.worker.as_str().to_owned()),
            device: Some(batch.device.as_str().to_owned()),
            batch: Some(batch.id),
            count: Some(batch.count),
        }
    }

    /// What `body` says of itself, if it is a JSON object at all: its `id`, `agency`,
    /// `worker`, `device` and `count`, each only if it has the right type, codes cut to
    /// [`ECHO_CHARS`] with control characters replaced. Answers are skipped unread.
    pub fn read(body: &[u8]) -> Said {
        let Ok(header) = serde_json::from_slice::<Header>(body) else {
            return Said::default();
        };
        let code = |value: Option<Value>| match value {
            Some(Value::String(text)) if !text.is_empty() => Some(echo(&text, ECHO_CHARS)),
            _ => None,
        };
        Said {
            batch: match header.id {
                Some(Value::String(text)) => text.parse().ok(),
                _ => None,
            },
            agency: code(header.agency),
            worker: code(header.worker),
            device: code(header.device),
            count: header
                .count
                .and_then(|count| count.as_u64())
                .and_then(|count| u32::try_from(count).ok()),
        }
    }
}

/// A stored batch's receipt counts, as the log keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Responses stored now.
    pub accepted: u32,
    /// Responses already stored.
    pub already_present: u32,
    /// Responses kept as conflicts.
    pub conflicts: u32,
    /// Visits stored now.
    pub visits_accepted: u32,
}

impl From<&Receipt> for Counts {
    fn from(receipt: &Receipt) -> Self {
        Counts {
            accepted: receipt.accepted,
            already_present: receipt.already_present,
            conflicts: receipt.conflicts,
            visits_accepted: receipt.visits_accepted,
        }
    }
}

/// One attempt, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When it was answered.
    pub time: Timestamp,
    /// An upload or an import.
    pub source: SourceKind,
    /// The agency it counts for (see the module's notes); none: admins only.
    pub agency: Option<String>,
    /// The worker code the batch gave.
    pub worker: Option<String>,
    /// The tablet the batch named.
    pub device: Option<String>,
    /// The batch's id.
    pub batch: Option<BatchId>,
    /// How many responses the batch said it holds.
    pub count: Option<u32>,
    /// What was stored, when it was.
    pub counts: Option<Counts>,
    /// How it ended.
    pub outcome: Outcome,
    /// Why, in the words the sender was given.
    pub reason: String,
}

impl Attempt {
    /// A batch stored from `source` at `time`, with its receipt.
    pub fn stored(
        batch: &Batch,
        source: SourceKind,
        receipt: &Receipt,
        time: Timestamp,
    ) -> Attempt {
        let said = Said::of(batch);
        Attempt {
            counts: Some(Counts::from(receipt)),
            reason: format!(
                "{} new, {} already present, {} kept as conflicts; {} new visits",
                receipt.accepted,
                receipt.already_present,
                receipt.conflicts,
                receipt.visits_accepted
            ),
            ..Attempt::new(
                source,
                said.agency.clone(),
                &said,
                Outcome::Stored,
                "",
                time,
            )
        }
    }

    /// An attempt from `source` that ended as `outcome` for `reason` at `time`, counted
    /// for `agency`, its batch having said `said`.
    pub fn new(
        source: SourceKind,
        agency: Option<String>,
        said: &Said,
        outcome: Outcome,
        reason: &str,
        time: Timestamp,
    ) -> Attempt {
        Attempt {
            time,
            source,
            agency,
            worker: said.worker.clone(),
            device: said.device.clone(),
            batch: said.batch,
            count: said.count,
            counts: None,
            outcome,
            reason: reason.chars().take(MAX_REASON_CHARS).collect(),
        }
    }
}

/// An attempt as listed: its row id and what was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    /// Its id (newest highest).
    pub id: i64,
    /// The attempt.
    pub attempt: Attempt,
}

/// Which outcomes a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Showing {
    /// Every attempt.
    #[default]
    All,
    /// Only those refused.
    Refused,
    /// Only those stored.
    Stored,
}

impl Showing {
    /// Every choice, as the filter offers them.
    pub const ALL: [Showing; 3] = [Showing::All, Showing::Refused, Showing::Stored];

    /// In forms and addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            Showing::All => "all",
            Showing::Refused => "refused",
            Showing::Stored => "stored",
        }
    }

    /// In words on screen.
    pub fn label(self) -> &'static str {
        match self {
            Showing::All => "Every attempt",
            Showing::Refused => "Refused only",
            Showing::Stored => "Stored only",
        }
    }

    /// The choice sent as `word` (empty is all).
    pub fn parse(word: &str) -> Result<Showing, AttemptError> {
        match word {
            "" => Ok(Showing::All),
            _ => Showing::ALL
                .into_iter()
                .find(|showing| showing.as_str() == word)
                .ok_or_else(|| AttemptError::UnknownShowing(word.to_owned())),
        }
    }
}

/// Which attempts a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptFilter {
    /// Only this agency's (within the scope).
    pub agency: Option<String>,
    /// Only these outcomes.
    pub showing: Showing,
}

/// Why attempts could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AttemptError {
    /// Not one of the filter's choices.
    #[error("{0:?} is not a choice of outcome: choose every attempt, refused only or stored only")]
    UnknownShowing(String),
    /// No attempt has this id.
    #[error("there is no attempt {0} in the log")]
    NoSuchAttempt(i64),
    /// The attempt is another agency's, or has no known agency.
    #[error("attempt {0} is not your agency's: only its agency's coordinators and the admins can see it (attempts without a known agency, such as those with a wrong token, only the admins)")]
    NotYours(i64),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for AttemptError {
    fn from(error: rusqlite::Error) -> Self {
        AttemptError::Db(DbError::Query(error))
    }
}

const INSERT: &str = "INSERT INTO attempts (time, source, agency, worker, device, batch, count,
                                           accepted, already_present, conflicts,
                                           visits_accepted, outcome, reason)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

fn insert(connection: &Connection, attempt: &Attempt) -> rusqlite::Result<i64> {
    let batch = attempt.batch.map(|id| id.uuid().as_bytes().to_vec());
    let counts = attempt.counts;
    connection.prepare_cached(INSERT)?.execute(params![
        attempt.time.0,
        attempt.source.as_str(),
        attempt.agency,
        attempt.worker,
        attempt.device,
        batch,
        attempt.count,
        counts.map(|c| c.accepted),
        counts.map(|c| c.already_present),
        counts.map(|c| c.conflicts),
        counts.map(|c| c.visits_accepted),
        attempt.outcome.as_str(),
        attempt.reason,
    ])?;
    Ok(connection.last_insert_rowid())
}

/// Records `attempt`; returns its id.
pub fn record(connection: &Connection, attempt: &Attempt) -> Result<i64, DbError> {
    Ok(insert(connection, attempt)?)
}

/// Records `attempt`; if that fails, says so in the log (what the attempt was, never its
/// reason's details) and goes on: a log that cannot be written never fails an upload.
pub fn record_or_warn(connection: &Connection, attempt: &Attempt) {
    if let Err(error) = record(connection, attempt) {
        warn_unrecorded(attempt, &error);
    }
}

/// Records `attempt` inside `transaction`, behind a savepoint: if it cannot be written,
/// the log says so and the transaction goes on without it.
pub(super) fn record_within(transaction: &mut Transaction<'_>, attempt: &Attempt) {
    let recorded = transaction.savepoint().and_then(|savepoint| {
        insert(&savepoint, attempt)?;
        savepoint.commit()
    });
    if let Err(error) = recorded {
        warn_unrecorded(attempt, &error);
    }
}

fn warn_unrecorded(attempt: &Attempt, error: &dyn std::fmt::Display) {
    tracing::warn!(
        source = attempt.source.as_str(),
        outcome = attempt.outcome.as_str(),
        %error,
        "an upload or import attempt could not be recorded in the attempts log; the batch's fate is as it was"
    );
}

const COLUMNS: &str = "id, time, source, agency, worker, device, batch, count, accepted,
                       already_present, conflicts, visits_accepted, outcome, reason";

fn row_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<AttemptRow> {
    let batch: Option<Vec<u8>> = row.get(6)?;
    let accepted: Option<u32> = row.get(8)?;
    let counts = match accepted {
        Some(accepted) => Some(Counts {
            accepted,
            already_present: row.get::<_, Option<u32>>(9)?.unwrap_or(0),
            conflicts: row.get::<_, Option<u32>>(10)?.unwrap_or(0),
            visits_accepted: row.get::<_, Option<u32>>(11)?.unwrap_or(0),
        }),
        None => None,
    };
    Ok(AttemptRow {
        id: row.get(0)?,
        attempt: Attempt {
            time: Timestamp(row.get(1)?),
            source: SourceKind::parse(row.get_ref(2)?.as_str().unwrap_or_default()),
            agency: row.get(3)?,
            worker: row.get(4)?,
            device: row.get(5)?,
            batch: batch.and_then(|bytes| uuid_text(&bytes).parse().ok()),
            count: row.get(7)?,
            counts,
            outcome: Outcome::parse(row.get_ref(12)?.as_str().unwrap_or_default()),
            reason: row.get(13)?,
        },
    })
}

/// One page of the attempts in `scope` that `filter` takes, newest first: at most `limit`
/// from `offset`, and how many it takes in all.
pub fn list(
    connection: &Connection,
    scope: &Scope,
    filter: &AttemptFilter,
    limit: u32,
    offset: u32,
) -> Result<(Vec<AttemptRow>, u64), AttemptError> {
    // Only fixed fragments go into the SQL; the values are parameters. With an agency the
    // condition is a plain `agency = ?`, so `attempts_by_agency` is searched.
    let agency = match (scope.agency(), filter.agency.as_deref()) {
        (Some(own), Some(asked)) if own != asked => return Ok((Vec::new(), 0)),
        (Some(own), _) => Some(own),
        (None, asked) => asked,
    };
    let mut conditions = vec!["1"];
    if agency.is_some() {
        conditions.push("agency = ?1");
    } else {
        conditions.push("?1 IS NULL");
    }
    match filter.showing {
        Showing::All => {}
        Showing::Refused => conditions.push("outcome <> 'stored'"),
        Showing::Stored => conditions.push("outcome = 'stored'"),
    }
    let conditions = conditions.join(" AND ");
    let total: i64 = connection.query_row(
        &format!("SELECT count(*) FROM attempts WHERE {conditions}"),
        params![agency],
        |row| row.get(0),
    )?;
    let mut statement = connection.prepare(&format!(
        "SELECT {COLUMNS} FROM attempts WHERE {conditions} ORDER BY id DESC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = statement
        .query_map(params![agency, limit, offset], row_of)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// Attempt `id`, if it is in `scope` (an attempt without an agency is only in an
/// admin's).
pub fn one(connection: &Connection, scope: &Scope, id: i64) -> Result<AttemptRow, AttemptError> {
    let row = connection
        .query_row(
            &format!("SELECT {COLUMNS} FROM attempts WHERE id = ?1"),
            [id],
            row_of,
        )
        .optional()?
        .ok_or(AttemptError::NoSuchAttempt(id))?;
    let reached = match (scope, &row.attempt.agency) {
        (Scope::All, _) => true,
        (Scope::Agency(_), Some(agency)) => scope.reaches(agency),
        (Scope::Agency(_), None) => false,
    };
    if reached {
        Ok(row)
    } else {
        Err(AttemptError::NotYours(id))
    }
}

#[cfg(test)]
#[path = "attempts_tests.rs"]
mod tests;

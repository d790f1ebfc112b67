//! Migration 4: what the console reads and records.
//!
//! - `responses` gains `area`, `worker` and `device` (copied out of each response's JSON,
//!   so the console counts and filters without parsing it) and `review`, the review
//!   state as a small number (`ReviewState::code`: 0 received, as every response
//!   arrives, 1 has issues, 2 approved, 3 rejected) — a zero takes no bytes on disk.
//!   One index, `(agency, area, completed)`, serves a coordinator's lists and counts
//!   (always by agency) and an admin's by ward (a scan of the index, not the table);
//!   a second by ward alone cost 30 bytes a response.
//! - `review_log`: every review change (who, when, from what to what, the comment).
//! - `attempts`: every upload and import *attempt*, refused ones included, with what it
//!   said of itself (agency, worker, device, batch, counts) and the outcome in plain
//!   words.
//! - `tokens` gains `last_used` (milliseconds since 1970).

use rusqlite::{params, Transaction};
use survey::Response;

/// The tables and columns.
pub const SCHEMA: &str = "ALTER TABLE responses ADD COLUMN area TEXT NOT NULL DEFAULT '';
     ALTER TABLE responses ADD COLUMN worker TEXT NOT NULL DEFAULT '';
     ALTER TABLE responses ADD COLUMN device TEXT NOT NULL DEFAULT '';
     ALTER TABLE responses ADD COLUMN review INTEGER NOT NULL DEFAULT 0
         CHECK (review BETWEEN 0 AND 3);
     CREATE INDEX responses_by_agency ON responses (agency, area, completed);
     CREATE TABLE review_log (
         id INTEGER PRIMARY KEY,
         response BLOB NOT NULL,
         user INTEGER NOT NULL REFERENCES users(id),
         time INTEGER NOT NULL,
         from_state INTEGER NOT NULL,
         to_state INTEGER NOT NULL,
         comment TEXT NOT NULL
     );
     CREATE INDEX review_log_by_response ON review_log (response, id);
     CREATE TABLE attempts (
         id INTEGER PRIMARY KEY,
         time INTEGER NOT NULL,
         source TEXT NOT NULL CHECK (source IN ('upload', 'import')),
         agency TEXT,
         worker TEXT,
         device TEXT,
         batch BLOB,
         count INTEGER,
         accepted INTEGER,
         already_present INTEGER,
         conflicts INTEGER,
         visits_accepted INTEGER,
         outcome TEXT NOT NULL,
         reason TEXT NOT NULL
     );
     CREATE INDEX attempts_by_agency ON attempts (agency, id);
     ALTER TABLE tokens ADD COLUMN last_used INTEGER;";

/// Fills `area`, `worker` and `device` of the responses stored before migration 4 from
/// their JSON (a response that does not parse keeps empty ones and is counted in the log).
pub(super) fn fill_response_columns(transaction: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut rows = transaction.prepare("SELECT rowid, json FROM responses")?;
    let mut update = transaction
        .prepare("UPDATE responses SET area = ?2, worker = ?3, device = ?4 WHERE rowid = ?1")?;
    let (mut filled, mut unreadable) = (0u64, 0u64);
    let mut rows = rows.query([])?;
    while let Some(row) = rows.next()? {
        let rowid: i64 = row.get(0)?;
        let json: String = row.get(1)?;
        match serde_json::from_str::<Response>(&json) {
            Ok(response) => {
                update.execute(params![
                    rowid,
                    response.area.as_str(),
                    response.worker.as_str(),
                    response.device.as_str()
                ])?;
                filled += 1;
            }
            Err(_) => unreadable += 1,
        }
    }
    if filled + unreadable > 0 {
        tracing::info!(
            responses = filled,
            unreadable,
            "wards, workers and devices of stored responses copied into their columns"
        );
    }
    Ok(())
}

//! Responses kept as conflicts: an id that arrived again with other content, or from
//! another agency, stored beside the response it collided with (never over it), for the
//! coordinator to look at (`collector conflicts`).

use rusqlite::Connection;

use super::{uuid_text, DbError};

/// One conflict as `collector conflicts` lists it (never the response's answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// When it arrived (RFC 3339 UTC).
    pub received: String,
    /// The response's id.
    pub response: String,
    /// The batch it arrived in.
    pub batch: String,
    /// The agency that sent it.
    pub agency: String,
    /// The worker who took it.
    pub worker: String,
    /// Why it is a conflict: `other_content` or `other_agency`.
    pub reason: String,
}

/// Every conflict, oldest first.
pub fn list(connection: &Connection) -> Result<Vec<Conflict>, DbError> {
    let mut statement = connection.prepare(
        "SELECT received, response, batch, agency, worker, reason FROM conflicts ORDER BY id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(Conflict {
            received: row.get(0)?,
            response: uuid_text(&row.get::<_, Vec<u8>>(1)?),
            batch: uuid_text(&row.get::<_, Vec<u8>>(2)?),
            agency: row.get(3)?,
            worker: row.get(4)?,
            reason: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

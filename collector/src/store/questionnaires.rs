//! The questionnaire's versions, kept in the database: every version ever published stays
//! stored, unchanged, so that every response can be read and checked with the version it
//! answered.
//!
//! A version goes draft → published → closed:
//!
//! - **draft**: added (`collector questionnaire add`, or the console) and checked by
//!   `survey`'s validator and its publish rules against the versions before it; not yet
//!   offered to tablets nor accepted in batches. At most one draft: a new one replaces it.
//! - **published**: the newest published version is the **current** one, which tablets
//!   fetch for new interviews; every published version is accepted in batches.
//! - **closed**: offered to no new interview, but its responses are still accepted (a
//!   tablet may hand in an interview begun on it weeks ago).
//!
//! The versions this build ships are stored as published when a database is opened and
//! does not have them yet, so a collector is never without a questionnaire. Triggers keep
//! a published or closed version's text from being changed or deleted, whatever runs SQL
//! on the file.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use survey::publish::{self, Changes, PublishRefused};
use survey::{DefinitionError, Questionnaire};

use super::{now_text, DbError};

/// The table, its triggers and its index (migration 6).
pub const SCHEMA: &str = "CREATE TABLE questionnaire_versions (
         questionnaire_id TEXT NOT NULL,
         version INTEGER NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'closed')),
         json TEXT NOT NULL,
         hash TEXT NOT NULL,
         added TEXT NOT NULL,
         published TEXT,
         closed TEXT,
         PRIMARY KEY (questionnaire_id, version)
     );
     CREATE TRIGGER questionnaire_versions_kept BEFORE UPDATE OF json, hash, questionnaire_id, version
         ON questionnaire_versions WHEN OLD.state != 'draft'
         BEGIN SELECT RAISE(ABORT, 'a published questionnaire version is never changed'); END;
     CREATE TRIGGER questionnaire_versions_not_deleted BEFORE DELETE ON questionnaire_versions
         WHEN OLD.state != 'draft'
         BEGIN SELECT RAISE(ABORT, 'a published questionnaire version is never deleted'); END;
     CREATE TRIGGER questionnaire_versions_no_way_back BEFORE UPDATE OF state ON questionnaire_versions
         WHEN OLD.state = 'closed' OR (OLD.state = 'published' AND NEW.state = 'draft')
         BEGIN SELECT RAISE(ABORT, 'a questionnaire version only goes draft, published, closed'); END;";

/// Where a version is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Added, not yet published.
    Draft,
    /// Offered to tablets (the newest) and accepted in batches.
    Published,
    /// Accepted in batches, offered to no new interview.
    Closed,
}

impl State {
    /// As stored and shown: `draft`, `published`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Published => "published",
            State::Closed => "closed",
        }
    }

    fn parse(text: &str) -> State {
        match text {
            "published" => State::Published,
            "closed" => State::Closed,
            _ => State::Draft,
        }
    }
}

/// One stored version, without its questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// The questionnaire's id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// Draft, published or closed.
    pub state: State,
    /// SHA-256 of its text, hex: what tablets compare (the ETag).
    pub hash: String,
    /// When it was added, published and closed (RFC 3339).
    pub added: String,
    pub published: Option<String>,
    pub closed: Option<String>,
}

/// Why a version was not added, published or closed.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    /// The file is not a valid questionnaire: every problem, named.
    #[error("{}", invalid(.0))]
    Invalid(DefinitionError),
    /// It breaks the publish rules against the versions before it.
    #[error("{0}")]
    Refused(PublishRefused),
    /// No draft with this version to publish.
    #[error("there is no draft version {0} to publish (add it first with `collector questionnaire add FILE`)")]
    NoDraft(u32),
    /// Its changes include relabelled options, not confirmed.
    #[error("version {version} relabels {count} option(s); confirm that each code still means the same (--confirm-labels, or the box on the console's Questionnaire page) before publishing")]
    NotConfirmed { version: u32, count: usize },
    /// No published version with this number to close.
    #[error("there is no published version {0} to close")]
    NotPublished(u32),
    /// Closing it would leave tablets nothing to start interviews with.
    #[error("version {0} is the only published version: publish another before closing it")]
    LastPublished(u32),
    /// A stored version's text no longer loads (the database was edited by hand).
    #[error("stored questionnaire {id} version {version} does not load: {problem}")]
    Damaged {
        id: String,
        version: u32,
        problem: String,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// "this file is not a valid questionnaire (2 problems): …; …", on one line.
fn invalid(error: &DefinitionError) -> String {
    let count = error.problems.len();
    let problems: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    format!(
        "this file is not a valid questionnaire ({count} problem{}): {}",
        if count == 1 { "" } else { "s" },
        problems.join("; ")
    )
}

impl From<rusqlite::Error> for VersionError {
    fn from(error: rusqlite::Error) -> VersionError {
        VersionError::Db(DbError::Query(error))
    }
}

/// SHA-256 of `json`, as 64 lower-case hex digits.
pub fn hash_of(json: &str) -> String {
    Sha256::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores each shipped version this database does not have yet, as published (its
/// first open, or a build that ships a newer version). A stored version is never
/// replaced. Runs at every [`super::open`].
pub fn store_shipped(connection: &Connection) -> Result<(), DbError> {
    for (file, json) in survey::shipped::SHIPPED {
        let questionnaire = survey::validate::load(json)
            .map_err(|error| DbError::Shipped(format!("{file}: {error}")))?;
        let now = now_text();
        connection.execute(
            "INSERT INTO questionnaire_versions
                 (questionnaire_id, version, state, json, hash, added, published)
             VALUES (?1, ?2, 'published', ?3, ?4, ?5, ?5)
             ON CONFLICT (questionnaire_id, version) DO NOTHING",
            params![
                questionnaire.id,
                questionnaire.version,
                json,
                hash_of(json),
                now
            ],
        )?;
    }
    Ok(())
}

/// The columns [`row`] reads, then the text.
const COLUMNS: &str = "questionnaire_id, version, state, hash, added, published, closed, json";

fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        id: row.get(0)?,
        version: row.get(1)?,
        state: State::parse(&row.get::<_, String>(2)?),
        hash: row.get(3)?,
        added: row.get(4)?,
        published: row.get(5)?,
        closed: row.get(6)?,
    })
}

fn row_and_text(r: &rusqlite::Row<'_>) -> rusqlite::Result<(VersionRow, String)> {
    Ok((row(r)?, r.get(7)?))
}

/// Every stored version, newest first.
pub fn list(connection: &Connection) -> Result<Vec<VersionRow>, VersionError> {
    let mut statement = connection.prepare(&format!(
        "SELECT {COLUMNS} FROM questionnaire_versions ORDER BY version DESC, questionnaire_id"
    ))?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Version `version`: its row and text.
pub fn text(
    connection: &Connection,
    version: u32,
) -> Result<Option<(VersionRow, String)>, VersionError> {
    Ok(connection
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM questionnaire_versions WHERE version = ?1
                 ORDER BY questionnaire_id LIMIT 1"
            ),
            [version],
            row_and_text,
        )
        .optional()?)
}

fn load(id: &str, version: u32, json: &str) -> Result<Questionnaire, VersionError> {
    survey::validate::load(json).map_err(|error| VersionError::Damaged {
        id: id.to_owned(),
        version,
        problem: error.to_string(),
    })
}

/// The versions batches may answer (published and closed), loaded, newest first: the
/// current one first.
pub fn accepted(connection: &Connection) -> Result<Vec<Questionnaire>, VersionError> {
    let mut statement = connection.prepare(
        "SELECT questionnaire_id, version, json FROM questionnaire_versions
         WHERE state IN ('published', 'closed') ORDER BY version DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut loaded = Vec::new();
    for found in rows {
        let (id, version, json) = found?;
        loaded.push(load(&id, version, &json)?);
    }
    Ok(loaded)
}

/// Whether `accepted` has changed since `key` was read (a cheap look, for a collector
/// process to notice a version published from the command line or another process).
pub fn accepted_key(connection: &Connection) -> Result<String, VersionError> {
    Ok(connection.query_row(
        "SELECT count(*) || ':' || coalesce(max(version), 0) || ':' || coalesce(max(published), '')
                || ':' || coalesce(max(closed), '')
         FROM questionnaire_versions WHERE state IN ('published', 'closed')",
        [],
        |r| r.get(0),
    )?)
}

/// The current version (the newest published): its row and text.
pub fn current(connection: &Connection) -> Result<Option<(VersionRow, String)>, VersionError> {
    Ok(connection
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM questionnaire_versions WHERE state = 'published'
                 ORDER BY version DESC LIMIT 1"
            ),
            [],
            row_and_text,
        )
        .optional()?)
}

/// The agency codes of every accepted version (set-up offers the current version's; a
/// token or a user may be for any of them).
pub fn agencies(connection: &Connection) -> Result<Vec<String>, VersionError> {
    let mut codes: Vec<String> = accepted(connection)?
        .iter()
        .flat_map(|q| q.agencies.iter().map(|a| a.code.clone()))
        .collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The versions a new one is checked against: every one published or closed.
fn earlier(connection: &Connection) -> Result<Vec<Questionnaire>, VersionError> {
    accepted(connection)
}

/// Checks `json` (validator, then publish rules) and stores it as the draft, replacing
/// any draft there was. Returns what it changes since the current version.
pub fn add(
    connection: &mut Connection,
    json: &str,
) -> Result<(Questionnaire, Changes), VersionError> {
    let questionnaire = survey::validate::load(json).map_err(VersionError::Invalid)?;
    let transaction = connection.transaction()?;
    let changes =
        publish::check(&earlier(&transaction)?, &questionnaire).map_err(VersionError::Refused)?;
    transaction.execute(
        "DELETE FROM questionnaire_versions WHERE state = 'draft'",
        [],
    )?;
    transaction.execute(
        "INSERT INTO questionnaire_versions (questionnaire_id, version, state, json, hash, added)
         VALUES (?1, ?2, 'draft', ?3, ?4, ?5)",
        params![
            questionnaire.id,
            questionnaire.version,
            json,
            hash_of(json),
            now_text()
        ],
    )?;
    transaction.commit()?;
    Ok((questionnaire, changes))
}

/// The draft's questionnaire, and what it changes since the current version (or why it
/// can no longer be published).
pub type Draft = (Questionnaire, Result<Changes, PublishRefused>);

/// The draft, if there is one: its questionnaire and what it changes since the current
/// version (checked again: a version may have been published since it was added).
pub fn draft(connection: &Connection) -> Result<Option<Draft>, VersionError> {
    let found: Option<(String, u32, String)> = connection
        .query_row(
            "SELECT questionnaire_id, version, json FROM questionnaire_versions WHERE state = 'draft'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, version, json)) = found else {
        return Ok(None);
    };
    let questionnaire = load(&id, version, &json)?;
    let changes = publish::check(&earlier(connection)?, &questionnaire);
    Ok(Some((questionnaire, changes)))
}

/// Throws the draft away, if there is one.
pub fn discard_draft(connection: &Connection) -> Result<bool, VersionError> {
    Ok(connection.execute(
        "DELETE FROM questionnaire_versions WHERE state = 'draft'",
        [],
    )? > 0)
}

/// Publishes draft `version`: it becomes the current version. Relabelled options must be
/// `confirmed`. The rules are checked again, in the same transaction.
pub fn publish(
    connection: &mut Connection,
    version: u32,
    confirmed: bool,
) -> Result<Changes, VersionError> {
    let transaction = connection.transaction()?;
    let (questionnaire, changes) = match draft(&transaction)? {
        Some((questionnaire, changes)) if questionnaire.version == version => {
            (questionnaire, changes)
        }
        _ => return Err(VersionError::NoDraft(version)),
    };
    let changes = changes.map_err(VersionError::Refused)?;
    let count = changes.to_confirm().count();
    if count > 0 && !confirmed {
        return Err(VersionError::NotConfirmed { version, count });
    }
    transaction.execute(
        "UPDATE questionnaire_versions SET state = 'published', published = ?3
         WHERE questionnaire_id = ?1 AND version = ?2",
        params![questionnaire.id, version, now_text()],
    )?;
    transaction.commit()?;
    Ok(changes)
}

/// Closes published `version`: no new interview starts on it; its responses are still
/// accepted. The only published version cannot be closed.
pub fn close(connection: &mut Connection, version: u32) -> Result<(), VersionError> {
    let transaction = connection.transaction()?;
    let published: Vec<u32> = {
        let mut statement = transaction
            .prepare("SELECT version FROM questionnaire_versions WHERE state = 'published'")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    if !published.contains(&version) {
        return Err(VersionError::NotPublished(version));
    }
    if published.len() == 1 {
        return Err(VersionError::LastPublished(version));
    }
    transaction.execute(
        "UPDATE questionnaire_versions SET state = 'closed', closed = ?2
         WHERE version = ?1 AND state = 'published'",
        params![version, now_text()],
    )?;
    transaction.commit()?;
    Ok(())
}

#[cfg(test)]
#[path = "questionnaires_tests.rs"]
mod tests;

//! What the collector keeps: one SQLite file in the data folder, created and migrated
//! when it is opened ([`open`]), and what is done with it. Nothing here knows about HTTP
//! or the command line.
//!
//! Tables: `tokens` (agency upload tokens, hashed), `batches` (each batch received, once),
//! `responses` and `visits` (keyed by their UUIDs, so a response is stored once however
//! often it arrives).
//!
//! - [`intake`]: taking a batch in (verify, then store in one transaction), and the
//!   [`intake::Intake`] handle the upload route holds.
//! - [`tokens`]: agency upload tokens.
//! - [`export`]: the stored responses and the codebook as CSV.

pub mod export;
pub mod intake;
pub mod tokens;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

/// The database file's name inside the data folder.
pub const FILE: &str = "collector.sqlite3";

/// Schema changes in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    // 1: tokens, batches, responses, visits.
    "CREATE TABLE tokens (
         id INTEGER PRIMARY KEY,
         agency TEXT NOT NULL,
         hash TEXT NOT NULL UNIQUE,
         prefix TEXT NOT NULL,
         created TEXT NOT NULL,
         revoked TEXT
     );
     CREATE TABLE batches (
         id TEXT PRIMARY KEY,
         received TEXT NOT NULL,
         source TEXT NOT NULL,
         agency TEXT NOT NULL,
         worker TEXT NOT NULL,
         device TEXT NOT NULL,
         questionnaire_id TEXT NOT NULL,
         questionnaire_version INTEGER NOT NULL,
         created INTEGER NOT NULL,
         count INTEGER NOT NULL,
         checksum TEXT NOT NULL,
         accepted INTEGER NOT NULL,
         already_present INTEGER NOT NULL
     );
     CREATE TABLE responses (
         id TEXT PRIMARY KEY,
         batch TEXT NOT NULL REFERENCES batches(id),
         questionnaire_id TEXT NOT NULL,
         questionnaire_version INTEGER NOT NULL,
         worker TEXT NOT NULL,
         agency TEXT NOT NULL,
         device TEXT NOT NULL,
         area TEXT NOT NULL,
         language TEXT NOT NULL,
         started INTEGER NOT NULL,
         completed INTEGER,
         json TEXT NOT NULL
     );
     CREATE INDEX responses_by_completed ON responses (completed, id);
     CREATE TABLE visits (
         id TEXT PRIMARY KEY,
         batch TEXT NOT NULL REFERENCES batches(id),
         time INTEGER NOT NULL,
         area TEXT NOT NULL,
         outcome TEXT NOT NULL,
         attempt INTEGER NOT NULL
     );",
];

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The data folder could not be created.
    #[error("cannot create the data folder {}: {source}", path.display())]
    DataDir {
        /// The folder as given.
        path: PathBuf,
        /// Why the file system refused.
        source: std::io::Error,
    },
    /// The file could not be opened or migrated.
    #[error("cannot open the database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
    /// The file was made by a newer collector.
    #[error("the database {} has schema version {found}; this collector knows up to {known}. Use a newer collector", path.display())]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: usize,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] rusqlite::Error),
}

/// The database file in `data_dir`.
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// Opens the database in `data_dir`, creating the folder and the file and migrating the
/// schema as needed: WAL journal, foreign keys on, and a busy timeout so concurrent
/// writers wait instead of failing. Every subcommand opens its database here.
pub fn open(data_dir: &Path) -> Result<Connection, DbError> {
    std::fs::create_dir_all(data_dir).map_err(|source| DbError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    let path = path_in(data_dir);
    let open_error = |source| DbError::Open {
        path: path.clone(),
        source,
    };
    let mut connection = Connection::open(&path).map_err(open_error)?;
    connection
        .busy_timeout(Duration::from_secs(30))
        .map_err(open_error)?;
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .map_err(open_error)?;
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(open_error)?;
    connection
        .pragma_update(None, "foreign_keys", "ON")
        .map_err(open_error)?;
    // 64 MB of page cache: the UUID-keyed indexes stay in memory as the tables grow.
    connection
        .pragma_update(None, "cache_size", -65_536)
        .map_err(open_error)?;
    migrate(&mut connection).map_err(|error| match error {
        DbError::Query(source) => open_error(source),
        DbError::TooNew { found, known, .. } => DbError::TooNew {
            path: path.clone(),
            found,
            known,
        },
        other => other,
    })?;
    Ok(connection)
}

/// Removes the database file in `data_dir`, if there is one, with its write-ahead log
/// and shared-memory files (a log left by a crashed run would otherwise be replayed into
/// the new file), and [`open`]s a new one (for `collector bench`, which measures intake
/// into empty tables).
pub fn open_empty(data_dir: &Path) -> Result<Connection, DbError> {
    let database = path_in(data_dir);
    for suffix in ["", "-wal", "-shm"] {
        let mut path = database.clone().into_os_string();
        path.push(suffix);
        // No file is the usual case. One that cannot be removed is opened as it is, and
        // the benchmark then finds its sample responses already stored and says so.
        let _ = std::fs::remove_file(path);
    }
    open(data_dir)
}

fn migrate(connection: &mut Connection) -> Result<(), DbError> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let known = MIGRATIONS.len();
    let applied = usize::try_from(version).unwrap_or(usize::MAX);
    if applied > known {
        return Err(DbError::TooNew {
            path: PathBuf::new(),
            found: version,
            known,
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(migration)?;
        transaction.pragma_update(
            None,
            "user_version",
            i64::try_from(index + 1).unwrap_or(i64::MAX),
        )?;
        transaction.commit()?;
        tracing::info!(schema_version = index + 1, "database migrated");
    }
    Ok(())
}

/// Now, as RFC 3339 UTC text, for the `received` / `created` columns.
pub fn now_text() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    survey::record::Timestamp(millis).to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_migrated_and_reopening_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let connection = open(dir.path()).unwrap();
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        connection
            .execute(
                "INSERT INTO tokens (agency, hash, prefix, created) VALUES ('a', 'h', 'p', 'now')",
                [],
            )
            .unwrap();
        drop(connection);
        let connection = open(dir.path()).unwrap();
        let tokens: i64 = connection
            .query_row("SELECT count(*) FROM tokens", [], |row| row.get(0))
            .unwrap();
        assert_eq!(tokens, 1);
    }

    #[test]
    fn a_database_from_a_newer_collector_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let connection = open(dir.path()).unwrap();
        connection.pragma_update(None, "user_version", 99).unwrap();
        drop(connection);
        let error = open(dir.path()).unwrap_err();
        assert!(error.to_string().contains("schema version 99"), "{error}");
    }
}

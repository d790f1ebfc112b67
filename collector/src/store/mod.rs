//! What the collector keeps: one SQLite file in the data folder, created and migrated
//! when it is opened ([`open`]), and what is done with it. Nothing here knows about HTTP
//! or the command line.
//!
//! Tables: `tokens` (agency upload tokens, hashed), `users`, `password_links` and
//! `sessions` (the console's accounts, see [`accounts`]), `batches` (each batch received, once),
//! `responses` and `visits` (keyed by their UUIDs, so a response is stored once however
//! often it arrives), and `conflicts` (responses that arrived with the id of a stored one
//! but other content, or from another agency: kept beside it, never over it), and
//! `questionnaire_versions` (every version of the questionnaire, see [`questionnaires`]).
//!
//! UUIDs are stored as their 16 bytes (`BLOB`), not as 36 characters of text: the keys
//! and indexes are less than half the size, and the time-ordered (version 7) ids the app
//! makes go in at the end of each index, so intake stays as fast as the tables grow.
//! Random (version 4) ids work the same way, only their inserts land anywhere in the
//! index. A response's row is its keys, what intake and export look up (agency,
//! questionnaire, completion time, content hash) and its JSON; nothing is kept twice.
//!
//! Durability: WAL journal with `synchronous = FULL`, so every commit syncs the
//! write-ahead log before it returns, and a receipt is only sent for a batch already on
//! disk (see [`open`]).
//!
//! - [`intake`]: taking a batch in (verify, then store in one transaction), and the
//!   [`intake::Intake`] handle the upload route holds.
//! - [`conflicts`]: the responses kept as conflicts, for the coordinator.
//! - [`tokens`]: agency upload tokens, and what each brought.
//! - [`accounts`]: the console's users, passwords, set-password links and sessions.
//! - [`export`]: the stored responses (streamed) and the codebook as CSV.
//! - [`backup`]: a consistent copy of the database while intake runs, and putting one
//!   back in place.
//! - [`health`]: whether the database file still answers, and its size.
//! - [`results`]: the console's results, tallied per ward, agency and day and kept up to
//!   date as rows arrive; [`results_csv`]: those results, suppressed, as CSV.
//! - [`attempts`]: every upload and import attempt, refused ones included, and why.
//! - [`questionnaires`]: the questionnaire's versions (draft, published, closed), every
//!   published one kept unchanged.
//! - [`overview`]: responses and doors knocked per day, agency, ward and worker, and the
//!   contact rate, counted once and kept up to date as rows arrive.

pub mod accepted;
pub mod accounts;
pub mod attempts;
pub mod backup;
pub mod conflicts;
pub mod console_schema;
pub mod export;
pub mod health;
pub mod intake;
pub mod overview;
pub mod questionnaires;
pub mod results;
pub mod results_csv;
pub mod review;
pub mod scope;
pub mod tokens;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction};

/// The database file's name inside the data folder.
pub const FILE: &str = "collector.sqlite3";

/// The page size of a new database file, in bytes.
pub const PAGE_SIZE: i64 = 16_384;

/// One schema change: SQL, then (for what SQL cannot compute) a step in Rust, in the same
/// transaction.
struct Migration {
    sql: &'static str,
    then: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

/// The schema version this build writes (and the newest it can open): the number of
/// [`MIGRATIONS`].
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Schema changes in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[Migration] = &[
    // 1: tokens, batches, responses, visits.
    Migration {
        sql: V1,
        then: None,
    },
    // 2: UUIDs as 16-byte blobs; a response's row is its keys, agency, questionnaire,
    // completion time, content hash and JSON; the batch row counts conflicts; conflicts.
    Migration {
        sql: V2,
        then: Some(intake::hash_migrated_responses),
    },
    // 3: console accounts: users, set-password links, sessions.
    Migration {
        sql: accounts::SCHEMA,
        then: None,
    },
    // 4: what the console reads and records: a response's ward, worker, device and review
    // state in columns; the review log; every upload and import attempt; tokens' last use.
    Migration {
        sql: console_schema::SCHEMA,
        then: Some(console_schema::fill_response_columns),
    },
    // 5: each batch keeps the token that uploaded it.
    Migration {
        sql: tokens::SCHEMA,
        then: None,
    },
    // 6: the questionnaire's versions (the shipped ones are stored at every open).
    Migration {
        sql: questionnaires::SCHEMA,
        then: None,
    },
];

const V1: &str = "CREATE TABLE tokens (
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
     );";

/// The old tables are renamed (their foreign keys follow), the new ones made and filled,
/// the old ones dropped. `unhex` turns a UUID's text into its 16 bytes. Each response's
/// agency is its batch's (the agency that handed it in); its content hash is computed in
/// Rust afterwards ([`intake::hash_migrated_responses`]).
const V2: &str = "ALTER TABLE batches RENAME TO batches_v1;
     ALTER TABLE responses RENAME TO responses_v1;
     ALTER TABLE visits RENAME TO visits_v1;
     DROP INDEX responses_by_completed;
     CREATE TABLE batches (
         id BLOB PRIMARY KEY,
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
         already_present INTEGER NOT NULL,
         conflicts INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE responses (
         id BLOB PRIMARY KEY,
         batch BLOB NOT NULL REFERENCES batches(id),
         agency TEXT NOT NULL,
         questionnaire_id TEXT NOT NULL,
         questionnaire_version INTEGER NOT NULL,
         completed INTEGER,
         hash BLOB NOT NULL,
         json TEXT NOT NULL
     );
     CREATE INDEX responses_by_completed ON responses (completed, id);
     CREATE TABLE visits (
         id BLOB PRIMARY KEY,
         batch BLOB NOT NULL REFERENCES batches(id),
         time INTEGER NOT NULL,
         area TEXT NOT NULL,
         outcome TEXT NOT NULL,
         attempt INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE conflicts (
         id INTEGER PRIMARY KEY,
         response BLOB NOT NULL,
         batch BLOB NOT NULL REFERENCES batches(id),
         agency TEXT NOT NULL,
         worker TEXT NOT NULL,
         received TEXT NOT NULL,
         reason TEXT NOT NULL CHECK (reason IN ('other_content', 'other_agency')),
         hash BLOB NOT NULL,
         json TEXT NOT NULL,
         UNIQUE (response, agency, hash)
     );
     INSERT INTO batches
         SELECT unhex(replace(id, '-', '')), received, source, agency, worker, device,
                questionnaire_id, questionnaire_version, created, count, checksum, accepted,
                already_present, 0
         FROM batches_v1 ORDER BY rowid;
     INSERT INTO responses (id, batch, agency, questionnaire_id, questionnaire_version,
                            completed, hash, json)
         SELECT unhex(replace(r.id, '-', '')), unhex(replace(r.batch, '-', '')),
                coalesce((SELECT b.agency FROM batches_v1 b WHERE b.id = r.batch), r.agency),
                r.questionnaire_id, r.questionnaire_version, r.completed, x'', r.json
         FROM responses_v1 r ORDER BY r.rowid;
     INSERT INTO visits
         SELECT unhex(replace(id, '-', '')), unhex(replace(batch, '-', '')), time, area,
                outcome, attempt
         FROM visits_v1;
     DROP TABLE responses_v1;
     DROP TABLE visits_v1;
     DROP TABLE batches_v1;";

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
    /// An earlier user of the shared connection panicked mid-way; the collector must be
    /// restarted (SQLite rolled back whatever it had not committed).
    #[error(
        "the database connection is unusable after an internal failure; restart the collector"
    )]
    Poisoned,
    /// A questionnaire this build ships does not load (a broken build).
    #[error("the questionnaire this build ships does not load: {0}")]
    Shipped(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] rusqlite::Error),
}

/// The database file in `data_dir`.
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// How a commit reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = FULL`: each commit syncs the write-ahead log before it returns, so
    /// what was committed survives a crash or a power cut. What the collector uses.
    Full,
    /// `synchronous = NORMAL`: the log is synced only at checkpoints; the last commits
    /// may be lost in a power cut. Only `collector bench` uses it, to show what
    /// durability costs.
    Normal,
}

impl Durability {
    /// The `synchronous` pragma's value.
    pub fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

/// Opens the database in `data_dir`, creating the folder and the file and migrating the
/// schema as needed: WAL journal, foreign keys on, and a busy timeout so concurrent
/// writers wait instead of failing. Every subcommand opens its database here.
///
/// Commits are durable ([`Durability::Full`]): in WAL mode a commit is a frame appended
/// to the `-wal` file, and with `synchronous = FULL` SQLite syncs that file (fdatasync)
/// before the commit returns, so once [`intake::store`] has returned, the batch is on
/// disk, and only then is the receipt written. That is enough: the main file is only
/// written from the synced log at checkpoints (and synced then), and a crash after the
/// commit replays the log on the next open. It costs one sync per batch (see
/// `collector bench`).
pub fn open(data_dir: &Path) -> Result<Connection, DbError> {
    open_with(data_dir, Durability::Full)
}

fn open_with(data_dir: &Path, durability: Durability) -> Result<Connection, DbError> {
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
    // A response's row (about 1.6 KB with the shared questionnaire) fits twice in a 4 KB
    // page, leaving a fifth of it empty; nine fit in 16 KB. Only a new file takes it: an
    // existing one keeps the page size it was made with.
    connection
        .pragma_update(None, "page_size", PAGE_SIZE)
        .map_err(open_error)?;
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .map_err(open_error)?;
    connection
        .pragma_update(None, "synchronous", durability.pragma())
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
    questionnaires::store_shipped(&connection)?;
    Ok(connection)
}

/// A read-only connection to the database in `data_dir`, already made and migrated
/// by [`open`]: for a long read (a download) that must not hold up batches being
/// stored through the intake's connection. In WAL mode it reads the last committed
/// state while writers go on.
pub fn open_reader(data_dir: &Path) -> Result<Connection, DbError> {
    let path = path_in(data_dir);
    let open_error = |source| DbError::Open {
        path: path.clone(),
        source,
    };
    let connection = Connection::open_with_flags(
        &path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(open_error)?;
    connection
        .busy_timeout(Duration::from_secs(30))
        .map_err(open_error)?;
    Ok(connection)
}

/// Removes the database file in `data_dir`, if there is one, with its write-ahead log
/// and shared-memory files (a log left by a crashed run would otherwise be replayed into
/// the new file), and [`open`]s a new one (for `collector bench`, which measures intake
/// into empty tables, with `durability`).
pub fn open_empty(data_dir: &Path, durability: Durability) -> Result<Connection, DbError> {
    let database = path_in(data_dir);
    for suffix in ["", "-wal", "-shm"] {
        let mut path = database.clone().into_os_string();
        path.push(suffix);
        // No file is the usual case. One that cannot be removed is opened as it is, and
        // the benchmark then finds its sample responses already stored and says so.
        let _ = std::fs::remove_file(path);
    }
    open_with(data_dir, durability)
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
        transaction.execute_batch(migration.sql)?;
        if let Some(step) = migration.then {
            step(&transaction)?;
        }
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

/// A UUID's 16 bytes as the hyphenated text everyone else uses (`1a2b3c4d-…`); a blob of
/// another length (a database edited by hand) as plain hex.
pub fn uuid_text(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if bytes.len() != 16 {
        return hex;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
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
        let page_size: i64 = connection
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .unwrap();
        assert_eq!(page_size, PAGE_SIZE);
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

    /// A database as the first collector wrote it: schema 1, UUIDs as text, random
    /// (version 4) ids as the first app made them.
    fn first_schema_database(dir: &Path, batch: &survey::Batch) {
        let connection = Connection::open(path_in(dir)).unwrap();
        connection.execute_batch(V1).unwrap();
        connection.pragma_update(None, "user_version", 1).unwrap();
        connection
            .execute(
                "INSERT INTO batches VALUES (?1, '2024-05-01T10:00:00Z', 'upload', ?2, ?3, ?4,
                                             ?5, ?6, ?7, ?8, ?9, ?8, 0)",
                rusqlite::params![
                    batch.id.to_string(),
                    batch.agency.as_str(),
                    batch.worker.as_str(),
                    batch.device.as_str(),
                    batch.questionnaire.id,
                    batch.questionnaire.version,
                    batch.created.0,
                    batch.count,
                    batch.checksum,
                ],
            )
            .unwrap();
        for r in &batch.responses {
            connection
                .execute(
                    "INSERT INTO responses VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    rusqlite::params![
                        r.id.to_string(),
                        batch.id.to_string(),
                        r.questionnaire.id,
                        r.questionnaire.version,
                        r.worker.as_str(),
                        r.agency.as_str(),
                        r.device.as_str(),
                        r.area.as_str(),
                        r.language.0,
                        r.started.0,
                        r.completed.map(|t| t.0),
                        serde_json::to_string(r).unwrap(),
                    ],
                )
                .unwrap();
        }
        for v in &batch.visits {
            connection
                .execute(
                    "INSERT INTO visits VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    rusqlite::params![
                        v.id.to_string(),
                        batch.id.to_string(),
                        v.time.0,
                        v.area.as_str(),
                        v.outcome.as_str(),
                        v.attempt
                    ],
                )
                .unwrap();
        }
    }

    fn v4_batch() -> survey::Batch {
        use survey::sample;
        let q = survey::shipped::shared_questionnaire().unwrap();
        let responses = (0..3)
            .map(|i| {
                let mut response = sample::complete_response(&q, i).unwrap();
                response.id = survey::ResponseId::from_random_bytes(sample::bytes(i as u64 + 77));
                response
            })
            .collect();
        let mut visit = sample::visit(&q, 0);
        visit.id = survey::VisitId::from_random_bytes([3; 16]);
        survey::Batch::new(
            survey::BatchId::from_random_bytes([4; 16]),
            survey::record::Timestamp(1_714_600_000_000),
            &sample::assignment(&q, 0),
            survey::QuestionnaireRef::of(&q),
            responses,
            vec![visit],
        )
        .unwrap()
    }

    #[test]
    fn a_first_schema_database_is_migrated_and_its_responses_still_read_and_deduplicate() {
        let dir = tempfile::tempdir().unwrap();
        let batch = v4_batch();
        first_schema_database(dir.path(), &batch);
        let mut connection = open(dir.path()).unwrap();
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION as i64);
        for table in ["batches", "responses", "visits"] {
            let keys: (String, i64, i64) = connection
                .query_row(
                    &format!("SELECT min(typeof(id)), min(length(id)), count(*) FROM {table}"),
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .unwrap();
            assert_eq!((keys.0.as_str(), keys.1), ("blob", 16), "{table}");
            assert!(keys.2 > 0, "{table} kept its rows");
        }
        for response in &batch.responses {
            let (agency, hash): (String, Vec<u8>) = connection
                .query_row(
                    "SELECT agency, hash FROM responses WHERE id = ?1",
                    [&response.id.uuid().as_bytes()[..]],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .unwrap();
            assert_eq!(agency, "hackney-cvs");
            assert_eq!(hash, intake::content_hash(response).unwrap());
            // Migration 4 copied its ward, worker and device out of the JSON.
            let columns: (String, String, String, i64) = connection
                .query_row(
                    "SELECT area, worker, device, review FROM responses WHERE id = ?1",
                    [&response.id.uuid().as_bytes()[..]],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
                .unwrap();
            assert_eq!(
                columns,
                (
                    response.area.as_str().to_owned(),
                    response.worker.as_str().to_owned(),
                    response.device.as_str().to_owned(),
                    review::ReviewState::Received.code()
                )
            );
            assert!(!columns.0.is_empty());
        }
        // The same batch again is a plain repeat: same checksum, same contents.
        let receipt = intake::store(&mut connection, &batch, intake::Source::Import).unwrap();
        assert_eq!(
            (receipt.accepted, receipt.already_present, receipt.conflicts),
            (0, 3, 0)
        );
        assert_eq!(receipt.visits_already_present, 1);
        let q = survey::shipped::shared_questionnaire().unwrap();
        let mut csv = Vec::new();
        let rows = export::write_responses_csv(
            &connection,
            &[&q],
            &export::ExportFilter::everything(),
            &mut csv,
        )
        .unwrap();
        assert_eq!(rows, 3);
        let csv = String::from_utf8(csv).unwrap();
        for response in &batch.responses {
            assert!(csv.contains(&response.id.to_string()));
        }
    }

    #[test]
    fn uuid_blobs_read_back_as_their_text() {
        let id = survey::ResponseId::from_random_bytes([0xab; 16]);
        assert_eq!(uuid_text(id.uuid().as_bytes()), id.to_string());
        assert_eq!(uuid_text(&[1, 2]), "0102");
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

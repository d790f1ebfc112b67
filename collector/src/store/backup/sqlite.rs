//! What is asked of SQLite: opening a backup read-only, checking a database is a whole
//! Doorstep database of a known schema, and copying its pages.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{BackupError, Summary};
use crate::store::SCHEMA_VERSION;

pub(super) fn sql_error(path: &Path) -> impl Fn(rusqlite::Error) -> BackupError + '_ {
    move |source| BackupError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

/// A connection that can only read `path`, waiting (as intake does) if the file is busy.
pub(super) fn open_read_only(path: &Path) -> Result<Connection, BackupError> {
    let sql = sql_error(path);
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(&sql)?;
    connection
        .busy_timeout(Duration::from_secs(30))
        .map_err(&sql)?;
    Ok(connection)
}

/// Refuses at once a file that does not start as a SQLite database does (before its
/// pages are read): an empty file, a batch file, a CSV export.
pub(super) fn looks_like_sqlite(path: &Path) -> Result<(), BackupError> {
    let file_error = |source| BackupError::File {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(file_error)?;
    if file.metadata().map_err(file_error)?.is_dir() {
        return Err(BackupError::NotSqlite {
            path: path.to_owned(),
        });
    }
    let mut magic = [0u8; 16];
    match file.read_exact(&mut magic) {
        Ok(()) if &magic == b"SQLite format 3\0" => Ok(()),
        Ok(()) => Err(BackupError::NotSqlite {
            path: path.to_owned(),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(BackupError::NotSqlite {
                path: path.to_owned(),
            })
        }
        Err(source) => Err(file_error(source)),
    }
}

/// The schema version of a Doorstep database: refuses another SQLite database, one of a
/// newer collector, and a file that is not SQLite's.
pub(super) fn schema_version(connection: &Connection, path: &Path) -> Result<i64, BackupError> {
    let classify = |source: rusqlite::Error| match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => BackupError::NotSqlite {
            path: path.to_owned(),
        },
        _ => BackupError::Sqlite {
            path: path.to_owned(),
            source,
        },
    };
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(classify)?;
    let known = SCHEMA_VERSION;
    if usize::try_from(version).is_ok_and(|v| v > known) {
        return Err(BackupError::TooNew {
            path: path.to_owned(),
            found: version,
            known,
        });
    }
    for table in ["tokens", "batches", "responses", "visits"] {
        let present: bool = connection
            .query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |row| row.get(0),
            )
            .map_err(classify)?;
        if !present {
            return Err(BackupError::NotDoorstep {
                path: path.to_owned(),
                what: format!("it has no {table} table"),
            });
        }
    }
    if version < 1 {
        return Err(BackupError::NotDoorstep {
            path: path.to_owned(),
            what: format!("schema version {version}"),
        });
    }
    Ok(version)
}

/// Checks a whole database: a Doorstep database of a known schema, and SQLite's
/// `integrity_check` finds nothing wrong. Returns what it holds.
pub(super) fn check(connection: &Connection, path: &Path) -> Result<Summary, BackupError> {
    let schema = schema_version(connection, path)?;
    let sql = sql_error(path);
    // Damage the check cannot even walk past ends it with SQLite's error: that is its
    // report.
    let damaged = |source: rusqlite::Error| match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) => BackupError::Damaged {
            path: path.to_owned(),
            report: source.to_string(),
        },
        _ => sql(source),
    };
    let mut statement = connection
        .prepare("PRAGMA integrity_check(20)")
        .map_err(damaged)?;
    let report = statement
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(damaged)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(damaged)?;
    if report != ["ok"] {
        return Err(BackupError::Damaged {
            path: path.to_owned(),
            report: report.join("; "),
        });
    }
    let (responses, batches) = counts(connection, path)?;
    let pages: i64 = connection
        .query_row("PRAGMA page_count", [], |row| row.get(0))
        .map_err(&sql)?;
    let page_size: i64 = connection
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .map_err(&sql)?;
    Ok(Summary {
        responses,
        batches,
        bytes: u64::try_from(pages.saturating_mul(page_size)).unwrap_or(0),
        schema,
    })
}

/// Responses and batches stored.
pub(super) fn counts(connection: &Connection, path: &Path) -> Result<(i64, i64), BackupError> {
    connection
        .query_row(
            "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM batches)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(sql_error(path))
}

/// Copies every page of `source` (as of its open read transaction, if any) into the empty
/// database `part`, in one step: a copy made in several steps starts again whenever
/// another connection commits in between, and under steady uploads might never end. The
/// copy is left in rollback-journal mode: one self-contained file, no `-wal` beside it.
pub(super) fn copy_into(source: &Connection, part: &Path) -> Result<Connection, BackupError> {
    let sql = sql_error(part);
    let mut copy = Connection::open(part).map_err(&sql)?;
    {
        let backup = Backup::new(source, &mut copy).map_err(&sql)?;
        let mut waits = 0;
        loop {
            match backup.step(-1).map_err(&sql)? {
                StepResult::Done => break,
                StepResult::More => {}
                // A lock not to be had (the source holds its read transaction already, so
                // this is rare): wait, up to the 30 s intake itself would.
                _ if waits < 300 => {
                    waits += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                _ => {
                    return Err(sql(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("the database stayed locked for 30 s".into()),
                    )))
                }
            }
        }
    }
    copy.pragma_update(None, "journal_mode", "DELETE")
        .map_err(&sql)?;
    Ok(copy)
}

//! Backups that restore: [`backup`] copies the database while `collector serve` runs and
//! uploads go on; [`restore`] puts a backup in place as the database of a data folder
//! that has none.
//!
//! The copy is made with SQLite's online backup API, all pages in one step, inside one
//! read transaction on the live database. In WAL mode a reader never blocks a writer:
//! intake commits on while the pages are copied, and the copy is the database as it was
//! when that transaction began, every batch whole or absent. Each page is copied as it is
//! (no rows are decoded and written again, as `VACUUM INTO` would), which is the least
//! work on a server that is taking batches in at the same time.
//!
//! Neither ever writes where a person looks until the file is complete and checked: the
//! copy goes to `<name>.part` beside its destination, is synced, checked
//! (`PRAGMA integrity_check`, a schema version this build knows, Doorstep's tables) and
//! only then linked into place under its name, which must not exist yet; then the folder
//! is synced. A failure removes the `.part` file.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{now_text, path_in, SCHEMA_VERSION};

/// Why a backup or a restore was refused or failed. Each names the file or folder.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The data folder has no database to back up.
    #[error("there is no database to back up: {} does not exist (is --data-dir the collector's data folder?)", path.display())]
    NoDatabase {
        /// The database file looked for.
        path: PathBuf,
    },
    /// The backup's name is taken.
    #[error("{} already exists: a backup never overwrites a file. Choose another name, or give a folder (the backup is then named by the time)", path.display())]
    Exists {
        /// The file asked for.
        path: PathBuf,
    },
    /// A `.part` file of the same name is there: another backup or restore is under way,
    /// or one was interrupted.
    #[error("{} is in the way: another backup or restore to it is under way, or one was interrupted. If none is running, remove it and try again", path.display())]
    Leftover {
        /// The `.part` file.
        path: PathBuf,
    },
    /// The folder to write in is missing or cannot be written.
    #[error("cannot write in the folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why the file system refused.
        source: std::io::Error,
    },
    /// A file could not be read, written, synced or put in place.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why the file system refused.
        source: std::io::Error,
    },
    /// The file is not a SQLite database at all.
    #[error("{} is not a SQLite database (not a collector backup)", path.display())]
    NotSqlite {
        /// The file.
        path: PathBuf,
    },
    /// The file is a SQLite database, but not one a collector made.
    #[error("{} is a SQLite database but not a Doorstep collector's ({what})", path.display())]
    NotDoorstep {
        /// The file.
        path: PathBuf,
        /// What is missing.
        what: String,
    },
    /// The file was made by a newer collector.
    #[error("{} has schema version {found}; this collector knows up to {known}. Use a newer collector", path.display())]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: usize,
    },
    /// SQLite's integrity check found damage.
    #[error("{} is damaged; SQLite's integrity check says: {report}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The check's first lines.
        report: String,
    },
    /// The data folder to restore into already holds a database (or its log).
    #[error("{} already holds a database: stop the collector and move {} aside first (with any -wal and -shm files beside it). A restore never overwrites data", data_dir.display(), file.display())]
    InUse {
        /// The data folder.
        data_dir: PathBuf,
        /// The file found there.
        file: PathBuf,
    },
    /// SQLite failed on the file.
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
}

/// What a backup holds, for the summary line and the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Responses stored.
    pub responses: i64,
    /// Batches received.
    pub batches: i64,
    /// The file's size in bytes.
    pub bytes: u64,
    /// Its schema version.
    pub schema: i64,
}

impl Summary {
    /// `12,345 responses in 250 batches (8.1 MB)`.
    pub fn figures(&self) -> String {
        let plural = |n: i64, one: &str, many: &str| {
            format!("{} {}", thousands(n), if n == 1 { one } else { many })
        };
        format!(
            "{} in {} ({:.1} MB)",
            plural(self.responses, "response", "responses"),
            plural(self.batches, "batch", "batches"),
            self.bytes as f64 / (1024.0 * 1024.0)
        )
    }
}

/// `12345` as `12,345`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Copies the database in `data_dir` to `out` while the collector may be running: see
/// the module's description. `out` must not exist; an existing folder instead gets a file
/// named by the time (`collector-2026-12-02T171302Z.sqlite3`). Returns the file written
/// and what it holds.
pub fn backup(data_dir: &Path, out: &Path) -> Result<(PathBuf, Summary), BackupError> {
    let database = path_in(data_dir);
    if !database.is_file() {
        return Err(BackupError::NoDatabase { path: database });
    }
    let out = if out.is_dir() {
        out.join(dated_name(&now_text()))
    } else {
        out.to_owned()
    };
    if out.symlink_metadata().is_ok() {
        return Err(BackupError::Exists { path: out });
    }
    let part = reserve(&out)?;
    let made = (|| {
        let source = open_read_only(&database)?;
        let sql = sql_error(&database);
        // The read transaction that fixes what is copied: everything committed before it
        // began, nothing after. Checked first, so a database of a newer collector is
        // refused before anything is copied.
        source.execute_batch("BEGIN").map_err(&sql)?;
        schema_version(&source, &database)?;
        let copy = copy_into(&source, &part)?;
        source.execute_batch("COMMIT").map_err(&sql)?;
        drop(source);
        let summary = check(&copy, &part)?;
        close(copy, &part)?;
        publish(&part, &out, || BackupError::Exists { path: out.clone() })?;
        Ok(summary)
    })();
    finish(made, &part).map(|summary| (out, summary))
}

/// Puts the backup `from` in place as the database of `data_dir` (created if missing),
/// after checking it, so that `collector serve --data-dir data_dir` starts on it. Refused
/// if `data_dir` holds a database already, or its log. Returns what the backup holds.
pub fn restore(from: &Path, data_dir: &Path) -> Result<Summary, BackupError> {
    let database = path_in(data_dir);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = with_suffix(&database, suffix);
        if file.symlink_metadata().is_ok() {
            return Err(BackupError::InUse {
                data_dir: data_dir.to_owned(),
                file,
            });
        }
    }
    looks_like_sqlite(from)?;
    let source = open_read_only(from)?;
    let summary = check(&source, from)?;
    std::fs::create_dir_all(data_dir).map_err(|source| BackupError::Folder {
        path: data_dir.to_owned(),
        source,
    })?;
    let part = reserve(&database)?;
    let made = (|| {
        let copy = copy_into(&source, &part)?;
        drop(source);
        let copied = counts(&copy, &part)?;
        if copied != (summary.responses, summary.batches) {
            return Err(BackupError::Damaged {
                path: part.clone(),
                report: format!(
                    "the copy holds {} responses in {} batches, the backup {} in {}",
                    copied.0, copied.1, summary.responses, summary.batches
                ),
            });
        }
        close(copy, &part)?;
        publish(&part, &database, || BackupError::InUse {
            data_dir: data_dir.to_owned(),
            file: database.clone(),
        })?;
        Ok(summary)
    })();
    finish(made, &part)
}

/// `collector-<UTC time>.sqlite3` from RFC 3339 text, without the colons (which some file
/// systems refuse) and the milliseconds.
fn dated_name(now: &str) -> String {
    let seconds = now.split('.').next().unwrap_or(now).trim_end_matches('Z');
    format!("collector-{}Z.sqlite3", seconds.replace(':', ""))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn sql_error(path: &Path) -> impl Fn(rusqlite::Error) -> BackupError + '_ {
    move |source| BackupError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

/// The folder `file` goes in ("." for a bare name).
fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Creates `<file>.part`, empty (SQLite takes an empty file as an empty database), so
/// that no two runs write the same one; readable and writable by its owner only.
fn reserve(file: &Path) -> Result<PathBuf, BackupError> {
    let part = with_suffix(file, ".part");
    let folder = folder_of(file);
    match std::fs::metadata(&folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(BackupError::Folder {
                path: folder,
                source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
            })
        }
        Err(source) => {
            return Err(BackupError::Folder {
                path: folder,
                source,
            })
        }
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    // The database holds people's answers and the token hashes: a copy of it, wherever
    // it is taken, is its owner's alone.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&part) {
        Ok(_) => Ok(part),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(BackupError::Leftover { path: part })
        }
        Err(source) => Err(BackupError::Folder {
            path: folder,
            source,
        }),
    }
}

/// On failure, removes the `.part` file (and a rollback journal SQLite may have left
/// beside it); the error is returned as it was.
fn finish<T>(made: Result<T, BackupError>, part: &Path) -> Result<T, BackupError> {
    if made.is_err() {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            // Nothing there is the usual case; what cannot be removed is named by the
            // error of the next run (`Leftover`).
            let _ = std::fs::remove_file(with_suffix(part, suffix));
        }
    }
    made
}

/// A connection that can only read `path`, waiting (as intake does) if the file is busy.
fn open_read_only(path: &Path) -> Result<Connection, BackupError> {
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
fn looks_like_sqlite(path: &Path) -> Result<(), BackupError> {
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
fn schema_version(connection: &Connection, path: &Path) -> Result<i64, BackupError> {
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
fn check(connection: &Connection, path: &Path) -> Result<Summary, BackupError> {
    let schema = schema_version(connection, path)?;
    let sql = sql_error(path);
    let mut statement = connection
        .prepare("PRAGMA integrity_check(20)")
        .map_err(&sql)?;
    let report = statement
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(&sql)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(&sql)?;
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
fn counts(connection: &Connection, path: &Path) -> Result<(i64, i64), BackupError> {
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
fn copy_into(source: &Connection, part: &Path) -> Result<Connection, BackupError> {
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

/// Closes the copy and syncs it to disk.
fn close(copy: Connection, part: &Path) -> Result<(), BackupError> {
    copy.close().map_err(|(_, source)| BackupError::Sqlite {
        path: part.to_owned(),
        source,
    })?;
    let file_error = |source| BackupError::File {
        path: part.to_owned(),
        source,
    };
    File::open(part)
        .map_err(file_error)?
        .sync_all()
        .map_err(file_error)
}

/// Puts the synced `part` in place as `file`, never over an existing one (`taken` says
/// so), and syncs the folder so the new name survives a power cut. A hard link fails if
/// the name exists, with no moment in which another file could be replaced; a file
/// system without hard links (a USB stick's FAT) gets a rename after one more look.
fn publish(part: &Path, file: &Path, taken: impl Fn() -> BackupError) -> Result<(), BackupError> {
    let file_error = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::File { path, source }
    };
    match std::fs::hard_link(part, file) {
        Ok(()) => std::fs::remove_file(part).map_err(file_error(part))?,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => return Err(taken()),
        Err(_) => {
            if file.symlink_metadata().is_ok() {
                return Err(taken());
            }
            std::fs::rename(part, file).map_err(file_error(file))?;
        }
    }
    let folder = folder_of(file);
    File::open(&folder)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| BackupError::Folder {
            path: folder,
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_a_person_writes_them() {
        let summary = Summary {
            responses: 12_345,
            batches: 250,
            bytes: 8_493_466,
            schema: 2,
        };
        assert_eq!(
            summary.figures(),
            "12,345 responses in 250 batches (8.1 MB)"
        );
        let one = Summary {
            responses: 1,
            batches: 1,
            bytes: 0,
            schema: 2,
        };
        assert_eq!(one.figures(), "1 response in 1 batch (0.0 MB)");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_dated_name_has_no_colons() {
        assert_eq!(
            dated_name("2026-12-02T17:13:02.123Z"),
            "collector-2026-12-02T171302Z.sqlite3"
        );
    }
}

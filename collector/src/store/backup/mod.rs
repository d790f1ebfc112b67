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

mod files;
mod sqlite;

use std::path::{Path, PathBuf};

use files::{close, dated_name, finish, publish, reserve, with_suffix};
use sqlite::{
    check, copy_into, counts, looks_like_sqlite, open_read_only, schema_version, sql_error,
};

use super::{now_text, path_in};

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

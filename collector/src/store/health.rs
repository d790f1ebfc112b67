//! Whether the database still answers, for `GET /api/v1/health`.
//!
//! The intake's own connection is no witness: it keeps the file it opened, so it goes on
//! "storing" into a file removed from the folder (lost at the next restart), and reads
//! pages from its cache whatever has become of the disk. The [`Probe`] instead checks
//! what a restart would find: that the path still names the file the collector opened,
//! and that a fresh read-only connection (with a short busy timeout) can read its
//! schema.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How long the probe's connection waits for a lock before it gives up.
pub const BUSY_TIMEOUT: Duration = Duration::from_millis(500);

/// The database file the collector opened, to check on.
#[derive(Debug, Clone)]
pub struct Probe {
    path: PathBuf,
    identity: Option<Identity>,
}

/// A file's device and inode: what says it is still the same file (its inode cannot be
/// reused while the collector holds the file open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    device: u64,
    inode: u64,
}

/// Why the database does not answer, in words for the person watching.
#[derive(Debug, thiserror::Error)]
pub enum Unanswered {
    /// The file is no longer there.
    #[error(
        "the database file {} is gone (removed or moved) since the collector opened it; \
         put it back and restart the collector",
        path.display()
    )]
    Gone {
        /// The database file.
        path: PathBuf,
    },
    /// Another file is there now.
    #[error(
        "the database file {} was replaced since the collector opened it; restart the collector",
        path.display()
    )]
    Replaced {
        /// The database file.
        path: PathBuf,
    },
    /// The file cannot be opened or read.
    #[error("the database {} cannot be read: {source}", path.display())]
    Unreadable {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },
}

impl Probe {
    /// A probe of the database in `data_dir`, as it is now (call it right after the
    /// database is opened).
    pub fn of(data_dir: &Path) -> Probe {
        let path = super::path_in(data_dir);
        let identity = identity(&path).ok().flatten();
        Probe { path, identity }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes the database takes on disk now: the file and its write-ahead log.
    pub fn bytes(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        [self.path.as_os_str(), wal.as_os_str()]
            .iter()
            .filter_map(|path| std::fs::metadata(path).ok())
            .map(|metadata| metadata.len())
            .sum()
    }

    /// Checks that the file is the one opened and that its schema can be read. Blocks on
    /// the file system: an async caller runs it on a blocking thread, with a timeout.
    pub fn check(&self) -> Result<(), Unanswered> {
        let now = match identity(&self.path) {
            Ok(now) => now,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(Unanswered::Gone {
                    path: self.path.clone(),
                })
            }
            Err(_) => None, // Unreadable metadata: the open below says why.
        };
        if self.identity.is_some() && now.is_some() && now != self.identity {
            return Err(Unanswered::Replaced {
                path: self.path.clone(),
            });
        }
        self.read().map_err(|source| Unanswered::Unreadable {
            path: self.path.clone(),
            source,
        })
    }

    fn read(&self) -> rusqlite::Result<()> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        connection.query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
            row.get::<_, i64>(0)
        })?;
        connection.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM batches LIMIT 1)",
            [],
            |row| row.get::<_, i64>(0),
        )?;
        Ok(())
    }
}

#[cfg(unix)]
fn identity(path: &Path) -> std::io::Result<Option<Identity>> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path)?;
    Ok(Some(Identity {
        device: metadata.dev(),
        inode: metadata.ino(),
    }))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> std::io::Result<Option<Identity>> {
    std::fs::metadata(path).map(|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_database_answers() {
        let dir = tempfile::tempdir().unwrap();
        let _connection = super::super::open(dir.path()).unwrap();
        Probe::of(dir.path()).check().unwrap();
    }

    #[test]
    fn a_removed_file_is_gone_and_a_new_one_is_a_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let connection = super::super::open(dir.path()).unwrap();
        let probe = Probe::of(dir.path());
        std::fs::remove_file(probe.path()).unwrap();
        let gone = probe.check().unwrap_err();
        assert!(matches!(gone, Unanswered::Gone { .. }), "{gone}");
        // The collector holds the removed file open (as `connection` does here), so its
        // inode is not reused by the new one.
        let _again = super::super::open(dir.path()).unwrap();
        drop(connection);
        let replaced = probe.check().unwrap_err();
        assert!(
            matches!(replaced, Unanswered::Replaced { .. }),
            "{replaced}"
        );
    }

    #[test]
    fn garbage_is_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let connection = super::super::open(dir.path()).unwrap();
        connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let probe = Probe::of(dir.path());
        let length = std::fs::metadata(probe.path()).unwrap().len();
        std::fs::write(probe.path(), vec![b'x'; length as usize]).unwrap();
        let error = probe.check().unwrap_err();
        assert!(
            error.to_string().contains("file is not a database"),
            "{error}"
        );
    }
}

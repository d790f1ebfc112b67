//! The files of a backup or a restore: a `.part` file reserved beside the destination,
//! removed on failure, synced and linked into place under its name, never over another.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::BackupError;

/// `collector-<UTC time>.sqlite3` from RFC 3339 text, without the colons (which some file
/// systems refuse) and the milliseconds.
pub(super) fn dated_name(now: &str) -> String {
    let seconds = now.split('.').next().unwrap_or(now).trim_end_matches('Z');
    format!("collector-{}Z.sqlite3", seconds.replace(':', ""))
}

pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The folder `file` goes in ("." for a bare name).
pub(super) fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Creates `<file>.part`, empty (SQLite takes an empty file as an empty database), so
/// that no two runs write the same one; readable and writable by its owner only.
pub(super) fn reserve(file: &Path) -> Result<PathBuf, BackupError> {
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
pub(super) fn finish<T>(made: Result<T, BackupError>, part: &Path) -> Result<T, BackupError> {
    if made.is_err() {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            // Nothing there is the usual case; what cannot be removed is named by the
            // error of the next run (`Leftover`).
            let _ = std::fs::remove_file(with_suffix(part, suffix));
        }
    }
    made
}

/// Closes the copy and syncs it to disk.
pub(super) fn close(copy: Connection, part: &Path) -> Result<(), BackupError> {
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
pub(super) fn publish(
    part: &Path,
    file: &Path,
    taken: impl Fn() -> BackupError,
) -> Result<(), BackupError> {
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

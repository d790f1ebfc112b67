//! The questionnaire versions batches may answer, as a collector process holds them.
//!
//! [`Accepted`] reads the published and closed versions from `questionnaire_versions`
//! ([`super::questionnaires`]) when it is opened, and again whenever they change (a
//! version published or closed from the console, the command line or another process):
//! each look costs one small query on a read-only connection of its own, so it never
//! waits for a batch being stored.
//!
//! Each version is loaded once in a process and kept for its life ([`keep`]): a version
//! never changes once published, there are few of them, and pages and tallies can then
//! hold one without copying it. The versions this build ships are kept from the start.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use rusqlite::Connection;
use survey::Questionnaire;

use super::questionnaires::{self, VersionError};
use super::DbError;

/// Every version this process has loaded, oldest kept first.
fn registry() -> &'static Mutex<Vec<&'static Questionnaire>> {
    static KEPT: OnceLock<Mutex<Vec<&'static Questionnaire>>> = OnceLock::new();
    KEPT.get_or_init(|| {
        let shipped = survey::shipped::shipped_questionnaires().unwrap_or_default();
        Mutex::new(
            shipped
                .into_iter()
                .map(|q| &*Box::leak(Box::new(q)))
                .collect(),
        )
    })
}

/// `questionnaire`, kept for the life of the process; the one kept before if its id and
/// version were loaded already (a version never changes once published).
pub fn keep(questionnaire: Questionnaire) -> &'static Questionnaire {
    let mut kept = registry().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = kept
        .iter()
        .find(|q| q.id == questionnaire.id && q.version == questionnaire.version)
    {
        return found;
    }
    let leaked: &'static Questionnaire = Box::leak(Box::new(questionnaire));
    kept.push(leaked);
    leaked
}

/// The version `id` / `version`, if this process has loaded it.
pub fn kept(id: &str, version: u32) -> Option<&'static Questionnaire> {
    let kept = registry().lock().unwrap_or_else(|p| p.into_inner());
    kept.iter()
        .find(|q| q.id == id && q.version == version)
        .copied()
}

/// The versions batches may answer, newest (the current one) first.
pub type Versions = Arc<[&'static Questionnaire]>;

/// The current version's file as it was added, for tablets to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentFile {
    /// Its id and version.
    pub id: String,
    pub version: u32,
    /// SHA-256 of the text, hex (the ETag).
    pub hash: String,
    /// The text.
    pub json: String,
}

/// What was read last: the key that says whether it changed, the versions, the current
/// version's file.
struct Snapshot {
    key: String,
    versions: Versions,
    current: Arc<CurrentFile>,
}

/// The accepted versions of one data folder, kept up to date.
#[derive(Clone)]
pub struct Accepted {
    data_dir: Arc<PathBuf>,
    reader: Arc<Mutex<Option<Connection>>>,
    state: Arc<RwLock<Snapshot>>,
}

impl Accepted {
    /// Reads the accepted versions through `connection` (the database of `data_dir`,
    /// opened and migrated).
    pub fn open(data_dir: &Path, connection: &Connection) -> Result<Accepted, VersionError> {
        let state = read(connection)?;
        Ok(Accepted {
            data_dir: Arc::new(data_dir.to_owned()),
            reader: Arc::new(Mutex::new(None)),
            state: Arc::new(RwLock::new(state)),
        })
    }

    /// The accepted versions now, newest first. If they cannot be read again, the ones
    /// read last are given (and the reason logged): a version is never taken back.
    pub fn now(&self) -> Versions {
        if let Err(error) = self.refresh() {
            tracing::warn!(%error, "questionnaire versions not read again");
        }
        let state = self.state.read().unwrap_or_else(|p| p.into_inner());
        state.versions.clone()
    }

    /// The current version's file (the newest published), as the database holds it now.
    pub fn current_file(&self) -> Arc<CurrentFile> {
        if let Err(error) = self.refresh() {
            tracing::warn!(%error, "questionnaire versions not read again");
        }
        let state = self.state.read().unwrap_or_else(|p| p.into_inner());
        state.current.clone()
    }

    fn refresh(&self) -> Result<(), VersionError> {
        let mut reader = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if reader.is_none() {
            *reader = Some(super::open_reader(&self.data_dir)?);
        }
        let Some(connection) = reader.as_ref() else {
            return Ok(());
        };
        let key = questionnaires::accepted_key(connection)?;
        let unchanged = {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            state.key == key
        };
        if !unchanged {
            let fresh = read(connection)?;
            *self.state.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        }
        Ok(())
    }
}

/// The key, the accepted versions (kept) and the current file. The key is read first:
/// a version published meanwhile is seen at the next look.
fn read(connection: &Connection) -> Result<Snapshot, VersionError> {
    let key = questionnaires::accepted_key(connection)?;
    let versions: Vec<&'static Questionnaire> = questionnaires::accepted(connection)?
        .into_iter()
        .map(keep)
        .collect();
    let Some((row, json)) = questionnaires::current(connection)? else {
        return Err(VersionError::Db(DbError::Shipped(
            "the database holds no published questionnaire version".into(),
        )));
    };
    Ok(Snapshot {
        key,
        versions: versions.into(),
        current: Arc::new(CurrentFile {
            id: row.id,
            version: row.version,
            hash: row.hash,
            json,
        }),
    })
}

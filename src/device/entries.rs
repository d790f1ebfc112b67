//! Doorstep's own entries in LocalStorage: read and written under their [`Key`]s, listed
//! by family, counted, and set aside when damaged.
//!
//! An entry that does not parse is moved, text unchanged, to
//! `doorstep/v1/quarantine/<its name>` and read as missing, so one bad entry never stops
//! the app and nothing is lost; settings lists what was set aside ([`quarantined`]).

use serde::{de::DeserializeOwned, Serialize};

use super::keys::{self, Key};
use crate::platform::local_storage::{self, StorageError, Usage};

/// Reads the entry under `key`; `Ok(None)` when there is none.
pub fn load<T: DeserializeOwned>(key: &Key) -> Result<Option<T>, StorageError> {
    local_storage::load(key.as_str())
}

/// Writes `value` under `key`, replacing what was there; a failed write changes nothing.
pub fn save<T: Serialize + ?Sized>(key: &Key, value: &T) -> Result<(), StorageError> {
    local_storage::save(key.as_str(), value)
}

/// Removes the entry under `key` (nothing happens if there is none).
pub fn remove(key: &Key) -> Result<(), StorageError> {
    local_storage::remove(key.as_str())
}

/// Whether there is an entry under `key`.
pub fn contains(key: &Key) -> Result<bool, StorageError> {
    local_storage::contains(key.as_str())
}

/// The entries of the current layout whose name starts with `family`
/// (`under(keys::RESPONSES)`), in no particular order.
pub fn under(family: &str) -> Result<Vec<Key>, StorageError> {
    let prefix = format!("{}{family}", keys::layout_prefix());
    Ok(local_storage::keys_starting_with(&prefix)?
        .into_iter()
        .filter_map(Key::from_stored)
        .collect())
}

/// The ids in the names of the entries of `family` (`response/<id>` → id), skipping any
/// name that holds no id.
pub fn ids_under<T: std::str::FromStr>(family: &str) -> Result<Vec<T>, StorageError> {
    Ok(under(family)?
        .iter()
        .filter_map(|key| key.name().strip_prefix(family)?.parse().ok())
        .collect())
}

/// Sets a damaged entry aside under [`keys::quarantine_of`] it, text unchanged. If storage
/// is too full for the copy, the entry stays where it is (still not lost) and the error
/// says so.
pub fn quarantine(key: &Key) -> Result<(), StorageError> {
    local_storage::move_entry(key.as_str(), keys::quarantine_of(key).as_str())
}

/// Reads the entry under `key`; a damaged one is set aside ([`quarantine`]) and read as
/// missing.
pub fn load_or_quarantine<T: DeserializeOwned>(key: &Key) -> Result<Option<T>, StorageError> {
    match load(key) {
        Err(StorageError::Corrupt { .. }) => {
            quarantine(key)?;
            Ok(None)
        }
        other => other,
    }
}

/// The damaged entries set aside so far (their original names), sorted.
pub fn quarantined() -> Result<Vec<String>, StorageError> {
    let mut names: Vec<String> = under(keys::QUARANTINE)?
        .iter()
        .map(|key| key.name().trim_start_matches(keys::QUARANTINE).to_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// How many entries Doorstep keeps (in any layout) and the bytes they take.
pub fn usage() -> Result<Usage, StorageError> {
    local_storage::usage_of(&keys::namespace_prefix())
}

//! The one door to LocalStorage.
//!
//! Every entry Doorstep keeps on the device goes through here, under a namespaced and
//! versioned key (`doorstep/v1/<name>`), so that a later schema can sit beside this one
//! and nothing else in the browser's storage is ever touched. Nothing here panics: a
//! missing or blocked `localStorage`, a full quota or a damaged entry comes back as a
//! [`StorageError`] the screens turn into plain words.
//!
//! ```no_run
//! use doorstep::storage::{self, Key};
//! let key = Key::new("device");
//! storage::save(&key, &42_u32)?;
//! assert_eq!(storage::load::<u32>(&key)?, Some(42));
//! # Ok::<(), storage::StorageError>(())
//! ```

use gloo_storage::{errors::StorageError as GlooError, LocalStorage, Storage as _};
use serde::{de::DeserializeOwned, Serialize};

/// Prefix of every key Doorstep owns.
pub const NAMESPACE: &str = "doorstep";
/// Version of the stored layout; bumped (with a migration) when an entry's shape changes.
pub const LAYOUT_VERSION: u32 = 1;

/// A namespaced, versioned LocalStorage key: `doorstep/v1/<name>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key(String);

impl Key {
    /// The key for `name` in the current layout, e.g. `Key::new("device")` is
    /// `doorstep/v1/device`.
    pub fn new(name: &str) -> Self {
        Key(format!("{}{name}", prefix()))
    }

    /// The full key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The part every key of the current layout starts with.
fn prefix() -> String {
    format!("{NAMESPACE}/v{LAYOUT_VERSION}/")
}

/// Why something could not be read from or written to the device.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The browser gives no `localStorage` (private mode in some browsers, storage
    /// disabled in settings, or a sandboxed frame).
    #[error("this browser is not letting Doorstep keep data on the device")]
    Unavailable,
    /// The write would go over the browser's quota.
    #[error("storage on this device is full")]
    Full { key: String },
    /// The browser refused the write for another reason.
    #[error("the browser refused to save {key}: {reason}")]
    WriteRefused { key: String, reason: String },
    /// A value could not be encoded (a bug, not the worker's doing).
    #[error("could not encode {key}: {reason}")]
    Encode { key: String, reason: String },
    /// A stored entry is not what this version of the app expects.
    #[error("the saved entry {key} is damaged: {reason}")]
    Corrupt { key: String, reason: String },
}

impl StorageError {
    /// What the worker should do about it, in plain words.
    pub fn advice(&self) -> &'static str {
        match self {
            StorageError::Unavailable => {
                "Open Doorstep from its home-screen icon or a normal (not private) browser \
                 window, and allow the site to store data."
            }
            StorageError::Full { .. } => {
                "Hand in completed interviews to free space. What is already saved is safe."
            }
            StorageError::WriteRefused { .. } | StorageError::Encode { .. } => {
                "Try again. If it keeps happening, tell your coordinator."
            }
            StorageError::Corrupt { .. } => {
                "The damaged entry was set aside; tell your coordinator."
            }
        }
    }
}

/// How much of LocalStorage Doorstep's own entries take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Number of Doorstep entries.
    pub entries: u32,
    /// Bytes they take as the browser counts them (keys and values, UTF-16).
    pub bytes: u64,
}

/// The browser's `localStorage`, or [`StorageError::Unavailable`].
///
/// gloo-storage throws a JavaScript exception when `localStorage` is missing, so every
/// operation checks here first.
fn local_storage() -> Result<web_sys::Storage, StorageError> {
    let window = web_sys::window().ok_or(StorageError::Unavailable)?;
    window
        .local_storage()
        .ok()
        .flatten()
        .ok_or(StorageError::Unavailable)
}

/// Reads and decodes the entry under `key`; `Ok(None)` when there is none.
pub fn load<T: DeserializeOwned>(key: &Key) -> Result<Option<T>, StorageError> {
    local_storage()?;
    match LocalStorage::get::<T>(key.as_str()) {
        Ok(value) => Ok(Some(value)),
        Err(GlooError::KeyNotFound(_)) => Ok(None),
        Err(GlooError::SerdeError(error)) => Err(StorageError::Corrupt {
            key: key.as_str().to_owned(),
            reason: error.to_string(),
        }),
        Err(GlooError::JsError(error)) => Err(StorageError::WriteRefused {
            key: key.as_str().to_owned(),
            reason: error.to_string(),
        }),
    }
}

/// Encodes `value` and writes it under `key`, replacing what was there.
///
/// When the write fails nothing already stored changes: the browser writes an item
/// whole or not at all.
pub fn save<T: Serialize + ?Sized>(key: &Key, value: &T) -> Result<(), StorageError> {
    local_storage()?;
    LocalStorage::set(key.as_str(), value).map_err(|error| match error {
        GlooError::SerdeError(error) => StorageError::Encode {
            key: key.as_str().to_owned(),
            reason: error.to_string(),
        },
        GlooError::JsError(error) if is_quota_error(&error.name) => StorageError::Full {
            key: key.as_str().to_owned(),
        },
        GlooError::JsError(error) => StorageError::WriteRefused {
            key: key.as_str().to_owned(),
            reason: error.to_string(),
        },
        GlooError::KeyNotFound(_) => StorageError::WriteRefused {
            key: key.as_str().to_owned(),
            reason: error.to_string(),
        },
    })
}

/// Removes the entry under `key` (nothing happens if there is none).
pub fn remove(key: &Key) -> Result<(), StorageError> {
    local_storage()?;
    LocalStorage::delete(key.as_str());
    Ok(())
}

/// Whether there is an entry under `key`.
pub fn contains(key: &Key) -> Result<bool, StorageError> {
    let storage = local_storage()?;
    Ok(matches!(storage.get_item(key.as_str()), Ok(Some(_))))
}

/// The entries of the current layout whose name starts with `prefix`
/// (`entries_under("response/")`), in no particular order.
pub fn entries_under(prefix: &str) -> Result<Vec<Key>, StorageError> {
    let storage = local_storage()?;
    let full_prefix = format!("{}{prefix}", self::prefix());
    let length = storage.length().map_err(|_| StorageError::Unavailable)?;
    Ok((0..length)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(&full_prefix))
        .map(Key)
        .collect())
}

impl Key {
    /// The part after `doorstep/v1/` (`"response/<id>"`).
    pub fn name(&self) -> &str {
        self.0.get(prefix().len()..).unwrap_or_default()
    }
}

/// Where a damaged entry is set aside: `doorstep/v1/quarantine/<its name>`.
pub fn quarantine_key(key: &Key) -> Key {
    Key::new(&format!("quarantine/{}", key.name()))
}

/// Sets a damaged entry aside, text unchanged, under [`quarantine_key`], so the app can go
/// on without it and nothing is lost; settings lists what is there ([`quarantined`]).
///
/// If storage is too full for the copy, the entry stays where it is (still not lost) and
/// the error says so.
pub fn quarantine(key: &Key) -> Result<(), StorageError> {
    let storage = local_storage()?;
    let Ok(Some(text)) = storage.get_item(key.as_str()) else {
        return Ok(());
    };
    let aside = quarantine_key(key);
    storage
        .set_item(aside.as_str(), &text)
        .map_err(|_| StorageError::Full {
            key: aside.as_str().to_owned(),
        })?;
    storage
        .remove_item(key.as_str())
        .map_err(|_| StorageError::WriteRefused {
            key: key.as_str().to_owned(),
            reason: "could not remove the damaged entry".to_owned(),
        })
}

/// The damaged entries set aside so far (their original names).
pub fn quarantined() -> Result<Vec<String>, StorageError> {
    let mut names: Vec<String> = entries_under("quarantine/")?
        .iter()
        .map(|key| key.name().trim_start_matches("quarantine/").to_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// Reads the entry under `key`; a damaged one is set aside ([`quarantine`]) and read as
/// missing, so one bad entry never stops the app.
pub fn load_or_quarantine<T: DeserializeOwned>(key: &Key) -> Result<Option<T>, StorageError> {
    match load(key) {
        Err(StorageError::Corrupt { .. }) => {
            quarantine(key)?;
            Ok(None)
        }
        other => other,
    }
}

/// Counts Doorstep's entries and the bytes they take.
pub fn usage() -> Result<Usage, StorageError> {
    let storage = local_storage()?;
    let prefix = format!("{NAMESPACE}/");
    let mut usage = Usage::default();
    let length = storage.length().map_err(|_| StorageError::Unavailable)?;
    for index in 0..length {
        let Ok(Some(key)) = storage.key(index) else {
            continue;
        };
        if !key.starts_with(&prefix) {
            continue;
        }
        let value_units = match storage.get_item(&key) {
            Ok(Some(value)) => value.encode_utf16().count(),
            _ => 0,
        };
        usage.entries += 1;
        usage.bytes += 2 * (key.encode_utf16().count() + value_units) as u64;
    }
    Ok(usage)
}

/// Browsers name the quota error differently (Firefox had its own name for years).
fn is_quota_error(name: &str) -> bool {
    matches!(name, "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn keys_are_namespaced_and_versioned() {
        assert_eq!(Key::new("device").as_str(), "doorstep/v1/device");
    }

    #[test]
    fn quota_errors_are_recognised_by_name_in_every_browser() {
        assert!(is_quota_error("QuotaExceededError"));
        assert!(is_quota_error("NS_ERROR_DOM_QUOTA_REACHED"));
        assert!(!is_quota_error("SecurityError"));
    }

    #[test]
    fn every_error_has_advice_for_the_worker() {
        let errors = [
            StorageError::Unavailable,
            StorageError::Full { key: "k".into() },
            StorageError::Corrupt {
                key: "k".into(),
                reason: "r".into(),
            },
        ];
        for error in errors {
            assert!(!error.advice().is_empty(), "{error:?}");
        }
    }
}

/// These run in headless Chromium: `cargo test -p doorstep --lib --target wasm32-unknown-unknown`.
#[cfg(all(test, target_arch = "wasm32"))]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails
mod browser_tests {
    use super::*;
    use serde::Deserialize;
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        text: String,
        count: u32,
    }

    fn raw() -> web_sys::Storage {
        local_storage().expect("the test browser has localStorage")
    }

    /// Runs `body` while `window.localStorage` throws, as when storage is blocked.
    fn with_storage_blocked(body: impl FnOnce()) {
        let block = js_sys::Function::new_no_args(
            "const d = Object.getOwnPropertyDescriptor(window, 'localStorage');
             window.__doorstepSaved = d;
             Object.defineProperty(window, 'localStorage', {
               configurable: true,
               get() { throw new DOMException('blocked by the test', 'SecurityError'); },
             });",
        );
        let restore = js_sys::Function::new_no_args(
            "const d = window.__doorstepSaved;
             if (d) { Object.defineProperty(window, 'localStorage', d); }
             else { delete window.localStorage; }",
        );
        block.call0(&JsValue::NULL).expect("blocking localStorage");
        body();
        restore
            .call0(&JsValue::NULL)
            .expect("restoring localStorage");
    }

    #[wasm_bindgen_test]
    fn a_saved_value_loads_back_unchanged() {
        let key = Key::new("test/round-trip");
        let note = Note {
            text: "Türkçe, বাংলা and \"quotes\"".into(),
            count: 3,
        };
        save(&key, &note).expect("save");
        assert_eq!(load::<Note>(&key), Ok(Some(note)));
        assert!(raw()
            .get_item("doorstep/v1/test/round-trip")
            .unwrap()
            .is_some());
        remove(&key).expect("remove");
        assert_eq!(load::<Note>(&key), Ok(None));
    }

    #[wasm_bindgen_test]
    fn a_missing_entry_is_none_not_an_error() {
        assert_eq!(load::<Note>(&Key::new("test/never-written")), Ok(None));
    }

    #[wasm_bindgen_test]
    fn a_damaged_entry_is_reported_as_corrupt() {
        let key = Key::new("test/damaged");
        raw().set_item(key.as_str(), "{not json").unwrap();
        let result = load::<Note>(&key);
        assert!(
            matches!(&result, Err(StorageError::Corrupt { key: k, .. }) if k == key.as_str()),
            "{result:?}"
        );
        // The damaged text is left where it was, for the worker's coordinator to recover.
        assert_eq!(
            raw().get_item(key.as_str()).unwrap().as_deref(),
            Some("{not json")
        );
        raw().remove_item(key.as_str()).unwrap();
    }

    #[wasm_bindgen_test]
    fn usage_counts_only_doorsteps_entries() {
        let key = Key::new("test/usage");
        raw().set_item("someone-else", "xxxxxxxxxx").unwrap();
        let before = usage().expect("usage");
        save(&key, &"abc").unwrap();
        let after = usage().expect("usage");
        assert_eq!(after.entries, before.entries + 1);
        // Key and value ("\"abc\"", 5 units) counted as UTF-16: 2 bytes a unit.
        assert_eq!(
            after.bytes - before.bytes,
            2 * (key.as_str().len() as u64 + 5)
        );
        remove(&key).unwrap();
        raw().remove_item("someone-else").unwrap();
    }

    #[wasm_bindgen_test]
    fn blocked_storage_is_a_typed_error_not_a_panic() {
        with_storage_blocked(|| {
            let key = Key::new("test/blocked");
            assert_eq!(save(&key, &1_u8), Err(StorageError::Unavailable));
            assert_eq!(load::<u8>(&key), Err(StorageError::Unavailable));
            assert_eq!(remove(&key), Err(StorageError::Unavailable));
            assert_eq!(usage(), Err(StorageError::Unavailable));
        });
        // And storage works again once the browser allows it.
        assert_eq!(load::<u8>(&Key::new("test/blocked")), Ok(None));
    }

    #[wasm_bindgen_test]
    fn full_storage_is_a_typed_error_and_keeps_what_was_saved() {
        let kept = Key::new("test/kept");
        let note = Note {
            text: "saved before the device filled up".into(),
            count: 1,
        };
        save(&kept, &note).unwrap();

        // Fill the quota with the browser's own API, halving the chunk until nothing fits.
        let mut chunk = "x".repeat(1 << 20);
        let mut filled = 0_usize;
        let mut index = 0;
        while !chunk.is_empty() {
            match raw().set_item(&format!("fill/{index}"), &chunk) {
                Ok(()) => {
                    filled += chunk.len();
                    index += 1;
                }
                Err(_) => chunk.truncate(chunk.len() / 2),
            }
        }
        console_log!("localStorage took {filled} characters in {index} entries before it was full");

        let result = save(&Key::new("test/overflow"), &"one more answer".repeat(10));
        assert_eq!(
            result,
            Err(StorageError::Full {
                key: "doorstep/v1/test/overflow".into()
            })
        );
        assert!(!result.unwrap_err().advice().is_empty());
        assert_eq!(
            load::<Note>(&kept),
            Ok(Some(note)),
            "what was saved before stays"
        );
        assert_eq!(
            load::<String>(&Key::new("test/overflow")),
            Ok(None),
            "nothing half-written"
        );

        for i in 0..index {
            raw().remove_item(&format!("fill/{i}")).unwrap();
        }
        remove(&kept).unwrap();
    }
}

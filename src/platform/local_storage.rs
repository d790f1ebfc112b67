//! The browser's LocalStorage, and nothing of the domain: typed reads and writes under
//! whatever key the caller names, with every failure a [`StorageError`].
//!
//! Nothing here panics: a missing or blocked `localStorage`, a full quota or an entry
//! that does not parse comes back as an error the screens turn into plain words. Which
//! keys Doorstep uses, and what it does with a damaged entry, belong to the device layer above.
//!
//! ```no_run
//! use doorstep::platform::local_storage;
//! local_storage::save("doorstep/v1/device", &42_u32)?;
//! assert_eq!(local_storage::load::<u32>("doorstep/v1/device")?, Some(42));
//! # Ok::<(), local_storage::StorageError>(())
//! ```

use gloo_storage::{errors::StorageError as GlooError, LocalStorage, Storage as _};
use serde::{de::DeserializeOwned, Serialize};

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

/// How much of LocalStorage some entries take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Number of entries.
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
pub fn load<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StorageError> {
    local_storage()?;
    match LocalStorage::get::<T>(key) {
        Ok(value) => Ok(Some(value)),
        Err(GlooError::KeyNotFound(_)) => Ok(None),
        Err(GlooError::SerdeError(error)) => Err(StorageError::Corrupt {
            key: key.to_owned(),
            reason: error.to_string(),
        }),
        Err(GlooError::JsError(error)) => Err(StorageError::WriteRefused {
            key: key.to_owned(),
            reason: error.to_string(),
        }),
    }
}

/// Encodes `value` and writes it under `key`, replacing what was there.
///
/// When the write fails nothing already stored changes: the browser writes an item
/// whole or not at all.
pub fn save<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<(), StorageError> {
    local_storage()?;
    LocalStorage::set(key, value).map_err(|error| match error {
        GlooError::SerdeError(error) => StorageError::Encode {
            key: key.to_owned(),
            reason: error.to_string(),
        },
        GlooError::JsError(error) if is_quota_error(&error.name) => StorageError::Full {
            key: key.to_owned(),
        },
        GlooError::JsError(error) => StorageError::WriteRefused {
            key: key.to_owned(),
            reason: error.to_string(),
        },
        GlooError::KeyNotFound(_) => StorageError::WriteRefused {
            key: key.to_owned(),
            reason: error.to_string(),
        },
    })
}

/// Removes the entry under `key` (nothing happens if there is none).
pub fn remove(key: &str) -> Result<(), StorageError> {
    local_storage()?;
    LocalStorage::delete(key);
    Ok(())
}

/// Whether there is an entry under `key`.
pub fn contains(key: &str) -> Result<bool, StorageError> {
    let storage = local_storage()?;
    Ok(matches!(storage.get_item(key), Ok(Some(_))))
}

/// Every key that starts with `prefix`, in no particular order.
pub fn keys_starting_with(prefix: &str) -> Result<Vec<String>, StorageError> {
    let storage = local_storage()?;
    let length = storage.length().map_err(|_| StorageError::Unavailable)?;
    Ok((0..length)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect())
}

/// Moves the entry under `from`, text unchanged, to `to` (nothing happens if there is
/// none). The copy is written before the original is removed, so a failure never loses
/// the entry: if storage is too full for the copy, the entry stays where it was.
pub fn move_entry(from: &str, to: &str) -> Result<(), StorageError> {
    let storage = local_storage()?;
    let Ok(Some(text)) = storage.get_item(from) else {
        return Ok(());
    };
    storage
        .set_item(to, &text)
        .map_err(|_| StorageError::Full { key: to.to_owned() })?;
    storage
        .remove_item(from)
        .map_err(|_| StorageError::WriteRefused {
            key: from.to_owned(),
            reason: "could not remove the entry after copying it".to_owned(),
        })
}

/// How many entries start with `prefix`, and the bytes they take.
pub fn usage_of(prefix: &str) -> Result<Usage, StorageError> {
    let storage = local_storage()?;
    let mut usage = Usage::default();
    let length = storage.length().map_err(|_| StorageError::Unavailable)?;
    for index in 0..length {
        let Ok(Some(key)) = storage.key(index) else {
            continue;
        };
        if !key.starts_with(prefix) {
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
        let key = "doorstep/v1/test/round-trip";
        let note = Note {
            text: "Türkçe, বাংলা and \"quotes\"".into(),
            count: 3,
        };
        save(key, &note).expect("save");
        assert_eq!(load::<Note>(key), Ok(Some(note)));
        assert!(raw()
            .get_item("doorstep/v1/test/round-trip")
            .unwrap()
            .is_some());
        remove(key).expect("remove");
        assert_eq!(load::<Note>(key), Ok(None));
    }

    #[wasm_bindgen_test]
    fn a_missing_entry_is_none_not_an_error() {
        assert_eq!(load::<Note>("doorstep/v1/test/never-written"), Ok(None));
    }

    #[wasm_bindgen_test]
    fn a_damaged_entry_is_reported_as_corrupt() {
        let key = "doorstep/v1/test/damaged";
        raw().set_item(key, "{not json").unwrap();
        let result = load::<Note>(key);
        assert!(
            matches!(&result, Err(StorageError::Corrupt { key: k, .. }) if k == key),
            "{result:?}"
        );
        // The damaged text is left where it was, for the worker's coordinator to recover.
        assert_eq!(raw().get_item(key).unwrap().as_deref(), Some("{not json"));
        raw().remove_item(key).unwrap();
    }

    #[wasm_bindgen_test]
    fn usage_counts_only_doorsteps_entries() {
        let key = "doorstep/v1/test/usage";
        raw().set_item("someone-else", "xxxxxxxxxx").unwrap();
        let before = usage_of("doorstep/").expect("usage");
        save(key, &"abc").unwrap();
        let after = usage_of("doorstep/").expect("usage");
        assert_eq!(after.entries, before.entries + 1);
        // Key and value ("\"abc\"", 5 units) counted as UTF-16: 2 bytes a unit.
        assert_eq!(after.bytes - before.bytes, 2 * (key.len() as u64 + 5));
        remove(key).unwrap();
        raw().remove_item("someone-else").unwrap();
    }

    #[wasm_bindgen_test]
    fn blocked_storage_is_a_typed_error_not_a_panic() {
        with_storage_blocked(|| {
            let key = "doorstep/v1/test/blocked";
            assert_eq!(save(key, &1_u8), Err(StorageError::Unavailable));
            assert_eq!(load::<u8>(key), Err(StorageError::Unavailable));
            assert_eq!(remove(key), Err(StorageError::Unavailable));
            assert_eq!(usage_of("doorstep/"), Err(StorageError::Unavailable));
        });
        // And storage works again once the browser allows it.
        assert_eq!(load::<u8>("doorstep/v1/test/blocked"), Ok(None));
    }

    #[wasm_bindgen_test]
    fn full_storage_is_a_typed_error_and_keeps_what_was_saved() {
        let kept = "doorstep/v1/test/kept";
        let note = Note {
            text: "saved before the device filled up".into(),
            count: 1,
        };
        save(kept, &note).unwrap();

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

        let result = save("doorstep/v1/test/overflow", &"one more answer".repeat(10));
        assert_eq!(
            result,
            Err(StorageError::Full {
                key: "doorstep/v1/test/overflow".into()
            })
        );
        assert!(!result.unwrap_err().advice().is_empty());
        assert_eq!(
            load::<Note>(kept),
            Ok(Some(note)),
            "what was saved before stays"
        );
        assert_eq!(
            load::<String>("doorstep/v1/test/overflow"),
            Ok(None),
            "nothing half-written"
        );

        for i in 0..index {
            raw().remove_item(&format!("fill/{i}")).unwrap();
        }
        remove(kept).unwrap();
    }
}

//! What the tablet remembers about itself: how long handed-in interviews stay after their
//! receipt, the language of the worker's screens, and the device record of its first run.

use serde::{Deserialize, Serialize};

use super::{entries, keys};
use crate::platform::local_storage::StorageError;
use crate::platform::persistence::{self, Persistence};
use crate::words::WorkerLanguage;

/// Days handed-in interviews stay on the tablet unless set in settings.
pub const DEFAULT_RETENTION_DAYS: u16 = 7;
/// The longest retention settings accept.
pub const MAX_RETENTION_DAYS: u16 = 90;

/// Days handed-in interviews stay on the tablet after their receipt. A missing, damaged
/// or out-of-range setting reads as [`DEFAULT_RETENTION_DAYS`].
pub fn retention_days() -> u16 {
    entries::load_or_quarantine::<u16>(&keys::retention_days())
        .ok()
        .flatten()
        .filter(|days| (1..=MAX_RETENTION_DAYS).contains(days))
        .unwrap_or(DEFAULT_RETENTION_DAYS)
}

/// Sets the retention, 1 to [`MAX_RETENTION_DAYS`] days.
pub fn set_retention_days(days: u16) -> Result<(), StorageError> {
    entries::save(&keys::retention_days(), &days.clamp(1, MAX_RETENTION_DAYS))
}

/// The language chosen for the worker's screens, if one was. A damaged entry is set
/// aside; a language this version does not have reads as none.
pub fn worker_language() -> Option<WorkerLanguage> {
    entries::load_or_quarantine::<String>(&keys::worker_language())
        .ok()
        .flatten()
        .and_then(|code| WorkerLanguage::from_code(&code))
}

/// Keeps `language` as the language of the worker's screens.
pub fn set_worker_language(language: WorkerLanguage) -> Result<(), StorageError> {
    entries::save(&keys::worker_language(), language.code())
}

/// Facts about this device's install, kept under `doorstep/v1/device`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// When Doorstep first ran here (ISO 8601).
    pub first_opened: String,
    /// Whether Doorstep has asked for persistent storage.
    pub persistence_requested: bool,
}

/// On the first run only: records the device and asks for persistent storage.
///
/// Asking on every start would show some browsers' permission prompt again and again;
/// settings has a button to ask again.
pub async fn on_first_run() -> Result<(), StorageError> {
    if device_record()?.is_some() {
        return Ok(());
    }
    let persistence = persistence::request_persistence().await;
    let record = DeviceRecord {
        first_opened: String::from(js_sys::Date::new_0().to_iso_string()),
        persistence_requested: persistence != Persistence::Unsupported,
    };
    entries::save(&keys::device(), &record)
}

/// The device record, if Doorstep has run here before.
fn device_record() -> Result<Option<DeviceRecord>, StorageError> {
    entries::load_or_quarantine(&keys::device())
}

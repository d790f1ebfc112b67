//! Keeping the worker's data on this device: persistent storage and how full it is.
//!
//! Browsers may clear a site's storage under pressure unless it is marked persistent;
//! Doorstep asks once, on first run, and lets the worker ask again from settings.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::storage::{self, Key, StorageError, Usage};

/// What the browser said about keeping Doorstep's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persistence {
    /// The browser will not clear the data without the user's say-so.
    Granted,
    /// The browser may clear the data when the device runs low on space.
    NotGranted,
    /// This browser has no StorageManager (old browser or not a secure context).
    Unsupported,
}

impl Persistence {
    /// A stable lowercase name, for `data-state` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Persistence::Granted => "granted",
            Persistence::NotGranted => "not-granted",
            Persistence::Unsupported => "unsupported",
        }
    }
}

/// The browser's estimate of all storage the site uses and may use, in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Bytes in use (caches and databases; browsers leave LocalStorage out).
    pub usage: f64,
    /// Bytes the site may use.
    pub quota: f64,
}

/// Everything the storage panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageReport {
    /// Whether data is kept persistently.
    pub persistence: Persistence,
    /// The browser's estimate, when it gives one.
    pub estimate: Option<Estimate>,
    /// Doorstep's own LocalStorage entries.
    pub saved: Result<Usage, StorageError>,
    /// Damaged entries set aside (their names), see [`storage::quarantine`].
    pub quarantined: Result<Vec<String>, StorageError>,
}

/// Facts about this device's install, kept under `doorstep/v1/device`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// When Doorstep first ran here (ISO 8601).
    pub first_opened: String,
    /// Whether Doorstep has asked for persistent storage.
    pub persistence_requested: bool,
}

fn device_key() -> Key {
    Key::new("device")
}

/// On the first run only: records the device and asks for persistent storage.
///
/// Asking on every start would show some browsers' permission prompt again and again;
/// settings has a button to ask again.
pub async fn on_first_run() -> Result<(), StorageError> {
    if storage::load_or_quarantine::<DeviceRecord>(&device_key())?.is_some() {
        return Ok(());
    }
    let persistence = request_persistence().await;
    let record = DeviceRecord {
        first_opened: String::from(js_sys::Date::new_0().to_iso_string()),
        persistence_requested: persistence != Persistence::Unsupported,
    };
    storage::save(&device_key(), &record)
}

/// The device record, if Doorstep has run here before.
pub fn device_record() -> Result<Option<DeviceRecord>, StorageError> {
    storage::load_or_quarantine(&device_key())
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // `navigator.storage` is missing outside secure contexts; calling into it would throw.
    let present = js_sys::Reflect::get(&navigator, &JsValue::from_str("storage"))
        .map(|value| !value.is_undefined())
        .unwrap_or(false);
    present.then(|| navigator.storage())
}

async fn ask(promise: Result<js_sys::Promise, JsValue>) -> Persistence {
    let Ok(promise) = promise else {
        return Persistence::Unsupported;
    };
    match JsFuture::from(promise).await {
        Ok(value) if value.as_bool() == Some(true) => Persistence::Granted,
        Ok(_) => Persistence::NotGranted,
        Err(_) => Persistence::Unsupported,
    }
}

/// Asks the browser to keep Doorstep's data (`navigator.storage.persist()`).
pub async fn request_persistence() -> Persistence {
    match storage_manager() {
        Some(manager) => ask(manager.persist()).await,
        None => Persistence::Unsupported,
    }
}

/// Whether the data is already kept persistently (`navigator.storage.persisted()`).
pub async fn persistence() -> Persistence {
    match storage_manager() {
        Some(manager) => ask(manager.persisted()).await,
        None => Persistence::Unsupported,
    }
}

async fn estimate() -> Option<Estimate> {
    let promise = storage_manager()?.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    let estimate = web_sys::StorageEstimate::from(value);
    Some(Estimate {
        usage: estimate.get_usage()?,
        quota: estimate.get_quota()?,
    })
}

/// Gathers what the storage panel shows.
pub async fn report() -> StorageReport {
    StorageReport {
        persistence: persistence().await,
        estimate: estimate().await,
        saved: storage::usage(),
        quarantined: storage::quarantined(),
    }
}

/// Bytes in words a worker reads at a glance: "0 bytes", "812 KB", "4.6 MB", "1.2 GB".
///
/// Integer arithmetic only: float formatting would add about 10 KB to the download.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let bytes = if bytes.is_finite() && bytes > 0.0 {
        bytes as u64
    } else {
        0
    };
    let mut unit = 0;
    let mut scale = 1_u64;
    while bytes / scale >= 1000 && unit < UNITS.len() - 1 {
        scale *= 1000;
        unit += 1;
    }
    // Tenths, rounded half up, then one decimal below 10 and none above.
    let tenths = (bytes * 10 + scale / 2) / scale;
    match unit {
        0 => format!("{bytes} bytes"),
        _ if tenths < 100 => format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit]),
        _ => format!("{} {}", (tenths + 5) / 10, UNITS[unit]),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::human_bytes;

    #[test]
    fn bytes_read_at_a_glance() {
        assert_eq!(human_bytes(0.0), "0 bytes");
        assert_eq!(human_bytes(999.0), "999 bytes");
        assert_eq!(human_bytes(812_345.0), "812 KB");
        assert_eq!(human_bytes(4_600_000.0), "4.6 MB");
        assert_eq!(human_bytes(1_200_000_000.0), "1.2 GB");
        assert_eq!(human_bytes(-5.0), "0 bytes");
    }
}

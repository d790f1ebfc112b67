//! The browser's promise to keep the site's data: persistent storage
//! (`navigator.storage.persist()`) and its estimate of how full storage is.
//!
//! Browsers may clear a site's storage under pressure unless it is marked persistent;
//! Doorstep asks once, on first run (the device settings' `on_first_run`), and lets
//! the worker ask again from settings.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

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

/// Asks the browser to keep the site's data (`navigator.storage.persist()`).
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

/// The browser's estimate of the site's storage, when it gives one.
pub async fn estimate() -> Option<Estimate> {
    let promise = storage_manager()?.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    let estimate = web_sys::StorageEstimate::from(value);
    Some(Estimate {
        usage: estimate.get_usage()?,
        quota: estimate.get_quota()?,
    })
}

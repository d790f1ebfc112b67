//! Every LocalStorage key Doorstep uses, in one place.
//!
//! Each key is namespaced and versioned, `doorstep/v1/<name>`, so that a later layout can
//! sit beside this one and nothing else in the browser's storage is ever touched:
//!
//! | name | what |
//! |---|---|
//! | `setup` | the worker's set-up |
//! | `device` | when Doorstep first ran here, whether it asked for persistent storage |
//! | `retention-days` | how long handed-in interviews stay after their receipt |
//! | `worker-language` | the language of the app's screens (`"tr"`), chosen in settings |
//! | `response/<id>` | one response, whole |
//! | `summary/<id>` | what the interviews list shows of it |
//! | `visit/<id>` | one door visit, door note included |
//! | `batch/<id>` | a batch made on this tablet (ids only) and its receipt |
//! | `quarantine/<name>` | a damaged entry set aside, text unchanged |
//! | `export-spreadsheet` | whether Hand in also saves a spreadsheet with the batch |
//! | `collector-reached` | when the collector last answered this tablet |

use survey::{BatchId, ResponseId, VisitId};

/// Prefix of every key Doorstep owns.
pub const NAMESPACE: &str = "doorstep";
/// Version of the stored layout; bumped (with a migration) when an entry's shape changes.
pub const LAYOUT_VERSION: u32 = 1;

/// Names under which one entry per record is kept (`response/<id>`…).
pub const RESPONSES: &str = "response/";
/// See [`RESPONSES`].
pub const SUMMARIES: &str = "summary/";
/// See [`RESPONSES`].
pub const VISITS: &str = "visit/";
/// See [`RESPONSES`].
pub const BATCHES: &str = "batch/";
/// See [`RESPONSES`].
pub const QUARANTINE: &str = "quarantine/";

/// A namespaced, versioned LocalStorage key: `doorstep/v1/<name>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key(String);

impl Key {
    /// The key for `name` in the current layout: `Key::named("device")` is
    /// `doorstep/v1/device`.
    pub fn named(name: &str) -> Self {
        Key(format!("{}{name}", layout_prefix()))
    }

    /// The full key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `doorstep/v1/` (`"response/<id>"`).
    pub fn name(&self) -> &str {
        self.0.get(layout_prefix().len()..).unwrap_or_default()
    }

    /// A key read back from storage, if it belongs to the current layout.
    pub fn from_stored(key: String) -> Option<Self> {
        key.starts_with(&layout_prefix()).then_some(Key(key))
    }
}

/// What every key of the current layout starts with: `doorstep/v1/`.
pub fn layout_prefix() -> String {
    format!("{NAMESPACE}/v{LAYOUT_VERSION}/")
}

/// What every key Doorstep owns starts with, in any layout: `doorstep/`.
pub fn namespace_prefix() -> String {
    format!("{NAMESPACE}/")
}

/// The worker's set-up.
pub fn setup() -> Key {
    Key::named("setup")
}

/// The device record.
pub fn device() -> Key {
    Key::named("device")
}

/// Days handed-in interviews stay.
pub fn retention_days() -> Key {
    Key::named("retention-days")
}

/// The language of the worker's screens.
pub fn worker_language() -> Key {
    Key::named("worker-language")
}

/// One response.
pub fn response(id: ResponseId) -> Key {
    Key::named(&format!("{RESPONSES}{id}"))
}

/// One response's summary.
pub fn summary(id: ResponseId) -> Key {
    Key::named(&format!("{SUMMARIES}{id}"))
}

/// One visit.
pub fn visit(id: VisitId) -> Key {
    Key::named(&format!("{VISITS}{id}"))
}

/// One batch record.
pub fn batch(id: BatchId) -> Key {
    Key::named(&format!("{BATCHES}{id}"))
}

/// Whether Hand in also saves a spreadsheet (CSV and codebook) with the batch file.
pub fn export_spreadsheet() -> Key {
    Key::named("export-spreadsheet")
}

/// When the collector last answered this tablet.
pub fn collector_reached() -> Key {
    Key::named("collector-reached")
}

/// Where a damaged entry is set aside: `doorstep/v1/quarantine/<its name>`.
pub fn quarantine_of(key: &Key) -> Key {
    Key::named(&format!("{QUARANTINE}{}", key.name()))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn keys_are_namespaced_and_versioned() {
        assert_eq!(device().as_str(), "doorstep/v1/device");
        let id = ResponseId::from_random_bytes([7; 16]);
        assert_eq!(response(id).as_str(), format!("doorstep/v1/response/{id}"));
        assert_eq!(response(id).name(), format!("response/{id}"));
    }

    #[test]
    fn a_damaged_entry_is_set_aside_under_its_own_name() {
        assert_eq!(
            quarantine_of(&setup()).as_str(),
            "doorstep/v1/quarantine/setup"
        );
    }

    #[test]
    fn only_keys_of_this_layout_are_ours() {
        assert!(Key::from_stored("doorstep/v1/visit/x".into()).is_some());
        assert!(Key::from_stored("doorstep/v2/visit/x".into()).is_none());
        assert!(Key::from_stored("someone-else".into()).is_none());
    }
}

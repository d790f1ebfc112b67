//! What the worker reads when the tablet's storage fails: the problem, and what to do.

use super::catalog::{Msg, WorkerLanguage};
use crate::platform::local_storage::StorageError;

impl WorkerLanguage {
    /// What went wrong, to sit inside a sentence (no capital, no full stop).
    pub fn storage_error(self, error: &StorageError) -> String {
        match error {
            StorageError::Unavailable => self.t(Msg::StorageErrorUnavailable).to_owned(),
            StorageError::Full { .. } => self.t(Msg::StorageErrorFull).to_owned(),
            StorageError::WriteRefused { key, reason } => {
                self.storage_error_refused(key.as_str(), reason.as_str())
            }
            StorageError::Encode { key, reason } => {
                self.storage_error_encode(key.as_str(), reason.as_str())
            }
            StorageError::Corrupt { key, reason } => {
                self.storage_error_corrupt(key.as_str(), reason.as_str())
            }
        }
    }

    /// What the worker should do about `error`.
    pub fn storage_advice(self, error: &StorageError) -> &'static str {
        self.t(match error {
            StorageError::Unavailable => Msg::StorageAdviceUnavailable,
            StorageError::Full { .. } => Msg::StorageAdviceFull,
            StorageError::WriteRefused { .. } | StorageError::Encode { .. } => {
                Msg::StorageAdviceRetry
            }
            StorageError::Corrupt { .. } => Msg::StorageAdviceCorrupt,
        })
    }

    /// The problem and the advice together: "storage on this device is full. Hand in…".
    pub fn storage_problem(self, error: &StorageError) -> String {
        self.storage_problem_with_advice(self.storage_error(error), self.storage_advice(error))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn storage_problems_read_as_they_did_in_english_and_in_each_language() {
        let full = StorageError::Full { key: "k".into() };
        assert_eq!(
            WorkerLanguage::En.storage_problem(&full),
            format!("{full}. {}", full.advice())
        );
        let damaged = StorageError::Corrupt {
            key: "doorstep/v1/setup".into(),
            reason: "EOF".into(),
        };
        assert_eq!(
            WorkerLanguage::En.storage_error(&damaged),
            damaged.to_string()
        );
        assert_eq!(
            WorkerLanguage::Tr.storage_problem(&full),
            "bu cihazın depolama alanı dolu. Yer açmak için tamamlanan görüşmeleri teslim edin. Önceden kaydedilenler güvende."
        );
        assert!(WorkerLanguage::Bn
            .storage_error(&damaged)
            .contains("doorstep/v1/setup"));
    }
}

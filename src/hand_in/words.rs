//! What the worker reads when handing in fails on the tablet: the outbox's, the export's
//! and the share sheet's errors in the worker's language, each to sit inside a sentence
//! (no capital, no full stop), as [`WorkerLanguage::storage_error`] says storage's.

use super::export::ExportError;
use super::outbox::HandInError;
use crate::platform::download::DownloadError;
use crate::platform::local_storage::StorageError;
use crate::platform::share::ShareError;
use crate::words::{Msg, WorkerLanguage};

impl WorkerLanguage {
    /// Why a batch could not be made, noted or receipted on the tablet.
    pub fn hand_in_error(self, error: &HandInError<StorageError>) -> String {
        match error {
            HandInError::NotSetUp => self.t(Msg::HandInErrorNotSetUp).to_owned(),
            HandInError::NothingWaiting => self.t(Msg::HandInErrorNothingWaiting).to_owned(),
            HandInError::NotThisBatch { batch, receipt } => {
                self.hand_in_error_not_this_batch(receipt.to_string(), batch.to_string())
            }
            HandInError::Storage(error) => self.storage_error(error),
            HandInError::Batch(error) => self.hand_in_error_batch(error.to_string()),
        }
    }

    /// Why files could not be saved or shared.
    pub fn export_error(self, error: &ExportError) -> String {
        match error {
            ExportError::Tablet(error) => self.hand_in_error(error),
            ExportError::Encode(reason) => self.hand_in_error_encode(reason),
            ExportError::Download(DownloadError(file)) => self.hand_in_error_download(file),
            ExportError::Share(error) => self.share_error(error),
        }
    }

    /// Why the share sheet did not take the files.
    pub fn share_error(self, error: &ShareError) -> String {
        match error {
            ShareError::Cancelled => self.t(Msg::HandInErrorShareCancelled).to_owned(),
            ShareError::Unsupported => self.t(Msg::HandInErrorShareUnsupported).to_owned(),
            ShareError::Refused(reason) => self.hand_in_error_share_refused(reason),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::BatchId;
    use WorkerLanguage::{Bn, En, Tr};

    #[test]
    fn hand_in_errors_read_as_they_did_in_english_and_in_each_language() {
        let errors: Vec<ExportError> = vec![
            HandInError::NotSetUp.into(),
            HandInError::NothingWaiting.into(),
            HandInError::NotThisBatch {
                batch: BatchId::from_random_bytes([1; 16]),
                receipt: BatchId::from_random_bytes([2; 16]),
            }
            .into(),
            HandInError::Storage(StorageError::Full { key: "k".into() }).into(),
            ExportError::Encode("no".into()),
            DownloadError("a.json".into()).into(),
            ShareError::Cancelled.into(),
            ShareError::Unsupported.into(),
            ShareError::Refused("NotAllowedError".into()).into(),
        ];
        for error in &errors {
            assert_eq!(En.export_error(error), error.to_string());
        }
        assert_eq!(
            Tr.export_error(&HandInError::NotSetUp.into()),
            "önce bu tableti kurun"
        );
        assert_eq!(
            Bn.share_error(&ShareError::Refused("NotAllowedError".into())),
            "ট্যাবলেট ফাইলগুলো শেয়ার করতে পারেনি (NotAllowedError)"
        );
        // What the Hand in screen says when it cannot read the tablet's records.
        let full = StorageError::Full { key: "k".into() };
        assert_eq!(
            crate::ui::Unreadable::HandIn.problem(En, &full),
            format!(
                "Doorstep could not read the interviews and batches saved on this tablet: {full}. {}",
                full.advice()
            )
        );
    }
}

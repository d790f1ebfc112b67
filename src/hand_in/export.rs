//! Saving a batch as files for handing in without signal: the batch itself
//! (`doorstep-<worker>-<date>-<short id>.json`) and, on request, a spreadsheet of its
//! interviews with its codebook.

use survey::questionnaire::LanguageCode;
use survey::store::BatchRecord;
use survey::{csv_export, Batch, Questionnaire};

use super::outbox::HandInError;
use crate::platform::download::{download, DownloadError};
use crate::platform::local_storage::StorageError;

/// Why the files could not be saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The batch could not be made or noted on the tablet.
    #[error(transparent)]
    Tablet(#[from] HandInError<StorageError>),
    /// The batch could not be written as JSON (a bug, not the worker's doing).
    #[error("the batch could not be written: {0}")]
    Encode(String),
    /// The browser refused to save a file.
    #[error(transparent)]
    Download(#[from] DownloadError),
}

/// The file name of a batch: `doorstep-<worker>-<date>-<short id>.<extension>`.
pub fn file_name(record: &BatchRecord, extension: &str) -> String {
    let (year, month, day, ..) = record.created.to_civil();
    let worker: String = record
        .assignment
        .worker
        .as_str()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let short: String = record.id.to_string().chars().take(8).collect();
    format!("doorstep-{worker}-{year:04}-{month:02}-{day:02}-{short}.{extension}")
}

/// Offers `batch` as a file, and with `spreadsheet` also its CSV and codebook (in
/// English); returns the batch file's name.
pub fn save_files(
    questionnaire: &Questionnaire,
    record: &BatchRecord,
    batch: &Batch,
    spreadsheet: bool,
) -> Result<String, ExportError> {
    let json = batch
        .to_json()
        .map_err(|error| ExportError::Encode(error.to_string()))?;
    let name = file_name(record, "json");
    download(&name, &json, "application/json")?;
    if spreadsheet {
        let table = csv_export::responses_csv(questionnaire, &batch.responses);
        let codebook = csv_export::codebook_csv(questionnaire, &LanguageCode("en".into()));
        let base = name.trim_end_matches(".json");
        download(
            &format!("{base}.csv"),
            &format!("{}{table}", csv_export::UTF8_BOM),
            "text/csv",
        )?;
        download(
            &format!("{base}-codebook.csv"),
            &format!("{}{codebook}", csv_export::UTF8_BOM),
            "text/csv",
        )?;
    }
    Ok(name)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::record::Timestamp;
    use survey::{Assignment, BatchId, ResponseId};

    fn record() -> BatchRecord {
        BatchRecord {
            id: BatchId::from_random_bytes([0xab; 16]),
            created: Timestamp(1_795_400_000_000),
            assignment: Assignment {
                worker: "W012".into(),
                agency: "hackney-council".into(),
                device: "Tablet 07".into(),
                area: "E05009370".into(),
            },
            responses: vec![ResponseId::from_random_bytes([1; 16])],
            visits: vec![],
            exported: None,
            receipt: None,
        }
    }

    #[test]
    fn file_names_say_who_when_and_which() {
        assert_eq!(
            file_name(&record(), "json"),
            "doorstep-W012-2026-11-23-abababab.json"
        );
        let mut odd = record();
        odd.assignment.worker = "W/../1 2".into();
        assert_eq!(
            file_name(&odd, "csv"),
            "doorstep-W12-2026-11-23-abababab.csv"
        );
    }
}

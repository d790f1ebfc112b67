//! Saving a batch as files for handing in without signal: the batch itself
//! (`doorstep-<worker>-<date>-<short id>.json`) and, on request, a spreadsheet of its
//! interviews with its codebook; downloaded, or handed to the tablet's share sheet
//! where the browser can share files. The worker's choice of the spreadsheet is
//! remembered on the tablet.

use survey::questionnaire::LanguageCode;
use survey::store::BatchRecord;
use survey::{csv_export, Batch, Questionnaire};

use super::outbox::HandInError;
use crate::device::{entries, keys};
use crate::platform::download::{download, DownloadError};
use crate::platform::local_storage::StorageError;
use crate::platform::share::{self, ShareError, TextFile};

/// Why the files could not be saved or shared.
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
    /// The files were not shared.
    #[error(transparent)]
    Share(#[from] ShareError),
}

const JSON: &str = "application/json";
const CSV: &str = "text/csv";
const TEXT: &str = "text/plain";

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

/// The files of `batch`: the batch as JSON, and with `spreadsheet` also its CSV and
/// codebook (in English), each beginning with a byte-order mark so spreadsheets read
/// them as UTF-8.
pub fn files(
    questionnaire: &Questionnaire,
    record: &BatchRecord,
    batch: &Batch,
    spreadsheet: bool,
) -> Result<Vec<TextFile>, ExportError> {
    let json = batch
        .to_json()
        .map_err(|error| ExportError::Encode(error.to_string()))?;
    let name = file_name(record, "json");
    let base = name.trim_end_matches(".json").to_owned();
    let mut files = vec![TextFile {
        name,
        text: json,
        mime: JSON,
    }];
    if spreadsheet {
        let table = csv_export::responses_csv(questionnaire, &batch.responses);
        let codebook = csv_export::codebook_csv(questionnaire, &LanguageCode("en".into()));
        files.push(TextFile {
            name: format!("{base}.csv"),
            text: format!("{}{table}", csv_export::UTF8_BOM),
            mime: CSV,
        });
        files.push(TextFile {
            name: format!("{base}-codebook.csv"),
            text: format!("{}{codebook}", csv_export::UTF8_BOM),
            mime: CSV,
        });
    }
    Ok(files)
}

/// Saves `files` to the tablet's downloads; returns the batch files' names.
pub fn download_all(files: &[TextFile]) -> Result<Vec<String>, ExportError> {
    for file in files {
        download(&file.name, &file.text, file.mime)?;
    }
    Ok(batch_names(files))
}

/// Offers `batch` as files (see [`files`]) in the tablet's downloads; returns the batch
/// file's name.
pub fn save_files(
    questionnaire: &Questionnaire,
    record: &BatchRecord,
    batch: &Batch,
    spreadsheet: bool,
) -> Result<String, ExportError> {
    let files = files(questionnaire, record, batch, spreadsheet)?;
    download_all(&files)?;
    Ok(file_name(record, "json"))
}

/// The names of the batch files among `files` (not the spreadsheets).
pub fn batch_names(files: &[TextFile]) -> Vec<String> {
    files
        .iter()
        .filter(|file| file.mime != CSV)
        .map(|file| file.name.clone())
        .collect()
}

/// `files` as the browser can share them, if it can: as they are, or else with each
/// batch file as the same text named `….json.txt`. Chromium (Android's Chrome among
/// them) shares only files of a short list of types, text and CSV but not JSON;
/// `collector import` reads a batch by its content, whatever its name.
pub fn shareable(files: Vec<TextFile>) -> Option<Vec<TextFile>> {
    if share::can_share(&files) {
        return Some(files);
    }
    let as_text = as_text(files);
    share::can_share(&as_text).then_some(as_text)
}

/// Whether this browser can share a batch file at all (to offer "Share…").
pub fn can_share_batches() -> bool {
    let example = TextFile {
        name: "doorstep-example.json".to_owned(),
        text: "{}".to_owned(),
        mime: JSON,
    };
    shareable(vec![example]).is_some()
}

/// The batch files among `files` as plain text, `<name>.txt`.
fn as_text(files: Vec<TextFile>) -> Vec<TextFile> {
    files
        .into_iter()
        .map(|file| match file.mime {
            JSON => TextFile {
                name: format!("{}.txt", file.name),
                mime: TEXT,
                ..file
            },
            _ => file,
        })
        .collect()
}

/// Whether the worker last chose to save a spreadsheet with the batch (no by default).
pub fn spreadsheet_wanted() -> bool {
    entries::load_or_quarantine::<bool>(&keys::export_spreadsheet())
        .ok()
        .flatten()
        .unwrap_or(false)
}

/// Remembers whether the worker wants a spreadsheet with the batch.
pub fn remember_spreadsheet(wanted: bool) -> Result<(), StorageError> {
    entries::save(&keys::export_spreadsheet(), &wanted)
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

    #[test]
    fn a_batch_shared_as_text_keeps_its_bytes_and_says_what_it_is() {
        let batch = TextFile {
            name: "doorstep-W012-2026-11-23-abababab.json".into(),
            text: "{\"id\":1}".into(),
            mime: JSON,
        };
        let table = TextFile {
            name: "doorstep-W012-2026-11-23-abababab.csv".into(),
            text: "a,b".into(),
            mime: CSV,
        };
        let shared = as_text(vec![batch.clone(), table.clone()]);
        assert_eq!(shared[0].name, "doorstep-W012-2026-11-23-abababab.json.txt");
        assert_eq!(shared[0].text, batch.text, "the same bytes");
        assert_eq!(shared[0].mime, "text/plain");
        assert_eq!(shared[1], table, "a spreadsheet is shared as it is");
        assert_eq!(
            batch_names(&shared),
            vec!["doorstep-W012-2026-11-23-abababab.json.txt"]
        );
    }
}

//! Handing completed interviews in: batches made on this tablet, exported as files or
//! uploaded, and what a receipt changes.
//!
//! A batch's content is not stored (it would double the storage used): the tablet keeps
//! a small [`BatchRecord`] (`doorstep/v1/batch/<id>`) naming its responses and visits, and
//! rebuilds the same batch from them whenever it is exported again or uploaded. Responses
//! in a batch cannot be reopened, so the rebuilt batch is the same.

use serde::{Deserialize, Serialize};
use survey::record::{QuestionnaireRef, ResponseStatus, Timestamp};
use survey::{
    Assignment, Batch, BatchError, BatchId, Questionnaire, Response, ResponseId, Visit, VisitId,
};

/// Most responses in one batch (about 7 MB of JSON): a batch stays under the collector's
/// request limit.
pub const MAX_RESPONSES: usize = 5_000;

/// A batch made on this tablet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// The batch's id.
    pub id: BatchId,
    /// When it was made.
    #[serde(rename = "t")]
    pub created: Timestamp,
    /// Who made it, on which tablet, for which agency (as in the batch).
    #[serde(rename = "by")]
    pub assignment: Assignment,
    /// Its responses, in order.
    #[serde(rename = "r")]
    pub responses: Vec<ResponseId>,
    /// Its visit outcomes, in order.
    #[serde(rename = "v")]
    pub visits: Vec<VisitId>,
    /// When it was last saved as a file.
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub exported: Option<Timestamp>,
    /// The collector's receipt, once it came.
    #[serde(rename = "rc", default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

/// What the collector answers when it has stored a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The batch it is for.
    pub batch: BatchId,
    /// Responses it stored now.
    pub accepted: u32,
    /// Responses it already had (from an earlier upload or an imported file).
    pub already_present: u32,
    /// When the tablet got it (set by the tablet, not the collector).
    #[serde(default)]
    pub received: Option<Timestamp>,
}

/// The file name of a batch: `doorstep-<worker>-<date>-<short id>.json`.
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

/// The batch `record` names, built from the responses and visits on the tablet.
/// Responses uploaded since are sent as they were completed.
pub fn build(
    questionnaire: &Questionnaire,
    record: &BatchRecord,
    responses: Vec<Response>,
    visits: &[Visit],
) -> Result<Batch, BatchError> {
    let responses = responses
        .into_iter()
        .map(|mut response| {
            if response.status == ResponseStatus::Uploaded {
                response.status = ResponseStatus::Complete;
            }
            response
        })
        .collect();
    let visits = record
        .visits
        .iter()
        .filter_map(|id| visits.iter().find(|v| v.id == *id))
        .map(Visit::outcome_record)
        .collect();
    Batch::new(
        record.id,
        record.created,
        &record.assignment,
        QuestionnaireRef::of(questionnaire),
        responses,
        visits,
    )
}

/// Whether `record` (not yet receipted) still covers exactly what waits to be handed in,
/// so uploading or exporting again reuses its id and the collector sees one batch.
pub fn covers(record: &BatchRecord, waiting: &[ResponseId], visits: &[VisitId]) -> bool {
    record.receipt.is_none() && record.responses == waiting && record.visits == visits
}

/// Days in milliseconds.
pub fn days(n: u16) -> i64 {
    i64::from(n) * 86_400_000
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::record::Timestamp;

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
    fn a_batch_covers_only_the_same_waiting_set_until_its_receipt() {
        let record = record();
        let waiting = record.responses.clone();
        assert!(covers(&record, &waiting, &[]));
        assert!(!covers(&record, &[], &[]));
        let mut receipted = record.clone();
        receipted.receipt = Some(Receipt {
            batch: record.id,
            accepted: 1,
            already_present: 0,
            received: None,
        });
        assert!(!covers(&receipted, &waiting, &[]));
    }

    #[test]
    fn the_receipt_reads_the_collectors_answer() {
        let receipt: Receipt = serde_json::from_str(
            r#"{"batch":"abababab-abab-4bab-abab-abababababab","accepted":3,"already_present":1,"visits_accepted":2}"#,
        )
        .unwrap();
        assert_eq!(receipt.accepted, 3);
        assert_eq!(receipt.already_present, 1);
    }
}

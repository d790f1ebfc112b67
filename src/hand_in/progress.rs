//! Where each completed interview on the tablet stands on its way to the collector, and
//! each batch made on it, counted and said one way, the same in code and on screen:
//!
//! - [`Stage::Waiting`]: in no batch yet;
//! - [`Stage::Prepared`]: in a batch prepared for upload (an upload that did not get its
//!   receipt, or a file that was not saved), never exported, no receipt;
//! - [`Stage::Exported`]: in a batch exported to a file, no receipt yet;
//! - [`Stage::Received`]: the collector's receipt came.
//!
//! Only a receipt is "received": a batch prepared or exported has not reached the
//! collector, and the screen never says it has. Pure, so it is tested natively.

use std::collections::BTreeSet;

use survey::record::{ResponseStatus, Timestamp};
use survey::store::{BatchRecord, ResponseSummary};
use survey::wire::Receipt;
use survey::ResponseId;

use crate::ui::format::count_of;

/// Where a completed interview stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Completed, in no batch yet.
    Waiting,
    /// In a batch prepared for upload that was never exported, with no receipt.
    Prepared,
    /// In a batch exported to a file, with no receipt.
    Exported,
    /// The collector's receipt names it.
    Received,
}

impl Stage {
    /// The stage's name on screen.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Waiting => "waiting",
            Stage::Prepared => "prepared for upload",
            Stage::Exported => "exported to a file",
            Stage::Received => "received by the collector",
        }
    }
}

/// The interviews on the tablet by [`Stage`], and those still in progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Interviews not yet completed.
    pub in_progress: u32,
    /// [`Stage::Waiting`].
    pub waiting: u32,
    /// [`Stage::Prepared`].
    pub prepared: u32,
    /// [`Stage::Exported`].
    pub exported: u32,
    /// [`Stage::Received`] (until they are cleared after the retention period).
    pub received: u32,
}

impl Progress {
    /// Counts the interviews in `summaries`, each by the batches in `records` it is in.
    pub fn of(summaries: &[ResponseSummary], records: &[BatchRecord]) -> Self {
        let exported = in_exported_files(records);
        let mut progress = Progress::default();
        for summary in summaries {
            let count = match stage_of(summary, &exported) {
                None => &mut progress.in_progress,
                Some(Stage::Waiting) => &mut progress.waiting,
                Some(Stage::Prepared) => &mut progress.prepared,
                Some(Stage::Exported) => &mut progress.exported,
                Some(Stage::Received) => &mut progress.received,
            };
            *count = count.saturating_add(1);
        }
        progress
    }

    /// Completed interviews the collector has not received yet.
    pub fn to_hand_in(&self) -> u32 {
        self.waiting
            .saturating_add(self.prepared)
            .saturating_add(self.exported)
    }

    /// The headline: how many are still to hand in.
    pub fn headline(&self) -> String {
        match self.to_hand_in() {
            0 if self.received > 0 => {
                "Nothing to hand in: the collector has received every completed interview."
                    .to_owned()
            }
            0 => "No completed interviews to hand in yet.".to_owned(),
            n => format!(
                "{} to hand in",
                count_of(n as usize, "completed interview", "completed interviews")
            ),
        }
    }

    /// A line for each stage that has interviews, in the order they go through them.
    pub fn lines(&self) -> Vec<String> {
        let interviews = |n: u32| count_of(n as usize, "interview", "interviews");
        let mut lines = Vec::new();
        if self.waiting > 0 {
            lines.push(format!(
                "{} {}: not in an upload or a file yet.",
                interviews(self.waiting),
                Stage::Waiting.name()
            ));
        }
        if self.prepared > 0 {
            lines.push(format!(
                "{} {}, not received by the collector yet. Upload now tries again; you can also export {} as a file.",
                interviews(self.prepared),
                Stage::Prepared.name(),
                if self.prepared == 1 { "it" } else { "them" }
            ));
        }
        if self.exported > 0 {
            lines.push(format!(
                "{} {}, not received by the collector yet.",
                interviews(self.exported),
                Stage::Exported.name()
            ));
        }
        if self.received > 0 {
            lines.push(format!(
                "{} {}.",
                interviews(self.received),
                Stage::Received.name()
            ));
        }
        if self.in_progress > 0 {
            lines.push(format!(
                "{} still in progress (complete {} to hand {} in).",
                interviews(self.in_progress),
                if self.in_progress == 1 { "it" } else { "them" },
                if self.in_progress == 1 { "it" } else { "them" }
            ));
        }
        lines
    }
}

/// The responses in a batch exported to a file that has no receipt.
fn in_exported_files(records: &[BatchRecord]) -> BTreeSet<ResponseId> {
    let mut exported = BTreeSet::new();
    for record in records {
        if record.receipt.is_none() && record.exported.is_some() {
            for id in &record.responses {
                exported.insert(*id);
            }
        }
    }
    exported
}

/// The interviews on the tablet the collector has not received.
fn not_received(summaries: &[ResponseSummary]) -> BTreeSet<ResponseId> {
    let mut ids = BTreeSet::new();
    for summary in summaries {
        if summary.status != ResponseStatus::Uploaded {
            ids.insert(summary.id);
        }
    }
    ids
}

/// What the Hand in screen shows of the tablet: the interviews by stage, and each batch
/// made on it (newest first) with where it stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    /// The interviews by stage.
    pub progress: Progress,
    /// The batches.
    pub batches: Vec<(BatchRecord, BatchStage)>,
}

impl Overview {
    /// Of the interviews in `summaries` and the batches in `records`.
    pub fn of(summaries: &[ResponseSummary], records: Vec<BatchRecord>) -> Self {
        let progress = Progress::of(summaries, &records);
        let not_received = not_received(summaries);
        let batches = records
            .into_iter()
            .map(|record| {
                let stage = BatchStage::of(&record, &not_received);
                (record, stage)
            })
            .collect();
        Overview { progress, batches }
    }
}

/// Where `summary`'s interview stands (`None` while it is in progress). An interview in
/// an exported file is [`Stage::Exported`] even if a later batch (prepared for upload)
/// holds it too: the file handed to the coordinator carries it.
fn stage_of(summary: &ResponseSummary, exported: &BTreeSet<ResponseId>) -> Option<Stage> {
    Some(match summary.status {
        ResponseStatus::Draft => return None,
        ResponseStatus::Uploaded => Stage::Received,
        ResponseStatus::Complete if exported.contains(&summary.id) => Stage::Exported,
        ResponseStatus::Complete if summary.batch.is_some() => Stage::Prepared,
        ResponseStatus::Complete => Stage::Waiting,
    })
}

/// Where a batch made on this tablet stands, as its row says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchStage {
    /// Prepared for upload, never exported, no receipt.
    Prepared,
    /// Exported to a file at this time, no receipt.
    Exported(Timestamp),
    /// The collector's receipt.
    Received(Receipt),
    /// No receipt of its own, but every interview in it was received in a later batch
    /// (a file exported, then more interviews uploaded with them).
    ReceivedLater,
}

impl BatchStage {
    /// Where `record` stands, given the interviews on the tablet the collector has not
    /// received.
    fn of(record: &BatchRecord, not_received: &BTreeSet<ResponseId>) -> Self {
        if let Some(receipt) = &record.receipt {
            return BatchStage::Received(receipt.clone());
        }
        if !record.responses.iter().any(|id| not_received.contains(id)) {
            return BatchStage::ReceivedLater;
        }
        match record.exported {
            Some(at) => BatchStage::Exported(at),
            None => BatchStage::Prepared,
        }
    }

    /// Whether the batch can still be saved as a file: until the collector has its
    /// interviews (a file made again after a receipt would differ from the batch the
    /// collector has under that id, and the collector refuses such a file).
    pub fn can_export(&self) -> bool {
        matches!(self, BatchStage::Prepared | BatchStage::Exported(_))
    }

    /// The words on the batch's export button.
    pub fn export_words(&self) -> &'static str {
        match self {
            BatchStage::Exported(_) => "Export again",
            _ => "Export as a file",
        }
    }

    /// The row's sentence; `when` says a time as the worker reads it.
    pub fn sentence(&self, when: impl Fn(Timestamp) -> String) -> String {
        match self {
            BatchStage::Prepared => {
                "Prepared for upload, not received by the collector yet.".to_owned()
            }
            BatchStage::Exported(at) => format!(
                "Exported to a file {}, not received by the collector yet.",
                when(*at)
            ),
            BatchStage::Received(receipt) => {
                received_words(receipt.accepted, receipt.already_present, receipt.conflicts)
            }
            BatchStage::ReceivedLater => format!(
                "Its interviews were {} in a later batch.",
                Stage::Received.name()
            ),
        }
    }
}

/// What a receipt (or several added up) says, in a worker's words: `accepted` stored
/// now, `already_present` the collector already had, `conflicts` kept apart.
pub fn received_words(accepted: u32, already_present: u32, conflicts: u32) -> String {
    let received = "Received by the collector";
    let mut parts = Vec::new();
    if accepted > 0 {
        parts.push(format!("{accepted} new"));
    }
    if already_present > 0 && (accepted > 0 || conflicts > 0) {
        parts.push(format!("{already_present} the collector already had"));
    }
    if conflicts > 0 {
        parts.push(format!(
            "{conflicts} kept apart for your coordinator ({} from what the collector already had under the same id)",
            if conflicts == 1 { "it differs" } else { "they differ" }
        ));
    }
    if parts.is_empty() {
        let all = match already_present {
            0 => return format!("{received}."),
            1 => "it".to_owned(),
            2 => "both".to_owned(),
            n => format!("all {n}"),
        };
        return format!("{received}, which already had {all} — nothing is lost.");
    }
    format!("{received}: {}.", parts.join(", "))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::store::ResponseSummary;
    use survey::BatchId;

    fn id(n: u8) -> ResponseId {
        ResponseId::from_random_bytes([n; 16])
    }

    fn summary(n: u8, status: ResponseStatus, batch: Option<u8>) -> ResponseSummary {
        let q = survey::shipped::shared_questionnaire().unwrap();
        let mut response = survey::sample::complete_response(&q, usize::from(n)).unwrap();
        response.id = id(n);
        let mut summary = ResponseSummary::of(&response);
        summary.status = status;
        summary.batch = batch.map(|b| BatchId::from_random_bytes([b; 16]));
        summary
    }

    fn record(b: u8, responses: &[u8], exported: bool, received: bool) -> BatchRecord {
        let q = survey::shipped::shared_questionnaire().unwrap();
        let id = BatchId::from_random_bytes([b; 16]);
        BatchRecord {
            id,
            created: Timestamp(1_795_400_000_000),
            assignment: survey::sample::assignment(&q, 0),
            responses: responses.iter().map(|n| self::id(*n)).collect(),
            visits: vec![],
            exported: exported.then_some(Timestamp(1_795_400_060_000)),
            receipt: received.then(|| Receipt {
                batch: id,
                accepted: u32::try_from(responses.len()).unwrap(),
                already_present: 0,
                visits_accepted: 0,
                visits_already_present: 0,
                conflicts: 0,
            }),
        }
    }

    #[test]
    fn each_interview_is_counted_where_it_stands_and_only_a_receipt_is_received() {
        use ResponseStatus::{Complete, Draft, Uploaded};
        let summaries = [
            summary(1, Draft, None),
            summary(2, Complete, None),
            // An upload that failed: in batch 10, never exported.
            summary(3, Complete, Some(10)),
            summary(4, Complete, Some(10)),
            // Exported to a file (batch 11).
            summary(5, Complete, Some(11)),
            // Exported in 11, then put in batch 12 with others by an upload that failed:
            // the file carries it.
            summary(6, Complete, Some(12)),
            summary(7, Uploaded, Some(13)),
        ];
        let records = [
            record(10, &[3, 4], false, false),
            record(11, &[5, 6], true, false),
            record(12, &[6], false, false),
            record(13, &[7], false, true),
        ];
        let progress = Progress::of(&summaries, &records);
        assert_eq!(
            progress,
            Progress {
                in_progress: 1,
                waiting: 1,
                prepared: 2,
                exported: 2,
                received: 1,
            }
        );
        assert_eq!(progress.to_hand_in(), 5);
        assert_eq!(progress.headline(), "5 completed interviews to hand in");
        let lines = progress.lines();
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(lines[1]
            .starts_with("2 interviews prepared for upload, not received by the collector yet."));
        assert_eq!(
            lines[2],
            "2 interviews exported to a file, not received by the collector yet."
        );
        assert_eq!(lines[3], "1 interview received by the collector.");
        // A failed upload is never called an exported file.
        let failed_upload_only = Progress::of(&summaries[2..4], &records[..1]);
        assert_eq!(failed_upload_only.prepared, 2);
        assert!(failed_upload_only
            .lines()
            .iter()
            .all(|line| !line.contains("export") || line.contains("you can also export")));
    }

    #[test]
    fn the_headline_says_when_there_is_nothing_left_to_hand_in() {
        let received = Progress {
            received: 3,
            ..Progress::default()
        };
        assert!(received.headline().starts_with("Nothing to hand in"));
        assert_eq!(
            Progress::default().headline(),
            "No completed interviews to hand in yet."
        );
        let one = Progress {
            waiting: 1,
            ..Progress::default()
        };
        assert_eq!(one.headline(), "1 completed interview to hand in");
        assert_eq!(
            one.lines(),
            vec!["1 interview waiting: not in an upload or a file yet."]
        );
    }

    #[test]
    fn a_batch_row_says_prepared_exported_or_received_and_what_it_offers() {
        use ResponseStatus::{Complete, Uploaded};
        let summaries = [
            summary(1, Complete, Some(10)),
            summary(2, Uploaded, Some(12)),
        ];
        let when = |_: Timestamp| "at 14:05".to_owned();
        let stage_of =
            |record: BatchRecord| Overview::of(&summaries, vec![record]).batches.remove(0).1;
        let prepared = stage_of(record(10, &[1], false, false));
        assert_eq!(prepared, BatchStage::Prepared);
        assert_eq!(prepared.export_words(), "Export as a file");
        assert_eq!(
            prepared.sentence(when),
            "Prepared for upload, not received by the collector yet."
        );
        let exported = stage_of(record(11, &[1], true, false));
        assert!(matches!(exported, BatchStage::Exported(_)));
        assert_eq!(exported.export_words(), "Export again");
        assert_eq!(
            exported.sentence(when),
            "Exported to a file at 14:05, not received by the collector yet."
        );
        let received = stage_of(record(12, &[2], false, true));
        assert!(!received.can_export());
        assert_eq!(received.sentence(when), "Received by the collector: 1 new.");
        // Exported, and its interview received since in another batch.
        let later = stage_of(record(13, &[2], true, false));
        assert_eq!(later, BatchStage::ReceivedLater);
        assert!(!later.can_export());
    }

    #[test]
    fn a_receipt_is_said_in_words_a_worker_understands() {
        assert_eq!(received_words(3, 0, 0), "Received by the collector: 3 new.");
        assert_eq!(
            received_words(0, 3, 0),
            "Received by the collector, which already had all 3 — nothing is lost."
        );
        assert_eq!(
            received_words(0, 2, 0),
            "Received by the collector, which already had both — nothing is lost."
        );
        assert_eq!(
            received_words(0, 1, 0),
            "Received by the collector, which already had it — nothing is lost."
        );
        assert_eq!(
            received_words(2, 1, 0),
            "Received by the collector: 2 new, 1 the collector already had."
        );
        assert_eq!(
            received_words(1, 0, 1),
            "Received by the collector: 1 new, 1 kept apart for your coordinator (it differs from what the collector already had under the same id)."
        );
        assert!(received_words(0, 2, 2).contains("2 the collector already had, 2 kept apart"));
    }
}

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

use crate::words::{Msg, WorkerLanguage};

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

/// A stage's line for a count, in a language.
type StageLine = fn(WorkerLanguage, u32) -> String;

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

    /// The headline, in `language`: how many are still to hand in.
    pub fn headline(&self, language: WorkerLanguage) -> String {
        match self.to_hand_in() {
            0 if self.received > 0 => language.t(Msg::HandInHeadlineAllReceived).to_owned(),
            0 => language.t(Msg::HandInHeadlineNone).to_owned(),
            n => language.hand_in_headline_to_hand_in(n),
        }
    }

    /// A line for each stage that has interviews, in the order they go through them, in
    /// `language`.
    pub fn lines(&self, language: WorkerLanguage) -> Vec<String> {
        let stages: [(u32, StageLine); 5] = [
            (self.waiting, |l, n| l.hand_in_stage_waiting(n)),
            (self.prepared, |l, n| l.hand_in_stage_prepared(n)),
            (self.exported, |l, n| l.hand_in_stage_exported(n)),
            (self.received, |l, n| l.hand_in_stage_received(n)),
            (self.in_progress, |l, n| l.hand_in_stage_in_progress(n)),
        ];
        stages
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, line)| line(language, n))
            .collect()
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
    pub fn export_words(&self) -> Msg {
        match self {
            BatchStage::Exported(_) => Msg::HandInBatchExportAgain,
            _ => Msg::HandInBatchExport,
        }
    }

    /// The row's sentence in `language`; `when` says a time as the worker reads it.
    pub fn sentence(&self, language: WorkerLanguage, when: impl Fn(Timestamp) -> String) -> String {
        match self {
            BatchStage::Prepared => language.t(Msg::HandInBatchPrepared).to_owned(),
            BatchStage::Exported(at) => language.hand_in_batch_exported(when(*at)),
            BatchStage::Received(receipt) => received_words(
                language,
                receipt.accepted,
                receipt.already_present,
                receipt.conflicts,
            ),
            BatchStage::ReceivedLater => language.t(Msg::HandInBatchReceivedLater).to_owned(),
        }
    }
}

/// What a receipt (or several added up) says, in a worker's words in `language`:
/// `accepted` stored now, `already_present` the collector already had, `conflicts` kept
/// apart.
pub fn received_words(
    language: WorkerLanguage,
    accepted: u32,
    already_present: u32,
    conflicts: u32,
) -> String {
    let mut parts = Vec::new();
    if accepted > 0 {
        parts.push(language.upload_receipt_new(accepted));
    }
    if already_present > 0 && (accepted > 0 || conflicts > 0) {
        parts.push(language.upload_receipt_already_present(already_present));
    }
    if conflicts > 0 {
        parts.push(language.upload_receipt_conflicts(conflicts));
    }
    if parts.is_empty() {
        return match already_present {
            0 => language.t(Msg::UploadReceiptReceived).to_owned(),
            1 => language.t(Msg::UploadReceiptAlreadyHadIt).to_owned(),
            2 => language.t(Msg::UploadReceiptAlreadyHadBoth).to_owned(),
            n => language.upload_receipt_already_had_all(n),
        };
    }
    language.upload_receipt_parts(parts.join(", "))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::store::ResponseSummary;
    use survey::BatchId;
    use WorkerLanguage::{Bn, En, Tr};

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
        assert_eq!(progress.headline(En), "5 completed interviews to hand in");
        let lines = progress.lines(En);
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
            .lines(En)
            .iter()
            .all(|line| !line.contains("export") || line.contains("you can also export")));
    }

    #[test]
    fn the_headline_says_when_there_is_nothing_left_to_hand_in() {
        let received = Progress {
            received: 3,
            ..Progress::default()
        };
        assert!(received.headline(En).starts_with("Nothing to hand in"));
        assert_eq!(
            Progress::default().headline(En),
            "No completed interviews to hand in yet."
        );
        let one = Progress {
            waiting: 1,
            ..Progress::default()
        };
        assert_eq!(one.headline(En), "1 completed interview to hand in");
        assert_eq!(
            one.lines(En),
            vec!["1 interview waiting: not in an upload or a file yet."]
        );
        // Each language its own plural forms and digits.
        assert_eq!(one.headline(Tr), "1 tamamlanmış görüşme teslim edilecek");
        assert_eq!(
            Progress { waiting: 12, ..one }.headline(Bn),
            "১২টি সম্পূর্ণ সাক্ষাৎকার জমা দেওয়া বাকি"
        );
        assert_eq!(
            Progress {
                in_progress: 2,
                ..Progress::default()
            }
            .lines(Tr),
            vec!["2 görüşme hâlâ sürüyor (teslim etmek için önce tamamlayın)."]
        );
    }

    #[test]
    fn a_batch_row_says_prepared_exported_or_received_and_what_it_offers() {
        use ResponseStatus::{Complete, Uploaded};
        let summaries = [
            summary(1, Complete, Some(10)),
            summary(2, Uploaded, Some(12)),
        ];
        let when = |_: Timestamp| "14:05".to_owned();
        let stage_of =
            |record: BatchRecord| Overview::of(&summaries, vec![record]).batches.remove(0).1;
        let prepared = stage_of(record(10, &[1], false, false));
        assert_eq!(prepared, BatchStage::Prepared);
        assert_eq!(En.t(prepared.export_words()), "Export as a file");
        assert_eq!(
            prepared.sentence(En, when),
            "Prepared for upload, not received by the collector yet."
        );
        let exported = stage_of(record(11, &[1], true, false));
        assert!(matches!(exported, BatchStage::Exported(_)));
        assert_eq!(En.t(exported.export_words()), "Export again");
        assert_eq!(
            exported.sentence(En, when),
            "Exported to a file at 14:05, not received by the collector yet."
        );
        let received = stage_of(record(12, &[2], false, true));
        assert!(!received.can_export());
        assert_eq!(
            received.sentence(En, when),
            "Received by the collector: 1 new."
        );
        assert_eq!(
            exported.sentence(Bn, |_| Bn.digits_in("14:05")),
            "১৪:০৫-এ ফাইলে এক্সপোর্ট করা হয়েছে, সংগ্রহ সার্ভার এখনও পায়নি।"
        );
        // Exported, and its interview received since in another batch.
        let later = stage_of(record(13, &[2], true, false));
        assert_eq!(later, BatchStage::ReceivedLater);
        assert!(!later.can_export());
    }

    #[test]
    fn a_receipt_is_said_in_words_a_worker_understands() {
        assert_eq!(
            received_words(En, 3, 0, 0),
            "Received by the collector: 3 new."
        );
        assert_eq!(
            received_words(En, 0, 3, 0),
            "Received by the collector, which already had all 3 — nothing is lost."
        );
        assert_eq!(
            received_words(En, 0, 2, 0),
            "Received by the collector, which already had both — nothing is lost."
        );
        assert_eq!(
            received_words(En, 0, 1, 0),
            "Received by the collector, which already had it — nothing is lost."
        );
        assert_eq!(
            received_words(En, 2, 1, 0),
            "Received by the collector: 2 new, 1 the collector already had."
        );
        assert_eq!(
            received_words(En, 1, 0, 1),
            "Received by the collector: 1 new, 1 kept apart for your coordinator (it differs from what the collector already had under the same id)."
        );
        assert!(received_words(En, 0, 2, 2).contains("2 the collector already had, 2 kept apart"));
        assert_eq!(
            received_words(Tr, 0, 3, 0),
            "Toplama sunucusu aldı; 3 görüşmenin hepsi zaten ondaydı, hiçbir şey kaybolmadı."
        );
        assert_eq!(received_words(Bn, 3, 0, 0), "সংগ্রহ সার্ভার পেয়েছে: ৩টি নতুন।");
    }
}

//! The tablet's side of handing in, over any [`Store`]: which completed interviews wait,
//! the batch made from them (remembered as a [`BatchRecord`]), what a receipt marks, and
//! clearing handed-in interviews after the retention period. Nothing here touches the
//! browser, so it is tested natively with [`survey::MemoryStore`].
//!
//! The two ways to hand in are one call each, with the part that leaves the tablet given
//! by the caller: [`send`] (prepare, deliver, apply the receipt) and [`save_as_files`]
//! (prepare, save, note it, for each worker and agency). The promises: a response leaves the tablet only after a
//! receipt naming its batch, and a receipt for another batch marks nothing.

use std::collections::BTreeSet;

use survey::record::{QuestionnaireRef, ResponseStatus, Timestamp};
use survey::store::BatchRecord;
use survey::wire::{Receipt, MAX_BATCH_RESPONSES};
use survey::{
    AgencyCode, Assignment, Batch, BatchError, BatchId, Questionnaire, Response, ResponseId, Store,
    Visit, VisitId,
};

/// Why a batch could not be made or a receipt applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandInError<E> {
    /// Set-up is not done (no worker or agency to put on the batch).
    #[error("set up this tablet first")]
    NotSetUp,
    /// No completed interview waits.
    #[error("no completed interviews wait to be handed in")]
    NothingWaiting,
    /// The receipt names another batch: it confirms nothing of this one.
    #[error("the collector's receipt is for batch {receipt}, not for batch {batch}")]
    NotThisBatch {
        /// The batch sent.
        batch: BatchId,
        /// The batch the receipt names.
        receipt: BatchId,
    },
    /// Storage could not be read or written.
    #[error("{0}")]
    Storage(E),
    /// The batch could not be made (a bug, not the worker's doing).
    #[error("the batch could not be made: {0}")]
    Batch(BatchError),
}

/// The id and time a new batch gets, if one is needed (the caller draws them from the
/// browser's clock and random numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewBatch {
    /// The id it will have.
    pub id: BatchId,
    /// When it is made.
    pub created: Timestamp,
}

/// Which interviews to hand in a batch may hold. A batch is one worker's for one agency
/// (the collector refuses one that mixes them), so a tablet that several workers share,
/// or that was set up again for another agency, hands in one batch per worker and agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holding<'a> {
    /// Interviews of any agency: a file, which the coordinator imports.
    AnyAgency,
    /// Only this agency's: an upload with this agency's token.
    Agency(&'a AgencyCode),
}

/// Completed interviews not yet received by the collector (no receipt), oldest first:
/// those still to hand in, whatever batch they are in.
pub fn to_hand_in<S: Store>(store: &S) -> Result<Vec<Response>, S::Error> {
    let mut responses = store.responses_with_status(ResponseStatus::Complete)?;
    responses.reverse();
    Ok(responses)
}

/// What the next batch holds: the interviews to hand in that `holding` allows that were made by
/// the worker, for the agency, of the oldest of them; oldest first, at most
/// [`MAX_BATCH_RESPONSES`].
pub fn next_batch<S: Store>(store: &S, holding: Holding<'_>) -> Result<Vec<Response>, S::Error> {
    Ok(next_of(to_hand_in(store)?, holding))
}

/// [`next_batch`] of the interviews to hand in given (oldest first).
fn next_of(mut responses: Vec<Response>, holding: Holding<'_>) -> Vec<Response> {
    match holding {
        Holding::AnyAgency => {}
        Holding::Agency(agency) => responses.retain(|response| &response.agency == agency),
    }
    if let Some(first) = responses.first() {
        let (worker, agency) = (first.worker.clone(), first.agency.clone());
        responses.retain(|response| response.worker == worker && response.agency == agency);
    }
    responses.truncate(MAX_BATCH_RESPONSES);
    responses
}

/// Visits whose outcome no receipt has confirmed yet, oldest first.
fn visits_waiting<S: Store>(store: &S) -> Result<Vec<Visit>, S::Error> {
    let mut visits = store.visits()?;
    visits.retain(|visit| visit.uploaded.is_none());
    visits.reverse();
    Ok(visits)
}

/// The batch to hand in now: the [`next_batch`] of completed interviews `holding`
/// allows, and every visit outcome not yet confirmed, on this `tablet` (its device and
/// ward; the worker and agency are the interviews'). An earlier batch with exactly the
/// same content (exported or tried before, no receipt yet) is reused, so the collector
/// sees one batch id; otherwise a new one is made as `new` says. Each response is marked
/// with the batch.
pub fn prepare<S: Store>(
    store: &mut S,
    questionnaire: &Questionnaire,
    tablet: &Assignment,
    holding: Holding<'_>,
    new: NewBatch,
) -> Result<(BatchRecord, Batch), HandInError<S::Error>> {
    let responses = next_batch(store, holding).map_err(HandInError::Storage)?;
    prepare_these(store, questionnaire, tablet, responses, new)
}

/// [`prepare`] for `responses` already chosen (one worker's, of one agency, oldest first).
fn prepare_these<S: Store>(
    store: &mut S,
    questionnaire: &Questionnaire,
    tablet: &Assignment,
    responses: Vec<Response>,
    new: NewBatch,
) -> Result<(BatchRecord, Batch), HandInError<S::Error>> {
    let Some(first) = responses.first() else {
        return Err(HandInError::NothingWaiting);
    };
    let assignment = Assignment {
        worker: first.worker.clone(),
        agency: first.agency.clone(),
        ..tablet.clone()
    };
    let visits = visits_waiting(store).map_err(HandInError::Storage)?;
    let response_ids: Vec<ResponseId> = responses.iter().map(|r| r.id).collect();
    let visit_ids: Vec<VisitId> = visits.iter().map(|v| v.id).collect();
    let earlier = store
        .batch_records()
        .map_err(HandInError::Storage)?
        .into_iter()
        .find(|record| covers(record, &response_ids, &visit_ids));
    let record = match earlier {
        Some(record) => record,
        None => {
            let record = BatchRecord {
                id: new.id,
                created: new.created,
                assignment,
                responses: response_ids,
                visits: visit_ids,
                exported: None,
                receipt: None,
            };
            store
                .put_batch_record(&record)
                .map_err(HandInError::Storage)?;
            record
        }
    };
    let batch = build(questionnaire, &record, responses.clone(), &visits)?;
    for mut response in responses {
        if response.batch != Some(record.id) {
            // Only complete responses wait, so marking them cannot fail.
            if response.mark_in_batch(record.id).is_ok() {
                store
                    .put_response(&response)
                    .map_err(HandInError::Storage)?;
            }
        }
    }
    Ok((record, batch))
}

/// Hands the next batch of the tablet's agency in by sending: it is [`prepare`]d, given to
/// `deliver` (which sends it and reads the collector's receipt), and the receipt applied
/// ([`apply_receipt`]) at the time `now` gives once it came. If `deliver` fails nothing
/// is marked handed in.
pub async fn send<S, P>(
    store: &mut S,
    questionnaire: &Questionnaire,
    tablet: &Assignment,
    new: NewBatch,
    deliver: impl AsyncFnOnce(&Batch) -> Result<Receipt, P>,
    now: impl FnOnce() -> Timestamp,
) -> Result<Receipt, P>
where
    S: Store,
    P: From<HandInError<S::Error>>,
{
    let holding = Holding::Agency(&tablet.agency);
    let (mut record, batch) = prepare(store, questionnaire, tablet, holding, new)?;
    let receipt = deliver(&batch).await?;
    apply_receipt(store, &mut record, receipt.clone(), now())?;
    Ok(receipt)
}

/// Hands every interview still to hand in in as files, one batch per worker and agency:
/// each is [`prepare`]d, given to `save` (which offers it as files and says what it
/// saved), and noted as exported at `now`. The interviews stay on the tablet until a
/// receipt.
pub fn save_as_files<S, P, T>(
    store: &mut S,
    questionnaire: &Questionnaire,
    tablet: &Assignment,
    new: impl FnMut() -> NewBatch,
    mut save: impl FnMut(&BatchRecord, &Batch) -> Result<T, P>,
    now: Timestamp,
) -> Result<Vec<T>, P>
where
    S: Store,
    P: From<HandInError<S::Error>>,
{
    let mut saved = Vec::new();
    for (record, batch) in prepare_files(store, questionnaire, tablet, new)? {
        saved.push(save(&record, &batch)?);
        note_exported(store, record, now)?;
    }
    Ok(saved)
}

/// The batches [`save_as_files`] saves, [`prepare`]d (one per worker and agency) but not
/// yet noted as exported: for a caller that hands them on later, such as a share sheet
/// the worker may cancel, and then calls [`note_exported`] for each that went.
pub fn prepare_files<S: Store>(
    store: &mut S,
    questionnaire: &Questionnaire,
    tablet: &Assignment,
    mut new: impl FnMut() -> NewBatch,
) -> Result<Vec<(BatchRecord, Batch)>, HandInError<S::Error>> {
    // Read once, and split by who made them (in the order of each's oldest interview).
    let mut groups: Vec<Vec<Response>> = Vec::new();
    for response in to_hand_in(store).map_err(HandInError::Storage)? {
        let same = |group: &&mut Vec<Response>| {
            group.first().is_some_and(|first| {
                first.worker == response.worker && first.agency == response.agency
            })
        };
        match groups.iter_mut().find(same) {
            Some(group) => group.push(response),
            None => groups.push(vec![response]),
        }
    }
    if groups.is_empty() {
        return Err(HandInError::NothingWaiting);
    }
    let mut prepared = Vec::new();
    for mut group in groups {
        group.truncate(MAX_BATCH_RESPONSES);
        prepared.push(prepare_these(store, questionnaire, tablet, group, new())?);
    }
    Ok(prepared)
}

/// Notes that `record`'s batch was saved as a file (downloaded or shared) at `now`.
pub fn note_exported<S: Store>(
    store: &mut S,
    mut record: BatchRecord,
    now: Timestamp,
) -> Result<(), HandInError<S::Error>> {
    record.exported = Some(now);
    store
        .put_batch_record(&record)
        .map_err(HandInError::Storage)
}

/// Builds again the batch `record` names, from what is still on the tablet.
pub fn rebuild<S: Store>(
    store: &S,
    questionnaire: &Questionnaire,
    record: &BatchRecord,
) -> Result<Batch, HandInError<S::Error>> {
    let mut responses = Vec::new();
    for id in &record.responses {
        if let Some(response) = store.response(*id).map_err(HandInError::Storage)? {
            responses.push(response);
        }
    }
    let visits = store.visits().map_err(HandInError::Storage)?;
    build(questionnaire, record, responses, &visits)
}

/// The collector confirmed a batch with `receipt`. If it names `record`'s batch, the
/// batch's responses become uploaded and its visits confirmed (each written once), and
/// the receipt is kept; a receipt for another batch marks nothing.
pub fn apply_receipt<S: Store>(
    store: &mut S,
    record: &mut BatchRecord,
    receipt: Receipt,
    now: Timestamp,
) -> Result<(), HandInError<S::Error>> {
    if receipt.batch != record.id {
        return Err(HandInError::NotThisBatch {
            batch: record.id,
            receipt: receipt.batch,
        });
    }
    for id in &record.responses {
        if let Some(mut response) = store.response(*id).map_err(HandInError::Storage)? {
            if response.mark_uploaded(now).is_ok() {
                store
                    .put_response(&response)
                    .map_err(HandInError::Storage)?;
            }
        }
    }
    for id in &record.visits {
        if let Some(mut visit) = store.visit(*id).map_err(HandInError::Storage)? {
            if visit.uploaded.is_none() {
                visit.uploaded = Some(now);
                store.put_visit(&visit).map_err(HandInError::Storage)?;
            }
        }
    }
    record.receipt = Some(receipt);
    store.put_batch_record(record).map_err(HandInError::Storage)
}

/// Removes interviews received by the collector (their receipt came) more than `days`
/// ago, visits confirmed as long ago, and batch records none of whose interviews is left
/// on the tablet: receipted ones, and exported or prepared ones whose interviews all went
/// in a later batch. Never a response without a receipt. Returns how many interviews
/// were removed.
pub fn clear_expired<S: Store>(
    store: &mut S,
    days: u16,
    now: Timestamp,
) -> Result<usize, S::Error> {
    let cutoff = Timestamp(now.0 - i64::from(days) * 86_400_000);
    let mut removed = 0;
    let mut left = BTreeSet::new();
    for summary in store.responses()? {
        if summary.status == ResponseStatus::Uploaded && summary.updated < cutoff {
            store.delete_response(summary.id)?;
            removed += 1;
        } else {
            left.insert(summary.id);
        }
    }
    for visit in store.visits()? {
        if visit.uploaded.is_some_and(|at| at < cutoff) {
            store.delete_visit(visit.id)?;
        }
    }
    for record in store.batch_records()? {
        // Only received interviews are ever removed: once none of a batch's is left,
        // nothing of it remains to hand in or to show.
        if !record.responses.iter().any(|id| left.contains(id)) {
            store.delete_batch_record(record.id)?;
        }
    }
    Ok(removed)
}

/// Whether `record` (not yet receipted) still covers exactly what waits to be handed in,
/// so uploading or exporting again reuses its id and the collector sees one batch.
fn covers(record: &BatchRecord, waiting: &[ResponseId], visits: &[VisitId]) -> bool {
    record.receipt.is_none() && record.responses == waiting && record.visits == visits
}

/// The batch `record` names, built from `responses` and the visits on the tablet.
/// Responses uploaded since are sent as they were completed.
fn build<E>(
    questionnaire: &Questionnaire,
    record: &BatchRecord,
    responses: Vec<Response>,
    visits: &[Visit],
) -> Result<Batch, HandInError<E>> {
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
    .map_err(HandInError::Batch)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::record::{DoorNote, VisitOutcome};
    use survey::MemoryStore;

    const DAY: i64 = 86_400_000;
    const NOW: i64 = 1_795_400_000_000;

    fn questionnaire() -> Questionnaire {
        survey::shipped::shared_questionnaire().unwrap()
    }

    /// A tablet with `complete` completed interviews (the `n`-th completed `n` minutes
    /// after the first), one draft and two visits.
    fn tablet(q: &Questionnaire, complete: usize) -> MemoryStore {
        let mut store = MemoryStore::new();
        for index in 0..complete {
            let mut response = survey::sample::complete_response(q, index).unwrap();
            response.updated = Timestamp(NOW + i64::try_from(index).unwrap() * 60_000);
            store.put_response(&response).unwrap();
        }
        let mut draft = survey::sample::complete_response(q, 99).unwrap();
        draft.reopen(Timestamp(NOW)).unwrap();
        store.put_response(&draft).unwrap();
        for n in 1..=2 {
            store
                .put_visit(&Visit {
                    id: VisitId::from_random_bytes([n; 16]),
                    time: Timestamp(NOW + i64::from(n)),
                    area: "E05009370".into(),
                    outcome: VisitOutcome::CallBack,
                    attempt: 1,
                    door_note: Some(DoorNote::new("green gate")),
                    follows: None,
                    uploaded: None,
                })
                .unwrap();
        }
        store
    }

    fn new_batch(n: u8) -> NewBatch {
        NewBatch {
            id: BatchId::from_random_bytes([n; 16]),
            created: Timestamp(NOW + DAY / 2),
        }
    }

    fn receipt_for(record: &BatchRecord) -> Receipt {
        Receipt {
            batch: record.id,
            accepted: u32::try_from(record.responses.len()).unwrap(),
            already_present: 0,
            visits_accepted: u32::try_from(record.visits.len()).unwrap(),
            visits_already_present: 0,
            conflicts: 0,
        }
    }

    fn statuses(store: &MemoryStore) -> Vec<ResponseStatus> {
        let mut statuses: Vec<_> = store
            .responses()
            .unwrap()
            .iter()
            .map(|s| s.status)
            .collect();
        statuses.sort_by_key(|s| s.as_str());
        statuses
    }

    #[test]
    fn a_batch_holds_every_completed_interview_oldest_first_and_marks_them() {
        let q = questionnaire();
        let mut store = tablet(&q, 3);
        let assignment = survey::sample::assignment(&q, 0);
        let (record, batch) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        assert_eq!(batch.count, 3);
        assert_eq!(batch.responses.len(), 3);
        assert_eq!(batch.visits.len(), 2, "both visit outcomes");
        let oldest_first: Vec<ResponseId> =
            to_hand_in(&store).unwrap().iter().map(|r| r.id).collect();
        assert_eq!(record.responses, oldest_first);
        for id in &record.responses {
            let stored = store.response(*id).unwrap().unwrap();
            assert_eq!(stored.batch, Some(record.id), "marked with its batch");
            assert_eq!(stored.status, ResponseStatus::Complete, "still waiting");
        }
        assert_eq!(store.batch_records().unwrap(), vec![record]);
    }

    #[test]
    fn the_same_waiting_set_is_the_same_batch_until_a_receipt() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let (first, batch) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        let (again, rebuilt) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(2),
        )
        .unwrap();
        assert_eq!(again.id, first.id);
        assert_eq!(rebuilt.to_json().unwrap(), batch.to_json().unwrap());
        assert_eq!(
            rebuild(&store, &q, &first).unwrap().to_json().unwrap(),
            batch.to_json().unwrap(),
            "exported again byte for byte"
        );
        assert_eq!(store.batch_records().unwrap().len(), 1);
    }

    #[test]
    fn a_batch_covers_only_the_same_waiting_set_until_its_receipt() {
        let q = questionnaire();
        let mut store = tablet(&q, 1);
        let assignment = survey::sample::assignment(&q, 0);
        let (record, _) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        let waiting = record.responses.clone();
        assert!(covers(&record, &waiting, &record.visits));
        assert!(!covers(&record, &[], &record.visits));
        assert!(!covers(&record, &waiting, &[]));
        let mut receipted = record.clone();
        receipted.receipt = Some(receipt_for(&record));
        assert!(!covers(&receipted, &waiting, &record.visits));
    }

    /// Moves the `n`-th stored complete interview to another worker or agency.
    fn made_by(store: &mut MemoryStore, n: usize, worker: &str, agency: &str) {
        let id = to_hand_in(store).unwrap()[n].id;
        let mut response = store.response(id).unwrap().unwrap();
        response.worker = worker.into();
        response.agency = agency.into();
        store.put_response(&response).unwrap();
    }

    #[test]
    fn a_tablet_shared_by_two_workers_hands_in_one_batch_per_worker() {
        let q = questionnaire();
        let mut store = tablet(&q, 3);
        made_by(&mut store, 1, "W077", "hackney-cvs");
        let tablet_set_up = survey::sample::assignment(&q, 0);
        let (mut first, batch) = prepare(
            &mut store,
            &q,
            &tablet_set_up,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        assert_eq!(batch.count, 2, "the oldest interview's worker, W012");
        assert!(batch.responses.iter().all(|r| r.worker.as_str() == "W012"));
        assert_eq!(first.assignment.worker.as_str(), "W012");
        let receipt = receipt_for(&first);
        apply_receipt(&mut store, &mut first, receipt, Timestamp(NOW + DAY)).unwrap();
        let (second, batch) = prepare(
            &mut store,
            &q,
            &tablet_set_up,
            Holding::AnyAgency,
            new_batch(2),
        )
        .unwrap();
        assert_eq!(batch.count, 1);
        assert_eq!(batch.worker.as_str(), "W077");
        assert_eq!(
            second.assignment.device, tablet_set_up.device,
            "the tablet's own"
        );
    }

    #[test]
    fn an_upload_holds_only_the_tokens_agency_and_a_file_any() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        made_by(&mut store, 0, "W012", "hackney-council");
        let tablet_set_up = survey::sample::assignment(&q, 0);
        let council = AgencyCode::from("hackney-council");
        let cvs = AgencyCode::from("hackney-cvs");
        let for_cvs = next_batch(&store, Holding::Agency(&cvs)).unwrap();
        assert_eq!(for_cvs.len(), 1);
        assert_eq!(for_cvs[0].agency, cvs);
        let oldest = next_batch(&store, Holding::AnyAgency).unwrap();
        assert_eq!(oldest.len(), 1);
        assert_eq!(oldest[0].agency, council, "the oldest interview's agency");
        let none = next_batch(&store, Holding::Agency(&"met-police".into())).unwrap();
        assert!(none.is_empty());
        let (_, batch) = prepare(
            &mut store,
            &q,
            &tablet_set_up,
            Holding::Agency(&cvs),
            new_batch(1),
        )
        .unwrap();
        assert_eq!(batch.agency, cvs);
    }

    #[test]
    fn nothing_waiting_makes_no_batch() {
        let q = questionnaire();
        let mut store = tablet(&q, 0);
        let assignment = survey::sample::assignment(&q, 0);
        assert_eq!(
            prepare(
                &mut store,
                &q,
                &assignment,
                Holding::AnyAgency,
                new_batch(1)
            )
            .unwrap_err(),
            HandInError::NothingWaiting
        );
        assert!(store.batch_records().unwrap().is_empty());
    }

    #[test]
    fn a_receipt_marks_its_batch_uploaded_and_its_visits_confirmed() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let (mut record, _) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        let receipt = receipt_for(&record);
        apply_receipt(
            &mut store,
            &mut record,
            receipt.clone(),
            Timestamp(NOW + DAY),
        )
        .unwrap();
        assert_eq!(
            statuses(&store),
            vec![
                ResponseStatus::Draft,
                ResponseStatus::Uploaded,
                ResponseStatus::Uploaded
            ]
        );
        assert!(store.visits().unwrap().iter().all(|v| v.uploaded.is_some()));
        assert_eq!(store.batch_records().unwrap()[0].receipt, Some(receipt));
        assert!(to_hand_in(&store).unwrap().is_empty());
    }

    #[test]
    fn a_receipt_for_another_batch_marks_nothing() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let (mut record, _) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        let mut receipt = receipt_for(&record);
        receipt.batch = BatchId::from_random_bytes([7; 16]);
        let before = (store.responses().unwrap(), store.visits().unwrap());
        let error =
            apply_receipt(&mut store, &mut record, receipt, Timestamp(NOW + DAY)).unwrap_err();
        assert!(matches!(error, HandInError::NotThisBatch { .. }), "{error}");
        assert_eq!(
            (store.responses().unwrap(), store.visits().unwrap()),
            before
        );
        assert_eq!(store.batch_records().unwrap()[0].receipt, None);
        assert_eq!(to_hand_in(&store).unwrap().len(), 2);
    }

    /// Runs a future that is ready at once (the test senders never wait).
    fn now_or_never<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the test sender waited"),
        }
    }

    #[derive(Debug, PartialEq)]
    enum Problem {
        Tablet(HandInError<survey::store::MemoryStoreError>),
        NoSignal,
    }

    impl From<HandInError<survey::store::MemoryStoreError>> for Problem {
        fn from(error: HandInError<survey::store::MemoryStoreError>) -> Self {
            Problem::Tablet(error)
        }
    }

    #[test]
    fn sending_with_a_receipt_hands_the_batch_in() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let receipt = now_or_never(send(
            &mut store,
            &q,
            &assignment,
            new_batch(1),
            async |batch: &Batch| -> Result<Receipt, Problem> {
                Ok(Receipt {
                    batch: batch.id,
                    accepted: batch.count,
                    already_present: 0,
                    visits_accepted: 2,
                    visits_already_present: 0,
                    conflicts: 0,
                })
            },
            || Timestamp(NOW + DAY),
        ))
        .unwrap();
        assert_eq!(receipt.accepted, 2);
        assert!(to_hand_in(&store).unwrap().is_empty());
        assert_eq!(store.batch_records().unwrap()[0].receipt, Some(receipt));
    }

    #[test]
    fn a_send_that_fails_or_brings_another_batchs_receipt_hands_nothing_in() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let failed = now_or_never(send(
            &mut store,
            &q,
            &assignment,
            new_batch(1),
            async |_: &Batch| -> Result<Receipt, Problem> { Err(Problem::NoSignal) },
            || Timestamp(NOW + DAY),
        ));
        assert_eq!(failed, Err(Problem::NoSignal));
        let other = now_or_never(send(
            &mut store,
            &q,
            &assignment,
            new_batch(2),
            async |batch: &Batch| -> Result<Receipt, Problem> {
                Ok(Receipt {
                    batch: BatchId::from_random_bytes([7; 16]),
                    accepted: batch.count,
                    already_present: 0,
                    visits_accepted: 0,
                    visits_already_present: 0,
                    conflicts: 0,
                })
            },
            || Timestamp(NOW + DAY),
        ));
        assert!(
            matches!(
                other,
                Err(Problem::Tablet(HandInError::NotThisBatch { .. }))
            ),
            "{other:?}"
        );
        assert_eq!(to_hand_in(&store).unwrap().len(), 2, "both still wait");
        let records = store.batch_records().unwrap();
        assert_eq!(records.len(), 1, "the retry reused the batch");
        assert_eq!(records[0].receipt, None);
    }

    #[test]
    fn saving_as_files_makes_one_per_worker_notes_them_and_leaves_the_interviews_waiting() {
        let q = questionnaire();
        let mut store = tablet(&q, 3);
        made_by(&mut store, 2, "W077", "hackney-council");
        let assignment = survey::sample::assignment(&q, 0);
        let mut ids = (1..).map(new_batch);
        let saved = save_as_files(
            &mut store,
            &q,
            &assignment,
            || ids.next().unwrap(),
            |record: &BatchRecord, batch: &Batch| -> Result<(BatchId, u32), Problem> {
                assert_eq!(record.id, batch.id);
                Ok((batch.id, batch.count))
            },
            Timestamp(NOW + DAY),
        )
        .unwrap();
        assert_eq!(
            saved.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            vec![2, 1]
        );
        let records = store.batch_records().unwrap();
        assert_eq!(records.len(), 2);
        assert!(records
            .iter()
            .all(|r| r.exported == Some(Timestamp(NOW + DAY))));
        assert_eq!(to_hand_in(&store).unwrap().len(), 3);
        // Exported again with nothing new: the same two batches, no third.
        let again = save_as_files(
            &mut store,
            &q,
            &assignment,
            || ids.next().unwrap(),
            |_: &BatchRecord, batch: &Batch| -> Result<BatchId, Problem> { Ok(batch.id) },
            Timestamp(NOW + DAY),
        )
        .unwrap();
        assert_eq!(again, saved.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    }

    #[test]
    fn an_interview_is_never_cleared_before_its_receipt() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        // Exported long ago, never confirmed: kept however old.
        prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        let removed = clear_expired(&mut store, 1, Timestamp(NOW + 365 * DAY)).unwrap();
        assert_eq!(removed, 0);
        assert_eq!(store.responses().unwrap().len(), 3);
        assert_eq!(store.visits().unwrap().len(), 2);
        assert_eq!(store.batch_records().unwrap().len(), 1);
    }

    #[test]
    fn handed_in_interviews_are_cleared_after_the_retention_period_with_their_batch() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let (mut record, _) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(1),
        )
        .unwrap();
        let receipted = Timestamp(NOW + DAY);
        let receipt = receipt_for(&record);
        apply_receipt(&mut store, &mut record, receipt, receipted).unwrap();

        // Within the retention period: all kept.
        assert_eq!(
            clear_expired(&mut store, 7, Timestamp(receipted.0 + 6 * DAY)).unwrap(),
            0
        );
        assert_eq!(store.batch_records().unwrap().len(), 1);
        // After it: the interviews, the visits and the batch record go; the draft stays.
        assert_eq!(
            clear_expired(&mut store, 7, Timestamp(receipted.0 + 8 * DAY)).unwrap(),
            2
        );
        assert_eq!(statuses(&store), vec![ResponseStatus::Draft]);
        assert!(store.visits().unwrap().is_empty());
        assert!(store.batch_records().unwrap().is_empty());
    }

    #[test]
    fn files_prepared_but_not_handed_on_are_not_noted_as_exported() {
        let q = questionnaire();
        let mut store = tablet(&q, 2);
        let assignment = survey::sample::assignment(&q, 0);
        let mut ids = (1..).map(new_batch);
        // A share sheet the worker cancelled: prepared, never noted.
        let prepared = prepare_files(&mut store, &q, &assignment, || ids.next().unwrap()).unwrap();
        assert_eq!(prepared.len(), 1);
        let records = store.batch_records().unwrap();
        assert_eq!(records[0].exported, None, "not exported until it went");
        // Shared: the same batch, now noted.
        let again = prepare_files(&mut store, &q, &assignment, || ids.next().unwrap()).unwrap();
        assert_eq!(again[0].0.id, prepared[0].0.id, "the same batch id");
        let (record, _) = again.into_iter().next().unwrap();
        note_exported(&mut store, record, Timestamp(NOW + DAY)).unwrap();
        assert_eq!(
            store.batch_records().unwrap()[0].exported,
            Some(Timestamp(NOW + DAY))
        );
        assert_eq!(to_hand_in(&store).unwrap().len(), 2, "still to hand in");
    }

    #[test]
    fn a_file_whose_interviews_went_in_a_later_batch_is_cleared_with_them() {
        let q = questionnaire();
        let mut store = tablet(&q, 1);
        let assignment = survey::sample::assignment(&q, 0);
        let mut ids = (1..).map(new_batch);
        let files = save_as_files(
            &mut store,
            &q,
            &assignment,
            || ids.next().unwrap(),
            |_: &BatchRecord, batch: &Batch| -> Result<BatchId, Problem> { Ok(batch.id) },
            Timestamp(NOW),
        )
        .unwrap();
        // One more interview, then an upload of both: a second batch, receipted.
        let mut later = survey::sample::complete_response(&q, 5).unwrap();
        later.updated = Timestamp(NOW + DAY / 4);
        store.put_response(&later).unwrap();
        let (mut second, _) = prepare(
            &mut store,
            &q,
            &assignment,
            Holding::AnyAgency,
            new_batch(9),
        )
        .unwrap();
        assert_ne!(second.id, files[0]);
        let receipt = receipt_for(&second);
        let received = Timestamp(NOW + DAY);
        apply_receipt(&mut store, &mut second, receipt, received).unwrap();
        // Within the retention period both records stay; after it, both go with the
        // interviews, though the file's batch never had a receipt of its own.
        clear_expired(&mut store, 7, Timestamp(received.0 + 6 * DAY)).unwrap();
        assert_eq!(store.batch_records().unwrap().len(), 2);
        assert_eq!(
            clear_expired(&mut store, 7, Timestamp(received.0 + 8 * DAY)).unwrap(),
            2
        );
        assert!(store.batch_records().unwrap().is_empty());
        assert_eq!(statuses(&store), vec![ResponseStatus::Draft]);
    }
}

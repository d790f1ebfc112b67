//! Where the device keeps responses, visits and the batches it made: the [`Store`]
//! interface, an in-memory [`MemoryStore`], and the [`contract`] every implementation
//! must pass (the app runs it against its LocalStorage store in the browser).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::questionnaire::LanguageCode;
use crate::record::{
    AreaCode, Assignment, BatchId, Response, ResponseId, ResponseStatus, Timestamp, Visit, VisitId,
};
use crate::wire::Receipt;

/// What a store keeps: one entry per response, per visit and per batch made.
///
/// Writing one response must not rewrite the others (a LocalStorage store keeps a key
/// per response and a small index of [`ResponseSummary`]s), so that saving an answer
/// costs the same with 3 responses stored as with 3,000.
pub trait Store {
    /// Why reading or writing failed (quota exceeded, storage unavailable, an entry that
    /// does not parse…).
    type Error: std::error::Error + 'static;

    /// Saves a response, replacing any with the same id.
    fn put_response(&mut self, response: &Response) -> Result<(), Self::Error>;

    /// The response with `id`, if stored.
    fn response(&self, id: ResponseId) -> Result<Option<Response>, Self::Error>;

    /// Every stored response, summarised, newest first (by `updated`, then by id).
    fn responses(&self) -> Result<Vec<ResponseSummary>, Self::Error>;

    /// Removes a response; `true` if there was one.
    fn delete_response(&mut self, id: ResponseId) -> Result<bool, Self::Error>;

    /// Saves a visit, door note included, replacing any with the same id.
    fn put_visit(&mut self, visit: &Visit) -> Result<(), Self::Error>;

    /// The visit with `id`, if stored.
    fn visit(&self, id: VisitId) -> Result<Option<Visit>, Self::Error>;

    /// Every stored visit, newest first (by `time`, then by id).
    fn visits(&self) -> Result<Vec<Visit>, Self::Error>;

    /// Removes a visit; `true` if there was one.
    fn delete_visit(&mut self, id: VisitId) -> Result<bool, Self::Error>;

    /// Saves the record of a batch made on this device, replacing any with the same id.
    fn put_batch_record(&mut self, record: &BatchRecord) -> Result<(), Self::Error>;

    /// Every batch record, newest first (by `created`, then by id).
    fn batch_records(&self) -> Result<Vec<BatchRecord>, Self::Error>;

    /// Removes a batch record; `true` if there was one.
    fn delete_batch_record(&mut self, id: BatchId) -> Result<bool, Self::Error>;

    /// The summaries of the stored responses with `status`, newest first.
    fn summaries_with_status(
        &self,
        status: ResponseStatus,
    ) -> Result<Vec<ResponseSummary>, Self::Error> {
        let mut summaries = self.responses()?;
        summaries.retain(|summary| summary.status == status);
        Ok(summaries)
    }

    /// The stored responses with `status`, in full, newest first (e.g. the completed
    /// ones to put in a batch). A response is read again, so one whose summary is stale
    /// is left out if its own status differs.
    fn responses_with_status(&self, status: ResponseStatus) -> Result<Vec<Response>, Self::Error> {
        let mut found = Vec::new();
        for summary in self.summaries_with_status(status)? {
            if let Some(response) = self.response(summary.id)? {
                if response.status == status {
                    found.push(response);
                }
            }
        }
        Ok(found)
    }
}

/// A batch made on this device: which responses and visit outcomes it holds, not their
/// content (that would double the storage used). The same batch is built again from them
/// whenever it is exported again or uploaded; responses in a batch cannot be reopened, so
/// it comes out the same.
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
    /// The collector's receipt for it, once it came.
    #[serde(rename = "rc", default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

/// Sorts batch records newest first, as [`Store::batch_records`] returns them.
pub fn sort_batch_records_newest_first(records: &mut [BatchRecord]) {
    records.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
}

/// What the list of interviews shows about a response, without its answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseSummary {
    /// The response's id.
    pub id: ResponseId,
    /// Its status.
    #[serde(rename = "st")]
    pub status: ResponseStatus,
    /// The ward.
    #[serde(rename = "ar")]
    pub area: AreaCode,
    /// The interview's language.
    #[serde(rename = "l")]
    pub language: LanguageCode,
    /// When it started.
    #[serde(rename = "s")]
    pub started: Timestamp,
    /// When it last changed.
    #[serde(rename = "u")]
    pub updated: Timestamp,
    /// When it was completed.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Timestamp>,
    /// How many answers it holds.
    #[serde(rename = "n")]
    pub answered: u32,
    /// The batch it last went out in.
    #[serde(rename = "b", default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchId>,
}

impl ResponseSummary {
    /// The summary of `response`.
    pub fn of(response: &Response) -> Self {
        ResponseSummary {
            id: response.id,
            status: response.status,
            area: response.area.clone(),
            language: response.language.clone(),
            started: response.started,
            updated: response.updated,
            completed: response.completed,
            answered: u32::try_from(response.answers.len()).unwrap_or(u32::MAX),
            batch: response.batch,
        }
    }
}

/// Sorts summaries newest first, as [`Store::responses`] returns them.
pub fn sort_newest_first(summaries: &mut [ResponseSummary]) {
    summaries.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.id.cmp(&a.id)));
}

/// Sorts visits newest first, as [`Store::visits`] returns them.
pub fn sort_visits_newest_first(visits: &mut [Visit]) {
    visits.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
}

/// Why a [`MemoryStore`] refused a write.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MemoryStoreError {
    /// The store was made with a limit (to rehearse a full LocalStorage) and is full.
    #[error("the store is full ({limit} entries)")]
    Full {
        /// Most entries (responses and visits together) allowed.
        limit: usize,
    },
}

/// A store in memory: for tests, and for the app when the browser's storage is not
/// available.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    responses: BTreeMap<ResponseId, Response>,
    visits: BTreeMap<VisitId, Visit>,
    batch_records: BTreeMap<BatchId, BatchRecord>,
    limit: Option<usize>,
}

impl MemoryStore {
    /// An empty store without a limit.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// An empty store that refuses new entries beyond `limit` responses, visits and
    /// batch records together, like a full LocalStorage.
    pub fn with_limit(limit: usize) -> Self {
        MemoryStore {
            limit: Some(limit),
            ..MemoryStore::default()
        }
    }

    fn room_for_new(&self, is_new: bool) -> Result<(), MemoryStoreError> {
        match self.limit {
            Some(limit)
                if is_new
                    && self.responses.len() + self.visits.len() + self.batch_records.len()
                        >= limit =>
            {
                Err(MemoryStoreError::Full { limit })
            }
            _ => Ok(()),
        }
    }
}

impl Store for MemoryStore {
    type Error = MemoryStoreError;

    fn put_response(&mut self, response: &Response) -> Result<(), Self::Error> {
        self.room_for_new(!self.responses.contains_key(&response.id))?;
        self.responses.insert(response.id, response.clone());
        Ok(())
    }

    fn response(&self, id: ResponseId) -> Result<Option<Response>, Self::Error> {
        Ok(self.responses.get(&id).cloned())
    }

    fn responses(&self) -> Result<Vec<ResponseSummary>, Self::Error> {
        let mut summaries: Vec<_> = self.responses.values().map(ResponseSummary::of).collect();
        sort_newest_first(&mut summaries);
        Ok(summaries)
    }

    fn delete_response(&mut self, id: ResponseId) -> Result<bool, Self::Error> {
        Ok(self.responses.remove(&id).is_some())
    }

    fn put_visit(&mut self, visit: &Visit) -> Result<(), Self::Error> {
        self.room_for_new(!self.visits.contains_key(&visit.id))?;
        self.visits.insert(visit.id, visit.clone());
        Ok(())
    }

    fn visit(&self, id: VisitId) -> Result<Option<Visit>, Self::Error> {
        Ok(self.visits.get(&id).cloned())
    }

    fn visits(&self) -> Result<Vec<Visit>, Self::Error> {
        let mut visits: Vec<_> = self.visits.values().cloned().collect();
        sort_visits_newest_first(&mut visits);
        Ok(visits)
    }

    fn delete_visit(&mut self, id: VisitId) -> Result<bool, Self::Error> {
        Ok(self.visits.remove(&id).is_some())
    }

    fn put_batch_record(&mut self, record: &BatchRecord) -> Result<(), Self::Error> {
        self.room_for_new(!self.batch_records.contains_key(&record.id))?;
        self.batch_records.insert(record.id, record.clone());
        Ok(())
    }

    fn batch_records(&self) -> Result<Vec<BatchRecord>, Self::Error> {
        let mut records: Vec<_> = self.batch_records.values().cloned().collect();
        sort_batch_records_newest_first(&mut records);
        Ok(records)
    }

    fn delete_batch_record(&mut self, id: BatchId) -> Result<bool, Self::Error> {
        Ok(self.batch_records.remove(&id).is_some())
    }
}

/// The behaviour every [`Store`] must show, as plain functions (not `#[cfg(test)]`), so
/// that any implementation's tests can run them — natively or in the browser under
/// `wasm-bindgen-test`:
///
/// ```
/// use survey::store::{contract, MemoryStore};
/// contract::run_all(MemoryStore::new).unwrap();
/// ```
///
/// Each check gets a fresh, empty store from the factory.
pub mod contract {
    use std::collections::BTreeMap;

    use uuid::Uuid;

    use super::{BatchRecord, ResponseSummary, Store};
    use crate::answer::Answer;
    use crate::questionnaire::LanguageCode;
    use crate::record::{
        Assignment, BatchId, DoorNote, QuestionnaireRef, Response, ResponseId, ResponseStatus,
        Timestamp, Visit, VisitId, VisitOutcome,
    };
    use crate::wire::Receipt;

    /// A contract check that failed, by name, with what was wrong.
    #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
    #[error("store contract check `{check}` failed: {detail}")]
    pub struct ContractFailure {
        /// The check's name.
        pub check: &'static str,
        /// What was expected and what happened.
        pub detail: String,
    }

    /// One named check.
    pub struct Check<S> {
        /// The check's name (`"round_trip"`…).
        pub name: &'static str,
        /// Runs the check on an empty store.
        pub run: fn(&mut S) -> Result<(), ContractFailure>,
    }

    /// Every check of the contract.
    pub fn checks<S: Store>() -> Vec<Check<S>> {
        vec![
            Check {
                name: "empty_store_is_empty",
                run: empty_store_is_empty::<S>,
            },
            Check {
                name: "missing_id_is_none",
                run: missing_id_is_none::<S>,
            },
            Check {
                name: "response_round_trip",
                run: response_round_trip::<S>,
            },
            Check {
                name: "overwrite_keeps_one",
                run: overwrite_keeps_one::<S>,
            },
            Check {
                name: "listing_newest_first",
                run: listing_newest_first::<S>,
            },
            Check {
                name: "writing_one_leaves_others",
                run: writing_one_leaves_others::<S>,
            },
            Check {
                name: "delete_removes_only_that_one",
                run: delete_removes_only_that_one::<S>,
            },
            Check {
                name: "responses_with_status",
                run: responses_with_status::<S>,
            },
            Check {
                name: "visits_round_trip_newest_first",
                run: visits_round_trip_newest_first::<S>,
            },
            Check {
                name: "door_note_kept_on_device",
                run: door_note_kept_on_device::<S>,
            },
            Check {
                name: "visit_overwrite_and_delete",
                run: visit_overwrite_and_delete::<S>,
            },
            Check {
                name: "batch_records_round_trip_newest_first",
                run: batch_records_round_trip_newest_first::<S>,
            },
            Check {
                name: "batch_record_overwrite_and_delete",
                run: batch_record_overwrite_and_delete::<S>,
            },
        ]
    }

    /// Runs every check, each on a fresh store from `make`; the first failure is returned.
    pub fn run_all<S: Store>(mut make: impl FnMut() -> S) -> Result<(), ContractFailure> {
        for check in checks::<S>() {
            let mut store = make();
            (check.run)(&mut store)?;
        }
        Ok(())
    }

    fn fail(check: &'static str, detail: impl Into<String>) -> ContractFailure {
        ContractFailure {
            check,
            detail: detail.into(),
        }
    }

    fn ensure(
        check: &'static str,
        holds: bool,
        detail: impl FnOnce() -> String,
    ) -> Result<(), ContractFailure> {
        if holds {
            Ok(())
        } else {
            Err(fail(check, detail()))
        }
    }

    fn io<T, E: std::error::Error>(
        check: &'static str,
        result: Result<T, E>,
    ) -> Result<T, ContractFailure> {
        result.map_err(|error| fail(check, format!("store error: {error}")))
    }

    /// A response for the checks: `n` varies the id and answers, `updated` its time.
    /// Answers of every kind, with non-ASCII and JSON-special text.
    pub fn sample_response(n: u8, updated: i64) -> Response {
        let assignment = Assignment {
            worker: "W001".into(),
            agency: "agency".into(),
            device: "tablet".into(),
            area: "E05000001".into(),
        };
        let mut response = Response::start(
            sample_response_id(n),
            QuestionnaireRef {
                id: "contract".into(),
                version: 1,
            },
            &assignment,
            LanguageCode("bn".into()),
            Timestamp(updated - 60_000),
        );
        let mut answers = BTreeMap::new();
        answers.insert("CONSENT".into(), Answer::Choice(1));
        answers.insert(
            "PROBLEMS".into(),
            Answer::Choices(vec![3, u16::from(n) + 4]),
        );
        answers.insert("ADULTS".into(), Answer::Number(i64::from(n)));
        answers.insert(
            "COMMENT".into(),
            Answer::Text(format!("মন্তব্য \"{n}\",\n\\ ok")),
        );
        answers.insert("SAFE_DARK".into(), Answer::DontKnow);
        answers.insert("AGE_BAND".into(), Answer::PreferNotToSay);
        response.answers = answers;
        response.updated = Timestamp(updated);
        response
    }

    /// The id of [`sample_response`]`(n, _)`.
    pub fn sample_response_id(n: u8) -> ResponseId {
        ResponseId(Uuid::from_u128(
            0x0000_0000_0000_4000_8000_0000_0000_0000 | u128::from(n),
        ))
    }

    /// A visit for the checks, with a door note.
    pub fn sample_visit(n: u8, time: i64) -> Visit {
        Visit {
            id: VisitId(Uuid::from_u128(
                0x0000_0000_0000_4000_8000_0000_0001_0000 | u128::from(n),
            )),
            time: Timestamp(time),
            area: "E05000001".into(),
            outcome: VisitOutcome::ALL[usize::from(n) % VisitOutcome::ALL.len()],
            attempt: u16::from(n) + 1,
            door_note: Some(DoorNote::new(format!("kapı {n}: köpek var, yan kapıdan"))),
            follows: None,
            uploaded: None,
        }
    }

    /// A batch record for the checks: `n` varies its id and content, `created` its time.
    pub fn sample_batch_record(n: u8, created: i64) -> BatchRecord {
        BatchRecord {
            id: BatchId(Uuid::from_u128(
                0x0000_0000_0000_4000_8000_0000_0002_0000 | u128::from(n),
            )),
            created: Timestamp(created),
            assignment: Assignment {
                worker: "W001".into(),
                agency: "agency".into(),
                device: "tablet".into(),
                area: "E05000001".into(),
            },
            responses: vec![sample_response_id(n), sample_response_id(n + 1)],
            visits: vec![sample_visit(n, created).id],
            exported: None,
            receipt: None,
        }
    }

    /// A new store lists no responses, visits or batch records.
    pub fn empty_store_is_empty<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "empty_store_is_empty";
        let responses = io(CHECK, store.responses())?;
        let visits = io(CHECK, store.visits())?;
        let batches = io(CHECK, store.batch_records())?;
        ensure(
            CHECK,
            responses.is_empty() && visits.is_empty() && batches.is_empty(),
            || {
                format!(
                    "{} responses, {} visits and {} batch records listed",
                    responses.len(),
                    visits.len(),
                    batches.len()
                )
            },
        )
    }

    /// Asking for an id never stored gives `None`, not an error.
    pub fn missing_id_is_none<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "missing_id_is_none";
        io(CHECK, store.put_response(&sample_response(1, 1_000_000)))?;
        let found = io(CHECK, store.response(sample_response_id(2)))?;
        ensure(CHECK, found.is_none(), || format!("found {found:?}"))?;
        let deleted = io(CHECK, store.delete_response(sample_response_id(2)))?;
        ensure(CHECK, !deleted, || {
            "deleting a missing id reported a deletion".into()
        })
    }

    /// A response reads back exactly as written, every answer kind included.
    pub fn response_round_trip<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "response_round_trip";
        let mut response = sample_response(1, 1_000_000);
        io(CHECK, store.put_response(&response))?;
        let back = io(CHECK, store.response(response.id))?;
        ensure(CHECK, back.as_ref() == Some(&response), || {
            format!("read back {back:?}")
        })?;
        response
            .complete(Timestamp(1_000_500))
            .map_err(|e| fail(CHECK, e.to_string()))?;
        response.visit = Some(sample_visit(1, 0).id);
        io(CHECK, store.put_response(&response))?;
        let back = io(CHECK, store.response(response.id))?;
        ensure(CHECK, back.as_ref() == Some(&response), || {
            format!("read back {back:?}")
        })
    }

    /// Saving a response again replaces it: one entry, the latest content.
    pub fn overwrite_keeps_one<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "overwrite_keeps_one";
        let mut response = sample_response(1, 1_000_000);
        io(CHECK, store.put_response(&response))?;
        response
            .set_answer("ADULTS".into(), Answer::Number(5), Timestamp(2_000_000))
            .map_err(|e| fail(CHECK, e.to_string()))?;
        io(CHECK, store.put_response(&response))?;
        let listed = io(CHECK, store.responses())?;
        ensure(
            CHECK,
            listed == vec![ResponseSummary::of(&response)],
            || format!("listed {listed:?}"),
        )?;
        let back = io(CHECK, store.response(response.id))?;
        ensure(CHECK, back.as_ref() == Some(&response), || {
            format!("read back {back:?}")
        })
    }

    /// The listing is newest first by `updated`, whatever the order of writing.
    pub fn listing_newest_first<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "listing_newest_first";
        for (n, updated) in [
            (1, 2_000_000),
            (2, 3_000_000),
            (3, 1_000_000),
            (4, 2_500_000),
        ] {
            io(CHECK, store.put_response(&sample_response(n, updated)))?;
        }
        let order: Vec<ResponseId> = io(CHECK, store.responses())?.iter().map(|s| s.id).collect();
        let expected: Vec<ResponseId> = [2, 4, 1, 3].into_iter().map(sample_response_id).collect();
        ensure(CHECK, order == expected, || {
            format!("order {order:?}, expected {expected:?}")
        })
    }

    /// Changing one response leaves every other as it was.
    pub fn writing_one_leaves_others<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "writing_one_leaves_others";
        let first = sample_response(1, 1_000_000);
        let second = sample_response(2, 1_100_000);
        io(CHECK, store.put_response(&first))?;
        io(CHECK, store.put_response(&second))?;
        let mut changed = first.clone();
        changed.answers.clear();
        changed.updated = Timestamp(1_200_000);
        io(CHECK, store.put_response(&changed))?;
        let back = io(CHECK, store.response(second.id))?;
        ensure(CHECK, back.as_ref() == Some(&second), || {
            format!("other became {back:?}")
        })?;
        let listed = io(CHECK, store.responses())?;
        ensure(
            CHECK,
            listed == vec![ResponseSummary::of(&changed), ResponseSummary::of(&second)],
            || format!("listed {listed:?}"),
        )
    }

    /// Deleting removes that response only, and reports whether there was one.
    pub fn delete_removes_only_that_one<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "delete_removes_only_that_one";
        io(CHECK, store.put_response(&sample_response(1, 1_000_000)))?;
        io(CHECK, store.put_response(&sample_response(2, 1_000_000)))?;
        let deleted = io(CHECK, store.delete_response(sample_response_id(1)))?;
        ensure(CHECK, deleted, || "delete reported nothing deleted".into())?;
        let gone = io(CHECK, store.response(sample_response_id(1)))?;
        ensure(CHECK, gone.is_none(), || {
            "deleted response still readable".into()
        })?;
        let listed: Vec<_> = io(CHECK, store.responses())?.iter().map(|s| s.id).collect();
        ensure(CHECK, listed == vec![sample_response_id(2)], || {
            format!("listed {listed:?}")
        })?;
        let again = io(CHECK, store.delete_response(sample_response_id(1)))?;
        ensure(CHECK, !again, || "second delete reported a deletion".into())
    }

    /// `responses_with_status` gives the full responses of that status, newest first.
    pub fn responses_with_status<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "responses_with_status";
        let draft = sample_response(1, 1_000_000);
        let mut older = sample_response(2, 1_000_000);
        let mut newer = sample_response(3, 1_000_000);
        older
            .complete(Timestamp(2_000_000))
            .map_err(|e| fail(CHECK, e.to_string()))?;
        newer
            .complete(Timestamp(3_000_000))
            .map_err(|e| fail(CHECK, e.to_string()))?;
        for response in [&draft, &older, &newer] {
            io(CHECK, store.put_response(response))?;
        }
        let complete = io(CHECK, store.responses_with_status(ResponseStatus::Complete))?;
        ensure(CHECK, complete == vec![newer, older], || {
            format!("got {complete:?}")
        })
    }

    /// Visits read back as written, newest first by time.
    pub fn visits_round_trip_newest_first<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "visits_round_trip_newest_first";
        let visits = [
            sample_visit(1, 5_000),
            sample_visit(2, 9_000),
            sample_visit(3, 7_000),
        ];
        for visit in &visits {
            io(CHECK, store.put_visit(visit))?;
        }
        let listed = io(CHECK, store.visits())?;
        let expected = vec![visits[1].clone(), visits[2].clone(), visits[0].clone()];
        ensure(CHECK, listed == expected, || format!("listed {listed:?}"))
    }

    /// The device store keeps the door note (only exports drop it).
    pub fn door_note_kept_on_device<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "door_note_kept_on_device";
        let visit = sample_visit(4, 1_000);
        io(CHECK, store.put_visit(&visit))?;
        let listed = io(CHECK, store.visits())?;
        let note = listed
            .first()
            .and_then(|v| v.door_note.as_ref())
            .map(DoorNote::as_str);
        ensure(
            CHECK,
            note == visit.door_note.as_ref().map(DoorNote::as_str),
            || "the door note was not kept".into(),
        )
    }

    /// Saving a visit again replaces it; deleting removes it.
    pub fn visit_overwrite_and_delete<S: Store>(store: &mut S) -> Result<(), ContractFailure> {
        const CHECK: &str = "visit_overwrite_and_delete";
        let mut visit = sample_visit(1, 1_000);
        io(CHECK, store.put_visit(&visit))?;
        visit.outcome = VisitOutcome::Interviewed;
        visit.door_note = None;
        io(CHECK, store.put_visit(&visit))?;
        let listed = io(CHECK, store.visits())?;
        ensure(CHECK, listed == vec![visit.clone()], || {
            format!("listed {listed:?}")
        })?;
        let one = io(CHECK, store.visit(visit.id))?;
        ensure(CHECK, one.as_ref() == Some(&visit), || {
            format!("read {one:?}")
        })?;
        let deleted = io(CHECK, store.delete_visit(visit.id))?;
        let listed = io(CHECK, store.visits())?;
        let gone = io(CHECK, store.visit(visit.id))?;
        ensure(
            CHECK,
            deleted && listed.is_empty() && gone.is_none(),
            || format!("after delete: {listed:?}, {gone:?}"),
        )
    }

    /// Batch records read back as written, newest first by the time they were made.
    pub fn batch_records_round_trip_newest_first<S: Store>(
        store: &mut S,
    ) -> Result<(), ContractFailure> {
        const CHECK: &str = "batch_records_round_trip_newest_first";
        let older = sample_batch_record(1, 5_000);
        let mut newer = sample_batch_record(3, 9_000);
        newer.exported = Some(Timestamp(9_500));
        newer.receipt = Some(Receipt {
            batch: newer.id,
            accepted: 1,
            already_present: 1,
            visits_accepted: 1,
            visits_already_present: 0,
            conflicts: 0,
        });
        io(CHECK, store.put_batch_record(&older))?;
        io(CHECK, store.put_batch_record(&newer))?;
        let listed = io(CHECK, store.batch_records())?;
        ensure(CHECK, listed == vec![newer, older], || {
            format!("listed {listed:?}")
        })
    }

    /// Saving a batch record again replaces it; deleting removes only it.
    pub fn batch_record_overwrite_and_delete<S: Store>(
        store: &mut S,
    ) -> Result<(), ContractFailure> {
        const CHECK: &str = "batch_record_overwrite_and_delete";
        let mut first = sample_batch_record(1, 5_000);
        let second = sample_batch_record(3, 6_000);
        io(CHECK, store.put_batch_record(&first))?;
        io(CHECK, store.put_batch_record(&second))?;
        first.exported = Some(Timestamp(7_000));
        io(CHECK, store.put_batch_record(&first))?;
        let listed = io(CHECK, store.batch_records())?;
        ensure(CHECK, listed == vec![second.clone(), first.clone()], || {
            format!("listed {listed:?}")
        })?;
        let deleted = io(CHECK, store.delete_batch_record(first.id))?;
        let again = io(CHECK, store.delete_batch_record(first.id))?;
        let listed = io(CHECK, store.batch_records())?;
        ensure(CHECK, deleted && !again && listed == vec![second], || {
            format!("after delete: {listed:?}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::contract::{run_all, sample_response, sample_visit};
    use super::*;

    #[test]
    fn memory_store_passes_the_contract() {
        run_all(MemoryStore::new).unwrap();
    }

    #[test]
    fn a_full_memory_store_refuses_new_entries_but_accepts_updates() {
        let mut store = MemoryStore::with_limit(2);
        store.put_response(&sample_response(1, 10)).unwrap();
        store.put_visit(&sample_visit(1, 10)).unwrap();
        assert_eq!(
            store.put_response(&sample_response(2, 10)),
            Err(MemoryStoreError::Full { limit: 2 })
        );
        store.put_response(&sample_response(1, 20)).unwrap();
    }

    /// A store that forgets the order shows what a contract failure looks like.
    #[test]
    fn a_store_listing_oldest_first_fails_the_contract() {
        struct OldestFirst(MemoryStore);
        impl Store for OldestFirst {
            type Error = MemoryStoreError;
            fn put_response(&mut self, r: &Response) -> Result<(), Self::Error> {
                self.0.put_response(r)
            }
            fn response(&self, id: ResponseId) -> Result<Option<Response>, Self::Error> {
                self.0.response(id)
            }
            fn responses(&self) -> Result<Vec<ResponseSummary>, Self::Error> {
                let mut listed = self.0.responses()?;
                listed.reverse();
                Ok(listed)
            }
            fn delete_response(&mut self, id: ResponseId) -> Result<bool, Self::Error> {
                self.0.delete_response(id)
            }
            fn put_visit(&mut self, v: &Visit) -> Result<(), Self::Error> {
                self.0.put_visit(v)
            }
            fn visit(&self, id: VisitId) -> Result<Option<Visit>, Self::Error> {
                self.0.visit(id)
            }
            fn visits(&self) -> Result<Vec<Visit>, Self::Error> {
                self.0.visits()
            }
            fn delete_visit(&mut self, id: VisitId) -> Result<bool, Self::Error> {
                self.0.delete_visit(id)
            }
            fn put_batch_record(&mut self, record: &BatchRecord) -> Result<(), Self::Error> {
                self.0.put_batch_record(record)
            }
            fn batch_records(&self) -> Result<Vec<BatchRecord>, Self::Error> {
                self.0.batch_records()
            }
            fn delete_batch_record(&mut self, id: BatchId) -> Result<bool, Self::Error> {
                self.0.delete_batch_record(id)
            }
        }
        let failure = run_all(|| OldestFirst(MemoryStore::new())).unwrap_err();
        assert_eq!(failure.check, "listing_newest_first");
    }

    #[test]
    fn a_batch_record_kept_by_app_version_0_1_reads_back() {
        // Its receipt had no visit counts and carried the time it arrived.
        let record: BatchRecord = serde_json::from_str(
            r#"{"id":"abababab-abab-4bab-abab-abababababab","t":1795400000000,
                "by":{"worker":"W012","agency":"hackney-council","device":"Tablet 07","area":"E05009370"},
                "r":["01010101-0101-4101-8101-010101010101"],"v":[],"x":1795400001000,
                "rc":{"batch":"abababab-abab-4bab-abab-abababababab","accepted":1,
                      "already_present":0,"received":1795400002000}}"#,
        )
        .unwrap();
        let receipt = record.receipt.unwrap();
        assert_eq!((receipt.batch, receipt.accepted), (record.id, 1));
        assert_eq!(receipt.visits_accepted, 0);
    }

    #[test]
    fn summaries_encode_compactly() {
        let json = serde_json::to_string(&ResponseSummary::of(&sample_response(1, 5))).unwrap();
        assert_eq!(
            json,
            r#"{"id":"00000000-0000-4000-8000-000000000001","st":"draft","ar":"E05000001","l":"bn","s":-59995,"u":5,"n":6}"#
        );
    }
}

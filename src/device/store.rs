//! Responses, visits and batch records on the device: the app's [`Store`] over
//! LocalStorage.
//!
//! Each response is two entries, written together: `doorstep/v1/response/<id>` (the whole
//! response) and `doorstep/v1/summary/<id>` (what the list of interviews shows). Saving an
//! answer writes those two small entries, however many responses are stored; listing
//! reads only the summaries. Visits are `doorstep/v1/visit/<id>`, batch records
//! `doorstep/v1/batch/<id>` (see [`super::keys`]).
//!
//! An entry that does not parse is set aside under `doorstep/v1/quarantine/…` (see
//! [`entries::quarantine`]) and skipped; settings reports it. A summary that is missing
//! or damaged is rebuilt from its response.

use survey::store::{
    sort_batch_records_newest_first, sort_newest_first, sort_visits_newest_first, BatchRecord,
    ResponseSummary, Store,
};
use survey::{BatchId, Response, ResponseId, Visit, VisitId};

use serde::de::DeserializeOwned;

use super::entries;
use super::keys::{self, Key};
use crate::platform::local_storage::StorageError;

/// The device's responses, visits and batch records, in LocalStorage.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalStore;

impl Store for LocalStore {
    type Error = StorageError;

    fn put_response(&mut self, response: &Response) -> Result<(), StorageError> {
        // The response first: if storage is full it is refused whole and the stored copy
        // (and its summary) stay as they were.
        entries::save(&keys::response(response.id), response)?;
        entries::save(&keys::summary(response.id), &ResponseSummary::of(response))
    }

    fn response(&self, id: ResponseId) -> Result<Option<Response>, StorageError> {
        entries::load_or_quarantine(&keys::response(id))
    }

    fn responses(&self) -> Result<Vec<ResponseSummary>, StorageError> {
        let mut summaries = Vec::new();
        for id in entries::ids_under::<ResponseId>(keys::RESPONSES)? {
            match entries::load_or_quarantine::<ResponseSummary>(&keys::summary(id))? {
                Some(summary) if summary.id == id => summaries.push(summary),
                // Missing, damaged or not this response's: rebuild it from the response.
                _ => {
                    if let Some(response) = self.response(id)? {
                        let summary = ResponseSummary::of(&response);
                        // A full device can still list: the rebuilt summary is only a cache.
                        let _ = entries::save(&keys::summary(id), &summary);
                        summaries.push(summary);
                    }
                }
            }
        }
        sort_newest_first(&mut summaries);
        Ok(summaries)
    }

    fn delete_response(&mut self, id: ResponseId) -> Result<bool, StorageError> {
        let existed = remove_if_there(&keys::response(id))?;
        entries::remove(&keys::summary(id))?;
        Ok(existed)
    }

    fn put_visit(&mut self, visit: &Visit) -> Result<(), StorageError> {
        entries::save(&keys::visit(visit.id), visit)
    }

    fn visit(&self, id: VisitId) -> Result<Option<Visit>, StorageError> {
        entries::load_or_quarantine(&keys::visit(id))
    }

    fn visits(&self) -> Result<Vec<Visit>, StorageError> {
        let mut visits = every(keys::VISITS, keys::visit)?;
        sort_visits_newest_first(&mut visits);
        Ok(visits)
    }

    fn delete_visit(&mut self, id: VisitId) -> Result<bool, StorageError> {
        remove_if_there(&keys::visit(id))
    }

    fn put_batch_record(&mut self, record: &BatchRecord) -> Result<(), StorageError> {
        entries::save(&keys::batch(record.id), record)
    }

    fn batch_records(&self) -> Result<Vec<BatchRecord>, StorageError> {
        let mut records = every(keys::BATCHES, keys::batch)?;
        sort_batch_records_newest_first(&mut records);
        Ok(records)
    }

    fn delete_batch_record(&mut self, id: BatchId) -> Result<bool, StorageError> {
        remove_if_there(&keys::batch(id))
    }
}

/// Every readable entry of `family`, whose keys `key` makes from their ids (damaged ones
/// set aside and skipped), in no particular order.
fn every<Id: std::str::FromStr, T: DeserializeOwned>(
    family: &str,
    key: impl Fn(Id) -> Key,
) -> Result<Vec<T>, StorageError> {
    let mut found = Vec::new();
    for id in entries::ids_under::<Id>(family)? {
        if let Some(entry) = entries::load_or_quarantine(&key(id))? {
            found.push(entry);
        }
    }
    Ok(found)
}

/// Removes the entry under `key`; whether there was one.
fn remove_if_there(key: &Key) -> Result<bool, StorageError> {
    let existed = entries::contains(key)?;
    entries::remove(key)?;
    Ok(existed)
}

/// These run in headless Chromium: `cargo test -p doorstep --lib --target wasm32-unknown-unknown`.
#[cfg(all(test, target_arch = "wasm32"))]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails
mod browser_tests {
    use super::*;
    use survey::record::{Assignment, QuestionnaireRef, Timestamp};
    use survey::{Answer, LanguageCode};
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    fn raw() -> web_sys::Storage {
        web_sys::window()
            .and_then(|window| window.local_storage().ok().flatten())
            .expect("the test browser has localStorage")
    }

    /// An empty device: every Doorstep entry removed.
    fn empty_store() -> LocalStore {
        let storage = raw();
        let keys: Vec<String> = (0..storage.length().unwrap())
            .filter_map(|i| storage.key(i).unwrap())
            .filter(|key| key.starts_with("doorstep/"))
            .collect();
        for key in keys {
            storage.remove_item(&key).unwrap();
        }
        LocalStore
    }

    fn response(n: u8) -> Response {
        let assignment = Assignment {
            worker: "W012".into(),
            agency: "hackney-council".into(),
            device: "Tablet 07".into(),
            area: "E05009367".into(),
        };
        let mut response = Response::start(
            ResponseId::from_random_bytes([n; 16]),
            QuestionnaireRef {
                id: "doorstep-qol".into(),
                version: 1,
            },
            &assignment,
            LanguageCode("bn".into()),
            Timestamp(1_790_000_000_000 + i64::from(n)),
        );
        response
            .set_answer(
                "CONSENT".into(),
                Answer::Choice(1),
                Timestamp(1_790_000_000_100),
            )
            .unwrap();
        response
    }

    #[wasm_bindgen_test]
    fn the_local_store_passes_the_store_contract() {
        let result = survey::store::contract::run_all(empty_store);
        assert_eq!(result, Ok(()));
    }

    #[wasm_bindgen_test]
    fn saving_an_answer_writes_only_that_response() {
        let mut store = empty_store();
        for n in 0..50 {
            store.put_response(&response(n)).unwrap();
        }
        // Count the browser's own writes while one answer is saved.
        let spy = js_sys::Function::new_no_args(
            "window.__writes = [];
             const original = Storage.prototype.setItem;
             window.__restoreSetItem = () => { Storage.prototype.setItem = original; };
             Storage.prototype.setItem = function (k, v) { window.__writes.push(k); return original.call(this, k, v); };",
        );
        spy.call0(&JsValue::NULL).unwrap();
        let mut one = response(7);
        one.set_answer(
            "AREA_SATISFACTION".into(),
            Answer::Choice(2),
            Timestamp(1_790_000_000_200),
        )
        .unwrap();
        let saved = store.put_response(&one);
        js_sys::Function::new_no_args("window.__restoreSetItem();")
            .call0(&JsValue::NULL)
            .unwrap();
        saved.unwrap();
        let writes = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__writes".into()).unwrap();
        let writes: Vec<String> = js_sys::Array::from(&writes)
            .iter()
            .filter_map(|key| key.as_string())
            .collect();
        let id = one.id;
        assert_eq!(
            writes,
            vec![
                format!("doorstep/v1/response/{id}"),
                format!("doorstep/v1/summary/{id}")
            ]
        );
        assert_eq!(store.response(id).unwrap(), Some(one));
    }

    #[wasm_bindgen_test]
    fn a_damaged_response_is_set_aside_and_the_rest_still_list() {
        let mut store = empty_store();
        store.put_response(&response(1)).unwrap();
        store.put_response(&response(2)).unwrap();
        let damaged = response(2).id;
        raw()
            .set_item(
                &format!("doorstep/v1/response/{damaged}"),
                "{\"id\": truncated",
            )
            .unwrap();
        raw()
            .remove_item(&format!("doorstep/v1/summary/{damaged}"))
            .unwrap();

        let listed: Vec<ResponseId> = store.responses().unwrap().iter().map(|s| s.id).collect();
        assert_eq!(listed, vec![response(1).id]);
        assert_eq!(
            entries::quarantined().unwrap(),
            vec![format!("response/{damaged}")]
        );
        // The damaged text is kept, unchanged, for the coordinator.
        assert_eq!(
            raw()
                .get_item(&format!("doorstep/v1/quarantine/response/{damaged}"))
                .unwrap()
                .as_deref(),
            Some("{\"id\": truncated")
        );
        assert_eq!(
            raw()
                .get_item(&format!("doorstep/v1/response/{damaged}"))
                .unwrap(),
            None
        );
    }

    #[wasm_bindgen_test]
    fn a_damaged_summary_is_rebuilt_from_its_response() {
        let mut store = empty_store();
        let kept = response(3);
        store.put_response(&kept).unwrap();
        raw()
            .set_item(&format!("doorstep/v1/summary/{}", kept.id), "not json")
            .unwrap();
        let listed = store.responses().unwrap();
        assert_eq!(listed, vec![ResponseSummary::of(&kept)]);
        assert_eq!(
            entries::load::<ResponseSummary>(&keys::summary(kept.id)),
            Ok(Some(ResponseSummary::of(&kept)))
        );
    }

    #[wasm_bindgen_test]
    fn a_full_device_refuses_the_write_and_keeps_the_saved_response() {
        let mut store = empty_store();
        let saved = response(4);
        store.put_response(&saved).unwrap();
        let mut chunk = "x".repeat(1 << 20);
        let mut index = 0;
        while !chunk.is_empty() {
            if raw().set_item(&format!("fill/{index}"), &chunk).is_ok() {
                index += 1;
            } else {
                chunk.truncate(chunk.len() / 2);
            }
        }
        let mut changed = saved.clone();
        changed
            .set_answer(
                "FINAL_COMMENTS".into(),
                Answer::Text("y".repeat(500)),
                Timestamp(1_790_000_000_300),
            )
            .unwrap();
        let result = store.put_response(&changed);
        for i in 0..index {
            raw().remove_item(&format!("fill/{i}")).unwrap();
        }
        assert!(
            matches!(result, Err(StorageError::Full { .. })),
            "{result:?}"
        );
        assert_eq!(store.response(saved.id).unwrap(), Some(saved.clone()));
        assert_eq!(
            store.responses().unwrap(),
            vec![ResponseSummary::of(&saved)]
        );
    }
}

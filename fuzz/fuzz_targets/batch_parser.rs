//! The batch parser on arbitrary bytes: whatever arrives at the collector (an upload, a
//! file handed in), `parse_and_verify` answers with a batch or a typed error, and never
//! panics, hangs or runs out of memory.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use survey::{Questionnaire, Timestamp};

/// When every input "arrives" (2026-01-01T00:00:00Z): fixed, so a run can be repeated.
const RECEIVED: Timestamp = Timestamp(1_767_225_600_000);

fn questionnaires() -> &'static [Questionnaire] {
    static SHIPPED: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    SHIPPED.get_or_init(|| survey::shipped::shipped_questionnaires().unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = survey::parse_and_verify(data, questionnaires(), RECEIVED) {
        // What verifies must also encode again and verify again the same.
        let json = batch.to_json().expect("a verified batch encodes");
        let again = survey::parse_and_verify(json.as_bytes(), questionnaires(), RECEIVED)
            .expect("a re-encoded batch verifies");
        assert_eq!(again, batch);
    }
});

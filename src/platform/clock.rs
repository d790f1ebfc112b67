//! The time and fresh ids, from the browser.

use survey::record::Timestamp;
use survey::{ResponseId, VisitId};

/// Now, in milliseconds since 1970 (UTC).
pub fn now() -> Timestamp {
    // Milliseconds since 1970 fit an f64 exactly until the year 287,396.
    #[allow(clippy::cast_possible_truncation)]
    Timestamp(js_sys::Date::now() as i64)
}

/// The local day of `time` as (year, month, day), in the tablet's own time zone.
pub fn local_day(time: Timestamp) -> (u32, u32, u32) {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(time.0 as f64));
    (date.get_full_year(), date.get_month() + 1, date.get_date())
}

/// `time` as the tablet's local time of day, `"14:05"`.
pub fn local_time(time: Timestamp) -> String {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(time.0 as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// A moment on the tablet's own clock and calendar, as the worker reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalDateTime {
    /// The year (`2026`).
    pub year: u32,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
}

/// `time` in the tablet's own time zone, for [`crate::words::WorkerLanguage::date_time`].
pub fn local(time: Timestamp) -> LocalDateTime {
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(time.0 as f64));
    LocalDateTime {
        year: date.get_full_year(),
        month: date.get_month() + 1,
        day: date.get_date(),
        hour: date.get_hours(),
        minute: date.get_minutes(),
    }
}

/// Random bytes from the browser's cryptographic generator.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // Every browser that runs WebAssembly has `crypto`; this is only a fallback so
        // that a missing one cannot stop an interview.
        for byte in &mut bytes {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let value = (js_sys::Math::random() * 256.0) as u8;
            *byte = value;
        }
    }
    bytes
}

/// A new response id: time-ordered (UUID version 7), so the collector stores each at the
/// end of its index.
pub fn new_response_id() -> ResponseId {
    ResponseId::from_time_and_random(now(), random_bytes())
}

/// A new visit id, time-ordered like [`new_response_id`].
pub fn new_visit_id() -> VisitId {
    VisitId::from_time_and_random(now(), random_bytes())
}

/// A new batch id, time-ordered like [`new_response_id`].
pub fn new_batch_id() -> survey::BatchId {
    survey::BatchId::from_time_and_random(now(), random_bytes())
}

//! Responses and visits: what the interview produces and the device keeps.
//!
//! Both are stored as JSON on the device (thousands of responses share one browser's
//! LocalStorage), so their encoding is compact and stable: short field names, empty
//! optional fields left out, answers in [`Answer`]'s compact form. The
//! `golden_json_of_a_small_response` test pins the exact encoding.
//!
//! Identifiers are UUIDs made by the caller (the app draws random bytes from the browser,
//! see [`ResponseId::from_random_bytes`]), so this crate needs no source of randomness.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::answer::Answer;
use crate::questionnaire::{LanguageCode, QuestionCode, Questionnaire};

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A random (version 4) id from 16 random bytes supplied by the caller
            /// (`crypto.getRandomValues` in the browser).
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                $name(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }

            /// A time-ordered (version 7) id: the time in milliseconds, then 74 of the
            /// caller's `random` bits. Ids made later sort later, so the collector's
            /// indexes grow at their end instead of everywhere (intake stays as fast at a
            /// million responses as at the first). A time before 1970 counts as 1970.
            pub fn from_time_and_random(time: Timestamp, random: [u8; 10]) -> Self {
                let millis = u64::try_from(time.0).unwrap_or(0);
                $name(uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid())
            }

            /// The underlying UUID.
            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map($name)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                $name(uuid)
            }
        }
    };
}

uuid_id!(
    /// Identifies one response everywhere: on the device, in batches, in the collector
    /// (which stores each response once, by this id).
    ResponseId
);
uuid_id!(
    /// Identifies one logged visit to a door.
    VisitId
);
uuid_id!(
    /// Identifies one batch (one upload or one exported file).
    BatchId
);

macro_rules! text_code {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name(text.to_owned())
            }
        }
    };
}

text_code!(
    /// The worker's own short code (`"W012"`), entered at set-up. Not a name.
    WorkerCode
);
text_code!(
    /// The partner agency the worker works for (`"hackney-cvs"`).
    AgencyCode
);
text_code!(
    /// The name given to the tablet at set-up (`"tablet-07"`).
    DeviceName
);
text_code!(
    /// The area (ward) code, one of the questionnaire's [`crate::questionnaire::Area`]s.
    AreaCode
);

/// A moment in time: milliseconds since 1970-01-01T00:00:00Z, as `Date.now()` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The time as RFC 3339 in UTC with whole seconds (`"2024-05-01T09:30:00Z"`), the form
    /// exports use and spreadsheets and pandas read.
    pub fn to_rfc3339(self) -> String {
        self.to_string()
    }

    /// The civil date and time (UTC) of this moment:
    /// `(year, month 1–12, day 1–31, hour, minute, second)`, milliseconds dropped
    /// (rounding towards the past, also before 1970).
    pub fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let seconds = self.0.div_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // `of_day` is in 0..86_400, so these casts cannot truncate.
        let hour = (of_day / 3600) as u32;
        let minute = (of_day % 3600 / 60) as u32;
        let second = (of_day % 60) as u32;
        (year, month, day, hour, minute, second)
    }
}

/// The moment a clock of the system gives (the collector's, when a batch arrives), to
/// the millisecond; beyond what milliseconds in an `i64` hold, the nearest that do.
/// (No `now()` here: in the browser `SystemTime::now` panics, the app's clock is
/// `Date.now()`.)
impl From<std::time::SystemTime> for Timestamp {
    fn from(time: std::time::SystemTime) -> Self {
        let millis =
            |duration: std::time::Duration| i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => Timestamp(millis(after)),
            Err(before) => Timestamp(-millis(before.duration())),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day, hour, minute, second) = self.to_civil();
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
        )
    }
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01), after Howard
/// Hinnant's `civil_from_days` (chrono-compatible algorithms): exact for every `i64`
/// day a timestamp in milliseconds can reach.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097); // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // 0..=399
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // 0..=365
    let mp = (5 * day_of_year + 2) / 153; // 0..=11, March first
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32; // 1..=31
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // 1..=12
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number (days since 1970-01-01) of a proleptic Gregorian date; the inverse of
/// [`civil_from_days`].
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Which questionnaire, and which version of it, a response answers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QuestionnaireRef {
    /// The questionnaire's id.
    pub id: String,
    /// Its version.
    #[serde(rename = "v")]
    pub version: u32,
}

impl QuestionnaireRef {
    /// The reference to `questionnaire`.
    pub fn of(questionnaire: &Questionnaire) -> Self {
        QuestionnaireRef {
            id: questionnaire.id.clone(),
            version: questionnaire.version,
        }
    }
}

impl fmt::Display for QuestionnaireRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}", self.id, self.version)
    }
}

/// Where a response stands. It only moves forward, except that a completed response not
/// yet exported may be reopened for a correction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    /// Being filled in; answers can change.
    Draft,
    /// Reviewed and completed by the worker; waits for upload.
    Complete,
    /// The collector has acknowledged it with a receipt.
    Uploaded,
}

impl ResponseStatus {
    /// The status as a word (`"draft"`, `"complete"`, `"uploaded"`), as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::Draft => "draft",
            ResponseStatus::Complete => "complete",
            ResponseStatus::Uploaded => "uploaded",
        }
    }
}

impl fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change of status (or of answers) that the response's status does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// Answers can change only while the response is a draft.
    #[error("the response is {status}; answers can change only in a draft")]
    NotDraft {
        /// The status it has.
        status: ResponseStatus,
    },
    /// The transition is not one of draft → complete → uploaded (or complete → draft
    /// before export).
    #[error("a {from} response cannot become {to}")]
    NotAllowed {
        /// The status it has.
        from: ResponseStatus,
        /// The status asked for.
        to: ResponseStatus,
    },
    /// Only a completed (or uploaded) response can go into a batch.
    #[error("a {status} response cannot be exported; complete it first")]
    NotComplete {
        /// The status it has.
        status: ResponseStatus,
    },
    /// A response already in a batch (prepared for upload or exported to a file) cannot
    /// be reopened: the collector may already hold it as it was.
    #[error("the response is already in a batch for the collector and cannot be reopened")]
    AlreadyInABatch,
}

/// Who collects, with what, where: the worker's set-up, stamped on each response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The worker's code.
    pub worker: WorkerCode,
    /// The worker's agency.
    pub agency: AgencyCode,
    /// The tablet.
    pub device: DeviceName,
    /// The ward the worker works in.
    pub area: AreaCode,
}

/// One interview: answers keyed by question code, with where, when and by whom it was
/// taken. Never a name, address or phone number.
///
/// JSON field names are short (`"w"` for worker…) because thousands of responses share
/// one device's storage; see the module docs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The response's id.
    pub id: ResponseId,
    /// The questionnaire and version answered.
    #[serde(rename = "q")]
    pub questionnaire: QuestionnaireRef,
    /// The worker's code.
    #[serde(rename = "w")]
    pub worker: WorkerCode,
    /// The worker's agency.
    #[serde(rename = "ag")]
    pub agency: AgencyCode,
    /// The tablet.
    #[serde(rename = "dv")]
    pub device: DeviceName,
    /// The ward.
    #[serde(rename = "ar")]
    pub area: AreaCode,
    /// The language the interview was held in.
    #[serde(rename = "l")]
    pub language: LanguageCode,
    /// When the interview started.
    #[serde(rename = "s")]
    pub started: Timestamp,
    /// When an answer or the status last changed.
    #[serde(rename = "u")]
    pub updated: Timestamp,
    /// When the worker completed it.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Timestamp>,
    /// Draft, complete or uploaded.
    #[serde(rename = "st")]
    pub status: ResponseStatus,
    /// The visit the interview was taken at.
    #[serde(rename = "vi", default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    /// The answers, by question code (sorted, so the encoding is canonical).
    #[serde(rename = "a", default)]
    pub answers: BTreeMap<QuestionCode, Answer>,
    /// The batch it was last exported or uploaded in.
    #[serde(rename = "b", default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchId>,
}

impl Response {
    /// A new, empty draft.
    pub fn start(
        id: ResponseId,
        questionnaire: QuestionnaireRef,
        assignment: &Assignment,
        language: LanguageCode,
        started: Timestamp,
    ) -> Self {
        Response {
            id,
            questionnaire,
            worker: assignment.worker.clone(),
            agency: assignment.agency.clone(),
            device: assignment.device.clone(),
            area: assignment.area.clone(),
            language,
            started,
            updated: started,
            completed: None,
            status: ResponseStatus::Draft,
            visit: None,
            answers: BTreeMap::new(),
            batch: None,
        }
    }

    /// Records (or replaces) the answer to `code`. Drafts only.
    pub fn set_answer(
        &mut self,
        code: QuestionCode,
        answer: Answer,
        at: Timestamp,
    ) -> Result<(), StatusError> {
        self.require_draft()?;
        self.answers.insert(code, answer);
        self.touch(at);
        Ok(())
    }

    /// Removes the answer to `code` (e.g. the question is no longer shown), returning it.
    /// Drafts only.
    pub fn clear_answer(
        &mut self,
        code: &QuestionCode,
        at: Timestamp,
    ) -> Result<Option<Answer>, StatusError> {
        self.require_draft()?;
        let removed = self.answers.remove(code);
        if removed.is_some() {
            self.touch(at);
        }
        Ok(removed)
    }

    /// Draft → complete, stamping `completed`. Whether the answers allow completion is the
    /// engine's question; this only guards the status.
    pub fn complete(&mut self, at: Timestamp) -> Result<(), StatusError> {
        self.transition(ResponseStatus::Draft, ResponseStatus::Complete)?;
        self.completed = Some(at);
        self.touch(at);
        Ok(())
    }

    /// Complete → draft, to correct an answer, as long as the response has not been put
    /// in a batch.
    pub fn reopen(&mut self, at: Timestamp) -> Result<(), StatusError> {
        if self.status == ResponseStatus::Complete && self.batch.is_some() {
            return Err(StatusError::AlreadyInABatch);
        }
        self.transition(ResponseStatus::Complete, ResponseStatus::Draft)?;
        self.completed = None;
        self.touch(at);
        Ok(())
    }

    /// Records that the response is in `batch` (prepared for upload, exported to a file,
    /// or both). Complete or uploaded responses only.
    pub fn mark_in_batch(&mut self, batch: BatchId) -> Result<(), StatusError> {
        if self.status == ResponseStatus::Draft {
            return Err(StatusError::NotComplete {
                status: self.status,
            });
        }
        self.batch = Some(batch);
        Ok(())
    }

    /// Complete → uploaded, once the collector's receipt names it.
    pub fn mark_uploaded(&mut self, at: Timestamp) -> Result<(), StatusError> {
        self.transition(ResponseStatus::Complete, ResponseStatus::Uploaded)?;
        self.touch(at);
        Ok(())
    }

    fn require_draft(&self) -> Result<(), StatusError> {
        if self.status == ResponseStatus::Draft {
            Ok(())
        } else {
            Err(StatusError::NotDraft {
                status: self.status,
            })
        }
    }

    fn transition(&mut self, from: ResponseStatus, to: ResponseStatus) -> Result<(), StatusError> {
        if self.status == from {
            self.status = to;
            Ok(())
        } else {
            Err(StatusError::NotAllowed {
                from: self.status,
                to,
            })
        }
    }

    fn touch(&mut self, at: Timestamp) {
        // A clock set back must not make `updated` go backwards (listing order).
        self.updated = self.updated.max(at);
    }
}

/// What happened at a door.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitOutcome {
    /// Nobody opened.
    NoAnswer,
    /// The resident declined (also: consent answered "no").
    Refused,
    /// The resident asked to be visited again.
    CallBack,
    /// Nobody eligible (16 or over, living there).
    NotEligible,
    /// No common language, and no interpreter.
    LanguageBarrier,
    /// An interview was started.
    Interviewed,
}

impl VisitOutcome {
    /// Every outcome, in the order the app offers them.
    pub const ALL: [VisitOutcome; 6] = [
        VisitOutcome::NoAnswer,
        VisitOutcome::Refused,
        VisitOutcome::CallBack,
        VisitOutcome::NotEligible,
        VisitOutcome::LanguageBarrier,
        VisitOutcome::Interviewed,
    ];

    /// The outcome as a word (`"no_answer"`…), as in the JSON and the exports.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitOutcome::NoAnswer => "no_answer",
            VisitOutcome::Refused => "refused",
            VisitOutcome::CallBack => "call_back",
            VisitOutcome::NotEligible => "not_eligible",
            VisitOutcome::LanguageBarrier => "language_barrier",
            VisitOutcome::Interviewed => "interviewed",
        }
    }
}

impl fmt::Display for VisitOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The worker's own note about a door ("dog — knock at the side"), to find their way
/// back on a call-back.
///
/// **Device-only.** It is stored with the [`Visit`] on the tablet and never leaves it:
/// batches carry [`VisitOutcomeRecord`]s, which have no field for it, so no export can
/// contain one. Its `Debug` output hides the text so it does not end up in logs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DoorNote(String);

impl DoorNote {
    /// A note with this text.
    pub fn new(text: impl Into<String>) -> Self {
        DoorNote(text.into())
    }

    /// The note's text, for showing to the worker on the device.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DoorNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DoorNote(<{} characters>)", self.0.chars().count())
    }
}

/// One knock at one door, as kept on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// The visit's id.
    pub id: VisitId,
    /// When.
    #[serde(rename = "t")]
    pub time: Timestamp,
    /// The ward.
    #[serde(rename = "ar")]
    pub area: AreaCode,
    /// What happened.
    #[serde(rename = "o")]
    pub outcome: VisitOutcome,
    /// 1 for the first visit to a door, 2 for the first call-back…
    #[serde(rename = "n")]
    pub attempt: u16,
    /// The worker's note. Device-only: see [`DoorNote`].
    #[serde(rename = "note", default, skip_serializing_if = "Option::is_none")]
    pub door_note: Option<DoorNote>,
    /// The earlier call-back visit this one goes back to, so the device knows the
    /// call-back has been followed up. Device-only, like the note.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<VisitId>,
    /// When the collector's receipt for a batch holding this visit's outcome arrived
    /// (device-only bookkeeping: the outcome need not be sent again).
    #[serde(rename = "up", default, skip_serializing_if = "Option::is_none")]
    pub uploaded: Option<Timestamp>,
}

impl Visit {
    /// What of this visit may leave the device: everything but the door note.
    pub fn outcome_record(&self) -> VisitOutcomeRecord {
        VisitOutcomeRecord::from(self)
    }
}

/// A visit as it leaves the device, in batches and summaries: outcome and counts, no
/// door note (there is no field for one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitOutcomeRecord {
    /// The visit's id.
    pub id: VisitId,
    /// When.
    #[serde(rename = "t")]
    pub time: Timestamp,
    /// The ward.
    #[serde(rename = "ar")]
    pub area: AreaCode,
    /// What happened.
    #[serde(rename = "o")]
    pub outcome: VisitOutcome,
    /// 1 for the first visit to a door, 2 for the first call-back…
    #[serde(rename = "n")]
    pub attempt: u16,
}

impl From<&Visit> for VisitOutcomeRecord {
    fn from(visit: &Visit) -> Self {
        VisitOutcomeRecord {
            id: visit.id,
            time: visit.time,
            area: visit.area.clone(),
            outcome: visit.outcome,
            attempt: visit.attempt,
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::{complete_response, small_response};
    use super::*;

    #[test]
    fn civil_from_days_knows_landmark_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
    }

    #[test]
    fn days_from_civil_inverts_civil_from_days_over_eight_centuries() {
        for days in (-150_000..150_000).step_by(7).chain(-800..800) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && (1..=31).contains(&d));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn consecutive_days_are_consecutive_dates() {
        let mut previous = civil_from_days(-40_000);
        for days in -39_999..60_000 {
            let next = civil_from_days(days);
            let (py, pm, pd) = previous;
            let expected_next_day = next == (py, pm, pd + 1)
                || next == (py, pm + 1, 1)
                || (pm == 12 && next == (py + 1, 1, 1));
            assert!(expected_next_day, "{previous:?} -> {next:?}");
            previous = next;
        }
    }

    #[test]
    fn timestamps_format_as_rfc3339_utc_seconds() {
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00Z");
        // 2024-05-01T09:30:15.999Z: milliseconds are dropped, not rounded.
        assert_eq!(
            Timestamp(1_714_555_815_999).to_rfc3339(),
            "2024-05-01T09:30:15Z"
        );
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59Z");
        assert_eq!(
            Timestamp(951_782_400_000).to_rfc3339(),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn a_system_time_is_milliseconds_since_1970_either_side() {
        use std::time::{Duration, UNIX_EPOCH};
        let after = UNIX_EPOCH + Duration::from_millis(1_714_555_815_999);
        assert_eq!(Timestamp::from(after), Timestamp(1_714_555_815_999));
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(Timestamp::from(before), Timestamp(-1_500));
        assert!(Timestamp::from(std::time::SystemTime::now()) > Timestamp(1_714_555_815_999));
    }

    #[test]
    fn golden_json_of_a_small_response() {
        let json = serde_json::to_string(&small_response()).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"id":"00000000-0000-4000-8000-000000000001","q":{"id":"fixture-qol","v":3},"#,
                r#""w":"W012","ag":"hackney-cvs","dv":"tablet-07","ar":"E05009367","l":"tr","#,
                r#""s":1714555800000,"u":1714556400000,"c":1714556400000,"st":"complete","#,
                r#""a":{"CONSENT":1,"HOUSING_PROBLEMS":[1,3],"LIFE_SATISFACTION":{"n":7},"#,
                r#""SAFE_DARK":"dk","TRAINING_COMMENT":{"t":"Kurs, \"akşam\""}}}"#
            )
        );
        let back: Response = serde_json::from_str(&json).unwrap();
        assert_eq!(back, small_response());
    }

    #[test]
    fn empty_options_are_left_out_and_read_back_as_none() {
        let mut response = small_response();
        response.completed = None;
        response.status = ResponseStatus::Draft;
        let json = serde_json::to_string(&response).unwrap();
        assert!(
            !json.contains("\"c\":1714") && !json.contains("\"vi\"") && !json.contains("\"b\"")
        );
        assert_eq!(serde_json::from_str::<Response>(&json).unwrap(), response);
    }

    /// LocalStorage holds about 5 MB per site. Chromium (the tablets' browser) counts
    /// characters of keys and values: measured in this project's browser tests it takes
    /// 5,242,879 of them. We assert the stricter byte figure and print both.
    #[test]
    fn three_thousand_complete_responses_fit_in_five_megabytes() {
        const CHROMIUM_QUOTA_CHARS: usize = 5_242_879;
        // `doorstep/v1/response/<uuid>` is the key each response is stored under.
        const KEY_CHARS: usize = 57;
        let response = complete_response(7);
        assert!(response.answers.len() >= 55, "{}", response.answers.len());
        let json = serde_json::to_string(&response).unwrap();
        let bytes = json.len();
        let chars = json.encode_utf16().count();
        println!(
            "complete response with {} answers: {bytes} bytes; 5,000,000 bytes hold {} \
             complete responses; Chromium's LocalStorage ({CHROMIUM_QUOTA_CHARS} characters) \
             holds {} with their keys",
            response.answers.len(),
            5_000_000 / bytes,
            CHROMIUM_QUOTA_CHARS / (chars + KEY_CHARS),
        );
        assert!(3000 * bytes <= 5_000_000, "{bytes} bytes per response");
    }

    #[test]
    fn answers_change_only_in_a_draft() {
        let mut response = small_response();
        let problem = response
            .set_answer("SAFE_DARK".into(), Answer::Choice(1), Timestamp(1))
            .unwrap_err();
        assert_eq!(
            problem,
            StatusError::NotDraft {
                status: ResponseStatus::Complete
            }
        );
    }

    #[test]
    fn a_response_moves_draft_complete_uploaded() {
        let mut response = small_response();
        response.reopen(Timestamp(1_714_556_500_000)).unwrap();
        assert_eq!(response.status, ResponseStatus::Draft);
        assert_eq!(response.completed, None);
        assert_eq!(
            response.mark_uploaded(Timestamp(0)),
            Err(StatusError::NotAllowed {
                from: ResponseStatus::Draft,
                to: ResponseStatus::Uploaded
            })
        );
        response
            .set_answer(
                "SAFE_DARK".into(),
                Answer::Choice(2),
                Timestamp(1_714_556_600_000),
            )
            .unwrap();
        assert_eq!(response.updated, Timestamp(1_714_556_600_000));
        response.complete(Timestamp(1_714_556_700_000)).unwrap();
        assert_eq!(response.completed, Some(Timestamp(1_714_556_700_000)));
        response
            .mark_in_batch(BatchId::from_random_bytes([9; 16]))
            .unwrap();
        assert_eq!(
            response.reopen(Timestamp(0)),
            Err(StatusError::AlreadyInABatch)
        );
        response
            .mark_uploaded(Timestamp(1_714_556_800_000))
            .unwrap();
        assert_eq!(response.status, ResponseStatus::Uploaded);
        assert!(response.complete(Timestamp(0)).is_err());
    }

    #[test]
    fn updated_never_goes_backwards() {
        let mut response = small_response();
        response.reopen(Timestamp(10)).unwrap();
        assert_eq!(response.updated, Timestamp(1_714_556_400_000));
    }

    #[test]
    fn an_outcome_record_has_no_door_note() {
        let visit = Visit {
            id: VisitId::from_random_bytes([1; 16]),
            time: Timestamp(1_714_555_000_000),
            area: "E05009367".into(),
            outcome: VisitOutcome::CallBack,
            attempt: 1,
            door_note: Some(DoorNote::new("blue door, dog")),
            follows: None,
            uploaded: None,
        };
        let device_json = serde_json::to_string(&visit).unwrap();
        assert!(device_json.contains("blue door, dog"));
        assert_eq!(serde_json::from_str::<Visit>(&device_json).unwrap(), visit);
        let exported = serde_json::to_string(&visit.outcome_record()).unwrap();
        assert!(!exported.contains("blue door") && !exported.contains("note"));
        assert!(!format!("{visit:?}").contains("blue door"));
    }

    #[test]
    fn random_ids_are_version_4_and_round_trip_as_text() {
        let id = ResponseId::from_random_bytes([0xAB; 16]);
        assert_eq!(id.uuid().get_version_num(), 4);
        let earlier = ResponseId::from_time_and_random(Timestamp(1_790_000_000_000), [0xff; 10]);
        let later = ResponseId::from_time_and_random(Timestamp(1_790_000_000_001), [0; 10]);
        assert_eq!(earlier.uuid().get_version_num(), 7);
        assert!(earlier < later, "made later, sorts later");
        assert_eq!(earlier.to_string().parse::<ResponseId>().unwrap(), earlier);
        assert_eq!(id.to_string().parse::<ResponseId>().unwrap(), id);
    }
}

//! The contract between the app and the collector, written once: where the app sends a
//! batch, how large it may be, what the collector answers when it has stored it (a
//! [`Receipt`]) and when it has not (an [`ErrorBody`] with a typed [`ErrorCode`]).
//!
//! Both sides use these types, so a field renamed on one side is a compile error on the
//! other rather than a receipt the tablet cannot read.
//!
//! ```
//! use survey::wire::{ErrorBody, ErrorCode};
//! let body: ErrorBody =
//!     serde_json::from_str(r#"{"error":"token","reason":"the upload token was revoked"}"#)?;
//! assert_eq!(body.error, ErrorCode::Token);
//! assert_eq!(body.error.status(), 401);
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::record::BatchId;

mod setup_link;
pub use setup_link::{
    SetupLink, SetupLinkError, SetupLinkPart, MAX_LINK_AGENCY, MAX_LINK_COLLECTOR, MAX_LINK_TOKEN,
    SETUP_PATH,
};

/// `GET`: whether the collector answers, and its version ([`Health`]).
pub const HEALTH_PATH: &str = "/api/v1/health";

/// `POST` a batch (JSON, `Authorization: Bearer <token>`): a [`Receipt`] or an
/// [`ErrorBody`].
pub const BATCHES_PATH: &str = "/api/v1/batches";

/// `GET`: the current version of the questionnaire, as the partnership published it
/// (`application/json`, the file's own text), with a weak `ETag` of its content hash;
/// `If-None-Match` with that tag is answered `304 Not Modified` with no body, so an
/// unchanged version costs one small request.
pub const CURRENT_QUESTIONNAIRE_PATH: &str = "/api/v1/questionnaires/current";

/// Every API path starts with this; anything else the collector serves is the app.
pub const API_PREFIX: &str = "/api/";

/// The largest request body the collector reads, in bytes.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The most responses the app puts in one batch: about 7 MB of JSON for the shared
/// questionnaire, well under [`BODY_LIMIT`].
pub const MAX_BATCH_RESPONSES: usize = 5_000;

// A full batch of the longest interview measured (1,607 bytes), with room to spare for
// the batch's own fields, fits the body limit: checked when the crate compiles.
const _: () = assert!(MAX_BATCH_RESPONSES * 1_607 * 2 < BODY_LIMIT);

/// What the collector answers (200) once it has stored a batch, durably: how many of its
/// responses and visit outcomes were new, how many it already had, and how many collided
/// with a stored response of the same id but other content or another agency (kept
/// apart for the coordinator, never merged, and never said whose).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The batch it is for. A receipt for another batch confirms nothing.
    pub batch: BatchId,
    /// Responses stored now.
    pub accepted: u32,
    /// Responses it already had (from an earlier upload or an imported file).
    pub already_present: u32,
    /// Visit outcomes stored now. The collector always sends it; receipts remembered by
    /// tablets that ran app version 0.1.0 lack it, hence the default.
    #[serde(default)]
    pub visits_accepted: u32,
    /// Visit outcomes it already had (defaults as [`Receipt::visits_accepted`]).
    #[serde(default)]
    pub visits_already_present: u32,
    /// Responses whose id was already stored with other content or for another agency:
    /// kept as conflicts for the coordinator, not stored over the first. Receipts from
    /// collectors before conflicts were counted lack it, hence the default.
    #[serde(default)]
    pub conflicts: u32,
}

/// Why the collector did not store a batch (or did not answer an API request), as a
/// stable machine-readable code. Each code has one HTTP status ([`ErrorCode::status`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a batch at all (400).
    Malformed,
    /// No upload token, or one that is not known or was revoked (401).
    Token,
    /// The token is another agency's than the batch's (403).
    Agency,
    /// No such API endpoint (404).
    NotFound,
    /// The body did not arrive in time (408): try again.
    TooSlow,
    /// The batch's id is already stored with other content (409): a batch id is never
    /// reused, so this is a faulty or tampered batch.
    Conflict,
    /// The body is larger than [`BODY_LIMIT`] (413).
    TooLarge,
    /// A batch, but its checks fail: checksum, questionnaire, answers, codes, times (422).
    InvalidBatch,
    /// Too many failed token tries from this address (429): wait as `Retry-After` says.
    Throttled,
    /// The collector failed; nothing was stored (500).
    Server,
    /// The collector is busy (too much intake in flight) or stopping (503): nothing was
    /// stored; try again as `Retry-After` says.
    Busy,
    /// A code this version of the app does not know (a newer collector): read by its
    /// HTTP status instead.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code a collector sends, for tests and documentation.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::Malformed,
        ErrorCode::Token,
        ErrorCode::Agency,
        ErrorCode::NotFound,
        ErrorCode::TooSlow,
        ErrorCode::Conflict,
        ErrorCode::TooLarge,
        ErrorCode::InvalidBatch,
        ErrorCode::Throttled,
        ErrorCode::Server,
        ErrorCode::Busy,
    ];

    /// The HTTP status the collector answers with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Malformed => 400,
            ErrorCode::Token => 401,
            ErrorCode::Agency => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::TooSlow => 408,
            ErrorCode::Conflict => 409,
            ErrorCode::TooLarge => 413,
            ErrorCode::InvalidBatch => 422,
            ErrorCode::Throttled => 429,
            ErrorCode::Server | ErrorCode::Unknown => 500,
            ErrorCode::Busy => 503,
        }
    }

    /// The code as it is written on the wire (`"invalid_batch"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::Token => "token",
            ErrorCode::Agency => "agency",
            ErrorCode::NotFound => "not_found",
            ErrorCode::TooSlow => "too_slow",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::InvalidBatch => "invalid_batch",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Server => "server",
            ErrorCode::Busy => "busy",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl ErrorCode {
    /// Whether the same request may succeed later with nobody changing anything (the
    /// tablet then tries again by itself): a slow or busy moment, a throttled address, a
    /// failure of the collector's own.
    pub fn passes(self) -> bool {
        matches!(
            self,
            ErrorCode::TooSlow | ErrorCode::Throttled | ErrorCode::Server | ErrorCode::Busy
        )
    }
}

/// The body of every API error: `{"error": <code>, "reason": <plain words>}`, and for a
/// batch that fails its checks, which response and question and the rule broken. Never
/// an answer's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What kind of failure.
    pub error: ErrorCode,
    /// What is wrong, in words a coordinator can act on.
    pub reason: String,
    /// The response that broke a rule, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<crate::record::ResponseId>,
    /// The question whose answer broke it, if it was an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<crate::questionnaire::QuestionCode>,
    /// The rule, as a stable word (`"unknown_area"`, `"not_asked"`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl ErrorBody {
    /// An error with only a code and a reason.
    pub fn new(error: ErrorCode, reason: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error,
            reason: reason.into(),
            response: None,
            question: None,
            rule: None,
        }
    }
}

/// The header a [`ErrorCode::Throttled`] or [`ErrorCode::Busy`] answer carries: seconds to
/// wait before trying again.
pub const RETRY_AFTER: &str = "Retry-After";

/// The body of `GET` [`HEALTH_PATH`]: `200` with `{"status":"ok",…,"database":"ok"}`
/// while the collector can take batches in, else `503` with `"status":"unavailable"` and
/// `database` saying why in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` while the collector answers and its database does, else `"unavailable"`.
    pub status: String,
    /// The collector's version.
    pub version: String,
    /// `"ok"` while the database answers, else why not. Empty from a collector older
    /// than this field.
    #[serde(default)]
    pub database: String,
}

impl Health {
    /// [`Health::status`] and [`Health::database`] when all is well.
    pub const OK: &'static str = "ok";
    /// [`Health::status`] when the database does not answer.
    pub const UNAVAILABLE: &'static str = "unavailable";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_from_an_older_collector_still_reads() {
        let health: Health = serde_json::from_str(r#"{"status":"ok","version":"0.1.0"}"#).unwrap();
        assert_eq!(health.database, "");
        let now = Health {
            status: Health::OK.into(),
            version: "0.2.0".into(),
            database: Health::OK.into(),
        };
        assert_eq!(
            serde_json::to_value(&now).unwrap(),
            serde_json::json!({"status": "ok", "version": "0.2.0", "database": "ok"})
        );
    }

    #[test]
    fn every_code_reads_back_as_itself_and_has_its_own_status() {
        let mut statuses = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
            assert!(statuses.insert(code.status()), "{code:?} shares a status");
        }
    }

    #[test]
    fn only_passing_troubles_are_worth_trying_again_unchanged() {
        let passing: Vec<ErrorCode> = ErrorCode::ALL.into_iter().filter(|c| c.passes()).collect();
        assert_eq!(
            passing,
            vec![
                ErrorCode::TooSlow,
                ErrorCode::Throttled,
                ErrorCode::Server,
                ErrorCode::Busy
            ]
        );
    }

    #[test]
    fn an_error_body_names_the_response_and_question_only_when_given() {
        let plain = ErrorBody::new(ErrorCode::Token, "revoked");
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"error":"token","reason":"revoked"}"#
        );
        let named = ErrorBody {
            response: Some(crate::record::ResponseId::from_random_bytes([1; 16])),
            question: Some("SAFE_DARK".into()),
            rule: Some("not_asked".into()),
            ..ErrorBody::new(ErrorCode::InvalidBatch, "an answer to a question not asked")
        };
        let back: ErrorBody =
            serde_json::from_str(&serde_json::to_string(&named).unwrap()).unwrap();
        assert_eq!(back, named);
    }

    #[test]
    fn a_code_from_a_newer_collector_is_unknown_not_an_error() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":"teapot","reason":"try again later"}"#).unwrap();
        assert_eq!(body.error, ErrorCode::Unknown);
        assert_eq!(body.reason, "try again later");
    }

    #[test]
    fn a_receipt_reads_the_collectors_answer() {
        let receipt: Receipt = serde_json::from_str(
            r#"{"batch":"abababab-abab-4bab-abab-abababababab","accepted":3,"already_present":1,
                "visits_accepted":2,"visits_already_present":0}"#,
        )
        .unwrap();
        assert_eq!(receipt.batch, BatchId::from_random_bytes([0xab; 16]));
        assert_eq!((receipt.accepted, receipt.already_present), (3, 1));
        assert_eq!(receipt.visits_accepted, 2);
        assert_eq!(
            receipt.conflicts, 0,
            "a collector before conflicts were counted"
        );
    }

    #[test]
    fn a_receipt_without_a_batch_id_is_not_a_receipt() {
        assert!(serde_json::from_str::<Receipt>(r#"{"accepted":3,"already_present":1}"#).is_err());
        assert!(serde_json::from_str::<Receipt>(
            r#"{"batch":"not-an-id","accepted":3,"already_present":1}"#
        )
        .is_err());
    }

    #[test]
    fn every_path_is_under_the_api_prefix() {
        for path in [BATCHES_PATH, HEALTH_PATH] {
            assert!(path.starts_with(API_PREFIX), "{path}");
        }
    }
}

//! The one error every API handler answers with.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use survey::wire::{ErrorBody, ErrorCode, RETRY_AFTER};

/// An API error: a code of the wire contract and a reason in plain words, answered with
/// the code's HTTP status and an [`ErrorBody`] (`{"error":"token","reason":"…"}`), and
/// for a passing trouble (`throttled`, `busy`) a `Retry-After` in whole seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of failure; it decides the HTTP status.
    pub code: ErrorCode,
    /// What is wrong, in words a coordinator can act on.
    pub reason: String,
    /// How long the client should wait before trying again, if it should.
    pub retry_after: Option<Duration>,
    /// For a batch that broke a rule: which response, question and rule.
    pub fault: Option<Fault>,
}

/// Where a refused batch broke a rule (never an answer's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The response, if the rule is about one.
    pub response: Option<survey::ResponseId>,
    /// The question, if the rule is about an answer.
    pub question: Option<survey::QuestionCode>,
    /// The rule, as a stable word.
    pub rule: &'static str,
}

impl ApiError {
    /// An error with `code` and `reason`.
    pub fn new(code: ErrorCode, reason: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason: reason.into(),
            retry_after: None,
            fault: None,
        }
    }

    /// The error for a batch the engine's checks refuse: `malformed` for what is not a
    /// batch, else `invalid_batch`, naming the response, question and rule.
    pub fn of_batch(error: &survey::BatchError) -> ApiError {
        let code = match error {
            survey::BatchError::NotABatch { .. } | survey::BatchError::Malformed { .. } => {
                ErrorCode::Malformed
            }
            _ => ErrorCode::InvalidBatch,
        };
        ApiError {
            fault: Some(Fault {
                response: error.response(),
                question: error.question().cloned(),
                rule: error.rule(),
            }),
            ..ApiError::new(code, error.to_string())
        }
    }

    /// The same error, answered with `Retry-After: <wait, rounded up to whole seconds, at
    /// least 1>`.
    pub fn retry_after(self, wait: Duration) -> ApiError {
        ApiError {
            retry_after: Some(wait),
            ..self
        }
    }
}

/// `wait` as `Retry-After` says it: whole seconds, rounded up, at least 1.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = ErrorBody::new(self.code, self.reason);
        if let Some(fault) = self.fault {
            body.response = fault.response;
            body.question = fault.question;
            body.rule = Some(fault.rule.to_owned());
        }
        let mut response = (status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_seconds(wait)));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_answered_with_its_status_and_body() {
        for code in ErrorCode::ALL {
            let response = ApiError::new(code, "why").into_response();
            assert_eq!(response.status().as_u16(), code.status());
            assert!(!response.headers().contains_key(RETRY_AFTER));
        }
    }

    #[test]
    fn a_passing_trouble_says_when_to_try_again_in_whole_seconds() {
        let response = ApiError::new(ErrorCode::Busy, "busy")
            .retry_after(Duration::from_millis(2_100))
            .into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[RETRY_AFTER], "3");
        assert_eq!(retry_after_seconds(Duration::ZERO), 1, "never 0: not now");
        assert_eq!(retry_after_seconds(Duration::from_secs(6)), 6);
    }
}

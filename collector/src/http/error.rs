//! The one error every API handler answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use survey::wire::{ErrorBody, ErrorCode};

/// An API error: a code of the wire contract and a reason in plain words, answered with
/// the code's HTTP status and an [`ErrorBody`] (`{"error":"token","reason":"…"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of failure; it decides the HTTP status.
    pub code: ErrorCode,
    /// What is wrong, in words a coordinator can act on.
    pub reason: String,
}

impl ApiError {
    /// An error with `code` and `reason`.
    pub fn new(code: ErrorCode, reason: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason: reason.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody::new(self.code, self.reason);
        (status, Json(body)).into_response()
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
        }
    }
}

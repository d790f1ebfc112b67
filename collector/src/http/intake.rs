//! `POST /api/v1/batches` ([`BATCHES_PATH`]): an agency's token, a batch, a receipt. The
//! HTTP side only: the bearer token, the body limit, CORS, and the answer. Taking the
//! batch in is [`Intake::take_in`], run on a blocking thread.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use survey::wire::{ErrorCode, Receipt, BATCHES_PATH, BODY_LIMIT};
use tower_http::cors::{Any, CorsLayer};

use super::error::ApiError;
use crate::store::intake::{IngestError, Intake, UploadError};

/// The route, with its body limit and CORS (a tablet may have been given the collector's
/// address while the app came from elsewhere).
pub fn routes<S: Clone + Send + Sync + 'static>(intake: Intake) -> Router<S> {
    Router::new()
        .route(BATCHES_PATH, post(upload))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::POST])
                .allow_headers([AUTHORIZATION, CONTENT_TYPE]),
        )
        .with_state(intake)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn upload(
    State(intake): State<Intake>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Receipt>, ApiError> {
    let token = bearer(&headers).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Token,
            "an upload token is required (Authorization: Bearer <token>)",
        )
    })?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::TooLarge,
                format!(
                    "the batch is larger than {} MB; send it in smaller batches",
                    BODY_LIMIT / 1024 / 1024
                ),
            )
        } else {
            ApiError::new(ErrorCode::Malformed, rejection.body_text())
        }
    })?;
    let token = token.to_owned();
    let result = tokio::task::spawn_blocking(move || intake.take_in(&token, &body))
        .await
        .map_err(|error| ApiError::new(ErrorCode::Server, error.to_string()))?;
    match result {
        Ok(receipt) => {
            tracing::info!(
                batch = %receipt.batch,
                accepted = receipt.accepted,
                already_present = receipt.already_present,
                visits_accepted = receipt.visits_accepted,
                "batch uploaded"
            );
            Ok(Json(receipt))
        }
        Err(error) => {
            let refused = refusal(error);
            tracing::warn!(
                status = refused.code.status(),
                error = refused.code.as_str(),
                reason = %refused.reason,
                "batch refused"
            );
            Err(refused)
        }
    }
}

/// The API error for an upload the intake did not store; its message is the reason.
fn refusal(error: UploadError) -> ApiError {
    let code = match &error {
        UploadError::UnknownToken => ErrorCode::Token,
        UploadError::Unverified(IngestError::Malformed(_)) => ErrorCode::Malformed,
        UploadError::Unverified(_) => ErrorCode::InvalidBatch,
        UploadError::OtherAgency { .. } => ErrorCode::Agency,
        UploadError::BatchIdReused { .. } => ErrorCode::Conflict,
        UploadError::Failed(_) => ErrorCode::Server,
    };
    ApiError::new(code, error.to_string())
}

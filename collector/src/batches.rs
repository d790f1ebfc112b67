//! `POST /api/v1/batches`: an agency's token, a batch, a receipt.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use rusqlite::Connection;
use serde::Serialize;
use survey::Questionnaire;
use tower_http::cors::{Any, CorsLayer};

use crate::db::{self, DbError};
use crate::ingest::{self, IngestError, Receipt, Source};
use crate::tokens;

/// The largest request body accepted: about 10,000 responses.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What the upload route needs: the database and the questionnaires batches may answer.
#[derive(Clone)]
pub struct Intake {
    connection: Arc<Mutex<Connection>>,
    questionnaires: Arc<Vec<Questionnaire>>,
}

impl Intake {
    /// Opens the database in `data_dir` with the shipped questionnaires.
    pub fn open(data_dir: &std::path::Path) -> Result<Intake, IntakeError> {
        let questionnaires = survey::shipped::shipped_questionnaires()
            .map_err(|error| IntakeError::Questionnaire(error.to_string()))?;
        Ok(Intake {
            connection: Arc::new(Mutex::new(db::open(data_dir)?)),
            questionnaires: Arc::new(questionnaires),
        })
    }
}

/// Why the intake could not start.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The database could not be opened.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The shipped questionnaire does not load (a broken build).
    #[error("the shipped questionnaire does not load: {0}")]
    Questionnaire(String),
    /// The data folder could not be created.
    #[error("cannot create the data folder {}: {source}", path.display())]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
}

/// An API error body: a stable code and a reason in plain words.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    /// Stable code: `malformed`, `token`, `agency`, `too_large`, `invalid_batch`, `server`.
    pub error: &'static str,
    /// What is wrong.
    pub reason: String,
}

type Failure = (StatusCode, Json<ErrorBody>);

fn failure(status: StatusCode, error: &'static str, reason: impl Into<String>) -> Failure {
    (
        status,
        Json(ErrorBody {
            error,
            reason: reason.into(),
        }),
    )
}

/// The route, with its body limit and CORS (a tablet may have been given the collector's
/// address while the app came from elsewhere).
pub fn routes<S: Clone + Send + Sync + 'static>(intake: Intake) -> Router<S> {
    Router::new()
        .route("/api/v1/batches", post(upload))
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
) -> Result<(StatusCode, Json<Receipt>), Failure> {
    let token = bearer(&headers).ok_or_else(|| {
        failure(
            StatusCode::UNAUTHORIZED,
            "token",
            "an upload token is required (Authorization: Bearer <token>)",
        )
    })?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            failure(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "the batch is larger than {} MB; send it in smaller batches",
                    BODY_LIMIT / 1024 / 1024
                ),
            )
        } else {
            failure(StatusCode::BAD_REQUEST, "malformed", rejection.body_text())
        }
    })?;
    let token = token.to_owned();
    let result = tokio::task::spawn_blocking(move || take_in(&intake, &token, &body))
        .await
        .map_err(|error| {
            failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server",
                error.to_string(),
            )
        })?;
    match result {
        Ok(receipt) => {
            tracing::info!(
                batch = %receipt.batch,
                accepted = receipt.accepted,
                already_present = receipt.already_present,
                visits_accepted = receipt.visits_accepted,
                "batch uploaded"
            );
            Ok((StatusCode::OK, Json(receipt)))
        }
        Err(failed) => {
            tracing::warn!(status = failed.0.as_u16(), error = failed.1.error, reason = %failed.1.reason, "batch refused");
            Err(failed)
        }
    }
}

/// Token, verification, storage: the blocking part of an upload.
fn take_in(intake: &Intake, token: &str, body: &[u8]) -> Result<Receipt, Failure> {
    let server = |error: &dyn std::fmt::Display| {
        failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server",
            format!("the collector could not store the batch: {error}"),
        )
    };
    let agency = {
        let connection = intake.connection.lock().map_err(|e| server(&e))?;
        tokens::agency_of(&connection, token).map_err(|e| server(&e))?
    };
    let agency = agency.ok_or_else(|| {
        failure(
            StatusCode::UNAUTHORIZED,
            "token",
            "the upload token is not known or was revoked",
        )
    })?;
    // Verification (the slow part) runs without holding the database.
    let batch = ingest::verify(body, &intake.questionnaires).map_err(|error| match error {
        IngestError::Malformed(reason) => failure(StatusCode::BAD_REQUEST, "malformed", reason),
        other => failure(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_batch",
            other.to_string(),
        ),
    })?;
    if batch.agency.as_str() != agency {
        let error = IngestError::AgencyMismatch {
            token: agency,
            batch: batch.agency.as_str().to_owned(),
        };
        return Err(failure(StatusCode::FORBIDDEN, "agency", error.to_string()));
    }
    let mut connection = intake.connection.lock().map_err(|e| server(&e))?;
    ingest::store(&mut connection, &batch, Source::Upload).map_err(|e| server(&e))
}

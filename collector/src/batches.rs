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
use survey::wire::{ErrorCode, Receipt, BATCHES_PATH, BODY_LIMIT};
use survey::Questionnaire;
use tower_http::cors::{Any, CorsLayer};

use crate::app::ApiError;
use crate::db::{self, DbError};
use crate::ingest::{self, IngestError, Source};
use crate::tokens;

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
    let result = tokio::task::spawn_blocking(move || take_in(&intake, &token, &body))
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
        Err(refused) => {
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

/// Token, verification, storage: the blocking part of an upload.
fn take_in(intake: &Intake, token: &str, body: &[u8]) -> Result<Receipt, ApiError> {
    let server = |error: &dyn std::fmt::Display| {
        ApiError::new(
            ErrorCode::Server,
            format!("the collector could not store the batch: {error}"),
        )
    };
    let agency = {
        let connection = intake.connection.lock().map_err(|e| server(&e))?;
        tokens::agency_of(&connection, token).map_err(|e| server(&e))?
    };
    let agency = agency.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Token,
            "the upload token is not known or was revoked",
        )
    })?;
    // Verification (the slow part) runs without holding the database.
    let batch = ingest::verify(body, &intake.questionnaires).map_err(|error| match error {
        IngestError::Malformed(reason) => ApiError::new(ErrorCode::Malformed, reason),
        other => ApiError::new(ErrorCode::InvalidBatch, other.to_string()),
    })?;
    if batch.agency.as_str() != agency {
        let error = IngestError::AgencyMismatch {
            token: agency,
            batch: batch.agency.as_str().to_owned(),
        };
        return Err(ApiError::new(ErrorCode::Agency, error.to_string()));
    }
    let mut connection = intake.connection.lock().map_err(|e| server(&e))?;
    ingest::store(&mut connection, &batch, Source::Upload).map_err(|e| server(&e))
}

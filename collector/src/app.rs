//! The HTTP surface: the JSON API under `/api/` and the built app for everything else.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use survey::wire::{ErrorBody, ErrorCode, Health, HEALTH_PATH};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::batches::{self, Intake};
use crate::dist::{serve_static, Dist};

/// The collector's version, as reported by [`HEALTH_PATH`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every API error: a code of the wire contract and a reason in plain words, answered as
/// the code's HTTP status with an [`ErrorBody`].
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
        let body = ErrorBody {
            error: self.code,
            reason: self.reason,
        };
        (status, Json(body)).into_response()
    }
}

/// The whole application without batch intake (serving only): API routes, the built
/// app from `dist`, gzip/brotli compression, and one log line per request.
pub fn router(dist: Dist) -> Router {
    build(dist, None)
}

/// The whole application with `POST` [`survey::wire::BATCHES_PATH`] taking batches into `intake`.
pub fn router_with_intake(dist: Dist, intake: Intake) -> Router {
    build(dist, Some(intake))
}

fn build(dist: Dist, intake: Option<Intake>) -> Router {
    let mut api = Router::new().route(HEALTH_PATH, get(health));
    if let Some(intake) = intake {
        api = api.merge(batches::routes(intake));
    }
    api.route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        // `get` also answers HEAD, and 405 (with `Allow`) to every other method.
        .fallback(get(serve_static))
        .with_state(dist)
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: VERSION.to_owned(),
    })
}

async fn api_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such API endpoint")
}

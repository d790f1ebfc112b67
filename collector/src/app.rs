//! The HTTP surface: the JSON API under `/api/` and the built app for everything else.

use axum::http::StatusCode;
use axum::routing::{any, get};
use axum::{Json, Router};
use serde::Serialize;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::batches::{self, Intake};
use crate::dist::{serve_static, Dist};

/// The collector's version, as reported by `/api/v1/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Body of `GET /api/v1/health`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Health {
    /// Always `"ok"` while the server answers.
    pub status: &'static str,
    /// The collector's crate version.
    pub version: &'static str,
}

/// Body of every API error: a stable machine-readable code and a reason for people.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApiError {
    /// Stable code, e.g. `not_found`.
    pub error: &'static str,
    /// Plain-words explanation.
    pub reason: &'static str,
}

/// The whole application without batch intake (serving only): API routes, the built
/// app from `dist`, gzip/brotli compression, and one log line per request.
pub fn router(dist: Dist) -> Router {
    build(dist, None)
}

/// The whole application with `POST /api/v1/batches` taking batches into `intake`.
pub fn router_with_intake(dist: Dist, intake: Intake) -> Router {
    build(dist, Some(intake))
}

fn build(dist: Dist, intake: Option<Intake>) -> Router {
    let mut api = Router::new().route("/api/v1/health", get(health));
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
        status: "ok",
        version: VERSION,
    })
}

async fn api_not_found() -> (StatusCode, Json<ApiError>) {
    (
        StatusCode::NOT_FOUND,
        Json(ApiError {
            error: "not_found",
            reason: "no such API endpoint",
        }),
    )
}

//! The HTTP surface: the JSON API under [`API_PREFIX`] and the built app for everything
//! else.
//!
//! - [`intake`]: `POST` batches, the one route that writes.
//! - [`static_files`]: the trunk build in `dist/`.
//! - [`error`]: [`ApiError`], the answer of every API failure.
//! - [`settings`]: what a coordinator may set (CORS origins, timeouts, the budget).
//! - [`throttle`], [`budget`], [`workers`]: what guards the intake (failed token tries
//!   per address, bytes of intake in flight, the threads that verify).
//! - [`server`]: binding, the listening line, serving until shutdown.

pub mod budget;
pub mod error;
pub mod intake;
pub mod server;
pub mod settings;
pub mod static_files;
pub mod throttle;
pub mod workers;

use axum::routing::{any, get};
use axum::{Json, Router};
use survey::wire::{ErrorCode, Health, API_PREFIX, HEALTH_PATH};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use self::error::ApiError;
use self::static_files::{serve_static, Dist};
use crate::store::intake::Intake;

/// The collector's version, as reported by [`HEALTH_PATH`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The whole application without batch intake (serving only): API routes, the built
/// app from `dist`, gzip/brotli compression, and one log line per request.
pub fn router(dist: Dist) -> Router {
    build(dist, None)
}

/// The whole application with `POST` [`survey::wire::BATCHES_PATH`] taking batches into
/// `intake`.
pub fn router_with_intake(dist: Dist, intake: Intake) -> Router {
    build(dist, Some(intake))
}

fn build(dist: Dist, intake: Option<Intake>) -> Router {
    let mut api = Router::new().route(HEALTH_PATH, get(health));
    if let Some(intake) = intake {
        api = api.merge(intake::routes(intake));
    }
    // Any other path under the prefix, and the prefix itself with or without its slash.
    api.route(API_PREFIX.trim_end_matches('/'), any(api_not_found))
        .route(API_PREFIX, any(api_not_found))
        .route(&format!("{API_PREFIX}{{*rest}}"), any(api_not_found))
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

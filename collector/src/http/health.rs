//! `GET /api/v1/health` ([`HEALTH_PATH`](survey::wire::HEALTH_PATH)): whether the
//! collector can take batches in. `200 {"status":"ok","version":…,"database":"ok"}` when
//! its database answers (a fresh read of the file, [`Probe::check`]); `503` with
//! `"status":"unavailable"` and the reason in `database` when it does not, when the check
//! takes longer than [`TIMEOUT`], or when the collector serves the app only (no database
//! is open). Pages of the origins a coordinator names with `--cors-origin` may ask it
//! too, as they may upload: the app asks it to say whether the collector can be reached.

use std::time::Duration;

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use survey::wire::{Health, HEALTH_PATH};

use super::settings::Settings;
use super::VERSION;
use crate::store::health::Probe;

/// How long the database may take to answer the health check.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// What `database` says when the collector was started without batch intake.
pub const NO_DATABASE: &str =
    "no database is open: this collector serves the app only and takes no batches";

/// The health route, checking `probe` (none: serving the app only), with CORS for the
/// origins in `settings` (none by default: the app is served by the collector itself).
pub fn routes<S: Clone + Send + Sync + 'static>(
    probe: Option<Probe>,
    settings: &Settings,
) -> Router<S> {
    let router = settings.with_cors(Router::new().route(HEALTH_PATH, get(health)), |cors| {
        cors.allow_methods([Method::GET])
    });
    router.with_state(probe)
}

async fn health(State(probe): State<Option<Probe>>) -> Response {
    let database = match probe {
        None => Err(NO_DATABASE.to_owned()),
        Some(probe) => check(probe).await,
    };
    let (status, code, database) = match database {
        Ok(()) => (Health::OK, StatusCode::OK, Health::OK.to_owned()),
        Err(why) => {
            tracing::warn!(database = %why, "health check: the database does not answer");
            (Health::UNAVAILABLE, StatusCode::SERVICE_UNAVAILABLE, why)
        }
    };
    let body = Health {
        status: status.to_owned(),
        version: VERSION.to_owned(),
        database,
    };
    (code, Json(body)).into_response()
}

/// Runs the probe off the async threads, within [`TIMEOUT`].
async fn check(probe: Probe) -> Result<(), String> {
    let checked = tokio::task::spawn_blocking(move || probe.check());
    match tokio::time::timeout(TIMEOUT, checked).await {
        Err(_) => Err(format!(
            "the database did not answer within {} s",
            TIMEOUT.as_secs()
        )),
        Ok(Err(error)) => Err(format!("the health check failed: {error}")),
        Ok(Ok(checked)) => checked.map_err(|why| why.to_string()),
    }
}

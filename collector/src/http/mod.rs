//! The HTTP surface: the JSON API under [`API_PREFIX`] and the built app for everything
//! else.
//!
//! - [`intake`]: `POST` batches, the one route that writes, guarded by [`throttle`]
//!   (failed token tries per address) and [`budget`] (bytes of intake in flight), its
//!   batches verified and stored on [`workers`] (one thread per 16 MB of budget), every
//!   attempt recorded ([`attempts`]).
//! - [`health`]: whether the collector can take batches in (its database answers).
//! - [`questionnaire`]: the current version of the questionnaire, for tablets to take.
//! - [`draining`]: stopping without losing a batch (uploads in flight finish, new ones
//!   are refused while the server drains).
//! - [`metrics`]: `/metrics` on its own listener, when asked for.
//! - [`console`]: the partnership console's pages under `/console`.
//! - [`static_files`]: the trunk build in `dist/`.
//! - [`charts`]: the console's results charts, SVG drawn on the server with a table of
//!   the same figures.
//! - [`error`]: [`ApiError`], the answer of every API failure.
//! - [`settings`]: what a coordinator may set (CORS origins, timeouts, the budget).
//! - [`client`]: who sent a request ([`client::Client`]: address and scheme, from a
//!   trusted reverse proxy's headers when `--behind-proxy` names it).
//! - [`server`]: binding, the listening line, serving until shutdown; [`connection`]:
//!   the one loop of every listener (TLS handshake if any, HTTP/1.1 or HTTP/2, timeouts
//!   for handshakes and request heads); [`tls`]: the certificate, reloaded when renewed;
//!   [`redirect`]: `--redirect-http`, plain HTTP sent to HTTPS.

pub mod attempts;
pub mod budget;
pub mod charts;
pub mod client;
pub mod connection;
pub mod console;
pub mod draining;
pub mod error;
pub mod health;
pub mod intake;
pub mod metrics;
pub mod questionnaire;
pub mod redirect;
pub mod server;
pub mod settings;
pub mod static_files;
pub mod throttle;
pub mod tls;
pub mod workers;

use std::sync::Arc;

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use survey::wire::{ErrorCode, API_PREFIX};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use self::draining::Draining;
use self::error::ApiError;
use self::metrics::Metrics;
use self::settings::Settings;
use self::static_files::{serve_static, Dist};
use crate::store::intake::Intake;

/// The collector's version, as reported by [`survey::wire::HEALTH_PATH`].
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The whole application without batch intake (serving only): API routes, the built
/// app from `dist`, gzip/brotli compression, and one log line per request.
pub fn router(dist: Dist) -> Router {
    app(dist, None, &Settings::default())
}

/// The whole application with `POST` [`survey::wire::BATCHES_PATH`] taking batches into
/// `intake`, with the default [`Settings`].
pub fn router_with_intake(dist: Dist, intake: Intake) -> Router {
    app(dist, Some(intake), &Settings::default())
}

/// What the running server shares with the routes besides the intake.
#[derive(Clone, Debug, Default)]
pub struct Ops {
    /// Whether the server is stopping; the upload route refuses while it is.
    pub draining: Draining,
    /// The metrics to record, when `--metrics` asked for them.
    pub metrics: Option<Metrics>,
}

/// The whole application, taking batches into `intake` if given, with `settings`, never
/// draining and without metrics (see [`app_with`]). Every request gets its
/// [`client::Client`] from the peer's address ([`axum::extract::ConnectInfo`], which
/// [`connection::serve`] gives each request) and [`Settings::trusted_proxies`].
pub fn app(dist: Dist, intake: Option<Intake>, settings: &Settings) -> Router {
    app_with(dist, intake, settings, &Ops::default())
}

/// The whole application, taking batches into `intake` if given, with `settings`; uploads
/// are refused while `ops` says the server drains, and recorded in its metrics if any.
/// Every request is answered within [`Settings::request_timeout`], and gets its
/// [`client::Client`] (see [`app`]).
pub fn app_with(dist: Dist, intake: Option<Intake>, settings: &Settings, ops: &Ops) -> Router {
    let mut api = Router::new().merge(health::routes(
        intake.as_ref().map(|intake| intake.probe().clone()),
        settings,
    ));
    if let Some(intake) = intake {
        let console = console::Console::new(intake.clone(), settings);
        console.warm_up();
        api = api
            .merge(console::routes(console))
            .merge(questionnaire::routes(intake.clone(), settings))
            .merge(intake::routes(intake, settings, ops));
    }
    // Any other path under the prefix, and the prefix itself with or without its slash.
    let app = api
        .route(API_PREFIX.trim_end_matches('/'), any(api_not_found))
        .route(API_PREFIX, any(api_not_found))
        .route(&format!("{API_PREFIX}{{*rest}}"), any(api_not_found))
        // `get` also answers HEAD, and 405 (with `Allow`) to every other method.
        .fallback(get(serve_static))
        .with_state(dist)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(client::TrustedProxies::new(
                settings.trusted_proxies.clone(),
            )),
            client::identify,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            (settings.request_timeout, settings.busy_wait),
            answer_within,
        ));
    let app = match &ops.metrics {
        Some(metrics) => app.layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            metrics::observe,
        )),
        None => app,
    };
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
}

/// Answers `503 busy` (with `Retry-After: retry`) to a request not answered within
/// `limit`. The timeouts of an upload's own steps come first; this is the last guard.
async fn answer_within(
    State((limit, retry)): State<(Duration, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let refused = ApiError::new(
                ErrorCode::Busy,
                format!(
                    "the collector did not answer within {} s; try again (a batch sent again is never stored twice)",
                    limit.as_secs()
                ),
            )
            .retry_after(retry);
            tracing::warn!(
                status = refused.code.status(),
                error = refused.code.as_str(),
                reason = %refused.reason,
                %path,
                "request timed out"
            );
            refused.into_response()
        }
    }
}

async fn api_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such API endpoint")
}

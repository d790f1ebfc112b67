//! `/metrics` in the Prometheus text format (version 0.0.4), off unless `collector serve
//! --metrics ADDR` is given, and then on its own listener, which answers `GET /metrics`
//! and nothing else (so the metrics never face the port the tablets use).
//!
//! What is counted, all under the prefix `doorstep_`:
//!
//! | metric | kind | labels | what |
//! |---|---|---|---|
//! | `batches_received_total` | counter | `agency` | batches stored (a receipt was sent) |
//! | `batches_refused_total` | counter | `reason` | uploads refused, by wire error code |
//! | `responses_stored_total` | counter | `agency` | responses new to the database |
//! | `responses_already_present_total` | counter | | responses that arrived again |
//! | `conflicts_total` | counter | `agency` | responses kept apart as conflicts |
//! | `request_duration_seconds` | histogram | `route`, `status` | time to answer, by `upload` / `api` / `app` and `2xx`…`5xx` |
//! | `database_bytes` | gauge | | the database file and its write-ahead log, read at scrape time |
//! | `uploads_in_flight` | gauge | | uploads being read, verified or stored now |
//!
//! Labels are only ever an agency code (as the questionnaire names it), a wire error
//! code, a route class and a status class: never a token, a worker, a response, an
//! address or an answer. What is recorded is recorded in two places: the upload route
//! ([`Metrics::received`], [`Metrics::refused`]) and one layer around the whole app
//! ([`observe`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use survey::wire::{ErrorCode, Receipt, API_PREFIX, BATCHES_PATH};
use tokio::net::TcpListener;
use tokio::time::Instant;

use super::draining::Draining;
use crate::store::health::Probe;

/// The path the metrics listener answers.
pub const PATH: &str = "/metrics";

/// What the stdout line announcing the metrics listener starts with; the URL follows.
pub const LISTENING_PREFIX: &str = "Doorstep collector metrics on ";

/// The line printed to stdout (after the listening line) once the metrics listener is
/// bound, e.g. `Doorstep collector metrics on http://127.0.0.1:9464/metrics`.
pub fn listening_line(addr: std::net::SocketAddr) -> String {
    format!("{LISTENING_PREFIX}http://{addr}{PATH}")
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AgencyLabel {
    agency: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
    status: &'static str,
}

/// The collector's metrics; cloning shares them.
#[derive(Clone, Debug)]
pub struct Metrics {
    registry: Arc<Registry>,
    received: Family<AgencyLabel, Counter>,
    refused: Family<ReasonLabel, Counter>,
    stored: Family<AgencyLabel, Counter>,
    already_present: Counter,
    conflicts: Family<AgencyLabel, Counter>,
    latency: Family<RouteLabels, Histogram>,
    database_bytes: Gauge,
    in_flight: Gauge,
    probe: Option<Probe>,
    draining: Draining,
}

/// 5 ms to 82 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 15))
}

impl Metrics {
    /// Fresh metrics; at each scrape the database size is read through `probe` (none:
    /// serving the app only) and the uploads in flight from `draining`.
    pub fn new(probe: Option<Probe>, draining: Draining) -> Metrics {
        let mut registry = Registry::with_prefix("doorstep");
        let metrics = Metrics {
            registry: Arc::new(Registry::default()),
            received: Family::default(),
            refused: Family::default(),
            stored: Family::default(),
            already_present: Counter::default(),
            conflicts: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            database_bytes: Gauge::default(),
            in_flight: Gauge::default(),
            probe,
            draining,
        };
        let m = &metrics;
        registry.register(
            "batches_received",
            "Batches stored, by agency",
            m.received.clone(),
        );
        registry.register(
            "batches_refused",
            "Uploads refused, by reason (the wire error code)",
            m.refused.clone(),
        );
        registry.register(
            "responses_stored",
            "Responses new to the database, by agency",
            m.stored.clone(),
        );
        registry.register(
            "responses_already_present",
            "Responses that arrived again and were already stored",
            m.already_present.clone(),
        );
        registry.register(
            "conflicts",
            "Responses kept apart as conflicts (an id again with other content or from another agency), by agency",
            m.conflicts.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by route (upload, api, app) and status class",
            m.latency.clone(),
        );
        registry.register(
            "database_bytes",
            "Bytes of the database file and its write-ahead log",
            m.database_bytes.clone(),
        );
        registry.register(
            "uploads_in_flight",
            "Uploads being read, verified or stored now",
            m.in_flight.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            ..metrics
        }
    }

    /// A batch from `agency` was stored and `receipt` sent.
    pub fn received(&self, agency: &str, receipt: &Receipt) {
        let agency = AgencyLabel {
            agency: agency.to_owned(),
        };
        self.received.get_or_create(&agency).inc();
        self.stored
            .get_or_create(&agency)
            .inc_by(u64::from(receipt.accepted));
        self.already_present
            .inc_by(u64::from(receipt.already_present));
        self.conflicts
            .get_or_create(&agency)
            .inc_by(u64::from(receipt.conflicts));
    }

    /// An upload was refused with `code`.
    pub fn refused(&self, code: ErrorCode) {
        self.refused
            .get_or_create(&ReasonLabel {
                reason: code.as_str(),
            })
            .inc();
    }

    /// A request to `path` was answered with `status` after `elapsed`.
    pub fn answered(&self, path: &str, status: StatusCode, elapsed: Duration) {
        let labels = RouteLabels {
            route: route_class(path),
            status: status_class(status),
        };
        self.latency
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Everything, in the Prometheus text format, the gauges read now.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let bytes = self.probe.as_ref().map_or(0, Probe::bytes);
        self.database_bytes
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
        self.in_flight
            .set(i64::try_from(self.draining.in_flight()).unwrap_or(i64::MAX));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

fn route_class(path: &str) -> &'static str {
    if path == BATCHES_PATH {
        "upload"
    } else if path.starts_with(API_PREFIX.trim_end_matches('/')) {
        "api"
    } else {
        "app"
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// The layer around the whole app: each request's time to answer, by route and status
/// class.
pub async fn observe(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.answered(&path, response.status(), started.elapsed());
    response
}

/// The metrics listener's app: `GET /metrics`, and `404` for anything else.
pub fn router(metrics: Metrics) -> Router {
    Router::new()
        .route(PATH, get(scrape))
        .fallback(|| async { (StatusCode::NOT_FOUND, "only /metrics is served here\n") })
        .with_state(metrics)
}

async fn scrape(State(metrics): State<Metrics>) -> Response {
    match metrics.render() {
        Ok(text) => (
            [(
                CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )],
            text,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot encode the metrics\n",
        )
            .into_response(),
    }
}

/// Serves `metrics` on `listener` until `shutdown`, printing its
/// [`listening_line`] first (after the collector's own).
pub async fn serve(
    listener: TcpListener,
    metrics: Metrics,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    match listener.local_addr() {
        Ok(addr) => {
            tracing::info!(%addr, "serving metrics");
            super::server::announce_line(&listening_line(addr));
        }
        Err(error) => tracing::warn!(%error, "cannot read the metrics listener's address"),
    }
    super::connection::serve(listener, None, router(metrics), header_timeout, shutdown).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_statuses_fall_in_their_classes() {
        assert_eq!(route_class("/api/v1/batches"), "upload");
        assert_eq!(route_class("/api/v1/health"), "api");
        assert_eq!(route_class("/api"), "api");
        assert_eq!(route_class("/interview/abc"), "app");
        assert_eq!(status_class(StatusCode::OK), "2xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
        assert_eq!(status_class(StatusCode::NOT_MODIFIED), "3xx");
    }

    #[test]
    fn counts_are_rendered_with_their_labels() {
        let metrics = Metrics::new(None, Draining::new());
        let receipt: Receipt = serde_json::from_value(serde_json::json!({
            "batch": "0190f5a0-0000-7000-8000-000000000001",
            "accepted": 3, "already_present": 2, "conflicts": 1,
            "visits_accepted": 0, "visits_already_present": 0
        }))
        .unwrap();
        metrics.received("hackney-cvs", &receipt);
        metrics.refused(ErrorCode::Token);
        metrics.answered("/api/v1/batches", StatusCode::OK, Duration::from_millis(7));
        let text = metrics.render().unwrap();
        for line in [
            "doorstep_batches_received_total{agency=\"hackney-cvs\"} 1",
            "doorstep_responses_stored_total{agency=\"hackney-cvs\"} 3",
            "doorstep_responses_already_present_total 2",
            "doorstep_conflicts_total{agency=\"hackney-cvs\"} 1",
            "doorstep_batches_refused_total{reason=\"token\"} 1",
            "doorstep_request_duration_seconds_count{route=\"upload\",status=\"2xx\"} 1",
            "doorstep_database_bytes 0",
            "doorstep_uploads_in_flight 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
        }
    }
}

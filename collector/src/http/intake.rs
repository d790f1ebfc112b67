//! `POST /api/v1/batches` ([`BATCHES_PATH`]): an agency's token, a batch, a receipt. The
//! HTTP side only, in the order an upload meets it:
//!
//! 0. whether the collector is shutting down ([`Draining`]): `503 busy`, with
//!    `Retry-After`, before anything is read;
//! 1. the address's failed token tries ([`Throttle`]), the address being the
//!    [`Client`]'s (behind a trusted proxy, the one it forwards): `429 throttled`, before
//!    the token is compared;
//! 2. the bearer token, looked up ([`Intake::uploader`]) before a byte of the body is
//!    read: `401 token`;
//! 3. the declared size: `413 too_large`;
//! 4. room in the intake's byte budget ([`Budget`]): `503 busy` after a short wait;
//! 5. the body, read within [`Settings::body_timeout`]: `408 too_slow`;
//! 6. verifying and storing it ([`Intake::take_in_from`], on one of the intake's own
//!    threads, [`Workers`]).
//!
//! Every refusal is an [`ApiError`] with its wire code, and one log line (code, reason,
//! address; never the token or an answer). Every upload's outcome is counted here, in
//! the [`Metrics`] if kept (agency and code only), and recorded in the attempts log
//! ([`AttemptLog`]; a batch stored, by the store). CORS only for the origins configured.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use http_body_util::BodyExt;
use survey::wire::{ErrorCode, Receipt, BATCHES_PATH, BODY_LIMIT};
use tokio::time::Instant;

use super::attempts::{record_here, AttemptLog};
use super::budget::Budget;
use super::client::Client;
use super::draining::{self, Draining};
use super::error::ApiError;
use super::metrics::Metrics;
use super::settings::Settings;
use super::throttle::{Address, Throttle};
use super::workers::Workers;
use super::Ops;
use crate::store::accounts;
use crate::store::attempts::{Attempt, Outcome, Said};
use crate::store::intake::{IngestError, Intake, SourceKind, UploadError, Uploader};

/// What the upload route holds: the intake, and what guards it.
#[derive(Clone)]
struct Route {
    intake: Intake,
    throttle: Arc<Throttle>,
    budget: Budget,
    workers: Workers,
    busy_wait: Duration,
    body_timeout: Duration,
    draining: Draining,
    metrics: Option<Metrics>,
    attempts: AttemptLog,
}

/// A batch stored: its receipt, and the agency it was stored for.
struct Taken {
    receipt: Receipt,
    agency: String,
}

/// An upload refused: the answer, whose it was once its token was known, and whether it
/// is in the attempts log already.
struct Refused {
    error: ApiError,
    agency: Option<String>,
    recorded: bool,
}

impl Refused {
    /// Refused before the token was known.
    fn anonymous(error: ApiError) -> Refused {
        Refused {
            error,
            agency: None,
            recorded: false,
        }
    }

    /// Refused with the token of `agency`.
    fn of(agency: &str, error: ApiError) -> Refused {
        Refused {
            error,
            agency: Some(agency.to_owned()),
            recorded: false,
        }
    }
}

/// The route, and CORS for the origins in `settings` (none by default: the app is served
/// by the collector itself, so its uploads are same-origin); it refuses while `ops` says
/// the server drains, and counts into its metrics.
pub fn routes<S: Clone + Send + Sync + 'static>(
    intake: Intake,
    settings: &Settings,
    ops: &Ops,
) -> Router<S> {
    let workers = Workers::new(settings.intake_threads());
    let route = Route {
        attempts: AttemptLog::new(intake.clone(), workers.clone()),
        intake,
        throttle: Arc::new(Throttle::new(
            settings.failed_tries_burst,
            settings.failed_try_interval,
        )),
        budget: Budget::new(settings.intake_budget, settings.busy_wait),
        workers,
        busy_wait: settings.busy_wait,
        body_timeout: settings.body_timeout,
        draining: ops.draining.clone(),
        metrics: ops.metrics.clone(),
    };
    let router = settings.with_cors(Router::new().route(BATCHES_PATH, post(upload)), |cors| {
        cors.allow_methods([Method::POST])
            .allow_headers([AUTHORIZATION, CONTENT_TYPE])
            // The app waits as long as a throttled or busy answer says.
            .expose_headers([RETRY_AFTER])
    });
    router.with_state(route)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn upload(State(route): State<Route>, client: Client, request: Request) -> Response {
    match take_in(&route, client, request).await {
        Ok(Taken { receipt, agency }) => {
            if let Some(metrics) = &route.metrics {
                metrics.received(&agency, &receipt);
            }
            tracing::info!(
                batch = %receipt.batch,
                accepted = receipt.accepted,
                already_present = receipt.already_present,
                conflicts = receipt.conflicts,
                visits_accepted = receipt.visits_accepted,
                "batch uploaded"
            );
            Json(receipt).into_response()
        }
        Err(Refused {
            error: refused,
            agency,
            recorded,
        }) => {
            if let Some(metrics) = &route.metrics {
                metrics.refused(refused.code);
            }
            if !recorded {
                route.attempts.refused(agency, &refused);
            }
            let fault = refused.fault.as_ref();
            tracing::warn!(
                status = refused.code.status(),
                error = refused.code.as_str(),
                rule = fault.map(|f| f.rule),
                response = fault.and_then(|f| f.response).map(|id| id.to_string()),
                question = fault.and_then(|f| f.question.as_ref()).map(|q| q.0.clone()),
                reason = %refused.reason,
                client = %client.addr,
                "batch refused"
            );
            refused.into_response()
        }
    }
}

async fn take_in(route: &Route, client: Client, request: Request) -> Result<Taken, Refused> {
    // Counted in flight until its batch is stored or refused (the count travels onto the
    // intake thread), so a drain waits for it.
    let in_flight = route.draining.enter().ok_or_else(|| {
        Refused::anonymous(
            ApiError::new(ErrorCode::Busy, draining::REASON).retry_after(draining::RETRY_AFTER),
        )
    })?;
    let (parts, body) = request.into_parts();
    let address = Address::of(client.addr);
    route.throttle.admit(address).map_err(|wait| {
        Refused::anonymous(
            ApiError::new(
                ErrorCode::Throttled,
                "too many failed token tries from this address; wait, then check the upload token",
            )
            .retry_after(wait),
        )
    })?;
    let token = bearer(&parts.headers);
    let uploader = match token {
        Some(token) => uploader(&route.intake, token)
            .await
            .map_err(Refused::anonymous)?,
        None => None,
    };
    let Some(uploader) = uploader else {
        route.throttle.failed(address);
        return Err(Refused::anonymous(match token {
            Some(_) => refusal(UploadError::UnknownToken),
            None => ApiError::new(
                ErrorCode::Token,
                "an upload token is required (Authorization: Bearer <token>)",
            ),
        }));
    };
    let agency = uploader.agency().to_owned();
    let refused = |error: ApiError| Refused::of(&agency, error);
    let declared = declared_length(&parts.headers).map_err(refused)?;
    let reserved = route
        .budget
        .reserve(declared.unwrap_or(BODY_LIMIT))
        .await
        .map_err(|_| {
            refused(ApiError::new(
                ErrorCode::Busy,
                "the collector is taking in as much as it can at once; nothing was stored, try again soon",
            )
            .retry_after(route.busy_wait))
        })?;
    let deadline = Instant::now() + route.body_timeout;
    let bytes = read_body(body, declared, deadline, route.body_timeout)
        .await
        .map_err(refused)?;
    let intake = route.intake.clone();
    let result = route
        .workers
        .run(move || {
            // The room is given back, and the upload counted out, when the batch is stored
            // (the store records the attempt) or refused and its attempt recorded, even if
            // the answer can no longer be sent.
            let _reserved = reserved;
            let _in_flight = in_flight;
            intake.take_in_from(&uploader, &bytes).map_err(|error| {
                let error = refusal(error);
                let attempt = Attempt::new(
                    SourceKind::Upload,
                    Some(uploader.agency().to_owned()),
                    &Said::read(&bytes),
                    Outcome::Refused(error.code),
                    &error.reason,
                    accounts::now(),
                );
                record_here(&intake, &attempt);
                error
            })
        })
        .await
        .map_err(|error| refused(ApiError::new(ErrorCode::Server, error.to_string())))?;
    match result {
        Ok(receipt) => Ok(Taken { receipt, agency }),
        Err(error) => Err(Refused {
            recorded: true,
            ..refused(error)
        }),
    }
}

async fn uploader(intake: &Intake, token: &str) -> Result<Option<Uploader>, ApiError> {
    let intake = intake.clone();
    let token = token.to_owned();
    tokio::task::spawn_blocking(move || intake.uploader(&token))
        .await
        .map_err(|error| ApiError::new(ErrorCode::Server, error.to_string()))?
        .map_err(refusal)
}

fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::TooLarge,
        format!(
            "the batch is larger than {} MB; send it in smaller batches",
            BODY_LIMIT / 1024 / 1024
        ),
    )
}

/// The body's `Content-Length`, if it says one; over [`BODY_LIMIT`] is refused before
/// anything is read.
fn declared_length(headers: &HeaderMap) -> Result<Option<usize>, ApiError> {
    let Some(value) = headers.get(CONTENT_LENGTH) else {
        return Ok(None);
    };
    let length = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .ok_or_else(|| ApiError::new(ErrorCode::Malformed, "the Content-Length is not a number"))?;
    match usize::try_from(length) {
        Ok(length) if length <= BODY_LIMIT => Ok(Some(length)),
        _ => Err(too_large()),
    }
}

/// Reads the whole body by `deadline`, at most [`BODY_LIMIT`] bytes.
async fn read_body(
    mut body: Body,
    declared: Option<usize>,
    deadline: Instant,
    timeout: Duration,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(ApiError::new(
                    ErrorCode::TooSlow,
                    format!(
                        "the batch did not arrive within {} s; nothing was stored, try again with a better connection",
                        timeout.as_secs()
                    ),
                ))
            }
            Ok(None) => return Ok(bytes),
            Ok(Some(Err(error))) => {
                return Err(ApiError::new(
                    ErrorCode::Malformed,
                    format!("the batch was cut off before its end: {error}"),
                ))
            }
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > BODY_LIMIT {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
}

/// The API error for an upload the intake did not store; its message is the reason.
fn refusal(error: UploadError) -> ApiError {
    if let UploadError::Unverified(IngestError::Unverified(batch)) = &error {
        return ApiError::of_batch(batch);
    }
    let code = match &error {
        UploadError::UnknownToken => ErrorCode::Token,
        UploadError::Unverified(_) => ErrorCode::Server,
        UploadError::OtherAgency { .. } => ErrorCode::Agency,
        UploadError::BatchIdReused { .. } => ErrorCode::Conflict,
        UploadError::Failed(_) => ErrorCode::Server,
    };
    ApiError::new(code, error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposed_header_is_the_one_the_wire_contract_names() {
        assert!(RETRY_AFTER
            .as_str()
            .eq_ignore_ascii_case(survey::wire::RETRY_AFTER));
    }

    #[test]
    fn a_bearer_token_is_read_from_its_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(AUTHORIZATION, "Bearer dst_abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("dst_abc"));
        headers.insert(AUTHORIZATION, "bearer  dst_abc ".parse().unwrap());
        assert_eq!(bearer(&headers), Some("dst_abc"));
        headers.insert(AUTHORIZATION, "Basic dst_abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
        headers.insert(AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_unread() {
        let mut headers = HeaderMap::new();
        assert_eq!(declared_length(&headers).unwrap(), None);
        headers.insert(CONTENT_LENGTH, BODY_LIMIT.into());
        assert_eq!(declared_length(&headers).unwrap(), Some(BODY_LIMIT));
        headers.insert(CONTENT_LENGTH, (BODY_LIMIT + 1).into());
        assert_eq!(
            declared_length(&headers).unwrap_err().code,
            ErrorCode::TooLarge
        );
    }
}

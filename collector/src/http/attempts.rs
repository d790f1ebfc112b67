//! The upload route's side of the attempts log ([`crate::store::attempts`]): every
//! refused upload is recorded, never on an async thread and never in the way of the
//! answer.
//!
//! - A batch stored is recorded by the store, in its own transaction.
//! - A batch refused once it was read (its checks, another agency's token, a reused id)
//!   is recorded on the intake thread that refused it ([`record_here`]), before the
//!   upload counts out, with what the batch said of itself.
//! - An upload refused before its batch was read (throttled, no or a wrong token, too
//!   large, busy, too slow, the collector stopping) is queued for an intake thread and
//!   the answer goes at once ([`AttemptLog::refused`]).
//!
//! Refusals with a current token come from the partnership's tablets and are all
//! recorded. Those without one could come from anyone, as fast as they like (each
//! address is throttled, but there can be many): at most [`ANONYMOUS_BURST`] are listed
//! at once, then one every [`ANONYMOUS_INTERVAL`]; the others are counted, and the count
//! is listed as one row ([`Outcome::Unlisted`]) with the next one listed. A row that
//! cannot be written is logged and forgotten; the upload's answer is the same.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::error::ApiError;
use super::workers::Workers;
use crate::store::accounts;
use crate::store::attempts::{self, Attempt, Outcome, Said};
use crate::store::intake::{Intake, SourceKind};

/// Refusals without a current token listed at once.
pub const ANONYMOUS_BURST: u32 = 60;
/// Then one listed every this long.
pub const ANONYMOUS_INTERVAL: Duration = Duration::from_secs(10);

/// Where the upload route records its refusals. Cloning it shares the same counts.
#[derive(Clone)]
pub struct AttemptLog {
    intake: Intake,
    workers: Workers,
    anonymous: Arc<DefaultDirectRateLimiter>,
    unlisted: Arc<AtomicU64>,
}

impl AttemptLog {
    /// A log writing through `intake`'s database on `workers`.
    pub fn new(intake: Intake, workers: Workers) -> AttemptLog {
        let quota = Quota::with_period(ANONYMOUS_INTERVAL)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(ANONYMOUS_BURST).unwrap_or(NonZeroU32::MIN));
        AttemptLog {
            intake,
            workers,
            anonymous: Arc::new(RateLimiter::direct(quota)),
            unlisted: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Records an upload refused with `error` before its batch was read, counted for
    /// `agency` (its token's, if known), on an intake thread; returns at once.
    pub fn refused(&self, agency: Option<String>, error: &ApiError) {
        let mut rows = Vec::with_capacity(2);
        let now = accounts::now();
        if agency.is_none() {
            if self.anonymous.check().is_err() {
                self.unlisted.fetch_add(1, Ordering::Relaxed);
                return;
            }
            let unlisted = self.unlisted.swap(0, Ordering::Relaxed);
            if unlisted > 0 {
                rows.push(Attempt::new(
                    SourceKind::Upload,
                    None,
                    &Said::default(),
                    Outcome::Unlisted,
                    &format!(
                        "{unlisted} more uploads without a valid upload token were refused before this one \
                         (throttled, no token, a wrong or revoked one, or the collector stopping): \
                         too many at once to list one by one"
                    ),
                    now,
                ));
            }
        }
        rows.push(Attempt::new(
            SourceKind::Upload,
            agency,
            &Said::default(),
            Outcome::Refused(error.code),
            &error.reason,
            now,
        ));
        let intake = self.intake.clone();
        let queued = self.workers.spawn(move || {
            for row in &rows {
                record_here(&intake, row);
            }
        });
        if !queued {
            tracing::warn!("the intake threads have stopped; a refused upload was not recorded");
        }
    }
}

/// Records `attempt` through `intake`'s database on this (blocking) thread; a failure is
/// logged, never returned.
pub fn record_here(intake: &Intake, attempt: &Attempt) {
    if let Err(error) =
        intake.with_database(|connection| attempts::record_or_warn(connection, attempt))
    {
        tracing::warn!(%error, outcome = attempt.outcome.as_str(), "an upload attempt could not be recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::attempts::{AttemptFilter, Showing};
    use crate::store::scope::Scope;
    use survey::wire::ErrorCode;

    fn listed(intake: &Intake) -> Vec<attempts::AttemptRow> {
        intake
            .with_database(|connection| {
                attempts::list(connection, &Scope::All, &AttemptFilter::default(), 500, 0)
            })
            .unwrap()
            .unwrap()
            .0
    }

    /// Waits for the queued rows: a job behind them on the only thread.
    async fn settle(log: &AttemptLog) {
        log.workers.run(|| ()).await.unwrap();
    }

    #[tokio::test]
    async fn a_flood_without_a_token_is_listed_up_to_the_burst_then_counted_in_one_row() {
        let dir = tempfile::tempdir().unwrap();
        let intake = Intake::open(dir.path()).unwrap();
        let log = AttemptLog::new(intake.clone(), Workers::new(1));
        let wrong = ApiError::new(
            ErrorCode::Token,
            "the upload token is not known or was revoked",
        );
        let flood = ANONYMOUS_BURST as usize + 25;
        for _ in 0..flood {
            log.refused(None, &wrong);
        }
        // A tablet with a good token is always listed.
        let busy = ApiError::new(ErrorCode::Busy, "busy");
        log.refused(Some("hackney-cvs".into()), &busy);
        settle(&log).await;
        let rows = listed(&intake);
        assert_eq!(
            rows.len(),
            ANONYMOUS_BURST as usize + 1,
            "the burst and the tablet"
        );
        assert_eq!(rows[0].attempt.agency.as_deref(), Some("hackney-cvs"));
        assert!(rows[1..].iter().all(|row| row.attempt.outcome
            == Outcome::Refused(ErrorCode::Token)
            && row.attempt.agency.is_none()
            && row.attempt.reason == wrong.reason));
        assert_eq!(log.unlisted.load(Ordering::Relaxed), 25);
        // Once the limiter lets one through again, the count comes with it.
        let log = AttemptLog {
            anonymous: Arc::new(RateLimiter::direct(Quota::per_second(NonZeroU32::MIN))),
            ..log
        };
        log.refused(None, &wrong);
        settle(&log).await;
        let rows = listed(&intake);
        assert_eq!(rows[0].attempt.outcome, Outcome::Refused(ErrorCode::Token));
        assert_eq!(rows[1].attempt.outcome, Outcome::Unlisted);
        assert!(
            rows[1].attempt.reason.starts_with("25 more uploads"),
            "{}",
            rows[1].attempt.reason
        );
        let refused = AttemptFilter {
            showing: Showing::Refused,
            ..AttemptFilter::default()
        };
        let total = intake
            .with_database(|c| attempts::list(c, &Scope::All, &refused, 1, 0))
            .unwrap()
            .unwrap()
            .1;
        assert_eq!(total, ANONYMOUS_BURST as u64 + 3);
    }
}

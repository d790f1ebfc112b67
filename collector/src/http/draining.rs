//! Stopping without losing a batch: once the collector is told to stop (SIGTERM, Ctrl-C)
//! it is **draining**. The uploads already in flight go on to their end (their batches
//! are stored and their receipts sent); an upload that arrives now, on a new connection
//! or on one kept alive, is answered `503 busy` with `Retry-After` before anything of it
//! is read; the app and the other API routes answer as before. When the last upload in
//! flight is done, or [`Settings::request_timeout`](super::settings::Settings) has
//! passed (no upload is answered later than that anyway), the server stops accepting.
//!
//! [`Draining`] is what the upload route and the server loop share: a flag, and a count
//! of the uploads in flight. An upload counts from the moment its route starts until its
//! batch is stored or refused, even if its client has gone by then ([`InFlight`] travels
//! with the batch onto the intake thread).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

/// What a refused upload is told while the collector drains.
pub const REASON: &str =
    "the collector is shutting down; try again in a minute (nothing of this batch was stored)";

/// How long a refused upload is told to wait before trying again: a restart takes
/// seconds, an upgrade a little longer.
pub const RETRY_AFTER: Duration = Duration::from_secs(60);

/// Whether the collector is stopping, and how many uploads are in flight. Cloning it
/// shares the same state.
#[derive(Clone, Debug, Default)]
pub struct Draining {
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    draining: AtomicBool,
    in_flight: AtomicUsize,
    done: Notify,
}

/// One upload in flight; dropping it counts it out.
#[derive(Debug)]
pub struct InFlight {
    state: Arc<State>,
}

impl Draining {
    /// Not draining, nothing in flight.
    pub fn new() -> Draining {
        Draining::default()
    }

    /// Counts an upload in, unless the collector is draining (`None`: refuse it).
    pub fn enter(&self) -> Option<InFlight> {
        // Counted first, then the flag read: `start` sets the flag, then reads the count,
        // so an upload is either seen by the drain or sees the drain (never neither).
        self.state.in_flight.fetch_add(1, Ordering::SeqCst);
        let in_flight = InFlight {
            state: Arc::clone(&self.state),
        };
        if self.state.draining.load(Ordering::SeqCst) {
            return None; // `in_flight` is dropped: counted out again.
        }
        Some(in_flight)
    }

    /// Starts draining: from now on [`Draining::enter`] refuses. Returns how many uploads
    /// are in flight.
    pub fn start(&self) -> usize {
        self.state.draining.store(true, Ordering::SeqCst);
        self.in_flight()
    }

    /// Whether [`Draining::start`] was called.
    pub fn is_draining(&self) -> bool {
        self.state.draining.load(Ordering::SeqCst)
    }

    /// Uploads in flight now.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }

    /// Completes when no upload is in flight.
    pub async fn idle(&self) {
        loop {
            let done = self.state.done.notified();
            let mut done = std::pin::pin!(done);
            // Registered before the count is read, so a last upload ending in between
            // still wakes this.
            done.as_mut().enable();
            if self.in_flight() == 0 {
                return;
            }
            done.await;
        }
    }

    /// Starts draining and waits until the uploads in flight are done, at most `limit`;
    /// logs `shutting down: N uploads in flight`, and a warning if some are cut off.
    pub async fn drain(&self, limit: Duration) {
        let in_flight = self.start();
        tracing::info!(in_flight, "shutting down: {in_flight} uploads in flight");
        if tokio::time::timeout(limit, self.idle()).await.is_err() {
            let left = self.in_flight();
            tracing::warn!(
                in_flight = left,
                "{left} uploads still in flight after {} s; stopping without them (their tablets send them again)",
                limit.as_secs()
            );
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.state.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.state.done.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn uploads_in_flight_are_waited_for_and_new_ones_refused() {
        let draining = Draining::new();
        let first = draining.enter().unwrap();
        assert_eq!(draining.in_flight(), 1);
        assert_eq!(draining.start(), 1);
        assert!(draining.enter().is_none(), "refused while draining");
        assert_eq!(draining.in_flight(), 1, "a refused upload is not counted");
        let idle = tokio::spawn({
            let draining = draining.clone();
            async move { draining.idle().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!idle.is_finished(), "waits for the upload in flight");
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), idle)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn a_drain_is_bounded() {
        let draining = Draining::new();
        let _stuck = draining.enter().unwrap();
        let started = std::time::Instant::now();
        draining.drain(Duration::from_millis(100)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(draining.is_draining());
    }

    #[tokio::test]
    async fn nothing_in_flight_drains_at_once() {
        let draining = Draining::new();
        tokio::time::timeout(
            Duration::from_secs(1),
            draining.drain(Duration::from_secs(60)),
        )
        .await
        .unwrap();
    }
}

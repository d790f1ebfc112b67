//! The threads that verify and store uploaded batches: a fixed few
//! ([`Settings::intake_threads`](super::settings::Settings::intake_threads)).
//!
//! Not tokio's blocking pool, which starts a thread for every upload in flight (up to
//! 512): the memory a verification frees stays with its thread's allocator arena (glibc
//! keeps one per thread, up to 8 per core), so a crowd verified on dozens of threads
//! keeps dozens of arenas full and the byte budget no longer bounds the collector's
//! memory. Measured with the release build, 64 uploads of 1.7 MB at once and an 8 MB
//! budget: 697 MB at peak on the blocking pool, 177 MB on two threads; six 14.5 MB
//! uploads with a 16 MB budget (one at a time): 775 MB on two threads, 435 MB on one.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of intake threads; they stop when the last handle is dropped.
#[derive(Clone)]
pub struct Workers {
    jobs: Sender<Job>,
}

/// The job could not be run: its thread panicked, or could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the intake thread failed")]
pub struct Failed;

impl Workers {
    /// `count` threads (at least one), named `intake-N`.
    pub fn new(count: usize) -> Workers {
        let (sender, receiver) = channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..count.max(1) {
            let receiver = Arc::clone(&receiver);
            let started = std::thread::Builder::new()
                .name(format!("intake-{n}"))
                .spawn(move || work(&receiver));
            if let Err(error) = started {
                tracing::warn!(%error, "cannot start an intake thread");
            }
        }
        Workers { jobs: sender }
    }

    /// Runs `job` on one of the threads, waiting for its turn, and returns its result.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Failed> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // A panic ends this job, not the thread; the caller hears `Failed`.
            if let Ok(result) = catch_unwind(AssertUnwindSafe(job)) {
                let _ = answer.send(result);
            }
        });
        self.jobs.send(job).map_err(|_| Failed)?;
        answered.await.map_err(|_| Failed)
    }

    /// Queues `job` for one of the threads and returns at once, without its result (a
    /// panic ends the job, not the thread). Returns whether it was queued: not once the
    /// threads are gone.
    pub fn spawn(&self, job: impl FnOnce() + Send + 'static) -> bool {
        let job: Job = Box::new(move || {
            let _ = catch_unwind(AssertUnwindSafe(job));
        });
        self.jobs.send(job).is_ok()
    }
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let next = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_the_intake_threads() {
        let workers = Workers::new(2);
        let name = workers
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("intake-"));
    }

    #[tokio::test]
    async fn a_spawned_job_runs_on_an_intake_thread_without_being_waited_for() {
        let workers = Workers::new(1);
        let (sent, received) = std::sync::mpsc::channel();
        assert!(workers.spawn(move || {
            let _ = sent.send(std::thread::current().name().map(str::to_owned));
        }));
        assert!(workers.spawn(|| panic!("a broken job")));
        let name = received
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        assert!(name.unwrap().starts_with("intake-"));
        assert_eq!(workers.run(|| 7).await, Ok(7), "the thread goes on");
    }

    #[tokio::test]
    async fn a_job_that_panics_fails_alone() {
        let workers = Workers::new(1);
        assert_eq!(
            workers.run(|| panic!("broken batch")).await,
            Err::<(), _>(Failed)
        );
        assert_eq!(workers.run(|| 7).await, Ok(7), "the thread goes on");
    }
}

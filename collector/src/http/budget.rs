//! The intake's byte budget: how many bytes of upload bodies may be read, verified and
//! stored at once, whatever arrives. An upload reserves its body's size (its
//! `Content-Length`, or the whole [`survey::wire::BODY_LIMIT`] when it gives none) before it reads a
//! byte of it, and gives it back when its batch is stored or refused. Room is handed out
//! first come, first served (a [`tokio::sync::Semaphore`] counting KiB); an upload that
//! finds none within a short wait is answered `503 busy`.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Budget is counted in KiB.
const UNIT: usize = 1024;

/// The intake's byte budget, shared by every upload.
#[derive(Clone)]
pub struct Budget {
    room: Arc<Semaphore>,
    units: u32,
    wait: Duration,
}

/// Room reserved for one upload, given back when dropped.
#[derive(Debug)]
pub struct Reserved {
    _permit: OwnedSemaphorePermit,
}

/// No room came within the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRoom;

impl Budget {
    /// A budget of `bytes` (at least 1 KiB) where an upload waits at most `wait` for room.
    /// A body larger than the whole budget takes all of it, so it is taken in alone.
    pub fn new(bytes: usize, wait: Duration) -> Budget {
        let units = u32::try_from(bytes.div_ceil(UNIT))
            .unwrap_or(u32::MAX)
            .max(1);
        Budget {
            room: Arc::new(Semaphore::new(units as usize)),
            units,
            wait,
        }
    }

    /// Reserves room for a body of `bytes`, waiting as long as the budget says.
    pub async fn reserve(&self, bytes: usize) -> Result<Reserved, NoRoom> {
        let wanted = u32::try_from(bytes.div_ceil(UNIT))
            .unwrap_or(u32::MAX)
            .clamp(1, self.units);
        let acquired =
            tokio::time::timeout(self.wait, self.room.clone().acquire_many_owned(wanted)).await;
        match acquired {
            Ok(Ok(permit)) => Ok(Reserved { _permit: permit }),
            // The semaphore is never closed; a closed one has no room either.
            Ok(Err(_)) | Err(_) => Err(NoRoom),
        }
    }

    /// Bytes of room free now.
    pub fn free(&self) -> usize {
        self.room.available_permits() * UNIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use survey::wire::BODY_LIMIT;

    #[tokio::test]
    async fn room_is_given_back_when_an_upload_is_done() {
        let budget = Budget::new(BODY_LIMIT, Duration::from_millis(20));
        let full = budget.reserve(BODY_LIMIT).await.unwrap();
        assert_eq!(budget.free(), 0);
        assert_eq!(budget.reserve(1).await.unwrap_err(), NoRoom);
        drop(full);
        assert_eq!(budget.free(), BODY_LIMIT);
        let _small = budget.reserve(10).await.unwrap();
        assert_eq!(budget.free(), BODY_LIMIT - 1024, "at least one KiB");
    }

    #[tokio::test]
    async fn an_upload_waits_for_room_within_the_wait() {
        let budget = Budget::new(BODY_LIMIT, Duration::from_secs(5));
        let full = budget.reserve(BODY_LIMIT).await.unwrap();
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move { budget.reserve(BODY_LIMIT / 2).await.is_ok() }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(full);
        assert!(waiting.await.unwrap());
    }

    #[tokio::test]
    async fn a_body_larger_than_the_budget_takes_all_of_it() {
        let budget = Budget::new(4 * 1024, Duration::ZERO);
        let alone = budget.reserve(BODY_LIMIT).await.unwrap();
        assert_eq!(budget.free(), 0);
        drop(alone);
        assert_eq!(budget.free(), 4 * 1024);
    }
}

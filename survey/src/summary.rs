//! Counts a worker sees on the tablet (today's doors and contact rate, interviews by
//! status, what waits to be handed in), computed one way so that anything else counting
//! the same records (the collector's console) counts them alike.

use serde::{Deserialize, Serialize};

use crate::record::{ResponseStatus, VisitOutcome};
use crate::store::ResponseSummary;

/// Responses by status, from their summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Interviews in progress.
    pub draft: u32,
    /// Completed interviews not yet received by the collector (no receipt yet). Where
    /// each stands on its way there (in a batch prepared for upload, exported to a file)
    /// the app counts from its batch records.
    pub complete: u32,
    /// Interviews the collector has confirmed.
    pub uploaded: u32,
}

impl StatusCounts {
    /// Counts `summaries`.
    pub fn of<'a>(summaries: impl IntoIterator<Item = &'a ResponseSummary>) -> Self {
        let mut counts = StatusCounts::default();
        for summary in summaries {
            let count = match summary.status {
                ResponseStatus::Draft => &mut counts.draft,
                ResponseStatus::Complete => &mut counts.complete,
                ResponseStatus::Uploaded => &mut counts.uploaded,
            };
            *count = count.saturating_add(1);
        }
        counts
    }

    /// How many have `status`.
    pub fn with_status(&self, status: ResponseStatus) -> u32 {
        match status {
            ResponseStatus::Draft => self.draft,
            ResponseStatus::Complete => self.complete,
            ResponseStatus::Uploaded => self.uploaded,
        }
    }

    /// All of them.
    pub fn total(&self) -> u32 {
        self.draft
            .saturating_add(self.complete)
            .saturating_add(self.uploaded)
    }
}

/// Doors knocked, from the visits' outcomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitCounts {
    /// Doors knocked (visits logged).
    pub doors: u32,
    /// Doors where somebody answered (any outcome but "no answer").
    pub contacts: u32,
    /// Interviews started.
    pub interviews: u32,
}

impl VisitCounts {
    /// Counts visits with these `outcomes`.
    pub fn of(outcomes: impl IntoIterator<Item = VisitOutcome>) -> Self {
        let mut counts = VisitCounts::default();
        for outcome in outcomes {
            counts.doors = counts.doors.saturating_add(1);
            if outcome != VisitOutcome::NoAnswer {
                counts.contacts = counts.contacts.saturating_add(1);
            }
            if outcome == VisitOutcome::Interviewed {
                counts.interviews = counts.interviews.saturating_add(1);
            }
        }
        counts
    }

    /// Contacts as a whole percentage of doors, rounded half up (`None` before the
    /// first door).
    pub fn contact_rate(&self) -> Option<u32> {
        let (contacts, doors) = (u64::from(self.contacts), u64::from(self.doors));
        (doors > 0).then(|| u32::try_from((contacts * 100 + doors / 2) / doors).unwrap_or(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::fixtures::{id, small_response};
    use crate::record::{BatchId, Timestamp};

    #[test]
    fn counts_responses_by_status() {
        let draft = {
            let mut response = small_response();
            response.id = id(3);
            response.reopen(Timestamp(0)).unwrap();
            response
        };
        let complete = small_response();
        let mut in_a_batch = small_response();
        in_a_batch.id = id(2);
        in_a_batch
            .mark_in_batch(BatchId::from_random_bytes([9; 16]))
            .unwrap();
        let mut uploaded = in_a_batch.clone();
        uploaded.id = id(4);
        uploaded.mark_uploaded(Timestamp(5)).unwrap();
        let summaries: Vec<ResponseSummary> = [&draft, &complete, &in_a_batch, &uploaded]
            .into_iter()
            .map(ResponseSummary::of)
            .collect();
        let counts = StatusCounts::of(&summaries);
        assert_eq!(
            counts,
            StatusCounts {
                draft: 1,
                complete: 2,
                uploaded: 1
            }
        );
        assert_eq!(counts.total(), 4);
        assert_eq!(counts.with_status(ResponseStatus::Complete), 2);
    }

    #[test]
    fn counts_doors_contacts_and_interviews() {
        let counts = VisitCounts::of([
            VisitOutcome::NoAnswer,
            VisitOutcome::Interviewed,
            VisitOutcome::Refused,
        ]);
        assert_eq!(
            counts,
            VisitCounts {
                doors: 3,
                contacts: 2,
                interviews: 1
            }
        );
        assert_eq!(counts.contact_rate(), Some(67));
        assert_eq!(VisitCounts::default().contact_rate(), None);
        assert_eq!(
            VisitCounts::of([VisitOutcome::NoAnswer]).contact_rate(),
            Some(0)
        );
    }
}

//! The day's doors: counts and the call-backs still to make, from the visits on the
//! device. Pure functions, so they are tested natively.

use std::collections::BTreeSet;

use survey::record::{Timestamp, VisitOutcome};
use survey::{Visit, VisitId};

/// Today's figures for the home screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TodayCounts {
    /// Doors knocked (visits logged).
    pub doors: u32,
    /// Doors where somebody answered (any outcome but "no answer").
    pub contacts: u32,
    /// Interviews started.
    pub interviews: u32,
}

impl TodayCounts {
    /// The counts of the visits for which `is_today` holds.
    pub fn of(visits: &[Visit], is_today: impl Fn(Timestamp) -> bool) -> Self {
        let mut counts = TodayCounts::default();
        for visit in visits.iter().filter(|v| is_today(v.time)) {
            counts.doors += 1;
            if visit.outcome != VisitOutcome::NoAnswer {
                counts.contacts += 1;
            }
            if visit.outcome == VisitOutcome::Interviewed {
                counts.interviews += 1;
            }
        }
        counts
    }

    /// Contacts as a whole percentage of doors (`None` before the first door).
    pub fn contact_rate(&self) -> Option<u32> {
        (self.doors > 0).then(|| (self.contacts * 100 + self.doors / 2) / self.doors)
    }
}

/// Call-back visits nobody has gone back to yet (no later visit follows them), newest
/// first as given.
pub fn open_call_backs(visits: &[Visit]) -> Vec<&Visit> {
    let followed: BTreeSet<VisitId> = visits.iter().filter_map(|v| v.follows).collect();
    visits
        .iter()
        .filter(|v| v.outcome == VisitOutcome::CallBack && !followed.contains(&v.id))
        .collect()
}

/// The worker's words for an outcome, as on the buttons.
pub fn outcome_label(outcome: VisitOutcome) -> &'static str {
    match outcome {
        VisitOutcome::NoAnswer => "No answer",
        VisitOutcome::Refused => "Refused",
        VisitOutcome::CallBack => "Call back",
        VisitOutcome::NotEligible => "Not eligible",
        VisitOutcome::LanguageBarrier => "Language barrier",
        VisitOutcome::Interviewed => "Interview",
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use survey::record::DoorNote;

    fn visit(n: u8, time: i64, outcome: VisitOutcome, follows: Option<u8>) -> Visit {
        Visit {
            id: VisitId::from_random_bytes([n; 16]),
            time: Timestamp(time),
            area: "E05009367".into(),
            outcome,
            attempt: 1,
            door_note: Some(DoorNote::new("blue door")),
            follows: follows.map(|f| VisitId::from_random_bytes([f; 16])),
            uploaded: None,
        }
    }

    #[test]
    fn counts_only_today_and_rounds_the_contact_rate() {
        let visits = [
            visit(1, 100, VisitOutcome::NoAnswer, None),
            visit(2, 200, VisitOutcome::Interviewed, None),
            visit(3, 300, VisitOutcome::Refused, None),
            visit(4, 5, VisitOutcome::Interviewed, None), // yesterday
        ];
        let counts = TodayCounts::of(&visits, |t| t.0 >= 100);
        assert_eq!(
            counts,
            TodayCounts {
                doors: 3,
                contacts: 2,
                interviews: 1
            }
        );
        assert_eq!(counts.contact_rate(), Some(67));
        assert_eq!(TodayCounts::default().contact_rate(), None);
    }

    #[test]
    fn a_call_back_is_open_until_a_visit_follows_it() {
        let visits = [
            visit(3, 300, VisitOutcome::NoAnswer, Some(1)),
            visit(2, 200, VisitOutcome::CallBack, None),
            visit(1, 100, VisitOutcome::CallBack, None),
        ];
        let open: Vec<VisitId> = open_call_backs(&visits).iter().map(|v| v.id).collect();
        assert_eq!(open, vec![VisitId::from_random_bytes([2; 16])]);
    }
}

//! Today, the first screen: the day's door log, the call-backs still to make, the
//! interviews in progress and today's figures. The logic here is pure, so it is tested
//! natively; [`screen`] draws it.

mod screen;

use std::collections::BTreeSet;

use survey::record::{Timestamp, VisitOutcome};
use survey::{Visit, VisitCounts, VisitId};

pub use screen::TodayPage;

use crate::words::Msg;

/// Today's figures: the counts of the visits for which `is_today` holds.
pub fn counts_of(visits: &[Visit], is_today: impl Fn(Timestamp) -> bool) -> VisitCounts {
    VisitCounts::of(
        visits
            .iter()
            .filter(|visit| is_today(visit.time))
            .map(|visit| visit.outcome),
    )
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
pub fn outcome_label(outcome: VisitOutcome) -> Msg {
    match outcome {
        VisitOutcome::NoAnswer => Msg::OutcomeNoAnswer,
        VisitOutcome::Refused => Msg::OutcomeRefused,
        VisitOutcome::CallBack => Msg::OutcomeCallBack,
        VisitOutcome::NotEligible => Msg::OutcomeNotEligible,
        VisitOutcome::LanguageBarrier => Msg::OutcomeLanguageBarrier,
        VisitOutcome::Interviewed => Msg::OutcomeInterviewed,
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
        let counts = counts_of(&visits, |t| t.0 >= 100);
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

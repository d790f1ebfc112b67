use survey::record::{Assignment, Timestamp};
use survey::{Batch, BatchId, QuestionnaireRef};

use super::*;
use crate::store::intake::{self, Source};

fn questionnaire() -> survey::Questionnaire {
    survey::shipped::shared_questionnaire().unwrap()
}

/// Sample responses and visits `range` handed in by `worker` of `agency` (batch id from
/// `seed`). Sample `i` is in the questionnaire's `i`-th ward, on 2024-05-01 for the
/// first few hundred; its visit's outcome is the `i % 6`-th, so six in a row are one of
/// each (five contacts, one interview).
fn batch(seed: u64, agency: &str, worker: &str, range: std::ops::Range<usize>) -> Batch {
    let q = questionnaire();
    let assignment = Assignment {
        worker: worker.into(),
        agency: agency.into(),
        device: "tablet-01".into(),
        area: q.areas[0].code.as_str().into(),
    };
    let responses = range
        .clone()
        .map(|index| {
            let mut response = survey::sample::complete_response(&q, index).unwrap();
            response.agency = agency.into();
            response.worker = worker.into();
            response
        })
        .collect();
    let visits = range
        .map(|index| survey::sample::visit(&q, index))
        .collect();
    Batch::new(
        BatchId::from(survey::sample::time_ordered(1_714_600_000_000, seed)),
        Timestamp(1_714_600_000_000),
        &assignment,
        QuestionnaireRef::of(&q),
        responses,
        visits,
    )
    .unwrap()
}

fn database() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    (dir, connection)
}

fn store(connection: &mut Connection, batch: &Batch) {
    intake::store(connection, batch, Source::Import).unwrap();
}

fn own() -> Scope {
    Scope::Agency("hackney-cvs".into())
}

fn first_ward() -> String {
    questionnaire().areas[0].code.clone()
}

#[test]
fn responses_and_doors_are_counted_per_day_agency_ward_and_worker() {
    let (_dir, mut connection) = database();
    store(&mut connection, &batch(1, "hackney-cvs", "W012", 0..6));
    store(&mut connection, &batch(2, "hackney-cvs", "W013", 6..12));
    store(&mut connection, &batch(3, "met-police", "P001", 12..18));
    let cache = OverviewCache::new();
    let all = cache
        .overview(&connection, &Scope::All, &OverviewFilter::default())
        .unwrap();
    let six = Figures {
        responses: 6,
        visits: VisitCounts {
            doors: 6,
            contacts: 5,
            interviews: 1,
        },
    };
    assert_eq!(all.total.responses, 18);
    assert_eq!(
        all.total.visits,
        VisitCounts {
            doors: 18,
            contacts: 15,
            interviews: 3
        }
    );
    assert_eq!(all.total.visits.contact_rate(), Some(83));
    assert_eq!(all.total.interview_rate(), Some(17));
    assert_eq!(all.by_day.len(), 1, "every sample is on 2024-05-01");
    assert_eq!(all.by_day[0].0, Day::from_civil(2024, 5, 1));
    let workers: Vec<(&str, &str, Figures)> = all
        .by_worker
        .iter()
        .map(|(key, figures)| (key.agency.as_str(), key.worker.as_str(), *figures))
        .collect();
    assert_eq!(
        workers,
        vec![
            ("hackney-cvs", "W012", six),
            ("hackney-cvs", "W013", six),
            ("met-police", "P001", six)
        ]
    );
    let agencies: Vec<(&str, u64)> = all
        .by_agency
        .iter()
        .map(|(agency, figures)| (agency.as_str(), figures.responses))
        .collect();
    assert_eq!(agencies, vec![("hackney-cvs", 12), ("met-police", 6)]);
    let ward = all
        .by_ward
        .iter()
        .find(|(area, _)| *area == first_ward())
        .unwrap();
    let in_first = (0..18)
        .filter(|i| i % questionnaire().areas.len() == 0)
        .count();
    assert_eq!(ward.1.responses, in_first as u64);
    assert_eq!(ward.1.visits.doors as usize, in_first);
}

#[test]
fn a_coordinator_counts_only_its_agencys_records() {
    let (_dir, mut connection) = database();
    store(&mut connection, &batch(1, "hackney-cvs", "W012", 0..6));
    store(&mut connection, &batch(3, "met-police", "P001", 6..18));
    let cache = OverviewCache::new();
    let ours = cache
        .overview(&connection, &own(), &OverviewFilter::default())
        .unwrap();
    assert_eq!(ours.total.responses, 6);
    assert_eq!(ours.total.visits.doors, 6);
    assert!(ours
        .by_worker
        .iter()
        .all(|(key, _)| key.agency == "hackney-cvs"));
    assert!(ours
        .by_agency
        .iter()
        .all(|(agency, _)| agency == "hackney-cvs"));
    let theirs = OverviewFilter {
        agency: Some("met-police".into()),
        ..OverviewFilter::default()
    };
    assert_eq!(
        cache.overview(&connection, &own(), &theirs).unwrap(),
        Overview::default(),
        "asking for another agency gives nothing"
    );
    assert_eq!(
        cache
            .overview(&connection, &Scope::All, &theirs)
            .unwrap()
            .total
            .responses,
        12
    );
}

#[test]
fn the_filters_take_a_ward_and_a_range_of_days() {
    let (_dir, mut connection) = database();
    store(&mut connection, &batch(1, "hackney-cvs", "W012", 0..30));
    let cache = OverviewCache::new();
    let ward = OverviewFilter {
        area: Some(first_ward()),
        ..OverviewFilter::default()
    };
    let in_ward = cache.overview(&connection, &Scope::All, &ward).unwrap();
    let wards = questionnaire().areas.len();
    let expected = (0..30).filter(|i| i % wards == 0).count() as u64;
    assert_eq!(in_ward.total.responses, expected);
    assert_eq!(u64::from(in_ward.total.visits.doors), expected);
    assert_eq!(in_ward.by_ward.len(), 1);
    let may_1 = Day::from_civil(2024, 5, 1);
    let later = OverviewFilter {
        from: Some(Day(may_1.0 + 1)),
        ..OverviewFilter::default()
    };
    assert_eq!(
        cache.overview(&connection, &Scope::All, &later).unwrap(),
        Overview::default()
    );
    let that_day = OverviewFilter {
        from: Some(may_1),
        to: Some(may_1),
        ..OverviewFilter::default()
    };
    assert_eq!(
        cache
            .overview(&connection, &Scope::All, &that_day)
            .unwrap()
            .total
            .responses,
        30
    );
}

#[test]
fn batches_stored_after_a_query_are_counted_by_the_next() {
    let (_dir, mut connection) = database();
    store(&mut connection, &batch(1, "hackney-cvs", "W012", 0..6));
    let cache = OverviewCache::new();
    let count = |connection: &Connection| {
        let total = cache
            .overview(connection, &Scope::All, &OverviewFilter::default())
            .unwrap()
            .total;
        (total.responses, total.visits.doors)
    };
    assert_eq!(count(&connection), (6, 6));
    store(&mut connection, &batch(2, "hackney-cvs", "W012", 6..10));
    assert_eq!(count(&connection), (10, 10));
    // The same batch again adds nothing; one overlapping adds only what is new.
    store(&mut connection, &batch(2, "hackney-cvs", "W012", 6..10));
    store(&mut connection, &batch(3, "hackney-cvs", "W012", 8..12));
    assert_eq!(count(&connection), (12, 12));
    cache.invalidate();
    assert_eq!(count(&connection), (12, 12));
}

#[test]
fn every_agencys_totals_are_suppressed_and_too_few_show_nothing() {
    let (_dir, mut connection) = database();
    store(&mut connection, &batch(1, "hackney-cvs", "W012", 0..30));
    store(&mut connection, &batch(2, "met-police", "P001", 30..33));
    let cache = OverviewCache::new();
    let threshold = Threshold::DEFAULT;
    let Breakdown::Shown(partnership) = cache
        .partnership(&connection, &OverviewFilter::default(), threshold)
        .unwrap()
    else {
        panic!("33 responses are enough for a breakdown");
    };
    let rows: Vec<(&str, Cell)> = partnership
        .by_agency
        .rows
        .iter()
        .map(|(agency, figures)| (agency.as_str(), figures.responses))
        .collect();
    // 3 is small; 30 would give it away beside the total of 33, so one of them goes too.
    assert_eq!(rows[1], ("met-police", Cell::Suppressed));
    assert!(
        rows[0].1.is_suppressed() || partnership.by_agency.total.responses.is_suppressed(),
        "{rows:?}"
    );
    let met = partnership.by_agency.rows[1].1;
    assert_eq!(
        met.contact_rate(),
        None,
        "a rate of hidden figures is hidden"
    );
    // Every ward of these holds one or two: all hidden.
    assert!(partnership
        .by_ward
        .rows
        .iter()
        .all(|(_, figures)| figures.responses.is_suppressed()));
    let one_ward = OverviewFilter {
        area: Some(first_ward()),
        ..OverviewFilter::default()
    };
    assert_eq!(
        cache
            .partnership(&connection, &one_ward, threshold)
            .unwrap(),
        Breakdown::TooFew { threshold: 10 }
    );
}

#[test]
fn shown_figures_give_their_contact_rate() {
    let shown = ShownFigures {
        responses: Cell::Shown(40),
        doors: Cell::Shown(100),
        contacts: Cell::Shown(45),
    };
    assert_eq!(shown.contact_rate(), Some(45));
}

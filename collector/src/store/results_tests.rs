use rusqlite::params;
use survey::sample::Pool;

use super::*;
use crate::store::intake::{self, Source};

/// A database and the questionnaire its sample responses answer.
struct Fixture {
    _dir: tempfile::TempDir,
    connection: Connection,
    questionnaire: &'static Questionnaire,
    pool: Pool,
    stored: usize,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::store::open(dir.path()).unwrap();
        let questionnaire = &shipped().unwrap()[0];
        Fixture {
            _dir: dir,
            connection,
            questionnaire,
            pool: Pool::new(questionnaire, 50).unwrap(),
            stored: 0,
        }
    }

    /// Stores `count` more sample responses, then spreads them over three agencies and
    /// five days by their columns (as other agencies' uploads on other days would be).
    fn store(&mut self, count: usize) {
        let range = self.stored..self.stored + count;
        let batch = self
            .pool
            .batch(self.questionnaire, self.stored as u64, range)
            .unwrap();
        let receipt = intake::store(&mut self.connection, &batch, Source::Import).unwrap();
        assert_eq!(receipt.accepted as usize, count);
        self.stored += count;
        self.connection
            .execute(
                "UPDATE responses SET agency = 'agency-' || (rowid % 3),
                                      completed = ?1 + (rowid % 5) * ?2 + 3600000
                 WHERE rowid > (SELECT max(rowid) FROM responses) - ?3",
                params![Day::from_civil(2024, 5, 1).0 * DAY_MS, DAY_MS, count as i64],
            )
            .unwrap();
    }

    fn reference(&self) -> QuestionnaireRef {
        QuestionnaireRef::of(self.questionnaire)
    }

    /// A fresh tally over the stored responses `filter` takes, chosen by SQL.
    fn counted_afresh(&self, filter: &ResultsFilter) -> Results {
        let mut statement = self
            .connection
            .prepare("SELECT area, agency, completed, json FROM responses WHERE review != 3")
            .unwrap();
        let mut tally = Tally::new(self.questionnaire);
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (area, agency, completed, json) = row.unwrap();
            let day = completed.map(|ms| ms.div_euclid(DAY_MS));
            let takes = (filter.areas.is_empty() || filter.areas.contains(&area))
                && filter.agency.as_ref().is_none_or(|a| a == &agency)
                && filter
                    .from_day
                    .is_none_or(|from| day.is_some_and(|d| d >= from.0))
                && filter
                    .to_day
                    .is_none_or(|to| day.is_some_and(|d| d <= to.0));
            if takes {
                tally.add(&serde_json::from_str::<Response>(&json).unwrap());
            }
        }
        tally.results().unwrap()
    }

    fn reject(&self, rowid: i64, from: ReviewState, to: ReviewState) {
        self.connection
            .execute(
                "INSERT OR IGNORE INTO users (id, email, role, created) VALUES (1, 'a@example.org', 'admin', 0)",
                [],
            )
            .unwrap();
        self.connection
            .execute(
                "UPDATE responses SET review = ?2 WHERE rowid = ?1",
                params![rowid, to.code()],
            )
            .unwrap();
        self.connection
            .execute(
                "INSERT INTO review_log (response, user, time, from_state, to_state, comment)
                 SELECT id, 1, 0, ?2, ?3, '' FROM responses WHERE rowid = ?1",
                params![rowid, from.code(), to.code()],
            )
            .unwrap();
    }
}

fn filters(fixture: &Fixture) -> Vec<ResultsFilter> {
    let wards: Vec<String> = fixture
        .questionnaire
        .areas
        .iter()
        .map(|a| a.code.clone())
        .collect();
    vec![
        ResultsFilter::default(),
        ResultsFilter {
            areas: vec![wards[0].clone()],
            ..ResultsFilter::default()
        },
        ResultsFilter {
            areas: vec![wards[0].clone(), wards[1].clone()],
            agency: Some("agency-1".into()),
            ..ResultsFilter::default()
        },
        ResultsFilter {
            agency: Some("agency-2".into()),
            from_day: Some(Day::from_civil(2024, 5, 2)),
            to_day: Some(Day::from_civil(2024, 5, 3)),
            ..ResultsFilter::default()
        },
        ResultsFilter {
            from_day: Some(Day::from_civil(2024, 5, 4)),
            ..ResultsFilter::default()
        },
    ]
}

fn assert_same(cache: &ResultsCache, fixture: &Fixture) {
    for filter in filters(fixture) {
        let cached = cache
            .results(&fixture.connection, &fixture.reference(), &filter)
            .unwrap();
        let fresh = fixture.counted_afresh(&filter);
        assert!(fresh.responses > 0, "{filter:?} takes some responses");
        assert_eq!(cached, fresh, "{filter:?}");
    }
}

#[test]
fn the_cache_counts_as_a_fresh_tally_with_every_filter_and_after_new_rows() {
    let mut fixture = Fixture::new();
    fixture.store(120);
    let cache = ResultsCache::new();
    assert_same(&cache, &fixture);
    assert_eq!(cache.refresh(&fixture.connection).unwrap().counted, 120);
    // Rows stored since (here, or by another process) are read and added.
    fixture.store(75);
    assert_same(&cache, &fixture);
    let status = cache.refresh(&fixture.connection).unwrap();
    assert_eq!(
        (status.counted, status.builds),
        (195, 1),
        "added, not rebuilt"
    );
}

#[test]
fn a_rejected_response_is_left_out_and_counted_again_when_the_rejection_is_undone() {
    let mut fixture = Fixture::new();
    fixture.store(90);
    let cache = ResultsCache::new();
    let all = ResultsFilter::default();
    let before = cache
        .results(&fixture.connection, &fixture.reference(), &all)
        .unwrap();
    assert_eq!(before.responses, 90);
    fixture.reject(7, ReviewState::Received, ReviewState::Rejected);
    assert_same(&cache, &fixture);
    let status = cache.refresh(&fixture.connection).unwrap();
    assert_eq!((status.counted, status.rejected, status.builds), (89, 1, 2));
    // A change that does not involve rejection costs no rebuild.
    fixture.reject(8, ReviewState::Received, ReviewState::Approved);
    assert_eq!(cache.refresh(&fixture.connection).unwrap().builds, 2);
    fixture.reject(7, ReviewState::Rejected, ReviewState::Approved);
    assert_eq!(
        cache
            .results(&fixture.connection, &fixture.reference(), &all)
            .unwrap(),
        before
    );
}

#[test]
fn wards_side_by_side_are_each_wards_own_results_in_the_questionnaires_order() {
    let mut fixture = Fixture::new();
    fixture.store(150);
    let cache = ResultsCache::new();
    let filter = ResultsFilter {
        agency: Some("agency-0".into()),
        ..ResultsFilter::default()
    };
    let wards = cache
        .by_ward(&fixture.connection, &fixture.reference(), &filter)
        .unwrap();
    let codes: Vec<&str> = wards.iter().map(|w| w.area.as_str()).collect();
    let expected: Vec<&str> = fixture
        .questionnaire
        .areas
        .iter()
        .map(|a| a.code.as_str())
        .filter(|code| codes.contains(code))
        .collect();
    assert_eq!(codes, expected);
    assert!(codes.len() > 1, "{codes:?}");
    for ward in &wards {
        let fresh = fixture.counted_afresh(&ResultsFilter {
            areas: vec![ward.area.clone()],
            ..filter.clone()
        });
        assert_eq!(ward.results, fresh, "{}", ward.area);
    }
    let total: u64 = wards.iter().map(|w| w.results.responses).sum();
    assert_eq!(total, fixture.counted_afresh(&filter).responses);
}

#[test]
fn an_unknown_questionnaire_is_refused_and_a_shrunk_table_is_counted_again() {
    let mut fixture = Fixture::new();
    fixture.store(30);
    let cache = ResultsCache::new();
    let other = QuestionnaireRef {
        id: "other".into(),
        version: 1,
    };
    assert!(matches!(
        cache.results(&fixture.connection, &other, &ResultsFilter::default()),
        Err(ResultsError::UnknownQuestionnaire(_))
    ));
    cache.refresh(&fixture.connection).unwrap();
    fixture
        .connection
        .execute("DELETE FROM responses WHERE rowid > 20", [])
        .unwrap();
    let status = cache.refresh(&fixture.connection).unwrap();
    assert_eq!((status.counted, status.builds), (20, 2));
}

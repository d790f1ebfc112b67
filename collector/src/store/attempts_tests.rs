use survey::wire::ErrorCode;

use super::*;
use crate::store::intake::{self, Source, SourceKind};

fn questionnaire() -> survey::Questionnaire {
    survey::shipped::shared_questionnaire().unwrap()
}

fn database() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let connection = crate::store::open(dir.path()).unwrap();
    (dir, connection)
}

fn refused(agency: Option<&str>, code: ErrorCode, time: i64) -> Attempt {
    Attempt::new(
        SourceKind::Upload,
        agency.map(str::to_owned),
        &Said::default(),
        Outcome::Refused(code),
        "the upload token is not known or was revoked",
        Timestamp(time),
    )
}

#[test]
fn a_stored_batch_is_recorded_with_what_it_said_and_its_receipt_each_time_it_arrives() {
    let (_dir, mut connection) = database();
    let agencies: Vec<String> = questionnaire()
        .agencies
        .iter()
        .map(|a| a.code.clone())
        .collect();
    let (token, _) =
        crate::store::tokens::add(&connection, &Scope::All, "hackney-cvs", &agencies).unwrap();
    let batch = survey::sample::batch(&questionnaire(), 3, 0..4).unwrap();
    intake::store(&mut connection, &batch, Source::Upload(token)).unwrap();
    intake::store(&mut connection, &batch, Source::Import).unwrap();
    let (rows, total) = list(&connection, &Scope::All, &AttemptFilter::default(), 50, 0).unwrap();
    assert_eq!(total, 2);
    let (again, first) = (&rows[0].attempt, &rows[1].attempt);
    assert!(rows[0].id > rows[1].id, "newest first");
    assert_eq!(first.source, SourceKind::Upload);
    assert_eq!(again.source, SourceKind::Import);
    for attempt in [first, again] {
        assert_eq!(attempt.outcome, Outcome::Stored);
        assert_eq!(attempt.agency.as_deref(), Some("hackney-cvs"));
        assert_eq!(attempt.worker.as_deref(), Some("W012"));
        assert_eq!(attempt.device.as_deref(), Some("tablet-07"));
        assert_eq!((attempt.batch, attempt.count), (Some(batch.id), Some(4)));
    }
    assert_eq!(
        first.counts,
        Some(Counts {
            accepted: 4,
            already_present: 0,
            conflicts: 0,
            visits_accepted: 4
        })
    );
    assert_eq!(
        again.counts,
        Some(Counts {
            accepted: 0,
            already_present: 4,
            conflicts: 0,
            visits_accepted: 0
        })
    );
    assert!(
        again.reason.contains("4 already present"),
        "{}",
        again.reason
    );
}

#[test]
fn a_batch_is_stored_even_when_its_attempt_cannot_be_recorded() {
    let (_dir, mut connection) = database();
    connection.execute_batch("DROP TABLE attempts").unwrap();
    let batch = survey::sample::batch(&questionnaire(), 3, 0..4).unwrap();
    let receipt = intake::store(&mut connection, &batch, Source::Import).unwrap();
    assert_eq!(receipt.accepted, 4);
    let stored: i64 = connection
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 4, "the batch committed without its attempt");
    assert!(record(&connection, &refused(None, ErrorCode::Token, 1)).is_err());
    record_or_warn(&connection, &refused(None, ErrorCode::Token, 1));
}

#[test]
fn a_coordinator_lists_and_opens_only_its_agencys_attempts_and_never_those_without_one() {
    let (_dir, connection) = database();
    let anonymous = record(&connection, &refused(None, ErrorCode::Throttled, 1)).unwrap();
    let ours = record(
        &connection,
        &refused(Some("hackney-cvs"), ErrorCode::TooLarge, 2),
    )
    .unwrap();
    let theirs = record(
        &connection,
        &refused(Some("met-police"), ErrorCode::InvalidBatch, 3),
    )
    .unwrap();
    let own = Scope::Agency("hackney-cvs".into());
    let (rows, total) = list(&connection, &own, &AttemptFilter::default(), 50, 0).unwrap();
    assert_eq!((total, rows.len(), rows[0].id), (1, 1, ours));
    let other = AttemptFilter {
        agency: Some("met-police".into()),
        ..AttemptFilter::default()
    };
    assert_eq!(list(&connection, &own, &other, 50, 0).unwrap().1, 0);
    assert!(matches!(
        one(&connection, &own, theirs),
        Err(AttemptError::NotYours(_))
    ));
    assert!(matches!(
        one(&connection, &own, anonymous),
        Err(AttemptError::NotYours(_))
    ));
    assert!(matches!(
        one(&connection, &own, 999),
        Err(AttemptError::NoSuchAttempt(999))
    ));
    assert_eq!(one(&connection, &own, ours).unwrap().id, ours);
    // An admin sees all three, and one agency's when asked.
    let (rows, total) = list(&connection, &Scope::All, &AttemptFilter::default(), 2, 0).unwrap();
    assert_eq!((total, rows.len(), rows[0].id), (3, 2, theirs));
    assert_eq!(list(&connection, &Scope::All, &other, 50, 0).unwrap().1, 1);
    assert_eq!(
        one(&connection, &Scope::All, anonymous)
            .unwrap()
            .attempt
            .outcome,
        Outcome::Refused(ErrorCode::Throttled)
    );
}

#[test]
fn the_list_shows_refused_or_stored_only_when_asked() {
    let (_dir, mut connection) = database();
    record(&connection, &refused(None, ErrorCode::Token, 1)).unwrap();
    let batch = survey::sample::batch(&questionnaire(), 3, 0..2).unwrap();
    intake::store(&mut connection, &batch, Source::Import).unwrap();
    let showing = |showing| AttemptFilter {
        showing,
        ..AttemptFilter::default()
    };
    let (rows, total) = list(&connection, &Scope::All, &showing(Showing::Refused), 50, 0).unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].attempt.outcome, Outcome::Refused(ErrorCode::Token));
    let (rows, total) = list(&connection, &Scope::All, &showing(Showing::Stored), 50, 0).unwrap();
    assert_eq!((total, rows[0].attempt.outcome), (1, Outcome::Stored));
    assert_eq!(Showing::parse("").unwrap(), Showing::All);
    assert!(Showing::parse("<b>").is_err());
}

#[test]
fn what_a_refused_batch_says_of_itself_is_read_without_its_answers() {
    let batch = survey::sample::batch(&questionnaire(), 3, 0..2).unwrap();
    let tampered = batch.to_json().unwrap().replace("\"W012\"", "\"W013\"");
    let said = Said::read(tampered.as_bytes());
    assert_eq!(said.worker.as_deref(), Some("W013"));
    assert_eq!(said.device.as_deref(), Some("tablet-07"));
    assert_eq!(said.agency.as_deref(), Some("hackney-cvs"));
    assert_eq!((said.batch, said.count), (Some(batch.id), Some(2)));
    assert_eq!(Said::read(b"not json"), Said::default());
    assert_eq!(Said::read(b"[1, 2]"), Said::default());
    let odd = Said::read(
        format!(
            r#"{{"id": 7, "worker": "{}", "device": "a\u001b[31mb", "count": -1}}"#,
            "W".repeat(300)
        )
        .as_bytes(),
    );
    assert_eq!(odd.batch, None);
    assert_eq!(odd.count, None);
    assert!(odd.worker.unwrap().chars().count() <= ECHO_CHARS + 1);
    assert!(!odd.device.unwrap().contains('\u{1b}'));
}

#[test]
fn every_outcome_reads_back_as_itself() {
    let mut outcomes = vec![Outcome::Stored, Outcome::Unreadable, Outcome::Unlisted];
    outcomes.extend(ErrorCode::ALL.into_iter().map(Outcome::Refused));
    for outcome in outcomes {
        assert_eq!(Outcome::parse(outcome.as_str()), outcome);
        assert!(!outcome.label().is_empty());
    }
    assert_eq!(
        Outcome::parse("from-a-newer-collector"),
        Outcome::Refused(ErrorCode::Unknown)
    );
}

#[test]
fn a_long_reason_is_cut() {
    let attempt = Attempt::new(
        SourceKind::Import,
        None,
        &Said::default(),
        Outcome::Unreadable,
        &"x".repeat(MAX_REASON_CHARS * 2),
        Timestamp(1),
    );
    assert_eq!(attempt.reason.chars().count(), MAX_REASON_CHARS);
}

//! The attempts log and the console's Batches and Overview pages, through the real
//! router (and the real binary for `collector import`): every upload attempt is recorded
//! with the reason its sender was given, and each role sees what it may.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use common::console::{agencies, answer, logged_in, page, questionnaire};

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Request, StatusCode};
use collector::http::settings::Settings;
use collector::http::Ops;
use collector::store::attempts::{self, AttemptFilter, AttemptRow, Outcome};
use collector::store::scope::Scope;
use collector::{Dist, Intake};
use serde_json::Value;
use survey::record::{Assignment, Timestamp};
use survey::wire::ErrorCode;
use survey::{Batch, BatchId, QuestionnaireRef};

/// Sample responses and visits `range` by `worker` of `agency`, batch id from `seed`.
fn batch(seed: u64, agency: &str, worker: &str, range: std::ops::Range<usize>) -> Batch {
    let q = questionnaire();
    let assignment = Assignment {
        worker: worker.into(),
        agency: agency.into(),
        device: format!("tablet-{worker}").as_str().into(),
        area: q.areas[0].code.as_str().into(),
    };
    let responses = range
        .clone()
        .map(|index| {
            let mut response = survey::sample::complete_response(&q, index).unwrap();
            response.agency = agency.into();
            response.worker = worker.into();
            response.device = assignment.device.clone();
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

fn json(batch: &Batch) -> String {
    batch.to_json().unwrap()
}

/// A data folder with upload tokens for Hackney CVS and the police, an admin and a
/// coordinator of each, logged in.
struct Setup {
    build: common::FakeBuild,
    data: tempfile::TempDir,
    cvs: String,
    police: String,
    admin: String,
    cvs_coordinator: String,
    police_coordinator: String,
}

impl Setup {
    fn new() -> Setup {
        let data = tempfile::tempdir().unwrap();
        let connection = collector::store::open(data.path()).unwrap();
        let (_, cvs) =
            collector::store::tokens::add(&connection, &Scope::All, "hackney-cvs", &agencies())
                .unwrap();
        let (_, police) =
            collector::store::tokens::add(&connection, &Scope::All, "met-police", &agencies())
                .unwrap();
        Setup {
            admin: logged_in(&connection, "admin@example.org", None),
            cvs_coordinator: logged_in(&connection, "cvs@example.org", Some("hackney-cvs")),
            police_coordinator: logged_in(&connection, "police@example.org", Some("met-police")),
            build: common::FakeBuild::new(),
            data,
            cvs,
            police,
        }
    }

    /// The router as `collector serve` runs it with `settings` and `ops`, every request
    /// from one loopback address.
    fn router_with(&self, settings: &Settings, ops: &Ops) -> axum::Router {
        let dist = Dist::open(&self.build.dist()).unwrap();
        let intake = Intake::open(self.data.path()).unwrap();
        collector::http::app_with(dist, Some(intake), settings, ops)
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))))
    }

    fn router(&self) -> axum::Router {
        self.router_with(&Settings::default(), &Ops::default())
    }

    /// Every attempt recorded, newest first, once there are at least `count` (the
    /// refusals before a batch is read are recorded after their answer).
    fn attempts(&self, count: u64) -> Vec<AttemptRow> {
        let connection = collector::store::open(self.data.path()).unwrap();
        let started = Instant::now();
        loop {
            let (rows, total) =
                attempts::list(&connection, &Scope::All, &AttemptFilter::default(), 500, 0)
                    .unwrap();
            if total >= count || started.elapsed() > Duration::from_secs(10) {
                assert_eq!(total, count, "{rows:#?}");
                return rows;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A body that never sends a byte.
struct Never;

impl http_body::Body for Never {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

fn upload(token: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut request =
        Request::post("/api/v1/batches").header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(body.into()).unwrap()
}

/// Uploads `body` and returns the status and the API's reason (empty when stored).
async fn post(router: &axum::Router, token: Option<&str>, body: impl Into<Body>) -> (u16, String) {
    let (status, text) = answer(router, upload(token, body)).await;
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let reason = value["reason"].as_str().unwrap_or_default().to_owned();
    (status.as_u16(), reason)
}

#[tokio::test]
async fn every_kind_of_upload_attempt_is_recorded_with_the_reason_its_sender_was_given() {
    let setup = Setup::new();
    let settings = Settings {
        failed_tries_burst: 2,
        failed_try_interval: Duration::from_secs(600),
        body_timeout: Duration::from_millis(800),
        busy_wait: Duration::from_millis(100),
        intake_budget: 1024,
        ..Settings::default()
    };
    let router = setup.router_with(&settings, &Ops::default());
    let cvs = Some(setup.cvs.as_str());
    let mut sent: Vec<(u16, String)> = Vec::new();
    let good = batch(1, "hackney-cvs", "W012", 0..4);
    let (status, _) = post(&router, cvs, json(&good)).await;
    assert_eq!(status, 200);
    // The same id with other content.
    sent.push(post(&router, cvs, json(&batch(1, "hackney-cvs", "W012", 0..5))).await);
    let tampered = json(&batch(2, "hackney-cvs", "W012", 4..6)).replace("\"W012\"", "\"W013\"");
    sent.push(post(&router, cvs, tampered).await);
    sent.push(post(&router, cvs, "{\"format\": \"doorstep-batch\", ").await);
    sent.push(
        post(
            &router,
            Some(&setup.police),
            json(&batch(3, "hackney-cvs", "W012", 6..8)),
        )
        .await,
    );
    let declared_too_large = Request::post("/api/v1/batches")
        .header(header::AUTHORIZATION, format!("Bearer {}", setup.cvs))
        .header(header::CONTENT_LENGTH, survey::wire::BODY_LIMIT + 1)
        .body(Body::empty())
        .unwrap();
    let (status, text) = answer(&router, declared_too_large).await;
    let value: Value = serde_json::from_str(&text).unwrap();
    sent.push((
        status.as_u16(),
        value["reason"].as_str().unwrap().to_owned(),
    ));
    // A body that never comes takes the whole budget: the next upload finds the
    // collector busy, and the first is cut off as too slow.
    let slow = tokio::spawn({
        let router = router.clone();
        let request = upload(cvs, Body::new(Never));
        async move { answer(&router, request).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    sent.push(post(&router, cvs, json(&batch(4, "hackney-cvs", "W012", 8..9))).await);
    let (status, text) = slow.await.unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    sent.push((
        status.as_u16(),
        value["reason"].as_str().unwrap().to_owned(),
    ));
    // Without a token, with a wrong one, and then throttled.
    let some = json(&batch(5, "hackney-cvs", "W012", 9..10));
    sent.push(post(&router, None, some.clone()).await);
    sent.push(post(&router, Some("dst_not-a-real-token"), some.clone()).await);
    sent.push(post(&router, cvs, some).await);
    let statuses: Vec<u16> = sent.iter().map(|(status, _)| *status).collect();
    assert_eq!(
        statuses,
        vec![409, 422, 400, 403, 413, 503, 408, 401, 401, 429]
    );

    let rows = setup.attempts(11);
    let stored = &rows.last().unwrap().attempt;
    assert_eq!(stored.outcome, Outcome::Stored);
    assert_eq!(stored.counts.unwrap().accepted, 4);
    assert_eq!(stored.worker.as_deref(), Some("W012"));
    // The refusals, in the order sent (the early ones may be written in any order).
    let mut refused: Vec<&attempts::Attempt> = rows[..10].iter().map(|r| &r.attempt).collect();
    refused.reverse();
    let code = |status| {
        ErrorCode::ALL
            .into_iter()
            .find(|code| code.status() == status)
            .unwrap()
    };
    for (status, reason) in &sent {
        let found = refused
            .iter()
            .find(|a| a.outcome == Outcome::Refused(code(*status)) && &a.reason == reason);
        assert!(
            found.is_some(),
            "{status} {reason:?} not recorded: {refused:#?}"
        );
    }
    let of = |code: ErrorCode| {
        refused
            .iter()
            .filter(|a| a.outcome == Outcome::Refused(code))
            .collect::<Vec<_>>()
    };
    let tampered = of(ErrorCode::InvalidBatch)[0];
    assert_eq!(tampered.agency.as_deref(), Some("hackney-cvs"));
    assert_eq!(
        tampered.worker.as_deref(),
        Some("W013"),
        "what it said of itself"
    );
    assert_eq!(tampered.device.as_deref(), Some("tablet-W012"));
    assert_eq!(tampered.count, Some(2));
    let police = of(ErrorCode::Agency)[0];
    assert_eq!(
        police.agency.as_deref(),
        Some("met-police"),
        "the token's agency"
    );
    assert_eq!(police.worker.as_deref(), Some("W012"));
    let reused = of(ErrorCode::Conflict)[0];
    assert_eq!(reused.batch, Some(good.id));
    for early in [ErrorCode::TooLarge, ErrorCode::Busy, ErrorCode::TooSlow] {
        let attempt = of(early)[0];
        assert_eq!(attempt.agency.as_deref(), Some("hackney-cvs"), "{early:?}");
        assert_eq!(attempt.worker, None, "its batch was not read");
    }
    for anonymous in [ErrorCode::Token, ErrorCode::Throttled] {
        assert!(of(anonymous).iter().all(|a| a.agency.is_none()));
    }
    // Nothing recorded holds a token.
    for row in &rows {
        for token in [&setup.cvs, &setup.police] {
            assert!(!format!("{row:?}").contains(token.as_str()));
        }
    }
}

#[tokio::test]
async fn an_upload_refused_while_the_collector_stops_is_recorded_too() {
    let setup = Setup::new();
    let ops = Ops::default();
    let router = setup.router_with(&Settings::default(), &ops);
    ops.draining.start();
    let (status, reason) = post(
        &router,
        Some(&setup.cvs),
        json(&batch(1, "hackney-cvs", "W012", 0..2)),
    )
    .await;
    assert_eq!(status, 503);
    let rows = setup.attempts(1);
    assert_eq!(rows[0].attempt.outcome, Outcome::Refused(ErrorCode::Busy));
    assert_eq!(rows[0].attempt.reason, reason);
    assert_eq!(
        rows[0].attempt.agency, None,
        "refused before its token was read"
    );
}

/// Ids of the recorded attempts: (one stored for Hackney CVS, the police token's
/// refusal, a wrong token's refusal).
async fn some_attempts(setup: &Setup, router: &axum::Router) -> (i64, i64, i64) {
    let (status, _) = post(
        router,
        Some(&setup.cvs),
        json(&batch(1, "hackney-cvs", "W012", 0..3)),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        router,
        Some(&setup.police),
        json(&batch(2, "hackney-cvs", "W012", 3..4)),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post(router, Some("dst_wrong"), "{}").await;
    assert_eq!(status, 401);
    let rows = setup.attempts(3);
    let id = |outcome: Outcome| {
        rows.iter()
            .find(|r| r.attempt.outcome == outcome)
            .unwrap()
            .id
    };
    (
        id(Outcome::Stored),
        id(Outcome::Refused(ErrorCode::Agency)),
        id(Outcome::Refused(ErrorCode::Token)),
    )
}

#[tokio::test]
async fn the_batches_page_shows_a_coordinator_its_agencys_attempts_and_an_admin_all() {
    let setup = Setup::new();
    let router = setup.router();
    let (stored, police, wrong) = some_attempts(&setup, &router).await;
    let wrong_reason = "the upload token is not known or was revoked";
    let police_reason = "the upload token is for agency met-police";

    let (status, admin) = page(&router, &setup.admin, "/console/batches").await;
    assert_eq!(status, StatusCode::OK);
    assert!(admin.contains("3 attempts"), "{admin}");
    assert!(admin.contains(wrong_reason) && admin.contains(police_reason));
    assert!(admin.contains("refused: upload token not valid"));
    let (_, refused_only) = page(&router, &setup.admin, "/console/batches?showing=refused").await;
    assert!(refused_only.contains("2 attempts") && !refused_only.contains(">stored<"));
    let (_, one_agency) = page(&router, &setup.admin, "/console/batches?agency=met-police").await;
    assert!(one_agency.contains("1 attempt") && one_agency.contains(police_reason));

    let (status, cvs) = page(&router, &setup.cvs_coordinator, "/console/batches").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cvs.contains("1 attempt") && cvs.contains("W012"), "{cvs}");
    assert!(!cvs.contains(wrong_reason) && !cvs.contains(police_reason));
    let (_, police_page) = page(&router, &setup.police_coordinator, "/console/batches").await;
    assert!(police_page.contains("1 attempt") && police_page.contains(police_reason));

    let one = |id: i64| format!("/console/batches/{id}");
    let (status, detail) = page(&router, &setup.cvs_coordinator, &one(stored)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(detail.contains("What to do") && detail.contains("tablet-W012"));
    for (id, why) in [(police, "another agency's"), (wrong, "without an agency")] {
        let (status, body) = page(&router, &setup.cvs_coordinator, &one(id)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{why}: {body}");
        assert!(!body.contains(wrong_reason) && !body.contains(police_reason));
    }
    assert_eq!(
        page(&router, &setup.admin, &one(wrong)).await.0,
        StatusCode::OK
    );
    for missing in ["/console/batches/99999", "/console/batches/not-a-number"] {
        assert_eq!(
            page(&router, &setup.admin, missing).await.0,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        page(&router, &setup.admin, "/console/batches?showing=%3Cb%3E")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (status, _) = page(&router, "doorstep_session=nobody", "/console/batches").await;
    assert!(status.is_redirection(), "to the log-in page");
}

#[tokio::test]
async fn the_overview_counts_a_coordinators_own_records_in_full_and_every_agencys_hidden_when_small(
) {
    let setup = Setup::new();
    let router = setup.router();
    let uploads = [
        (&setup.cvs, batch(1, "hackney-cvs", "W012", 0..18)),
        (&setup.cvs, batch(2, "hackney-cvs", "W020", 18..30)),
        (&setup.police, batch(3, "met-police", "P007", 30..33)),
    ];
    for (token, batch) in &uploads {
        let (status, reason) = post(&router, Some(token), json(batch)).await;
        assert_eq!(status, 200, "{reason}");
    }
    let (status, admin) = page(&router, &setup.admin, "/console/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(admin.contains("In total, every agency"));
    assert!(admin.contains("<td class=\"n\">33</td>"), "33 responses");
    assert!(admin.contains("P007") && admin.contains("W020"));
    assert!(admin.contains("Per agency") && !admin.contains("Every agency, per agency"));
    assert!(admin.contains("Contact rate"));

    let (status, cvs) = page(&router, &setup.cvs_coordinator, "/console/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cvs.contains("In total, hackney-cvs"));
    assert!(cvs.contains("<td class=\"n\">30</td>"), "its own 30");
    assert!(cvs.contains("W012") && cvs.contains("W020"));
    assert!(!cvs.contains("P007"), "never another agency's workers");
    // Every agency's totals: the police's 3 are hidden, and so are Hackney CVS's 30
    // (beside the total of 33 they would give the 3 away).
    let start = cvs
        .find("Every agency, per agency")
        .expect("every agency's totals");
    let table = &cvs[start..start + cvs[start..].find("</table>").unwrap()];
    let police_row = &table[table.find("Metropolitan Police").unwrap()..];
    let police_row = &police_row[..police_row.find("</tr>").unwrap()];
    assert!(police_row.contains(">hidden<"), "{table}");
    assert!(!table.contains(">3<") && !table.contains(">30<"), "{table}");
    assert!(table.contains(">33<"), "the total is shown: {table}");

    let (_, police) = page(&router, &setup.police_coordinator, "/console/overview").await;
    assert!(police.contains("In total, met-police"));
    assert!(!police.contains("W012"));
    // Another agency's records by filter: nothing of them at record level.
    let (_, asked) = page(
        &router,
        &setup.police_coordinator,
        "/console/overview?agency=hackney-cvs",
    )
    .await;
    assert!(!asked.contains("W012"));

    let (status, _) = page(&router, &setup.admin, "/console/overview?area=%3Cb%3E").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let ward = &questionnaire().areas[0].code;
    let (status, one_ward) = page(
        &router,
        &setup.cvs_coordinator,
        &format!("/console/overview?area={ward}&from=2024-05-01&to=2024-05-01"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(one_ward.contains("Fewer than 10 responses of every agency"));
}

fn collector(data: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap()
}

#[test]
fn every_imported_file_is_recorded_refused_or_not() {
    let data = tempfile::tempdir().unwrap();
    let good = data.path().join("good.json");
    let damaged = data.path().join("damaged.json");
    let police = data.path().join("police.json");
    std::fs::write(&good, json(&batch(1, "hackney-cvs", "W012", 0..3))).unwrap();
    std::fs::write(
        &damaged,
        json(&batch(2, "hackney-cvs", "W012", 3..5)).replace("\"W012\"", "\"W013\""),
    )
    .unwrap();
    std::fs::write(
        &police,
        json(&batch(3, "met-police", "P007", 5..6)).replace("\"P007\"", "\"P008\""),
    )
    .unwrap();
    let missing = data.path().join("missing.json");
    let files = [&good, &damaged, &police, &missing].map(|p| p.to_str().unwrap().to_owned());
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    let output = collector(data.path(), &args);
    assert!(!output.status.success());
    let connection = collector::store::open(data.path()).unwrap();
    let (rows, total) =
        attempts::list(&connection, &Scope::All, &AttemptFilter::default(), 50, 0).unwrap();
    assert_eq!(total, 4, "{rows:#?}");
    let rows: Vec<&attempts::Attempt> = rows.iter().rev().map(|r| &r.attempt).collect();
    assert!(rows
        .iter()
        .all(|a| a.source == collector::store::intake::SourceKind::Import));
    assert_eq!(rows[0].outcome, Outcome::Stored);
    assert_eq!(rows[1].outcome, Outcome::Refused(ErrorCode::InvalidBatch));
    assert!(rows[1].reason.starts_with("damaged.json: ") && rows[1].reason.contains("checksum"));
    assert_eq!(
        (rows[1].agency.as_deref(), rows[1].worker.as_deref()),
        (Some("hackney-cvs"), Some("W013"))
    );
    assert_eq!(rows[2].agency.as_deref(), Some("met-police"));
    assert_eq!(rows[3].outcome, Outcome::Unreadable);
    assert_eq!(rows[3].agency, None);
    // A police coordinator sees its file's attempt and none of Hackney CVS's.
    let (own, _) = attempts::list(
        &connection,
        &Scope::Agency("met-police".into()),
        &AttemptFilter::default(),
        50,
        0,
    )
    .unwrap();
    assert_eq!(own.len(), 1);
}

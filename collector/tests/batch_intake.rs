//! Batch intake on a real SQLite file, through the real router (and the real binary for
//! the subcommands): exactly once, whatever arrives and however often.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::path::Path;
use std::process::Command;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Request, StatusCode};
use collector::http::settings::{parse_origin, Settings};
use collector::store::scope::Scope;
use collector::store::tokens::TokenId;
use collector::{Dist, Intake};
use http_body_util::BodyExt;
use serde_json::Value;
use survey::Questionnaire;
use tower::ServiceExt;

fn questionnaire() -> Questionnaire {
    survey::shipped::shared_questionnaire().unwrap()
}

/// A sample batch of responses `range` (batch id from `seed`), as JSON.
fn batch_json(seed: u64, range: std::ops::Range<usize>) -> String {
    survey::sample::batch(&questionnaire(), seed, range)
        .unwrap()
        .to_json()
        .unwrap()
}

struct Setup {
    build: common::FakeBuild,
    data: tempfile::TempDir,
    token: String,
}

impl Setup {
    /// A data folder with a token for hackney-cvs (the sample batches' agency).
    fn new() -> Setup {
        let data = tempfile::tempdir().unwrap();
        let connection = collector::store::open(data.path()).unwrap();
        let agencies: Vec<String> = questionnaire()
            .agencies
            .iter()
            .map(|a| a.code.clone())
            .collect();
        let (_, token) =
            collector::store::tokens::add(&connection, &Scope::All, "hackney-cvs", &agencies)
                .unwrap();
        Setup {
            build: common::FakeBuild::new(),
            data,
            token,
        }
    }

    fn router(&self) -> axum::Router {
        self.router_with(&Settings::default())
    }

    /// The router as `collector serve` runs it with `settings`; in process, the peer
    /// address the server gives every request is a loopback one.
    fn router_with(&self, settings: &Settings) -> axum::Router {
        let dist = Dist::open(&self.build.dist()).unwrap();
        let intake = Intake::open(self.data.path()).unwrap();
        collector::http::app(dist, Some(intake), settings)
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))))
    }

    fn count(&self, table: &str) -> i64 {
        let connection = collector::store::open(self.data.path()).unwrap();
        connection
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

async fn post(
    router: &axum::Router,
    token: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let mut request =
        Request::post("/api/v1/batches").header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

#[tokio::test]
async fn a_good_batch_is_stored_and_receipted() {
    let setup = Setup::new();
    let router = setup.router();
    let json = batch_json(1, 0..10);
    let (status, receipt) = post(&router, Some(&setup.token), json.clone()).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let batch: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(receipt["batch"], batch["id"]);
    assert_eq!(receipt["accepted"], 10);
    assert_eq!(receipt["already_present"], 0);
    assert_eq!(receipt["visits_accepted"], 10);
    assert_eq!(setup.count("responses"), 10);
    assert_eq!(setup.count("visits"), 10);
    assert_eq!(setup.count("batches"), 1);
}

#[tokio::test]
async fn the_same_batch_again_stores_nothing_new() {
    let setup = Setup::new();
    let router = setup.router();
    let json = batch_json(1, 0..10);
    post(&router, Some(&setup.token), json.clone()).await;
    let (status, receipt) = post(&router, Some(&setup.token), json).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(receipt["accepted"], 0);
    assert_eq!(receipt["already_present"], 10);
    assert_eq!(receipt["visits_already_present"], 10);
    assert_eq!(setup.count("responses"), 10);
    assert_eq!(setup.count("batches"), 1);
}

#[tokio::test]
async fn overlapping_batches_store_each_response_once() {
    let setup = Setup::new();
    let router = setup.router();
    post(&router, Some(&setup.token), batch_json(1, 0..10)).await;
    let (status, receipt) = post(&router, Some(&setup.token), batch_json(2, 5..15)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(receipt["accepted"], 5);
    assert_eq!(receipt["already_present"], 5);
    assert_eq!(setup.count("responses"), 15);
    assert_eq!(setup.count("batches"), 2);
}

#[tokio::test]
async fn an_uploaded_batch_keeps_its_token_and_the_token_list_counts_what_it_brought() {
    let setup = Setup::new();
    let router = setup.router();
    let connection = collector::store::open(setup.data.path()).unwrap();
    let before = collector::store::tokens::list_for(&connection, &Scope::All).unwrap();
    assert_eq!((before[0].last_used, before[0].responses), (None, 0));
    post(&router, Some(&setup.token), batch_json(1, 0..10)).await;
    let (status, _) = post(&router, Some(&setup.token), batch_json(2, 5..15)).await;
    assert_eq!(status, StatusCode::OK);
    let kept: Vec<Option<i64>> = connection
        .prepare("SELECT token FROM batches ORDER BY received")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kept, [Some(1), Some(1)]);
    let after = collector::store::tokens::list_for(&connection, &Scope::All).unwrap();
    assert_eq!(after[0].responses, 15, "each response counted once");
    assert!(after[0].last_used.is_some());
    // A refused upload is not a use.
    let (status, _) = post(&router, Some(&setup.token), "[1, 2, 3]").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let list = |scope: Scope| collector::store::tokens::list_for(&connection, &scope).unwrap();
    assert_eq!(list(Scope::All), after);
    // Its agency's coordinator sees it; another agency's sees none.
    assert_eq!(list(Scope::Agency("hackney-cvs".into())), after);
    assert!(list(Scope::Agency("hackney-council".into())).is_empty());
}

#[tokio::test]
async fn a_missing_unknown_or_revoked_token_is_refused() {
    let setup = Setup::new();
    let router = setup.router();
    let json = batch_json(1, 0..3);
    let (status, body) = post(&router, None, json.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "token");
    let (status, body) = post(&router, Some("dst_not-a-real-token"), json.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["reason"]
        .as_str()
        .unwrap()
        .contains("not known or was revoked"));
    let connection = collector::store::open(setup.data.path()).unwrap();
    collector::store::tokens::revoke_in(&connection, &Scope::All, TokenId(1)).unwrap();
    let (status, _) = post(&router, Some(&setup.token), json).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(setup.count("responses"), 0);
}

#[tokio::test]
async fn a_token_of_another_agency_is_refused() {
    let setup = Setup::new();
    let connection = collector::store::open(setup.data.path()).unwrap();
    let agencies: Vec<String> = questionnaire()
        .agencies
        .iter()
        .map(|a| a.code.clone())
        .collect();
    let (_, police) =
        collector::store::tokens::add(&connection, &Scope::All, "met-police", &agencies).unwrap();
    let (status, body) = post(&setup.router(), Some(&police), batch_json(1, 0..3)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "agency");
    assert_eq!(setup.count("responses"), 0);
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_reason() {
    let setup = Setup::new();
    let (status, body) = post(
        &setup.router(),
        Some(&setup.token),
        "{\"format\": \"doorstep-batch\", ",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "malformed");
    assert!(!body["reason"].as_str().unwrap().is_empty());
    let (status, _) = post(&setup.router(), Some(&setup.token), "[1, 2, 3]").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_tampered_checksum_is_a_422_and_nothing_is_stored() {
    let setup = Setup::new();
    let mut batch: Value = serde_json::from_str(&batch_json(1, 0..4)).unwrap();
    batch["responses"][2]["a"]["CONSENT"] = Value::from(1);
    batch["responses"][0]["w"] = Value::from("W999");
    let (status, body) = post(&setup.router(), Some(&setup.token), batch.to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "invalid_batch");
    assert!(
        body["reason"].as_str().unwrap().contains("checksum"),
        "{body}"
    );
    assert_eq!(setup.count("responses"), 0);
    assert_eq!(setup.count("batches"), 0);
}

#[tokio::test]
async fn an_unknown_questionnaire_version_is_a_422() {
    let setup = Setup::new();
    let mut batch = survey::sample::batch(&questionnaire(), 1, 0..2).unwrap();
    batch.questionnaire.version = 99;
    for response in &mut batch.responses {
        response.questionnaire.version = 99;
    }
    batch.checksum = batch.compute_checksum().unwrap();
    let (status, body) = post(
        &setup.router(),
        Some(&setup.token),
        batch.to_json().unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["reason"].as_str().unwrap().contains("version 99"),
        "{body}"
    );
    assert_eq!(setup.count("responses"), 0);
}

#[tokio::test]
async fn an_oversized_body_is_a_413_with_a_json_reason() {
    let setup = Setup::new();
    let huge = vec![b' '; survey::wire::BODY_LIMIT + 1];
    let (status, body) = post(&setup.router(), Some(&setup.token), huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "too_large");
    assert_eq!(setup.count("responses"), 0);
}

/// A CORS preflight for an upload from a page of `origin`.
fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method("OPTIONS")
        .uri("/api/v1/batches")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
        )
        .body(Body::empty())
        .unwrap()
}

// Until issue 10 this test was `the_app_may_upload_from_another_origin` and expected
// `Access-Control-Allow-Origin: *`: any page could upload. The collector serves the app
// itself, so uploads are same-origin; now only the origins a coordinator names with
// `--cors-origin` get CORS, and none by default.
#[tokio::test]
async fn only_the_origins_configured_may_upload_from_another_origin() {
    let setup = Setup::new();
    let response = setup
        .router()
        .oneshot(preflight("https://tablet.example"))
        .await
        .unwrap();
    assert!(
        !response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "none by default"
    );

    let settings = Settings {
        cors_origins: vec![parse_origin("https://tablet.example").unwrap()],
        ..Settings::default()
    };
    let response = setup
        .router_with(&settings)
        .oneshot(preflight("https://tablet.example"))
        .await
        .unwrap();
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://tablet.example"
    );
    let allowed = headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");

    let response = setup
        .router_with(&settings)
        .oneshot(preflight("https://elsewhere.example"))
        .await
        .unwrap();
    assert!(!response
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

/// The app asks the health check whether the collector can be reached: from another
/// origin only if a coordinator named it, as for uploads.
#[tokio::test]
async fn only_the_origins_configured_may_ask_the_health_check_from_another_origin() {
    let setup = Setup::new();
    let ask = |origin: &str| {
        Request::builder()
            .uri("/api/v1/health")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap()
    };
    let response = setup
        .router()
        .oneshot(ask("https://tablet.example"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        !response
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "none by default"
    );

    let settings = Settings {
        cors_origins: vec![parse_origin("https://tablet.example").unwrap()],
        ..Settings::default()
    };
    let response = setup
        .router_with(&settings)
        .oneshot(ask("https://tablet.example"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://tablet.example"
    );
    let response = setup
        .router_with(&settings)
        .oneshot(ask("https://elsewhere.example"))
        .await
        .unwrap();
    assert!(!response
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_overlapping_uploads_end_with_the_right_rows() {
    let setup = Setup::new();
    let router = setup.router();
    // Batch i holds responses 5i .. 5i+20: neighbours overlap; 0..115 in all.
    let uploads = (0..20u64).map(|i| {
        let router = router.clone();
        let token = setup.token.clone();
        let json = batch_json(i, (5 * i as usize)..(5 * i as usize + 20));
        tokio::spawn(async move { post(&router, Some(&token), json).await })
    });
    let mut accepted = 0;
    for upload in uploads {
        let (status, receipt) = upload.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{receipt}");
        accepted += receipt["accepted"].as_i64().unwrap();
        assert_eq!(
            receipt["accepted"].as_i64().unwrap() + receipt["already_present"].as_i64().unwrap(),
            20
        );
    }
    assert_eq!(
        accepted, 115,
        "the receipts' new responses add up to the rows"
    );
    assert_eq!(setup.count("responses"), 115);
    assert_eq!(setup.count("visits"), 115);
    assert_eq!(setup.count("batches"), 20);
}

fn collector(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap()
}

#[tokio::test]
async fn importing_a_file_equals_uploading_it() {
    let setup = Setup::new();
    let file = setup
        .data
        .path()
        .join("doorstep-W012-2024-05-01-abcd1234.json");
    std::fs::write(&file, batch_json(1, 0..8)).unwrap();
    let output = collector(setup.data.path(), &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("8 new, 0 already present"), "{printed}");
    assert_eq!(setup.count("responses"), 8);
    // The same batch uploaded afterwards adds nothing.
    let (status, receipt) = post(&setup.router(), Some(&setup.token), batch_json(1, 0..8)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(receipt["accepted"], 0);
    assert_eq!(receipt["already_present"], 8);
    assert_eq!(setup.count("responses"), 8);
    // And importing it again says so.
    let output = collector(setup.data.path(), &["import", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 new, 8 already present"));
}

#[test]
fn a_damaged_file_is_rejected_by_import_with_the_reason() {
    let data = tempfile::tempdir().unwrap();
    let good = data.path().join("good.json");
    let bad = data.path().join("bad.json");
    std::fs::write(&good, batch_json(1, 0..2)).unwrap();
    std::fs::write(&bad, batch_json(2, 2..4).replace("\"W012\"", "\"W013\"")).unwrap();
    let output = collector(
        data.path(),
        &["import", good.to_str().unwrap(), bad.to_str().unwrap()],
    );
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("bad.json: rejected") && errors.contains("checksum"),
        "{errors}"
    );
    assert!(
        errors.contains("1 of 2 files were not imported"),
        "{errors}"
    );
}

#[test]
fn tokens_are_added_listed_and_revoked_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let output = collector(
        data.path(),
        &["token", "add", "--agency", "hackney-council"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(token.starts_with("dst_"), "{token}");
    let listed = collector(data.path(), &["token", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("hackney-council") && listed.contains(&token[..12]),
        "{listed}"
    );
    assert!(
        !listed.contains(&token),
        "the list never shows a whole token"
    );
    assert!(collector(data.path(), &["token", "revoke", "1"])
        .status
        .success());
    let listed = collector(data.path(), &["token", "list"]);
    assert!(!String::from_utf8_lossy(&listed.stdout)
        .lines()
        .last()
        .unwrap()
        .ends_with(" -"));
    let unknown = collector(data.path(), &["token", "add", "--agency", "nobody"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown agency"));
}

#[test]
fn export_writes_every_stored_response_and_the_codebook() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("batch.json");
    std::fs::write(&file, batch_json(1, 0..12)).unwrap();
    assert!(collector(data.path(), &["import", file.to_str().unwrap()])
        .status
        .success());
    let csv = data.path().join("all.csv");
    let codebook = data.path().join("codebook.csv");
    let output = collector(
        data.path(),
        &[
            "export",
            "--csv",
            csv.to_str().unwrap(),
            "--codebook",
            codebook.to_str().unwrap(),
            "--language",
            "tr",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let header = text.lines().next().unwrap();
    assert!(header.contains("CONSENT"), "{header}");
    let rows = survey::csv_export::responses_csv(
        &questionnaire(),
        &(0..12)
            .map(|i| survey::sample::complete_response(&questionnaire(), i).unwrap())
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        text.trim_start_matches('\u{feff}').matches("\r\n").count(),
        rows.matches("\r\n").count()
    );
    assert!(std::fs::read_to_string(&codebook).unwrap().contains("Evet"));
}

/// A batch (id from `seed`) of `responses` handed in by sample worker W012 of `agency`,
/// with no visits.
fn batch_of(seed: u64, agency: &str, responses: Vec<survey::Response>) -> survey::Batch {
    let mut assignment = survey::sample::assignment(&questionnaire(), 0);
    assignment.agency = agency.into();
    survey::Batch::new(
        survey::BatchId::from(survey::sample::time_ordered(1_714_600_000_000, seed + 500)),
        survey::record::Timestamp(1_714_600_000_000),
        &assignment,
        survey::QuestionnaireRef::of(&questionnaire()),
        responses,
        vec![],
    )
    .unwrap()
}

fn sample_response(index: usize) -> survey::Response {
    survey::sample::complete_response(&questionnaire(), index).unwrap()
}

/// Sample response `index` with one text answer changed, as an interview edited on the
/// tablet after it was handed in.
fn edited_response(index: usize) -> survey::Response {
    let mut response = sample_response(index);
    let (_, answer) = response
        .answers
        .iter_mut()
        .find(|(_, answer)| matches!(answer, survey::Answer::Text(_)))
        .expect("a text answer to edit");
    *answer = survey::Answer::Text("changed after it was handed in".into());
    response
}

fn stored_json(setup: &Setup, id: survey::ResponseId) -> String {
    let connection = collector::store::open(setup.data.path()).unwrap();
    connection
        .query_row(
            "SELECT json FROM responses WHERE id = ?1",
            [&id.uuid().as_bytes()[..]],
            |r| r.get(0),
        )
        .unwrap()
}

#[tokio::test]
async fn an_edited_re_upload_is_kept_as_a_conflict_not_dropped_nor_stored_over() {
    let setup = Setup::new();
    let router = setup.router();
    let first = batch_json(1, 0..5);
    let (status, _) = post(&router, Some(&setup.token), first).await;
    assert_eq!(status, StatusCode::OK);
    let original = stored_json(&setup, sample_response(2).id);
    // Responses 0..5 again in another batch, response 2 edited.
    let responses = (0..5)
        .map(|i| {
            if i == 2 {
                edited_response(i)
            } else {
                sample_response(i)
            }
        })
        .collect();
    let edited = batch_of(2, "hackney-cvs", responses);
    let (status, receipt) = post(&router, Some(&setup.token), edited.to_json().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["accepted"], 0);
    assert_eq!(receipt["already_present"], 4);
    assert_eq!(receipt["conflicts"], 1);
    assert_eq!(setup.count("responses"), 5);
    assert_eq!(setup.count("conflicts"), 1);
    assert_eq!(
        stored_json(&setup, sample_response(2).id),
        original,
        "the stored response is not overwritten"
    );
    let connection = collector::store::open(setup.data.path()).unwrap();
    let (batch, agency, worker, reason, json): (Vec<u8>, String, String, String, String) =
        connection
            .query_row(
                "SELECT batch, agency, worker, reason, json FROM conflicts",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
    assert_eq!(batch, edited.id.uuid().as_bytes());
    assert_eq!((agency.as_str(), worker.as_str()), ("hackney-cvs", "W012"));
    assert_eq!(reason, "other_content");
    assert!(json.contains("changed after it was handed in"), "{json}");
    // The batch row keeps the receipt's counts.
    let counts: (i64, i64, i64) = connection
        .query_row(
            "SELECT accepted, already_present, conflicts FROM batches WHERE id = ?1",
            [&edited.id.uuid().as_bytes()[..]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(counts, (0, 4, 1));
    // The same edited batch again: a plain repeat, still counted, kept once.
    let (status, receipt) = post(&router, Some(&setup.token), edited.to_json().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            receipt["already_present"].as_i64(),
            receipt["conflicts"].as_i64()
        ),
        (Some(4), Some(1))
    );
    assert_eq!(setup.count("conflicts"), 1);
}

#[tokio::test]
async fn a_batch_id_reused_with_other_content_is_a_409_and_nothing_is_stored() {
    let setup = Setup::new();
    let router = setup.router();
    let first = survey::sample::batch(&questionnaire(), 1, 0..3).unwrap();
    let (status, _) = post(&router, Some(&setup.token), first.to_json().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    // Another batch under the same id: other responses, so another checksum.
    let mut reused = survey::sample::batch(&questionnaire(), 9, 3..6).unwrap();
    reused.id = first.id;
    for response in &mut reused.responses {
        response.batch = Some(first.id);
    }
    reused.checksum = reused.compute_checksum().unwrap();
    let (status, body) = post(&router, Some(&setup.token), reused.to_json().unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "conflict");
    let reason = body["reason"].as_str().unwrap();
    assert!(
        reason.contains(&first.id.to_string()) && reason.contains("never reused"),
        "{reason}"
    );
    assert_eq!(setup.count("responses"), 3);
    assert_eq!(setup.count("visits"), 3);
    assert_eq!(setup.count("batches"), 1);
    assert_eq!(setup.count("conflicts"), 0);
    // The first batch again (same checksum) is a plain repeat.
    let (status, receipt) = post(&router, Some(&setup.token), first.to_json().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(receipt["already_present"], 3);
}

#[tokio::test]
async fn random_v4_ids_still_go_in_once() {
    let setup = Setup::new();
    let router = setup.router();
    let responses: Vec<survey::Response> = (0..4)
        .map(|i| {
            let mut response = sample_response(i);
            response.id =
                survey::ResponseId::from_random_bytes(survey::sample::bytes(i as u64 + 4242));
            response
        })
        .collect();
    let mut batch = batch_of(3, "hackney-cvs", responses);
    batch.id = survey::BatchId::from_random_bytes([0x42; 16]);
    for response in &mut batch.responses {
        response.batch = Some(batch.id);
    }
    batch.checksum = batch.compute_checksum().unwrap();
    let json = batch.to_json().unwrap();
    let (status, receipt) = post(&router, Some(&setup.token), json.clone()).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["accepted"], 4);
    let (_, receipt) = post(&router, Some(&setup.token), json).await;
    assert_eq!(receipt["already_present"], 4);
    assert_eq!(setup.count("responses"), 4);
}

#[test]
fn keys_are_stored_as_sixteen_bytes() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("batch.json");
    std::fs::write(&file, batch_json(1, 0..3)).unwrap();
    assert!(collector(data.path(), &["import", file.to_str().unwrap()])
        .status
        .success());
    let connection = collector::store::open(data.path()).unwrap();
    for table in ["batches", "responses", "visits"] {
        let (kind, length): (String, i64) = connection
            .query_row(
                &format!("SELECT typeof(id), length(id) FROM {table} LIMIT 1"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((kind.as_str(), length), ("blob", 16), "{table}");
    }
}

#[test]
fn a_stored_response_takes_under_2100_bytes_on_disk() {
    // The first schema took 2,331 (text keys, columns repeating the JSON, 4 KB pages).
    // 5,000 sample responses with their visits, in batches of 50, through the store.
    // What a database holds before any response (empty tables, the stored questionnaire
    // versions) is not counted.
    let data = tempfile::tempdir().unwrap();
    let mut connection = collector::store::open(data.path()).unwrap();
    let size = |connection: &rusqlite::Connection| -> i64 {
        connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        connection
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let empty = size(&connection);
    let q = questionnaire();
    let pool = survey::sample::Pool::new(&q, 100).unwrap();
    for batch in 0..100 {
        let batch = pool
            .batch(&q, batch, batch as usize * 50..batch as usize * 50 + 50)
            .unwrap();
        collector::store::intake::store(
            &mut connection,
            &batch,
            collector::store::intake::Source::Import,
        )
        .unwrap();
    }
    let per_response = (size(&connection) - empty) / 5_000;
    println!("{per_response} bytes per response on disk");
    assert!(per_response < 2_100, "{per_response} bytes per response");
}

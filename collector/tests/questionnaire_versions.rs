//! The questionnaire as the partnership publishes it: a new version added and published
//! from the command line (the real binary on the real database file) is accepted in
//! batches by a running collector and fetched by tablets, an unchanged version costs a
//! `304`, and a version that breaks the publish rules is refused with the question named.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Request, StatusCode};
use collector::http::settings::Settings;
use collector::store::scope::Scope;
use collector::{Dist, Intake};
use http_body_util::BodyExt;
use survey::questionnaire::QuestionKind;
use survey::wire::CURRENT_QUESTIONNAIRE_PATH;
use survey::Questionnaire;
use tower::ServiceExt;

fn v1() -> Questionnaire {
    survey::shipped::shared_questionnaire().unwrap()
}

/// Version 2: a question added, one label changed in Turkish.
fn v2() -> Questionnaire {
    let mut q = v1();
    q.version = 2;
    let home = q.sections.iter_mut().find(|s| s.id == "home").unwrap();
    let tenure = home
        .questions
        .iter_mut()
        .find(|question| question.code.0 == "TENURE")
        .unwrap();
    let QuestionKind::SingleChoice { options } = &mut tenure.kind else {
        panic!("TENURE is single choice");
    };
    options[3]
        .label
        .0
        .insert(survey::LanguageCode("tr".into()), "Kiracıyız".into());
    let mut added = home.questions[0].clone();
    added.code = "HOME_OFFICE".into();
    home.questions.push(added);
    q
}

/// The records of a CSV text (RFC 4180: quoted fields may hold commas, quotes doubled,
/// line breaks).
fn records(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

fn collector(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

struct Served {
    _build: common::FakeBuild,
    router: axum::Router,
    token: String,
}

fn serve(data: &Path) -> Served {
    let connection = collector::store::open(data).unwrap();
    let agencies: Vec<String> = v1().agencies.iter().map(|a| a.code.clone()).collect();
    let (_, token) =
        collector::store::tokens::add(&connection, &Scope::All, "hackney-cvs", &agencies).unwrap();
    let build = common::FakeBuild::new();
    let dist = Dist::open(&build.dist()).unwrap();
    let intake = Intake::open(data).unwrap();
    let router = collector::http::app(dist, Some(intake), &Settings::default())
        .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
    Served {
        _build: build,
        router,
        token,
    }
}

impl Served {
    async fn upload(
        &self,
        questionnaire: &Questionnaire,
        seed: u64,
        range: std::ops::Range<usize>,
    ) -> (StatusCode, String) {
        let body = survey::sample::batch(questionnaire, seed, range)
            .unwrap()
            .to_json()
            .unwrap();
        let request = Request::post("/api/v1/batches")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .body(Body::from(body))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The current questionnaire: status, ETag, body.
    async fn current(&self, if_none_match: Option<&str>) -> (StatusCode, String, String) {
        let mut request = Request::get(CURRENT_QUESTIONNAIRE_PATH);
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let tag = response
            .headers()
            .get(header::ETAG)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, tag, String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[tokio::test]
async fn a_version_published_from_the_command_line_is_accepted_and_fetched_by_tablets() {
    let data = tempfile::tempdir().unwrap();
    let served = serve(data.path());

    // The shipped version is current; an unchanged version costs a 304 and no body.
    let (status, tag, body) = served.current(None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, survey::shipped::SHARED_V1_JSON);
    assert_eq!(
        tag,
        format!("W/\"{}\"", collector::store::questionnaires::hash_of(&body))
    );
    let (status, again, body) = served.current(Some(&tag)).await;
    assert_eq!(
        (status, again.as_str(), body.as_str()),
        (StatusCode::NOT_MODIFIED, tag.as_str(), "")
    );

    // Version 2 is unknown until published: a batch of it is refused by name.
    let file = data.path().join("doorstep-qol.v2.json");
    std::fs::write(&file, serde_json::to_string_pretty(&v2()).unwrap()).unwrap();
    let (status, body) = served.upload(&v2(), 2, 100..102).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.contains("questionnaire doorstep-qol version 2 is not known here"),
        "{body}"
    );

    // Added: checked and listed; a draft is neither fetched nor accepted.
    let added = stdout(&collector(
        data.path(),
        &["questionnaire", "add", file.to_str().unwrap()],
    ));
    assert!(
        added.contains("version 2: 2 change(s) since version 1:"),
        "{added}"
    );
    assert!(
        added.contains("  - question HOME_OFFICE added (section home)"),
        "{added}"
    );
    assert!(
        added.contains("  ! question TENURE: option 4 relabelled in tr"),
        "{added}"
    );
    assert!(added.contains("--confirm-labels"), "{added}");
    assert_eq!(served.current(Some(&tag)).await.0, StatusCode::NOT_MODIFIED);
    assert_eq!(
        served.upload(&v2(), 2, 100..102).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Published once the relabelled option is confirmed.
    let refused = common::error_line(&collector(data.path(), &["questionnaire", "publish", "2"]));
    assert!(refused.contains("relabels 1 option(s)"), "{refused}");
    let published = stdout(&collector(
        data.path(),
        &["questionnaire", "publish", "2", "--confirm-labels"],
    ));
    assert!(
        published.contains("version 2 is the current version"),
        "{published}"
    );

    // The running collector takes both versions, and tablets get version 2.
    let (status, body) = served.upload(&v2(), 2, 100..102).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = served.upload(&v1(), 1, 0..2).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, new_tag, body) = served.current(Some(&tag)).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(new_tag, tag);
    assert_eq!(serde_json::from_str::<Questionnaire>(&body).unwrap(), v2());

    // Closed: version 1 is offered to no new interview, but still accepted.
    stdout(&collector(data.path(), &["questionnaire", "close", "1"]));
    let (status, body) = served.upload(&v1(), 3, 10..12).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed = stdout(&collector(data.path(), &["questionnaire", "list"]));
    let states: Vec<&str> = listed
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().nth(2).unwrap_or_default())
        .collect();
    assert_eq!(states, ["published", "closed"], "{listed}");
    let shown = stdout(&collector(data.path(), &["questionnaire", "show", "1"]));
    assert_eq!(shown.trim_end(), survey::shipped::SHARED_V1_JSON.trim_end());

    // The analysts' file covers both versions: one column set, the version of each row,
    // empty cells where a version did not ask; the codebook says which versions asked.
    let csv = data.path().join("all.csv");
    let codebook = data.path().join("codebook.csv");
    stdout(&collector(
        data.path(),
        &[
            "export",
            "--csv",
            csv.to_str().unwrap(),
            "--codebook",
            codebook.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = records(text.trim_start_matches('\u{feff}'));
    let header = rows.remove(0);
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(rows.len(), 6);
    for row in &rows {
        match row[at("questionnaire_version")].as_str() {
            "1" => assert_eq!(row[at("HOME_OFFICE")], "", "version 1 did not ask it"),
            "2" => assert_ne!(row[at("HOME_OFFICE")], ""),
            other => panic!("version {other:?}"),
        }
    }
    let codebook = std::fs::read_to_string(&codebook).unwrap();
    assert!(
        codebook.lines().next().unwrap().ends_with(",versions"),
        "{codebook:.200}"
    );
    assert!(
        codebook
            .lines()
            .any(|line| line.starts_with("HOME_OFFICE,") && line.ends_with(",2")),
        "{codebook:.400}"
    );
}

#[test]
fn a_version_that_changes_a_question_s_kind_is_refused_with_the_question_named() {
    let data = tempfile::tempdir().unwrap();
    let mut changed = v1();
    changed.version = 2;
    let bedrooms = changed
        .sections
        .iter_mut()
        .flat_map(|s| s.questions.iter_mut())
        .find(|question| question.code.0 == "BEDROOMS")
        .unwrap();
    bedrooms.kind = QuestionKind::Text {
        max_length: 20,
        long: false,
    };
    let file = data.path().join("changed.json");
    std::fs::write(&file, serde_json::to_string(&changed).unwrap()).unwrap();
    let refused = common::error_line(&collector(
        data.path(),
        &["questionnaire", "add", file.to_str().unwrap()],
    ));
    assert!(
        refused.contains("question BEDROOMS is text here but was number in version 1"),
        "{refused}"
    );
    let listed = stdout(&collector(data.path(), &["questionnaire", "list"]));
    assert!(!listed.contains("draft"), "{listed}");

    // Not a questionnaire at all: the validator's problems, named.
    std::fs::write(&file, "{\"id\": \"doorstep-qol\"}").unwrap();
    let refused = common::error_line(&collector(
        data.path(),
        &["questionnaire", "add", file.to_str().unwrap()],
    ));
    assert!(refused.contains("missing field"), "{refused}");
}

/// The session's CSRF token, from a form on `page`.
fn csrf_of(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    page[start..][..page[start..].find('"').unwrap()].to_owned()
}

fn multipart(csrf: &str, file: &str) -> (String, Vec<u8>) {
    let boundary = "----doorstep-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.json\"\r\n\
         Content-Type: application/json\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

async fn post_to(
    router: &axum::Router,
    cookie: &str,
    path: &str,
    kind: &str,
    body: Vec<u8>,
) -> (StatusCode, String) {
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, kind)
        .body(Body::from(body))
        .unwrap();
    common::console::answer(router, request).await
}

#[tokio::test]
async fn an_admin_adds_previews_and_publishes_a_version_in_the_console() {
    let data = tempfile::tempdir().unwrap();
    let (admin, coordinator) = {
        let connection = collector::store::open(data.path()).unwrap();
        (
            common::console::logged_in(&connection, "admin@example.org", None),
            common::console::logged_in(&connection, "cvs@example.org", Some("hackney-cvs")),
        )
    };
    let served = serve(data.path());
    let router = &served.router;
    let path = "/console/questionnaire";

    let (status, _) = common::console::page(router, &coordinator, path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins only");
    let (status, page) = common::console::page(router, &admin, path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("published (current)"), "{page}");
    let csrf = csrf_of(&page);

    // A file that is not a questionnaire: every problem named, nothing kept.
    let (kind, body) = multipart(&csrf, "{\"id\": \"doorstep-qol\"}");
    let (status, page) = post_to(router, &admin, path, &kind, body).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("That file is not a valid questionnaire; nothing was kept"),
        "{page}"
    );
    assert!(!page.contains("Draft: version"), "{page}");

    // Version 2: kept as a draft, its changes listed, the relabelled option to confirm.
    let file = serde_json::to_string(&v2()).unwrap();
    let (kind, body) = multipart(&csrf, &file);
    let (status, page) = post_to(router, &admin, path, &kind, body).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Version 2 is kept as a draft"), "{page}");
    assert!(page.contains("To confirm: relabelled options"), "{page}");
    assert!(
        page.contains("question HOME_OFFICE added (section home)"),
        "{page}"
    );

    // The preview, in Turkish.
    let (status, preview) =
        common::console::page(router, &admin, "/console/questionnaire/2?language=tr").await;
    assert_eq!(status, StatusCode::OK);
    assert!(preview.contains("lang=\"tr\""), "{preview}");
    assert!(preview.contains("Kiracıyız"), "{preview}");
    assert!(preview.contains("HOME_OFFICE"), "{preview}");

    // Not published without the confirmation; published with it.
    let form = |confirm: &str| format!("csrf={csrf}&version=2{confirm}").into_bytes();
    let kind = "application/x-www-form-urlencoded";
    let (status, page) = post_to(
        router,
        &admin,
        "/console/questionnaire/publish",
        kind,
        form(""),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("relabels 1 option(s)"), "{page}");
    assert_eq!(
        served.current(None).await.2,
        survey::shipped::SHARED_V1_JSON
    );
    let (status, page) = post_to(
        router,
        &admin,
        "/console/questionnaire/publish",
        kind,
        form("&confirm=yes"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Version 2 is published"), "{page}");
    let (_, _, current) = served.current(None).await;
    assert_eq!(
        serde_json::from_str::<Questionnaire>(&current).unwrap(),
        v2()
    );

    // A form without the session's token changes nothing.
    let (status, _) = post_to(
        router,
        &admin,
        "/console/questionnaire/1/close",
        kind,
        b"csrf=wrong".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page) = post_to(
        router,
        &admin,
        "/console/questionnaire/1/close",
        kind,
        format!("csrf={csrf}").into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Version 1 is closed"), "{page}");

    // Results are counted per version, the current one unless another is picked.
    let (status, results) = common::console::page(router, &admin, "/console/results").await;
    assert_eq!(status, StatusCode::OK);
    assert!(results.contains("Version 2 (current)"), "{results}");
    let (status, results) =
        common::console::page(router, &admin, "/console/results?version=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        results.contains("<option value=\"1\" selected>Version 1</option>"),
        "{results}"
    );
    // Its results tables are downloaded for the version picked.
    let (status, downloads) =
        common::console::page(router, &admin, "/console/downloads?version=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        downloads.contains("Version 1 of the questionnaire."),
        "{downloads}"
    );
    assert!(
        downloads.contains("name=\"version\" value=\"1\""),
        "{downloads}"
    );
    let (status, refused) =
        common::console::page(router, &admin, "/console/results?version=9").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused.contains("is not a version this collector accepts"),
        "{refused}"
    );
}

//! The real binary as a service manager runs it: stopped with SIGTERM while an upload is
//! arriving, asked whether its database answers, scraped for metrics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::served::{connect, loopback, read_answer, serve, upload, upload_head, Samples, AGENCY};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads one answer from a kept-alive connection (its body by `Content-Length`).
async fn read_one(stream: &mut TcpStream) -> common::served::Answer {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = common::served::parse_answer(&bytes[..end + 4]);
            let length: usize = head.header("content-length").unwrap().parse().unwrap();
            if bytes.len() >= end + 4 + length {
                return common::served::parse_answer(&bytes[..end + 4 + length]);
            }
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before a whole answer");
        bytes.extend_from_slice(&chunk[..n]);
    }
}

async fn get(addr: SocketAddr, path: &str) -> common::served::Answer {
    common::served::request(
        addr,
        loopback(1),
        &format!("GET {path} HTTP/1.1\r\nHost: collector\r\nConnection: close\r\n\r\n"),
        b"",
    )
    .await
}

/// The metrics listener's address, from the second stdout line.
fn metrics_addr(served: &common::served::Served) -> SocketAddr {
    let line = served.next_line(Duration::from_secs(10)).unwrap();
    let addr: SocketAddr = line
        .strip_prefix("Doorstep collector metrics on http://")
        .and_then(|rest| rest.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("not the metrics line: {line:?}"))
        .parse()
        .unwrap();
    assert_ne!(addr.port(), 0);
    addr
}

async fn scrape(metrics: SocketAddr) -> String {
    let answer = get(metrics, "/metrics").await;
    assert_eq!(answer.status, 200);
    String::from_utf8(answer.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_upload_in_flight_and_refuses_new_ones_then_exits_0() {
    let mut served = serve(&["--metrics", "127.0.0.1:0"]);
    let metrics = metrics_addr(&served);
    let samples = Samples::new();
    let slow_batch = samples.batch(1, 0..5);
    let later_batch = samples.batch(2, 5..8);

    // A connection kept alive from before the stop.
    let mut kept = connect(served.addr, loopback(1)).await;
    kept.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: collector\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_one(&mut kept).await.status, 200);

    // An upload whose body trickles in: half now, the rest after the stop.
    let mut slow = connect(served.addr, loopback(1)).await;
    let head = upload_head(served.addr, Some(&served.token), slow_batch.len(), &[]);
    slow.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = slow_batch.as_bytes().split_at(slow_batch.len() / 2);
    slow.write_all(first).await.unwrap();
    // Stopped only once the collector counts it in flight.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !scrape(metrics)
        .await
        .lines()
        .any(|l| l == "doorstep_uploads_in_flight 1")
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slow upload is never in flight"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    served.terminate();
    served.wait_for_log("shutting down: 1 uploads in flight");

    // A new upload, on a new connection: refused, told when to try again.
    let refused = upload(
        served.addr,
        loopback(1),
        Some(&served.token),
        later_batch.as_bytes(),
    )
    .await;
    assert_eq!(
        refused.status,
        503,
        "{:?}",
        String::from_utf8_lossy(&refused.body)
    );
    assert_eq!(refused.retry_after(), Some(60));
    assert_eq!(refused.json()["error"], "busy");
    let reason = refused.json()["reason"].as_str().unwrap().to_owned();
    assert!(reason.contains("shutting down"), "{reason}");

    // And on the connection kept alive.
    let head = upload_head(served.addr, Some(&served.token), later_batch.len(), &[]);
    kept.write_all(head.as_bytes()).await.unwrap();
    kept.write_all(later_batch.as_bytes()).await.unwrap();
    let refused = read_answer(&mut kept).await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.retry_after(), Some(60));

    // Both refusals counted, by their code.
    let counted = scrape(metrics).await;
    assert!(
        counted
            .lines()
            .any(|l| l == "doorstep_batches_refused_total{reason=\"busy\"} 2"),
        "{counted}"
    );

    // The app is still served while the upload drains.
    assert_eq!(get(served.addr, "/").await.status, 200);
    assert!(
        served.child.try_wait().unwrap().is_none(),
        "still running while an upload is in flight"
    );

    // The slow upload ends, and is stored with its receipt.
    slow.write_all(rest).await.unwrap();
    let receipt = tokio::time::timeout(Duration::from_secs(30), read_answer(&mut slow))
        .await
        .unwrap();
    assert_eq!(
        receipt.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&receipt.body)
    );
    assert_eq!(receipt.json()["accepted"], 5);

    let status = served.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "a drained stop exits 0, got {status}");
    let log = served.log();
    assert!(log.contains("stopped"), "{log}");
    assert_eq!(
        served.stored(),
        5,
        "the slow batch is stored, the refused one not"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_with_nothing_in_flight_is_at_once() {
    let mut served = serve(&[]);
    let started = std::time::Instant::now();
    served.terminate();
    let status = served.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(served.log().contains("shutting down: 0 uploads in flight"));
}

async fn health(addr: SocketAddr) -> (u16, Value) {
    let answer = get(addr, "/api/v1/health").await;
    (answer.status, answer.json())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_503_when_the_database_file_is_garbage() {
    let served = serve(&[]);
    let (status, body) = health(served.addr).await;
    assert_eq!(
        (status, body["database"].as_str()),
        (200, Some("ok")),
        "{body}"
    );

    // The file and its log overwritten in place (a bad disk, a botched restore). The
    // collector's own connection would go on reading its cache; a fresh read fails.
    let file = served.data.join("collector.sqlite3");
    for path in [file.clone(), served.data.join("collector.sqlite3-wal")] {
        let length = std::fs::metadata(&path).unwrap().len() as usize;
        std::fs::write(&path, vec![b'#'; length]).unwrap();
    }
    let (status, body) = health(served.addr).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let why = body["database"].as_str().unwrap();
    assert!(why.contains("file is not a database"), "{why}");
    assert!(why.contains(&file.display().to_string()), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_503_when_the_database_file_is_removed() {
    let served = serve(&[]);
    assert_eq!(health(served.addr).await.0, 200);
    std::fs::remove_file(served.data.join("collector.sqlite3")).unwrap();
    let (status, body) = health(served.addr).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    let why = body["database"].as_str().unwrap();
    assert!(why.contains("is gone"), "{why}");
    assert!(why.contains("restart the collector"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_metrics_listener_unless_asked_for() {
    let served = serve(&[]);
    assert_eq!(served.listening_ports(), vec![served.addr.port()]);
    assert_eq!(served.next_line(Duration::from_millis(500)), None);
    // The public port does not serve metrics: `/metrics` is the app's fallback page.
    let answer = get(served.addr, "/metrics").await;
    assert!(!String::from_utf8_lossy(&answer.body).contains("doorstep_"));
}

/// A sample interview whose text answer holds `words`.
fn with_words(q: &survey::Questionnaire, index: usize, words: &str) -> survey::Response {
    let mut response = survey::sample::complete_response(q, index).unwrap();
    let question = response
        .answers
        .iter()
        .find(|(_, answer)| matches!(answer, survey::Answer::Text(_)))
        .map(|(code, _)| code.clone())
        .unwrap();
    response
        .answers
        .insert(question, survey::Answer::Text(words.to_owned()));
    response
}

fn batch(q: &survey::Questionnaire, seed: u64, responses: Vec<survey::Response>) -> survey::Batch {
    survey::Batch::new(
        survey::BatchId::from_random_bytes(survey::sample::bytes(seed ^ 0x3e77_0000)),
        survey::Timestamp(1_714_600_000_000),
        &survey::sample::assignment(q, 0),
        survey::QuestionnaireRef::of(q),
        responses,
        Vec::new(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_exactly_and_name_no_one() {
    let served = serve(&["--metrics", "127.0.0.1:0"]);
    let metrics = metrics_addr(&served);
    let mut expected_ports = vec![served.addr.port(), metrics.port()];
    expected_ports.sort_unstable();
    assert_eq!(served.listening_ports(), expected_ports);

    let q = survey::shipped::shared_questionnaire().unwrap();
    let words = "Kedim gece korkuyor";
    let r: Vec<survey::Response> = (0..5).map(|i| with_words(&q, i, words)).collect();
    let batches = [
        batch(&q, 1, r[0..2].to_vec()),
        batch(&q, 2, r[2..4].to_vec()),
        // One new, one already stored.
        batch(&q, 3, r[3..5].to_vec()),
    ];
    for b in &batches {
        let answer = upload(
            served.addr,
            loopback(1),
            Some(&served.token),
            b.to_json().unwrap().as_bytes(),
        )
        .await;
        assert_eq!(
            answer.status,
            200,
            "{:?}",
            String::from_utf8_lossy(&answer.body)
        );
    }
    // Refused: a choice answered with the words (naming a response and question in its
    // answer), and a wrong token.
    let mut misfit = survey::sample::complete_response(&q, 6).unwrap();
    let choice = misfit
        .answers
        .iter()
        .find(|(_, answer)| matches!(answer, survey::Answer::Choice(_)))
        .map(|(code, _)| code.clone())
        .unwrap();
    misfit
        .answers
        .insert(choice, survey::Answer::Text(words.to_owned()));
    let misfit_id = misfit.id;
    let refused = batch(&q, 4, vec![misfit]);
    let answer = upload(
        served.addr,
        loopback(1),
        Some(&served.token),
        refused.to_json().unwrap().as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 422);
    let wrong = upload(served.addr, loopback(2), Some("dst_wrongtoken"), b"{}").await;
    assert_eq!(wrong.status, 401);

    let scrape = get(metrics, "/metrics").await;
    assert_eq!(scrape.status, 200);
    assert!(
        scrape
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "{:?}",
        scrape.headers
    );
    let text = String::from_utf8(scrape.body.clone()).unwrap();
    let agency = format!("agency=\"{AGENCY}\"");
    for line in [
        format!("doorstep_batches_received_total{{{agency}}} 3"),
        format!("doorstep_responses_stored_total{{{agency}}} 5"),
        "doorstep_responses_already_present_total 1".to_owned(),
        format!("doorstep_conflicts_total{{{agency}}} 0"),
        "doorstep_batches_refused_total{reason=\"invalid_batch\"} 1".to_owned(),
        "doorstep_batches_refused_total{reason=\"token\"} 1".to_owned(),
        "doorstep_request_duration_seconds_count{route=\"upload\",status=\"2xx\"} 3".to_owned(),
        "doorstep_request_duration_seconds_count{route=\"upload\",status=\"4xx\"} 2".to_owned(),
        "doorstep_uploads_in_flight 0".to_owned(),
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} not in\n{text}");
    }
    // The database's size as the metric says, once no write lands between two looks
    // (a refused upload's attempt is written just after its answer goes).
    let size = || -> u64 {
        ["collector.sqlite3", "collector.sqlite3-wal"]
            .iter()
            .map(|name| std::fs::metadata(served.data.join(name)).map_or(0, |m| m.len()))
            .sum()
    };
    let mut settled = None;
    for _ in 0..50 {
        let before = size();
        let scrape = get(metrics, "/metrics").await;
        let again = String::from_utf8(scrape.body.clone()).unwrap();
        if size() == before {
            settled = Some((before, again));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (database, sized) = settled.expect("the database file kept changing size");
    assert!(database > 0);
    assert!(
        sized
            .lines()
            .any(|l| l == format!("doorstep_database_bytes {database}")),
        "database size {database} not in\n{sized}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("doorstep_batches_refused_total{"))
            .count(),
        2,
        "no other refusal: {text}"
    );

    // Nobody is named.
    let mut secrets = vec![
        served.token.clone(),
        "dst_wrongtoken".to_owned(),
        misfit_id.to_string(),
    ];
    secrets.extend(words.split(' ').map(str::to_owned));
    for b in &batches {
        secrets.push(b.worker.as_str().to_owned());
        secrets.push(b.device.as_str().to_owned());
        secrets.push(b.id.to_string());
        secrets.extend(b.responses.iter().map(|r| r.id.to_string()));
    }
    secrets.push("127.0.0".to_owned());
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret:?} is in the metrics:\n{text}"
        );
    }

    // The metrics listener serves nothing else.
    assert_eq!(get(metrics, "/api/v1/health").await.status, 404);
    assert_eq!(get(metrics, "/").await.status, 404);
}

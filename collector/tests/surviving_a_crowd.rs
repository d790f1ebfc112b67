//! The real `collector serve`, a real database file and real sockets, under what a crowd
//! (or an attacker) sends: wrong tokens with large bodies, many uploaders at once, a
//! flood of guesses from one address, bodies and heads that stop or trickle, and pages
//! of other origins. Each test states the bound it checks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::time::{Duration, Instant};

use common::served::{
    batch_json, connect, loopback, read_answer, request, serve, upload, upload_head, Answer,
    Samples,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MB: usize = 1024 * 1024;

/// What a wrong-token upload declares: 15 MB, under the 16 MB limit.
const LARGE: usize = 15 * MB;

#[tokio::test]
async fn a_wrong_token_is_answered_401_before_its_body_is_read() {
    // A body timeout longer than the test waits: only an answer that does not wait for
    // the body passes.
    let served = serve(&["--body-timeout", "30"]);
    let head = upload_head(served.addr, Some("dst_wrong"), LARGE, &[]);

    // The body withheld: the head alone.
    let mut stream = connect(served.addr, loopback(1)).await;
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), read_answer(&mut stream))
        .await
        .expect("answered without waiting for the 15 MB body");
    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["error"], "token");

    // The body coming slowly: 64 KB of it, then nothing more.
    let mut stream = connect(served.addr, loopback(1)).await;
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&vec![b' '; 64 * 1024]).await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), read_answer(&mut stream))
        .await
        .expect("answered without waiting for the rest of the body");
    assert_eq!(answer.status, 401);

    // No token at all: the same.
    let mut stream = connect(served.addr, loopback(1)).await;
    let head = upload_head(served.addr, None, LARGE, &[]);
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), read_answer(&mut stream))
        .await
        .expect("answered without waiting for the body");
    assert_eq!(answer.status, 401);
    assert!(answer.json()["reason"]
        .as_str()
        .unwrap()
        .contains("token is required"));
}

/// The collector's peak memory while 30 uploads with a wrong token each push a whole
/// 15 MB body at it (450 MB in all): under 64 MB, as no body is read.
const WRONG_TOKEN_PEAK_MB: f64 = 64.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_wrong_token_uploads_of_15_mb_at_once_keep_memory_small() {
    let served = serve(&[]);
    let at_rest = served.peak_mb();
    let uploads = (0..30u8).map(|i| {
        let addr = served.addr;
        tokio::spawn(async move {
            // Each from its own address, so that none is throttled: all meet the token check.
            let stream = connect(addr, loopback(2 + i)).await;
            let (mut reading, mut writing) = stream.into_split();
            let head = upload_head(addr, Some("dst_wrong"), LARGE, &[]);
            let pushing = tokio::spawn(async move {
                writing.write_all(head.as_bytes()).await?;
                let chunk = vec![b' '; 256 * 1024];
                for _ in 0..LARGE / chunk.len() {
                    writing.write_all(&chunk).await?;
                }
                // Dropping the write half would half-close the connection (and hyper would
                // drop the request): keep it open until the answer is read.
                std::future::pending::<()>().await;
                std::io::Result::Ok(())
            });
            let answer = tokio::time::timeout(Duration::from_secs(20), read_answer(&mut reading))
                .await
                .expect("an answer within 20 s");
            pushing.abort();
            answer
        })
    });
    for upload in uploads.collect::<Vec<_>>() {
        let answer = upload.await.unwrap();
        assert_eq!(answer.status, 401, "{answer:?}");
    }
    let peak = served.peak_mb();
    eprintln!("30 wrong-token uploads of 15 MB: peak RSS {peak:.0} MB (at rest {at_rest:.0} MB)");
    assert!(
        peak < WRONG_TOKEN_PEAK_MB,
        "peak RSS {peak:.0} MB, over {WRONG_TOKEN_PEAK_MB} MB"
    );
    assert_eq!(served.stored(), 0);
}

/// The collector's peak memory under the crowd below (64 batches of 50 responses, 5 MB
/// of JSON), with an intake budget of 1 MB: under 64 MB (the ceiling for any crowd, with
/// the default budget, is about 550 MB; this one is smaller). Verified all at once, as
/// they were before the budget and the intake threads, they would take about 30 times
/// their size.
const CROWD_PEAK_MB: f64 = 64.0;

/// Uploads `body` until it is receipted, waiting as each `503 busy` says: the receipt
/// and how many busy answers came first.
async fn upload_until_receipted(
    served_addr: std::net::SocketAddr,
    token: String,
    body: String,
) -> (serde_json::Value, u32) {
    let mut busy = 0;
    for _ in 0..100 {
        let answer = upload(served_addr, loopback(1), Some(&token), body.as_bytes()).await;
        match answer.status {
            200 => return (answer.json(), busy),
            503 => {
                assert_eq!(answer.json()["error"], "busy");
                let wait = answer
                    .retry_after()
                    .expect("a busy answer says when to try again");
                busy += 1;
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            _ => panic!("{answer:?}"),
        }
    }
    panic!("still busy after 100 tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_64_uploaders_is_receipted_in_full_within_the_memory_ceiling() {
    // A small budget and a short busy wait: some uploads are answered 503 and pass when
    // tried again, within the test's time.
    let served = serve(&["--intake-budget-mb", "1", "--busy-wait", "1"]);
    // Uploader i sends responses 25i .. 25i+50: each overlaps its neighbours.
    let samples = Samples::new();
    let batches: Vec<String> = (0..64u64)
        .map(|i| samples.batch(i, (25 * i as usize)..(25 * i as usize + 50)))
        .collect();
    let distinct = 63 * 25 + 50;
    let started = Instant::now();
    let uploads = batches.into_iter().map(|body| {
        tokio::spawn(upload_until_receipted(
            served.addr,
            served.token.clone(),
            body,
        ))
    });
    let mut accepted = 0;
    let mut busy = 0;
    for upload in uploads.collect::<Vec<_>>() {
        let (receipt, busy_answers) = upload.await.unwrap();
        assert_eq!(
            receipt["accepted"].as_i64().unwrap() + receipt["already_present"].as_i64().unwrap(),
            50,
            "{receipt}"
        );
        accepted += receipt["accepted"].as_i64().unwrap();
        busy += busy_answers;
    }
    let peak = served.peak_mb();
    eprintln!(
        "64 uploaders: all receipted in {:.1} s after {busy} busy answers; peak RSS {peak:.0} MB",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(
        accepted, distinct,
        "the receipts' new responses add up to those sent"
    );
    assert_eq!(
        served.stored(),
        distinct,
        "the database holds each response once"
    );
    assert!(
        peak < CROWD_PEAK_MB,
        "peak RSS {peak:.0} MB, over {CROWD_PEAK_MB} MB"
    );
}

#[tokio::test]
async fn an_upload_finding_no_room_is_answered_busy_and_passes_once_there_is_room() {
    let served = serve(&[
        "--intake-budget-mb",
        "1",
        "--busy-wait",
        "1",
        "--body-timeout",
        "30",
    ]);
    // A tablet with a good token declares 1 MB, the whole budget, and sends nothing yet.
    let mut holder = connect(served.addr, loopback(1)).await;
    let head = upload_head(served.addr, Some(&served.token), MB, &[]);
    holder.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let body = batch_json(1, 0..3);
    let started = Instant::now();
    let answer = upload(
        served.addr,
        loopback(2),
        Some(&served.token),
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.json()["error"], "busy");
    assert_eq!(answer.retry_after(), Some(1));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it waited for room first"
    );

    // The holder goes away: its room comes back, and the upload passes when tried again.
    drop(holder);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answer = upload(
        served.addr,
        loopback(2),
        Some(&served.token),
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["accepted"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_wrong_tokens_from_one_address_are_throttled_and_no_one_else_is() {
    let served = serve(&[]);
    let guesser = loopback(2);
    let started = Instant::now();
    let (mut refused, mut throttled) = (0u64, 0u64);
    for i in 0..2_000 {
        let token = format!("dst_guess{i:04}");
        let answer = upload(served.addr, guesser, Some(&token), b"{}").await;
        match answer.status {
            401 => refused += 1,
            429 => {
                throttled += 1;
                assert_eq!(answer.json()["error"], "throttled");
                let wait = answer.retry_after().expect("a 429 says when to try again");
                assert!((1..=6).contains(&wait), "Retry-After: {wait}");
            }
            _ => panic!("{answer:?}"),
        }
    }
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "2,000 wrong tokens in {took:.1} s ({:.0}/s): {refused} compared (401), {throttled} throttled (429)",
        2_000.0 / took
    );
    // Ten at once, then one every 6 s.
    let allowed = 10 + (took / 6.0).ceil() as u64;
    assert!(
        (10..=allowed).contains(&refused),
        "{refused} tries compared"
    );
    assert_eq!(refused + throttled, 2_000);

    // The guesser's address is throttled before any token is compared, even a good one.
    let body = batch_json(1, 0..2);
    let answer = upload(served.addr, guesser, Some(&served.token), body.as_bytes()).await;
    assert_eq!(answer.status, 429, "{answer:?}");

    // A tablet on another address uploads, again and again: successes never count.
    for i in 0..15u64 {
        let body = batch_json(i, (2 * i as usize)..(2 * i as usize + 2));
        let answer = upload(
            served.addr,
            loopback(3),
            Some(&served.token),
            body.as_bytes(),
        )
        .await;
        assert_eq!(answer.status, 200, "upload {i}: {answer:?}");
    }
    assert_eq!(served.stored(), 30);

    // One line per refused batch, with its code; never a token.
    let log = served.log();
    assert!(
        log.matches("batch refused").count() >= 2_000,
        "{}",
        &log[..2_000.min(log.len())]
    );
    assert!(
        log.contains("error=\"throttled\"") || log.contains("error=throttled"),
        "{}",
        &log[..2_000.min(log.len())]
    );
    assert!(!log.contains("dst_guess"), "a token was logged");
    assert!(!log.contains(&served.token), "a token was logged");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_408_too_slow_within_the_body_timeout() {
    let served = serve(&["--body-timeout", "2"]);
    let mut stream = connect(served.addr, loopback(1)).await;
    let head = upload_head(served.addr, Some(&served.token), 5_000, &[]);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[b' '; 100]).await.unwrap();
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), read_answer(&mut stream))
        .await
        .expect("an answer within 10 s");
    let took = started.elapsed();
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.json()["error"], "too_slow");
    assert!(
        took >= Duration::from_millis(1_900) && took < Duration::from_secs(5),
        "answered after {took:?}"
    );
    assert_eq!(served.stored(), 0);
}

#[tokio::test]
async fn every_request_is_answered_within_the_request_timeout() {
    // The body timeout is longer than the request's: the request's is the one that ends it.
    let served = serve(&[
        "--request-timeout",
        "2",
        "--body-timeout",
        "30",
        "--busy-wait",
        "3",
    ]);
    let mut stream = connect(served.addr, loopback(1)).await;
    let head = upload_head(served.addr, Some(&served.token), 5_000, &[]);
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), read_answer(&mut stream))
        .await
        .expect("an answer within 10 s");
    let took = started.elapsed();
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.json()["error"], "busy");
    assert_eq!(answer.retry_after(), Some(3));
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
}

/// Whether the collector has closed `stream`, waiting at most `wait`.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(wait, stream.read(&mut byte)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[tokio::test]
async fn request_heads_that_trickle_in_and_idle_connections_are_cut_off() {
    let served = serve(&["--header-timeout", "2"]);
    let started = Instant::now();

    // A head trickling in, a byte every 200 ms, never finished.
    let mut trickling = connect(served.addr, loopback(1)).await;
    trickling
        .write_all(b"POST /api/v1/batches HTTP/1.1\r\nHost: collector\r\nX-Slow: ")
        .await
        .unwrap();
    let mut cut_off = None;
    for _ in 0..50 {
        if trickling.write_all(b"a").await.is_err()
            || closed_within(&mut trickling, Duration::from_millis(200)).await
        {
            cut_off = Some(started.elapsed());
            break;
        }
    }
    let cut_off = cut_off.expect("a trickling head is cut off within 10 s");
    assert!(
        cut_off >= Duration::from_millis(1_900) && cut_off < Duration::from_secs(5),
        "cut off after {cut_off:?}"
    );

    // A connection that never sends anything.
    let mut idle = connect(served.addr, loopback(1)).await;
    let started = Instant::now();
    assert!(
        closed_within(&mut idle, Duration::from_secs(6)).await,
        "an idle connection is closed"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // The collector still answers.
    let answer = request(
        served.addr,
        loopback(1),
        "GET /api/v1/health HTTP/1.1\r\nHost: collector\r\nConnection: close\r\n\r\n",
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
}

fn preflight(origin: &str) -> String {
    format!(
        "OPTIONS /api/v1/batches HTTP/1.1\r\nHost: collector\r\nOrigin: {origin}\r\n\
         Access-Control-Request-Method: POST\r\n\
         Access-Control-Request-Headers: authorization,content-type\r\nConnection: close\r\n\r\n"
    )
}

async fn cors(served: &common::served::Served, origin: &str) -> (Answer, Answer) {
    let asked = request(served.addr, loopback(1), &preflight(origin), b"").await;
    let head = upload_head(
        served.addr,
        Some("dst_wrong"),
        2,
        &[&format!("Origin: {origin}")],
    );
    let posted = request(served.addr, loopback(1), &head, b"{}").await;
    (asked, posted)
}

#[tokio::test]
async fn no_origin_may_upload_from_elsewhere_unless_configured() {
    let served = serve(&[]);
    let (asked, posted) = cors(&served, "https://tablet.example").await;
    assert_eq!(
        asked.header("access-control-allow-origin"),
        None,
        "{asked:?}"
    );
    assert_eq!(posted.status, 401);
    assert_eq!(
        posted.header("access-control-allow-origin"),
        None,
        "{posted:?}"
    );
}

#[tokio::test]
async fn the_configured_origins_may_upload_and_read_when_to_try_again() {
    let served = serve(&[
        "--cors-origin",
        "https://survey.example.org",
        "--cors-origin",
        "http://10.0.0.5:8080",
    ]);
    for origin in ["https://survey.example.org", "http://10.0.0.5:8080"] {
        let (asked, posted) = cors(&served, origin).await;
        assert!(asked.status < 300, "{asked:?}");
        assert_eq!(asked.header("access-control-allow-origin"), Some(origin));
        let allowed = asked
            .header("access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(allowed.contains("authorization"), "{allowed}");
        assert_eq!(posted.status, 401);
        assert_eq!(posted.header("access-control-allow-origin"), Some(origin));
        let exposed = posted
            .header("access-control-expose-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(exposed.contains("retry-after"), "{exposed}");
    }
    let (asked, posted) = cors(&served, "https://elsewhere.example").await;
    assert_eq!(
        asked.header("access-control-allow-origin"),
        None,
        "{asked:?}"
    );
    assert_eq!(
        posted.header("access-control-allow-origin"),
        None,
        "{posted:?}"
    );
}

#[test]
fn an_origin_that_is_not_one_stops_the_start_with_the_reason() {
    let build = common::FakeBuild::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--cors-origin",
            "survey.example.org/app",
        ])
        .arg("--dist")
        .arg(build.dist())
        .arg("--data-dir")
        .arg(build.dir.path().join("data"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("collector serve started with an origin that is not one");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--cors-origin"), "{stderr}");
    assert!(stderr.contains("is not an origin"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing announced");
}

//! `collector serve --tls-cert … --tls-key …`, the real binary: the app over HTTPS with
//! HTTP/1.1 and HTTP/2, an upload's receipt, a renewed certificate picked up without a
//! restart (and a half-written one not), `--redirect-http`, `--behind-proxy`, and the
//! start-up errors of each wrong file or flag.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::https::{self, Ca, TlsFiles};
use common::served::{self, batch_json, loopback, request, serve, upload_head};
use common::FakeBuild;
use hyper::Version;

const H2_AND_H1: &[&[u8]] = &[b"h2", b"http/1.1"];
const H1_ONLY: &[&[u8]] = &[b"http/1.1"];

/// Serves over HTTPS with `files` and `flags` added.
fn serve_tls(files: &TlsFiles, flags: &[&str]) -> served::Served {
    let mut all = files.flags();
    all.extend(flags.iter().map(|f| f.to_string()));
    serve(&all.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Waits up to 30 s for `done`, checking every 100 ms.
async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_app_and_health_are_served_over_https_with_http2_and_http1() {
    let ca = Ca::new();
    let files = TlsFiles::with(&ca.leaf());
    let served = serve_tls(&files, &[]);
    assert_eq!(
        served.line,
        format!(
            "Doorstep collector listening on https://{}/ — open this address in a browser",
            served.addr
        )
    );
    for (offered, chosen, version) in [
        (H2_AND_H1, b"h2".as_slice(), Version::HTTP_2),
        (H1_ONLY, b"http/1.1".as_slice(), Version::HTTP_11),
    ] {
        let connector = ca.client(offered);
        let stream = https::connect(&connector, served.addr).await;
        assert_eq!(https::alpn(&stream).as_deref(), Some(chosen), "ALPN");
        let index = https::send(stream, "GET", "/", &[], Vec::new()).await;
        assert_eq!((index.version, index.status), (version, 200));
        assert_eq!(String::from_utf8(index.body).unwrap(), common::INDEX_HTML);

        let health = https::get(&connector, served.addr, "/api/v1/health").await;
        assert_eq!((health.version, health.status), (version, 200));
        assert_eq!(health.json()["status"], "ok");
    }
}

#[tokio::test]
async fn a_batch_uploaded_over_https_gets_its_receipt() {
    let ca = Ca::new();
    let files = TlsFiles::with(&ca.leaf());
    let served = serve_tls(&files, &[]);
    let bearer = format!("Bearer {}", served.token);
    for (seed, offered, version) in [
        (1, H2_AND_H1, Version::HTTP_2),
        (2, H1_ONLY, Version::HTTP_11),
    ] {
        let range = (seed as usize * 10)..(seed as usize * 10 + 3);
        let batch = batch_json(seed, range);
        let stream = https::connect(&ca.client(offered), served.addr).await;
        let answer = https::send(
            stream,
            "POST",
            "/api/v1/batches",
            &[
                ("authorization", &bearer),
                ("content-type", "application/json"),
            ],
            batch.into_bytes(),
        )
        .await;
        assert_eq!(
            (answer.version, answer.status),
            (version, 200),
            "{answer:?}"
        );
        let receipt = answer.json();
        assert_eq!(receipt["accepted"], 3, "{receipt}");
        assert_eq!(receipt["already_present"], 0, "{receipt}");
    }
    assert_eq!(served.stored(), 6);
}

#[tokio::test]
async fn a_renewed_certificate_reaches_new_connections_without_a_restart() {
    let ca = Ca::new();
    let (first, renewed) = (ca.leaf(), ca.leaf());
    let files = TlsFiles::with(&first);
    let served = serve_tls(&files, &["--tls-reload-interval", "1"]);
    let connector = ca.client(H2_AND_H1);
    let before = https::connect(&connector, served.addr).await;
    assert_eq!(https::peer_certificate(&before), first.der);

    files.replace(&renewed);
    let renewed_served = eventually(async || {
        https::peer_certificate(&https::connect(&connector, served.addr).await) == renewed.der
    })
    .await;
    assert!(
        renewed_served,
        "the renewed certificate was never served:\n{}",
        served.log()
    );
    let pid = served.child.id();
    assert_eq!(
        served.log().matches("TLS certificate loaded").count(),
        2,
        "one line at start, one for the renewal:\n{}",
        served.log()
    );
    // The same process, and the connection made before still works.
    assert_eq!(served.child.id(), pid);
    let health = https::send(before, "GET", "/api/v1/health", &[], Vec::new()).await;
    assert_eq!(health.status, 200);
}

#[tokio::test]
async fn a_half_written_certificate_keeps_the_old_one_serving() {
    let ca = Ca::new();
    let (first, renewed) = (ca.leaf(), ca.leaf());
    let files = TlsFiles::with(&first);
    let served = serve_tls(&files, &["--tls-reload-interval", "1"]);
    let connector = ca.client(H2_AND_H1);

    // Half of the new certificate: its PEM has no end.
    let half = &renewed.cert_pem[..renewed.cert_pem.len() / 2];
    std::fs::write(&files.cert, half).unwrap();
    let cert_path = files.cert.display().to_string();
    let warned = eventually(async || {
        let log = served.log();
        log.lines()
            .any(|line| line.contains("WARN") && line.contains(&cert_path))
    })
    .await;
    assert!(warned, "no warning naming {cert_path}:\n{}", served.log());
    let still = https::connect(&connector, served.addr).await;
    assert_eq!(
        https::peer_certificate(&still),
        first.der,
        "the old one serves"
    );
    assert_eq!(
        https::send(still, "GET", "/", &[], Vec::new()).await.status,
        200
    );

    // Written whole, the next change is taken.
    files.replace(&renewed);
    let renewed_served = eventually(async || {
        https::peer_certificate(&https::connect(&connector, served.addr).await) == renewed.der
    })
    .await;
    assert!(
        renewed_served,
        "the whole certificate was never served:\n{}",
        served.log()
    );
}

#[tokio::test]
async fn a_tls_handshake_that_never_comes_is_cut_off_at_the_header_timeout() {
    use tokio::io::AsyncReadExt;
    let ca = Ca::new();
    let files = TlsFiles::with(&ca.leaf());
    let served = serve_tls(&files, &["--header-timeout", "2"]);
    let started = Instant::now();
    // Connected, and silent: no ClientHello.
    let mut silent = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut byte))
        .await
        .expect("the collector closes a silent connection within 10 s");
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "closed, not answered: {read:?}"
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1_500),
        "closed after {waited:?}, before the timeout"
    );
    // Others are served meanwhile and after.
    let health = https::get(&ca.client(H2_AND_H1), served.addr, "/api/v1/health").await;
    assert_eq!(health.status, 200);
}

/// A port free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn plain_http_is_redirected_to_https_with_308() {
    let ca = Ca::new();
    let files = TlsFiles::with(&ca.leaf());
    let redirect: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let served = serve_tls(&files, &["--redirect-http", &redirect.to_string()]);
    let port = served.addr.port();
    let ask = |head: String| async move { request(redirect, loopback(1), &head, b"").await };

    for (method, host) in [("GET", "doorstep.test"), ("POST", "doorstep.test:80")] {
        let answer = ask(format!(
            "{method} /interview/3?lang=fr HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ))
        .await;
        assert_eq!(answer.status, 308, "{method}: {answer:?}");
        assert_eq!(
            answer.header("location"),
            Some(format!("https://doorstep.test:{port}/interview/3?lang=fr").as_str())
        );
    }
    let no_host = ask("GET / HTTP/1.0\r\n\r\n".to_owned()).await;
    assert_eq!(no_host.status, 400, "{no_host:?}");
    let garbled = ask("GET / HTTP/1.1\r\nHost: a b@c\r\nConnection: close\r\n\r\n".into()).await;
    assert_eq!(garbled.status, 400, "{garbled:?}");
    // The HTTPS listener itself still answers.
    let health = https::get(&ca.client(H2_AND_H1), served.addr, "/api/v1/health").await;
    assert_eq!(health.status, 200);
}

/// A wrong-token upload from `from` saying it forwards for `forwarded`; its status.
async fn wrong_try(addr: SocketAddr, from: u8, forwarded: &str) -> u16 {
    let line = format!("X-Forwarded-For: {forwarded}");
    let head = upload_head(addr, Some("dst_wrong"), 2, &[&line]);
    request(addr, loopback(from), &head, b"{}").await.status
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_allowance() {
    let served = serve(&["--behind-proxy", "127.0.0.1"]);
    for _ in 0..10 {
        assert_eq!(wrong_try(served.addr, 1, "203.0.113.7").await, 401);
    }
    assert_eq!(
        wrong_try(served.addr, 1, "203.0.113.7").await,
        429,
        "throttled"
    );
    assert_eq!(
        wrong_try(served.addr, 1, "203.0.113.8").await,
        401,
        "another client behind the same proxy is not"
    );
    // A client cannot escape by writing its own X-Forwarded-For: the proxy appends.
    assert_eq!(
        wrong_try(served.addr, 1, "198.51.100.1, 203.0.113.7").await,
        429
    );
    let log = served.log();
    assert!(log.contains("client=203.0.113.7"), "{log}");
}

#[tokio::test]
async fn from_an_untrusted_peer_forwarding_headers_are_ignored() {
    let served = serve(&["--behind-proxy", "127.0.0.1"]);
    for i in 0..10 {
        let status = wrong_try(served.addr, 2, &format!("203.0.113.{i}")).await;
        assert_eq!(status, 401);
    }
    assert_eq!(
        wrong_try(served.addr, 2, "203.0.113.99").await,
        429,
        "counted as 127.0.0.2, whatever it says"
    );
    assert!(
        served.log().contains("client=127.0.0.2"),
        "{}",
        served.log()
    );
}

/// Runs `serve` with `flags` (on port 0, a fake build) to its exit; its stderr.
fn fails_to_start(flags: &[&str]) -> String {
    let build = FakeBuild::new();
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(build.dir.path().join("data"))
        .arg("--dist")
        .arg(build.dist())
        .args(flags)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    common::error_line(&output)
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn each_wrong_file_or_flag_stops_start_up_with_a_line_naming_it() {
    let ca = Ca::new();
    let files = TlsFiles::with(&ca.leaf());
    let (cert, key) = (path(&files.cert), path(&files.key));
    let dir = files.dir.path();
    let missing = path(&dir.join("missing.pem"));
    let folder = path(dir);
    let other_key = dir.join("other-key.pem");
    std::fs::write(&other_key, ca.leaf().key_pem).unwrap();
    let other_key = path(&other_key);

    for (flags, says) in [
        (
            vec!["--tls-cert", &missing, "--tls-key", &key],
            vec![
                missing.as_str(),
                "cannot read the TLS certificate",
                "give --tls-cert",
            ],
        ),
        (
            vec!["--tls-cert", &folder, "--tls-key", &key],
            vec![
                folder.as_str(),
                "cannot read the TLS certificate",
                "give --tls-cert",
            ],
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &missing],
            vec![
                missing.as_str(),
                "cannot read the TLS private key",
                "give --tls-key",
            ],
        ),
        (
            vec!["--tls-cert", &key, "--tls-key", &key],
            vec![
                key.as_str(),
                "no readable PEM certificate",
                "give --tls-cert",
            ],
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &cert],
            vec![
                cert.as_str(),
                "no readable PEM private key",
                "give --tls-key",
            ],
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &other_key],
            vec![
                other_key.as_str(),
                cert.as_str(),
                "does not belong",
                "give --tls-key",
            ],
        ),
        (
            vec!["--tls-cert", &cert],
            vec!["--tls-cert was given without --tls-key", "give both"],
        ),
        (
            vec!["--tls-key", &key],
            vec!["--tls-key was given without --tls-cert", "give both"],
        ),
        (
            vec!["--redirect-http", "127.0.0.1:0"],
            vec![
                "--redirect-http needs HTTPS",
                "give --tls-cert and --tls-key",
            ],
        ),
    ] {
        let error = fails_to_start(&flags);
        for said in says {
            assert!(error.contains(said), "{flags:?}: {error:?} lacks {said:?}");
        }
    }
}

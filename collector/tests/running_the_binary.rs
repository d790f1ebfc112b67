//! The real `collector` binary: what a coordinator (and the e2e tests) see.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use collector::parse_listening_line;
use common::{error_line, FakeBuild};

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running collector, killed when dropped so a failing test leaves nothing behind.
struct Running {
    child: Child,
    addr: SocketAddr,
    first_line: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collector() -> Command {
    Command::new(env!("CARGO_BIN_EXE_collector"))
}

fn start(dist: &Path, data_dir: &Path) -> Running {
    let mut child = collector()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--dist")
        .arg(dist)
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn collector");
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let first_line = match receiver.recv_timeout(START_TIMEOUT) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("collector printed nothing within {START_TIMEOUT:?}");
        }
    };
    let Some(addr) = parse_listening_line(&first_line) else {
        let _ = child.kill();
        panic!("unexpected first line: {first_line:?}");
    };
    Running {
        child,
        addr,
        first_line,
    }
}

/// A minimal HTTP/1.1 GET; returns the status line and the body.
fn http_get(addr: SocketAddr, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, body.to_owned())
}

fn run_to_exit(command: &mut Command) -> Output {
    command
        .stdin(Stdio::null())
        .output()
        .expect("run collector")
}

#[test]
fn serve_prints_the_bound_address_and_answers_health() {
    let build = FakeBuild::new();
    let data_dir = build.dir.path().join("data");
    let running = start(&build.dist(), &data_dir);

    assert_ne!(running.addr.port(), 0, "the real port is printed");
    assert_eq!(
        running.first_line,
        format!(
            "Doorstep collector listening on http://{}/ — open this address in a browser\n",
            running.addr
        )
    );
    let (status, body) = http_get(running.addr, "/api/v1/health");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let health: serde_json::Value = serde_json::from_str(&body).expect("json body");
    assert_eq!(
        health,
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "database": "ok"})
    );
    assert!(data_dir.is_dir(), "serve creates the data folder");
}

#[test]
fn serve_answers_the_app_over_tcp() {
    let build = FakeBuild::new();
    let running = start(&build.dist(), &build.dir.path().join("data"));
    let (status, body) = http_get(running.addr, "/interview/abc");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(body, common::INDEX_HTML);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let build = FakeBuild::new();
    let mut running = start(&build.dist(), &build.dir.path().join("data"));
    let killed = Command::new("kill")
        .args(["-TERM", &running.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let (sender, receiver) = mpsc::channel();
    let mut child = std::mem::replace(
        &mut running.child,
        // Keep `Running` droppable: a finished dummy process takes the child's place.
        Command::new("true").spawn().expect("spawn true"),
    );
    std::thread::spawn(move || {
        let _ = sender.send(child.wait());
    });
    let status = receiver
        .recv_timeout(Duration::from_secs(15))
        .expect("collector stops within 15 s of SIGTERM")
        .expect("wait for collector");
    assert!(status.success(), "graceful stop exits 0, got {status}");
}

fn serve_with(dist: &Path, data_dir: &Path, extra: &[&str]) -> Output {
    run_to_exit(
        collector()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .arg("--dist")
            .arg(dist)
            .arg("--data-dir")
            .arg(data_dir)
            .args(extra),
    )
}

#[test]
fn a_dist_without_index_html_names_the_path_and_the_fix() {
    let build = FakeBuild::new();
    std::fs::remove_file(build.dist().join("index.html")).unwrap();
    let line = error_line(&serve_with(
        &build.dist(),
        &build.dir.path().join("data"),
        &[],
    ));
    assert!(
        line.contains(&format!("{}/index.html not found", build.dist().display())),
        "{line}"
    );
    assert!(
        line.contains("trunk build --release") && line.contains("--dist"),
        "{line}"
    );
}

#[test]
fn a_data_folder_that_cannot_be_created_names_the_path_and_the_fix() {
    let build = FakeBuild::new();
    // Its parent is a regular file: no one, not even root, can make a folder in it.
    let file = build.dir.path().join("not-a-folder");
    std::fs::write(&file, b"a file").unwrap();
    let data_dir = file.join("data");
    let line = error_line(&serve_with(&build.dist(), &data_dir, &[]));
    assert!(
        line.contains(&format!(
            "cannot create the data folder {}",
            data_dir.display()
        )),
        "{line}"
    );
    assert!(line.contains("Not a directory"), "{line}");
    assert!(line.contains("--data-dir"), "{line}");
}

/// A folder no one may write into while it lives: immutable (`chattr +i`) for root,
/// whom permissions do not stop; read-only permissions for anyone else.
struct Unwritable {
    path: std::path::PathBuf,
    root: bool,
}

impl Unwritable {
    fn new(path: &Path) -> Unwritable {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        std::fs::create_dir_all(path).unwrap();
        let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
        if root {
            let status = Command::new("chattr").arg("+i").arg(path).status().unwrap();
            assert!(status.success(), "chattr +i {}", path.display());
        } else {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        assert!(
            std::fs::write(path.join("probe"), b"").is_err(),
            "{} is still writable",
            path.display()
        );
        Unwritable {
            path: path.to_owned(),
            root,
        }
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.root {
            let _ = Command::new("chattr").arg("-i").arg(&self.path).status();
        } else {
            let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[cfg(unix)]
#[test]
fn a_data_folder_that_cannot_be_written_names_the_path_and_the_fix() {
    let build = FakeBuild::new();
    let data_dir = build.dir.path().join("data");
    let _unwritable = Unwritable::new(&data_dir);
    let line = error_line(&serve_with(&build.dist(), &data_dir, &[]));
    assert!(
        line.contains(&format!(
            "cannot open the database {}",
            data_dir.join("collector.sqlite3").display()
        )),
        "{line}"
    );
    assert!(line.contains("--data-dir"), "{line}");
}

#[test]
fn a_metrics_port_in_use_names_the_flag() {
    let build = FakeBuild::new();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("local addr");
    let line = error_line(&serve_with(
        &build.dist(),
        &build.dir.path().join("data"),
        &["--metrics", &addr.to_string()],
    ));
    assert!(line.contains(&format!("cannot listen on {addr}")), "{line}");
    assert!(line.contains("with --metrics"), "{line}");
}

#[test]
fn missing_dist_is_a_clear_error() {
    let build = FakeBuild::new();
    let output = run_to_exit(
        collector()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .arg("--dist")
            .arg(build.dir.path().join("not-built"))
            .arg("--data-dir")
            .arg(build.dir.path().join("data")),
    );
    let line = error_line(&output);
    let dist = build.dir.path().join("not-built");
    assert!(
        line.contains(&format!("{}/index.html not found", dist.display())),
        "{line}"
    );
    assert!(line.contains("trunk build --release"), "{line}");
}

#[test]
fn port_in_use_is_a_clear_error() {
    let build = FakeBuild::new();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("local addr");
    let output = run_to_exit(
        collector()
            .args(["serve", "--addr", &addr.to_string()])
            .arg("--dist")
            .arg(build.dist())
            .arg("--data-dir")
            .arg(build.dir.path().join("data")),
    );
    let line = error_line(&output);
    assert!(line.contains(&format!("cannot listen on {addr}")), "{line}");
    assert!(line.contains("with --addr"), "{line}");
}

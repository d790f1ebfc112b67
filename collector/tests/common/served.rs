//! The real `collector serve` on a loopback port with a real database file, and a plain
//! HTTP/1.1 client over real sockets that can send from another loopback address, send
//! part of a body, or trickle bytes in.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::FakeBuild;

/// A running `collector serve`, killed when dropped.
pub struct Served {
    pub child: Child,
    pub addr: SocketAddr,
    /// The listening line, as printed.
    pub line: String,
    pub data: PathBuf,
    pub log: PathBuf,
    pub token: String,
    /// The lines printed to stdout after the listening line.
    pub stdout: mpsc::Receiver<String>,
    _build: FakeBuild,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The agency of the sample batches.
pub const AGENCY: &str = "hackney-cvs";

fn agencies() -> Vec<String> {
    survey::shipped::shared_questionnaire()
        .unwrap()
        .agencies
        .iter()
        .map(|a| a.code.clone())
        .collect()
}

/// Serves a fake build on 127.0.0.1 with a fresh data folder holding a token for
/// [`AGENCY`], with `flags` added to `serve`.
pub fn serve(flags: &[&str]) -> Served {
    let build = FakeBuild::new();
    let data = build.dir.path().join("data");
    let connection = collector::store::open(&data).unwrap();
    let (_, token) = collector::store::tokens::add(
        &connection,
        &collector::store::scope::Scope::All,
        AGENCY,
        &agencies(),
    )
    .unwrap();
    drop(connection);
    serve_in(build, data, token, flags)
}

/// Serves a fake build on 127.0.0.1 with the data folder `data` as it is (a restored
/// backup, say), whose `token` is known, with `flags` added to `serve`.
pub fn serve_existing(data: PathBuf, token: String, flags: &[&str]) -> Served {
    serve_in(FakeBuild::new(), data, token, flags)
}

fn serve_in(build: FakeBuild, data: PathBuf, token: String, flags: &[&str]) -> Served {
    let log = build.dir.path().join("collector.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--dist")
        .arg(build.dist())
        .arg("--data-dir")
        .arg(&data)
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("spawn collector");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_default();
    let Some(addr) = collector::parse_listening_line(&line) else {
        let _ = child.kill();
        panic!(
            "collector did not start: {line:?}\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    };
    Served {
        child,
        addr,
        line,
        data,
        log,
        token,
        stdout: receiver,
        _build: build,
    }
}

impl Served {
    /// Peak resident memory so far (`VmHWM`), in MB.
    pub fn peak_mb(&self) -> f64 {
        self.status_kb("VmHWM:") as f64 / 1024.0
    }

    /// Resident memory now (`VmRSS`), in MB.
    pub fn rss_mb(&self) -> f64 {
        self.status_kb("VmRSS:") as f64 / 1024.0
    }

    fn status_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// How many responses the database holds.
    pub fn stored(&self) -> i64 {
        let connection = collector::store::open(&self.data).unwrap();
        connection
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    }

    /// The next line the collector prints to stdout, waiting at most `wait`.
    pub fn next_line(&self, wait: Duration) -> Option<String> {
        self.stdout.recv_timeout(wait).ok()
    }

    /// Waits (at most 20 s) until the log holds `text`; the log so far.
    pub fn wait_for_log(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{text:?} not logged within 20 s:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (at most `wait`) for the process to exit; its status.
    pub fn wait_exit(&mut self, wait: Duration) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + wait;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the collector did not exit within {wait:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The TCP ports this process listens on (from `/proc`: its sockets in LISTEN).
    pub fn listening_ports(&self) -> Vec<u16> {
        let mut inodes = std::collections::HashSet::new();
        for entry in std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).unwrap() {
            let Ok(target) = std::fs::read_link(entry.unwrap().path()) else {
                continue;
            };
            let target = target.to_string_lossy().into_owned();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|rest| rest.strip_suffix(']'))
            {
                inodes.insert(inode.to_owned());
            }
        }
        let mut ports = Vec::new();
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = std::fs::read_to_string(table) else {
                continue;
            };
            for line in text.lines().skip(1) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                // local_address is field 1 (HEX_IP:HEX_PORT), st field 3 (0A: LISTEN),
                // inode field 9.
                if fields.len() > 9 && fields[3] == "0A" && inodes.contains(fields[9]) {
                    let port = fields[1].rsplit(':').next().unwrap();
                    ports.push(u16::from_str_radix(port, 16).unwrap());
                }
            }
        }
        ports.sort_unstable();
        ports
    }

    /// What the collector logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// `127.0.0.<n>`, another address of this machine's loopback.
pub fn loopback(n: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))
}

/// A connection to `addr` from `from` (any port).
pub async fn connect(addr: SocketAddr, from: IpAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    socket.connect(addr).await.unwrap()
}

/// The head of a batch upload: `token` (none: no Authorization), a `Content-Length` of
/// `length`, `extra` header lines, and `Connection: close`.
pub fn upload_head(addr: SocketAddr, token: Option<&str>, length: usize, extra: &[&str]) -> String {
    let mut head = format!(
        "POST /api/v1/batches HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nConnection: close\r\n"
    );
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for line in extra {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}

/// An answer: status, headers (names lowercase), body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// `Retry-After` in seconds, if the answer has one.
    pub fn retry_after(&self) -> Option<u64> {
        self.header("retry-after").and_then(|v| v.parse().ok())
    }
}

/// Reads an answer until the collector closes the connection (every request here says
/// `Connection: close`); a reset after the answer arrived ends it too.
pub async fn read_answer(stream: &mut (impl AsyncReadExt + Unpin)) -> Answer {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(error) if !bytes.is_empty() => {
                let _ = error;
                break;
            }
            Err(error) => panic!("no answer: {error}"),
        }
    }
    parse_answer(&bytes)
}

pub fn parse_answer(bytes: &[u8]) -> Answer {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// Sends a whole request (`head`, then `body`) from `from` and reads the answer.
pub async fn request(addr: SocketAddr, from: IpAddr, head: &str, body: &[u8]) -> Answer {
    let mut stream = connect(addr, from).await;
    stream.write_all(head.as_bytes()).await.unwrap();
    // The collector may answer (and close) before it has read the body: then the rest of
    // the body cannot be written, and the answer is what counts.
    let _ = stream.write_all(body).await;
    tokio::time::timeout(Duration::from_secs(60), read_answer(&mut stream))
        .await
        .expect("an answer within 60 s")
}

/// Uploads `body` with `token` from `from`.
pub async fn upload(addr: SocketAddr, from: IpAddr, token: Option<&str>, body: &[u8]) -> Answer {
    request(addr, from, &upload_head(addr, token, body.len(), &[]), body).await
}

/// A sample batch of responses `range` (batch id from `seed`), as JSON.
pub fn batch_json(seed: u64, range: std::ops::Range<usize>) -> String {
    let questionnaire = survey::shipped::shared_questionnaire().unwrap();
    survey::sample::batch(&questionnaire, seed, range)
        .unwrap()
        .to_json()
        .unwrap()
}

/// Makes many sample batches quickly (a sample response takes milliseconds to make in a
/// debug build): a few sample responses, each copied under the ids of many. The same
/// index always gets the same copy, so overlapping batches agree.
pub struct Samples {
    questionnaire: survey::Questionnaire,
    made: Vec<survey::Response>,
}

impl Samples {
    pub fn new() -> Samples {
        let questionnaire = survey::shipped::shared_questionnaire().unwrap();
        let made = (0..8)
            .map(|i| survey::sample::complete_response(&questionnaire, i).unwrap())
            .collect();
        Samples {
            questionnaire,
            made,
        }
    }

    /// A batch of responses `indexes` (batch id from `seed`), as JSON.
    pub fn batch(&self, seed: u64, indexes: std::ops::Range<usize>) -> String {
        self.batch_of(seed, indexes).to_json().unwrap()
    }

    /// A batch of responses `indexes` (batch id from `seed`).
    pub fn batch_of(&self, seed: u64, indexes: std::ops::Range<usize>) -> survey::Batch {
        let q = &self.questionnaire;
        let responses = indexes
            .clone()
            .map(|index| {
                let mut response = self.made[index % self.made.len()].clone();
                response.id =
                    survey::ResponseId::from_random_bytes(survey::sample::bytes(index as u64));
                response
            })
            .collect();
        let visits = indexes
            .map(|index| survey::sample::visit(q, index))
            .collect();
        survey::Batch::new(
            survey::BatchId::from_random_bytes(survey::sample::bytes(seed ^ 0x7e57_0000_0000)),
            survey::Timestamp(1_714_600_000_000),
            &survey::sample::assignment(q, 0),
            survey::QuestionnaireRef::of(q),
            responses,
            visits,
        )
        .unwrap()
    }
}

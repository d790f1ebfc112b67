//! `collector bench-crowd`: the served collector's memory under a crowd. Starts this very
//! binary as `collector serve` on a loopback port with a fresh database, then:
//!
//! 1. wrong-token uploads declaring a 15 MB body, at once, each from its own loopback
//!    address (so none is throttled) with only the first 256 KB sent: all must be
//!    answered `401` with the body unread;
//! 2. a crowd of uploaders at once, each with a batch overlapping its neighbours', each
//!    trying again after `Retry-After` when the collector is busy: all must end with a
//!    receipt, and the receipts' new responses must add up to the distinct ones sent;
//! 3. a few batches of nearly the largest size (14.5 MB) at once, the worst case for
//!    memory, the same way.
//!
//! Prints the server's resident memory and its peak so far (`VmHWM`, Linux) after each
//! step, and uploads per second. Fails if an expectation fails; asserts no figure.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpSocket;

use super::BenchCrowdArgs;
use crate::error::CollectorError;
use crate::http::server::parse_listening_line;
use crate::store;

/// What the wrong-token uploads declare, and how much of it they send.
const DECLARED: usize = 15 * 1024 * 1024;
const SENT: usize = 256 * 1024;

/// Tries of one crowd upload before the benchmark gives up on it.
const TRIES: usize = 30;

fn usage(what: &str, error: impl std::fmt::Display) -> CollectorError {
    CollectorError::Usage(format!("bench-crowd: {what}: {error}"))
}

/// Runs the benchmark (see the module docs).
pub async fn run(args: &BenchCrowdArgs) -> Result<(), CollectorError> {
    let questionnaire = survey::shipped::shared_questionnaire()
        .map_err(|e| usage("the shipped questionnaire", e))?;
    let agencies: Vec<String> = questionnaire
        .agencies
        .iter()
        .map(|a| a.code.clone())
        .collect();
    let token = {
        let connection = store::open_empty(&args.data_dir, store::Durability::Full)?;
        store::tokens::add(
            &connection,
            &store::scope::Scope::All,
            "hackney-cvs",
            &agencies,
        )?
        .1
    };
    let dist = args.data_dir.join("dist");
    std::fs::create_dir_all(&dist).map_err(|e| usage("the placeholder app", e))?;
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>bench</title>\n",
    )
    .map_err(|e| usage("the placeholder app", e))?;

    // Every batch is made before the server starts: only the server is measured.
    let samples = Samples::new(&questionnaire)?;
    let crowd = samples.overlapping(0, args.uploaders.max(1), args.responses.max(1))?;
    let large = samples.overlapping(crowd.distinct, args.large, LARGE_RESPONSES)?;

    let server = Server::start(&args.data_dir, &dist, args.intake_budget_mb)?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    println!(
        "collector under a crowd: intake budget {} MB, served by {}",
        args.intake_budget_mb, server.addr
    );
    println!("  at rest: {}", server.memory());

    let started = Instant::now();
    let wrong = (0..args.wrong_tokens).map(|i| {
        let from = IpAddr::V4(Ipv4Addr::new(
            127,
            0,
            1 + (i / 250) as u8,
            2 + (i % 250) as u8,
        ));
        tokio::spawn(withheld(server.addr, from))
    });
    let mut refused = 0;
    for answer in wrong.collect::<Vec<_>>() {
        let status = answer
            .await
            .map_err(|e| usage("a wrong-token upload", e))?
            .map_err(|e| usage("a wrong-token upload", e))?;
        if status != 401 {
            return Err(usage(
                "a wrong-token upload",
                format!("answered {status}, not 401"),
            ));
        }
        refused += 1;
    }
    println!(
        "  {refused} wrong-token uploads of {} MB at once: all 401 in {:.2} s; {}",
        DECLARED / 1024 / 1024,
        started.elapsed().as_secs_f64(),
        server.memory()
    );

    let mut accepted = crowd.send(&server, &token).await?;
    accepted += large.send(&server, &token).await?;
    drop(server);
    let distinct = crowd.distinct + large.distinct;
    let (stored, _) = store::intake::counts(&store::open(&args.data_dir)?)
        .map_err(|e| usage("counting what was stored", e))?;
    println!("  stored {stored} responses; the receipts' new ones add up to {accepted}");
    if stored != distinct as u64 || accepted != distinct as u64 {
        return Err(usage(
            "the crowd",
            format!(
                "{distinct} distinct responses sent, {stored} stored, {accepted} receipted as new"
            ),
        ));
    }
    Ok(())
}

/// Responses in each of the largest batches: about 14.5 MB of JSON.
const LARGE_RESPONSES: usize = 8_800;

/// Makes sample batches quickly: a few sample responses, each copied under the ids of
/// many (the same index always gets the same copy, so overlapping batches agree).
struct Samples {
    questionnaire: survey::Questionnaire,
    made: Vec<survey::Response>,
}

/// Batches sent at once, each overlapping its neighbours by half.
struct Crowd {
    batches: Vec<Arc<String>>,
    /// Responses per batch.
    size: usize,
    /// Distinct responses in all the batches.
    distinct: usize,
}

impl Samples {
    fn new(questionnaire: &survey::Questionnaire) -> Result<Samples, CollectorError> {
        let made = (0..16)
            .map(|i| survey::sample::complete_response(questionnaire, i))
            .collect::<Result<_, _>>()
            .map_err(|e| usage("a sample response", e))?;
        Ok(Samples {
            questionnaire: questionnaire.clone(),
            made,
        })
    }

    /// `count` batches of `size` responses from index `first` on, batch `i` starting
    /// `i × size / 2` further.
    fn overlapping(
        &self,
        first: usize,
        count: usize,
        size: usize,
    ) -> Result<Crowd, CollectorError> {
        let step = size.div_ceil(2);
        let mut batches = Vec::with_capacity(count);
        for i in 0..count {
            let start = first + i * step;
            batches.push(Arc::new(self.batch(start as u64, start..start + size)?));
        }
        let distinct = if count == 0 {
            0
        } else {
            (count - 1) * step + size
        };
        Ok(Crowd {
            batches,
            size,
            distinct,
        })
    }

    fn batch(&self, seed: u64, indexes: std::ops::Range<usize>) -> Result<String, CollectorError> {
        let q = &self.questionnaire;
        let mut responses = Vec::with_capacity(indexes.len());
        let mut visits = Vec::with_capacity(indexes.len());
        for index in indexes {
            let mut response = self.made[index % self.made.len()].clone();
            response.id =
                survey::ResponseId::from_random_bytes(survey::sample::bytes(index as u64));
            responses.push(response);
            visits.push(survey::sample::visit(q, index));
        }
        let batch = survey::Batch::new(
            survey::BatchId::from_random_bytes(survey::sample::bytes(seed ^ 0xba7c_4000_0000_0000)),
            survey::Timestamp(1_714_600_000_000),
            &survey::sample::assignment(q, 0),
            survey::QuestionnaireRef::of(q),
            responses,
            visits,
        )
        .map_err(|e| usage("a sample batch", e))?;
        batch.to_json().map_err(|e| usage("a sample batch", e))
    }
}

impl Crowd {
    /// Sends every batch at once until each is receipted; prints what it took and the
    /// server's memory; the responses receipted as new.
    async fn send(&self, server: &Server, token: &str) -> Result<u64, CollectorError> {
        if self.batches.is_empty() {
            return Ok(0);
        }
        let started = Instant::now();
        let uploads = self.batches.iter().map(|body| {
            let (body, token, addr) = (Arc::clone(body), token.to_owned(), server.addr);
            tokio::spawn(async move { upload_until_receipted(addr, &token, &body).await })
        });
        let mut accepted = 0u64;
        let mut busy = 0usize;
        for upload in uploads.collect::<Vec<_>>() {
            let (receipt, busy_answers) = upload
                .await
                .map_err(|e| usage("an upload", e))?
                .map_err(|e| usage("an upload", e))?;
            accepted += receipt["accepted"].as_u64().unwrap_or(0);
            busy += busy_answers;
        }
        let took = started.elapsed().as_secs_f64();
        let count = self.batches.len();
        let bytes: usize = self.batches.iter().map(|b| b.len()).sum();
        println!(
            "  {count} uploads at once of {} responses ({:.1} MB each, {} distinct in all): receipted in {took:.1} s, \
             {busy} busy answers tried again; {:.1} uploads/s, {:.0} responses/s; {}",
            self.size,
            bytes as f64 / count as f64 / 1e6,
            self.distinct,
            count as f64 / took,
            (count * self.size) as f64 / took,
            server.memory()
        );
        Ok(accepted)
    }
}

/// `collector serve` started from this binary, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(data_dir: &Path, dist: &Path, budget_mb: u32) -> Result<Server, CollectorError> {
        let exe: PathBuf = std::env::current_exe().map_err(|e| usage("this binary", e))?;
        let mut child = Command::new(exe)
            .args(["serve", "--addr", "127.0.0.1:0", "--intake-budget-mb"])
            .arg(budget_mb.to_string())
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--dist")
            .arg(dist)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| usage("starting collector serve", e))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
        }
        match parse_listening_line(&line) {
            Some(addr) => Ok(Server { child, addr }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(usage("collector serve", format!("printed {line:?}")))
            }
        }
    }

    /// `RSS <now> MB, peak <VmHWM> MB` from `/proc`, or why not.
    fn memory(&self) -> String {
        let status = match std::fs::read_to_string(format!("/proc/{}/status", self.child.id())) {
            Ok(status) => status,
            Err(_) => return "memory not measured (no /proc)".to_owned(),
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
                .map_or_else(|| "?".to_owned(), |kb| format!("{:.0}", kb as f64 / 1024.0))
        };
        format!("RSS {} MB, peak {} MB", field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A wrong-token upload from `from` declaring [`DECLARED`] bytes and sending only
/// [`SENT`]: the status it is answered with.
async fn withheld(addr: SocketAddr, from: IpAddr) -> Result<u16, String> {
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::new(from, 0))
        .map_err(|e| format!("binding {from}: {e}"))?;
    let mut stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer dst_wrong\r\n\
         Content-Type: application/json\r\nContent-Length: {DECLARED}\r\n\r\n",
        survey::wire::BATCHES_PATH
    );
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    stream
        .write_all(&vec![b' '; SENT])
        .await
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    tokio::time::timeout(Duration::from_secs(30), reader.read_line(&mut status_line))
        .await
        .map_err(|_| "no answer within 30 s".to_owned())?
        .map_err(|e| e.to_string())?;
    status(&status_line).ok_or_else(|| format!("answered {status_line:?}"))
}

fn status(line: &str) -> Option<u16> {
    line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// Uploads `body` until it is receipted, waiting as `Retry-After` says after each `503`:
/// the receipt and how many busy answers came first.
async fn upload_until_receipted(
    addr: SocketAddr,
    token: &str,
    body: &str,
) -> Result<(serde_json::Value, usize), String> {
    let mut busy = 0;
    for _ in 0..TRIES {
        let (status, retry_after, answer) = post(addr, token, body).await?;
        match status {
            200 => {
                let receipt = serde_json::from_slice(&answer).map_err(|e| e.to_string())?;
                return Ok((receipt, busy));
            }
            503 => {
                busy += 1;
                tokio::time::sleep(Duration::from_secs(retry_after.unwrap_or(1))).await;
            }
            other => {
                return Err(format!(
                    "answered {other}: {}",
                    String::from_utf8_lossy(&answer)
                ))
            }
        }
    }
    Err(format!("still busy after {TRIES} tries"))
}

/// One `POST` of a batch on its own connection: status, `Retry-After`, body.
async fn post(
    addr: SocketAddr,
    token: &str,
    body: &str,
) -> Result<(u16, Option<u64>, Vec<u8>), String> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        survey::wire::BATCHES_PATH,
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    stream
        .write_all(body.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(300), stream.read_to_end(&mut answer))
        .await
        .map_err(|_| "no answer within 300 s".to_owned())?
        .map_err(|e| e.to_string())?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("an answer without a head")?;
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = status(&head).ok_or_else(|| format!("answered {head:?}"))?;
    let retry_after = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("retry-after")
            .then(|| value.trim().parse().ok())
            .flatten()
    });
    Ok((status, retry_after, answer[split + 4..].to_vec()))
}

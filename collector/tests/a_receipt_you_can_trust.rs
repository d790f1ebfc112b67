//! A receipt is a promise that the tablet may forget those interviews: the real
//! `collector serve` on a real database file, over TCP, answers a receipt only once the
//! batch is on disk, and never tells one agency anything of another's responses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use collector::parse_listening_line;
use common::FakeBuild;
use serde_json::Value;
use survey::Questionnaire;

const START_TIMEOUT: Duration = Duration::from_secs(60);

fn questionnaire() -> Questionnaire {
    survey::shipped::shared_questionnaire().unwrap()
}

fn collector_binary() -> &'static str {
    env!("CARGO_BIN_EXE_collector")
}

/// A token for `agency`, made with the real binary.
fn token(data: &Path, agency: &str) -> String {
    let output = Command::new(collector_binary())
        .args(["token", "add", "--agency", agency, "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A running `collector serve` (perhaps under strace), its stderr lines gathered; stopped
/// with SIGTERM, and killed when dropped so a failing test leaves nothing behind.
struct Server {
    child: Child,
    /// The collector's own process (the child's child when it runs under strace).
    pid: u32,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(mut command: Command, under_strace: bool) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                if under_strace && error.kind() == std::io::ErrorKind::NotFound {
                    panic!(
                        "strace is not installed: this test watches the collector's syscalls \
                         with it. Install it with `apt-get install strace` (scripts/setup.sh \
                         does, when it is missing)"
                    );
                }
                panic!("cannot start the collector: {error}");
            });
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = match receiver.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "collector printed nothing within {START_TIMEOUT:?}; stderr: {:?}",
                    log.lock().unwrap()
                );
            }
        };
        let Some(addr) = parse_listening_line(&line) else {
            let _ = child.kill();
            panic!(
                "unexpected first line {line:?}; stderr: {:?}",
                log.lock().unwrap()
            );
        };
        let pid = if under_strace {
            child_of(child.id()).expect("the collector under strace")
        } else {
            child.id()
        };
        Server {
            child,
            pid,
            addr,
            log,
        }
    }

    fn serve(build: &FakeBuild, data: &Path) -> Server {
        let mut command = Command::new(collector_binary());
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
            .arg(build.dist())
            .arg("--data-dir")
            .arg(data);
        Server::start(command, false)
    }

    fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The log once the lines of the first `requests` requests have all been read: each
    /// request's lines end with tower-http's "finished processing request", written
    /// before its answer is, but read from the pipe by another thread.
    fn log_after(&self, requests: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let lines = self.log_lines();
            let finished = lines
                .iter()
                .filter(|line| line.contains("finished processing request"))
                .count();
            if finished >= requests {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "{finished} of {requests} requests logged: {lines:#?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM to the collector, then waits for the child (strace ends with it).
    fn stop(mut self) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                // Stopped: nothing left for `drop` to kill.
                self.pid = self.child.id();
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the collector did not stop within 30 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.pid != self.child.id() {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The process whose parent is `parent` (the command strace started), from /proc.
fn child_of(parent: u32) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            if after.split_whitespace().nth(1) == Some(&parent.to_string()) {
                return Some(pid);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// POSTs `body` to the batches route with `token` over a new connection; the status and
/// the body as text.
fn upload(addr: SocketAddr, token: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/batches HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap();
    (status, body.to_owned())
}

/// One line of `strace -f -y` output that matters here.
#[derive(Debug, PartialEq)]
enum Event {
    /// A sync of the database (its `-wal` or main file) finished successfully.
    Synced,
    /// A write to a socket that carries a receipt.
    Receipt,
}

/// Reads the strace log: syncs of `database`'s files that returned 0, and receipts
/// written to sockets, in the order they happened. A syscall strace shows as
/// `<unfinished ...>` (another thread ran meanwhile) counts as a sync where it resumes
/// with `= 0`, and as a write where it started.
fn events(log: &str, database: &Path) -> Vec<Event> {
    let database = database.to_str().unwrap();
    let is_database = |line: &str| {
        line.contains(&format!("<{database}-wal>")) || line.contains(&format!("<{database}>"))
    };
    let mut pending_sync: HashMap<String, bool> = HashMap::new();
    let mut events = Vec::new();
    for line in log.lines() {
        let (pid, call) = line.split_once(' ').unwrap_or(("", line));
        let call = call.trim_start();
        let is_sync = call.starts_with("fsync(") || call.starts_with("fdatasync(");
        let is_write = ["write(", "writev(", "sendto(", "sendmsg("]
            .iter()
            .any(|name| call.starts_with(name));
        if is_sync && call.ends_with("<unfinished ...>") {
            pending_sync.insert(pid.to_owned(), is_database(call));
        } else if is_sync {
            if is_database(call) && call.ends_with("= 0") {
                events.push(Event::Synced);
            }
        } else if call.starts_with("<... fsync resumed>")
            || call.starts_with("<... fdatasync resumed>")
        {
            if pending_sync.remove(pid) == Some(true) && call.ends_with("= 0") {
                events.push(Event::Synced);
            }
        } else if is_write
            && (call.contains("<TCP") || call.contains("<socket:"))
            && call.contains("already_present")
        {
            events.push(Event::Receipt);
        }
    }
    events
}

#[test]
fn every_receipt_is_written_after_the_batch_is_synced_to_disk() {
    let build = FakeBuild::new();
    let data = build.dir.path().join("data");
    let token = token(&data, "hackney-cvs");
    let trace = build.dir.path().join("strace.log");
    let mut command = Command::new("strace");
    command
        .args(["-f", "-y", "-qq", "-s", "512", "-e"])
        .arg("trace=fsync,fdatasync,write,writev,sendto,sendmsg")
        .arg("-o")
        .arg(&trace)
        .arg(collector_binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
        .arg(build.dist())
        .arg("--data-dir")
        .arg(&data);
    let server = Server::start(command, true);
    const BATCHES: u64 = 12;
    for seed in 0..BATCHES {
        let start = seed as usize * 5;
        let json = survey::sample::batch(&questionnaire(), seed, start..start + 5)
            .unwrap()
            .to_json()
            .unwrap();
        let (status, body) = upload(server.addr, &token, &json);
        assert_eq!(status, 200, "{body}");
    }
    server.stop();
    let log = std::fs::read_to_string(&trace).unwrap();
    let database = std::fs::canonicalize(&data)
        .unwrap()
        .join(collector::store::FILE);
    let events = events(&log, &database);
    let receipts = events.iter().filter(|e| **e == Event::Receipt).count();
    assert_eq!(
        receipts, BATCHES as usize,
        "every receipt seen on a socket; events {events:?}"
    );
    let mut synced_since_last_receipt = 0;
    let mut syncs_before_each = Vec::new();
    for event in &events {
        match event {
            Event::Synced => synced_since_last_receipt += 1,
            Event::Receipt => {
                syncs_before_each.push(synced_since_last_receipt);
                synced_since_last_receipt = 0;
            }
        }
    }
    let unsynced = syncs_before_each.iter().filter(|&&n| n == 0).count();
    println!(
        "{receipts} receipts; syncs of the database's files before each, since the one before: \
         {syncs_before_each:?}"
    );
    assert_eq!(
        unsynced,
        0,
        "{unsynced} of {receipts} receipts were written with no sync of {} since the one before",
        database.display()
    );
}

#[test]
fn strace_lines_are_read_as_syncs_and_receipts() {
    let database = Path::new("/d/collector.sqlite3");
    let log = "\
12 fdatasync(7</d/collector.sqlite3-wal>) = 0
13 writev(9<TCPv4:[1]>, [{iov_base=\"HTTP/1.1 200 OK\", iov_len=15}, {iov_base=\"{\\\"already_present\\\":0}\", iov_len=20}], 2) = 35
12 fdatasync(7</d/collector.sqlite3-wal> <unfinished ...>
13 write(2</dev/null>, \"already_present\", 15) = 15
13 write(9<TCPv4:[1]>, \"{\\\"already_present\\\":0}\", 20) = 20
12 <... fdatasync resumed>) = 0
14 fsync(8</d/other.sqlite3-wal>) = 0
";
    assert_eq!(
        events(log, database),
        [Event::Synced, Event::Receipt, Event::Receipt, Event::Synced]
    );
}

/// A batch of `responses` handed in under `agency` by sample worker W012, its id from
/// `seed`.
fn batch_of(agency: &str, seed: u64, responses: Vec<survey::Response>) -> survey::Batch {
    let q = questionnaire();
    let mut assignment = survey::sample::assignment(&q, 0);
    assignment.agency = agency.into();
    survey::Batch::new(
        survey::BatchId::from(survey::sample::time_ordered(1_714_600_000_000, seed)),
        survey::record::Timestamp(1_714_600_000_000),
        &assignment,
        survey::QuestionnaireRef::of(&q),
        responses,
        vec![],
    )
    .unwrap()
}

/// Sample responses `range` as taken for `agency`, in a batch of that agency.
fn batch_for(agency: &str, seed: u64, range: std::ops::Range<usize>) -> survey::Batch {
    let q = questionnaire();
    let responses = range
        .map(|i| {
            let mut response = survey::sample::complete_response(&q, i).unwrap();
            response.agency = agency.into();
            response
        })
        .collect();
    batch_of(agency, seed, responses)
}

fn conflicts_listed(data: &Path) -> String {
    let output = Command::new(collector_binary())
        .args(["conflicts", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn ids_another_agency_sent_are_conflicts_and_nothing_of_that_agency_is_told() {
    let build = FakeBuild::new();
    let data: PathBuf = build.dir.path().join("data");
    let cvs = token(&data, "hackney-cvs");
    let council = token(&data, "hackney-council");
    let server = Server::serve(&build, &data);

    // hackney-cvs hands in responses 0..4.
    let theirs = batch_for("hackney-cvs", 1, 0..4);
    let (status, _) = upload(server.addr, &cvs, &theirs.to_json().unwrap());
    assert_eq!(status, 200);
    let before = server.log_after(1).len();

    // hackney-council sends the same ids with its own agency on them, twice (the second
    // time in another batch).
    let ours = batch_for("hackney-council", 2, 0..4);
    let again = batch_for("hackney-council", 3, 0..4);
    for batch in [&ours, &again] {
        let (status, body) = upload(server.addr, &council, &batch.to_json().unwrap());
        assert_eq!(status, 200, "{body}");
        let receipt: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (
                &receipt["accepted"],
                &receipt["already_present"],
                &receipt["conflicts"]
            ),
            (&Value::from(0), &Value::from(0), &Value::from(4)),
            "{body}"
        );
        assert!(!body.contains("hackney-cvs"), "{body}");
        assert!(!body.contains(&theirs.id.to_string()), "{body}");
    }

    // hackney-council sends 10..12 first; hackney-cvs's real upload of them comes after.
    let first = batch_for("hackney-council", 4, 10..12);
    let (status, _) = upload(server.addr, &council, &first.to_json().unwrap());
    assert_eq!(status, 200);
    let after_council = server.log_after(4).len();
    let late = batch_for("hackney-cvs", 5, 10..12);
    let (status, body) = upload(server.addr, &cvs, &late.to_json().unwrap());
    assert_eq!(status, 200, "{body}");
    let receipt: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(receipt["conflicts"], 2, "{body}");
    assert_eq!(receipt["accepted"], 0, "{body}");
    assert!(!body.contains("hackney-council"), "{body}");
    assert!(!body.contains(&first.id.to_string()), "{body}");

    let log = server.log_after(5);
    // The very content hackney-cvs sent, in a batch of the council's: refused before any
    // comparison with what is stored, because its responses are not the batch's agency.
    let copied = batch_of("hackney-council", 6, theirs.responses.clone());
    let (status, body) = upload(server.addr, &council, &copied.to_json().unwrap());
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not the batch's"), "{body}");
    assert!(!body.contains(&theirs.id.to_string()), "{body}");
    server.stop();
    let council_lines = &log[before..after_council];
    let cvs_lines = &log[after_council..];
    assert!(
        council_lines.iter().any(|l| l.contains("conflicts=4")),
        "the conflicts are logged: {council_lines:#?}"
    );
    for line in council_lines {
        assert!(!line.contains("hackney-cvs"), "{line}");
        assert!(!line.contains(&theirs.id.to_string()), "{line}");
    }
    assert!(
        cvs_lines.iter().any(|l| l.contains("conflicts=2")),
        "{cvs_lines:#?}"
    );
    for line in cvs_lines {
        assert!(!line.contains("hackney-council"), "{line}");
        assert!(!line.contains(&first.id.to_string()), "{line}");
    }
    for line in &log {
        assert!(!line.contains("Bilgisayar"), "no answer in the log: {line}");
    }

    // The coordinator sees each: when, response, batch, agency, reason.
    let listed = conflicts_listed(&data);
    let lines: Vec<&str> = listed.lines().skip(1).collect();
    // The council's second sending of the same content is the same four conflicts.
    assert_eq!(lines.len(), 4 + 2, "{listed}");
    let id = theirs.responses[0].id.to_string();
    assert!(
        lines.iter().any(|l| l.contains(&id)
            && l.contains(&ours.id.to_string())
            && l.contains("hackney-council")
            && l.ends_with("other_agency")),
        "{listed}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&late.id.to_string()) && l.contains("hackney-cvs")),
        "{listed}"
    );
}

#[test]
fn an_edited_import_is_listed_as_a_conflict() {
    let data = tempfile::tempdir().unwrap();
    assert_eq!(conflicts_listed(data.path()).trim(), "no conflicts");
    let q = questionnaire();
    let first = survey::sample::batch(&q, 1, 0..2).unwrap();
    let mut edited = batch_for("hackney-cvs", 9, 0..2);
    edited.responses[1].completed = edited.responses[1]
        .completed
        .map(|t| survey::record::Timestamp(t.0 + 60_000));
    edited.checksum = edited.compute_checksum().unwrap();
    for (name, batch) in [("first.json", &first), ("edited.json", &edited)] {
        let file = data.path().join(name);
        std::fs::write(&file, batch.to_json().unwrap()).unwrap();
        let output = Command::new(collector_binary())
            .arg("import")
            .arg(&file)
            .arg("--data-dir")
            .arg(data.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        if name == "edited.json" {
            let printed = String::from_utf8_lossy(&output.stdout);
            assert!(
                printed.contains("0 new, 1 already present, 1 conflicts"),
                "{printed}"
            );
        }
    }
    let listed = conflicts_listed(data.path());
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].starts_with("received") && lines[0].ends_with("reason"));
    let line = lines[1];
    assert!(line.contains(&edited.responses[1].id.to_string()), "{line}");
    assert!(line.contains(&edited.id.to_string()), "{line}");
    assert!(
        line.contains("hackney-cvs") && line.ends_with("other_content"),
        "{line}"
    );
}

#[test]
fn a_refused_batch_names_the_response_question_and_rule_and_no_answer_reaches_the_log() {
    let build = FakeBuild::new();
    let data: PathBuf = build.dir.path().join("data");
    let cvs = token(&data, "hackney-cvs");
    let server = Server::serve(&build, &data);
    let q = questionnaire();
    let words = "Kedim gece korkuyor";

    // A text answer holding a right-to-left override, and a choice answered with text.
    let mut hidden = survey::sample::complete_response(&q, 0).unwrap();
    let text_question = hidden
        .answers
        .iter()
        .find(|(_, answer)| matches!(answer, survey::Answer::Text(_)))
        .map(|(code, _)| code.clone())
        .expect("a sample interview answers a text question");
    hidden.answers.insert(
        text_question.clone(),
        survey::Answer::Text(format!("{words} \u{202E}ters")),
    );
    let mut misfit = survey::sample::complete_response(&q, 1).unwrap();
    let choice_question = misfit
        .answers
        .iter()
        .find(|(_, answer)| matches!(answer, survey::Answer::Choice(_)))
        .map(|(code, _)| code.clone())
        .unwrap();
    misfit.answers.insert(
        choice_question.clone(),
        survey::Answer::Text(words.to_owned()),
    );

    for (seed, response, question, rule) in [
        (7, hidden, text_question, "bidi_control"),
        (8, misfit, choice_question, "answer_does_not_fit"),
    ] {
        let id = response.id;
        let batch = batch_of("hackney-cvs", seed, vec![response]);
        let (status, body) = upload(server.addr, &cvs, &batch.to_json().unwrap());
        assert_eq!(status, 422, "{body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"], "invalid_batch", "{body}");
        assert_eq!(body["response"], id.to_string(), "{body}");
        assert_eq!(body["question"], question.0, "{body}");
        assert_eq!(body["rule"], rule, "{body}");
        assert!(!body.to_string().contains("Kedim"), "{body}");
    }
    let log = server.log_after(2);
    server.stop();
    assert!(
        log.iter().any(
            |line| line.contains("rule=\"bidi_control\"") || line.contains("rule=bidi_control")
        ),
        "the rule is logged: {log:#?}"
    );
    for line in &log {
        for word in words.split(' ') {
            assert!(!line.contains(word), "an answer reached the log: {line}");
        }
    }
}

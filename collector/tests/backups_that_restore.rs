//! Backups that restore: the real `collector backup`, taken while the real `collector
//! serve` takes batches from several uploaders at once, holds every batch receipted
//! before it began, whole; `collector restore` puts it in a fresh data folder, and
//! `collector serve` starts on it and takes uploads again. And what either refuses.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::served::{loopback, serve, serve_existing, upload, Samples, Served};
use rusqlite::{Connection, OpenFlags};

const UPLOADERS: usize = 4;
const BATCHES_EACH: usize = 40;
const PER_BATCH: usize = 50;
const BATCHES: usize = UPLOADERS * BATCHES_EACH;

fn collector(args: &[&str], paths: &[&Path]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_collector"));
    command.args(args);
    for path in paths {
        command.arg(path);
    }
    command.output().unwrap()
}

/// `collector backup OUT --data-dir DATA`.
fn backup(data: &Path, out: &Path) -> Output {
    collector(&["backup"], &[out, Path::new("--data-dir"), data])
}

/// `collector restore BACKUP --data-dir DATA`.
fn restore(from: &Path, data: &Path) -> Output {
    collector(&["restore"], &[from, Path::new("--data-dir"), data])
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The command succeeded; its one stdout line.
fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status,
        stdout(output),
        stderr(output)
    );
    let out = stdout(output);
    assert_eq!(out.lines().count(), 1, "one summary line: {out:?}");
    out.trim_end().to_owned()
}

/// The command failed, with an error naming `path`; its error line.
fn refused(output: &Output, path: &Path) -> String {
    assert!(
        !output.status.success(),
        "it should have been refused; stdout: {}",
        stdout(output)
    );
    let error = stderr(output);
    let line = error
        .lines()
        .find(|line| line.starts_with("collector: error: "))
        .unwrap_or_else(|| panic!("no error line: {error}"))
        .to_owned();
    assert!(
        line.contains(&path.display().to_string()),
        "the error names {}: {line}",
        path.display()
    );
    line
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// What was sent in one batch: its id, its responses' and visits' ids (as stored, 16
/// bytes each), and its JSON.
struct Sent {
    id: Vec<u8>,
    responses: BTreeSet<Vec<u8>>,
    visits: BTreeSet<Vec<u8>>,
    json: String,
}

fn sent_batches(samples: &Samples) -> Vec<Sent> {
    (0..BATCHES)
        .map(|b| {
            let batch = samples.batch_of(b as u64, b * PER_BATCH..(b + 1) * PER_BATCH);
            Sent {
                id: batch.id.uuid().as_bytes().to_vec(),
                responses: batch
                    .responses
                    .iter()
                    .map(|r| r.id.uuid().as_bytes().to_vec())
                    .collect(),
                visits: batch
                    .visits
                    .iter()
                    .map(|v| v.id.uuid().as_bytes().to_vec())
                    .collect(),
                json: batch.to_json().unwrap(),
            }
        })
        .collect()
}

/// Each upload: which batch, when it was sent, when its receipt came.
#[derive(Clone, Copy)]
struct Upload {
    batch: usize,
    sent: Instant,
    receipted: Instant,
}

/// One backup taken: the batches receipted before it began, when it ran, its file.
struct Taken {
    receipted_before: BTreeSet<usize>,
    began: Instant,
    ended: Instant,
    file: PathBuf,
    line: String,
}

/// Runs `collector backup` into `folder` while the uploads go on, noting first which
/// batches were receipted.
async fn take_backup(
    served: &Served,
    folder: &Path,
    name: &str,
    uploads: &Mutex<Vec<Upload>>,
) -> Taken {
    let receipted_before = uploads.lock().unwrap().iter().map(|u| u.batch).collect();
    let data = served.data.clone();
    let file = folder.join(name);
    let out = file.clone();
    let began = Instant::now();
    let output = tokio::task::spawn_blocking(move || backup(&data, &out))
        .await
        .unwrap();
    let ended = Instant::now();
    let line = succeeded(&output);
    Taken {
        receipted_before,
        began,
        ended,
        file,
        line,
    }
}

/// Waits until at least `n` batches are receipted.
async fn until_receipted(uploads: &Mutex<Vec<Upload>>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while uploads.lock().unwrap().len() < n {
        assert!(
            Instant::now() < deadline,
            "{n} batches not receipted in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A restored database, opened to be read.
fn read_only(data: &Path) -> Connection {
    Connection::open_with_flags(
        collector::store::path_in(data),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

/// Checks a restored database against what was sent: SQLite finds it whole, every batch
/// receipted before the backup began is there, and every batch there has exactly the
/// responses and visits it was sent with, once each. Returns the batches it holds.
fn check_restored(data: &Path, sent: &[Sent], taken: &Taken) -> BTreeSet<usize> {
    let connection = read_only(data);
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, collector::store::SCHEMA_VERSION as i64);

    let by_id: HashMap<&[u8], usize> = sent
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_slice(), i))
        .collect();
    let mut statement = connection
        .prepare("SELECT id, count, accepted FROM batches")
        .unwrap();
    let rows: Vec<(Vec<u8>, i64, i64)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut present = BTreeSet::new();
    for (id, count, accepted) in rows {
        let index = *by_id
            .get(id.as_slice())
            .unwrap_or_else(|| panic!("a batch row that was never sent: {id:02x?}"));
        assert!(present.insert(index), "batch {index} twice");
        assert_eq!((count, accepted), (PER_BATCH as i64, PER_BATCH as i64));
        let ids = |table: &str| -> BTreeSet<Vec<u8>> {
            let mut statement = connection
                .prepare(&format!("SELECT id FROM {table} WHERE batch = ?1"))
                .unwrap();
            statement
                .query_map([&id], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert!(
            ids("responses") == sent[index].responses,
            "batch {index}: its responses, all of them and no others"
        );
        assert!(
            ids("visits") == sent[index].visits,
            "batch {index}: its visits, all of them and no others"
        );
    }
    let totals: (i64, i64) = connection
        .query_row(
            "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM visits)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    let expected = (present.len() * PER_BATCH) as i64;
    assert_eq!(
        totals,
        (expected, expected),
        "no response or visit outside its batch, none twice"
    );
    let missing: Vec<_> = taken.receipted_before.difference(&present).collect();
    assert!(
        missing.is_empty(),
        "{} batches receipted before the backup began are missing from it: {missing:?}",
        missing.len()
    );
    let size = std::fs::metadata(&taken.file).unwrap().len();
    assert_eq!(
        taken.line,
        format!(
            "Backed up {} responses in {} batches ({:.1} MB) to {}",
            thousands(present.len() * PER_BATCH),
            thousands(present.len()),
            size as f64 / (1024.0 * 1024.0),
            taken.file.display()
        )
    );
    present
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backups_taken_during_uploads_restore_every_receipted_batch_whole() {
    let served = serve(&[]);
    let samples = Samples::new();
    let sent = Arc::new(sent_batches(&samples));
    let backups = tempfile::tempdir().unwrap();
    let uploads = Arc::new(Mutex::new(Vec::<Upload>::new()));

    // Uploader u sends batches u, u + 4, u + 8, … one after another; all four at once.
    let uploaders: Vec<_> = (0..UPLOADERS)
        .map(|u| {
            let (addr, token) = (served.addr, served.token.clone());
            let (sent, uploads) = (Arc::clone(&sent), Arc::clone(&uploads));
            tokio::spawn(async move {
                for batch in (u..BATCHES).step_by(UPLOADERS) {
                    let started = Instant::now();
                    let answer =
                        upload(addr, loopback(1), Some(&token), sent[batch].json.as_bytes()).await;
                    assert_eq!(answer.status, 200, "batch {batch}: {answer:?}");
                    assert_eq!(answer.json()["accepted"], PER_BATCH, "batch {batch}");
                    uploads.lock().unwrap().push(Upload {
                        batch,
                        sent: started,
                        receipted: Instant::now(),
                    });
                }
            })
        })
        .collect();

    // Two backups while the uploads go on: a third of the way, and two thirds.
    until_receipted(&uploads, BATCHES / 3).await;
    let first = take_backup(&served, backups.path(), "first.sqlite3", &uploads).await;
    until_receipted(&uploads, 2 * BATCHES / 3).await;
    let second = take_backup(&served, backups.path(), "second.sqlite3", &uploads).await;
    for uploader in uploaders {
        uploader.await.unwrap();
    }
    let uploads = uploads.lock().unwrap().clone();
    assert_eq!(uploads.len(), BATCHES);
    stop(served.child.id());
    // And one of the stopped collector's database: everything.
    let third = take_backup(
        &served,
        backups.path(),
        "third.sqlite3",
        &Mutex::new(uploads.clone()),
    )
    .await;
    assert_eq!(third.receipted_before.len(), BATCHES);
    let token = served.token.clone();
    drop(served);

    for taken in [&first, &second] {
        let during = uploads
            .iter()
            .filter(|u| u.receipted > taken.began && u.receipted < taken.ended)
            .count();
        let slowest = uploads
            .iter()
            .filter(|u| u.sent < taken.ended && u.receipted > taken.began)
            .map(|u| u.receipted - u.sent)
            .max()
            .unwrap_or_default();
        eprintln!(
            "{}: took {} ms after {} batches; {during} batches receipted meanwhile, the slowest upload overlapping it {} ms",
            taken.line,
            (taken.ended - taken.began).as_millis(),
            taken.receipted_before.len(),
            slowest.as_millis()
        );
    }
    let slowest = uploads.iter().map(|u| u.receipted - u.sent).max().unwrap();
    eprintln!("slowest upload of all: {} ms", slowest.as_millis());

    let restored = tempfile::tempdir().unwrap();
    let mut held_before: Vec<BTreeSet<usize>> = Vec::new();
    for (n, taken) in [&first, &second, &third].into_iter().enumerate() {
        // A data folder that does not exist yet: restore makes it.
        let data = restored.path().join(format!("data-{n}"));
        let line = succeeded(&restore(&taken.file, &data));
        assert!(
            line.starts_with("Restored ") && line.contains(&taken.file.display().to_string()),
            "{line}"
        );
        let present = check_restored(&data, &sent, taken);
        // Three moments: each backup holds more than the one before, and all it held.
        if let Some(before) = held_before.last() {
            assert!(
                present.is_superset(before) && present.len() > before.len(),
                "backup {n} holds {} batches, the one before {}",
                present.len(),
                before.len()
            );
        }
        held_before.push(present.clone());
        let leftovers: Vec<_> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".part"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // The collector starts on it: a batch it holds is already present, a new one is
        // taken in, with the token the backup kept.
        let again = serve_existing(data.clone(), token.clone(), &[]);
        let held = *present.iter().next().unwrap();
        let answer = upload(
            again.addr,
            loopback(1),
            Some(&token),
            sent[held].json.as_bytes(),
        )
        .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(
            (
                answer.json()["accepted"].clone(),
                answer.json()["already_present"].clone()
            ),
            (0.into(), PER_BATCH.into()),
            "{answer:?}"
        );
        let fresh = samples.batch(10_000 + n as u64, 1_000_000..1_000_000 + PER_BATCH);
        let answer = upload(again.addr, loopback(1), Some(&token), fresh.as_bytes()).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(answer.json()["accepted"], PER_BATCH, "{answer:?}");
        assert_eq!(again.stored(), ((present.len() + 1) * PER_BATCH) as i64);
    }
}

/// SIGTERM to the collector, then waits until it has gone.
fn stop(pid: u32) {
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    while Path::new(&format!("/proc/{pid}")).exists() {
        // A zombie until waited for: its state says it has stopped.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the collector did not stop within 30 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A data folder holding a collector's (empty) database.
fn data_folder(parent: &Path, name: &str) -> PathBuf {
    let data = parent.join(name);
    drop(collector::store::open(&data).unwrap());
    data
}

fn no_part_files(folder: &Path) {
    let leftovers: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn backup_never_overwrites_and_names_the_folder_it_cannot_write_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_folder(dir.path(), "data");

    // An existing OUT is left as it is.
    let out = dir.path().join("taken.sqlite3");
    std::fs::write(&out, "keep me").unwrap();
    let line = refused(&backup(&data, &out), &out);
    assert!(line.contains("already exists"), "{line}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");

    // A folder that does not exist.
    let missing = dir.path().join("no-such-folder");
    let line = refused(&backup(&data, &missing.join("b.sqlite3")), &missing);
    assert!(line.contains("cannot write in the folder"), "{line}");

    // A "folder" that is a file.
    let line = refused(&backup(&data, &out.join("b.sqlite3")), &out);
    assert!(line.contains("cannot write in the folder"), "{line}");

    // A data folder with no database.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let line = refused(&backup(&empty, &dir.path().join("b.sqlite3")), &empty);
    assert!(line.contains("no database to back up"), "{line}");
    assert!(!empty.join("collector.sqlite3").exists(), "nothing made");

    // A folder as OUT: the backup is named by the time, inside it.
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let line = succeeded(&backup(&data, &folder));
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("collector-20") && name.ends_with("Z.sqlite3") && !name.contains(':'),
        "{name}"
    );
    assert_eq!(
        line,
        format!(
            "Backed up 0 responses in 0 batches ({:.1} MB) to {}",
            std::fs::metadata(&files[0]).unwrap().len() as f64 / (1024.0 * 1024.0),
            files[0].display()
        )
    );
    // A backup is one file, no log beside it, readable by its owner only.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o077,
        0,
        "a backup holds people's answers: no one else may read it"
    );
    for path in [&dir.path().to_owned(), &folder] {
        no_part_files(path);
    }
}

#[test]
fn restore_refuses_a_folder_with_a_database_and_anything_not_a_doorstep_backup() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_folder(dir.path(), "data");
    let good = dir.path().join("good.sqlite3");
    succeeded(&backup(&data, &good));

    // Into a data folder holding a database: refused, the database untouched.
    let live = data_folder(dir.path(), "live");
    let database = live.join("collector.sqlite3");
    let before = std::fs::read(&database).unwrap();
    let line = refused(&restore(&good, &live), &database);
    assert!(line.contains("stop the collector and move"), "{line}");
    assert_eq!(std::fs::read(&database).unwrap(), before);
    no_part_files(&live);

    // Into one holding only a write-ahead log (it would be replayed into the restored
    // file): refused too.
    let stale = dir.path().join("stale");
    std::fs::create_dir(&stale).unwrap();
    let wal = stale.join("collector.sqlite3-wal");
    std::fs::write(&wal, b"left behind").unwrap();
    refused(&restore(&good, &stale), &wal);
    assert!(!stale.join("collector.sqlite3").exists());

    // Not a SQLite database: a batch file, an empty file, a folder.
    let fresh = dir.path().join("fresh");
    let batch = dir.path().join("batch.json");
    std::fs::write(&batch, Samples::new().batch(1, 0..2)).unwrap();
    let empty = dir.path().join("empty.sqlite3");
    std::fs::write(&empty, b"").unwrap();
    for file in [&batch, &empty, &dir.path().join("data")] {
        let line = refused(&restore(file, &fresh), file);
        assert!(line.contains("is not a SQLite database"), "{line}");
    }
    // No such file.
    let absent = dir.path().join("absent.sqlite3");
    refused(&restore(&absent, &fresh), &absent);

    // A SQLite database, but not Doorstep's.
    let other = dir.path().join("other.sqlite3");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello');")
        .unwrap();
    let line = refused(&restore(&other, &fresh), &other);
    assert!(line.contains("not a Doorstep collector's"), "{line}");

    // A backup from a newer collector.
    let newer = dir.path().join("newer.sqlite3");
    std::fs::copy(&good, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let line = refused(&restore(&newer, &fresh), &newer);
    assert!(
        line.contains("schema version 99") && line.contains("newer collector"),
        "{line}"
    );

    // A damaged one: a page of the responses table overwritten.
    let damaged = dir.path().join("damaged.sqlite3");
    damage(&damaged);
    let line = refused(&restore(&damaged, &fresh), &damaged);
    assert!(line.contains("is damaged"), "{line}");

    // Nothing was restored, and nothing left half done.
    assert!(!fresh.join("collector.sqlite3").exists());
    if fresh.exists() {
        no_part_files(&fresh);
    }

    // The good one restores.
    let line = succeeded(&restore(&good, &fresh));
    assert!(
        line.starts_with("Restored 0 responses in 0 batches"),
        "{line}"
    );
    // And a second restore into the same folder is refused: it holds a database now.
    refused(&restore(&good, &fresh), &fresh.join("collector.sqlite3"));
}

/// A backup with some responses in it whose responses table's root page is then
/// overwritten with garbage.
fn damage(to: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut connection = collector::store::open(&data).unwrap();
    let questionnaires = collector::store::questionnaires::accepted(&connection).unwrap();
    let json = Samples::new().batch(7, 0..40);
    let batch = collector::store::intake::verify(json.as_bytes(), &questionnaires).unwrap();
    collector::store::intake::store(
        &mut connection,
        &batch,
        collector::store::intake::Source::Import,
    )
    .unwrap();
    let root: i64 = connection
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'responses'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    drop(connection);
    let copy = dir.path().join("copy.sqlite3");
    succeeded(&backup(&data, &copy));
    let mut bytes = std::fs::read(&copy).unwrap();
    let page = collector::store::PAGE_SIZE as usize;
    let start = (root as usize - 1) * page;
    for byte in &mut bytes[start..start + page] {
        *byte = 0x5a;
    }
    std::fs::write(to, bytes).unwrap();
}

/// The hourly backup's units in `deploy/`, as installed: `systemd-analyze verify` finds
/// nothing to say of them (not a warning), and the command they run works.
///
/// `verify` refuses a unit whose `ExecStart` binary does not exist, and
/// `/usr/local/bin/collector` is not installed here: the units are copied to a temporary
/// folder with that path (and only that) replaced by the binary just built, so `verify`
/// checks every setting as written and that the binary is there and executable.
#[test]
fn the_backup_units_pass_systemd_analyze_verify_and_their_command_works() {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
    let service = std::fs::read_to_string(deploy.join("doorstep-backup.service")).unwrap();
    let timer = std::fs::read_to_string(deploy.join("doorstep-backup.timer")).unwrap();
    let exec: Vec<&str> = service
        .lines()
        .filter_map(|line| line.strip_prefix("ExecStart="))
        .collect();
    assert_eq!(exec.len(), 1, "one ExecStart: {exec:?}");
    let args: Vec<&str> = exec[0].split_whitespace().collect();
    assert_eq!(
        args,
        [
            "/usr/local/bin/collector",
            "backup",
            "/var/lib/doorstep/backups",
            "--data-dir",
            "/var/lib/doorstep/data"
        ]
    );
    for setting in [
        "Type=oneshot",
        "User=doorstep",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/doorstep/data /var/lib/doorstep/backups",
    ] {
        assert!(service.lines().any(|line| line == setting), "{setting}");
    }
    // `verify` says nothing of a timer whose unit does not exist: checked here.
    assert!(timer
        .lines()
        .any(|line| line == "Unit=doorstep-backup.service"));
    assert!(timer.lines().any(|line| line == "OnCalendar=hourly"));

    let dir = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_collector");
    let installed = service.replace(
        "ExecStart=/usr/local/bin/collector ",
        &format!("ExecStart={binary} "),
    );
    assert_ne!(installed, service);
    let service_file = dir.path().join("doorstep-backup.service");
    let timer_file = dir.path().join("doorstep-backup.timer");
    std::fs::write(&service_file, installed).unwrap();
    std::fs::write(&timer_file, &timer).unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&timer_file)
        .arg(&service_file)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run systemd-analyze ({error}): this test checks the units with it. \
                 Install systemd (apt-get install systemd)"
            )
        });
    assert!(
        output.status.success() && output.stderr.is_empty() && output.stdout.is_empty(),
        "systemd-analyze verify: {:?}\n{}{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );

    // The command as the unit runs it, with its two folders here.
    let data = data_folder(dir.path(), "data");
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let line = succeeded(&collector(
        &["backup"],
        &[&backups, Path::new("--data-dir"), &data],
    ));
    assert!(
        line.starts_with("Backed up 0 responses in 0 batches"),
        "{line}"
    );
    assert_eq!(std::fs::read_dir(&backups).unwrap().count(), 1);
}

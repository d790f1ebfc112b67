//! `collector export` at a million responses: the real binary on a real database file,
//! streaming, its memory flat.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const RESPONSES: i64 = 1_000_000;
const MEMORY_LIMIT_KB: u64 = 100 * 1024;
const TIME: &str = "/usr/bin/time";

fn collector(data: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// One real response imported by the binary, then copied in SQL to `RESPONSES` rows with
/// ids (in the row and in its JSON) and completion times of their own.
fn a_million_responses(data: &Path) {
    let q = survey::shipped::shared_questionnaire().unwrap();
    // Sample 0's text answers hold no line break, so its CSV row is one line.
    let batch = survey::sample::batch(&q, 1, 0..1).unwrap();
    let file = data.join("batch.json");
    std::fs::write(&file, batch.to_json().unwrap()).unwrap();
    collector(data, &["import", file.to_str().unwrap()]);
    let connection = collector::store::open(data).unwrap();
    let id = batch.responses[0].id.to_string();
    let copied = connection
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO responses (id, batch, agency, questionnaire_id, questionnaire_version,
                                    completed, hash, json)
             SELECT unhex(printf('0000000000007000a000%012x', i)), r.batch, r.agency,
                    r.questionnaire_id, r.questionnaire_version, r.completed + i, r.hash,
                    replace(r.json, ?2, printf('00000000-0000-7000-a000-%012x', i))
             FROM n, responses r",
            rusqlite::params![RESPONSES - 1, id],
        )
        .unwrap();
    assert_eq!(copied as i64, RESPONSES - 1);
}

#[test]
fn a_million_responses_export_in_under_100_mb_of_memory() {
    assert!(
        Path::new(TIME).exists(),
        "{TIME} is missing: this test reads the export's peak memory with it. Install it \
         with `apt-get install time` (scripts/setup.sh does, when it is missing)"
    );
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    a_million_responses(data.path());
    println!("{RESPONSES} responses stored in {:?}", started.elapsed());

    let csv = data.path().join("all.csv");
    let peak = data.path().join("peak-kb.txt");
    let started = Instant::now();
    let output = Command::new(TIME)
        .args(["-f", "%M", "-o"])
        .arg(&peak)
        .arg(env!("CARGO_BIN_EXE_collector"))
        .args(["export", "--csv"])
        .arg(&csv)
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let took = started.elapsed();
    let peak_kb: u64 = std::fs::read_to_string(&peak)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    println!(
        "export of {RESPONSES} responses: {took:?}, peak memory {:.1} MB",
        peak_kb as f64 / 1024.0
    );
    assert!(
        peak_kb < MEMORY_LIMIT_KB,
        "the export's peak memory was {peak_kb} KB"
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("{RESPONSES} responses")),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let mut file = std::fs::File::open(&csv).unwrap();
    let mut buffer = vec![0u8; 1 << 20];
    let (mut lines, mut bytes) = (0u64, 0u64);
    loop {
        let read = file.read(&mut buffer).unwrap();
        if read == 0 {
            break;
        }
        bytes += read as u64;
        lines += bytecount(&buffer[..read]);
    }
    println!("{bytes} bytes of CSV");
    assert_eq!(
        lines,
        RESPONSES as u64 + 1,
        "a header and a line per response"
    );
    assert!(!data.path().join("all.csv.part").exists());
}

fn bytecount(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

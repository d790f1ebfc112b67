//! `collector bench`: how fast batches go in, whether that stays flat as the tables grow,
//! what a durable commit costs, and how many bytes a response takes on disk. The same
//! path as an import, and as an upload once its token is checked (verify with the
//! engine's parser, then store in one transaction), on a fresh SQLite file; each batch is
//! made before its clock starts, so only intake is timed. Prints figures; asserts
//! nothing.
//!
//! The responses are the survey crate's samples ([`survey::sample::Pool`]): time-ordered
//! ids, as the app makes them, and the answers of a thousand different interviews.

use std::ops::Range;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use survey::sample::Pool;
use survey::Questionnaire;

use super::BenchArgs;
use crate::error::CollectorError;
use crate::store::intake::{self, Source};
use crate::store::{self, Durability};

/// How many different interviews the sample batches hold.
const POOL: usize = 1_000;

/// Runs the benchmark in `args.data_dir` (an existing database there is removed first):
/// first `durability_sample` responses with each durability, then `responses` responses
/// in batches of `batch_size`, reporting every `step` responses.
pub fn run(args: &BenchArgs) -> Result<(), CollectorError> {
    let questionnaires = survey::shipped::shipped_questionnaires()
        .map_err(|e| CollectorError::Usage(e.to_string()))?;
    let questionnaire = questionnaires
        .first()
        .ok_or_else(|| CollectorError::Usage("no questionnaire shipped".into()))?;
    let pool = Pool::new(questionnaire, POOL).map_err(CollectorError::Usage)?;
    let batch_size = args.batch_size.max(1);
    let bench = Bench {
        questionnaires: &questionnaires,
        questionnaire,
        pool: &pool,
        batch_size,
    };
    if args.durability_sample > 0 {
        durability(&bench, args)?;
    }
    if args.responses > 0 {
        growth(&bench, args)?;
    }
    Ok(())
}

/// The same responses into a fresh database with each durability: what a receipt on
/// disk costs.
fn durability(bench: &Bench<'_>, args: &BenchArgs) -> Result<(), CollectorError> {
    let total = args.durability_sample;
    let batch_size = bench.batch_size;
    println!(
        "durability: {total} responses in batches of {batch_size}, each run into a fresh database"
    );
    let mut rates = Vec::new();
    for durability in [Durability::Full, Durability::Normal] {
        let folder = args
            .data_dir
            .join(format!("synchronous-{}", durability.pragma()));
        let mut connection = store::open_empty(&folder, durability)?;
        let totals = bench.ingest(&mut connection, 0..total, total, |_, _| {})?;
        drop(connection);
        let _ = std::fs::remove_dir_all(&folder);
        let rate = total as f64 / totals.took.as_secs_f64().max(1e-9);
        println!(
            "  synchronous={:<6}  {rate:>8.0} responses/s  {:>6.2} ms/batch  {}",
            durability.pragma(),
            totals.ms_per_batch(),
            match durability {
                Durability::Full => "the log synced at every commit: each receipt on disk",
                Durability::Normal => "synced only at checkpoints: receipts ahead of the disk",
            }
        );
        rates.push((rate, totals.ms_per_batch()));
    }
    if let [(full, full_ms), (normal, normal_ms)] = rates[..] {
        println!(
            "  a receipt on disk costs {:.0}% of the intake rate ({:.2} ms more per batch of {batch_size})",
            (1.0 - full / normal) * 100.0,
            full_ms - normal_ms,
        );
    }
    println!();
    Ok(())
}

/// `responses` responses into one database, a line every `step`: whether intake stays
/// flat as the tables grow; then the bytes per response on disk.
fn growth(bench: &Bench<'_>, args: &BenchArgs) -> Result<(), CollectorError> {
    let step = args.step.max(bench.batch_size);
    let mut connection = store::open_empty(&args.data_dir, Durability::Full)?;
    println!(
        "collector ingest: {} responses in batches of {}, into {} (synchronous=FULL)",
        args.responses,
        bench.batch_size,
        store::path_in(&args.data_dir).display()
    );
    println!(
        "{:>10}  {:>14}  {:>12}  {:>12}  {:>12}  {:>9}",
        "stored", "responses/s", "ms/batch", "verify ms", "store ms", "vs first"
    );
    let mut first: Option<f64> = None;
    let mut slowest: Option<(usize, f64)> = None;
    let totals = bench.ingest(
        &mut connection,
        0..args.responses,
        step,
        |stored, window| {
            let rate = window.rate();
            let first_rate = *first.get_or_insert(rate);
            if slowest.is_none_or(|(_, slow)| rate < slow) {
                slowest = Some((stored, rate));
            }
            let verify = window.verify.as_secs_f64() * 1000.0 / window.batches.max(1) as f64;
            println!(
                "{stored:>10}  {rate:>14.0}  {:>12.2}  {verify:>12.2}  {:>12.2}  {:>8.0}%",
                window.ms_per_batch(),
                window.ms_per_batch() - verify,
                rate / first_rate * 100.0
            );
        },
    )?;
    let (responses, visits) =
        intake::counts(&connection).map_err(|e| CollectorError::Usage(e.to_string()))?;
    println!(
        "overall: {:.0} responses/s ({responses} responses, {visits} visits stored; {:.1} MB of batch JSON)",
        totals.rate(),
        totals.json_bytes as f64 / 1_000_000.0
    );
    if let (Some(first), Some((at, slow))) = (first, slowest) {
        println!(
            "slowest step: {slow:.0} responses/s up to {at}, {:.0}% of the first step's {first:.0}",
            slow / first * 100.0
        );
    }
    print_size(&connection, responses).map_err(|e| CollectorError::Usage(e.to_string()))
}

/// The database's size once its log is checkpointed, per response stored (each with its
/// visit, and its share of the batch rows and indexes), and by table where SQLite can say.
fn print_size(connection: &Connection, responses: u64) -> Result<(), rusqlite::Error> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let pages: i64 = connection.query_row("PRAGMA page_count", [], |row| row.get(0))?;
    let page_size: i64 = connection.query_row("PRAGMA page_size", [], |row| row.get(0))?;
    let bytes = pages * page_size;
    let per = |bytes: i64| bytes as f64 / responses.max(1) as f64;
    println!(
        "on disk: {:.1} MB, {:.0} bytes per response (with its visit and its share of the batches)",
        bytes as f64 / 1_000_000.0,
        per(bytes)
    );
    // dbstat is compiled into the bundled SQLite; without it, only the total is printed.
    let tables = connection
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()
        });
    if let Ok(tables) = tables {
        let parts: Vec<String> = tables
            .iter()
            .filter(|(_, size)| per(*size) >= 1.0)
            .map(|(name, size)| format!("{name} {:.0}", per(*size)))
            .collect();
        println!(
            "  bytes per response by table and index: {}",
            parts.join(", ")
        );
    }
    Ok(())
}

/// What every run shares.
struct Bench<'a> {
    questionnaires: &'a [Questionnaire],
    questionnaire: &'a Questionnaire,
    pool: &'a Pool,
    batch_size: usize,
}

/// Figures over some batches.
#[derive(Default, Clone, Copy)]
struct Figures {
    responses: usize,
    batches: usize,
    took: Duration,
    verify: Duration,
    json_bytes: usize,
}

impl Figures {
    fn rate(&self) -> f64 {
        self.responses as f64 / self.took.as_secs_f64().max(1e-9)
    }

    fn ms_per_batch(&self) -> f64 {
        self.took.as_secs_f64() * 1000.0 / self.batches.max(1) as f64
    }

    fn add(&mut self, other: &Figures) {
        self.responses += other.responses;
        self.batches += other.batches;
        self.took += other.took;
        self.verify += other.verify;
        self.json_bytes += other.json_bytes;
    }
}

impl Bench<'_> {
    /// Takes in sample responses `range` in batches; after every `step` responses (and at
    /// the end) calls `report` with the number stored and that step's figures. Returns
    /// the figures of the whole range.
    fn ingest(
        &self,
        connection: &mut Connection,
        range: Range<usize>,
        step: usize,
        mut report: impl FnMut(usize, &Figures),
    ) -> Result<Figures, CollectorError> {
        let step = step.max(self.batch_size);
        let mut totals = Figures::default();
        let mut window = Figures::default();
        let mut stored = range.start;
        let mut index = 0u64;
        while stored < range.end {
            let size = self.batch_size.min(range.end - stored);
            let batch = self
                .pool
                .batch(self.questionnaire, index, stored..stored + size)
                .map_err(CollectorError::Usage)?;
            let json = batch
                .to_json()
                .map_err(|e| CollectorError::Usage(e.to_string()))?;
            let started = Instant::now();
            let verified = intake::verify(json.as_bytes(), self.questionnaires)
                .map_err(|e| CollectorError::Usage(e.to_string()))?;
            let verify = started.elapsed();
            let receipt = intake::store(connection, &verified, Source::Import)
                .map_err(|e| CollectorError::Usage(e.to_string()))?;
            let took = started.elapsed();
            if receipt.accepted as usize != size {
                return Err(CollectorError::Usage(format!(
                    "batch {index}: {} of {size} stored",
                    receipt.accepted
                )));
            }
            window.add(&Figures {
                responses: size,
                batches: 1,
                took,
                verify,
                json_bytes: json.len(),
            });
            stored += size;
            index += 1;
            if (stored - range.start).is_multiple_of(step) || stored == range.end {
                report(stored, &window);
                totals.add(&window);
                window = Figures::default();
            }
        }
        Ok(totals)
    }
}

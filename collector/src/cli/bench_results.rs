//! `collector bench-results`: what the console's results cost at scale. Fills a fresh
//! database with sample responses ([`survey::sample::Pool`], as `collector bench`), their
//! agencies spread over three (the samples are all one agency's), then times the first
//! build of the [`ResultsCache`] and a page's queries: refresh and merge for every
//! response, one ward, one agency over a week, and the wards side by side; each after a
//! new batch of 50 has arrived for the first, so every run reads new rows. Also what
//! suppression ([`Results::shown`]) adds to the first. Median and 95th percentile over
//! the runs; prints figures, asserts nothing.

use std::time::{Duration, Instant};

use rusqlite::Connection;
use survey::record::QuestionnaireRef;
use survey::results::{Results, Threshold};
use survey::sample::Pool;
use survey::Questionnaire;

use super::BenchResultsArgs;
use crate::error::CollectorError;
use crate::store::intake::{self, Source};
use crate::store::results::{self, Day, ResultsCache, ResultsFilter};
use crate::store::{self, Durability};

/// How many different interviews the sample batches hold.
const POOL: usize = 1_000;

/// Responses per batch while filling the database.
const FILL_BATCH: usize = 500;

/// Responses in the batch that arrives before each run.
const ARRIVING: usize = 50;

fn usage(error: impl std::fmt::Display) -> CollectorError {
    CollectorError::Usage(error.to_string())
}

/// Runs the benchmark in `args.data_dir` (an existing database there is removed first).
pub fn run(args: &BenchResultsArgs) -> Result<(), CollectorError> {
    let questionnaires = results::shipped().map_err(usage)?;
    let questionnaire = questionnaires
        .first()
        .ok_or_else(|| usage("no questionnaire shipped"))?;
    let pool = Pool::new(questionnaire, POOL).map_err(CollectorError::Usage)?;
    let mut connection = store::open_empty(&args.data_dir, Durability::Normal)?;
    let started = Instant::now();
    let mut filler = Filler::new(questionnaire, &pool);
    filler.fill(&mut connection, args.responses)?;
    println!(
        "results: {} responses stored in {:.1} s, into {}",
        args.responses,
        started.elapsed().as_secs_f64(),
        store::path_in(&args.data_dir).display()
    );
    let reference = QuestionnaireRef::of(questionnaire);
    let cache = ResultsCache::new();
    let started = Instant::now();
    let status = cache.refresh(&connection).map_err(usage)?;
    println!(
        "first build of the cache: {:.0} ms ({} responses counted)",
        ms(started.elapsed()),
        status.counted
    );
    let ward = questionnaire
        .areas
        .first()
        .map(|area| area.code.clone())
        .ok_or_else(|| usage("the questionnaire lists no wards"))?;
    let first_day = Day::of_millis(
        connection
            .query_row("SELECT min(completed) FROM responses", [], |row| row.get(0))
            .map_err(usage)?,
    );
    let queries = [
        ("every response", ResultsFilter::default()),
        (
            "one ward",
            ResultsFilter {
                areas: vec![ward],
                ..ResultsFilter::default()
            },
        ),
        (
            "one agency, 7 days",
            ResultsFilter {
                agency: Some("agency-1".into()),
                from_day: Some(Day(first_day.0 + 14)),
                to_day: Some(Day(first_day.0 + 20)),
                ..ResultsFilter::default()
            },
        ),
    ];
    let runs = args.runs.max(1);
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); queries.len() + 2];
    for _ in 0..runs {
        filler.fill(&mut connection, ARRIVING)?;
        for (index, (_, filter)) in queries.iter().enumerate() {
            let started = Instant::now();
            let results = cache
                .results(&connection, &reference, filter)
                .map_err(usage)?;
            times[index].push(started.elapsed());
            if index == 0 {
                let started = Instant::now();
                let _ = std::hint::black_box(results.shown(Threshold::DEFAULT));
                times[queries.len() + 1].push(started.elapsed());
            }
        }
        let started = Instant::now();
        let wards = cache
            .by_ward(&connection, &reference, &ResultsFilter::default())
            .map_err(usage)?;
        times[queries.len()].push(started.elapsed());
        std::hint::black_box(wards.iter().map(|w| &w.results).collect::<Vec<&Results>>());
    }
    println!(
        "a page's query over {} runs (refresh + merge + results; a batch of {ARRIVING} arrives before each run):",
        runs
    );
    println!("  {:<34} {:>10} {:>10}", "query", "median ms", "p95 ms");
    let names = queries
        .iter()
        .map(|(name, _)| *name)
        .chain(["wards side by side", "suppression of every response"]);
    for (name, times) in names.zip(&mut times) {
        times.sort();
        println!(
            "  {name:<34} {:>10.2} {:>10.2}",
            ms(percentile(times, 50)),
            ms(percentile(times, 95))
        );
    }
    Ok(())
}

pub(super) fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The `p`-th percentile of sorted `times` (nearest rank).
pub(super) fn percentile(times: &[Duration], p: usize) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * times.len()).div_ceil(100).clamp(1, times.len());
    times[rank - 1]
}

/// Stores sample responses, continuing where it left off.
pub(super) struct Filler<'a> {
    questionnaire: &'a Questionnaire,
    pool: &'a Pool,
    stored: usize,
    batches: u64,
}

impl<'a> Filler<'a> {
    /// A filler of `pool`'s responses to `questionnaire`, from the first.
    pub(super) fn new(questionnaire: &'a Questionnaire, pool: &'a Pool) -> Filler<'a> {
        Filler {
            questionnaire,
            pool,
            stored: 0,
            batches: 0,
        }
    }

    /// Stores `count` more responses in batches, then gives them one of three agencies.
    pub(super) fn fill(
        &mut self,
        connection: &mut Connection,
        count: usize,
    ) -> Result<(), CollectorError> {
        let end = self.stored + count;
        while self.stored < end {
            let size = FILL_BATCH.min(end - self.stored);
            let batch = self
                .pool
                .batch(
                    self.questionnaire,
                    self.batches,
                    self.stored..self.stored + size,
                )
                .map_err(CollectorError::Usage)?;
            let receipt = intake::store(connection, &batch, Source::Import).map_err(usage)?;
            if receipt.accepted as usize != size {
                return Err(usage(format!(
                    "batch {}: {} of {size} stored",
                    self.batches, receipt.accepted
                )));
            }
            self.stored += size;
            self.batches += 1;
        }
        connection
            .execute(
                "UPDATE responses SET agency = 'agency-' || (rowid % 3) WHERE rowid > ?1",
                [i64::try_from(end - count).unwrap_or(i64::MAX)],
            )
            .map_err(usage)?;
        Ok(())
    }
}

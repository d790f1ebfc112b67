//! `collector bench-console`: what each console page costs at scale. Fills a fresh
//! database with sample responses (as `collector bench-results`), opens it as `serve`
//! does, logs an admin in, and asks the whole router (sessions, queries, rendering, no
//! network) for every console page, a batch of 50 arriving before each run so every
//! page reads new rows: server time per page (median, 95th percentile) and the database
//! statements each page runs, with their time. Prints figures, asserts nothing; the
//! target is every page under 300 ms at 100,000 responses.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use survey::sample::Pool;
use tower::ServiceExt;

use super::bench_results::{ms, percentile, Filler};
use super::BenchConsoleArgs;
use crate::error::CollectorError;
use crate::http::settings::Settings;
use crate::http::static_files::Dist;
use crate::store::accounts::{self, Role};
use crate::store::intake::Intake;
use crate::store::{self, results, Durability};

/// Responses in the batch that arrives before each run.
const ARRIVING: usize = 50;

fn usage(error: impl std::fmt::Display) -> CollectorError {
    CollectorError::Usage(error.to_string())
}

/// Statements run, and their time, since the counters were last read.
#[derive(Default)]
struct Statements {
    count: AtomicU64,
    nanos: AtomicU64,
}

impl Statements {
    fn take(&self) -> (u64, Duration) {
        (
            self.count.swap(0, Ordering::Relaxed),
            Duration::from_nanos(self.nanos.swap(0, Ordering::Relaxed)),
        )
    }
}

/// Runs the benchmark in `args.data_dir` (an existing database there is removed first).
pub fn run(args: &BenchConsoleArgs) -> Result<(), CollectorError> {
    let questionnaires = results::shipped().map_err(usage)?;
    let questionnaire = questionnaires
        .first()
        .ok_or_else(|| usage("no questionnaire shipped"))?;
    let pool = Pool::new(questionnaire, 1_000).map_err(CollectorError::Usage)?;
    let mut filler = Filler::new(questionnaire, &pool);
    {
        let mut connection = store::open_empty(&args.data_dir, Durability::Normal)?;
        let started = Instant::now();
        filler.fill(&mut connection, args.responses)?;
        println!(
            "console: {} responses stored in {:.1} s",
            args.responses,
            started.elapsed().as_secs_f64()
        );
    }
    let dist = args.data_dir.join("dist");
    std::fs::create_dir_all(&dist).map_err(usage)?;
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>bench</title>",
    )
    .map_err(usage)?;
    let intake = Intake::open(&args.data_dir).map_err(usage)?;
    let statements = Arc::new(Statements::default());
    let (session, response_id) = intake
        .with_database(|connection| -> Result<_, CollectorError> {
            let known: Vec<String> = questionnaire
                .agencies
                .iter()
                .map(|a| a.code.clone())
                .collect();
            let now = accounts::now();
            let (_, link) = accounts::add_user(
                connection,
                "bench@example.org",
                Role::Admin,
                None,
                &known,
                now,
            )
            .map_err(usage)?;
            let password = "a long bench password here";
            accounts::set_password(connection, link.expose(), password, now).map_err(usage)?;
            let session = accounts::log_in(connection, "bench@example.org", password, now)
                .map_err(|e| usage(format!("{e:?}")))?;
            let id: Vec<u8> = connection
                .query_row(
                    "SELECT id FROM responses ORDER BY rowid DESC LIMIT 1",
                    [],
                    |row| row.get(0),
                )
                .map_err(usage)?;
            let counter = Arc::clone(&statements);
            connection
                .trace_v2(
                    TraceEventCodes::SQLITE_TRACE_PROFILE,
                    Some(move |event: TraceEvent<'_>| {
                        if let TraceEvent::Profile(_, took) = event {
                            counter.count.fetch_add(1, Ordering::Relaxed);
                            counter.nanos.fetch_add(
                                u64::try_from(took.as_nanos()).unwrap_or(u64::MAX),
                                Ordering::Relaxed,
                            );
                        }
                    }),
                )
                .map_err(usage)?;
            Ok((session.id.expose().to_owned(), store::uuid_text(&id)))
        })
        .map_err(usage)??;
    let ward = questionnaire
        .areas
        .first()
        .map(|a| a.code.clone())
        .unwrap_or_default();
    let router = crate::http::app(
        Dist::open(&dist)?,
        Some(intake.clone()),
        &Settings::default(),
    );
    let pages = [
        ("overview".to_owned(), "/console/overview".to_owned()),
        (
            "overview, ward, week".to_owned(),
            format!("/console/overview?area={ward}&from=2024-05-10&to=2024-05-16"),
        ),
        ("results".to_owned(), "/console/results".to_owned()),
        (
            "results, one ward".to_owned(),
            format!("/console/results?area={ward}"),
        ),
        ("review list".to_owned(), "/console/review".to_owned()),
        (
            "one response".to_owned(),
            format!("/console/review/{response_id}"),
        ),
        ("batches".to_owned(), "/console/batches".to_owned()),
        (
            "batches, page 20".to_owned(),
            "/console/batches?page=20".to_owned(),
        ),
        ("tokens".to_owned(), "/console/tokens".to_owned()),
        ("downloads".to_owned(), "/console/downloads".to_owned()),
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(usage)?;
    let runs = args.runs.max(1);
    println!(
        "each page {runs} times, a batch of {ARRIVING} arriving before each run (the first may wait for the caches' first count, begun at start):"
    );
    println!(
        "  {:<20} {:>10} {:>10} {:>10} {:>12} {:>14}",
        "page", "first ms", "median ms", "p95 ms", "statements", "db ms median"
    );
    for (name, path) in &pages {
        let mut times = Vec::with_capacity(runs);
        let mut db_times = Vec::with_capacity(runs);
        let mut counts = Vec::with_capacity(runs);
        for _ in 0..runs {
            intake
                .with_database(|connection| filler.fill(connection, ARRIVING))
                .map_err(usage)??;
            statements.take();
            let request = Request::get(path.as_str())
                .header(header::COOKIE, format!("doorstep_session={session}"))
                .header(header::HOST, "127.0.0.1")
                .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))))
                .body(Body::empty())
                .map_err(usage)?;
            let started = Instant::now();
            let (status, bytes) = runtime.block_on(async {
                let response = router.clone().oneshot(request).await.map_err(usage)?;
                let status = response.status();
                let bytes = response
                    .into_body()
                    .collect()
                    .await
                    .map_err(usage)?
                    .to_bytes();
                Ok::<_, CollectorError>((status, bytes.len()))
            })?;
            times.push(started.elapsed());
            if status != StatusCode::OK {
                return Err(usage(format!("{path} answered {status} ({bytes} bytes)")));
            }
            let (count, db) = statements.take();
            counts.push(count);
            db_times.push(db);
        }
        let first = times.first().copied().unwrap_or_default();
        times.sort();
        db_times.sort();
        counts.sort_unstable();
        println!(
            "  {name:<20} {:>10.1} {:>10.1} {:>10.1} {:>12} {:>14.1}",
            ms(first),
            ms(percentile(&times, 50)),
            ms(percentile(&times, 95)),
            counts[counts.len() / 2],
            ms(percentile(&db_times, 50)),
        );
    }
    Ok(())
}

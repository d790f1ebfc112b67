//! What each subcommand does, once clap has parsed it: `serve` puts the store behind the
//! HTTP surface; `token`, `import`, `export` and `conflicts` work on the store directly;
//! `backup` and `restore` copy it; `user` and `bench` are their own files.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{
    bench, bench_console, bench_crowd, bench_results, BackupArgs, Cli, Command, ConflictsArgs,
    ExportArgs, ImportArgs, RestoreArgs, ServeArgs, TokenAction, TokenArgs,
};
use survey::results::Threshold;

use crate::error::CollectorError;
use crate::http::error::ApiError;
use crate::http::server::{bind, serve_on, shutdown_signal, Listeners};
use crate::http::settings::Settings;
use crate::http::static_files::Dist;
use crate::http::tls::{Certificates, TlsFiles};
use crate::store;
use crate::store::accounts;
use crate::store::attempts::{self, Attempt, Outcome, Said};
use crate::store::intake::{self, Intake, Source, SourceKind};
use crate::store::questionnaires;
use crate::store::scope::Scope;
use crate::store::tokens::TokenId;
use survey::record::Timestamp;
use survey::wire::ErrorCode;

/// Runs the parsed command to completion.
pub async fn run(cli: Cli) -> Result<(), CollectorError> {
    match cli.command {
        Command::Serve(args) => serve(&args).await,
        Command::Token(args) => token(&args),
        Command::User(args) => super::users::run(&args),
        Command::Questionnaire(args) => super::questionnaires::run(&args),
        Command::Import(args) => import(&args),
        Command::Export(args) => export(&args),
        Command::Conflicts(args) => conflicts(&args),
        Command::Backup(args) => backup(&args),
        Command::Restore(args) => restore(&args),
        Command::Bench(args) => bench::run(&args),
        Command::BenchCrowd(args) => bench_crowd::run(&args).await,
        Command::BenchResults(args) => bench_results::run(&args),
        // It runs its own runtime for the router: off this one's threads.
        Command::BenchConsole(args) => {
            tokio::task::spawn_blocking(move || bench_console::run(&args))
                .await
                .map_err(|error| CollectorError::Usage(error.to_string()))?
        }
    }
}

/// `collector serve`: checks the flags, the build and the TLS files, opens the database
/// (creating the data folder), binds (the metrics listener too, if asked for), prints the
/// listening line (and the metrics line) and serves until Ctrl-C or SIGTERM, then drains.
async fn serve(args: &ServeArgs) -> Result<(), CollectorError> {
    let tls_files = tls_files(args)?;
    if args.redirect_http.is_some() && tls_files.is_none() {
        return Err(CollectorError::RedirectWithoutTls);
    }
    let dist = Dist::open(&args.dist)?;
    let tls = tls_files.map(Certificates::open).transpose()?;
    // Before anything is announced, so an early Ctrl-C or SIGTERM still stops cleanly.
    let shutdown = shutdown_signal();
    let intake = Intake::open(&args.data_dir).map_err(|error| match error {
        intake::IntakeError::Db(source) => CollectorError::DataDir { source },
        other => other.into(),
    })?;
    let app = bind(args.addr, "--addr").await?;
    let redirect = match args.redirect_http {
        Some(addr) => Some(bind(addr, "--redirect-http").await?),
        None => None,
    };
    let metrics = match args.metrics {
        Some(addr) => Some(bind(addr, "--metrics").await?),
        None => None,
    };
    let listeners = Listeners {
        app,
        tls,
        redirect,
        metrics,
    };
    serve_on(listeners, dist, Some(intake), &settings(args), shutdown).await
}

/// `--tls-cert` and `--tls-key`: both, or neither (plain HTTP).
fn tls_files(args: &ServeArgs) -> Result<Option<TlsFiles>, CollectorError> {
    match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Ok(Some(TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(CollectorError::TlsHalfGiven {
            given: "--tls-cert",
            missing: "--tls-key",
        }),
        (None, Some(_)) => Err(CollectorError::TlsHalfGiven {
            given: "--tls-key",
            missing: "--tls-cert",
        }),
    }
}

/// The HTTP surface's settings from `serve`'s flags.
fn settings(args: &ServeArgs) -> Settings {
    Settings {
        cors_origins: args.cors_origins.clone(),
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        request_timeout: Duration::from_secs(args.request_timeout),
        busy_wait: Duration::from_secs(args.busy_wait),
        intake_budget: usize::try_from(args.intake_budget_mb)
            .unwrap_or(usize::MAX)
            .saturating_mul(1024 * 1024),
        trusted_proxies: args.behind_proxy.clone(),
        tls_reload_interval: Duration::from_secs(args.tls_reload_interval),
        small_count: Threshold::new(args.small_count).unwrap_or_default(),
        ..Settings::default()
    }
}

fn token(args: &TokenArgs) -> Result<(), CollectorError> {
    let connection = store::open(&args.data_dir)?;
    // The command line is the operator's: every agency's tokens.
    let scope = Scope::All;
    match &args.action {
        TokenAction::Add { agency } => {
            let agencies = questionnaires::agencies(&connection)?;
            let (id, token) = store::tokens::add(&connection, &scope, agency, &agencies)?;
            tracing::info!(token_id = id.0, agency = %agency, "token added");
            println!("{token}");
            eprintln!(
                "Token {id} for {agency}. Give it to the agency's workers (Settings → Change set-up → Upload token), \
                 or make it in the console, which shows a set-up link and QR code. \
                 It is shown only now: the collector keeps only its hash."
            );
        }
        TokenAction::List => {
            println!(
                "{:>4}  {:<24}  {:<14}  {:<20}  {:<20}  {:>9}  revoked",
                "id", "agency", "starts with", "made", "last used", "responses"
            );
            let time = |t: Option<Timestamp>| t.map_or_else(|| "-".to_owned(), |t| t.to_rfc3339());
            for token in store::tokens::list_for(&connection, &scope)? {
                println!(
                    "{:>4}  {:<24}  {:<14}  {:<20}  {:<20}  {:>9}  {}",
                    token.id,
                    token.agency,
                    token.prefix,
                    token.created.to_rfc3339(),
                    time(token.last_used),
                    token.responses,
                    time(token.revoked)
                );
            }
        }
        TokenAction::Revoke { id } => {
            store::tokens::revoke_in(&connection, &scope, TokenId(*id))?;
            tracing::info!(token_id = id, "token revoked");
            println!("token {id} revoked");
        }
    }
    Ok(())
}

/// `collector import FILE...`: each file verified and stored as an upload would be, and
/// every file's attempt recorded in the attempts log (a stored one by the store; a
/// refused one here, counted for the agency its file names if that is one of the
/// questionnaire's, its reason beginning with the file's name).
fn import(args: &ImportArgs) -> Result<(), CollectorError> {
    let mut connection = store::open(&args.data_dir)?;
    // Every version published or closed, as an upload to a running collector.
    let questionnaires = questionnaires::accepted(&connection)?;
    let agencies = questionnaires::agencies(&connection)?;
    let mut rejected = 0;
    for path in &args.files {
        let result = match std::fs::read(path) {
            Err(error) => Err((
                Outcome::Unreadable,
                format!("the file could not be read: {error}"),
                Said::default(),
            )),
            Ok(bytes) => match intake::verify(&bytes, &questionnaires) {
                Err(error) => Err((refused_as(&error), error.to_string(), Said::read(&bytes))),
                Ok(batch) => intake::store(&mut connection, &batch, Source::Import)
                    .map_err(|error| (refused_as(&error), error.to_string(), Said::of(&batch))),
            },
        };
        match result {
            Ok(receipt) => {
                tracing::info!(
                    batch = %receipt.batch,
                    accepted = receipt.accepted,
                    already_present = receipt.already_present,
                    conflicts = receipt.conflicts,
                    visits_accepted = receipt.visits_accepted,
                    file = %path.display(),
                    "batch imported"
                );
                println!(
                    "{}: batch {}: {} new, {} already present, {} conflicts; visits {} new, {} already present",
                    path.display(),
                    receipt.batch,
                    receipt.accepted,
                    receipt.already_present,
                    receipt.conflicts,
                    receipt.visits_accepted,
                    receipt.visits_already_present
                );
            }
            Err((outcome, reason, said)) => {
                rejected += 1;
                tracing::warn!(file = %path.display(), %reason, "batch file rejected");
                eprintln!("{}: rejected: {reason}", path.display());
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let agency = said
                    .agency
                    .clone()
                    .filter(|agency| agencies.contains(agency));
                attempts::record_or_warn(
                    &connection,
                    &Attempt::new(
                        SourceKind::Import,
                        agency,
                        &said,
                        outcome,
                        &format!("{name}: {reason}"),
                        accounts::now(),
                    ),
                );
            }
        }
    }
    if rejected > 0 {
        return Err(CollectorError::ImportRejected {
            rejected,
            total: args.files.len(),
        });
    }
    Ok(())
}

/// The outcome of a file refused for `error`: the code an upload of it would be given.
fn refused_as(error: &intake::IngestError) -> Outcome {
    Outcome::Refused(match error {
        intake::IngestError::Unverified(batch) => ApiError::of_batch(batch).code,
        intake::IngestError::BatchIdReused { .. } => ErrorCode::Conflict,
        intake::IngestError::Encode(_) | intake::IngestError::Db(_) => ErrorCode::Server,
    })
}

fn export(args: &ExportArgs) -> Result<(), CollectorError> {
    if args.csv.is_none() && args.codebook.is_none() {
        return Err(CollectorError::Usage(
            "say what to write: --csv OUT and/or --codebook OUT".into(),
        ));
    }
    let connection = store::open(&args.data_dir)?;
    let questionnaires = questionnaires::accepted(&connection)?;
    if questionnaires.is_empty() {
        return Err(CollectorError::Usage(
            "no questionnaire is published".into(),
        ));
    }
    let versions: Vec<&survey::Questionnaire> = questionnaires.iter().collect();
    let write = |path: &PathBuf, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|source| CollectorError::File {
            path: path.clone(),
            source,
        })
    };
    if let Some(path) = &args.csv {
        let rows = export_responses(&connection, &versions, path)?;
        println!("{}: {rows} responses", path.display());
    }
    if let Some(path) = &args.codebook {
        let bytes = store::export::codebook_csv(&versions, &args.language)?;
        write(path, &bytes)?;
        println!("{}: codebook ({})", path.display(), args.language);
    }
    Ok(())
}

/// Streams the responses CSV into `path`: written as `<path>.part` and renamed when
/// complete, so a failed export leaves no half file where the analyst looks.
fn export_responses(
    connection: &rusqlite::Connection,
    versions: &[&survey::Questionnaire],
    path: &Path,
) -> Result<usize, CollectorError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let file_error = |path: &Path| {
        let path = path.to_owned();
        move |source| CollectorError::File { path, source }
    };
    let file = std::fs::File::create(&partial).map_err(file_error(&partial))?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let written = store::export::write_responses_csv(
        connection,
        versions,
        &store::export::ExportFilter::everything(),
        &mut out,
    )
    .map_err(|error| match error {
        store::export::ExportError::Write(source) => CollectorError::File {
            path: partial.clone(),
            source,
        },
        other => other.into(),
    })
    .and_then(|rows| {
        let file = out.into_inner().map_err(|error| CollectorError::File {
            path: partial.clone(),
            source: error.into_error(),
        })?;
        file.sync_all().map_err(file_error(&partial))?;
        Ok(rows)
    });
    match written {
        Ok(rows) => {
            std::fs::rename(&partial, path).map_err(file_error(path))?;
            Ok(rows)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// `collector conflicts`: one line per response kept as a conflict.
fn conflicts(args: &ConflictsArgs) -> Result<(), CollectorError> {
    let connection = store::open(&args.data_dir)?;
    let conflicts = store::conflicts::list(&connection)?;
    if conflicts.is_empty() {
        println!("no conflicts");
        return Ok(());
    }
    println!(
        "{:<24}  {:<36}  {:<36}  {:<24}  reason",
        "received", "response", "batch", "agency"
    );
    for conflict in conflicts {
        println!(
            "{:<24}  {:<36}  {:<36}  {:<24}  {}",
            conflict.received, conflict.response, conflict.batch, conflict.agency, conflict.reason
        );
    }
    Ok(())
}

/// `collector backup OUT`: a checked copy of the database, one summary line.
fn backup(args: &BackupArgs) -> Result<(), CollectorError> {
    let started = std::time::Instant::now();
    let (out, summary) = store::backup::backup(&args.data_dir, &args.out)?;
    tracing::info!(
        file = %out.display(),
        responses = summary.responses,
        batches = summary.batches,
        bytes = summary.bytes,
        millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "backup written"
    );
    println!("Backed up {} to {}", summary.figures(), out.display());
    Ok(())
}

/// `collector restore BACKUP`: the checked backup as the data folder's database.
fn restore(args: &RestoreArgs) -> Result<(), CollectorError> {
    let summary = store::backup::restore(&args.backup, &args.data_dir)?;
    let database = store::path_in(&args.data_dir);
    tracing::info!(
        backup = %args.backup.display(),
        file = %database.display(),
        responses = summary.responses,
        batches = summary.batches,
        "backup restored"
    );
    println!(
        "Restored {} from {} to {}",
        summary.figures(),
        args.backup.display(),
        database.display()
    );
    Ok(())
}

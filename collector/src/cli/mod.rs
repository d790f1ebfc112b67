//! The command line: `serve`, `token`, `user`, `questionnaire`, `import`, `export`, `conflicts`, `backup`,
//! `restore`, `bench`, `bench-crowd` and `bench-results`. This file holds only what clap parses; [`commands::run`] carries a
//! parsed command out.

pub mod bench;
pub mod bench_console;
pub mod bench_crowd;
pub mod bench_results;
pub mod commands;
pub mod questionnaires;
pub mod users;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::HeaderValue;
use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;

use survey::results::Threshold;

use crate::http::{client, settings};

/// Doorstep collector: serves the survey app and receives batches from the tablets.
#[derive(Debug, Parser)]
#[command(name = "collector", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The collector's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the built app and receive uploaded batches until Ctrl-C or SIGTERM.
    Serve(ServeArgs),
    /// Agency upload tokens: add (shown once), list, revoke.
    Token(TokenArgs),
    /// Console users: add (prints a one-time set-password link), list, disable,
    /// password-link (a new link).
    User(users::UserArgs),
    /// The questionnaire's versions: add a new one (checked, kept as a draft), list,
    /// publish, close, discard the draft, show.
    Questionnaire(questionnaires::QuestionnaireArgs),
    /// Take in batch files handed in (the same checks and receipts as an upload).
    Import(ImportArgs),
    /// Write every stored response as CSV, and/or the codebook, for analysts.
    Export(ExportArgs),
    /// List the responses kept as conflicts (an id that arrived again with other content,
    /// or from another agency): when, response, batch, agency, reason.
    Conflicts(ConflictsArgs),
    /// Copy the database to a new file, consistently, while `serve` runs; the copy is
    /// checked before it gets its name.
    Backup(BackupArgs),
    /// Put a backup in place as the database of a data folder that has none.
    Restore(RestoreArgs),
    /// Measure batch intake: responses per second as the tables grow, what durability
    /// costs, bytes per response on disk (prints figures).
    Bench(BenchArgs),
    /// Measure a served collector under a crowd: its peak memory under wrong-token
    /// uploads, many uploaders and the largest batches at once; uploads per second.
    BenchCrowd(BenchCrowdArgs),
    /// Measure the console's results: the first count of a full database, then a page's
    /// queries as batches arrive (prints figures).
    BenchResults(BenchResultsArgs),
    /// Measure the console's pages at scale: server time per page (median, 95th
    /// percentile) and the database statements each runs (prints figures).
    BenchConsole(BenchConsoleArgs),
}

/// Reads `--small-count`: a whole number, at least [`Threshold::MINIMUM`].
fn small_count(text: &str) -> Result<u64, String> {
    let n: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    Threshold::new(n)
        .map(Threshold::get)
        .map_err(|error| error.to_string())
}

/// Flags of `collector serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the collector's data (its SQLite database); created if missing.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,

    /// The built app (trunk's output folder); must contain index.html.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,

    /// An origin whose pages may upload here (CORS), e.g. https://survey.example.org;
    /// repeat for more. None by default: the app served by the collector needs none.
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = settings::parse_origin)]
    pub cors_origins: Vec<HeaderValue>,

    /// MB of upload bodies read, verified and stored at once; one batch is verified at
    /// once per 16 MB of it. Peak memory is about 28 times this (at least 16 MB's worth).
    #[arg(long, value_name = "MB", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub intake_budget_mb: u32,

    /// Seconds an upload waits for room in the budget before it is answered 503 busy
    /// (with Retry-After the same).
    #[arg(long, value_name = "SECONDS", default_value_t = settings::BUSY_WAIT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub busy_wait: u64,

    /// Seconds an upload's body may take to arrive (then 408 too_slow).
    #[arg(long, value_name = "SECONDS", default_value_t = settings::BODY_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout: u64,

    /// Seconds a request's head may take to arrive, and an idle connection stays open.
    #[arg(long, value_name = "SECONDS", default_value_t = settings::HEADER_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// Seconds within which every request is answered (then 503 busy); also the longest
    /// a stop (SIGTERM) waits for the uploads in flight.
    #[arg(long, value_name = "SECONDS", default_value_t = settings::REQUEST_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,

    /// The console's small-numbers threshold: on every page and download of results,
    /// counts from 1 to N - 1 (and any that would give one away) are hidden. At least 5.
    #[arg(long, value_name = "N", default_value_t = Threshold::DEFAULT.get(),
          value_parser = small_count)]
    pub small_count: u64,

    /// Serve Prometheus metrics at http://ADDR/metrics, on this address only (e.g.
    /// 127.0.0.1:9464; port 0 picks a free port, printed on a second stdout line). Off
    /// unless given.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first, e.g.
    /// certbot's fullchain.pem); needs --tls-key. Reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,

    /// The certificate's private key (PEM, e.g. certbot's privkey.pem); needs --tls-cert.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,

    /// Seconds between looks at the TLS files for a renewal.
    #[arg(long, value_name = "SECONDS", default_value_t = settings::TLS_RELOAD_INTERVAL.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub tls_reload_interval: u64,

    /// Also listen for plain HTTP here, e.g. 0.0.0.0:80, answering every request with a
    /// redirect to HTTPS; needs --tls-cert and --tls-key.
    #[arg(long, value_name = "ADDR")]
    pub redirect_http: Option<SocketAddr>,

    /// A reverse proxy in front of the collector (an address, or a network like
    /// 10.0.0.0/8); repeat for more. Only from these is the client taken from
    /// X-Forwarded-For and the scheme from X-Forwarded-Proto.
    #[arg(long = "behind-proxy", value_name = "ADDR", value_parser = client::parse_proxy)]
    pub behind_proxy: Vec<IpNet>,
}

/// `collector token …`.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// Folder of the collector's data.
    #[arg(long, default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// What to do with tokens.
    #[command(subcommand)]
    pub action: TokenAction,
}

/// Token actions.
#[derive(Debug, Clone, Subcommand)]
pub enum TokenAction {
    /// Make a token for an agency and print it (only this once).
    Add {
        /// The agency's code, as in the questionnaire (e.g. hackney-council).
        #[arg(long)]
        agency: String,
    },
    /// List tokens (number, agency, first characters, made, revoked).
    List,
    /// Revoke a token by its number: uploads with it are refused from now on.
    Revoke {
        /// The token's number, from `token list`.
        id: i64,
    },
}

/// `collector import FILE...`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Folder of the collector's data.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,

    /// Batch files (`doorstep-….json`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// `collector export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Folder of the collector's data.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,

    /// Write every stored response here, as CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,

    /// Write the codebook here, as CSV.
    #[arg(long)]
    pub codebook: Option<PathBuf>,

    /// The codebook's language.
    #[arg(long, default_value = "en")]
    pub language: String,
}

/// `collector conflicts`.
#[derive(Debug, Clone, Args)]
pub struct ConflictsArgs {
    /// Folder of the collector's data.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

/// `collector backup OUT`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist yet. An existing folder instead gets a
    /// file named by the time (collector-2026-12-02T171302Z.sqlite3).
    pub out: PathBuf,

    /// Folder of the collector's data.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

/// `collector restore BACKUP`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A file written by `collector backup`.
    pub backup: PathBuf,

    /// The data folder to restore into; it must hold no database (created if missing).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

/// `collector bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// An empty folder for the benchmark's database.
    #[arg(long, default_value = "target/collector-bench")]
    pub data_dir: PathBuf,

    /// Responses in all.
    #[arg(long, default_value_t = 1_000_000)]
    pub responses: usize,

    /// Responses per batch.
    #[arg(long, default_value_t = 50)]
    pub batch_size: usize,

    /// Print a line every this many responses.
    #[arg(long, default_value_t = 100_000)]
    pub step: usize,

    /// Responses taken in with `synchronous = FULL` and again with `NORMAL`, each into a
    /// fresh database, to show what a durable commit costs (0: skip).
    #[arg(long, default_value_t = 20_000)]
    pub durability_sample: usize,
}

/// `collector bench-results`.
#[derive(Debug, Clone, Args)]
pub struct BenchResultsArgs {
    /// A folder for the benchmark's database (an existing one is replaced).
    #[arg(long, default_value = "target/collector-results")]
    pub data_dir: PathBuf,

    /// Responses stored before the cache is built.
    #[arg(long, default_value_t = 100_000)]
    pub responses: usize,

    /// Runs of each query timed.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
}

/// `collector bench-console`.
#[derive(Debug, Clone, Args)]
pub struct BenchConsoleArgs {
    /// A folder for the benchmark's database (an existing one is replaced).
    #[arg(long, default_value = "target/collector-console")]
    pub data_dir: PathBuf,

    /// Responses stored before the pages are asked for.
    #[arg(long, default_value_t = 100_000)]
    pub responses: usize,

    /// Runs of each page timed.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
}

/// `collector bench-crowd`.
#[derive(Debug, Clone, Args)]
pub struct BenchCrowdArgs {
    /// A folder for the benchmark's database (an existing one is replaced).
    #[arg(long, default_value = "target/collector-crowd")]
    pub data_dir: PathBuf,

    /// Uploaders at once, each with its own batch overlapping its neighbours'.
    #[arg(long, default_value_t = 64)]
    pub uploaders: usize,

    /// Responses in each uploader's batch.
    #[arg(long, default_value_t = 1_000)]
    pub responses: usize,

    /// Uploads with a wrong token and a 15 MB body sent first, at once.
    #[arg(long, default_value_t = 30)]
    pub wrong_tokens: usize,

    /// Batches of nearly the largest size (14.5 MB) sent last, at once.
    #[arg(long, default_value_t = 4)]
    pub large: usize,

    /// The served collector's `--intake-budget-mb`.
    #[arg(long, value_name = "MB", default_value_t = 16)]
    pub intake_budget_mb: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_defaults_match_make_run() {
        let cli = Cli::try_parse_from(["collector", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(args.data_dir, PathBuf::from("data"));
        assert_eq!(args.dist, PathBuf::from("dist"));
        assert!(args.cors_origins.is_empty(), "no CORS unless configured");
        assert_eq!(args.intake_budget_mb, 16);
        assert_eq!(args.busy_wait, 10);
        assert_eq!(args.body_timeout, 60);
        assert_eq!(args.header_timeout, 20);
        assert_eq!(args.request_timeout, 110);
        assert_eq!(args.metrics, None, "no metrics unless asked for");
        assert_eq!((args.tls_cert, args.tls_key), (None, None), "plain HTTP");
        assert_eq!(args.tls_reload_interval, 5);
        assert_eq!(args.redirect_http, None);
        assert!(args.behind_proxy.is_empty(), "no proxy trusted");
        assert_eq!(args.small_count, 10);
    }

    #[test]
    fn a_small_count_below_five_is_refused_in_words() {
        let error = Cli::try_parse_from(["collector", "serve", "--small-count", "4"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("at least 5"), "{error}");
        let cli = Cli::try_parse_from(["collector", "serve", "--small-count", "5"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.small_count, 5);
    }

    #[test]
    fn tls_and_proxy_flags_parse() {
        let cli = Cli::try_parse_from([
            "collector",
            "serve",
            "--tls-cert",
            "fullchain.pem",
            "--tls-key",
            "privkey.pem",
            "--redirect-http",
            "0.0.0.0:80",
            "--behind-proxy",
            "127.0.0.1",
            "--behind-proxy",
            "10.0.0.0/8",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.tls_cert, Some(PathBuf::from("fullchain.pem")));
        assert_eq!(args.tls_key, Some(PathBuf::from("privkey.pem")));
        assert_eq!(args.redirect_http, Some("0.0.0.0:80".parse().unwrap()));
        assert_eq!(
            args.behind_proxy,
            [
                "127.0.0.1/32".parse::<IpNet>().unwrap(),
                "10.0.0.0/8".parse().unwrap()
            ]
        );
        let error = Cli::try_parse_from(["collector", "serve", "--behind-proxy", "proxy.lan"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not an address or a network"), "{error}");
    }

    #[test]
    fn cors_origins_are_repeated_and_checked() {
        let cli = Cli::try_parse_from([
            "collector",
            "serve",
            "--cors-origin",
            "https://survey.example.org",
            "--cors-origin",
            "http://10.0.0.5:8080/",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(
            args.cors_origins,
            ["https://survey.example.org", "http://10.0.0.5:8080"]
        );
        let error =
            Cli::try_parse_from(["collector", "serve", "--cors-origin", "survey.example.org"])
                .unwrap_err()
                .to_string();
        assert!(error.contains("is not an origin"), "{error}");
        assert!(Cli::try_parse_from(["collector", "serve", "--intake-budget-mb", "0"]).is_err());
    }

    #[test]
    fn serve_flags_override_the_defaults() {
        let cli = Cli::try_parse_from([
            "collector",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data-dir",
            "/tmp/d",
            "--dist",
            "build",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.addr.port(), 0);
        assert_eq!(args.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(args.dist, PathBuf::from("build"));
    }

    #[test]
    fn token_import_and_export_parse() {
        let cli =
            Cli::try_parse_from(["collector", "token", "add", "--agency", "hackney-cvs"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Token(TokenArgs {
                action: TokenAction::Add { .. },
                ..
            })
        ));
        let cli =
            Cli::try_parse_from(["collector", "token", "revoke", "3", "--data-dir", "d"]).unwrap();
        let Command::Token(args) = cli.command else {
            panic!("not token");
        };
        assert_eq!(args.data_dir, PathBuf::from("d"));
        assert!(
            Cli::try_parse_from(["collector", "import"]).is_err(),
            "files required"
        );
        let cli = Cli::try_parse_from(["collector", "export", "--csv", "all.csv"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Export(ExportArgs { csv: Some(_), .. })
        ));
        let cli = Cli::try_parse_from(["collector", "conflicts", "--data-dir", "d"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Conflicts(ConflictsArgs { .. })
        ));
    }

    #[test]
    fn backup_and_restore_take_a_file_and_a_data_folder() {
        let cli = Cli::try_parse_from(["collector", "backup", "b.sqlite3"]).unwrap();
        let Command::Backup(args) = cli.command else {
            panic!("not backup");
        };
        assert_eq!(
            (args.out, args.data_dir),
            (PathBuf::from("b.sqlite3"), PathBuf::from("data"))
        );
        let cli =
            Cli::try_parse_from(["collector", "restore", "b.sqlite3", "--data-dir", "d"]).unwrap();
        let Command::Restore(args) = cli.command else {
            panic!("not restore");
        };
        assert_eq!(
            (args.backup, args.data_dir),
            (PathBuf::from("b.sqlite3"), PathBuf::from("d"))
        );
        assert!(
            Cli::try_parse_from(["collector", "backup"]).is_err(),
            "OUT required"
        );
        assert!(
            Cli::try_parse_from(["collector", "restore"]).is_err(),
            "BACKUP required"
        );
    }

    #[test]
    fn bench_defaults_go_to_a_million_in_steps_of_a_hundred_thousand() {
        let cli = Cli::try_parse_from(["collector", "bench"]).unwrap();
        let Command::Bench(args) = cli.command else {
            panic!("not bench");
        };
        assert_eq!((args.responses, args.step), (1_000_000, 100_000));
    }

    #[test]
    fn a_subcommand_is_required() {
        assert!(Cli::try_parse_from(["collector"]).is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

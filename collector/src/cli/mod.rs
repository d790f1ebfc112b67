//! The command line: `serve`, `token`, `import`, `export`, `conflicts` and `bench`. This file holds
//! only what clap parses; [`commands::run`] carries a parsed command out.

pub mod bench;
pub mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Take in batch files handed in (the same checks and receipts as an upload).
    Import(ImportArgs),
    /// Write every stored response as CSV, and/or the codebook, for analysts.
    Export(ExportArgs),
    /// List the responses kept as conflicts (an id that arrived again with other content,
    /// or from another agency): when, response, batch, agency, reason.
    Conflicts(ConflictsArgs),
    /// Measure batch intake: responses per second as the tables grow, what durability
    /// costs, bytes per response on disk (prints figures).
    Bench(BenchArgs),
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

//! The command line: `collector serve` today; `token`, `import` and `export` will join it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::error::CollectorError;

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
    /// Serve the built app (and, later, receive batches) until Ctrl-C or SIGTERM.
    Serve(ServeArgs),
}

/// Flags of `collector serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the collector's data; created if missing.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,

    /// The built app (trunk's output folder); must contain index.html.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
}

/// Runs the parsed command to completion.
pub async fn run(cli: Cli) -> Result<(), CollectorError> {
    match cli.command {
        Command::Serve(args) => crate::server::serve(&args).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_defaults_match_make_run() {
        let cli = Cli::try_parse_from(["collector", "serve"]).unwrap();
        let Command::Serve(args) = cli.command;
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
        let Command::Serve(args) = cli.command;
        assert_eq!(args.addr.port(), 0);
        assert_eq!(args.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(args.dist, PathBuf::from("build"));
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

//! `collector`: see the crate README for the subcommands and flags.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = collector::cli::Cli::parse();
    collector::logging::init();
    match collector::cli::commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("collector: error: {error}");
            ExitCode::FAILURE
        }
    }
}

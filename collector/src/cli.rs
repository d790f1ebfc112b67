//! The command line: `serve`, `token`, `import`, `export` and `bench`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::error::CollectorError;
use crate::ingest::{self, Source};

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
    /// Measure batch intake: responses per second as the tables grow (prints figures).
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

/// `collector bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// An empty folder for the benchmark's database.
    #[arg(long, default_value = "target/collector-bench")]
    pub data_dir: PathBuf,

    /// Responses in all.
    #[arg(long, default_value_t = 100_000)]
    pub responses: usize,

    /// Responses per batch.
    #[arg(long, default_value_t = 50)]
    pub batch_size: usize,

    /// Print a line every this many responses.
    #[arg(long, default_value_t = 10_000)]
    pub step: usize,
}

/// Runs the parsed command to completion.
pub async fn run(cli: Cli) -> Result<(), CollectorError> {
    match cli.command {
        Command::Serve(args) => crate::server::serve(&args).await,
        Command::Token(args) => token(&args),
        Command::Import(args) => import(&args),
        Command::Export(args) => export(&args),
        Command::Bench(args) => {
            let _ = std::fs::remove_file(crate::db::path_in(&args.data_dir));
            crate::bench::run(&args.data_dir, args.responses, args.batch_size, args.step)
        }
    }
}

fn open(data_dir: &Path) -> Result<rusqlite::Connection, CollectorError> {
    std::fs::create_dir_all(data_dir).map_err(|source| CollectorError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    Ok(crate::db::open(data_dir)?)
}

fn shared() -> Result<Vec<survey::Questionnaire>, CollectorError> {
    survey::shipped::shipped_questionnaires()
        .map_err(|e| CollectorError::Usage(format!("the shipped questionnaire does not load: {e}")))
}

fn token(args: &TokenArgs) -> Result<(), CollectorError> {
    let connection = open(&args.data_dir)?;
    match &args.action {
        TokenAction::Add { agency } => {
            let agencies: Vec<String> = shared()?
                .iter()
                .flat_map(|q| q.agencies.iter().map(|a| a.code.clone()))
                .collect();
            let (id, token) = crate::tokens::add(&connection, agency, &agencies)?;
            tracing::info!(token_id = id, agency = %agency, "token added");
            println!("{token}");
            eprintln!(
                "Token {id} for {agency}. Give it to the agency's workers (Settings → Change set-up → Upload token). \
                 It is shown only now: the collector keeps only its hash."
            );
        }
        TokenAction::List => {
            println!(
                "{:>4}  {:<24}  {:<14}  {:<24}  revoked",
                "id", "agency", "starts with", "made"
            );
            for token in crate::tokens::list(&connection)? {
                println!(
                    "{:>4}  {:<24}  {:<14}  {:<24}  {}",
                    token.id,
                    token.agency,
                    token.prefix,
                    token.created,
                    token.revoked.as_deref().unwrap_or("-")
                );
            }
        }
        TokenAction::Revoke { id } => {
            crate::tokens::revoke(&connection, *id)?;
            tracing::info!(token_id = id, "token revoked");
            println!("token {id} revoked");
        }
    }
    Ok(())
}

fn import(args: &ImportArgs) -> Result<(), CollectorError> {
    let questionnaires = shared()?;
    let mut connection = open(&args.data_dir)?;
    let mut rejected = 0;
    for path in &args.files {
        let result = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| ingest::verify(&bytes, &questionnaires).map_err(|e| e.to_string()))
            .and_then(|batch| {
                ingest::store(&mut connection, &batch, Source::Import).map_err(|e| e.to_string())
            });
        match result {
            Ok(receipt) => {
                tracing::info!(
                    batch = %receipt.batch,
                    accepted = receipt.accepted,
                    already_present = receipt.already_present,
                    file = %path.display(),
                    "batch imported"
                );
                println!(
                    "{}: batch {}: {} new, {} already present; visits {} new, {} already present",
                    path.display(),
                    receipt.batch,
                    receipt.accepted,
                    receipt.already_present,
                    receipt.visits_accepted,
                    receipt.visits_already_present
                );
            }
            Err(reason) => {
                rejected += 1;
                tracing::warn!(file = %path.display(), %reason, "batch file rejected");
                eprintln!("{}: rejected: {reason}", path.display());
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

fn export(args: &ExportArgs) -> Result<(), CollectorError> {
    if args.csv.is_none() && args.codebook.is_none() {
        return Err(CollectorError::Usage(
            "say what to write: --csv OUT and/or --codebook OUT".into(),
        ));
    }
    let questionnaires = shared()?;
    let questionnaire = questionnaires
        .first()
        .ok_or_else(|| CollectorError::Usage("no questionnaire shipped".into()))?;
    let connection = open(&args.data_dir)?;
    let write = |path: &PathBuf, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|source| CollectorError::File {
            path: path.clone(),
            source,
        })
    };
    if let Some(path) = &args.csv {
        let (bytes, rows) = crate::export::responses_csv(&connection, questionnaire)?;
        write(path, &bytes)?;
        println!("{}: {rows} responses", path.display());
    }
    if let Some(path) = &args.codebook {
        let bytes = crate::export::codebook_csv(questionnaire, &args.language)?;
        write(path, &bytes)?;
        println!("{}: codebook ({})", path.display(), args.language);
    }
    Ok(())
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

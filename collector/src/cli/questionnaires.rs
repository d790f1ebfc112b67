//! `collector questionnaire add/list/publish/close/discard/show`: the questionnaire's
//! versions from the command line, what clap parses and what it does. A new version is
//! checked by `survey`'s validator and publish rules when it is added; it reaches the
//! tablets only once published.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use survey::publish::Changes;

use crate::error::CollectorError;
use crate::store;
use crate::store::questionnaires::{self, State};

/// `collector questionnaire …`.
#[derive(Debug, Clone, Args)]
pub struct QuestionnaireArgs {
    /// Folder of the collector's data.
    #[arg(long, default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// What to do with the questionnaire's versions.
    #[command(subcommand)]
    pub action: QuestionnaireAction,
}

/// Questionnaire actions.
#[derive(Debug, Clone, Subcommand)]
pub enum QuestionnaireAction {
    /// Check a questionnaire file and keep it as the draft of a new version (replacing
    /// any draft); print what it changes since the current version.
    Add {
        /// The questionnaire file (JSON, as in survey/questionnaires/).
        file: PathBuf,
    },
    /// List the versions: version, state (draft, published, closed), when, content hash.
    List,
    /// Publish the draft: tablets take it for new interviews, batches may answer it.
    Publish {
        /// The draft's version number.
        version: u32,
        /// Confirm that every relabelled option still means what its code meant.
        #[arg(long)]
        confirm_labels: bool,
    },
    /// Close a published version: no new interview starts on it, its responses are
    /// still accepted.
    Close {
        /// The version number.
        version: u32,
    },
    /// Throw the draft away.
    Discard,
    /// Print a stored version's file, as it was added.
    Show {
        /// The version number (the current one if not given).
        version: Option<u32>,
    },
}

/// What `changes` lists, one line each, for the command line.
pub fn describe(changes: &Changes) -> String {
    let mut out = match changes.from {
        None => format!("version {}: the first version", changes.to),
        Some(from) if changes.items.is_empty() => {
            format!("version {}: no changes since version {from}", changes.to)
        }
        Some(from) => format!(
            "version {}: {} change(s) since version {from}:",
            changes.to,
            changes.items.len()
        ),
    };
    for change in &changes.items {
        let mark = if change.to_confirm() { "  ! " } else { "  - " };
        out.push('\n');
        out.push_str(mark);
        out.push_str(&change.to_string());
    }
    out
}

/// Runs `collector questionnaire …`.
pub fn run(args: &QuestionnaireArgs) -> Result<(), CollectorError> {
    let mut connection = store::open(&args.data_dir)?;
    match &args.action {
        QuestionnaireAction::Add { file } => {
            let json = std::fs::read_to_string(file).map_err(|source| CollectorError::File {
                path: file.clone(),
                source,
            })?;
            let (questionnaire, changes) = questionnaires::add(&mut connection, &json)?;
            tracing::info!(
                questionnaire = questionnaire.id,
                version = questionnaire.version,
                "questionnaire draft added"
            );
            println!("{}", describe(&changes));
            let confirm = changes.to_confirm().count();
            println!(
                "Kept as a draft: tablets do not see it yet. Publish it with: collector questionnaire publish {}{}",
                questionnaire.version,
                if confirm > 0 {
                    " --confirm-labels (after checking each line marked !)"
                } else {
                    ""
                }
            );
        }
        QuestionnaireAction::List => {
            println!(
                "{:<16}  {:>7}  {:<9}  {:<24}  {:<24}  hash",
                "questionnaire", "version", "state", "added", "published"
            );
            for row in questionnaires::list(&connection)? {
                let state = match (row.state, &row.closed) {
                    (State::Closed, Some(closed)) => format!("closed {closed}"),
                    (state, _) => state.as_str().to_owned(),
                };
                println!(
                    "{:<16}  {:>7}  {:<9}  {:<24}  {:<24}  {}",
                    row.id,
                    row.version,
                    state,
                    row.added,
                    row.published.as_deref().unwrap_or("-"),
                    &row.hash[..12.min(row.hash.len())]
                );
            }
        }
        QuestionnaireAction::Publish {
            version,
            confirm_labels,
        } => {
            let changes = questionnaires::publish(&mut connection, *version, *confirm_labels)?;
            tracing::info!(version, "questionnaire version published");
            println!("{}", describe(&changes));
            println!(
                "Published: version {version} is the current version. Tablets take it when they next reach this collector, for interviews started from then on; interviews already begun finish on their own version."
            );
        }
        QuestionnaireAction::Close { version } => {
            questionnaires::close(&mut connection, *version)?;
            tracing::info!(version, "questionnaire version closed");
            println!(
                "Closed: no new interview starts on version {version}; its responses are still accepted."
            );
        }
        QuestionnaireAction::Discard => {
            if questionnaires::discard_draft(&connection)? {
                println!("The draft was thrown away.");
            } else {
                println!("There was no draft.");
            }
        }
        QuestionnaireAction::Show { version } => {
            let found = match version {
                Some(version) => questionnaires::text(&connection, *version)?,
                None => questionnaires::current(&connection)?,
            };
            let Some((_, json)) = found else {
                return Err(CollectorError::Usage(match version {
                    Some(version) => format!("there is no version {version}"),
                    None => "there is no published version".into(),
                }));
            };
            println!("{json}");
        }
    }
    Ok(())
}

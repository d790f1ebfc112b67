//! `collector user add/list/disable/password-link`: the console's accounts from the
//! command line (the first admin is made here), what clap parses and what it does.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::error::CollectorError;
use crate::store;
use crate::store::accounts::{self, Role, Secret};

/// Where a set-password link points when no `--base-url` is given: `serve`'s default.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// `collector user …`.
#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    /// Folder of the collector's data.
    #[arg(long, default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// What to do with users.
    #[command(subcommand)]
    pub action: UserAction,
}

/// A user's role, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Every agency, and the accounts.
    Admin,
    /// One agency's figures (needs --agency).
    Coordinator,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Coordinator => Role::Coordinator,
        }
    }
}

/// User actions.
#[derive(Debug, Clone, Subcommand)]
pub enum UserAction {
    /// Add a console user and print their one-time set-password link.
    Add {
        /// Their email address (how they log in).
        #[arg(long)]
        email: String,
        /// What they may see: admin (everything) or coordinator (one agency).
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A coordinator's agency code, as in the questionnaire (e.g. hackney-cvs).
        #[arg(long)]
        agency: Option<String>,
        /// The address the console is reached at, for the link.
        #[arg(long, default_value = DEFAULT_BASE_URL, value_parser = parse_base_url)]
        base_url: String,
    },
    /// List users: email, role, agency, state (active, no password yet, disabled, locked).
    List,
    /// Disable a user: they cannot log in, and their sessions end.
    Disable {
        /// Their email address.
        #[arg(long)]
        email: String,
    },
    /// Print a new one-time set-password link for a user (e.g. a forgotten password);
    /// their earlier links stop working.
    PasswordLink {
        /// Their email address.
        #[arg(long)]
        email: String,
        /// The address the console is reached at, for the link.
        #[arg(long, default_value = DEFAULT_BASE_URL, value_parser = parse_base_url)]
        base_url: String,
    },
}

/// An `http://` or `https://` address with no fragment or query, without a trailing `/`.
pub fn parse_base_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['#', '?', ' ']) => Ok(trimmed.into()),
        _ => Err(format!(
            "{text:?} is not an address like https://survey.example.org"
        )),
    }
}

/// The link a user opens to set their password. The secret is in the fragment (after
/// `#`), which browsers do not send: it never reaches a server's or a proxy's log.
pub fn set_password_url(base_url: &str, secret: &Secret) -> String {
    format!(
        "{base_url}{}#{}",
        crate::http::console::log_in::SET_PASSWORD_PATH,
        secret.expose()
    )
}

/// Runs `collector user …`.
pub fn run(args: &UserArgs) -> Result<(), CollectorError> {
    let connection = store::open(&args.data_dir)?;
    let now = accounts::now();
    match &args.action {
        UserAction::Add {
            email,
            role,
            agency,
            base_url,
        } => {
            let agencies = store::questionnaires::agencies(&connection)?;
            let (id, link) = accounts::add_user(
                &connection,
                email,
                (*role).into(),
                agency.as_deref(),
                &agencies,
                now,
            )?;
            tracing::info!(
                user_id = id.0,
                role = Role::from(*role).as_str(),
                "user added"
            );
            print_link(base_url, &link);
        }
        UserAction::List => {
            let users = accounts::list_users(&connection, now)?;
            if users.is_empty() {
                println!("no users (add one with `collector user add`)");
                return Ok(());
            }
            println!("{:<40}  {:<12}  {:<24}  state", "email", "role", "agency");
            for user in users {
                println!(
                    "{:<40}  {:<12}  {:<24}  {}",
                    user.email,
                    user.role.as_str(),
                    user.agency.as_deref().unwrap_or("-"),
                    user.state.describe()
                );
            }
        }
        UserAction::Disable { email } => {
            let id = accounts::find_user(&connection, email)?;
            accounts::disable_user(&connection, id)?;
            tracing::info!(user_id = id.0, "user disabled");
            println!(
                "{} disabled: they cannot log in, and their sessions have ended",
                email.trim()
            );
        }
        UserAction::PasswordLink { email, base_url } => {
            let (id, link) = accounts::password_link(&connection, email, now)?;
            tracing::info!(user_id = id.0, "set-password link made");
            print_link(base_url, &link);
        }
    }
    Ok(())
}

fn print_link(base_url: &str, link: &Secret) {
    println!("{}", set_password_url(base_url, link));
    eprintln!(
        "Send this link to the user: it sets their password, works once, and expires in 24 hours. \
         It is shown only now: the collector keeps only its hash."
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn base_urls_are_checked_and_lose_their_trailing_slash() {
        assert_eq!(
            parse_base_url("https://survey.example.org/").unwrap(),
            "https://survey.example.org"
        );
        assert!(parse_base_url("survey.example.org").is_err());
        assert!(parse_base_url("https://").is_err());
        assert!(parse_base_url("https://a.org/#x").is_err());
    }

    #[test]
    fn user_add_parses_with_its_defaults() {
        let cli = Cli::try_parse_from([
            "collector",
            "user",
            "add",
            "--email",
            "a@example.org",
            "--role",
            "coordinator",
            "--agency",
            "hackney-cvs",
        ])
        .unwrap();
        let Command::User(args) = cli.command else {
            panic!("not user");
        };
        let UserAction::Add { role, base_url, .. } = args.action else {
            panic!("not add");
        };
        assert_eq!(role, RoleArg::Coordinator);
        assert_eq!(base_url, DEFAULT_BASE_URL);
        assert!(Cli::try_parse_from([
            "collector",
            "user",
            "add",
            "--email",
            "a@example.org",
            "--role",
            "boss"
        ])
        .is_err());
    }
}

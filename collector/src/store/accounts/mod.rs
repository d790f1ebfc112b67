//! Console accounts: users with a role (admin, or coordinator of one agency), their
//! passwords, one-time set-password links, and log-in sessions. Nothing here knows about
//! HTTP: the console's pages call these functions.
//!
//! Tables (migration 3): `users`, `password_links`, `sessions`. Of every secret only a
//! SHA-256 is stored (link secrets, session ids), and of a password only its Argon2id
//! hash; the per-session CSRF token is stored as it is (it is useless without the session
//! id, and the page needs it back).
//!
//! - [`users`]: adding, listing, disabling users, changing a role, new links.
//! - [`passwords`]: Argon2id hashing, the password rules, setting a password by a link.
//! - [`sessions`]: logging in (with the per-account lock-out), sessions, logging out.
//!
//! Times are [`Timestamp`]s (milliseconds since 1970) given by the caller, so tests can
//! move the clock; [`now`] is the real one.
//!
//! Argon2 takes tens of milliseconds of CPU by design: [`sessions::log_in`] and
//! [`passwords::set_password`] must run off the async threads (`spawn_blocking`).

pub mod passwords;
pub mod sessions;
pub mod users;

#[cfg(test)]
mod tests;

use std::time::Duration;

use sha2::{Digest, Sha256};
use survey::record::Timestamp;

use super::DbError;

pub use passwords::{set_password, SetPasswordError};
pub use sessions::{
    log_in, log_out, log_out_everywhere, session, LogInError, Session, SessionUser,
};
pub use users::{
    add_user, disable_user, find_user, list_users, password_link, set_role, Role, UserId, UserInfo,
    UserState,
};

/// How long a set-password link works.
pub const LINK_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after logging in, however busy.
pub const SESSION_ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// Wrong passwords in a row that lock an account.
pub const MAX_FAILED_LOG_INS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_OUT: Duration = Duration::from_secs(15 * 60);

/// Random bytes in every secret (link secrets, session ids, CSRF tokens).
const SECRET_BYTES: usize = 32;

/// A secret shown once (a set-password link's secret, a session id): 32 random bytes as
/// 64 hex digits. Its `Debug` does not show it, so it stays out of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, to hand to the person (or the browser) it is for.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A new random secret.
    pub fn random() -> Result<Secret, AccountError> {
        let mut bytes = [0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| AccountError::Random(e.to_string()))?;
        Ok(Secret(hex(&bytes)))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Why an account could not be added or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The agency is not one of the questionnaire's agencies.
    #[error("unknown agency {agency:?}; the agencies are: {known}")]
    UnknownAgency {
        /// What was given.
        agency: String,
        /// The known codes.
        known: String,
    },
    /// A coordinator was given no agency.
    #[error("a coordinator belongs to one agency: give --agency (the agencies are: {known})")]
    CoordinatorWithoutAgency {
        /// The known codes.
        known: String,
    },
    /// An admin was given an agency.
    #[error("an admin sees every agency and belongs to none: leave out --agency")]
    AdminWithAgency,
    /// Someone has this email already (letter case aside).
    #[error("there is already a user with the email {0}")]
    EmailTaken(String),
    /// The email cannot be one.
    #[error("{email:?} is not an email address: {why}")]
    MalformedEmail {
        /// What was given.
        email: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// No user has this email.
    #[error("no user with the email {0} (see `collector user list`)")]
    NoSuchUser(String),
    /// No user has this number.
    #[error("no user number {0}")]
    NoSuchUserId(i64),
    /// The operating system gave no random bytes.
    #[error("no randomness available from the operating system: {0}")]
    Random(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(error: rusqlite::Error) -> Self {
        AccountError::Db(DbError::Query(error))
    }
}

/// The current time.
pub fn now() -> Timestamp {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Timestamp(millis)
}

/// `time` plus `duration`, in the tables' milliseconds.
fn after(time: Timestamp, duration: Duration) -> i64 {
    time.0
        .saturating_add(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a secret: its SHA-256.
fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The schema of migration 3. Emails are unique whatever their letter case; a
/// coordinator has an agency and an admin none; `password` is an Argon2id PHC string, or
/// NULL until set. Times are milliseconds since 1970.
pub(crate) const SCHEMA: &str = "CREATE TABLE users (
         id INTEGER PRIMARY KEY,
         email TEXT NOT NULL UNIQUE COLLATE NOCASE,
         role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
         agency TEXT,
         password TEXT,
         disabled INTEGER NOT NULL DEFAULT 0,
         created INTEGER NOT NULL,
         failed_log_ins INTEGER NOT NULL DEFAULT 0,
         locked_until INTEGER,
         CHECK ((role = 'coordinator') = (agency IS NOT NULL))
     );
     CREATE TABLE password_links (
         id INTEGER PRIMARY KEY,
         user INTEGER NOT NULL REFERENCES users(id),
         hash BLOB NOT NULL UNIQUE,
         created INTEGER NOT NULL,
         expires INTEGER NOT NULL,
         used INTEGER
     );
     CREATE TABLE sessions (
         id INTEGER PRIMARY KEY,
         hash BLOB NOT NULL UNIQUE,
         user INTEGER NOT NULL REFERENCES users(id),
         created INTEGER NOT NULL,
         last_seen INTEGER NOT NULL,
         csrf TEXT NOT NULL
     );
     CREATE INDEX sessions_by_user ON sessions (user);
     CREATE INDEX password_links_by_user ON password_links (user);";

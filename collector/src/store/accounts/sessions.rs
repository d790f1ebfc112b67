//! Logging in and sessions.
//!
//! A log-in checks the password with Argon2 (slow on purpose: call [`log_in`] from a
//! blocking thread, never on an async one). Each account counts its wrong passwords in
//! the database: [`MAX_FAILED_LOG_INS`] in a row lock it for [`LOCK_OUT`], during which
//! even the right password is refused. Throttling per client address is the HTTP layer's
//! (the console will reuse `http/throttle.rs`).
//!
//! A wrong email, a wrong password, a locked, disabled or password-less account all get
//! the same [`LogInError::Refused`], after an Argon2 verification each (a dummy one where
//! there is no hash to check), so neither the answer nor its time tells whether an email
//! has an account. One difference is left: a wrong password for a real account also
//! commits its count (one write-ahead-log sync, a few milliseconds at most beside
//! Argon2's tens), which an unknown email does not; the per-address throttle keeps anyone
//! from measuring it many times over.
//!
//! A session is a random id (given to the browser, stored as its SHA-256) and a random
//! CSRF token; it ends after [`SESSION_IDLE`] without a request or [`SESSION_ABSOLUTE`]
//! after the log-in. It is found by its hash through the table's index: the hash of a
//! 256-bit secret leaks nothing useful through lookup timing.

use rusqlite::{params, Connection, OptionalExtension};
use subtle::ConstantTimeEq;
use survey::record::Timestamp;

use super::passwords::{dummy_verify, verify_password};
use super::users::{normalise_email, Role, UserId};
use super::{
    after, secret_hash, AccountError, DbError, Secret, LOCK_OUT, MAX_FAILED_LOG_INS,
    SESSION_ABSOLUTE, SESSION_IDLE,
};

/// A new session: the id for the browser's cookie (only its hash is kept) and the CSRF
/// token the console's forms carry.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session id.
    pub id: Secret,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Who a current session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The user.
    pub user: UserId,
    /// Their email.
    pub email: String,
    /// Their role now.
    pub role: Role,
    /// A coordinator's agency.
    pub agency: Option<String>,
    /// The session's CSRF token.
    pub csrf: String,
}

impl SessionUser {
    /// Whether `presented` is this session's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        bool::from(self.csrf.as_bytes().ct_eq(presented.as_bytes()))
    }
}

/// Why a log-in failed.
#[derive(Debug, thiserror::Error)]
pub enum LogInError {
    /// Wrong email or password, or the account is locked, disabled or has no password
    /// yet: one answer for all, so it tells nobody which emails have accounts.
    #[error("wrong email or password (after 5 wrong tries an account is locked for 15 minutes)")]
    Refused,
    /// Something else failed (the database, randomness).
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<rusqlite::Error> for LogInError {
    fn from(error: rusqlite::Error) -> Self {
        LogInError::Account(AccountError::Db(DbError::Query(error)))
    }
}

/// Logs in with `email` and `password` at `now`: a new session, or [`LogInError::Refused`].
pub fn log_in(
    connection: &Connection,
    email: &str,
    password: &str,
    now: Timestamp,
) -> Result<Session, LogInError> {
    let Ok(email) = normalise_email(email) else {
        dummy_verify(password);
        return Err(LogInError::Refused);
    };
    let row: Option<(i64, Option<String>, bool, Option<i64>)> = connection
        .query_row(
            "SELECT id, password, disabled, locked_until FROM users WHERE email = ?1",
            [&email],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((user, Some(stored), disabled, locked_until)) = row else {
        dummy_verify(password);
        return Err(LogInError::Refused);
    };
    if locked_until.is_some_and(|until| now.0 < until) {
        // Locked: the password is not even checked (so the lock cannot be used to test
        // guesses), but the time is spent all the same.
        dummy_verify(password);
        return Err(LogInError::Refused);
    }
    let right = verify_password(password, &stored);
    if disabled {
        return Err(LogInError::Refused);
    }
    if !right {
        count_failure(connection, UserId(user), now)?;
        return Err(LogInError::Refused);
    }
    connection.execute(
        "UPDATE users SET failed_log_ins = 0, locked_until = NULL WHERE id = ?1",
        [user],
    )?;
    Ok(new_session(connection, UserId(user), now)?)
}

/// One more wrong password for `user`; the last allowed one locks the account (and starts
/// the count again for when the lock ends).
fn count_failure(connection: &Connection, user: UserId, now: Timestamp) -> Result<(), LogInError> {
    let transaction = connection.unchecked_transaction()?;
    transaction.execute(
        "UPDATE users SET failed_log_ins = failed_log_ins + 1 WHERE id = ?1",
        [user.0],
    )?;
    transaction.execute(
        "UPDATE users SET failed_log_ins = 0, locked_until = ?2
         WHERE id = ?1 AND failed_log_ins >= ?3",
        params![user.0, after(now, LOCK_OUT), MAX_FAILED_LOG_INS],
    )?;
    transaction.commit()?;
    Ok(())
}

fn new_session(
    connection: &Connection,
    user: UserId,
    now: Timestamp,
) -> Result<Session, AccountError> {
    let id = Secret::random()?;
    let csrf = Secret::random()?.expose().to_owned();
    connection.execute(
        "INSERT INTO sessions (hash, user, created, last_seen, csrf) VALUES (?1, ?2, ?3, ?3, ?4)",
        params![secret_hash(id.expose()), user.0, now.0, csrf],
    )?;
    Ok(Session { id, csrf })
}

/// The user of the session `id`, if it is current at `now`: not idle for
/// [`SESSION_IDLE`], not older than [`SESSION_ABSOLUTE`], its user not disabled. A
/// current session is seen (its idle time starts again); an ended one is deleted.
pub fn session(
    connection: &Connection,
    id: &str,
    now: Timestamp,
) -> Result<Option<SessionUser>, AccountError> {
    let hash = secret_hash(id);
    let found: Option<(i64, i64, i64, SessionUser, bool)> = connection
        .query_row(
            "SELECT s.id, s.created, s.last_seen, u.role, u.id, u.email, u.agency, s.csrf,
                    u.disabled
             FROM sessions s JOIN users u ON u.id = s.user WHERE s.hash = ?1",
            [&hash],
            |row| {
                let role: String = row.get(3)?;
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    SessionUser {
                        user: UserId(row.get(4)?),
                        email: row.get(5)?,
                        role: Role::from_stored(&role),
                        agency: row.get(6)?,
                        csrf: row.get(7)?,
                    },
                    row.get(8)?,
                ))
            },
        )
        .optional()?;
    let Some((row, created, last_seen, user, disabled)) = found else {
        return Ok(None);
    };
    let idle = now.0 >= after(Timestamp(last_seen), SESSION_IDLE);
    let too_old = now.0 >= after(Timestamp(created), SESSION_ABSOLUTE);
    if idle || too_old || disabled {
        connection.execute("DELETE FROM sessions WHERE id = ?1", [row])?;
        return Ok(None);
    }
    connection.execute(
        "UPDATE sessions SET last_seen = max(last_seen, ?2) WHERE id = ?1",
        params![row, now.0],
    )?;
    Ok(Some(user))
}

/// Ends the session `id` (nothing if there is none).
pub fn log_out(connection: &Connection, id: &str) -> Result<(), AccountError> {
    connection.execute("DELETE FROM sessions WHERE hash = ?1", [secret_hash(id)])?;
    Ok(())
}

/// Ends every session of `user`; returns how many there were.
pub fn log_out_everywhere(connection: &Connection, user: UserId) -> Result<usize, AccountError> {
    Ok(connection.execute("DELETE FROM sessions WHERE user = ?1", [user.0])?)
}

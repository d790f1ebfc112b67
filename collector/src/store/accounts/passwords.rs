//! Passwords: the rules a new one must meet, Argon2id hashing (the `argon2` crate, its
//! PHC string format, OWASP's parameters), and setting one with a one-time link.
//!
//! Hashing and verifying take tens of milliseconds of CPU on purpose: call
//! [`set_password`] (and [`super::log_in`]) from a blocking thread, never on an async one.

use std::sync::OnceLock;

use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use rusqlite::{params, Connection, OptionalExtension};
use survey::record::Timestamp;

use super::users::UserId;
use super::{secret_hash, DbError};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most bytes a password may have (a passphrase fits; a megabyte is refused).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Argon2id memory in KiB: 19 MiB (OWASP's password storage cheat sheet).
const MEMORY_KIB: u32 = 19 * 1024;
/// Argon2id passes.
const PASSES: u32 = 2;
/// Argon2id lanes.
const LANES: u32 = 1;

/// What is wrong with a new password, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD_CHARS`].
    #[error(
        "the password is too short: it has {0} characters and needs at least {MIN_PASSWORD_CHARS}"
    )]
    TooShort(usize),
    /// One character over and over.
    #[error("the password is one character repeated: choose one with different characters")]
    OneCharacter,
    /// More than [`MAX_PASSWORD_BYTES`].
    #[error("the password is too long: at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
}

/// Why a password could not be set.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// The new password breaks a rule.
    #[error(transparent)]
    Weak(#[from] WeakPassword),
    /// No link has this secret (mistyped, or replaced by a newer link).
    #[error("this set-password link does not work: ask an admin for a new one")]
    UnknownLink,
    /// The link was used already.
    #[error("this set-password link has been used already: ask an admin for a new one")]
    UsedLink,
    /// The link is older than its lifetime.
    #[error(
        "this set-password link has expired (links work for 24 hours): ask an admin for a new one"
    )]
    ExpiredLink,
    /// The account was disabled.
    #[error("this account is disabled")]
    Disabled,
    /// Argon2 failed (it does not for valid parameters).
    #[error("the password could not be hashed: {0}")]
    Hash(String),
    /// The operating system gave no random bytes.
    #[error("no randomness available from the operating system: {0}")]
    Random(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for SetPasswordError {
    fn from(error: rusqlite::Error) -> Self {
        SetPasswordError::Db(DbError::Query(error))
    }
}

/// Checks a new password: at least [`MIN_PASSWORD_CHARS`] characters, not one character
/// repeated, at most [`MAX_PASSWORD_BYTES`] bytes.
pub fn check_strength(password: &str) -> Result<(), WeakPassword> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(WeakPassword::TooLong);
    }
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort(chars));
    }
    let mut rest = password.chars();
    let first = rest.next();
    if rest.all(|c| Some(c) == first) {
        return Err(WeakPassword::OneCharacter);
    }
    Ok(())
}

fn argon2() -> Result<Argon2<'static>, String> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).map_err(|e| e.to_string())?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// `password`'s Argon2id hash as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`), with
/// a random 16-byte salt. Slow on purpose.
pub fn hash_password(password: &str) -> Result<String, SetPasswordError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| SetPasswordError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| SetPasswordError::Hash(e.to_string()))?;
    let hash = argon2()
        .map_err(SetPasswordError::Hash)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| SetPasswordError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` is the one `stored` (a PHC string) was made from, checked by the
/// crate with the parameters in the string. A string that does not parse matches
/// nothing. Slow on purpose.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Verifies against a hash nobody's password matches, so a log-in with an unknown email
/// (or for an account without a password) takes as long as one with a wrong password.
pub(super) fn dummy_verify(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"doorstep-dummy!!").ok();
        salt.and_then(|salt| {
            argon2()
                .ok()?
                .hash_password(b"no one's password", &salt)
                .ok()
                .map(|hash| hash.to_string())
        })
        .unwrap_or_default()
    });
    let _ = verify_password(password, stored);
}

/// Sets the password of the user a set-password link (`link_secret`) was made for, and
/// uses the link up. Refuses a weak password (without using the link), an unknown, used
/// or expired link, and a disabled account. The user's failed log-ins and lock are
/// cleared and their sessions end (a new password logs out everywhere).
pub fn set_password(
    connection: &Connection,
    link_secret: &str,
    password: &str,
    now: Timestamp,
) -> Result<UserId, SetPasswordError> {
    check_strength(password)?;
    let hash = secret_hash(link_secret);
    let link: Option<(i64, i64, Option<i64>, i64, bool)> = connection
        .query_row(
            "SELECT l.id, l.expires, l.used, l.user, u.disabled
             FROM password_links l JOIN users u ON u.id = l.user WHERE l.hash = ?1",
            [&hash],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )
        .optional()?;
    let Some((link, expires, used, user, disabled)) = link else {
        return Err(SetPasswordError::UnknownLink);
    };
    if used.is_some() {
        return Err(SetPasswordError::UsedLink);
    }
    if now.0 >= expires {
        return Err(SetPasswordError::ExpiredLink);
    }
    if disabled {
        return Err(SetPasswordError::Disabled);
    }
    // Hashed outside the transaction: it takes a while, and the write lock is not held.
    let password_hash = hash_password(password)?;
    let transaction = connection.unchecked_transaction()?;
    // Only one of two uses at once gets the link.
    let taken = transaction.execute(
        "UPDATE password_links SET used = ?2 WHERE id = ?1 AND used IS NULL",
        params![link, now.0],
    )?;
    if taken == 0 {
        return Err(SetPasswordError::UsedLink);
    }
    transaction.execute(
        "UPDATE users SET password = ?2, failed_log_ins = 0, locked_until = NULL
         WHERE id = ?1",
        params![user, password_hash],
    )?;
    transaction.execute("DELETE FROM sessions WHERE user = ?1", [user])?;
    transaction.commit()?;
    Ok(UserId(user))
}

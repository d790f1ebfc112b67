//! Users: added by an admin (or `collector user add`) with a role, and a first one-time
//! link to set a password; listed, disabled, given another role, or a new link.

use rusqlite::{params, Connection, OptionalExtension};
use survey::record::Timestamp;

use super::{after, secret_hash, AccountError, Secret, LINK_LIFETIME};

/// A user's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// What a user may see and do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Every agency, and the accounts.
    Admin,
    /// One agency's figures.
    Coordinator,
}

impl Role {
    /// The role as stored and shown: `admin` or `coordinator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
        }
    }

    pub(super) fn from_stored(text: &str) -> Role {
        // The table's CHECK allows only these two.
        if text == "admin" {
            Role::Admin
        } else {
            Role::Coordinator
        }
    }
}

/// Whether a user can log in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserState {
    /// Has a password and may log in.
    Active,
    /// Has not used a set-password link yet.
    NoPasswordYet,
    /// Disabled: cannot log in, has no sessions.
    Disabled,
    /// Too many wrong passwords: refused until then.
    Locked {
        /// When the lock ends.
        until: Timestamp,
    },
}

impl UserState {
    /// The state in plain words, for `user list`.
    pub fn describe(self) -> String {
        match self {
            UserState::Active => "active".into(),
            UserState::NoPasswordYet => "no password yet".into(),
            UserState::Disabled => "disabled".into(),
            UserState::Locked { until } => format!("locked until {}", until.to_rfc3339()),
        }
    }
}

/// A user as `user list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// Their number.
    pub id: UserId,
    /// Their email, as stored (lower case).
    pub email: String,
    /// Their role.
    pub role: Role,
    /// A coordinator's agency.
    pub agency: Option<String>,
    /// Whether they can log in (at the `now` given to [`list_users`]).
    pub state: UserState,
    /// When they were added.
    pub created: Timestamp,
}

/// The email as stored: trimmed and lower case, if it looks like an address (one `@`
/// with something before it, a domain with a dot after it, no spaces).
pub(super) fn normalise_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let malformed = |why| AccountError::MalformedEmail {
        email: email.clone(),
        why,
    };
    if email.is_empty() {
        return Err(malformed("it is empty"));
    }
    if email.len() > 254 {
        return Err(malformed("it is longer than 254 characters"));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(malformed("it has a space in it"));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(malformed("it has no @"));
    };
    if domain.contains('@') {
        return Err(malformed("it has more than one @"));
    }
    if local.is_empty() {
        return Err(malformed("nothing comes before the @"));
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err(malformed(
            "what follows the @ is not a domain like example.org",
        ));
    }
    Ok(email)
}

/// Checks that `role` and `agency` go together and the agency is one of `known`.
fn check_role(role: Role, agency: Option<&str>, known: &[String]) -> Result<(), AccountError> {
    match (role, agency) {
        (Role::Admin, None) => Ok(()),
        (Role::Admin, Some(_)) => Err(AccountError::AdminWithAgency),
        (Role::Coordinator, None) => Err(AccountError::CoordinatorWithoutAgency {
            known: known.join(", "),
        }),
        (Role::Coordinator, Some(agency)) if known.iter().any(|k| k == agency) => Ok(()),
        (Role::Coordinator, Some(agency)) => Err(AccountError::UnknownAgency {
            agency: agency.to_owned(),
            known: known.join(", "),
        }),
    }
}

/// Adds a user with `role` (a coordinator with one of `known_agencies`, an admin with
/// none) and no password, and returns their number and the secret of their first
/// set-password link (working once, for [`LINK_LIFETIME`]): the only time it is seen.
pub fn add_user(
    connection: &Connection,
    email: &str,
    role: Role,
    agency: Option<&str>,
    known_agencies: &[String],
    now: Timestamp,
) -> Result<(UserId, Secret), AccountError> {
    let email = normalise_email(email)?;
    check_role(role, agency, known_agencies)?;
    let transaction = connection.unchecked_transaction()?;
    let inserted = transaction.execute(
        "INSERT INTO users (email, role, agency, created) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (email) DO NOTHING",
        params![email, role.as_str(), agency, now.0],
    )?;
    if inserted == 0 {
        return Err(AccountError::EmailTaken(email));
    }
    let id = UserId(transaction.last_insert_rowid());
    let secret = new_link(&transaction, id, now)?;
    transaction.commit()?;
    Ok((id, secret))
}

/// A new set-password link for the user with `email` (a forgotten password, or a first
/// link that expired): earlier unused links stop working. Refused for a disabled user.
pub fn password_link(
    connection: &Connection,
    email: &str,
    now: Timestamp,
) -> Result<(UserId, Secret), AccountError> {
    let email = normalise_email(email)?;
    let transaction = connection.unchecked_transaction()?;
    let id = transaction
        .query_row(
            "SELECT id FROM users WHERE email = ?1 AND disabled = 0",
            [&email],
            |row| row.get(0),
        )
        .optional()?
        .map(UserId)
        .ok_or_else(|| AccountError::NoSuchUser(email.clone()))?;
    let secret = new_link(&transaction, id, now)?;
    transaction.commit()?;
    Ok((id, secret))
}

/// Stores the hash of a new link's secret for `user`, removing their unused ones.
fn new_link(connection: &Connection, user: UserId, now: Timestamp) -> Result<Secret, AccountError> {
    connection.execute(
        "DELETE FROM password_links WHERE user = ?1 AND used IS NULL",
        [user.0],
    )?;
    let secret = Secret::random()?;
    connection.execute(
        "INSERT INTO password_links (user, hash, created, expires) VALUES (?1, ?2, ?3, ?4)",
        params![
            user.0,
            secret_hash(secret.expose()),
            now.0,
            after(now, LINK_LIFETIME)
        ],
    )?;
    Ok(secret)
}

/// Every user, by email, with their state at `now`.
pub fn list_users(connection: &Connection, now: Timestamp) -> Result<Vec<UserInfo>, AccountError> {
    let mut statement = connection.prepare(
        "SELECT id, email, role, agency, password IS NOT NULL, disabled, locked_until, created
         FROM users ORDER BY email",
    )?;
    let rows = statement.query_map([], |row| {
        let has_password: bool = row.get(4)?;
        let disabled: bool = row.get(5)?;
        let locked_until: Option<i64> = row.get(6)?;
        let state = match locked_until {
            _ if disabled => UserState::Disabled,
            _ if !has_password => UserState::NoPasswordYet,
            Some(until) if until > now.0 => UserState::Locked {
                until: Timestamp(until),
            },
            _ => UserState::Active,
        };
        Ok(UserInfo {
            id: UserId(row.get(0)?),
            email: row.get(1)?,
            role: Role::from_stored(&row.get::<_, String>(2)?),
            agency: row.get(3)?,
            state,
            created: Timestamp(row.get(7)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The number of the user with `email`.
pub fn find_user(connection: &Connection, email: &str) -> Result<UserId, AccountError> {
    let email = normalise_email(email)?;
    connection
        .query_row("SELECT id FROM users WHERE email = ?1", [&email], |row| {
            row.get(0)
        })
        .optional()?
        .map(UserId)
        .ok_or(AccountError::NoSuchUser(email))
}

/// Disables `user`: they cannot log in, their sessions end and their unused links stop
/// working. The account stays (listed as disabled).
pub fn disable_user(connection: &Connection, user: UserId) -> Result<(), AccountError> {
    let transaction = connection.unchecked_transaction()?;
    let changed = transaction.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [user.0])?;
    if changed == 0 {
        return Err(AccountError::NoSuchUserId(user.0));
    }
    transaction.execute("DELETE FROM sessions WHERE user = ?1", [user.0])?;
    transaction.execute(
        "DELETE FROM password_links WHERE user = ?1 AND used IS NULL",
        [user.0],
    )?;
    transaction.commit()?;
    Ok(())
}

/// Gives `user` another role (a coordinator with one of `known_agencies`, an admin with
/// none). Their sessions go on with the new role: [`super::session`] reads it each time.
pub fn set_role(
    connection: &Connection,
    user: UserId,
    role: Role,
    agency: Option<&str>,
    known_agencies: &[String],
) -> Result<(), AccountError> {
    check_role(role, agency, known_agencies)?;
    let changed = connection.execute(
        "UPDATE users SET role = ?2, agency = ?3 WHERE id = ?1",
        params![user.0, role.as_str(), agency],
    )?;
    if changed == 0 {
        return Err(AccountError::NoSuchUserId(user.0));
    }
    Ok(())
}

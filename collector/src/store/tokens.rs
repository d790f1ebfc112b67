//! Agency upload tokens: made at random, shown once, stored only as a SHA-256 hash, and
//! checked in constant time.

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{now_text, DbError};

/// A token as `token list` shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The token's number, for `token revoke`.
    pub id: i64,
    /// The agency it uploads for.
    pub agency: String,
    /// Its first characters, so a coordinator can tell tokens apart.
    pub prefix: String,
    /// When it was made.
    pub created: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
}

/// Why a token could not be added or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The agency is not one of the questionnaire's agencies.
    #[error("unknown agency {agency:?}; the agencies are: {known}")]
    UnknownAgency {
        /// What was given.
        agency: String,
        /// The known codes.
        known: String,
    },
    /// No token has this number.
    #[error("no token number {0} (see `collector token list`)")]
    NoSuchToken(i64),
    /// The operating system gave no random bytes.
    #[error("no randomness available from the operating system: {0}")]
    Random(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for TokenError {
    fn from(error: rusqlite::Error) -> Self {
        TokenError::Db(DbError::Query(error))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Makes a token for `agency` (one of `known_agencies`), stores its hash, and returns
/// the token: the only time it is seen.
pub fn add(
    connection: &Connection,
    agency: &str,
    known_agencies: &[String],
) -> Result<(i64, String), TokenError> {
    if !known_agencies.iter().any(|known| known == agency) {
        return Err(TokenError::UnknownAgency {
            agency: agency.to_owned(),
            known: known_agencies.join(", "),
        });
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| TokenError::Random(e.to_string()))?;
    let token = format!("dst_{}", hex(&bytes));
    connection.execute(
        "INSERT INTO tokens (agency, hash, prefix, created) VALUES (?1, ?2, ?3, ?4)",
        params![agency, hash(&token), &token[..12], now_text()],
    )?;
    Ok((connection.last_insert_rowid(), token))
}

/// Every token, oldest first.
pub fn list(connection: &Connection) -> Result<Vec<TokenInfo>, TokenError> {
    let mut statement = connection
        .prepare("SELECT id, agency, prefix, created, revoked FROM tokens ORDER BY id")?;
    let rows = statement.query_map([], |row| {
        Ok(TokenInfo {
            id: row.get(0)?,
            agency: row.get(1)?,
            prefix: row.get(2)?,
            created: row.get(3)?,
            revoked: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes token `id`: uploads with it are refused from now on.
pub fn revoke(connection: &Connection, id: i64) -> Result<(), TokenError> {
    let changed = connection.execute(
        "UPDATE tokens SET revoked = coalesce(revoked, ?2) WHERE id = ?1",
        params![id, now_text()],
    )?;
    if changed == 0 {
        return Err(TokenError::NoSuchToken(id));
    }
    Ok(())
}

/// The agency `token` uploads for, if it is a current (not revoked) token. Every current
/// token's hash is compared, each in constant time, so the time taken does not depend on
/// how much of a guess was right.
pub fn agency_of(connection: &Connection, token: &str) -> Result<Option<String>, TokenError> {
    let presented = hash(token);
    let mut statement =
        connection.prepare_cached("SELECT hash, agency FROM tokens WHERE revoked IS NULL")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
    let mut found = None;
    for row in rows {
        let (stored, agency): (String, String) = row?;
        if bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
            found = Some(agency);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agencies() -> Vec<String> {
        vec!["hackney-council".into(), "hackney-cvs".into()]
    }

    #[test]
    fn a_token_is_shown_once_and_stored_only_as_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::store::open(dir.path()).unwrap();
        let (id, token) = add(&connection, "hackney-cvs", &agencies()).unwrap();
        assert!(token.starts_with("dst_") && token.len() == 68, "{token}");
        let stored: String = connection
            .query_row("SELECT hash FROM tokens WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, token);
        assert_eq!(stored, hash(&token));
        assert_eq!(
            agency_of(&connection, &token).unwrap().as_deref(),
            Some("hackney-cvs")
        );
        assert_eq!(agency_of(&connection, "dst_guess").unwrap(), None);
        let listed = list(&connection).unwrap();
        assert_eq!(listed[0].prefix, &token[..12]);
    }

    #[test]
    fn a_revoked_token_no_longer_uploads() {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::store::open(dir.path()).unwrap();
        let (id, token) = add(&connection, "hackney-council", &agencies()).unwrap();
        revoke(&connection, id).unwrap();
        assert_eq!(agency_of(&connection, &token).unwrap(), None);
        assert!(list(&connection).unwrap()[0].revoked.is_some());
        assert!(matches!(
            revoke(&connection, 99),
            Err(TokenError::NoSuchToken(99))
        ));
        assert_eq!(
            list(&connection).unwrap()[0].id,
            id,
            "a revoked token stays listed"
        );
    }

    #[test]
    fn only_the_questionnaires_agencies_get_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let connection = crate::store::open(dir.path()).unwrap();
        let error = add(&connection, "someone", &agencies()).unwrap_err();
        assert!(
            error.to_string().contains("hackney-council, hackney-cvs"),
            "{error}"
        );
    }
}

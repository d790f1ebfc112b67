//! Agency upload tokens: made at random, shown once, stored only as a SHA-256 hash, and
//! checked in constant time.
//!
//! Every batch stored from an upload keeps the token it came with (`batches.token`,
//! migration 5; imports and batches stored before have none), and the token's
//! `last_used` is set in the same transaction, so the list can say when each token last
//! brought a batch and how many responses it brought, without a write per request.
//!
//! What a console user reaches follows their [`Scope`]: a coordinator lists, makes and
//! revokes only its own agency's tokens; an admin (and the command line) any agency's.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use survey::record::Timestamp;

use super::scope::Scope;
use super::{now_text, DbError};

/// Migration 5: each batch keeps the token that uploaded it (`NULL` for imports and
/// batches stored before).
pub const SCHEMA: &str = "ALTER TABLE batches ADD COLUMN token INTEGER REFERENCES tokens(id);";

/// A token's number: its row in `tokens`, what `token revoke` and the console's revoke
/// button name it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenId(pub i64);

impl std::fmt::Display for TokenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A token as the list shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The token's number.
    pub id: TokenId,
    /// The agency it uploads for.
    pub agency: String,
    /// Its first characters, so a coordinator can tell tokens apart.
    pub prefix: String,
    /// When it was made.
    pub created: Timestamp,
    /// When a batch it brought was last stored, if ever.
    pub last_used: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked: Option<Timestamp>,
    /// How many responses were first stored from batches it brought.
    pub responses: u64,
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
    #[error("no token number {0} (see the list of tokens)")]
    NoSuchToken(TokenId),
    /// The token is another agency's than the coordinator's.
    #[error(
        "token number {0} is another agency's: a coordinator revokes only its own agency's tokens"
    )]
    NotYours(TokenId),
    /// A coordinator asked for a token for another agency than its own.
    #[error("a coordinator makes tokens only for its own agency, not for {0}")]
    OtherAgency(String),
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

/// Makes a token for `agency` (one of `known_agencies`, and in `scope`), stores its
/// hash, and returns the token: the only time it is seen.
pub fn add(
    connection: &Connection,
    scope: &Scope,
    agency: &str,
    known_agencies: &[String],
) -> Result<(TokenId, String), TokenError> {
    if !known_agencies.iter().any(|known| known == agency) {
        return Err(TokenError::UnknownAgency {
            agency: agency.to_owned(),
            known: known_agencies.join(", "),
        });
    }
    if !scope.reaches(agency) {
        return Err(TokenError::OtherAgency(agency.to_owned()));
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| TokenError::Random(e.to_string()))?;
    let token = format!("dst_{}", hex(&bytes));
    connection.execute(
        "INSERT INTO tokens (agency, hash, prefix, created) VALUES (?1, ?2, ?3, ?4)",
        params![agency, hash(&token), &token[..12], now_text()],
    )?;
    Ok((TokenId(connection.last_insert_rowid()), token))
}

/// The tokens in `scope`, oldest first, each with the responses its batches brought: one
/// grouped query over the batches (a batch's `accepted` counts the responses first
/// stored from it, which are those whose `batch` it is).
pub fn list_for(connection: &Connection, scope: &Scope) -> Result<Vec<TokenInfo>, TokenError> {
    let mut statement = connection.prepare_cached(
        "SELECT t.id, t.agency, t.prefix, coalesce(unixepoch(t.created), 0) * 1000,
                t.last_used, unixepoch(t.revoked) * 1000, coalesce(b.responses, 0)
         FROM tokens t
         LEFT JOIN (SELECT token, sum(accepted) AS responses FROM batches
                    WHERE token IS NOT NULL GROUP BY token) b ON b.token = t.id
         WHERE ?1 IS NULL OR t.agency = ?1
         ORDER BY t.id",
    )?;
    let rows = statement.query_map([scope.agency()], |row| {
        Ok(TokenInfo {
            id: TokenId(row.get(0)?),
            agency: row.get(1)?,
            prefix: row.get(2)?,
            created: Timestamp(row.get(3)?),
            last_used: row.get::<_, Option<i64>>(4)?.map(Timestamp),
            revoked: row.get::<_, Option<i64>>(5)?.map(Timestamp),
            responses: u64::try_from(row.get::<_, i64>(6)?).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A token revoked: what names it on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// The agency it uploaded for.
    pub agency: String,
    /// Its first characters.
    pub prefix: String,
}

/// Revokes token `id` if it is in `scope`: uploads with it are refused from now on.
/// Revoking a revoked token keeps its first revocation time.
pub fn revoke_in(
    connection: &Connection,
    scope: &Scope,
    id: TokenId,
) -> Result<Revoked, TokenError> {
    let (agency, prefix): (String, String) = connection
        .query_row(
            "SELECT agency, prefix FROM tokens WHERE id = ?1",
            [id.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .ok_or(TokenError::NoSuchToken(id))?;
    if !scope.reaches(&agency) {
        return Err(TokenError::NotYours(id));
    }
    connection.execute(
        "UPDATE tokens SET revoked = coalesce(revoked, ?2) WHERE id = ?1",
        params![id.0, now_text()],
    )?;
    Ok(Revoked { agency, prefix })
}

/// The number and agency of `token`, if it is a current (not revoked) token. Every
/// current token's hash is compared, each in constant time, so the time taken does not
/// depend on how much of a guess was right.
pub fn holder_of(
    connection: &Connection,
    token: &str,
) -> Result<Option<(TokenId, String)>, TokenError> {
    let presented = hash(token);
    let mut statement =
        connection.prepare_cached("SELECT id, hash, agency FROM tokens WHERE revoked IS NULL")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get(2)?))
    })?;
    let mut found = None;
    for row in rows {
        let (id, stored, agency): (i64, String, String) = row?;
        if bool::from(stored.as_bytes().ct_eq(presented.as_bytes())) {
            found = Some((TokenId(id), agency));
        }
    }
    Ok(found)
}

/// Notes that `id` brought a batch now stored (in the storing transaction).
pub(super) fn used(connection: &Connection, id: TokenId, time: Timestamp) -> rusqlite::Result<()> {
    connection
        .prepare_cached("UPDATE tokens SET last_used = ?2 WHERE id = ?1")?
        .execute(params![id.0, time.0])?;
    Ok(())
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;

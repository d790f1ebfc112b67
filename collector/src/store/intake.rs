//! Taking a batch in, the same way for an upload and for an imported file: verify it
//! with the engine's parser, then store it in one transaction (or not at all). Responses
//! and visits are keyed by their UUIDs, so a batch that arrives twice, or overlaps
//! another, stores nothing twice; the receipt says what was new.
//!
//! Each stored response keeps a hash of its content ([`content_hash`]). A response whose
//! id is already stored is, by what it brings:
//!
//! - the same content from the same agency: `already_present`;
//! - other content (an interview edited after it was handed in), or any content from
//!   another agency: a **conflict**, kept in the `conflicts` table beside the stored one
//!   (never over it) with the reason `other_content` or `other_agency`, and counted in the
//!   receipt's `conflicts`. Neither the receipt nor the log says whose response it
//!   collided with.
//!
//! A batch id is never reused: a batch whose id is stored with another checksum is
//! refused ([`IngestError::BatchIdReused`]) and nothing of it is stored; the same batch
//! again (same checksum) is a plain repeat.
//!
//! The receipt is returned once the transaction has committed, and the database syncs
//! every commit ([`super::Durability::Full`]): a receipt is only ever sent for a batch on
//! disk.
//!
//! An upload adds the token: [`Intake::uploader`] finds the token's number and agency
//! (before the upload's body is read), then [`Intake::take_in_from`] verifies the batch
//! and stores it if it is that agency's, with the token's number ([`Source::Upload`]);
//! [`Intake::take_in`] does both.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use survey::answer::Answer;
use survey::questionnaire::{LanguageCode, QuestionCode};
use survey::record::{QuestionnaireRef, Timestamp, VisitId};
use survey::wire::Receipt;
use survey::{
    AgencyCode, AreaCode, Batch, BatchError, BatchId, DeviceName, Response, ResponseId, WorkerCode,
};

use super::accepted::{Accepted, CurrentFile, Versions};
use super::attempts::{self, Attempt};
use super::health::Probe;
use super::tokens::{self, TokenId};
use super::{accounts, now_text, DbError};

/// The database and the questionnaires batches may answer, shared by every upload: what
/// the upload route holds. Cloning it shares the same connection.
#[derive(Clone)]
pub struct Intake {
    connection: Arc<Mutex<Connection>>,
    accepted: Accepted,
    probe: Probe,
    data_dir: Arc<std::path::PathBuf>,
}

impl Intake {
    /// Opens the database in `data_dir` (creating the folder), with the questionnaire
    /// versions it holds.
    pub fn open(data_dir: &Path) -> Result<Intake, IntakeError> {
        let connection = super::open(data_dir)?;
        let accepted = Accepted::open(data_dir, &connection)
            .map_err(|error| IntakeError::Questionnaire(error.to_string()))?;
        Ok(Intake {
            connection: Arc::new(Mutex::new(connection)),
            accepted,
            probe: Probe::of(data_dir),
            data_dir: Arc::new(data_dir.to_owned()),
        })
    }

    /// A read-only connection of its own to the same database, for a long read that
    /// must not wait for, or hold up, batches being stored ([`super::open_reader`]).
    pub fn reader(&self) -> Result<Connection, DbError> {
        super::open_reader(&self.data_dir)
    }

    /// What checks that the database file still answers (for the health route), and
    /// measures it (for the metrics).
    pub fn probe(&self) -> &Probe {
        &self.probe
    }

    /// The questionnaire versions batches may answer (published and closed), the
    /// current one first, as the database holds them now.
    pub fn questionnaires(&self) -> Versions {
        self.accepted.now()
    }

    /// The current version's file, for tablets to fetch.
    pub fn current_questionnaire(&self) -> Arc<CurrentFile> {
        self.accepted.current_file()
    }

    /// Runs `work` on the intake's database connection, waiting for any batch being
    /// stored. Blocks: an async caller runs it on a blocking thread. Fails only if an
    /// earlier user of the connection panicked.
    pub fn with_database<T>(&self, work: impl FnOnce(&mut Connection) -> T) -> Result<T, DbError> {
        let mut connection = self.connection.lock().map_err(|_| DbError::Poisoned)?;
        Ok(work(&mut connection))
    }

    /// Takes in an uploaded batch (`body`) sent with `token`: the token must be a current
    /// one, the batch must verify and be of the token's agency. Blocks on the database, so
    /// an async caller runs it on a blocking thread. The upload route does the same in two
    /// steps, [`Intake::uploader`] before it reads the body and [`Intake::take_in_from`]
    /// after.
    pub fn take_in(&self, token: &str, body: &[u8]) -> Result<Receipt, UploadError> {
        let uploader = self.uploader(token)?.ok_or(UploadError::UnknownToken)?;
        self.take_in_from(&uploader, body)
    }

    /// Who `token` uploads for, if it is a current token (`None`: never made, or
    /// revoked). Nothing of a batch is needed, so an upload's body is read only once its
    /// token is known. Blocks on the database.
    pub fn uploader(&self, token: &str) -> Result<Option<Uploader>, UploadError> {
        let failed = |error: &dyn std::fmt::Display| UploadError::Failed(error.to_string());
        let connection = self.connection.lock().map_err(|e| failed(&e))?;
        let holder = tokens::holder_of(&connection, token).map_err(|e| failed(&e))?;
        Ok(holder.map(|(token, agency)| Uploader { token, agency }))
    }

    /// Takes in a batch (`body`) from `uploader`: it must verify and be of the uploader's
    /// agency. Blocks on the database.
    pub fn take_in_from(&self, uploader: &Uploader, body: &[u8]) -> Result<Receipt, UploadError> {
        let failed = |error: &dyn std::fmt::Display| UploadError::Failed(error.to_string());
        // Verification (the slow part) runs without holding the database.
        let batch = verify(body, &*self.questionnaires()).map_err(UploadError::Unverified)?;
        if batch.agency.as_str() != uploader.agency {
            return Err(UploadError::OtherAgency {
                token: uploader.agency.clone(),
                batch: batch.agency.as_str().to_owned(),
            });
        }
        let mut connection = self.connection.lock().map_err(|e| failed(&e))?;
        let source = Source::Upload(uploader.token);
        store(&mut connection, &batch, source).map_err(|error| match error {
            IngestError::BatchIdReused { batch } => UploadError::BatchIdReused { batch },
            other => failed(&other),
        })
    }
}

/// The holder of a current token, as [`Intake::uploader`] found it: what
/// [`Intake::take_in_from`] needs instead of the token. Only a token lookup makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploader {
    token: TokenId,
    agency: String,
}

impl Uploader {
    /// The agency the token uploads for.
    pub fn agency(&self) -> &str {
        &self.agency
    }

    /// The token's number (never the token).
    pub fn token(&self) -> TokenId {
        self.token
    }
}

/// Why the intake could not start.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The data folder or the database could not be opened.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The questionnaire versions do not load.
    #[error("the questionnaire versions do not load: {0}")]
    Questionnaire(String),
}

/// Why an upload was not stored. Each kind is one API error code, and the message is
/// the reason the tablet is given.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// No current token matches: never made, or revoked.
    #[error("the upload token is not known or was revoked")]
    UnknownToken,
    /// The batch does not verify: not a batch ([`IngestError::Unverified`]) or one the
    /// engine's checks reject.
    #[error(transparent)]
    Unverified(IngestError),
    /// The token is for another agency than the batch's.
    #[error("the upload token is for agency {token}, but the batch is from agency {batch}")]
    OtherAgency {
        /// The token's agency.
        token: String,
        /// The batch's agency.
        batch: String,
    },
    /// The batch's id is already stored with other content (another checksum); nothing
    /// was stored.
    #[error("{}", batch_id_reused(batch))]
    BatchIdReused {
        /// The batch's id.
        batch: BatchId,
    },
    /// The collector failed; nothing was stored.
    #[error("the collector could not store the batch: {0}")]
    Failed(String),
}

fn batch_id_reused(batch: &BatchId) -> String {
    format!(
        "batch {batch} was already received with other content (another checksum); \
         a batch id is never reused, so nothing of this batch was stored"
    )
}

/// Where a batch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `POST /api/v1/batches`, with this token: kept with the batch, and the token's last
    /// use set.
    Upload(TokenId),
    /// `collector import FILE`.
    Import,
}

impl Source {
    /// The token of an upload.
    fn token(self) -> Option<TokenId> {
        match self {
            Source::Upload(token) => Some(token),
            Source::Import => None,
        }
    }

    /// Which way it came, without the token.
    pub fn kind(self) -> SourceKind {
        match self {
            Source::Upload(_) => SourceKind::Upload,
            Source::Import => SourceKind::Import,
        }
    }

    fn as_str(self) -> &'static str {
        self.kind().as_str()
    }
}

/// Which way a batch came, as stored (`batches.source`, `attempts.source`) and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `POST /api/v1/batches`.
    Upload,
    /// `collector import FILE`.
    Import,
}

impl SourceKind {
    /// `upload` or `import`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Upload => "upload",
            SourceKind::Import => "import",
        }
    }

    /// The kind stored as `word` (anything but `import` is an upload).
    pub fn parse(word: &str) -> SourceKind {
        if word == "import" {
            SourceKind::Import
        } else {
            SourceKind::Upload
        }
    }
}

/// Why a batch was not taken in.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Not a batch, or one the engine's checks refuse; it names the response, question
    /// and rule, never an answer.
    #[error(transparent)]
    Unverified(BatchError),
    /// One of the batch's responses does not write back as JSON (a fault of the
    /// collector's, not the sender's).
    #[error("a response could not be written: {0}")]
    Encode(String),
    /// The batch's id is already stored with another checksum: a batch id is never
    /// reused, so nothing was stored.
    #[error("{}", batch_id_reused(batch))]
    BatchIdReused {
        /// The batch's id.
        batch: BatchId,
    },
    /// The database failed; nothing was stored.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for IngestError {
    fn from(error: rusqlite::Error) -> Self {
        IngestError::Db(DbError::Query(error))
    }
}

/// Parses and verifies `bytes` as a batch for one of `questionnaires`.
pub fn verify(
    bytes: &[u8],
    questionnaires: &(impl survey::QuestionnaireSource + ?Sized),
) -> Result<Batch, IngestError> {
    let received = std::time::SystemTime::now().into();
    survey::parse_and_verify(bytes, questionnaires, received).map_err(IngestError::Unverified)
}

/// Why a response arriving with a stored response's id is kept as a conflict. Its word
/// names what differs, never whose the stored response is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictReason {
    /// The same agency sent this id before with other content.
    OtherContent,
    /// Another agency sent this id before (whatever the content).
    OtherAgency,
}

impl ConflictReason {
    /// The word stored and listed: `other_content` or `other_agency`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictReason::OtherContent => "other_content",
            ConflictReason::OtherAgency => "other_agency",
        }
    }
}

/// Stores a verified batch in one transaction and returns the receipt once it has
/// committed (and so, with the database's [`super::Durability::Full`], is on disk).
///
/// A batch id already stored with another checksum is refused
/// ([`IngestError::BatchIdReused`]) and nothing is stored. Every response counts once in
/// the receipt: `accepted` (new), `already_present` (its id stored with the same content
/// by the same agency) or `conflicts` (its id stored with other content or by another
/// agency; kept in `conflicts`). The batch row keeps its first arrival's counts (and, for
/// an upload, its token); an upload, repeat or not, sets its token's last use.
///
/// The attempt is recorded in the attempts log ([`attempts`]) in the same transaction;
/// if that row cannot be written, the batch is stored all the same.
pub fn store(
    connection: &mut Connection,
    batch: &Batch,
    source: Source,
) -> Result<Receipt, IngestError> {
    // Immediate: the first statement reads, and a reader that later writes may otherwise
    // be refused outright when an import writes beside the server.
    let mut transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let batch_key = batch.id.uuid();
    let batch_key = &batch_key.as_bytes()[..];
    let stored_checksum: Option<String> = transaction
        .query_row(
            "SELECT checksum FROM batches WHERE id = ?1",
            [batch_key],
            |row| row.get(0),
        )
        .optional()?;
    if stored_checksum
        .as_ref()
        .is_some_and(|checksum| *checksum != batch.checksum)
    {
        return Err(IngestError::BatchIdReused { batch: batch.id });
    }
    let first_arrival = stored_checksum.is_none();
    let received = now_text();
    if first_arrival {
        // The batch row first (responses refer to it).
        transaction.execute(
            "INSERT INTO batches (id, received, source, agency, worker, device, questionnaire_id,
                                  questionnaire_version, created, count, checksum, accepted,
                                  already_present, conflicts, token)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, 0, ?12)",
            params![
                batch_key,
                received,
                source.as_str(),
                batch.agency.as_str(),
                batch.worker.as_str(),
                batch.device.as_str(),
                batch.questionnaire.id,
                batch.questionnaire.version,
                batch.created.0,
                batch.count,
                batch.checksum,
                source.token().map(|token| token.0),
            ],
        )?;
    }
    let agency = batch.agency.as_str();
    let mut accepted = 0u32;
    let mut already_present = 0u32;
    let mut conflicts: Vec<(ResponseId, ConflictReason)> = Vec::new();
    let mut visits_accepted = 0u32;
    {
        let mut insert = transaction.prepare_cached(
            "INSERT INTO responses (id, batch, agency, questionnaire_id, questionnaire_version,
                                    completed, hash, json, area, worker, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (id) DO NOTHING",
        )?;
        let mut stored =
            transaction.prepare_cached("SELECT agency, hash FROM responses WHERE id = ?1")?;
        let mut keep_conflict = transaction.prepare_cached(
            "INSERT INTO conflicts (response, batch, agency, worker, received, reason, hash, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (response, agency, hash) DO NOTHING",
        )?;
        for response in &batch.responses {
            let json = serde_json::to_string(response)
                .map_err(|error| IngestError::Encode(error.to_string()))?;
            let hash = content_hash(response)?;
            let id = response.id.uuid();
            let id = &id.as_bytes()[..];
            let changed = insert.execute(params![
                id,
                batch_key,
                agency,
                response.questionnaire.id,
                response.questionnaire.version,
                response.completed.map(|t| t.0),
                &hash[..],
                json,
                response.area.as_str(),
                response.worker.as_str(),
                response.device.as_str(),
            ])?;
            if changed > 0 {
                accepted += 1;
                continue;
            }
            let (stored_agency, stored_hash): (String, Vec<u8>) =
                stored.query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))?;
            let reason = if stored_agency != agency {
                ConflictReason::OtherAgency
            } else if stored_hash != hash {
                ConflictReason::OtherContent
            } else {
                already_present += 1;
                continue;
            };
            keep_conflict.execute(params![
                id,
                batch_key,
                agency,
                response.worker.as_str(),
                received,
                reason.as_str(),
                &hash[..],
                json,
            ])?;
            conflicts.push((response.id, reason));
        }
        let mut insert = transaction.prepare_cached(
            "INSERT INTO visits (id, batch, time, area, outcome, attempt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO NOTHING",
        )?;
        for visit in &batch.visits {
            let id = visit.id.uuid();
            let changed = insert.execute(params![
                &id.as_bytes()[..],
                batch_key,
                visit.time.0,
                visit.area.as_str(),
                visit.outcome.as_str(),
                visit.attempt,
            ])?;
            visits_accepted += u32::from(changed > 0);
        }
    }
    let receipt = Receipt {
        batch: batch.id,
        accepted,
        already_present,
        visits_accepted,
        visits_already_present: u32::try_from(batch.visits.len()).unwrap_or(u32::MAX)
            - visits_accepted,
        conflicts: u32::try_from(conflicts.len()).unwrap_or(u32::MAX),
    };
    // The batch row keeps what its first arrival brought; a repeat brings nothing new.
    if first_arrival {
        transaction.execute(
            "UPDATE batches SET accepted = ?2, already_present = ?3, conflicts = ?4
             WHERE id = ?1",
            params![
                batch_key,
                receipt.accepted,
                receipt.already_present,
                receipt.conflicts
            ],
        )?;
    }
    if let Some(token) = source.token() {
        tokens::used(
            &transaction,
            token,
            Timestamp::from(std::time::SystemTime::now()),
        )?;
    }
    attempts::record_within(
        &mut transaction,
        &Attempt::stored(batch, source.kind(), &receipt, accounts::now()),
    );
    transaction.commit()?;
    if !conflicts.is_empty() {
        log_conflicts(batch.id, source, &conflicts);
    }
    Ok(receipt)
}

/// One line for a batch with conflicts: its id, how many of each reason, and the
/// responses' ids (the sender's own). Never an answer, nor whose the stored ones are.
fn log_conflicts(batch: BatchId, source: Source, conflicts: &[(ResponseId, ConflictReason)]) {
    let count = |reason| conflicts.iter().filter(|(_, r)| *r == reason).count();
    let responses = conflicts
        .iter()
        .map(|(id, _)| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    tracing::warn!(
        %batch,
        source = source.as_str(),
        conflicts = conflicts.len(),
        other_content = count(ConflictReason::OtherContent),
        other_agency = count(ConflictReason::OtherAgency),
        %responses,
        "responses kept as conflicts"
    );
}

/// What of a response is its content, for [`content_hash`]: everything the interview
/// recorded, and not the tablet's own bookkeeping (`b`, the batch it was last handed in
/// with; `st`, its status; `u`, when it was last touched), which changes when the same
/// interview is handed in again in another batch. The fields are named and ordered as
/// in the response's JSON with its keys sorted, so this serialises to exactly the
/// canonical JSON ([`survey::batch::canonical_json`]) of the response without those
/// three (a test holds the two together, so a field added to `Response` must be added
/// here).
#[derive(Serialize)]
struct Content<'a> {
    a: &'a BTreeMap<QuestionCode, Answer>,
    ag: &'a AgencyCode,
    ar: &'a AreaCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    c: Option<Timestamp>,
    dv: &'a DeviceName,
    id: ResponseId,
    l: &'a LanguageCode,
    q: &'a QuestionnaireRef,
    s: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    vi: Option<VisitId>,
    w: &'a WorkerCode,
}

/// The SHA-256 of `response`'s content: the canonical JSON of the response without the
/// tablet's bookkeeping (see [`Content`]). Two arrivals of an interview have the same
/// hash exactly when what it recorded is the same.
pub fn content_hash(response: &Response) -> Result<[u8; 32], IngestError> {
    let content = Content {
        a: &response.answers,
        ag: &response.agency,
        ar: &response.area,
        c: response.completed,
        dv: &response.device,
        id: response.id,
        l: &response.language,
        q: &response.questionnaire,
        s: response.started,
        vi: response.visit,
        w: &response.worker,
    };
    let json =
        serde_json::to_vec(&content).map_err(|error| IngestError::Encode(error.to_string()))?;
    Ok(Sha256::digest(&json).into())
}

/// Migration 2's step: the content hash of every response copied from the first schema
/// (a row whose JSON no longer reads, edited by hand, is hashed as its text, so it is
/// kept, and export still reports it).
pub(super) fn hash_migrated_responses(
    transaction: &rusqlite::Transaction<'_>,
) -> rusqlite::Result<()> {
    let mut rows = transaction.prepare("SELECT rowid, json FROM responses")?;
    let mut update = transaction.prepare("UPDATE responses SET hash = ?2 WHERE rowid = ?1")?;
    let mut count = 0u64;
    let mut rows = rows.query([])?;
    while let Some(row) = rows.next()? {
        let rowid: i64 = row.get(0)?;
        let json: String = row.get(1)?;
        let hash: [u8; 32] = match serde_json::from_str::<Response>(&json)
            .ok()
            .and_then(|response| content_hash(&response).ok())
        {
            Some(hash) => hash,
            None => Sha256::digest(json.as_bytes()).into(),
        };
        update.execute(params![rowid, &hash[..]])?;
        count += 1;
    }
    if count > 0 {
        tracing::info!(
            responses = count,
            "content hashes of stored responses computed"
        );
    }
    Ok(())
}

/// How many responses and visits are stored.
pub fn counts(connection: &Connection) -> Result<(u64, u64), IngestError> {
    let responses: i64 =
        connection.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?;
    let visits: i64 = connection.query_row("SELECT count(*) FROM visits", [], |r| r.get(0))?;
    Ok((
        u64::try_from(responses).unwrap_or(0),
        u64::try_from(visits).unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use survey::record::{ResponseStatus, Timestamp, VisitId};

    fn questionnaire() -> survey::Questionnaire {
        survey::shipped::shared_questionnaire().unwrap()
    }

    #[test]
    fn the_content_hash_is_the_canonical_json_without_the_tablets_bookkeeping() {
        let mut response = survey::sample::complete_response(&questionnaire(), 3).unwrap();
        // Every optional field set, so each is seen to be hashed.
        response.visit = Some(VisitId::from_random_bytes([5; 16]));
        response.batch = Some(BatchId::from_random_bytes([6; 16]));
        let mut value = serde_json::to_value(&response).unwrap();
        let object = value.as_object_mut().unwrap();
        for bookkeeping in ["b", "st", "u"] {
            assert!(object.remove(bookkeeping).is_some(), "{bookkeeping}");
        }
        let canonical = survey::batch::canonical_json(&value);
        let expected: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
        assert_eq!(
            content_hash(&response).unwrap(),
            expected,
            "a field of Response missing from Content?"
        );
    }

    #[test]
    fn the_same_interview_handed_in_again_has_the_same_hash_and_an_edit_does_not() {
        let response = survey::sample::complete_response(&questionnaire(), 3).unwrap();
        let hash = content_hash(&response).unwrap();
        let mut again = response.clone();
        again.batch = Some(BatchId::from_random_bytes([9; 16]));
        again.status = ResponseStatus::Uploaded;
        again.updated = Timestamp(again.updated.0 + 60_000);
        assert_eq!(content_hash(&again).unwrap(), hash);
        let mut edited = response.clone();
        let (_, answer) = edited
            .answers
            .iter_mut()
            .find(|(_, answer)| matches!(answer, Answer::Text(_)))
            .unwrap();
        *answer = Answer::Text("edited on the tablet".into());
        assert_ne!(content_hash(&edited).unwrap(), hash);
        let mut other_agency = response;
        other_agency.agency = "hackney-council".into();
        assert_ne!(content_hash(&other_agency).unwrap(), hash);
    }
}

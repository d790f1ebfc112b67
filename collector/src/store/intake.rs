//! Taking a batch in, the same way for an upload and for an imported file: verify it
//! with the engine's parser, then store it in one transaction (or not at all). Responses
//! and visits are keyed by their UUIDs, so a batch that arrives twice, or overlaps
//! another, stores nothing twice; the receipt says what was new.
//!
//! An upload adds the token: [`Intake::uploader`] finds the token's agency (before the
//! upload's body is read), then [`Intake::take_in_from`] verifies the batch and stores it
//! if it is that agency's; [`Intake::take_in`] does both.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection};
use survey::wire::Receipt;
use survey::{Batch, BatchError, Questionnaire};

use super::{now_text, tokens, DbError};

/// The database and the questionnaires batches may answer, shared by every upload: what
/// the upload route holds. Cloning it shares the same connection.
#[derive(Clone)]
pub struct Intake {
    connection: Arc<Mutex<Connection>>,
    questionnaires: Arc<Vec<Questionnaire>>,
}

impl Intake {
    /// Opens the database in `data_dir` (creating the folder) with the shipped
    /// questionnaires.
    pub fn open(data_dir: &Path) -> Result<Intake, IntakeError> {
        let questionnaires = shipped_questionnaires()?;
        Ok(Intake {
            connection: Arc::new(Mutex::new(super::open(data_dir)?)),
            questionnaires: Arc::new(questionnaires),
        })
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
        let agency = tokens::agency_of(&connection, token).map_err(|e| failed(&e))?;
        Ok(agency.map(|agency| Uploader { agency }))
    }

    /// Takes in a batch (`body`) from `uploader`: it must verify and be of the uploader's
    /// agency. Blocks on the database.
    pub fn take_in_from(&self, uploader: &Uploader, body: &[u8]) -> Result<Receipt, UploadError> {
        let failed = |error: &dyn std::fmt::Display| UploadError::Failed(error.to_string());
        // Verification (the slow part) runs without holding the database.
        let batch = verify(body, &self.questionnaires).map_err(UploadError::Unverified)?;
        if batch.agency.as_str() != uploader.agency {
            return Err(UploadError::OtherAgency {
                token: uploader.agency.clone(),
                batch: batch.agency.as_str().to_owned(),
            });
        }
        let mut connection = self.connection.lock().map_err(|e| failed(&e))?;
        store(&mut connection, &batch, Source::Upload).map_err(|e| failed(&e))
    }
}

/// The holder of a current token, as [`Intake::uploader`] found it: what
/// [`Intake::take_in_from`] needs instead of the token. Only a token lookup makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploader {
    agency: String,
}

impl Uploader {
    /// The agency the token uploads for.
    pub fn agency(&self) -> &str {
        &self.agency
    }
}

/// Why the intake could not start.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The data folder or the database could not be opened.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The shipped questionnaire does not load (a broken build).
    #[error("the shipped questionnaire does not load: {0}")]
    Questionnaire(String),
}

/// Why an upload was not stored. Each kind is one API error code, and the message is
/// the reason the tablet is given.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// No current token matches: never made, or revoked.
    #[error("the upload token is not known or was revoked")]
    UnknownToken,
    /// The batch does not verify: not a batch ([`IngestError::Malformed`]) or one the
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
    /// The collector failed; nothing was stored.
    #[error("the collector could not store the batch: {0}")]
    Failed(String),
}

/// The questionnaires this build ships, which batches may answer.
pub fn shipped_questionnaires() -> Result<Vec<Questionnaire>, IntakeError> {
    survey::shipped::shipped_questionnaires()
        .map_err(|error| IntakeError::Questionnaire(error.to_string()))
}

/// Where a batch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `POST /api/v1/batches`.
    Upload,
    /// `collector import FILE`.
    Import,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Upload => "upload",
            Source::Import => "import",
        }
    }
}

/// Why a batch was not taken in.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Not JSON, or not a batch at all.
    #[error("{0}")]
    Malformed(String),
    /// A batch, but the engine's checks reject it (or, when storing, one of its responses
    /// does not write back as JSON).
    #[error("{0}")]
    Invalid(String),
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
pub fn verify(bytes: &[u8], questionnaires: &[Questionnaire]) -> Result<Batch, IngestError> {
    survey::parse_and_verify(bytes, questionnaires).map_err(|error| match error {
        BatchError::NotABatch { .. } | BatchError::Malformed { .. } => {
            IngestError::Malformed(error.to_string())
        }
        other => IngestError::Invalid(other.to_string()),
    })
}

/// Stores a verified batch in one transaction and returns the receipt.
pub fn store(
    connection: &mut Connection,
    batch: &Batch,
    source: Source,
) -> Result<Receipt, IngestError> {
    let transaction = connection.transaction()?;
    let batch_id = batch.id.to_string();
    let mut accepted = 0u32;
    let mut visits_accepted = 0u32;
    // The batch row first (responses refer to it); a batch that arrives again keeps its
    // first row.
    let first_arrival = transaction.execute(
        "INSERT INTO batches (id, received, source, agency, worker, device, questionnaire_id,
                              questionnaire_version, created, count, checksum, accepted,
                              already_present)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0)
         ON CONFLICT (id) DO NOTHING",
        params![
            batch_id,
            now_text(),
            source.as_str(),
            batch.agency.as_str(),
            batch.worker.as_str(),
            batch.device.as_str(),
            batch.questionnaire.id,
            batch.questionnaire.version,
            batch.created.0,
            batch.count,
            batch.checksum,
        ],
    )? > 0;
    {
        let mut insert = transaction.prepare_cached(
            "INSERT INTO responses (id, batch, questionnaire_id, questionnaire_version, worker,
                                    agency, device, area, language, started, completed, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (id) DO NOTHING",
        )?;
        for response in &batch.responses {
            let json = serde_json::to_string(response)
                .map_err(|error| IngestError::Invalid(error.to_string()))?;
            let changed = insert.execute(params![
                response.id.to_string(),
                batch_id,
                response.questionnaire.id,
                response.questionnaire.version,
                response.worker.as_str(),
                response.agency.as_str(),
                response.device.as_str(),
                response.area.as_str(),
                response.language.0,
                response.started.0,
                response.completed.map(|t| t.0),
                json,
            ])?;
            accepted += u32::from(changed > 0);
        }
        let mut insert = transaction.prepare_cached(
            "INSERT INTO visits (id, batch, time, area, outcome, attempt)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO NOTHING",
        )?;
        for visit in &batch.visits {
            let changed = insert.execute(params![
                visit.id.to_string(),
                batch_id,
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
        already_present: batch.count - accepted,
        visits_accepted,
        visits_already_present: u32::try_from(batch.visits.len()).unwrap_or(u32::MAX)
            - visits_accepted,
        conflicts: 0,
    };
    // The batch row keeps what its first arrival brought; a repeat brings nothing new.
    if first_arrival {
        transaction.execute(
            "UPDATE batches SET accepted = ?2, already_present = ?3 WHERE id = ?1",
            params![batch_id, receipt.accepted, receipt.already_present],
        )?;
    }
    transaction.commit()?;
    Ok(receipt)
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

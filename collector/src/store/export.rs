//! `collector export`: every stored response as a CSV for analysts, and the codebook.

use rusqlite::Connection;
use survey::questionnaire::LanguageCode;
use survey::{Questionnaire, Response};

use super::DbError;

/// Why the export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A stored response does not read back (the database was edited by hand).
    #[error("stored response {id} cannot be read: {reason}")]
    Damaged {
        /// Its id.
        id: String,
        /// Why.
        reason: String,
    },
    /// Responses answer a questionnaire this collector does not know.
    #[error("{count} stored responses answer {id} version {version}, which this collector does not know")]
    UnknownQuestionnaire {
        /// The questionnaire id.
        id: String,
        /// Its version.
        version: u32,
        /// How many.
        count: usize,
    },
    /// The language asked for is not the questionnaire's.
    #[error("the questionnaire has no language {0:?}")]
    UnknownLanguage(String),
}

impl From<rusqlite::Error> for ExportError {
    fn from(error: rusqlite::Error) -> Self {
        ExportError::Db(DbError::Query(error))
    }
}

/// Every stored response answering `questionnaire`, by completion time then id; fails if
/// responses to another questionnaire are stored (they would be left out silently).
pub fn responses(
    connection: &Connection,
    questionnaire: &Questionnaire,
) -> Result<Vec<Response>, ExportError> {
    let mut statement = connection.prepare(
        "SELECT questionnaire_id, questionnaire_version, count(*) FROM responses
         WHERE NOT (questionnaire_id = ?1 AND questionnaire_version = ?2)
         GROUP BY questionnaire_id, questionnaire_version",
    )?;
    let mut others = statement.query(rusqlite::params![questionnaire.id, questionnaire.version])?;
    if let Some(row) = others.next()? {
        return Err(ExportError::UnknownQuestionnaire {
            id: row.get(0)?,
            version: row.get(1)?,
            count: usize::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
        });
    }
    let mut statement =
        connection.prepare("SELECT id, json FROM responses ORDER BY completed, id")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut responses = Vec::new();
    for row in rows {
        let (id, json) = row?;
        let response = serde_json::from_str(&json).map_err(|error| ExportError::Damaged {
            id,
            reason: error.to_string(),
        })?;
        responses.push(response);
    }
    Ok(responses)
}

/// The responses CSV (UTF-8 with BOM, CRLF) and how many rows it has.
pub fn responses_csv(
    connection: &Connection,
    questionnaire: &Questionnaire,
) -> Result<(Vec<u8>, usize), ExportError> {
    let responses = responses(connection, questionnaire)?;
    let csv = survey::csv_export::responses_csv(questionnaire, &responses);
    Ok((survey::csv_export::file_bytes(&csv), responses.len()))
}

/// The codebook CSV in `language`.
pub fn codebook_csv(questionnaire: &Questionnaire, language: &str) -> Result<Vec<u8>, ExportError> {
    let code = LanguageCode(language.to_owned());
    if !questionnaire.languages.iter().any(|l| l.code == code) {
        return Err(ExportError::UnknownLanguage(language.to_owned()));
    }
    Ok(survey::csv_export::file_bytes(
        &survey::csv_export::codebook_csv(questionnaire, &code),
    ))
}

//! `collector export` and the console's downloads: stored responses as a CSV for
//! analysts ([`ExportFilter`]: every one, or those a console user reaches and filters),
//! and the codebook.
//!
//! The responses are streamed: read from SQLite one row at a time, each written as its
//! CSV line ([`survey::csv_export::ResponsesCsv`], the same rows the app's own export
//! writes) into the writer given, so memory stays flat however many are stored.

use std::io::Write;

use rusqlite::Connection;
use survey::csv_export::{ResponsesCsv, UTF8_BOM};
use survey::questionnaire::LanguageCode;
use survey::{Questionnaire, Response};

use super::results::Day;
use super::review::ReviewState;
use super::scope::Scope;
use super::{uuid_text, DbError};

/// Which stored responses an export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFilter {
    /// The agencies the user reaches (a coordinator: its own).
    pub scope: Scope,
    /// One ward only.
    pub area: Option<String>,
    /// One agency only.
    pub agency: Option<String>,
    /// Completed on or after this day (UTC).
    pub from: Option<Day>,
    /// Completed on or before this day.
    pub to: Option<Day>,
    /// Which review states.
    pub reviewed: Reviewed,
}

impl ExportFilter {
    /// Every stored response, whatever its review (`collector export`).
    pub fn everything() -> ExportFilter {
        ExportFilter {
            scope: Scope::All,
            area: None,
            agency: None,
            from: None,
            to: None,
            reviewed: Reviewed::Any,
        }
    }
}

/// Which review states an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewed {
    /// Every response (the command line's full export).
    Any,
    /// All but the rejected (the console's default: rejected ones are not to be used).
    NotRejected,
    /// Only those a coordinator approved.
    Approved,
}

impl Reviewed {
    /// The codes (`responses.review`) it takes.
    fn codes(self) -> Vec<i64> {
        let all = ReviewState::ALL.into_iter();
        match self {
            Reviewed::Any => all.map(ReviewState::code).collect(),
            Reviewed::NotRejected => all
                .filter(|state| *state != ReviewState::Rejected)
                .map(ReviewState::code)
                .collect(),
            Reviewed::Approved => vec![ReviewState::Approved.code()],
        }
    }
}

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
    /// The CSV could not be written.
    #[error("cannot write the CSV: {0}")]
    Write(#[source] std::io::Error),
}

impl From<rusqlite::Error> for ExportError {
    fn from(error: rusqlite::Error) -> Self {
        ExportError::Db(DbError::Query(error))
    }
}

/// Writes the responses CSV (UTF-8 with BOM, CRLF) of the stored responses `filter`
/// takes to `out`, by completion time then id, one response at a time, and returns how
/// many rows it wrote. One file across `versions` (of one questionnaire, see
/// [`survey::csv_export::ResponsesCsv::across`]). Fails, part-way, if a stored response
/// answers none of them (it would be left out silently) or does not read back; the
/// caller then throws away what was written.
///
/// A scan reads each page once, so the connection's page cache is made small here:
/// memory stays flat (a few MB) however large the table.
pub fn write_responses_csv(
    connection: &Connection,
    versions: &[&Questionnaire],
    filter: &ExportFilter,
    out: &mut impl Write,
) -> Result<usize, ExportError> {
    connection.pragma_update(None, "cache_size", -2048)?;
    const MILLIS_PER_DAY: i64 = 86_400_000;
    let codes = filter.reviewed.codes();
    let codes: Vec<String> = codes.iter().map(i64::to_string).collect();
    let csv = ResponsesCsv::across(versions);
    let mut line = String::with_capacity(4096);
    line.push_str(UTF8_BOM);
    csv.write_header(&mut line);
    out.write_all(line.as_bytes()).map_err(ExportError::Write)?;
    // The index on (completed, id) gives the order without sorting.
    let mut statement = connection.prepare(&format!(
        "SELECT id, questionnaire_id, questionnaire_version, json FROM responses
         WHERE (?1 IS NULL OR agency = ?1) AND (?2 IS NULL OR agency = ?2)
           AND (?3 IS NULL OR area = ?3)
           AND (?4 IS NULL OR completed >= ?4) AND (?5 IS NULL OR completed < ?5)
           AND review IN ({})
         ORDER BY completed, id",
        codes.join(", ")
    ))?;
    let mut rows = statement.query(rusqlite::params![
        filter.scope.agency(),
        filter.agency,
        filter.area,
        filter.from.map(|day| day.0 * MILLIS_PER_DAY),
        filter.to.map(|day| (day.0 + 1) * MILLIS_PER_DAY),
    ])?;
    let mut count = 0usize;
    while let Some(row) = rows.next()? {
        let id = row.get_ref(1)?.as_str().ok();
        let version: u32 = row.get(2)?;
        let answers_one = versions
            .iter()
            .any(|q| Some(q.id.as_str()) == id && q.version == version);
        if !answers_one {
            return Err(other_questionnaire(connection, versions)?);
        }
        let damaged = |reason: String| ExportError::Damaged {
            id: row
                .get_ref(0)
                .ok()
                .and_then(|id| id.as_blob().ok())
                .map(uuid_text)
                .unwrap_or_default(),
            reason,
        };
        let json = row
            .get_ref(3)?
            .as_str()
            .map_err(|e| damaged(e.to_string()))?;
        let response: Response = serde_json::from_str(json).map_err(|e| damaged(e.to_string()))?;
        line.clear();
        csv.write_row(&mut line, &response);
        out.write_all(line.as_bytes()).map_err(ExportError::Write)?;
        count += 1;
    }
    out.flush().map_err(ExportError::Write)?;
    Ok(count)
}

/// The error for responses stored for none of `versions`: the first such questionnaire
/// version and how many answer it.
fn other_questionnaire(
    connection: &Connection,
    versions: &[&Questionnaire],
) -> Result<ExportError, ExportError> {
    let mut statement = connection.prepare(
        "SELECT questionnaire_id, questionnaire_version, count(*) FROM responses
         GROUP BY questionnaire_id, questionnaire_version
         ORDER BY questionnaire_id, questionnaire_version",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let (id, version): (String, u32) = (row.get(0)?, row.get(1)?);
        if !versions.iter().any(|q| q.id == id && q.version == version) {
            return Ok(ExportError::UnknownQuestionnaire {
                id,
                version,
                count: usize::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
            });
        }
    }
    Err(ExportError::Db(DbError::Query(
        rusqlite::Error::QueryReturnedNoRows,
    )))
}

/// The codebook CSV of `versions`' columns (one file across them), in `language`, one
/// of the newest version's.
pub fn codebook_csv(versions: &[&Questionnaire], language: &str) -> Result<Vec<u8>, ExportError> {
    let code = LanguageCode(language.to_owned());
    let newest = versions.iter().max_by_key(|q| q.version);
    if !newest.is_some_and(|q| q.languages.iter().any(|l| l.code == code)) {
        return Err(ExportError::UnknownLanguage(language.to_owned()));
    }
    Ok(survey::csv_export::file_bytes(
        &survey::csv_export::codebook_across(versions, &code),
    ))
}

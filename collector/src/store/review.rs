//! Review: a coordinator looks at each response and marks it *received* (as every
//! response arrives), *has issues*, *approved* or *rejected*, with a comment; every change
//! is kept in `review_log` (who, when, from what to what, the comment), in the same
//! transaction as the change. Exports can be limited to approved responses.
//!
//! Every function takes the user's [`Scope`]: a coordinator reaches only the responses
//! its own agency's workers collected.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use survey::record::Timestamp;
use survey::{Response, ResponseId};

use super::accounts::UserId;
use super::results::Day;
use super::scope::Scope;
use super::{uuid_text, DbError};

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// Where a response stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewState {
    /// As it arrived; nobody has looked yet.
    Received,
    /// Someone found a problem to sort out.
    HasIssues,
    /// Checked and fit to use.
    Approved,
    /// Not to be used (left out of results and exports).
    Rejected,
}

impl ReviewState {
    /// Every state, in the order a review moves through them.
    pub const ALL: [ReviewState; 4] = [
        ReviewState::Received,
        ReviewState::HasIssues,
        ReviewState::Approved,
        ReviewState::Rejected,
    ];

    /// As stored in `responses.review` and `review_log`.
    pub fn code(self) -> i64 {
        match self {
            ReviewState::Received => 0,
            ReviewState::HasIssues => 1,
            ReviewState::Approved => 2,
            ReviewState::Rejected => 3,
        }
    }

    /// The state stored as `code`.
    pub fn from_code(code: i64) -> Result<ReviewState, ReviewError> {
        ReviewState::ALL
            .into_iter()
            .find(|state| state.code() == code)
            .ok_or_else(|| ReviewError::UnknownState(code.to_string()))
    }

    /// In forms and addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Received => "received",
            ReviewState::HasIssues => "has_issues",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
        }
    }

    /// In words on screen.
    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Received => "received",
            ReviewState::HasIssues => "has issues",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
        }
    }

    /// The state sent as `text`.
    pub fn parse(text: &str) -> Result<ReviewState, ReviewError> {
        ReviewState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| ReviewError::UnknownState(text.to_owned()))
    }

    /// Whether a change to this state needs a comment saying why.
    pub fn needs_comment(self) -> bool {
        matches!(self, ReviewState::HasIssues | ReviewState::Rejected)
    }
}

/// Why a review could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Not one of the four states.
    #[error("{0:?} is not a review state: choose received, has issues, approved or rejected")]
    UnknownState(String),
    /// No response has this id.
    #[error("there is no response {0}")]
    NoSuchResponse(ResponseId),
    /// The response is another agency's.
    #[error("response {0} was collected by another agency's workers: only they and the admins can review it")]
    NotYours(ResponseId),
    /// The response is in that state already.
    #[error("the response is {} already: choose another state", .0.label())]
    Unchanged(ReviewState),
    /// Has issues and rejected need a reason.
    #[error("say why it {}: a comment is needed", if *.0 == ReviewState::Rejected { "is rejected" } else { "has issues" })]
    CommentNeeded(ReviewState),
    /// The comment is too long.
    #[error("the comment is {0} characters long; at most {MAX_COMMENT_CHARS} are kept")]
    CommentTooLong(usize),
    /// The stored response does not read back (a damaged row).
    #[error("response {id} is stored but does not read back: {why}")]
    Unreadable {
        /// The response.
        id: ResponseId,
        /// What is wrong.
        why: String,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for ReviewError {
    fn from(error: rusqlite::Error) -> Self {
        ReviewError::Db(DbError::Query(error))
    }
}

/// Which responses a review list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Only in this state.
    pub state: Option<ReviewState>,
    /// Only of this ward.
    pub area: Option<String>,
    /// Only of this agency (within the scope).
    pub agency: Option<String>,
    /// Completed on or after this day.
    pub from: Option<Day>,
    /// Completed on or before this day.
    pub to: Option<Day>,
}

/// A response as a review list shows it: who, where, when and its state, no answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRow {
    /// The response.
    pub id: ResponseId,
    /// The agency whose worker collected it.
    pub agency: String,
    /// The worker code.
    pub worker: String,
    /// The tablet.
    pub device: String,
    /// The ward.
    pub area: String,
    /// When it was completed.
    pub completed: Option<Timestamp>,
    /// Its review state.
    pub review: ReviewState,
}

const MILLIS_PER_DAY: i64 = 86_400_000;

/// One page of responses (newest completed first): at most `limit` from `offset`, and
/// how many match in all.
pub fn list(
    connection: &Connection,
    scope: &Scope,
    filter: &ReviewFilter,
    limit: u32,
    offset: u32,
) -> Result<(Vec<ResponseRow>, u64), ReviewError> {
    let from = filter.from.map(|day| day.0 * MILLIS_PER_DAY);
    let to = filter.to.map(|day| (day.0 + 1) * MILLIS_PER_DAY);
    let conditions = "(?1 IS NULL OR agency = ?1) AND (?2 IS NULL OR agency = ?2)
         AND (?3 IS NULL OR review = ?3) AND (?4 IS NULL OR area = ?4)
         AND (?5 IS NULL OR completed >= ?5) AND (?6 IS NULL OR completed < ?6)";
    let state = filter.state.map(ReviewState::code);
    let total: i64 = connection.query_row(
        &format!("SELECT count(*) FROM responses WHERE {conditions}"),
        params![scope.agency(), filter.agency, state, filter.area, from, to],
        |row| row.get(0),
    )?;
    let mut statement = connection.prepare(&format!(
        "SELECT id, agency, worker, device, area, completed, review FROM responses
         WHERE {conditions} ORDER BY completed DESC, id LIMIT ?7 OFFSET ?8"
    ))?;
    let rows = statement.query_map(
        params![
            scope.agency(),
            filter.agency,
            state,
            filter.area,
            from,
            to,
            limit,
            offset
        ],
        row_of,
    )?;
    let rows = rows.collect::<Result<Vec<_>, _>>()?;
    let rows = rows.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

type RowResult = Result<ResponseRow, ReviewError>;

fn row_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<RowResult> {
    let id: Vec<u8> = row.get(0)?;
    let review: i64 = row.get(6)?;
    let id = match uuid_text(&id).parse::<ResponseId>() {
        Ok(id) => id,
        Err(error) => {
            return Ok(Err(ReviewError::Db(DbError::Query(
                rusqlite::Error::InvalidColumnType(
                    0,
                    error.to_string(),
                    rusqlite::types::Type::Blob,
                ),
            ))))
        }
    };
    Ok(ReviewState::from_code(review).map(|review| ResponseRow {
        id,
        agency: row.get(1).unwrap_or_default(),
        worker: row.get(2).unwrap_or_default(),
        device: row.get(3).unwrap_or_default(),
        area: row.get(4).unwrap_or_default(),
        completed: row.get::<_, Option<i64>>(5).ok().flatten().map(Timestamp),
        review,
    }))
}

/// One response with its answers, if it is in the scope.
pub fn response(
    connection: &Connection,
    scope: &Scope,
    id: ResponseId,
) -> Result<(ResponseRow, Response), ReviewError> {
    let key = id.uuid();
    let found: Option<(RowResult, String)> = connection
        .query_row(
            "SELECT id, agency, worker, device, area, completed, review, json
             FROM responses WHERE id = ?1",
            [&key.as_bytes()[..]],
            |row| Ok((row_of(row)?, row.get(7)?)),
        )
        .optional()?;
    let Some((row, json)) = found else {
        return Err(ReviewError::NoSuchResponse(id));
    };
    let row = row?;
    if !scope.reaches(&row.agency) {
        return Err(ReviewError::NotYours(id));
    }
    let response = serde_json::from_str(&json).map_err(|error| ReviewError::Unreadable {
        id,
        why: error.to_string(),
    })?;
    Ok((row, response))
}

/// One change of a review, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewChange {
    /// When.
    pub time: Timestamp,
    /// Who (their email).
    pub by: String,
    /// The state before.
    pub from: ReviewState,
    /// The state after.
    pub to: ReviewState,
    /// Why, in their words.
    pub comment: String,
}

/// Moves response `id` to `to` with `comment`, by `user` at `now`, and logs the change,
/// in one transaction. Refuses a response outside the scope, an unchanged state, a
/// missing comment where one is needed, and a comment over [`MAX_COMMENT_CHARS`].
pub fn set(
    connection: &mut Connection,
    scope: &Scope,
    user: UserId,
    id: ResponseId,
    to: ReviewState,
    comment: &str,
    now: Timestamp,
) -> Result<(), ReviewError> {
    let comment = comment.trim();
    let chars = comment.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(ReviewError::CommentTooLong(chars));
    }
    if to.needs_comment() && comment.is_empty() {
        return Err(ReviewError::CommentNeeded(to));
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let key = id.uuid();
    let key = &key.as_bytes()[..];
    let found: Option<(String, i64)> = transaction
        .query_row(
            "SELECT agency, review FROM responses WHERE id = ?1",
            [key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((agency, from)) = found else {
        return Err(ReviewError::NoSuchResponse(id));
    };
    if !scope.reaches(&agency) {
        return Err(ReviewError::NotYours(id));
    }
    let from = ReviewState::from_code(from)?;
    if from == to {
        return Err(ReviewError::Unchanged(to));
    }
    transaction.execute(
        "UPDATE responses SET review = ?2 WHERE id = ?1",
        params![key, to.code()],
    )?;
    transaction.execute(
        "INSERT INTO review_log (response, user, time, from_state, to_state, comment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![key, user.0, now.0, from.code(), to.code(), comment],
    )?;
    transaction.commit()?;
    Ok(())
}

/// Every change of response `id`'s review, oldest first (refused outside the scope).
pub fn history(
    connection: &Connection,
    scope: &Scope,
    id: ResponseId,
) -> Result<Vec<ReviewChange>, ReviewError> {
    let key = id.uuid();
    let key = &key.as_bytes()[..];
    let agency: Option<String> = connection
        .query_row("SELECT agency FROM responses WHERE id = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?;
    match agency {
        None => return Err(ReviewError::NoSuchResponse(id)),
        Some(agency) if !scope.reaches(&agency) => return Err(ReviewError::NotYours(id)),
        Some(_) => {}
    }
    let mut statement = connection.prepare(
        "SELECT l.time, u.email, l.from_state, l.to_state, l.comment
         FROM review_log l JOIN users u ON u.id = l.user
         WHERE l.response = ?1 ORDER BY l.id",
    )?;
    let rows = statement.query_map([key], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (time, by, from, to, comment) = row?;
        changes.push(ReviewChange {
            time: Timestamp(time),
            by,
            from: ReviewState::from_code(from)?,
            to: ReviewState::from_code(to)?,
            comment,
        });
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::accounts::{self, Role};
    use crate::store::intake::{self, Source};

    struct Fixture {
        _dir: tempfile::TempDir,
        connection: Connection,
        ids: Vec<ResponseId>,
        reviewer: UserId,
    }

    /// Six sample responses, the first three Hackney CVS's (the sample's agency), the
    /// rest re-marked as the council's, and one coordinator to review them.
    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut connection = crate::store::open(dir.path()).unwrap();
        let q = survey::shipped::shared_questionnaire().unwrap();
        let batch = survey::sample::batch(&q, 9, 0..6).unwrap();
        let receipt = intake::store(&mut connection, &batch, Source::Import).unwrap();
        assert_eq!(receipt.accepted, 6);
        connection
            .execute(
                "UPDATE responses SET agency = 'hackney-council' WHERE rowid > 3",
                [],
            )
            .unwrap();
        let known: Vec<String> = q.agencies.iter().map(|a| a.code.clone()).collect();
        let (reviewer, _) = accounts::add_user(
            &connection,
            "reviewer@example.org",
            Role::Coordinator,
            Some("hackney-cvs"),
            &known,
            Timestamp(1),
        )
        .unwrap();
        let ids = batch.responses.iter().map(|r| r.id).collect();
        Fixture {
            _dir: dir,
            connection,
            ids,
            reviewer,
        }
    }

    fn own() -> Scope {
        Scope::Agency("hackney-cvs".into())
    }

    #[test]
    fn a_change_is_kept_with_who_when_from_and_to_and_the_list_filters_by_state() {
        let mut f = fixture();
        let id = f.ids[0];
        set(
            &mut f.connection,
            &own(),
            f.reviewer,
            id,
            ReviewState::HasIssues,
            "ward looks wrong",
            Timestamp(10),
        )
        .unwrap();
        set(
            &mut f.connection,
            &own(),
            f.reviewer,
            id,
            ReviewState::Approved,
            "",
            Timestamp(20),
        )
        .unwrap();
        let changes = history(&f.connection, &own(), id).unwrap();
        assert_eq!(
            changes,
            vec![
                ReviewChange {
                    time: Timestamp(10),
                    by: "reviewer@example.org".into(),
                    from: ReviewState::Received,
                    to: ReviewState::HasIssues,
                    comment: "ward looks wrong".into(),
                },
                ReviewChange {
                    time: Timestamp(20),
                    by: "reviewer@example.org".into(),
                    from: ReviewState::HasIssues,
                    to: ReviewState::Approved,
                    comment: String::new(),
                },
            ]
        );
        let (row, response) = response(&f.connection, &own(), id).unwrap();
        assert_eq!((row.review, response.id), (ReviewState::Approved, id));
        let approved = ReviewFilter {
            state: Some(ReviewState::Approved),
            ..ReviewFilter::default()
        };
        let (rows, total) = list(&f.connection, &Scope::All, &approved, 50, 0).unwrap();
        assert_eq!((total, rows.len(), rows[0].id), (1, 1, id));
        let (rows, total) = list(&f.connection, &own(), &ReviewFilter::default(), 2, 0).unwrap();
        assert_eq!(
            (total, rows.len()),
            (3, 2),
            "a page of two of the agency's three"
        );
        let (_, total) = list(&f.connection, &Scope::All, &ReviewFilter::default(), 50, 0).unwrap();
        assert_eq!(total, 6);
    }

    #[test]
    fn another_agencys_response_cannot_be_read_changed_or_its_history_seen() {
        let mut f = fixture();
        let theirs = f.ids[5];
        assert!(matches!(
            response(&f.connection, &own(), theirs),
            Err(ReviewError::NotYours(_))
        ));
        assert!(matches!(
            history(&f.connection, &own(), theirs),
            Err(ReviewError::NotYours(_))
        ));
        let changed = set(
            &mut f.connection,
            &own(),
            f.reviewer,
            theirs,
            ReviewState::Rejected,
            "not ours",
            Timestamp(5),
        );
        assert!(
            matches!(changed, Err(ReviewError::NotYours(_))),
            "{changed:?}"
        );
        let logged: i64 = f
            .connection
            .query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(logged, 0);
        let (rows, _) = list(&f.connection, &own(), &ReviewFilter::default(), 50, 0).unwrap();
        assert!(rows.iter().all(|row| row.agency == "hackney-cvs"));
        let other = ReviewFilter {
            agency: Some("hackney-council".into()),
            ..ReviewFilter::default()
        };
        let (rows, total) = list(&f.connection, &own(), &other, 50, 0).unwrap();
        assert_eq!(
            (rows.len(), total),
            (0, 0),
            "asking for another agency gives nothing"
        );
    }

    #[test]
    fn a_reason_is_needed_to_reject_or_flag_and_nothing_changes_without_one() {
        let mut f = fixture();
        let id = f.ids[1];
        for to in [ReviewState::Rejected, ReviewState::HasIssues] {
            let refused = set(
                &mut f.connection,
                &own(),
                f.reviewer,
                id,
                to,
                "  ",
                Timestamp(5),
            );
            assert!(
                matches!(refused, Err(ReviewError::CommentNeeded(_))),
                "{refused:?}"
            );
        }
        let same = set(
            &mut f.connection,
            &own(),
            f.reviewer,
            id,
            ReviewState::Received,
            "",
            Timestamp(5),
        );
        assert!(matches!(same, Err(ReviewError::Unchanged(_))));
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        let too_long = set(
            &mut f.connection,
            &own(),
            f.reviewer,
            id,
            ReviewState::Approved,
            &long,
            Timestamp(5),
        );
        assert!(matches!(too_long, Err(ReviewError::CommentTooLong(_))));
        assert_eq!(
            response(&f.connection, &own(), id).unwrap().0.review,
            ReviewState::Received
        );
        assert!(matches!(
            ReviewState::parse("approved"),
            Ok(ReviewState::Approved)
        ));
        assert!(ReviewState::parse("Approved").is_err());
    }
}

//! Batches: completed responses and visit outcomes handed to the collector exactly once,
//! as an upload or as a file.
//!
//! # The checksum
//!
//! A batch carries a SHA-256 over its **canonical encoding**, so a damaged or edited file
//! is rejected. Anyone can recompute it:
//!
//! 1. Parse the batch file as JSON and remove the top-level `"checksum"` member.
//! 2. Write the rest as JSON with **every object's keys sorted** (recursively, by the
//!    bytes of their UTF-8 encoding, which is the same as sorting by code point), **no
//!    whitespace** between tokens, integers in plain decimal, and strings escaped
//!    minimally: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other characters below U+0020
//!    as `\u00xx` (lower-case hex); every other character as itself in UTF-8 (no `\u`
//!    escapes for non-ASCII). Arrays keep their order. (Batches contain no fractional
//!    numbers.)
//! 3. The checksum is the SHA-256 of those UTF-8 bytes, as 64 lower-case hex digits.
//!
//! In Python:
//! ```text
//! body = json.loads(data); declared = body.pop("checksum")
//! canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
//! assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == declared
//! ```
//!
//! The checksum is computed over what the file contains, not over this crate's types, so
//! it does not depend on field order, indentation or the serde_json features in use.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

mod locate;
#[cfg(test)]
mod rule_tests;
mod rules;

pub use rules::clean_text;

use crate::answer::{check, Answer, AnswerProblem};
use crate::questionnaire::{QuestionCode, Questionnaire};
use crate::record::{
    AgencyCode, Assignment, BatchId, DeviceName, QuestionnaireRef, Response, ResponseId,
    ResponseStatus, StatusError, Timestamp, VisitId, VisitOutcomeRecord, WorkerCode,
};

/// The value of a batch's `format` member.
pub const FORMAT: &str = "doorstep-batch";
/// The batch format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Completed responses and visit outcomes from one device, for one questionnaire version.
///
/// Fields are written in this order; the checksum does not depend on it (see the module
/// docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Always [`FORMAT`] (`"doorstep-batch"`).
    pub format: String,
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The batch's id.
    pub id: BatchId,
    /// When it was made.
    pub created: Timestamp,
    /// The tablet it comes from.
    pub device: DeviceName,
    /// The worker who made it.
    pub worker: WorkerCode,
    /// The worker's agency.
    pub agency: AgencyCode,
    /// The questionnaire (and version) every response answers.
    pub questionnaire: QuestionnaireRef,
    /// Completed responses, each with `batch` set to this batch's id.
    pub responses: Vec<Response>,
    /// Visit outcomes, without door notes.
    pub visits: Vec<VisitOutcomeRecord>,
    /// The number of responses.
    pub count: u32,
    /// SHA-256 of the canonical encoding, 64 lower-case hex digits.
    pub checksum: String,
}

/// Why a batch cannot be made, or a received batch is rejected.
///
/// No error holds the text of an answer: it names where the fault is (the response, the
/// question, the line and column) and which rule is broken ([`BatchError::rule`]), never
/// the value. Codes (worker, device, area…) may be named, but only as far as
/// [`ECHO_CHARS`] characters, with control characters replaced, so neither a flood of
/// text nor a terminal escape reaches a log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Not JSON, or not a JSON object whose `format` is `"doorstep-batch"` with a
    /// `format_version` and a `checksum`.
    #[error("this is not a Doorstep batch file ({reason})")]
    NotABatch {
        /// What is wrong, for the log: this crate's own words, never the input's.
        reason: String,
    },
    /// A batch format this version of Doorstep does not know.
    #[error("batch format version {0} is not known to this version of Doorstep")]
    UnknownFormatVersion(u32),
    /// The content does not match its checksum: the file was damaged or edited.
    #[error("the batch is damaged or was edited: checksum {expected} expected, {found} found")]
    ChecksumMismatch {
        /// The checksum written in the batch (at most 64 characters of it).
        expected: String,
        /// The checksum of its content.
        found: String,
    },
    /// The checksum holds but the content does not have the batch's shape (a faulty
    /// producer): where, and what kind of mistake, never the value.
    #[error("the batch is malformed: {kind} in {place}{}{}",
        question.as_ref().map(|q| format!(", the answer to {q}")).unwrap_or_default(),
        position.map(|p| format!(" ({p})")).unwrap_or_default())]
    Malformed {
        /// The part of the batch at fault.
        place: Place,
        /// The question whose answer is at fault, when it is an answer.
        question: Option<QuestionCode>,
        /// What kind of mistake.
        kind: MalformedKind,
        /// Where in the file, when known.
        position: Option<Position>,
    },
    /// `count` is not the number of responses.
    #[error("the batch says it holds {declared} responses but holds {found}")]
    CountMismatch {
        /// The `count` written.
        declared: u32,
        /// Responses present.
        found: usize,
    },
    /// More responses than a batch can count.
    #[error("too many responses for one batch")]
    TooLarge,
    /// The same response twice in one batch.
    #[error("response {0} appears more than once in the batch")]
    DuplicateResponse(ResponseId),
    /// The same visit twice in one batch.
    #[error("visit {0} appears more than once in the batch")]
    DuplicateVisit(VisitId),
    /// The batch's questionnaire version is not known here.
    #[error("questionnaire {id} version {version} is not known here")]
    UnknownQuestionnaire {
        /// Questionnaire id (at most [`ECHO_CHARS`] characters of it).
        id: String,
        /// Version.
        version: u32,
    },
    /// A response answers another questionnaire (or version) than the batch's.
    #[error("response {response} answers {found}, not the batch's questionnaire")]
    QuestionnaireMismatch {
        /// The response.
        response: ResponseId,
        /// What it answers (its id cut to [`ECHO_CHARS`] characters).
        found: QuestionnaireRef,
    },
    /// A response in the batch is not complete.
    #[error("response {response} is {status}; only complete responses go in a batch")]
    NotComplete {
        /// The response.
        response: ResponseId,
        /// Its status.
        status: ResponseStatus,
    },
    /// A response lacks answers its questionnaire requires, or its consent (the engine's
    /// [`crate::engine::can_complete`] says no).
    #[error("response {response} is not a finished interview: {reason}")]
    Incomplete {
        /// The response.
        response: ResponseId,
        /// What the engine found missing.
        reason: crate::engine::Incomplete,
    },
    /// Answers of a response do not fit their questions.
    #[error("response {response} has {} answers that do not fit their questions{}", problems.len(),
        problems.first().map(|(q, p)| format!(", first {q}: {p}")).unwrap_or_default())]
    InvalidAnswers {
        /// The response.
        response: ResponseId,
        /// Each faulty answer's question code (cut to [`ECHO_CHARS`] characters) and
        /// what is wrong.
        problems: Vec<(QuestionCode, ResponseProblem)>,
    },
    /// A code of the batch, a response or a visit (worker, device, agency, area,
    /// language) that is not acceptable: badly formed, not the questionnaire's, or not
    /// the batch's own worker or agency.
    #[error("{place}: the {field} \"{code}\" {problem}")]
    Code {
        /// Whose code.
        place: Place,
        /// Which code.
        field: CodeField,
        /// The code as far as [`ECHO_CHARS`] characters, control characters replaced.
        code: String,
        /// What is wrong with it.
        problem: CodeProblem,
    },
    /// A time that cannot be: before the interview started, later than the batch
    /// arrived (give or take [`FUTURE_MARGIN_MS`]), or before [`EARLIEST`].
    #[error("{place}: the {field} time {time} {problem}")]
    Time {
        /// Whose time.
        place: Place,
        /// Which time.
        field: TimeField,
        /// The time.
        time: Timestamp,
        /// What is wrong with it.
        problem: TimeProblem,
    },
}

/// The most characters of a code (or a questionnaire id, a question code) an error
/// repeats; the rest is cut and marked with `…`.
pub const ECHO_CHARS: usize = 40;

/// The latest a time in a batch may be: this long after the batch arrived (one day).
///
/// Tablets work offline for days and their clocks are set by hand: a clock a few minutes
/// fast, or set to local time with the wrong time zone (up to 14 hours ahead of UTC), is
/// an honest mistake whose interviews should be kept; a day covers every time zone with
/// hours to spare, and the collector's own clock running a little behind. A time more
/// than a day ahead is a clock set wrong by a date, or an invented record.
pub const FUTURE_MARGIN_MS: i64 = 24 * 60 * 60 * 1000;

/// The earliest a time in a batch may be: 2020-01-01T00:00:00Z.
///
/// No Doorstep interview is older: the app, its questionnaire and its collector are
/// later still. What this refuses is a tablet clock that was reset, which reads
/// 1970-01-01 (the Unix epoch), 2000-01-01 or a firmware's build date; it is a round
/// date well before the first interview, rather than the project's start, so early
/// trials and test data never have to move it.
pub const EARLIEST: Timestamp = Timestamp(1_577_836_800_000);

/// The part of a batch where a rule is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The batch's own members (worker, agency, created…).
    Batch,
    /// A response: its position in `responses` (from 0) and its id, when it could be
    /// read.
    Response {
        /// Position in the batch's `responses`, from 0.
        index: usize,
        /// The response's id.
        id: Option<ResponseId>,
    },
    /// A visit outcome: its position in `visits` (from 0) and its id, when it could be
    /// read.
    Visit {
        /// Position in the batch's `visits`, from 0.
        index: usize,
        /// The visit's id.
        id: Option<VisitId>,
    },
}

impl Place {
    /// The response, if the place is one whose id is known.
    pub fn response(self) -> Option<ResponseId> {
        match self {
            Place::Response { id, .. } => id,
            Place::Batch | Place::Visit { .. } => None,
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Batch => f.write_str("the batch"),
            Place::Response { id: Some(id), .. } => write!(f, "response {id}"),
            Place::Response { index, id: None } => {
                write!(f, "response number {} of the batch", index + 1)
            }
            Place::Visit { id: Some(id), .. } => write!(f, "visit {id}"),
            Place::Visit { index, id: None } => {
                write!(f, "visit number {} of the batch", index + 1)
            }
        }
    }
}

/// A line and column (both from 1) in a batch file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column (in bytes), from 1.
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} column {}", self.line, self.column)
    }
}

/// What kind of mistake makes a batch malformed: serde_json's category of the error
/// ([`serde_json::Error::classify`]), never its message (which quotes the value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MalformedKind {
    /// Not valid JSON.
    Syntax,
    /// The JSON stops before it is complete.
    CutShort,
    /// A member missing, or a value of the wrong type or shape (text where a number
    /// belongs, an answer that is no answer…).
    Shape,
    /// The input could not be read.
    Unreadable,
}

impl MalformedKind {
    /// The kind of a serde_json error.
    pub fn of(error: &serde_json::Error) -> MalformedKind {
        match error.classify() {
            serde_json::error::Category::Syntax => MalformedKind::Syntax,
            serde_json::error::Category::Eof => MalformedKind::CutShort,
            serde_json::error::Category::Data => MalformedKind::Shape,
            serde_json::error::Category::Io => MalformedKind::Unreadable,
        }
    }
}

impl std::fmt::Display for MalformedKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MalformedKind::Syntax => "not valid JSON",
            MalformedKind::CutShort => "the JSON stops short",
            MalformedKind::Shape => "a member missing or of the wrong type or shape",
            MalformedKind::Unreadable => "input that cannot be read",
        })
    }
}

/// Which code of a batch, a response or a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeField {
    /// The worker's code.
    Worker,
    /// The tablet's name.
    Device,
    /// The agency.
    Agency,
    /// The area (ward).
    Area,
    /// The interview's language.
    Language,
}

impl std::fmt::Display for CodeField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CodeField::Worker => "worker code",
            CodeField::Device => "device name",
            CodeField::Agency => "agency",
            CodeField::Area => "area",
            CodeField::Language => "language",
        })
    }
}

/// What is wrong with a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum CodeProblem {
    /// Empty (a worker code or device name, which set-up requires).
    #[error("is empty")]
    Empty,
    /// Longer than set-up allows.
    #[error("is longer than {max} characters")]
    TooLong {
        /// Most characters allowed.
        max: usize,
    },
    /// A worker code with other characters than letters, digits and hyphens.
    #[error("has other characters than letters, digits and hyphens")]
    Characters,
    /// A control character (NUL, a line break, an escape…).
    #[error("holds a control character")]
    ControlCharacter,
    /// A Unicode bidirectional control or mark, which can make text show in another
    /// order than it is stored.
    #[error("holds a bidirectional control character")]
    BidiControl,
    /// Not one of the questionnaire's (areas, agencies or languages).
    #[error("is not one of the questionnaire's")]
    Unknown,
    /// A response's worker or agency that is not the batch's.
    #[error("is not the batch's")]
    NotTheBatchs,
}

impl CodeProblem {
    /// The problem's rule word when it is not the questionnaire's or the batch's (those
    /// depend on the field).
    fn rule(self) -> &'static str {
        match self {
            CodeProblem::Empty => "empty_code",
            CodeProblem::TooLong { .. } => "code_too_long",
            CodeProblem::Characters => "code_characters",
            CodeProblem::ControlCharacter => "control_character",
            CodeProblem::BidiControl => "bidi_control",
            CodeProblem::Unknown => "unknown_code",
            CodeProblem::NotTheBatchs => "not_the_batchs",
        }
    }
}

/// Which time of a batch, a response or a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeField {
    /// When the batch was made.
    Created,
    /// When the interview started.
    Started,
    /// When the response last changed.
    Updated,
    /// When the interview was completed.
    Completed,
    /// When the door was visited.
    Visit,
}

impl std::fmt::Display for TimeField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeField::Created => "created",
            TimeField::Started => "started",
            TimeField::Updated => "updated",
            TimeField::Completed => "completed",
            TimeField::Visit => "visit",
        })
    }
}

/// What is wrong with a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum TimeProblem {
    /// Before the interview started.
    #[error("is before the interview started ({started})")]
    BeforeStarted {
        /// When it started.
        started: Timestamp,
    },
    /// Later than the batch arrived, by more than [`FUTURE_MARGIN_MS`] (a day).
    #[error("is more than a day after the batch arrived ({received})")]
    InTheFuture {
        /// When the batch arrived.
        received: Timestamp,
    },
    /// Before [`EARLIEST`]: a reset clock.
    #[error("is before {earliest}: the tablet's clock was wrong")]
    TooEarly {
        /// The earliest time accepted.
        earliest: Timestamp,
    },
}

/// What is wrong with one answer of a response in a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum ResponseProblem {
    /// The questionnaire has no question with this code.
    #[error("the questionnaire has no such question")]
    UnknownQuestion,
    /// The answer does not fit its question ([`crate::answer::check`]).
    #[error(transparent)]
    Answer(AnswerProblem),
    /// The question was not asked (its `show_if` does not hold, or it is a notice): a
    /// finished record holds no answer to it.
    #[error("the question was not asked in this interview")]
    NotAsked,
    /// The question code itself holds a control character or a bidirectional control.
    #[error("the question code {0}")]
    QuestionCode(CodeProblem),
    /// A text answer holds a control character other than tab, line feed and carriage
    /// return (NUL, escape, C1 controls…).
    #[error("the text holds a control character")]
    ControlCharacter,
    /// A text answer holds a bidirectional embedding, override or isolate control
    /// (U+202A–U+202E, U+2066–U+2069), which can make text show in another order than it
    /// is stored (the marks U+200E, U+200F and U+061C are kept: right-to-left writing
    /// uses them).
    #[error("the text holds a bidirectional control character")]
    BidiControl,
}

impl ResponseProblem {
    /// The rule broken, as a stable word.
    pub fn rule(&self) -> &'static str {
        match self {
            ResponseProblem::UnknownQuestion => "unknown_question",
            ResponseProblem::Answer(_) => "answer_does_not_fit",
            ResponseProblem::NotAsked => "not_asked",
            ResponseProblem::QuestionCode(problem) => problem.rule(),
            ResponseProblem::ControlCharacter => "control_character",
            ResponseProblem::BidiControl => "bidi_control",
        }
    }
}

impl BatchError {
    /// The response that broke a rule, if one did (and its id could be read).
    pub fn response(&self) -> Option<ResponseId> {
        match self {
            BatchError::DuplicateResponse(response)
            | BatchError::QuestionnaireMismatch { response, .. }
            | BatchError::NotComplete { response, .. }
            | BatchError::Incomplete { response, .. }
            | BatchError::InvalidAnswers { response, .. } => Some(*response),
            BatchError::Malformed { place, .. }
            | BatchError::Code { place, .. }
            | BatchError::Time { place, .. } => place.response(),
            BatchError::NotABatch { .. }
            | BatchError::UnknownFormatVersion(_)
            | BatchError::ChecksumMismatch { .. }
            | BatchError::CountMismatch { .. }
            | BatchError::TooLarge
            | BatchError::DuplicateVisit(_)
            | BatchError::UnknownQuestionnaire { .. } => None,
        }
    }

    /// The question whose answer broke a rule, if an answer did (the first, when
    /// several did).
    pub fn question(&self) -> Option<&QuestionCode> {
        match self {
            BatchError::Malformed { question, .. } => question.as_ref(),
            BatchError::InvalidAnswers { problems, .. } => problems.first().map(|(code, _)| code),
            BatchError::Incomplete {
                reason: crate::engine::Incomplete::Problems { problems },
                ..
            } => problems.first().map(|problem| &problem.question),
            _ => None,
        }
    }

    /// The rule broken, as a stable snake_case word for machines (`"unknown_area"`,
    /// `"not_asked"`, `"checksum"`…): the `rule` of the collector's error body.
    pub fn rule(&self) -> &'static str {
        match self {
            BatchError::NotABatch { .. } => "not_a_batch",
            BatchError::UnknownFormatVersion(_) => "unknown_format_version",
            BatchError::ChecksumMismatch { .. } => "checksum",
            BatchError::Malformed { .. } => "malformed",
            BatchError::CountMismatch { .. } => "count_mismatch",
            BatchError::TooLarge => "too_many_responses",
            BatchError::DuplicateResponse(_) => "duplicate_response",
            BatchError::DuplicateVisit(_) => "duplicate_visit",
            BatchError::UnknownQuestionnaire { .. } => "unknown_questionnaire",
            BatchError::QuestionnaireMismatch { .. } => "not_the_batch_questionnaire",
            BatchError::NotComplete { .. } => "not_complete",
            BatchError::Incomplete { reason, .. } => match reason {
                crate::engine::Incomplete::ConsentRefused => "consent_refused",
                crate::engine::Incomplete::NotEligible => "not_eligible",
                crate::engine::Incomplete::ConsentNotGiven => "consent_not_given",
                crate::engine::Incomplete::Problems { problems } => match problems.first() {
                    Some(problem) if problem.problem != AnswerProblem::Required => {
                        "answer_does_not_fit"
                    }
                    _ => "required",
                },
            },
            BatchError::InvalidAnswers { problems, .. } => problems
                .first()
                .map_or("answer_does_not_fit", |(_, problem)| problem.rule()),
            BatchError::Code { field, problem, .. } => match (problem, field) {
                (CodeProblem::Unknown, CodeField::Area) => "unknown_area",
                (CodeProblem::Unknown, CodeField::Agency) => "unknown_agency",
                (CodeProblem::Unknown, CodeField::Language) => "unknown_language",
                (CodeProblem::NotTheBatchs, CodeField::Agency) => "not_the_batch_agency",
                (CodeProblem::NotTheBatchs, CodeField::Worker) => "not_the_batch_worker",
                (problem, _) => problem.rule(),
            },
            BatchError::Time { field, problem, .. } => match (problem, field) {
                (TimeProblem::BeforeStarted { .. }, TimeField::Updated) => "updated_before_started",
                (TimeProblem::BeforeStarted { .. }, _) => "completed_before_started",
                (TimeProblem::InTheFuture { .. }, _) => "time_in_the_future",
                (TimeProblem::TooEarly { .. }, _) => "time_too_early",
            },
        }
    }
}

/// `text` as an error may repeat it: at most `max` characters (then `…`), control and
/// bidirectional characters replaced by `�`. The collector keeps what a refused batch
/// says of itself (its worker code, device name) the same way.
pub fn echo(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| {
            if c.is_control() || rules::is_bidi(c) {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Where verification finds the questionnaire a batch refers to.
pub trait QuestionnaireSource {
    /// The questionnaire with this id and version, if known.
    fn questionnaire(&self, id: &str, version: u32) -> Option<&Questionnaire>;
}

impl QuestionnaireSource for Questionnaire {
    fn questionnaire(&self, id: &str, version: u32) -> Option<&Questionnaire> {
        (self.id == id && self.version == version).then_some(self)
    }
}

impl QuestionnaireSource for [Questionnaire] {
    fn questionnaire(&self, id: &str, version: u32) -> Option<&Questionnaire> {
        self.iter().find(|q| q.id == id && q.version == version)
    }
}

impl QuestionnaireSource for [&Questionnaire] {
    fn questionnaire(&self, id: &str, version: u32) -> Option<&Questionnaire> {
        self.iter()
            .find(|q| q.id == id && q.version == version)
            .copied()
    }
}

impl QuestionnaireSource for Vec<Questionnaire> {
    fn questionnaire(&self, id: &str, version: u32) -> Option<&Questionnaire> {
        self.as_slice().questionnaire(id, version)
    }
}

impl Batch {
    /// Makes a batch of `responses` (complete, all answering `questionnaire`, each once)
    /// and `visits`, setting each response's `batch` to `id`, and computes `count` and
    /// `checksum`.
    ///
    /// The worker, agency and device come from the device's set-up (its area is not
    /// used: responses and visits carry their own). Answers are not checked
    /// here (the engine checked them at completion); the collector checks them with
    /// [`parse_and_verify`].
    pub fn new(
        id: BatchId,
        created: Timestamp,
        assignment: &Assignment,
        questionnaire: QuestionnaireRef,
        mut responses: Vec<Response>,
        visits: Vec<VisitOutcomeRecord>,
    ) -> Result<Batch, BatchError> {
        for response in &mut responses {
            response.mark_in_batch(id).map_err(|error| match error {
                StatusError::NotComplete { status }
                | StatusError::NotDraft { status }
                | StatusError::NotAllowed { from: status, .. } => BatchError::NotComplete {
                    response: response.id,
                    status,
                },
                StatusError::AlreadyInABatch => BatchError::NotComplete {
                    response: response.id,
                    status: response.status,
                },
            })?;
        }
        let count = u32::try_from(responses.len()).map_err(|_| BatchError::TooLarge)?;
        let mut batch = Batch {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            id,
            created,
            device: assignment.device.clone(),
            worker: assignment.worker.clone(),
            agency: assignment.agency.clone(),
            questionnaire,
            responses,
            visits,
            count,
            checksum: String::new(),
        };
        batch.check_structure()?;
        batch.checksum = batch.compute_checksum()?;
        Ok(batch)
    }

    /// The SHA-256 of this batch's canonical encoding (see the module docs), ignoring the
    /// `checksum` field.
    pub fn compute_checksum(&self) -> Result<String, BatchError> {
        let value = serde_json::to_value(self).map_err(|error| locate::unplaced(&error))?;
        Ok(checksum_of_value(value))
    }

    /// The batch as a JSON file's content (compact; any formatting verifies).
    pub fn to_json(&self) -> Result<String, BatchError> {
        serde_json::to_string(self).map_err(|error| locate::unplaced(&error))
    }

    /// Checks everything [`parse_and_verify`] checks after the checksum: count, no
    /// duplicates, a known questionnaire, every response complete and of the batch's
    /// questionnaire, codes and times that make sense (worker codes and device names as
    /// set-up allows them, no control characters in codes or text answers, the
    /// questionnaire's areas, agencies and languages, the batch's own worker and agency
    /// on every response, no time before [`EARLIEST`] or later than `received` and
    /// [`FUTURE_MARGIN_MS`], nothing completed or updated before it started), every
    /// answer fitting its question, and every response a finished interview.
    pub fn verify(
        &self,
        questionnaires: &(impl QuestionnaireSource + ?Sized),
        received: Timestamp,
    ) -> Result<(), BatchError> {
        self.check_structure()?;
        let questionnaire = questionnaires
            .questionnaire(&self.questionnaire.id, self.questionnaire.version)
            .ok_or_else(|| BatchError::UnknownQuestionnaire {
                id: echo(&self.questionnaire.id, ECHO_CHARS),
                version: self.questionnaire.version,
            })?;
        let times = rules::Times::until(received);
        rules::check_batch(self, questionnaire, &times)?;
        for (index, response) in self.responses.iter().enumerate() {
            rules::check_response(self, questionnaire, &times, index, response)?;
            let problems = answer_problems(questionnaire, response);
            if !problems.is_empty() {
                return Err(BatchError::InvalidAnswers {
                    response: response.id,
                    problems: problems
                        .into_iter()
                        .map(|(code, problem)| (QuestionCode(echo(&code.0, ECHO_CHARS)), problem))
                        .collect(),
                });
            }
            // The same rule that let the worker press "Complete" on the tablet.
            crate::engine::can_complete(questionnaire, &response.answers).map_err(|reason| {
                BatchError::Incomplete {
                    response: response.id,
                    reason,
                }
            })?;
        }
        for (index, visit) in self.visits.iter().enumerate() {
            rules::check_visit(questionnaire, &times, index, visit)?;
        }
        Ok(())
    }

    fn check_structure(&self) -> Result<(), BatchError> {
        if usize::try_from(self.count).ok() != Some(self.responses.len()) {
            return Err(BatchError::CountMismatch {
                declared: self.count,
                found: self.responses.len(),
            });
        }
        let mut seen = BTreeSet::new();
        for response in &self.responses {
            if !seen.insert(response.id) {
                return Err(BatchError::DuplicateResponse(response.id));
            }
            if response.status != ResponseStatus::Complete {
                return Err(BatchError::NotComplete {
                    response: response.id,
                    status: response.status,
                });
            }
            if response.questionnaire != self.questionnaire {
                return Err(BatchError::QuestionnaireMismatch {
                    response: response.id,
                    found: QuestionnaireRef {
                        id: echo(&response.questionnaire.id, ECHO_CHARS),
                        version: response.questionnaire.version,
                    },
                });
            }
        }
        let mut seen = BTreeSet::new();
        for visit in &self.visits {
            if !seen.insert(visit.id) {
                return Err(BatchError::DuplicateVisit(visit.id));
            }
        }
        Ok(())
    }
}

/// Every answer of `response` that does not fit `questionnaire`: question codes with
/// control characters, unknown question codes, answers to questions that were not asked,
/// answers [`crate::answer::check`] rejects, and text answers with control characters.
pub fn answer_problems(
    questionnaire: &Questionnaire,
    response: &Response,
) -> Vec<(QuestionCode, ResponseProblem)> {
    // Which questions were asked, worked out once for the whole response.
    let asked: std::collections::BTreeSet<&QuestionCode> =
        crate::engine::visible_questions(questionnaire, &response.answers)
            .into_iter()
            .map(|question| &question.code)
            .collect();
    response
        .answers
        .iter()
        .filter_map(|(code, answer)| {
            if let Err(problem) = rules::code_characters(code.as_str()) {
                return Some((code.clone(), ResponseProblem::QuestionCode(problem)));
            }
            let problem = match questionnaire.question(code) {
                None => Some(ResponseProblem::UnknownQuestion),
                Some(question) if !asked.contains(&question.code) => {
                    Some(ResponseProblem::NotAsked)
                }
                Some(question) => match check(questionnaire, question, Some(answer)) {
                    Err(problem) => Some(ResponseProblem::Answer(problem)),
                    Ok(()) => match answer {
                        Answer::Text(text) => rules::text_characters(text).err(),
                        _ => None,
                    },
                },
            };
            problem.map(|problem| (code.clone(), problem))
        })
        .collect()
}

/// Reads a batch file (or upload body) that arrived at `received` and accepts it only if
/// it is whole and valid: format and version, checksum, shape, count, no duplicates, a
/// known questionnaire, complete responses of that questionnaire, codes and times that
/// make sense, answers that fit their questions, finished interviews (see
/// [`Batch::verify`]). Checks run in that order and the first failure is returned; no
/// error repeats an answer.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let questionnaire = survey::shipped::shared_questionnaire()?;
/// let batch = survey::sample::batch(&questionnaire, 1, 0..3)?;
/// let received = survey::Timestamp(batch.created.0 + 60_000);
/// let verified = survey::parse_and_verify(batch.to_json()?.as_bytes(), &questionnaire, received)?;
/// assert_eq!(verified, batch);
/// # Ok(())
/// # }
/// ```
pub fn parse_and_verify(
    json: &[u8],
    questionnaires: &(impl QuestionnaireSource + ?Sized),
    received: Timestamp,
) -> Result<Batch, BatchError> {
    let not_a_batch = |reason: &str| BatchError::NotABatch {
        reason: reason.to_owned(),
    };
    let mut value: Value = serde_json::from_slice(json).map_err(|error| BatchError::NotABatch {
        // serde_json's message is not used: a data error quotes the value.
        reason: format!(
            "{}{}",
            MalformedKind::of(&error),
            locate::position(&error)
                .map(|position| format!(" at {position}"))
                .unwrap_or_default()
        ),
    })?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| not_a_batch("not a JSON object"))?;
    if object.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(not_a_batch("no \"format\": \"doorstep-batch\""));
    }
    let version = object
        .get("format_version")
        .and_then(Value::as_u64)
        .ok_or_else(|| not_a_batch("no format_version"))?;
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    if version != FORMAT_VERSION {
        return Err(BatchError::UnknownFormatVersion(version));
    }
    let declared = match object.remove("checksum") {
        Some(Value::String(checksum)) => checksum,
        _ => return Err(not_a_batch("no checksum")),
    };
    let computed = hex_sha256(&canonical_json(&value));
    if computed != declared {
        return Err(BatchError::ChecksumMismatch {
            expected: echo(&declared, 64),
            found: computed,
        });
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("checksum".to_owned(), Value::String(declared));
    }
    // Decoded whole, the fast way; only a batch that fails is read again, element by
    // element, to say where without quoting serde_json's message.
    let batch: Batch =
        serde_json::from_value(value).map_err(|error| locate::malformed(json, &error))?;
    batch.verify(questionnaires, received)?;
    Ok(batch)
}

/// The canonical encoding of a JSON value (see the module docs): keys sorted, no
/// whitespace, minimal escapes.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (index, (key, value)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::String(text) => write_string(text, out),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn checksum_of_value(mut value: Value) -> String {
    if let Some(object) = value.as_object_mut() {
        object.remove("checksum");
    }
    hex_sha256(&canonical_json(&value))
}

fn hex_sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answer;
    use crate::record::fixtures::{questionnaire, small_response};
    use crate::record::{DoorNote, Visit, VisitOutcome};

    /// When the fixture batches arrive: an hour after they were made.
    const RECEIVED: Timestamp = Timestamp(1_714_563_600_000);

    fn batch_of(responses: Vec<Response>) -> Result<Batch, BatchError> {
        let visit = Visit {
            id: VisitId::from_random_bytes([3; 16]),
            time: Timestamp(1_714_555_700_000),
            area: "E05009367".into(),
            outcome: VisitOutcome::Interviewed,
            attempt: 1,
            door_note: Some(DoorNote::new("green gate")),
            follows: None,
            uploaded: None,
        };
        Batch::new(
            BatchId::from_random_bytes([7; 16]),
            Timestamp(1_714_560_000_000),
            &crate::record::fixtures::assignment(),
            QuestionnaireRef::of(&questionnaire()),
            responses,
            vec![visit.outcome_record()],
        )
    }

    /// The golden small response with the fixture's other required questions answered:
    /// a finished interview, as the engine sees it.
    fn finished_response() -> Response {
        let mut response = small_response();
        for (code, answer) in [
            ("AREA_SATISFACTION", Answer::Choice(2)),
            ("LONG_ILLNESS", Answer::Choice(crate::questionnaire::NO)),
            ("TENURE", Answer::Choice(1)),
            ("ADULTS", Answer::Number(2)),
        ] {
            response.answers.insert(code.into(), answer);
        }
        response
    }

    fn second_response() -> Response {
        let mut response = finished_response();
        response.id = crate::record::fixtures::id(2);
        response
    }

    #[test]
    fn a_new_batch_verifies() {
        let batch = batch_of(vec![finished_response(), second_response()]).unwrap();
        assert_eq!(batch.count, 2);
        assert_eq!(batch.checksum.len(), 64);
        assert!(batch.responses.iter().all(|r| r.batch == Some(batch.id)));
        let json = batch.to_json().unwrap();
        assert!(!json.contains("green gate"));
        assert_eq!(
            parse_and_verify(json.as_bytes(), &questionnaire(), RECEIVED).unwrap(),
            batch
        );
    }

    #[test]
    fn pretty_printed_and_reordered_files_verify_too() {
        let batch = batch_of(vec![finished_response()]).unwrap();
        let value = serde_json::to_value(&batch).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(
            parse_and_verify(pretty.as_bytes(), &questionnaire(), RECEIVED).unwrap(),
            batch
        );
    }

    #[test]
    fn canonical_json_sorts_keys_and_escapes_minimally() {
        let value =
            serde_json::json!({"b": [2, {"z": 1, "a": null}], "a": "ş\"\n\u{1}", "ab": true});
        assert_eq!(
            canonical_json(&value),
            "{\"a\":\"ş\\\"\\n\\u0001\",\"ab\":true,\"b\":[2,{\"a\":null,\"z\":1}]}"
        );
    }

    /// The documented rule pinned: the checksum of this exact text (what Python's
    /// `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` gives).
    #[test]
    fn checksum_is_sha256_of_the_canonical_text() {
        let value = serde_json::json!({"format": "doorstep-batch", "count": 0, "checksum": "x"});
        // sha256('{"count":0,"format":"doorstep-batch"}')
        let expected: String = Sha256::digest(br#"{"count":0,"format":"doorstep-batch"}"#)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(checksum_of_value(value), expected);
    }

    #[test]
    fn an_edited_answer_is_a_checksum_mismatch() {
        let batch = batch_of(vec![finished_response()]).unwrap();
        let json = batch.to_json().unwrap().replace("{\"n\":7}", "{\"n\":8}");
        assert!(matches!(
            parse_and_verify(json.as_bytes(), &questionnaire(), RECEIVED),
            Err(BatchError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn not_json_or_not_a_batch_is_not_a_batch() {
        for input in [&b"\xff\x00"[..], b"[1,2]", b"{\"format\":\"other\"}", b"{}"] {
            assert!(
                matches!(
                    parse_and_verify(input, &questionnaire(), RECEIVED),
                    Err(BatchError::NotABatch { .. })
                ),
                "{input:?}"
            );
        }
    }

    #[test]
    fn a_later_format_version_is_reported_by_number() {
        let input = br#"{"format":"doorstep-batch","format_version":2,"checksum":""}"#;
        assert_eq!(
            parse_and_verify(input, &questionnaire(), RECEIVED),
            Err(BatchError::UnknownFormatVersion(2))
        );
    }

    /// Edits the batch as a third party would and re-seals it with a correct checksum,
    /// so the later checks are reached.
    fn resealed(batch: &mut Batch) -> Vec<u8> {
        batch.checksum = batch.compute_checksum().unwrap();
        batch.to_json().unwrap().into_bytes()
    }

    #[test]
    fn a_wrong_count_is_rejected() {
        let mut batch = batch_of(vec![finished_response()]).unwrap();
        batch.count = 2;
        assert_eq!(
            parse_and_verify(&resealed(&mut batch), &questionnaire(), RECEIVED),
            Err(BatchError::CountMismatch {
                declared: 2,
                found: 1
            })
        );
    }

    #[test]
    fn a_response_twice_is_rejected() {
        assert_eq!(
            batch_of(vec![finished_response(), finished_response()]),
            Err(BatchError::DuplicateResponse(finished_response().id))
        );
    }

    #[test]
    fn an_unknown_questionnaire_version_is_rejected() {
        let mut batch = batch_of(vec![]).unwrap();
        batch.questionnaire.version = 4;
        assert_eq!(
            parse_and_verify(&resealed(&mut batch), &questionnaire(), RECEIVED),
            Err(BatchError::UnknownQuestionnaire {
                id: "fixture-qol".into(),
                version: 4
            })
        );
    }

    #[test]
    fn drafts_are_refused_when_batching_and_when_verifying() {
        let mut draft = finished_response();
        draft.reopen(Timestamp(0)).unwrap();
        assert_eq!(
            batch_of(vec![draft.clone()]),
            Err(BatchError::NotComplete {
                response: draft.id,
                status: ResponseStatus::Draft
            })
        );
        let mut batch = batch_of(vec![finished_response()]).unwrap();
        batch.responses[0].status = ResponseStatus::Draft;
        assert!(matches!(
            parse_and_verify(&resealed(&mut batch), &questionnaire(), RECEIVED),
            Err(BatchError::NotComplete { .. })
        ));
    }

    #[test]
    fn a_response_to_another_questionnaire_is_rejected() {
        let mut other = finished_response();
        other.questionnaire.version = 2;
        assert!(matches!(
            batch_of(vec![other]),
            Err(BatchError::QuestionnaireMismatch { .. })
        ));
    }

    #[test]
    fn answers_that_do_not_fit_are_listed_by_question() {
        let mut batch = batch_of(vec![finished_response()]).unwrap();
        let answers = &mut batch.responses[0].answers;
        answers.insert("LIFE_SATISFACTION".into(), Answer::Number(11));
        answers.insert("NO_SUCH_QUESTION".into(), Answer::Choice(1));
        answers.insert("DEBT_ADVICE".into(), Answer::Choice(1));
        assert_eq!(
            parse_and_verify(&resealed(&mut batch), &questionnaire(), RECEIVED),
            Err(BatchError::InvalidAnswers {
                response: finished_response().id,
                problems: vec![
                    // A notice whose condition does not hold: never shown, never answered.
                    ("DEBT_ADVICE".into(), ResponseProblem::NotAsked),
                    (
                        "LIFE_SATISFACTION".into(),
                        ResponseProblem::Answer(AnswerProblem::OutOfRange { min: 0, max: 10 })
                    ),
                    ("NO_SUCH_QUESTION".into(), ResponseProblem::UnknownQuestion),
                ]
            })
        );
    }

    #[test]
    fn an_answer_to_a_question_skipped_by_its_condition_is_rejected() {
        let mut batch = batch_of(vec![finished_response()]).unwrap();
        // TENURE is 1 (owner), so the landlord question was never asked.
        batch.responses[0]
            .answers
            .insert("LANDLORD".into(), Answer::Choice(2));
        assert_eq!(
            parse_and_verify(&resealed(&mut batch), &questionnaire(), RECEIVED),
            Err(BatchError::InvalidAnswers {
                response: finished_response().id,
                problems: vec![("LANDLORD".into(), ResponseProblem::NotAsked)],
            })
        );
    }

    #[test]
    fn a_response_missing_a_required_answer_is_not_a_finished_interview() {
        let mut batch = batch_of(vec![finished_response()]).unwrap();
        batch.responses[0]
            .answers
            .remove(&QuestionCode::from("TENURE"));
        let result = parse_and_verify(&resealed(&mut batch), &questionnaire(), RECEIVED);
        assert!(
            matches!(
                &result,
                Err(BatchError::Incomplete {
                    reason: crate::engine::Incomplete::Problems { problems },
                    ..
                }) if problems.len() == 1 && problems[0].question.as_str() == "TENURE"
            ),
            "{result:?}"
        );
    }
}

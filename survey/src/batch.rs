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

use crate::answer::{check, AnswerProblem};
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
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Not JSON, or not a JSON object whose `format` is `"doorstep-batch"` with a
    /// `format_version` and a `checksum`.
    #[error("this is not a Doorstep batch file ({reason})")]
    NotABatch {
        /// What is wrong, for the log.
        reason: String,
    },
    /// A batch format this version of Doorstep does not know.
    #[error("batch format version {0} is not known to this version of Doorstep")]
    UnknownFormatVersion(u32),
    /// The content does not match its checksum: the file was damaged or edited.
    #[error("the batch is damaged or was edited: checksum {expected} expected, {found} found")]
    ChecksumMismatch {
        /// The checksum written in the batch.
        expected: String,
        /// The checksum of its content.
        found: String,
    },
    /// The checksum holds but the content does not have the batch's shape (a faulty
    /// producer).
    #[error("the batch is malformed: {reason}")]
    Malformed {
        /// The decoding error.
        reason: String,
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
        /// Questionnaire id.
        id: String,
        /// Version.
        version: u32,
    },
    /// A response answers another questionnaire (or version) than the batch's.
    #[error("response {response} answers {found}, not the batch's questionnaire")]
    QuestionnaireMismatch {
        /// The response.
        response: ResponseId,
        /// What it answers.
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
    #[error("response {response} has {} answers that do not fit their questions", problems.len())]
    InvalidAnswers {
        /// The response.
        response: ResponseId,
        /// Each faulty answer's question code and what is wrong.
        problems: Vec<(QuestionCode, ResponseProblem)>,
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
            response.mark_exported(id).map_err(|error| match error {
                StatusError::NotComplete { status }
                | StatusError::NotDraft { status }
                | StatusError::NotAllowed { from: status, .. } => BatchError::NotComplete {
                    response: response.id,
                    status,
                },
                StatusError::AlreadyExported => BatchError::NotComplete {
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
        let value = serde_json::to_value(self).map_err(|error| BatchError::Malformed {
            reason: error.to_string(),
        })?;
        Ok(checksum_of_value(value))
    }

    /// The batch as a JSON file's content (compact; any formatting verifies).
    pub fn to_json(&self) -> Result<String, BatchError> {
        serde_json::to_string(self).map_err(|error| BatchError::Malformed {
            reason: error.to_string(),
        })
    }

    /// Checks everything [`parse_and_verify`] checks after the checksum: count, no
    /// duplicates, a known questionnaire, every response complete and of the batch's
    /// questionnaire, every answer fitting its question.
    ///
    /// Required questions left unanswered are not checked here: that needs the engine's
    /// skip logic, and the app only completes a response the engine accepts.
    pub fn verify(
        &self,
        questionnaires: &(impl QuestionnaireSource + ?Sized),
    ) -> Result<(), BatchError> {
        self.check_structure()?;
        let questionnaire = questionnaires
            .questionnaire(&self.questionnaire.id, self.questionnaire.version)
            .ok_or_else(|| BatchError::UnknownQuestionnaire {
                id: self.questionnaire.id.clone(),
                version: self.questionnaire.version,
            })?;
        for response in &self.responses {
            let problems = answer_problems(questionnaire, response);
            if !problems.is_empty() {
                return Err(BatchError::InvalidAnswers {
                    response: response.id,
                    problems,
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
                    found: response.questionnaire.clone(),
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

/// Every answer of `response` that does not fit `questionnaire`: unknown question codes,
/// answers to questions that were not asked, and answers [`crate::answer::check`] rejects.
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
        .filter_map(|(code, answer)| match questionnaire.question(code) {
            None => Some((code.clone(), ResponseProblem::UnknownQuestion)),
            Some(question) if !asked.contains(&question.code) => {
                Some((code.clone(), ResponseProblem::NotAsked))
            }
            Some(question) => check(questionnaire, question, Some(answer))
                .err()
                .map(|problem| (code.clone(), ResponseProblem::Answer(problem))),
        })
        .collect()
}

/// Reads a batch file (or upload body) and accepts it only if it is whole and valid:
/// format and version, checksum, shape, count, no duplicates, a known questionnaire,
/// complete responses of that questionnaire, answers that fit their questions. Checks
/// run in that order and the first failure is returned.
pub fn parse_and_verify(
    json: &[u8],
    questionnaires: &(impl QuestionnaireSource + ?Sized),
) -> Result<Batch, BatchError> {
    let not_a_batch = |reason: &str| BatchError::NotABatch {
        reason: reason.to_owned(),
    };
    let mut value: Value = serde_json::from_slice(json).map_err(|error| BatchError::NotABatch {
        reason: format!("not JSON: {error}"),
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
    let computed = checksum_of_value(value.clone());
    if computed != declared {
        return Err(BatchError::ChecksumMismatch {
            expected: declared,
            found: computed,
        });
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("checksum".to_owned(), Value::String(declared));
    }
    let batch: Batch = serde_json::from_value(value).map_err(|error| BatchError::Malformed {
        reason: error.to_string(),
    })?;
    batch.verify(questionnaires)?;
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
    let digest = Sha256::digest(canonical_json(&value).as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answer;
    use crate::record::fixtures::{questionnaire, small_response};
    use crate::record::{DoorNote, Visit, VisitOutcome};

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
            parse_and_verify(json.as_bytes(), &questionnaire()).unwrap(),
            batch
        );
    }

    #[test]
    fn pretty_printed_and_reordered_files_verify_too() {
        let batch = batch_of(vec![finished_response()]).unwrap();
        let value = serde_json::to_value(&batch).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(
            parse_and_verify(pretty.as_bytes(), &questionnaire()).unwrap(),
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
            parse_and_verify(json.as_bytes(), &questionnaire()),
            Err(BatchError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn not_json_or_not_a_batch_is_not_a_batch() {
        for input in [&b"\xff\x00"[..], b"[1,2]", b"{\"format\":\"other\"}", b"{}"] {
            assert!(
                matches!(
                    parse_and_verify(input, &questionnaire()),
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
            parse_and_verify(input, &questionnaire()),
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
            parse_and_verify(&resealed(&mut batch), &questionnaire()),
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
            parse_and_verify(&resealed(&mut batch), &questionnaire()),
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
            parse_and_verify(&resealed(&mut batch), &questionnaire()),
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
            parse_and_verify(&resealed(&mut batch), &questionnaire()),
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
            parse_and_verify(&resealed(&mut batch), &questionnaire()),
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
        let result = parse_and_verify(&resealed(&mut batch), &questionnaire());
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

//! Where a malformed batch goes wrong, said without quoting it.
//!
//! serde_json's messages quote the value at fault (`invalid type: string "I feel
//! unsafe", expected …`), and a value may be an answer. So the error is described by
//! its category ([`MalformedKind::of`]) and its place: the line and column, and, found
//! by decoding the batch again one response at a time and one answer at a time, the
//! response and the question. This runs only for a batch that failed, so accepted
//! batches are decoded once.

use serde::Deserialize;
use serde_json::Value;

use super::{echo, Batch, BatchError, MalformedKind, Place, Position, ECHO_CHARS};
use crate::answer::Answer;
use crate::questionnaire::QuestionCode;
use crate::record::{Response, VisitOutcomeRecord};

/// The error's line and column, if it has them (errors of decoding from a
/// [`Value`] do not).
pub(super) fn position(error: &serde_json::Error) -> Option<Position> {
    (error.line() > 0).then(|| Position {
        line: error.line(),
        column: error.column(),
    })
}

/// A malformed-batch error for a batch (`json`, which is valid JSON) that `error` says
/// does not decode.
pub(super) fn malformed(json: &[u8], error: &serde_json::Error) -> BatchError {
    // Decoding the text (rather than the value) gives the line and column.
    let position = serde_json::from_slice::<Batch>(json)
        .err()
        .and_then(|error| position(&error));
    let (place, question) = match serde_json::from_slice::<Value>(json) {
        Ok(value) => place_of_fault(&value),
        Err(_) => (Place::Batch, None),
    };
    BatchError::Malformed {
        place,
        question,
        kind: MalformedKind::of(error),
        position,
    }
}

/// A malformed-batch error with no place (writing a batch that does not encode).
pub(super) fn unplaced(error: &serde_json::Error) -> BatchError {
    BatchError::Malformed {
        place: Place::Batch,
        question: None,
        kind: MalformedKind::of(error),
        position: position(error),
    }
}

/// The first response or visit that does not decode, and in a response the first answer
/// that does not; the batch itself when every response and visit decodes.
fn place_of_fault(batch: &Value) -> (Place, Option<QuestionCode>) {
    let items = |member: &str| {
        batch
            .get(member)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    for (index, item) in items("responses").iter().enumerate() {
        if Response::deserialize(item).is_ok() {
            continue;
        }
        let question = item
            .get("a")
            .and_then(Value::as_object)
            .and_then(|answers| {
                answers
                    .iter()
                    .find(|(_, answer)| Answer::deserialize(*answer).is_err())
            })
            .map(|(code, _)| QuestionCode(echo(code, ECHO_CHARS)));
        let id = id_of(item);
        return (Place::Response { index, id }, question);
    }
    for (index, item) in items("visits").iter().enumerate() {
        if VisitOutcomeRecord::deserialize(item).is_err() {
            let id = id_of(item);
            return (Place::Visit { index, id }, None);
        }
    }
    (Place::Batch, None)
}

/// The `id` of a response or visit that does not decode, if that member reads.
fn id_of<T: std::str::FromStr>(item: &Value) -> Option<T> {
    item.get("id")
        .and_then(Value::as_str)
        .and_then(|id| id.parse().ok())
}

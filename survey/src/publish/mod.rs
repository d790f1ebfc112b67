//! Publishing a new version of a questionnaire: what it changes since the version before
//! it, for the admin to read before publishing ([`Changes`]), and the rules it must keep
//! against every version ever published so that every stored response keeps its meaning
//! ([`PublishProblem`]).
//!
//! The rules, checked against all earlier versions (not only the newest):
//!
//! - the same questionnaire id, and a version number higher than every earlier one;
//! - a question code keeps its kind (`single_choice` stays `single_choice`): its column
//!   means the same in every version;
//! - a question code removed in some version is never used again, for anything;
//! - an option code keeps its meaning: a changed label is not refused, but it is a change
//!   the admin must confirm ([`Change::to_confirm`]) before publishing. A removed option
//!   stays readable in old data, because every published version stays stored.
//!
//! The new version has passed [`crate::validate`] first: these rules are about versions,
//! not about a file on its own.

mod changes;

use std::fmt;

use crate::questionnaire::{QuestionCode, Questionnaire};

pub use changes::{Change, Changes, RuleChange};

/// Why a new version cannot be published over the earlier ones, naming what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublishProblem {
    /// The file is another questionnaire.
    OtherQuestionnaire { expected: String, found: String },
    /// Its version is not higher than the newest one stored.
    NotNewer { version: u32, newest: u32 },
    /// A question's kind differs from what it was in an earlier version.
    KindChanged {
        question: QuestionCode,
        was: &'static str,
        in_version: u32,
        now: &'static str,
    },
    /// A question code removed in an earlier version is used again.
    CodeReused {
        question: QuestionCode,
        removed_in: u32,
    },
}

impl fmt::Display for PublishProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishProblem::OtherQuestionnaire { expected, found } => write!(
                f,
                "this file is questionnaire \"{found}\", but this collector holds \"{expected}\": a new version keeps the id"
            ),
            PublishProblem::NotNewer { version, newest } => write!(
                f,
                "its version is {version}, but version {newest} is already stored: give it version {}",
                newest + 1
            ),
            PublishProblem::KindChanged {
                question,
                was,
                in_version,
                now,
            } => write!(
                f,
                "question {question} is {now} here but was {was} in version {in_version}: a code keeps its kind, so give the changed question a new code"
            ),
            PublishProblem::CodeReused {
                question,
                removed_in,
            } => write!(
                f,
                "question code {question} was removed in version {removed_in} and cannot be used again: give the question a new code"
            ),
        }
    }
}

/// Every problem of a new version, in the order found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishRefused {
    /// The problems (at least one).
    pub problems: Vec<PublishProblem>,
}

impl fmt::Display for PublishRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        write!(
            f,
            "{count} problem{} with publishing this version: ",
            if count == 1 { "" } else { "s" }
        )?;
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PublishRefused {}

/// Checks `new` against every version in `earlier` (any order, any state) and lists what
/// it changes since the newest of them: the list, or every rule it breaks.
pub fn check(earlier: &[Questionnaire], new: &Questionnaire) -> Result<Changes, PublishRefused> {
    let mut problems = Vec::new();
    let mut ordered: Vec<&Questionnaire> = earlier.iter().collect();
    ordered.sort_by_key(|q| q.version);
    if let Some(first) = ordered.first() {
        if first.id != new.id {
            problems.push(PublishProblem::OtherQuestionnaire {
                expected: first.id.clone(),
                found: new.id.clone(),
            });
        }
    }
    let newest = ordered.last().copied();
    if let Some(newest) = newest {
        if new.version <= newest.version {
            problems.push(PublishProblem::NotNewer {
                version: new.version,
                newest: newest.version,
            });
        }
    }
    for (_, question) in new.questions() {
        let code = &question.code;
        // Kind: as it was the first time the code was used.
        if let Some((version, earlier)) = ordered
            .iter()
            .find_map(|q| q.question(code).map(|earlier| (q.version, earlier)))
        {
            if earlier.kind.name() != question.kind.name() {
                problems.push(PublishProblem::KindChanged {
                    question: code.clone(),
                    was: earlier.kind.name(),
                    in_version: version,
                    now: question.kind.name(),
                });
            }
        }
        // Reuse: present once, absent in a later version.
        let mut seen = false;
        for q in &ordered {
            match (seen, q.question(code).is_some()) {
                (false, true) => seen = true,
                (true, false) => {
                    problems.push(PublishProblem::CodeReused {
                        question: code.clone(),
                        removed_in: q.version,
                    });
                    break;
                }
                _ => {}
            }
        }
    }
    if !problems.is_empty() {
        return Err(PublishRefused { problems });
    }
    Ok(Changes {
        from: newest.map(|q| q.version),
        to: new.version,
        items: newest.map_or_else(Vec::new, |old| changes::differences(old, new)),
    })
}

#[cfg(test)]
mod tests;

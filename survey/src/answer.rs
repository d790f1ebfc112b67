//! Answers, and whether an answer is acceptable for its question.

use serde::de::{self, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::questionnaire::{NonSubstantive, OptionCode, Question, QuestionKind, Questionnaire};

/// A resident's answer to one question.
///
/// Stored compactly, because thousands of responses share one device's LocalStorage
/// (Chromium allows 5,242,880 characters per site): the common answers are bare JSON —
/// a choice `3`, several choices `[1,4]`, `"dk"` and `"pns"` — and the rarer kinds are
/// tagged, a number `{"n":7}` and text `{"t":"…"}`, so no two kinds look alike.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// One option: single choice, ordered scale, yes/no, consent.
    Choice(OptionCode),
    /// Several options of a multiple-choice question, in the order chosen.
    Choices(Vec<OptionCode>),
    /// A whole number or a 0–10 rating.
    Number(i64),
    /// Free text.
    Text(String),
    /// "Don't know".
    DontKnow,
    /// "Prefer not to say".
    PreferNotToSay,
}

// Written by hand rather than derived as an untagged enum: serde buffers untagged input
// through its generic `Content` type, which is slower to read thousands of responses
// and adds kilobytes of code to the app's download.
impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Choice(code) => serializer.serialize_u16(*code),
            Answer::Choices(codes) => codes.serialize(serializer),
            Answer::DontKnow => serializer.serialize_str(DONT_KNOW),
            Answer::PreferNotToSay => serializer.serialize_str(PREFER_NOT_TO_SAY),
            Answer::Number(n) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(NUMBER, n)?;
                map.end()
            }
            Answer::Text(text) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(TEXT, text)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Answer, D::Error> {
        deserializer.deserialize_any(AnswerVisitor)
    }
}

const DONT_KNOW: &str = "dk";
const PREFER_NOT_TO_SAY: &str = "pns";
const NUMBER: &str = "n";
const TEXT: &str = "t";

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "an answer: an option code, a list of option codes, \"dk\", \"pns\", \
             {\"n\": number} or {\"t\": text}",
        )
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Answer, E> {
        OptionCode::try_from(value)
            .map(Answer::Choice)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(value), &self))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Answer, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Answer, E> {
        match value {
            DONT_KNOW => Ok(Answer::DontKnow),
            PREFER_NOT_TO_SAY => Ok(Answer::PreferNotToSay),
            _ => Err(E::invalid_value(Unexpected::Str(value), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
        let mut codes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(code) = seq.next_element::<OptionCode>()? {
            codes.push(code);
        }
        Ok(Answer::Choices(codes))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
        let answer = match map.next_key::<std::borrow::Cow<'de, str>>()?.as_deref() {
            Some(NUMBER) => Answer::Number(map.next_value()?),
            Some(TEXT) => Answer::Text(map.next_value()?),
            Some(other) => return Err(de::Error::unknown_field(other, &[NUMBER, TEXT])),
            None => return Err(de::Error::invalid_length(0, &self)),
        };
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(2, &self));
        }
        Ok(answer)
    }
}

impl Answer {
    /// The non-substantive answer this is, if it is one.
    pub fn non_substantive(&self) -> Option<NonSubstantive> {
        match self {
            Answer::DontKnow => Some(NonSubstantive::DontKnow),
            Answer::PreferNotToSay => Some(NonSubstantive::PreferNotToSay),
            _ => None,
        }
    }

    /// The non-substantive answer as an [`Answer`].
    pub fn from_non_substantive(answer: NonSubstantive) -> Answer {
        match answer {
            NonSubstantive::DontKnow => Answer::DontKnow,
            NonSubstantive::PreferNotToSay => Answer::PreferNotToSay,
        }
    }
}

/// Why an answer (or its absence) is not acceptable: the engine's typed verdict, which the
/// app turns into plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum AnswerProblem {
    /// A required question has no answer.
    #[error("an answer is needed")]
    Required,
    /// A number or rating is outside its range.
    #[error("the number must be from {min} to {max}")]
    OutOfRange {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// Text is longer than allowed.
    #[error("the text is {length} characters; at most {max} are allowed")]
    TooLong {
        /// Characters given.
        length: u32,
        /// Most allowed.
        max: u32,
    },
    /// More options chosen than allowed.
    #[error("{chosen} options chosen; at most {max} are allowed")]
    TooMany {
        /// Options chosen.
        chosen: u16,
        /// Most allowed.
        max: u16,
    },
    /// An exclusive option ("None of these") was chosen with others.
    #[error("\"{option}\" cannot be chosen together with other options")]
    ExclusiveConflict {
        /// The exclusive option's code.
        option: OptionCode,
    },
    /// An option the question does not offer, the same option twice, or no option at all.
    #[error("not one of the question's options")]
    UnknownOption,
    /// "Don't know" or "prefer not to say" where the question does not offer it.
    #[error("this question does not offer that answer")]
    NotOffered,
    /// The answer is of the wrong kind for the question (text for a number…), or the
    /// question takes no answer at all.
    #[error("the answer does not fit the question")]
    WrongKind,
}

/// Checks one answer (or its absence) against its question.
///
/// `Ok(())` is the engine's "ok". A missing answer is only a problem when the question is
/// required; the caller decides whether the question is shown at all.
pub fn check(
    questionnaire: &Questionnaire,
    question: &Question,
    answer: Option<&Answer>,
) -> Result<(), AnswerProblem> {
    let Some(answer) = answer else {
        return match (&question.kind, question.required) {
            (QuestionKind::Notice, _) | (_, false) => Ok(()),
            (_, true) => Err(AnswerProblem::Required),
        };
    };
    if let Some(non_substantive) = answer.non_substantive() {
        return if question.allow.contains(&non_substantive) {
            Ok(())
        } else {
            Err(AnswerProblem::NotOffered)
        };
    }
    match (&question.kind, answer) {
        (QuestionKind::Notice, _) => Err(AnswerProblem::WrongKind),
        (
            QuestionKind::Consent
            | QuestionKind::YesNo
            | QuestionKind::SingleChoice { .. }
            | QuestionKind::Ordered { .. },
            Answer::Choice(code),
        ) => {
            if questionnaire
                .options(question)
                .iter()
                .any(|o| o.code == *code)
            {
                Ok(())
            } else {
                Err(AnswerProblem::UnknownOption)
            }
        }
        (QuestionKind::MultipleChoice { max_selections, .. }, Answer::Choices(codes)) => {
            let options = questionnaire.options(question);
            let mut seen = Vec::with_capacity(codes.len());
            for code in codes {
                if seen.contains(code) || !options.iter().any(|o| o.code == *code) {
                    return Err(AnswerProblem::UnknownOption);
                }
                seen.push(*code);
            }
            if codes.is_empty() {
                return if question.required {
                    Err(AnswerProblem::Required)
                } else {
                    Ok(())
                };
            }
            if codes.len() > 1 {
                if let Some(exclusive) = options
                    .iter()
                    .find(|o| o.exclusive && codes.contains(&o.code))
                {
                    return Err(AnswerProblem::ExclusiveConflict {
                        option: exclusive.code,
                    });
                }
            }
            match max_selections {
                Some(max) if codes.len() > usize::from(*max) => Err(AnswerProblem::TooMany {
                    chosen: u16::try_from(codes.len()).unwrap_or(u16::MAX),
                    max: *max,
                }),
                _ => Ok(()),
            }
        }
        (QuestionKind::Rating { .. }, Answer::Number(n)) => in_range(*n, 0, 10),
        (QuestionKind::Number { min, max }, Answer::Number(n)) => in_range(*n, *min, *max),
        (QuestionKind::Text { max_length, .. }, Answer::Text(text)) => {
            let length = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
            if length > *max_length {
                Err(AnswerProblem::TooLong {
                    length,
                    max: *max_length,
                })
            } else if question.required && text.trim().is_empty() {
                Err(AnswerProblem::Required)
            } else {
                Ok(())
            }
        }
        _ => Err(AnswerProblem::WrongKind),
    }
}

fn in_range(n: i64, min: i64, max: i64) -> Result<(), AnswerProblem> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(AnswerProblem::OutOfRange { min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::Answer;

    #[test]
    fn answers_are_stored_compactly_and_read_back() {
        let cases = [
            (Answer::Choice(3), "3"),
            (Answer::Choices(vec![1, 4]), "[1,4]"),
            (Answer::Choices(vec![]), "[]"),
            (Answer::DontKnow, "\"dk\""),
            (Answer::PreferNotToSay, "\"pns\""),
            (Answer::Number(-7), "{\"n\":-7}"),
            (Answer::Text("dk".into()), "{\"t\":\"dk\"}"),
        ];
        for (answer, json) in cases {
            assert_eq!(serde_json::to_string(&answer).unwrap(), json);
            assert_eq!(serde_json::from_str::<Answer>(json).unwrap(), answer);
        }
    }

    #[test]
    fn what_is_no_answer_is_refused() {
        for json in [
            "\"maybe\"",
            "70000",
            "-1",
            "{\"x\":1}",
            "{}",
            "{\"n\":1,\"t\":\"a\"}",
            "{\"n\":\"7\"}",
            "[1,\"a\"]",
            "null",
            "1.5",
            "true",
        ] {
            assert!(serde_json::from_str::<Answer>(json).is_err(), "{json}");
        }
    }
}

//! The questionnaire as data: what a partner edits in `questionnaires/*.json`.
//!
//! These types are the file format. They deserialize any well-formed file; whether the
//! file makes sense (unique codes, conditions that point backwards, complete
//! translations…) is checked by [`crate::validate`], which every loader calls.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A language tag as used in the file (`"en"`, `"tr"`, `"bn"`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LanguageCode(pub String);

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A question's stable code (`"AREA_SATISFACTION"`): the key of its answer in every
/// response and the name of its column in every export. Never reused for another meaning.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionCode(pub String);

impl QuestionCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for QuestionCode {
    fn from(code: &str) -> Self {
        QuestionCode(code.to_owned())
    }
}

/// The coded value of an answer option (`1` = "Very satisfied"), what analysts see.
pub type OptionCode = u16;

/// Text in every language of the questionnaire: `{"en": "…", "tr": "…", "bn": "…"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(pub BTreeMap<LanguageCode, String>);

impl Text {
    /// The text in `language`, falling back to `fallback` (the questionnaire's first
    /// language) when a draft translation lacks it.
    pub fn get<'a>(&'a self, language: &LanguageCode, fallback: &LanguageCode) -> &'a str {
        self.0
            .get(language)
            .or_else(|| self.0.get(fallback))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The text in `language` only, if present and not blank.
    pub fn exact(&self, language: &LanguageCode) -> Option<&str> {
        self.0
            .get(language)
            .map(String::as_str)
            .filter(|text| !text.trim().is_empty())
    }
}

/// Whether a qualified translator has checked a language's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranslationStatus {
    /// Machine or volunteer translation: usable, to be checked.
    Draft,
    /// Checked by a qualified translator.
    Reviewed,
}

/// One language the questionnaire is offered in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    /// Tag used as the key in every [`Text`].
    pub code: LanguageCode,
    /// The language's name in itself (`"Türkçe"`), as a resident would look for it.
    pub name: String,
    /// Draft or reviewed.
    pub status: TranslationStatus,
}

/// An area (ward) a worker can be assigned to; responses record its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Stable code, e.g. the ONS ward code.
    pub code: String,
    /// Name as shown to the worker.
    pub name: String,
}

/// A partner agency whose workers use the questionnaire; responses record its code and
/// the collector issues upload tokens per agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// Stable code (`"hackney-council"`).
    pub code: String,
    /// Name as shown to the worker.
    pub name: String,
}

/// One answer option of a choice question or scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    /// Coded value (unique within the question).
    pub code: OptionCode,
    /// Label in every language.
    pub label: Text,
    /// Choosing it excludes every other option ("None of these") — multiple choice only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclusive: bool,
}

/// A named, ordered answer scale shared by many questions (agreement, frequency…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    /// Options from one end of the scale to the other.
    pub options: Vec<AnswerOption>,
}

/// Answers that say the resident has no substantive answer. They count as answers, so a
/// required question accepts them when the question allows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonSubstantive {
    /// "Don't know".
    DontKnow,
    /// "Prefer not to say".
    PreferNotToSay,
}

impl NonSubstantive {
    /// The code analysts see in exports: negative, so it never collides with an option.
    pub fn code(self) -> i32 {
        match self {
            NonSubstantive::DontKnow => -1,
            NonSubstantive::PreferNotToSay => -2,
        }
    }
}

/// Labels of the answers shared by many questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerLabels {
    /// "Yes" (code 1 of yes/no and consent questions).
    pub yes: Text,
    /// "No" (code 2).
    pub no: Text,
    /// "Don't know".
    pub dont_know: Text,
    /// "Prefer not to say".
    pub prefer_not_to_say: Text,
}

impl AnswerLabels {
    /// The label of a non-substantive answer.
    pub fn non_substantive(&self, answer: NonSubstantive) -> &Text {
        match answer {
            NonSubstantive::DontKnow => &self.dont_know,
            NonSubstantive::PreferNotToSay => &self.prefer_not_to_say,
        }
    }
}

/// What kind of answer a question takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// The consent statement: yes (1) or no (2). "No" ends the interview.
    Consent,
    /// Yes (1) or no (2).
    YesNo,
    /// One option of a list.
    SingleChoice {
        /// The options.
        options: Vec<AnswerOption>,
    },
    /// Any options of a list, up to `max_selections`; an `exclusive` option stands alone.
    MultipleChoice {
        /// The options.
        options: Vec<AnswerOption>,
        /// At most this many may be chosen (no limit when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_selections: Option<u16>,
    },
    /// One point of a named ordered scale from the file's `scales`.
    Ordered {
        /// Name of the scale in [`Questionnaire::scales`].
        scale: String,
    },
    /// A whole number from 0 to 10, with the meaning of each end.
    Rating {
        /// What 0 means ("Not at all").
        low_label: Text,
        /// What 10 means ("Completely").
        high_label: Text,
    },
    /// A whole number between `min` and `max`.
    Number {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// Free text, one line (`long: false`) or several, at most `max_length` characters.
    /// Residents are reminded not to give personal details.
    Text {
        /// Most characters allowed.
        max_length: u32,
        /// Several lines.
        #[serde(default)]
        long: bool,
    },
    /// Not a question: information for the resident (e.g. where to get debt advice),
    /// shown when its `show_if` holds. Takes no answer.
    Notice,
}

impl QuestionKind {
    /// The kind's name as written in the file (`"single_choice"`), used in the codebook
    /// and in the loader's messages so a partner can match them to the file.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Consent => "consent",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::SingleChoice { .. } => "single_choice",
            QuestionKind::MultipleChoice { .. } => "multiple_choice",
            QuestionKind::Ordered { .. } => "ordered",
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Text { .. } => "text",
            QuestionKind::Notice => "notice",
        }
    }
}

/// The condition under which a question is asked, over answers to earlier questions.
///
/// A condition on a question that was not asked, or answered "don't know" / "prefer not
/// to say", is false (and `not` of it is true).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The answer is this option (single choice, ordered, yes/no, consent) or includes it
    /// (multiple choice).
    Equals {
        /// The earlier question.
        question: QuestionCode,
        /// The option code.
        value: OptionCode,
    },
    /// The answer is (or includes) one of these options.
    OneOf {
        /// The earlier question.
        question: QuestionCode,
        /// The option codes.
        values: Vec<OptionCode>,
    },
    /// A number or rating answer is greater than `value`.
    GreaterThan {
        /// The earlier question.
        question: QuestionCode,
        /// The bound.
        value: i64,
    },
    /// A number or rating answer is less than `value`.
    LessThan {
        /// The earlier question.
        question: QuestionCode,
        /// The bound.
        value: i64,
    },
    /// A number or rating answer is between `min` and `max`, both included.
    Between {
        /// The earlier question.
        question: QuestionCode,
        /// Lower bound.
        min: i64,
        /// Upper bound.
        max: i64,
    },
    /// The inner condition is false.
    Not(Box<Condition>),
    /// Every inner condition holds.
    All(Vec<Condition>),
    /// At least one inner condition holds.
    Any(Vec<Condition>),
}

/// One question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable code.
    pub code: QuestionCode,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
    /// The question as read out, in every language.
    pub text: Text,
    /// Extra guidance for the worker or resident, in every language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Whether the interview cannot go on without an answer (non-substantive answers
    /// count, when allowed).
    #[serde(default)]
    pub required: bool,
    /// The non-substantive answers offered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<NonSubstantive>,
    /// Asked only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    /// For a notice only: when it is shown the interview ends there, nothing after it is
    /// asked and no response is kept (the resident is not eligible, e.g. under 16); only
    /// the visit outcome is recorded. It needs a `show_if`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ends_interview: bool,
    /// The published measure the question is comparable with (`"Place Survey NI 5"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

/// A section: one screen of the interview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Stable id (`"your_area"`).
    pub id: String,
    /// Heading in every language.
    pub title: Text,
    /// Words read out before the section's questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    /// The questions, in order.
    pub questions: Vec<Question>,
}

/// A whole questionnaire, as in its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    /// Stable id (`"doorstep-qol"`).
    pub id: String,
    /// Increases with every change that affects answers; responses record it.
    pub version: u32,
    /// Name of the questionnaire in every language.
    pub title: Text,
    /// Languages offered; the first is the source every translation is made from.
    pub languages: Vec<Language>,
    /// Labels of the answers every questionnaire shares, in every language.
    pub answer_labels: AnswerLabels,
    /// Areas (wards) a worker can be assigned to.
    pub areas: Vec<Area>,
    /// The partner agencies a worker can belong to (set-up offers these).
    #[serde(default)]
    pub agencies: Vec<Agency>,
    /// Named ordered scales used by `ordered` questions.
    #[serde(default)]
    pub scales: BTreeMap<String, Scale>,
    /// Sections in order; the first holds the consent question.
    pub sections: Vec<Section>,
}

impl Questionnaire {
    /// The source language (the first listed).
    pub fn source_language(&self) -> Option<&LanguageCode> {
        self.languages.first().map(|language| &language.code)
    }

    /// Every question in order, with the index of its section.
    pub fn questions(&self) -> impl Iterator<Item = (usize, &Question)> {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(index, section)| section.questions.iter().map(move |q| (index, q)))
    }

    /// The question with `code`.
    pub fn question(&self, code: &QuestionCode) -> Option<&Question> {
        self.questions()
            .map(|(_, question)| question)
            .find(|question| &question.code == code)
    }

    /// The options a question offers, in order (choice, ordered, yes/no and consent
    /// questions); empty for the others. Yes/no and consent are yes = 1, no = 2.
    pub fn options<'a>(&'a self, question: &'a Question) -> std::borrow::Cow<'a, [AnswerOption]> {
        use std::borrow::Cow;
        match &question.kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. } => Cow::Borrowed(options.as_slice()),
            QuestionKind::Ordered { scale } => self
                .scales
                .get(scale)
                .map(|scale| Cow::Borrowed(scale.options.as_slice()))
                .unwrap_or(Cow::Borrowed(&[])),
            QuestionKind::YesNo | QuestionKind::Consent => Cow::Owned(vec![
                AnswerOption {
                    code: YES,
                    label: self.answer_labels.yes.clone(),
                    exclusive: false,
                },
                AnswerOption {
                    code: NO,
                    label: self.answer_labels.no.clone(),
                    exclusive: false,
                },
            ]),
            _ => Cow::Borrowed(&[]),
        }
    }
}

/// The code of "yes" in yes/no and consent questions.
pub const YES: OptionCode = 1;
/// The code of "no" in yes/no and consent questions.
pub const NO: OptionCode = 2;

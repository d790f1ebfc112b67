//! Loading a questionnaire file and checking that it makes sense.
//!
//! The types in [`crate::questionnaire`] accept any well-formed file; this module rejects
//! one that would break an interview or its data: codes used twice, conditions that point
//! at nothing or forwards, missing translations, empty option lists… It reports every
//! problem at once, each naming where it is, because the person fixing the file is a
//! partner editing JSON by hand, not a developer with a debugger.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::questionnaire::{
    AnswerOption, Condition, LanguageCode, NonSubstantive, OptionCode, Question, QuestionCode,
    QuestionKind, Questionnaire, Text,
};

/// Where in the file a problem is. Every field empty means the questionnaire as a whole
/// (its id, version, title, languages, areas or shared answer labels).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The section's id, for a problem in a section or one of its questions.
    pub section: Option<String>,
    /// The question's code, for a problem in a question.
    pub question: Option<QuestionCode>,
    /// The scale's name, for a problem in one of the named `scales`.
    pub scale: Option<String>,
}

impl Location {
    /// The questionnaire as a whole.
    pub fn questionnaire() -> Self {
        Self::default()
    }

    /// A section (its title, intro or list of questions).
    pub fn section(id: &str) -> Self {
        Self {
            section: Some(id.to_owned()),
            ..Self::default()
        }
    }

    /// A question in a section.
    pub fn question(section: &str, code: &QuestionCode) -> Self {
        Self {
            section: Some(section.to_owned()),
            question: Some(code.clone()),
            scale: None,
        }
    }

    /// A named scale.
    pub fn scale(name: &str) -> Self {
        Self {
            scale: Some(name.to_owned()),
            ..Self::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.question, &self.section, &self.scale) {
            (Some(question), Some(section), _) => {
                write!(f, "question {question} (section {section})")
            }
            (Some(question), None, _) => write!(f, "question {question}"),
            (None, Some(section), _) => write!(f, "section {section}"),
            (None, None, Some(scale)) => write!(f, "scale {scale}"),
            (None, None, None) => f.write_str("questionnaire"),
        }
    }
}

/// Which text of a questionnaire, section, question or scale lacks a translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextPart {
    /// The title of the questionnaire or section.
    Title,
    /// A section's intro.
    Intro,
    /// A question's text.
    QuestionText,
    /// A question's help.
    Help,
    /// The label of an option (of a question or a scale).
    OptionLabel(OptionCode),
    /// What 0 means on a rating.
    LowLabel,
    /// What 10 means on a rating.
    HighLabel,
    /// One of the shared answer labels (`yes`, `no`, `dont_know`, `prefer_not_to_say`).
    AnswerLabel(&'static str),
}

impl fmt::Display for TextPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextPart::Title => f.write_str("title"),
            TextPart::Intro => f.write_str("intro"),
            TextPart::QuestionText => f.write_str("text"),
            TextPart::Help => f.write_str("help"),
            TextPart::OptionLabel(code) => write!(f, "option {code} label"),
            TextPart::LowLabel => f.write_str("low label"),
            TextPart::HighLabel => f.write_str("high label"),
            TextPart::AnswerLabel(name) => write!(f, "answer label {name}"),
        }
    }
}

/// What is wrong, without where (see [`DefinitionProblem`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    /// The file is not JSON, or not shaped like a questionnaire.
    #[error("not a questionnaire file (line {line}, column {column}): {message}")]
    Syntax {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// Version 0: responses could not tell it from "no version".
    #[error("version must be 1 or more")]
    VersionZero,
    /// No languages listed.
    #[error("no languages listed")]
    NoLanguages,
    /// A language listed twice.
    #[error("language {0} listed twice")]
    DuplicateLanguage(LanguageCode),
    /// A text lacks (or has only blanks in) one of the listed languages.
    #[error("{part}: missing {language}")]
    MissingText {
        /// Which text.
        part: TextPart,
        /// The language it lacks.
        language: LanguageCode,
    },
    /// No areas listed.
    #[error("no areas listed")]
    NoAreas,
    /// An area code listed twice.
    #[error("area {0} listed twice")]
    DuplicateArea(String),
    /// An agency code listed twice.
    #[error("agency {0} listed twice")]
    DuplicateAgency(String),
    /// An agency code that is not lowercase letters, digits and hyphens.
    #[error("agency code {0:?} must be lowercase letters, digits and hyphens")]
    BadAgencyCode(String),
    /// No sections.
    #[error("no sections")]
    NoSections,
    /// A section without questions.
    #[error("the section has no questions")]
    EmptySection,
    /// A section id used by an earlier section too.
    #[error("another section before it has the same id")]
    DuplicateSection,
    /// A question code used by an earlier question too.
    #[error("the code is also used in section {first_section}")]
    DuplicateQuestion {
        /// The section of the first question with this code.
        first_section: String,
    },
    /// No consent question anywhere.
    #[error("no consent question: the first question of the first section must be the consent")]
    NoConsent,
    /// The consent question is not the first question of the first section.
    #[error("the consent must be the first question of the first section")]
    ConsentNotFirst,
    /// A consent question after the first one.
    #[error("a second consent question (the first is {first})")]
    SecondConsent {
        /// The first consent question.
        first: QuestionCode,
    },
    /// The consent question is not required.
    #[error("the consent question must be required")]
    ConsentNotRequired,
    /// The consent question allows a non-substantive answer, which is neither yes nor no.
    #[error("the consent question must be answered yes or no, so it cannot allow {}", non_substantive_name(*.0))]
    ConsentAllows(NonSubstantive),
    /// A notice marked required: it takes no answer, so it could never be satisfied.
    #[error("a notice takes no answer, so it cannot be required")]
    NoticeRequired,
    /// A notice that allows a non-substantive answer: it takes no answer at all.
    #[error("a notice takes no answer, so it cannot allow {}", non_substantive_name(*.0))]
    NoticeAllows(NonSubstantive),
    /// `ends_interview` on a question that is not a notice.
    #[error("only a notice can end the interview")]
    EndsInterviewNotNotice,
    /// A notice that ends the interview without a `show_if`: no interview could go on.
    #[error("a notice that ends the interview needs a show_if, or no interview could go past it")]
    EndsInterviewAlways,
    /// The same non-substantive answer allowed twice.
    #[error("{} is allowed twice", non_substantive_name(*.0))]
    DuplicateAllow(NonSubstantive),
    /// A choice question or scale without options.
    #[error("no options")]
    NoOptions,
    /// Two options with the same code.
    #[error("option {0} listed twice")]
    DuplicateOption(OptionCode),
    /// An `exclusive` option outside a multiple-choice question, where it means nothing.
    #[error("option {0} is exclusive, but only multiple-choice options can be")]
    ExclusiveOutsideMultipleChoice(OptionCode),
    /// An `ordered` question naming a scale that is not in `scales`.
    #[error("scale {0} does not exist")]
    UnknownScale(String),
    /// A number question whose `min` is greater than its `max`.
    #[error("min {min} is greater than max {max}")]
    InvertedRange {
        /// The minimum given.
        min: i64,
        /// The maximum given.
        max: i64,
    },
    /// `max_selections` of 0: nothing could be chosen.
    #[error("max_selections must be at least 1")]
    MaxSelectionsZero,
    /// `max_selections` above the number of options.
    #[error("max_selections {max} is more than the {options} options")]
    MaxSelectionsAboveOptions {
        /// The limit given.
        max: u16,
        /// How many options there are.
        options: usize,
    },
    /// Text `max_length` of 0: nothing could be written.
    #[error("max_length must be at least 1")]
    MaxLengthZero,
    /// `show_if` refers to a code no question has.
    #[error("show_if refers to {0}, which does not exist")]
    UnknownReference(QuestionCode),
    /// `show_if` refers to the question it belongs to.
    #[error("show_if refers to the question itself")]
    SelfReference,
    /// `show_if` refers to a question asked later, whose answer cannot be known yet.
    #[error("show_if refers to {0}, which comes later")]
    ForwardReference(QuestionCode),
    /// A condition that cannot apply to the kind of question it refers to.
    #[error("show_if uses {condition} on {question}, a {kind} question")]
    IncompatibleCondition {
        /// The question referred to.
        question: QuestionCode,
        /// The condition's name in the file (`equals`, `greater_than`…).
        condition: &'static str,
        /// The question's kind in the file (`text`, `rating`…).
        kind: &'static str,
    },
    /// A condition expecting an option the question referred to does not offer.
    #[error("show_if expects option {value} of {question}, which it does not offer")]
    UnknownConditionOption {
        /// The question referred to.
        question: QuestionCode,
        /// The option code.
        value: OptionCode,
    },
    /// A `between` condition whose `min` is greater than its `max`: it could never hold.
    #[error("show_if between on {question}: min {min} is greater than max {max}")]
    InvertedConditionRange {
        /// The question referred to.
        question: QuestionCode,
        /// The lower bound given.
        min: i64,
        /// The upper bound given.
        max: i64,
    },
    /// An empty `all`, `any` or `one_of`, whose meaning a reader would have to guess.
    #[error("show_if has an empty {0}")]
    EmptyCondition(&'static str),
}

fn non_substantive_name(answer: NonSubstantive) -> &'static str {
    match answer {
        NonSubstantive::DontKnow => "dont_know",
        NonSubstantive::PreferNotToSay => "prefer_not_to_say",
    }
}

/// One problem in a questionnaire file, and where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {kind}")]
pub struct DefinitionProblem {
    /// Where it is.
    pub location: Location,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// Why a questionnaire file was rejected: every problem found, one per line when shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", lines(.problems))]
pub struct DefinitionError {
    /// The problems, in file order as far as possible. Never empty.
    pub problems: Vec<DefinitionProblem>,
}

impl DefinitionError {
    /// Whether any problem is of this kind (handy in tests and tooling).
    pub fn has(&self, kind: &ProblemKind) -> bool {
        self.problems.iter().any(|problem| &problem.kind == kind)
    }
}

fn lines(problems: &[DefinitionProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads a questionnaire file and checks it with [`validate`].
///
/// ```
/// # use survey::validate::load;
/// let result = load("{ \"id\": ");
/// assert!(matches!(result, Err(error) if error.to_string().contains("line 1")));
/// ```
pub fn load(json: &str) -> Result<Questionnaire, DefinitionError> {
    let questionnaire: Questionnaire =
        serde_json::from_str(json).map_err(|error| DefinitionError {
            problems: vec![DefinitionProblem {
                location: Location::questionnaire(),
                kind: ProblemKind::Syntax {
                    line: error.line(),
                    column: error.column(),
                    message: error.to_string(),
                },
            }],
        })?;
    validate(&questionnaire)?;
    Ok(questionnaire)
}

/// Checks that a questionnaire makes sense, reporting every problem found.
pub fn validate(questionnaire: &Questionnaire) -> Result<(), DefinitionError> {
    let mut checker = Checker::new(questionnaire);
    checker.header();
    checker.scales();
    checker.sections();
    checker.consent();
    if checker.problems.is_empty() {
        Ok(())
    } else {
        Err(DefinitionError {
            problems: checker.problems,
        })
    }
}

/// Where a question code first appears.
struct Position<'q> {
    /// Index in the whole questionnaire, counting across sections.
    index: usize,
    section: &'q str,
    question: &'q Question,
}

struct Checker<'q> {
    questionnaire: &'q Questionnaire,
    /// Each listed language once, so a duplicate is not reported again for every text.
    languages: Vec<&'q LanguageCode>,
    positions: BTreeMap<&'q QuestionCode, Position<'q>>,
    problems: Vec<DefinitionProblem>,
}

impl<'q> Checker<'q> {
    fn new(questionnaire: &'q Questionnaire) -> Self {
        let mut languages = Vec::new();
        for language in &questionnaire.languages {
            if !languages.contains(&&language.code) {
                languages.push(&language.code);
            }
        }
        // Positions are collected first so that a condition can tell a later question
        // (forward reference) from one that does not exist at all.
        let mut positions = BTreeMap::new();
        let all = questionnaire.sections.iter().flat_map(|section| {
            section
                .questions
                .iter()
                .map(move |question| (section.id.as_str(), question))
        });
        for (index, (section, question)) in all.enumerate() {
            positions.entry(&question.code).or_insert(Position {
                index,
                section,
                question,
            });
        }
        Self {
            questionnaire,
            languages,
            positions,
            problems: Vec::new(),
        }
    }

    fn report(&mut self, location: &Location, kind: ProblemKind) {
        self.problems.push(DefinitionProblem {
            location: location.clone(),
            kind,
        });
    }

    fn text(&mut self, location: &Location, part: TextPart, text: &Text) {
        for index in 0..self.languages.len() {
            let language = self.languages[index];
            if text.exact(language).is_none() {
                self.report(
                    location,
                    ProblemKind::MissingText {
                        part,
                        language: language.clone(),
                    },
                );
            }
        }
    }

    fn header(&mut self) {
        let q = self.questionnaire;
        let here = Location::questionnaire();
        if q.version == 0 {
            self.report(&here, ProblemKind::VersionZero);
        }
        if q.languages.is_empty() {
            self.report(&here, ProblemKind::NoLanguages);
        }
        let mut seen = BTreeSet::new();
        for language in &q.languages {
            if !seen.insert(&language.code) {
                self.report(&here, ProblemKind::DuplicateLanguage(language.code.clone()));
            }
        }
        self.text(&here, TextPart::Title, &q.title);
        let labels = &q.answer_labels;
        self.text(&here, TextPart::AnswerLabel("yes"), &labels.yes);
        self.text(&here, TextPart::AnswerLabel("no"), &labels.no);
        self.text(&here, TextPart::AnswerLabel("dont_know"), &labels.dont_know);
        self.text(
            &here,
            TextPart::AnswerLabel("prefer_not_to_say"),
            &labels.prefer_not_to_say,
        );
        if q.areas.is_empty() {
            self.report(&here, ProblemKind::NoAreas);
        }
        let mut seen = BTreeSet::new();
        for area in &q.areas {
            if !seen.insert(&area.code) {
                self.report(&here, ProblemKind::DuplicateArea(area.code.clone()));
            }
        }
        let mut seen = BTreeSet::new();
        for agency in &q.agencies {
            let code = &agency.code;
            let well_formed = !code.is_empty()
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !well_formed {
                self.report(&here, ProblemKind::BadAgencyCode(code.clone()));
            }
            if !seen.insert(code) {
                self.report(&here, ProblemKind::DuplicateAgency(code.clone()));
            }
        }
    }

    fn scales(&mut self) {
        for (name, scale) in &self.questionnaire.scales {
            self.options(&Location::scale(name), &scale.options, false);
        }
    }

    /// Checks an option list; `exclusive_allowed` only for multiple choice.
    fn options(&mut self, location: &Location, options: &[AnswerOption], exclusive_allowed: bool) {
        if options.is_empty() {
            self.report(location, ProblemKind::NoOptions);
        }
        let mut seen = BTreeSet::new();
        for option in options {
            if !seen.insert(option.code) {
                self.report(location, ProblemKind::DuplicateOption(option.code));
            }
            if option.exclusive && !exclusive_allowed {
                self.report(
                    location,
                    ProblemKind::ExclusiveOutsideMultipleChoice(option.code),
                );
            }
            self.text(location, TextPart::OptionLabel(option.code), &option.label);
        }
    }

    fn sections(&mut self) {
        let q = self.questionnaire;
        if q.sections.is_empty() {
            self.report(&Location::questionnaire(), ProblemKind::NoSections);
        }
        let mut section_ids = BTreeSet::new();
        let mut index = 0;
        for section in &q.sections {
            let here = Location::section(&section.id);
            if !section_ids.insert(section.id.as_str()) {
                self.report(&here, ProblemKind::DuplicateSection);
            }
            if section.questions.is_empty() {
                self.report(&here, ProblemKind::EmptySection);
            }
            self.text(&here, TextPart::Title, &section.title);
            if let Some(intro) = &section.intro {
                self.text(&here, TextPart::Intro, intro);
            }
            for question in &section.questions {
                self.question(&section.id, index, question);
                index += 1;
            }
        }
    }

    fn question(&mut self, section: &str, index: usize, question: &'q Question) {
        let here = Location::question(section, &question.code);
        if let Some(first) = self.positions.get(&question.code) {
            if first.index != index {
                let first_section = first.section.to_owned();
                self.report(&here, ProblemKind::DuplicateQuestion { first_section });
            }
        }
        self.text(&here, TextPart::QuestionText, &question.text);
        if let Some(help) = &question.help {
            self.text(&here, TextPart::Help, help);
        }
        let mut allowed = BTreeSet::new();
        for answer in &question.allow {
            if !allowed.insert(*answer) {
                self.report(&here, ProblemKind::DuplicateAllow(*answer));
            }
        }
        match &question.kind {
            QuestionKind::Consent => {
                if !question.required {
                    self.report(&here, ProblemKind::ConsentNotRequired);
                }
                for answer in allowed {
                    self.report(&here, ProblemKind::ConsentAllows(answer));
                }
            }
            QuestionKind::YesNo => {}
            QuestionKind::SingleChoice { options } => self.options(&here, options, false),
            QuestionKind::MultipleChoice {
                options,
                max_selections,
            } => {
                self.options(&here, options, true);
                match max_selections {
                    Some(0) => self.report(&here, ProblemKind::MaxSelectionsZero),
                    Some(max) if usize::from(*max) > options.len() => self.report(
                        &here,
                        ProblemKind::MaxSelectionsAboveOptions {
                            max: *max,
                            options: options.len(),
                        },
                    ),
                    _ => {}
                }
            }
            QuestionKind::Ordered { scale } => {
                if !self.questionnaire.scales.contains_key(scale) {
                    self.report(&here, ProblemKind::UnknownScale(scale.clone()));
                }
            }
            QuestionKind::Rating {
                low_label,
                high_label,
            } => {
                self.text(&here, TextPart::LowLabel, low_label);
                self.text(&here, TextPart::HighLabel, high_label);
            }
            QuestionKind::Number { min, max } => {
                if min > max {
                    self.report(
                        &here,
                        ProblemKind::InvertedRange {
                            min: *min,
                            max: *max,
                        },
                    );
                }
            }
            QuestionKind::Text { max_length, .. } => {
                if *max_length == 0 {
                    self.report(&here, ProblemKind::MaxLengthZero);
                }
            }
            QuestionKind::Notice => {
                if question.required {
                    self.report(&here, ProblemKind::NoticeRequired);
                }
                if question.ends_interview && question.show_if.is_none() {
                    self.report(&here, ProblemKind::EndsInterviewAlways);
                }
                for answer in allowed {
                    self.report(&here, ProblemKind::NoticeAllows(answer));
                }
            }
        }
        if question.ends_interview && question.kind != QuestionKind::Notice {
            self.report(&here, ProblemKind::EndsInterviewNotNotice);
        }
        if let Some(condition) = &question.show_if {
            self.condition(&here, index, question, condition);
        }
    }

    fn condition(
        &mut self,
        here: &Location,
        index: usize,
        owner: &Question,
        condition: &Condition,
    ) {
        match condition {
            Condition::Equals { question, value } => {
                self.choice_reference(here, index, owner, "equals", question, &[*value]);
            }
            Condition::OneOf { question, values } => {
                if values.is_empty() {
                    self.report(here, ProblemKind::EmptyCondition("one_of"));
                }
                self.choice_reference(here, index, owner, "one_of", question, values);
            }
            Condition::GreaterThan { question, .. } => {
                self.number_reference(here, index, owner, "greater_than", question);
            }
            Condition::LessThan { question, .. } => {
                self.number_reference(here, index, owner, "less_than", question);
            }
            Condition::Between { question, min, max } => {
                if min > max {
                    self.report(
                        here,
                        ProblemKind::InvertedConditionRange {
                            question: question.clone(),
                            min: *min,
                            max: *max,
                        },
                    );
                }
                self.number_reference(here, index, owner, "between", question);
            }
            Condition::Not(inner) => self.condition(here, index, owner, inner),
            Condition::All(inner) | Condition::Any(inner) => {
                if inner.is_empty() {
                    let name = if matches!(condition, Condition::All(_)) {
                        "all"
                    } else {
                        "any"
                    };
                    self.report(here, ProblemKind::EmptyCondition(name));
                }
                for condition in inner {
                    self.condition(here, index, owner, condition);
                }
            }
        }
    }

    /// The question a condition refers to, if it exists, is not the owner and comes
    /// before it; otherwise reports why not.
    fn reference(
        &mut self,
        here: &Location,
        index: usize,
        owner: &Question,
        code: &QuestionCode,
    ) -> Option<&'q Question> {
        if code == &owner.code {
            self.report(here, ProblemKind::SelfReference);
            return None;
        }
        let Some(target) = self.positions.get(code) else {
            self.report(here, ProblemKind::UnknownReference(code.clone()));
            return None;
        };
        let (target_index, target) = (target.index, target.question);
        if target_index > index {
            self.report(here, ProblemKind::ForwardReference(code.clone()));
        }
        // A forward reference's kind is still checked: the partner fixes both at once.
        Some(target)
    }

    fn choice_reference(
        &mut self,
        here: &Location,
        index: usize,
        owner: &Question,
        condition: &'static str,
        code: &QuestionCode,
        values: &[OptionCode],
    ) {
        let Some(target) = self.reference(here, index, owner, code) else {
            return;
        };
        match &target.kind {
            QuestionKind::Consent
            | QuestionKind::YesNo
            | QuestionKind::SingleChoice { .. }
            | QuestionKind::MultipleChoice { .. } => {}
            QuestionKind::Ordered { scale } => {
                // An unknown scale is reported on the question itself; its options are
                // unknown, so checking the condition's values against them would only
                // add noise.
                if !self.questionnaire.scales.contains_key(scale) {
                    return;
                }
            }
            kind => {
                self.report(
                    here,
                    ProblemKind::IncompatibleCondition {
                        question: code.clone(),
                        condition,
                        kind: kind.name(),
                    },
                );
                return;
            }
        }
        let options = self.questionnaire.options(target);
        for value in values {
            if !options.iter().any(|option| option.code == *value) {
                self.report(
                    here,
                    ProblemKind::UnknownConditionOption {
                        question: code.clone(),
                        value: *value,
                    },
                );
            }
        }
    }

    fn number_reference(
        &mut self,
        here: &Location,
        index: usize,
        owner: &Question,
        condition: &'static str,
        code: &QuestionCode,
    ) {
        let Some(target) = self.reference(here, index, owner, code) else {
            return;
        };
        if !matches!(
            target.kind,
            QuestionKind::Number { .. } | QuestionKind::Rating { .. }
        ) {
            self.report(
                here,
                ProblemKind::IncompatibleCondition {
                    question: code.clone(),
                    condition,
                    kind: target.kind.name(),
                },
            );
        }
    }

    fn consent(&mut self) {
        let q = self.questionnaire;
        let mut first: Option<&QuestionCode> = None;
        for (section_index, section) in q.sections.iter().enumerate() {
            for (question_index, question) in section.questions.iter().enumerate() {
                if question.kind != QuestionKind::Consent {
                    continue;
                }
                let here = Location::question(&section.id, &question.code);
                match first {
                    Some(first) => self.report(
                        &here,
                        ProblemKind::SecondConsent {
                            first: first.clone(),
                        },
                    ),
                    None => {
                        first = Some(&question.code);
                        if (section_index, question_index) != (0, 0) {
                            self.report(&here, ProblemKind::ConsentNotFirst);
                        }
                    }
                }
            }
        }
        if first.is_none() {
            self.report(&Location::questionnaire(), ProblemKind::NoConsent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::{Language, Scale, TranslationStatus};

    const FIXTURE: &str = include_str!("../tests/fixtures/small.json");

    fn fixture() -> Questionnaire {
        load(FIXTURE).expect("the fixture is valid")
    }

    fn question_mut<'a>(q: &'a mut Questionnaire, code: &str) -> &'a mut Question {
        q.sections
            .iter_mut()
            .flat_map(|section| section.questions.iter_mut())
            .find(|question| question.code.as_str() == code)
            .expect("fixture question")
    }

    fn problems(q: &Questionnaire) -> Vec<DefinitionProblem> {
        validate(q).expect_err("should be rejected").problems
    }

    fn kinds(q: &Questionnaire) -> Vec<ProblemKind> {
        problems(q)
            .into_iter()
            .map(|problem| problem.kind)
            .collect()
    }

    fn at(section: &str, code: &str) -> Location {
        Location::question(section, &QuestionCode::from(code))
    }

    fn code(code: &str) -> QuestionCode {
        QuestionCode::from(code)
    }

    fn text(en: &str, tr: &str) -> Text {
        let mut text = Text::default();
        text.0.insert(LanguageCode("en".into()), en.into());
        text.0.insert(LanguageCode("tr".into()), tr.into());
        text
    }

    fn option(code: OptionCode) -> AnswerOption {
        AnswerOption {
            code,
            label: text("x", "x"),
            exclusive: false,
        }
    }

    #[test]
    fn the_fixture_is_valid() {
        assert_eq!(validate(&fixture()), Ok(()));
    }

    #[test]
    fn invalid_json_is_reported_with_line_and_column() {
        let error = load("{\n  \"id\": \"x\",\n  oops\n}").expect_err("not JSON");
        match &error.problems[..] {
            [DefinitionProblem {
                kind: ProblemKind::Syntax { line, column, .. },
                ..
            }] => assert_eq!((*line, *column), (3, 3)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_wrongly_shaped_file_is_reported_with_line_and_column() {
        let json = FIXTURE.replacen("\"version\": 1", "\"version\": \"one\"", 1);
        let error = load(&json).expect_err("version is a string");
        assert!(matches!(
            error.problems[0].kind,
            ProblemKind::Syntax { line: 3, .. }
        ));
    }

    #[test]
    fn version_zero_is_rejected() {
        let mut q = fixture();
        q.version = 0;
        assert_eq!(kinds(&q), vec![ProblemKind::VersionZero]);
    }

    #[test]
    fn duplicate_codes_are_rejected_naming_both_sections() {
        let mut q = fixture();
        question_mut(&mut q, "COMMENT").code = code("ADULTS");
        let problems = problems(&q);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "question ADULTS (section money): the code is also used in section home"
        );
        assert_eq!(problems[0].location, at("money", "ADULTS"));
        assert_eq!(
            problems[0].kind,
            ProblemKind::DuplicateQuestion {
                first_section: "home".into()
            }
        );
    }

    #[test]
    fn duplicate_section_ids_are_rejected() {
        let mut q = fixture();
        q.sections[3].id = "home".into();
        let problems = problems(&q);
        assert!(problems.contains(&DefinitionProblem {
            location: Location::section("home"),
            kind: ProblemKind::DuplicateSection
        }));
    }

    #[test]
    fn show_if_on_an_unknown_question_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "LANDLORD").show_if = Some(Condition::Equals {
            question: code("TENANCY"),
            value: 3,
        });
        assert_eq!(
            problems(&q),
            vec![DefinitionProblem {
                location: at("renting", "LANDLORD"),
                kind: ProblemKind::UnknownReference(code("TENANCY"))
            }]
        );
    }

    #[test]
    fn show_if_on_the_question_itself_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "LANDLORD").show_if = Some(Condition::Equals {
            question: code("LANDLORD"),
            value: 3,
        });
        assert_eq!(kinds(&q), vec![ProblemKind::SelfReference]);
    }

    #[test]
    fn show_if_on_a_later_question_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "TENURE").show_if = Some(Condition::Equals {
            question: code("BEHIND"),
            value: 1,
        });
        assert_eq!(
            problems(&q),
            vec![DefinitionProblem {
                location: at("home", "TENURE"),
                kind: ProblemKind::ForwardReference(code("BEHIND"))
            }]
        );
    }

    #[test]
    fn equals_on_a_number_question_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "EDUCATION").show_if = Some(Condition::Equals {
            question: code("AGE"),
            value: 18,
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::IncompatibleCondition {
                question: code("AGE"),
                condition: "equals",
                kind: "number"
            }]
        );
    }

    #[test]
    fn one_of_on_a_text_question_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "COMMENT").kind = QuestionKind::Text {
            max_length: 20,
            long: false,
        };
        question_mut(&mut q, "DEBT_ADVICE").show_if = Some(Condition::OneOf {
            question: code("TRUST"),
            values: vec![1],
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::IncompatibleCondition {
                question: code("TRUST"),
                condition: "one_of",
                kind: "rating"
            }]
        );
    }

    #[test]
    fn greater_than_on_a_choice_question_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "LANDLORD").show_if = Some(Condition::GreaterThan {
            question: code("TENURE"),
            value: 2,
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::IncompatibleCondition {
                question: code("TENURE"),
                condition: "greater_than",
                kind: "single_choice"
            }]
        );
    }

    #[test]
    fn a_condition_on_an_option_the_question_lacks_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "LANDLORD").show_if = Some(Condition::OneOf {
            question: code("TENURE"),
            values: vec![3, 7],
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::UnknownConditionOption {
                question: code("TENURE"),
                value: 7
            }]
        );
    }

    #[test]
    fn a_condition_on_a_yes_no_question_accepts_only_yes_and_no() {
        let mut q = fixture();
        question_mut(&mut q, "COMMENT").show_if = Some(Condition::Equals {
            question: code("BEHIND"),
            value: 3,
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::UnknownConditionOption {
                question: code("BEHIND"),
                value: 3
            }]
        );
    }

    #[test]
    fn between_with_min_above_max_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "EDUCATION").show_if = Some(Condition::Between {
            question: code("AGE"),
            min: 24,
            max: 16,
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::InvertedConditionRange {
                question: code("AGE"),
                min: 24,
                max: 16
            }]
        );
    }

    #[test]
    fn empty_all_any_and_one_of_are_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "COMMENT").show_if =
            Some(Condition::Not(Box::new(Condition::All(vec![
                Condition::Any(vec![]),
                Condition::OneOf {
                    question: code("TENURE"),
                    values: vec![],
                },
            ]))));
        question_mut(&mut q, "BEHIND").show_if = Some(Condition::All(vec![]));
        assert_eq!(
            kinds(&q),
            vec![
                ProblemKind::EmptyCondition("all"),
                ProblemKind::EmptyCondition("any"),
                ProblemKind::EmptyCondition("one_of"),
            ]
        );
    }

    #[test]
    fn nested_conditions_are_checked_at_every_depth() {
        let mut q = fixture();
        question_mut(&mut q, "COMMENT").show_if =
            Some(Condition::Any(vec![Condition::All(vec![Condition::Not(
                Box::new(Condition::LessThan {
                    question: code("NOWHERE"),
                    value: 1,
                }),
            )])]));
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::UnknownReference(code("NOWHERE"))]
        );
    }

    #[test]
    fn empty_option_lists_are_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "TENURE").kind = QuestionKind::SingleChoice { options: vec![] };
        question_mut(&mut q, "PROBLEMS").kind = QuestionKind::MultipleChoice {
            options: vec![],
            max_selections: None,
        };
        q.scales.insert("empty".into(), Scale { options: vec![] });
        let problems = problems(&q);
        for location in [
            at("home", "TENURE"),
            at("home", "PROBLEMS"),
            Location::scale("empty"),
        ] {
            assert!(
                problems.contains(&DefinitionProblem {
                    location: location.clone(),
                    kind: ProblemKind::NoOptions
                }),
                "{location} not reported in {problems:?}"
            );
        }
    }

    #[test]
    fn duplicate_option_codes_are_rejected_in_questions_and_scales() {
        let mut q = fixture();
        question_mut(&mut q, "TENURE").kind = QuestionKind::SingleChoice {
            options: vec![option(1), option(2), option(1)],
        };
        if let Some(scale) = q.scales.get_mut("agree") {
            scale.options.push(option(2));
        }
        let problems = problems(&q);
        assert!(problems.contains(&DefinitionProblem {
            location: at("home", "TENURE"),
            kind: ProblemKind::DuplicateOption(1)
        }));
        assert!(problems.contains(&DefinitionProblem {
            location: Location::scale("agree"),
            kind: ProblemKind::DuplicateOption(2)
        }));
    }

    #[test]
    fn an_ordered_question_on_an_unknown_scale_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "AREA_SAT").kind = QuestionKind::Ordered {
            scale: "agreement".into(),
        };
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::UnknownScale("agreement".into())]
        );
    }

    #[test]
    fn a_number_with_min_above_max_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "ADULTS").kind = QuestionKind::Number { min: 5, max: 1 };
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::InvertedRange { min: 5, max: 1 }]
        );
    }

    #[test]
    fn max_selections_of_zero_is_rejected() {
        let mut q = fixture();
        if let QuestionKind::MultipleChoice { max_selections, .. } =
            &mut question_mut(&mut q, "PROBLEMS").kind
        {
            *max_selections = Some(0);
        }
        assert_eq!(kinds(&q), vec![ProblemKind::MaxSelectionsZero]);
    }

    #[test]
    fn max_selections_above_the_option_count_is_rejected() {
        let mut q = fixture();
        if let QuestionKind::MultipleChoice { max_selections, .. } =
            &mut question_mut(&mut q, "PROBLEMS").kind
        {
            *max_selections = Some(5);
        }
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::MaxSelectionsAboveOptions { max: 5, options: 4 }]
        );
    }

    #[test]
    fn a_text_max_length_of_zero_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "COMMENT").kind = QuestionKind::Text {
            max_length: 0,
            long: true,
        };
        assert_eq!(kinds(&q), vec![ProblemKind::MaxLengthZero]);
    }

    #[test]
    fn exclusive_outside_multiple_choice_is_rejected() {
        let mut q = fixture();
        let mut none = option(9);
        none.exclusive = true;
        question_mut(&mut q, "TENURE").kind = QuestionKind::SingleChoice {
            options: vec![option(1), option(3), none.clone()],
        };
        if let Some(scale) = q.scales.get_mut("agree") {
            scale.options.push(none);
        }
        let problems = problems(&q);
        assert!(problems.contains(&DefinitionProblem {
            location: at("home", "TENURE"),
            kind: ProblemKind::ExclusiveOutsideMultipleChoice(9)
        }));
        assert!(problems.contains(&DefinitionProblem {
            location: Location::scale("agree"),
            kind: ProblemKind::ExclusiveOutsideMultipleChoice(9)
        }));
    }

    #[test]
    fn allowing_the_same_answer_twice_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "BEHIND").allow = vec![
            NonSubstantive::DontKnow,
            NonSubstantive::PreferNotToSay,
            NonSubstantive::DontKnow,
        ];
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::DuplicateAllow(NonSubstantive::DontKnow)]
        );
    }

    #[test]
    fn no_languages_is_rejected() {
        let mut q = fixture();
        q.languages.clear();
        assert_eq!(kinds(&q), vec![ProblemKind::NoLanguages]);
    }

    #[test]
    fn a_language_listed_twice_is_rejected_once() {
        let mut q = fixture();
        q.languages.push(Language {
            code: LanguageCode("tr".into()),
            name: "Türkçe".into(),
            status: TranslationStatus::Reviewed,
        });
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::DuplicateLanguage(LanguageCode("tr".into()))]
        );
    }

    #[test]
    fn a_missing_translation_names_the_text() {
        let mut q = fixture();
        if let QuestionKind::MultipleChoice { options, .. } =
            &mut question_mut(&mut q, "PROBLEMS").kind
        {
            options[2].label.0.remove(&LanguageCode("tr".into()));
        }
        let error = validate(&q).expect_err("missing tr");
        assert_eq!(
            error.to_string(),
            "question PROBLEMS (section home): option 3 label: missing tr"
        );
    }

    #[test]
    fn a_blank_translation_counts_as_missing() {
        let mut q = fixture();
        question_mut(&mut q, "TENURE")
            .text
            .0
            .insert(LanguageCode("tr".into()), "  ".into());
        assert_eq!(
            problems(&q),
            vec![DefinitionProblem {
                location: at("home", "TENURE"),
                kind: ProblemKind::MissingText {
                    part: TextPart::QuestionText,
                    language: LanguageCode("tr".into())
                }
            }]
        );
    }

    #[test]
    fn every_text_is_checked_for_a_new_language() {
        let mut q = fixture();
        let bn = LanguageCode("bn".into());
        q.languages.push(Language {
            code: bn.clone(),
            name: "বাংলা".into(),
            status: TranslationStatus::Draft,
        });
        let problems = problems(&q);
        // Every text of the fixture: title, 4 answer labels, 2 scale labels, 5 section
        // titles and an intro, and 26 question texts, helps, option and rating labels.
        assert_eq!(problems.len(), 39, "{problems:#?}");
        let parts: BTreeSet<String> = problems
            .iter()
            .map(|problem| match &problem.kind {
                ProblemKind::MissingText { part, language } if language == &bn => part.to_string(),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        for part in [
            "title",
            "intro",
            "text",
            "help",
            "option 1 label",
            "low label",
            "high label",
            "answer label prefer_not_to_say",
        ] {
            assert!(parts.contains(part), "{part} not checked");
        }
    }

    #[test]
    fn no_sections_is_rejected() {
        let mut q = fixture();
        q.sections.clear();
        let kinds = kinds(&q);
        assert!(kinds.contains(&ProblemKind::NoSections));
        assert!(kinds.contains(&ProblemKind::NoConsent));
    }

    #[test]
    fn an_empty_section_is_rejected() {
        let mut q = fixture();
        q.sections[3].questions.clear();
        // RENT_FAIR's condition still points at LANDLORD: only emptiness is reported.
        assert_eq!(
            problems(&q),
            vec![DefinitionProblem {
                location: Location::section("renting"),
                kind: ProblemKind::EmptySection
            }]
        );
    }

    #[test]
    fn duplicate_or_badly_formed_agencies_are_rejected() {
        let mut q = fixture();
        q.agencies = vec![
            crate::questionnaire::Agency {
                code: "hackney-council".into(),
                name: "Hackney Council".into(),
            },
            crate::questionnaire::Agency {
                code: "hackney-council".into(),
                name: "Again".into(),
            },
            crate::questionnaire::Agency {
                code: "Met Police".into(),
                name: "Police".into(),
            },
        ];
        let problems = kinds(&q);
        assert!(problems.contains(&ProblemKind::DuplicateAgency("hackney-council".into())));
        assert!(problems.contains(&ProblemKind::BadAgencyCode("Met Police".into())));
    }

    #[test]
    fn no_areas_is_rejected() {
        let mut q = fixture();
        q.areas.clear();
        assert_eq!(kinds(&q), vec![ProblemKind::NoAreas]);
    }

    #[test]
    fn duplicate_area_codes_are_rejected() {
        let mut q = fixture();
        let first = q.areas[0].clone();
        q.areas.push(first);
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::DuplicateArea("E05000001".into())]
        );
    }

    #[test]
    fn a_questionnaire_without_consent_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "CONSENT").kind = QuestionKind::YesNo;
        assert_eq!(kinds(&q), vec![ProblemKind::NoConsent]);
    }

    #[test]
    fn consent_after_another_question_is_rejected() {
        let mut q = fixture();
        let consent = q.sections[0].questions.remove(0);
        q.sections[1].questions.insert(0, consent);
        let problems = problems(&q);
        assert!(problems.contains(&DefinitionProblem {
            location: at("area", "CONSENT"),
            kind: ProblemKind::ConsentNotFirst
        }));
    }

    #[test]
    fn a_second_consent_question_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "BEHIND").kind = QuestionKind::Consent;
        question_mut(&mut q, "BEHIND").allow.clear();
        question_mut(&mut q, "BEHIND").required = true;
        assert_eq!(
            problems(&q),
            vec![DefinitionProblem {
                location: at("money", "BEHIND"),
                kind: ProblemKind::SecondConsent {
                    first: code("CONSENT")
                }
            }]
        );
    }

    #[test]
    fn consent_must_be_required() {
        let mut q = fixture();
        question_mut(&mut q, "CONSENT").required = false;
        assert_eq!(kinds(&q), vec![ProblemKind::ConsentNotRequired]);
    }

    #[test]
    fn consent_cannot_allow_dont_know() {
        let mut q = fixture();
        question_mut(&mut q, "CONSENT").allow = vec![NonSubstantive::DontKnow];
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::ConsentAllows(NonSubstantive::DontKnow)]
        );
    }

    #[test]
    fn a_required_notice_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "DEBT_ADVICE").required = true;
        assert_eq!(kinds(&q), vec![ProblemKind::NoticeRequired]);
    }

    #[test]
    fn only_a_conditional_notice_can_end_the_interview() {
        let mut q = fixture();
        question_mut(&mut q, "TENURE").ends_interview = true;
        assert_eq!(kinds(&q), vec![ProblemKind::EndsInterviewNotNotice]);

        let mut q = fixture();
        let notice = question_mut(&mut q, "DEBT_ADVICE");
        notice.ends_interview = true;
        notice.show_if = None;
        assert_eq!(kinds(&q), vec![ProblemKind::EndsInterviewAlways]);

        let mut q = fixture();
        question_mut(&mut q, "DEBT_ADVICE").ends_interview = true;
        assert_eq!(validate(&q), Ok(()));
    }

    #[test]
    fn a_notice_with_allow_is_rejected() {
        let mut q = fixture();
        question_mut(&mut q, "DEBT_ADVICE").allow = vec![NonSubstantive::PreferNotToSay];
        assert_eq!(
            kinds(&q),
            vec![ProblemKind::NoticeAllows(NonSubstantive::PreferNotToSay)]
        );
    }

    #[test]
    fn every_problem_is_reported_one_per_line() {
        let mut q = fixture();
        q.version = 0;
        q.areas.clear();
        question_mut(&mut q, "ADULTS").kind = QuestionKind::Number { min: 5, max: 1 };
        let error = validate(&q).expect_err("three problems");
        assert_eq!(
            error.to_string(),
            "questionnaire: version must be 1 or more\n\
             questionnaire: no areas listed\n\
             question ADULTS (section home): min 5 is greater than max 1"
        );
    }
}

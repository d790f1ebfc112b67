//! The interview engine: which questions to ask, which screen comes next, whether the
//! answers so far let the worker move on or complete, and the record to keep.
//!
//! Everything here is a pure function of a [`Questionnaire`] and the [`Answers`] given so
//! far, so the app can keep the answers in its own signal, call the engine on every tap
//! and render what it says. The engine never stores or sends anything.
//!
//! Answers to questions that skip logic has since hidden are kept while the interview is
//! in progress (the worker may change an answer back), but they never count: a hidden
//! question's answer cannot show another question, and [`completed_answers`] drops it.
//!
//! ```
//! # use survey::engine::{self, Answers, Next};
//! # use survey::{Answer, Questionnaire, YES};
//! # fn demo(questionnaire: &Questionnaire) {
//! let mut answers = Answers::new();
//! assert_eq!(engine::first_section(questionnaire, &answers), Next::Section(0));
//! answers.insert("CONSENT".into(), Answer::Choice(YES));
//! if let Ok(Next::Section(next)) = engine::next_section(questionnaire, &answers, 0) {
//!     for question in engine::section_questions(questionnaire, &answers, next) {
//!         println!("{}", question.code); // the app renders it instead
//!     }
//! }
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::answer::{check, Answer, AnswerProblem};
use crate::questionnaire::{
    Condition, OptionCode, Question, QuestionCode, QuestionKind, Questionnaire, Section, NO, YES,
};

/// The answers given so far, by question code. A `BTreeMap` so that a response
/// serializes in the same order every time (stable checksums and diffs).
pub type Answers = BTreeMap<QuestionCode, Answer>;

/// A problem with one question's answer (or its absence).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionProblem {
    /// The question.
    pub question: QuestionCode,
    /// What is wrong.
    pub problem: AnswerProblem,
}

/// Where the consent step stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// Not answered yet (or the questionnaire has no consent question).
    NotAsked,
    /// The resident said yes.
    Given,
    /// The resident said no: the interview ends and only the visit outcome is recorded.
    Refused,
}

/// Why an interview ended before its review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The resident answered "no" to consent.
    ConsentRefused,
    /// A notice that ends the interview is shown (the resident is not eligible, e.g.
    /// under 16): only the visit outcome is recorded.
    NotEligible,
}

/// What comes after a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Next {
    /// This section (index into [`Questionnaire::sections`]).
    Section(usize),
    /// No more sections: the review screen, then completion.
    Review,
    /// The interview is over without a response.
    Ended(EndReason),
}

/// How far the interview has got, for the progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Shown questions that take an answer and have an acceptable one.
    pub answered: usize,
    /// Shown questions that take an answer (notices excluded).
    pub total: usize,
    /// `answered` as a share of `total`, rounded down; 100 when there is nothing to answer.
    pub percent: u8,
    /// The section's number among the shown sections, from 1 ("section 2 of 6").
    pub section_number: usize,
    /// How many sections are shown.
    pub section_count: usize,
}

/// Why an interview cannot be completed yet.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Incomplete {
    /// The resident refused consent: there is no response to complete.
    #[error("the resident did not consent")]
    ConsentRefused,
    /// A notice that ends the interview is shown: there is no response to complete.
    #[error("the resident is not eligible for this survey")]
    NotEligible,
    /// Consent was never given (and no question reports it, e.g. no consent question).
    #[error("consent has not been given")]
    ConsentNotGiven,
    /// Some shown questions lack an acceptable answer.
    #[error("{} question(s) need attention", .problems.len())]
    Problems {
        /// The questions and what is wrong with each, in questionnaire order.
        problems: Vec<QuestionProblem>,
    },
}

/// Whether `condition` holds for `answers`, taken at face value.
///
/// A condition on a question with no answer, or answered "don't know" / "prefer not to
/// say", is false, and `not` of it is true. `equals` and `one_of` on a multiple-choice
/// answer mean "includes". This does not ask whether the questions referred to are shown;
/// [`is_shown`] does.
pub fn evaluate(condition: &Condition, answers: &Answers) -> bool {
    holds(condition, &|code| answers.get(code))
}

fn holds<'a>(condition: &Condition, answer: &impl Fn(&QuestionCode) -> Option<&'a Answer>) -> bool {
    let number = |code: &QuestionCode| match answer(code) {
        Some(Answer::Number(n)) => Some(*n),
        _ => None,
    };
    let includes = |code: &QuestionCode, value: OptionCode| match answer(code) {
        Some(Answer::Choice(choice)) => *choice == value,
        Some(Answer::Choices(choices)) => choices.contains(&value),
        _ => false,
    };
    match condition {
        Condition::Equals { question, value } => includes(question, *value),
        Condition::OneOf { question, values } => {
            values.iter().any(|value| includes(question, *value))
        }
        Condition::GreaterThan { question, value } => number(question).is_some_and(|n| n > *value),
        Condition::LessThan { question, value } => number(question).is_some_and(|n| n < *value),
        Condition::Between { question, min, max } => {
            number(question).is_some_and(|n| (*min..=*max).contains(&n))
        }
        Condition::Not(inner) => !holds(inner, answer),
        Condition::All(inner) => inner.iter().all(|condition| holds(condition, answer)),
        Condition::Any(inner) => inner.iter().any(|condition| holds(condition, answer)),
    }
}

/// Codes of the questions shown, worked out in questionnaire order so that each condition
/// sees only answers to questions already known to be shown. A reference to a later or
/// unknown question (only in a file that failed validation) counts as unanswered, so an
/// unvalidated file cannot make this loop or recurse.
fn shown_codes<'q>(
    questionnaire: &'q Questionnaire,
    answers: &Answers,
) -> BTreeSet<&'q QuestionCode> {
    let refused = consent(questionnaire, answers) == ConsentState::Refused;
    let mut shown = BTreeSet::new();
    for (_, question) in questionnaire.questions() {
        // After "no" to consent only the consent question itself stays, so the worker
        // can see (and correct) what ended the interview.
        if refused && question.kind != QuestionKind::Consent {
            continue;
        }
        let condition_holds = question.show_if.as_ref().is_none_or(|condition| {
            holds(condition, &|code| {
                if shown.contains(code) {
                    answers.get(code)
                } else {
                    None
                }
            })
        });
        if condition_holds {
            shown.insert(&question.code);
            // A notice that ends the interview is the last thing shown.
            if question.ends_interview {
                break;
            }
        }
    }
    shown
}

/// Whether a shown notice has ended the interview (the resident is not eligible).
pub fn not_eligible(questionnaire: &Questionnaire, answers: &Answers) -> bool {
    let shown = shown_codes(questionnaire, answers);
    questionnaire
        .questions()
        .any(|(_, question)| question.ends_interview && shown.contains(&question.code))
}

/// Whether `question` is asked: its `show_if` holds over the answers to shown questions
/// only (a hidden question's stale answer never counts), and the resident has not
/// refused consent.
pub fn is_shown(questionnaire: &Questionnaire, question: &Question, answers: &Answers) -> bool {
    shown_codes(questionnaire, answers).contains(&question.code)
}

/// Every question asked, in order (notices included: the app shows them).
pub fn visible_questions<'q>(
    questionnaire: &'q Questionnaire,
    answers: &Answers,
) -> Vec<&'q Question> {
    let shown = shown_codes(questionnaire, answers);
    questionnaire
        .questions()
        .map(|(_, question)| question)
        .filter(|question| shown.contains(&question.code))
        .collect()
}

/// The questions of section `section` that are asked, in order; empty for a section
/// index out of range.
pub fn section_questions<'q>(
    questionnaire: &'q Questionnaire,
    answers: &Answers,
    section: usize,
) -> Vec<&'q Question> {
    let shown = shown_codes(questionnaire, answers);
    questionnaire
        .sections
        .get(section)
        .map(|section| shown_in(section, &shown).collect())
        .unwrap_or_default()
}

fn shown_in<'q, 's>(
    section: &'q Section,
    shown: &'s BTreeSet<&'q QuestionCode>,
) -> impl Iterator<Item = &'q Question> + 's
where
    'q: 's,
{
    section
        .questions
        .iter()
        .filter(move |question| shown.contains(&question.code))
}

/// Indexes of the sections with at least one question asked, in order: a section whose
/// questions are all hidden is skipped.
pub fn visible_sections(questionnaire: &Questionnaire, answers: &Answers) -> Vec<usize> {
    let shown = shown_codes(questionnaire, answers);
    visible_section_indexes(questionnaire, &shown)
}

fn visible_section_indexes(
    questionnaire: &Questionnaire,
    shown: &BTreeSet<&QuestionCode>,
) -> Vec<usize> {
    questionnaire
        .sections
        .iter()
        .enumerate()
        .filter(|(_, section)| shown_in(section, shown).next().is_some())
        .map(|(index, _)| index)
        .collect()
}

/// Where the resident stands on consent: the answer to the first consent question.
pub fn consent(questionnaire: &Questionnaire, answers: &Answers) -> ConsentState {
    let consent_question = questionnaire
        .questions()
        .map(|(_, question)| question)
        .find(|question| question.kind == QuestionKind::Consent);
    match consent_question.and_then(|question| answers.get(&question.code)) {
        Some(Answer::Choice(YES)) => ConsentState::Given,
        Some(Answer::Choice(NO)) => ConsentState::Refused,
        _ => ConsentState::NotAsked,
    }
}

/// The first screen of an interview: the first shown section (the consent), or the
/// review when nothing is shown at all.
pub fn first_section(questionnaire: &Questionnaire, answers: &Answers) -> Next {
    visible_sections(questionnaire, answers)
        .first()
        .map_or(Next::Review, |section| Next::Section(*section))
}

/// Problems with the answers on section `section`, shown questions only, in order. The
/// worker may move on only when this is empty.
pub fn check_section(
    questionnaire: &Questionnaire,
    answers: &Answers,
    section: usize,
) -> Vec<QuestionProblem> {
    section_questions(questionnaire, answers, section)
        .into_iter()
        .filter_map(|question| problem(questionnaire, question, answers))
        .collect()
}

fn problem(
    questionnaire: &Questionnaire,
    question: &Question,
    answers: &Answers,
) -> Option<QuestionProblem> {
    // A notice has no widget, so the worker could never clear an answer stored under its
    // code: ignore it here (the record drops it) rather than block the interview.
    if question.kind == QuestionKind::Notice {
        return None;
    }
    check(questionnaire, question, answers.get(&question.code))
        .err()
        .map(|problem| QuestionProblem {
            question: question.code.clone(),
            problem,
        })
}

/// Whether the answers so far end the interview without a response, and why: the
/// resident refused consent, or a notice found them not eligible. The screens use it to
/// say what the next step does ("end the interview") before the worker takes it.
pub fn ends_early(questionnaire: &Questionnaire, answers: &Answers) -> Option<EndReason> {
    if consent(questionnaire, answers) == ConsentState::Refused {
        Some(EndReason::ConsentRefused)
    } else if not_eligible(questionnaire, answers) {
        Some(EndReason::NotEligible)
    } else {
        None
    }
}

/// What comes after section `from`, if its answers allow moving on: the next shown
/// section, the review, or the end of the interview when consent was refused or a
/// notice found the resident not eligible.
///
/// `Err` holds the problems of section `from` that stop the worker ([`check_section`]).
pub fn next_section(
    questionnaire: &Questionnaire,
    answers: &Answers,
    from: usize,
) -> Result<Next, Vec<QuestionProblem>> {
    let problems = check_section(questionnaire, answers, from);
    if !problems.is_empty() {
        return Err(problems);
    }
    if let Some(reason) = ends_early(questionnaire, answers) {
        return Ok(Next::Ended(reason));
    }
    Ok(visible_sections(questionnaire, answers)
        .into_iter()
        .find(|section| *section > from)
        .map_or(Next::Review, Next::Section))
}

/// The shown section before section `from`, if any. Going back is always allowed, with
/// or without problems on the current section.
pub fn previous_section(
    questionnaire: &Questionnaire,
    answers: &Answers,
    from: usize,
) -> Option<usize> {
    visible_sections(questionnaire, answers)
        .into_iter()
        .rev()
        .find(|section| *section < from)
}

/// The last shown section, where "back" from the review screen goes.
pub fn last_section(questionnaire: &Questionnaire, answers: &Answers) -> Option<usize> {
    visible_sections(questionnaire, answers).last().copied()
}

/// How far the interview has got over the shown questions that take an answer, and
/// where section `section` stands among the shown sections.
pub fn progress(questionnaire: &Questionnaire, answers: &Answers, section: usize) -> Progress {
    let shown = shown_codes(questionnaire, answers);
    let answerable: Vec<&Question> = questionnaire
        .questions()
        .map(|(_, question)| question)
        .filter(|question| shown.contains(&question.code) && question.kind != QuestionKind::Notice)
        .collect();
    let answered = answerable
        .iter()
        .filter(|question| {
            answers.get(&question.code).is_some_and(|answer| {
                is_given(answer) && check(questionnaire, question, Some(answer)).is_ok()
            })
        })
        .count();
    let total = answerable.len();
    // Nothing to answer means nothing left to do, not "nothing done".
    let percent = (answered * 100)
        .checked_div(total)
        .map_or(100, |percent| u8::try_from(percent).unwrap_or(100));
    let sections = visible_section_indexes(questionnaire, &shown);
    Progress {
        answered,
        total,
        percent,
        section_number: sections.iter().filter(|index| **index < section).count() + 1,
        section_count: sections.len(),
    }
}

/// Whether an answer says something: an empty choice list or blank text is the same as
/// no answer for progress.
fn is_given(answer: &Answer) -> bool {
    match answer {
        Answer::Choices(choices) => !choices.is_empty(),
        Answer::Text(text) => !text.trim().is_empty(),
        _ => true,
    }
}

/// Whether the interview can be completed: consent given, and every shown question has
/// an acceptable answer (or none, when it is not required).
pub fn can_complete(questionnaire: &Questionnaire, answers: &Answers) -> Result<(), Incomplete> {
    let state = consent(questionnaire, answers);
    if state == ConsentState::Refused {
        return Err(Incomplete::ConsentRefused);
    }
    if not_eligible(questionnaire, answers) {
        return Err(Incomplete::NotEligible);
    }
    let problems: Vec<QuestionProblem> = visible_questions(questionnaire, answers)
        .into_iter()
        .filter_map(|question| problem(questionnaire, question, answers))
        .collect();
    if !problems.is_empty() {
        return Err(Incomplete::Problems { problems });
    }
    if state != ConsentState::Given {
        return Err(Incomplete::ConsentNotGiven);
    }
    Ok(())
}

/// The answers to keep in the completed response: those to shown questions that take an
/// answer. Answers to questions hidden by skip logic, to notices and to codes the
/// questionnaire does not have are dropped, so the record says only what was asked; so
/// are empty choice lists and blank text, which mean "no answer".
pub fn completed_answers(
    questionnaire: &Questionnaire,
    answers: &Answers,
) -> Result<Answers, Incomplete> {
    can_complete(questionnaire, answers)?;
    let shown = shown_codes(questionnaire, answers);
    Ok(questionnaire
        .questions()
        .map(|(_, question)| question)
        .filter(|question| shown.contains(&question.code) && question.kind != QuestionKind::Notice)
        .filter_map(|question| {
            answers
                .get(&question.code)
                // An empty choice list or blank text on an optional question is the
                // same as no answer; keeping it would make analysts tell them apart.
                .filter(|answer| is_given(answer))
                .map(|answer| (question.code.clone(), answer.clone()))
        })
        .collect())
}

/// The answer after tapping `option` on a multiple-choice question: the option is
/// added, or removed if it was chosen. Choosing an exclusive option ("None of these")
/// clears the others, and choosing another option clears an exclusive one, so a worker's
/// tap never produces an [`AnswerProblem::ExclusiveConflict`]. `None` means "no answer"
/// (the last option was removed). A non-substantive or wrongly kinded current answer is
/// replaced. Other question kinds get [`Answer::Choice`] of the option.
pub fn toggle_choice(
    questionnaire: &Questionnaire,
    question: &Question,
    current: Option<&Answer>,
    option: OptionCode,
) -> Option<Answer> {
    if !matches!(question.kind, QuestionKind::MultipleChoice { .. }) {
        return Some(Answer::Choice(option));
    }
    let options = questionnaire.options(question);
    let is_exclusive = |code: OptionCode| options.iter().any(|o| o.code == code && o.exclusive);
    let mut chosen = match current {
        Some(Answer::Choices(chosen)) => chosen.clone(),
        _ => Vec::new(),
    };
    if chosen.contains(&option) {
        chosen.retain(|code| *code != option);
    } else if is_exclusive(option) {
        chosen = vec![option];
    } else {
        chosen.retain(|code| !is_exclusive(*code));
        chosen.push(option);
    }
    if chosen.is_empty() {
        None
    } else {
        Some(Answer::Choices(chosen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::load;

    fn fixture() -> Questionnaire {
        load(include_str!("../tests/fixtures/small.json")).expect("the fixture is valid")
    }

    fn code(code: &str) -> QuestionCode {
        QuestionCode::from(code)
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs
            .iter()
            .map(|(question, answer)| (code(question), answer.clone()))
            .collect()
    }

    fn question<'q>(q: &'q Questionnaire, question: &str) -> &'q Question {
        q.question(&code(question)).expect("fixture question")
    }

    fn shown(q: &Questionnaire, answers: &Answers, name: &str) -> bool {
        is_shown(q, question(q, name), answers)
    }

    fn codes(questions: &[&Question]) -> Vec<String> {
        questions
            .iter()
            .map(|question| question.code.to_string())
            .collect()
    }

    fn problem(question: &str, problem: AnswerProblem) -> QuestionProblem {
        QuestionProblem {
            question: code(question),
            problem,
        }
    }

    /// Every required question of an owner's interview answered.
    fn owner() -> Answers {
        answers(&[
            ("CONSENT", Answer::Choice(YES)),
            ("AREA_SAT", Answer::Choice(1)),
            ("TENURE", Answer::Choice(1)),
            ("ADULTS", Answer::Number(2)),
        ])
    }

    const HOME: usize = 2;
    const RENTING: usize = 3;
    const MONEY: usize = 4;

    #[test]
    fn a_condition_on_an_unanswered_question_is_false_and_its_negation_true() {
        let condition = Condition::Equals {
            question: code("TENURE"),
            value: 3,
        };
        assert!(!evaluate(&condition, &Answers::new()));
        assert!(evaluate(
            &Condition::Not(Box::new(condition)),
            &Answers::new()
        ));
    }

    #[test]
    fn a_condition_on_a_non_substantive_answer_is_false() {
        let condition = Condition::LessThan {
            question: code("AGE"),
            value: 200,
        };
        let given = answers(&[("AGE", Answer::PreferNotToSay)]);
        assert!(!evaluate(&condition, &given));
        assert!(evaluate(&Condition::Not(Box::new(condition)), &given));
    }

    #[test]
    fn equals_on_a_multiple_choice_answer_means_includes() {
        let given = answers(&[("PROBLEMS", Answer::Choices(vec![2, 1]))]);
        let includes = |value| {
            evaluate(
                &Condition::Equals {
                    question: code("PROBLEMS"),
                    value,
                },
                &given,
            )
        };
        assert!(includes(1));
        assert!(includes(2));
        assert!(!includes(3));
        assert!(evaluate(
            &Condition::OneOf {
                question: code("PROBLEMS"),
                values: vec![3, 2]
            },
            &given
        ));
    }

    #[test]
    fn number_comparisons_are_strict_and_between_is_inclusive() {
        let at = |age| answers(&[("AGE", Answer::Number(age))]);
        let greater = Condition::GreaterThan {
            question: code("AGE"),
            value: 24,
        };
        let less = Condition::LessThan {
            question: code("AGE"),
            value: 16,
        };
        let between = Condition::Between {
            question: code("AGE"),
            min: 16,
            max: 24,
        };
        assert!(!evaluate(&greater, &at(24)));
        assert!(evaluate(&greater, &at(25)));
        assert!(!evaluate(&less, &at(16)));
        assert!(evaluate(&less, &at(15)));
        assert!(evaluate(&between, &at(16)));
        assert!(evaluate(&between, &at(24)));
        assert!(!evaluate(&between, &at(25)));
    }

    #[test]
    fn a_number_condition_on_a_choice_answer_is_false() {
        let given = answers(&[("AGE", Answer::Choice(20))]);
        let condition = Condition::Between {
            question: code("AGE"),
            min: 0,
            max: 100,
        };
        assert!(!evaluate(&condition, &given));
    }

    #[test]
    fn nested_all_any_and_not_combine() {
        let q = fixture();
        // DEBT_ADVICE: behind on bills, or more than 5 adults and not an owner.
        let mut given = owner();
        assert!(!shown(&q, &given, "DEBT_ADVICE"));
        given.insert(code("BEHIND"), Answer::Choice(YES));
        assert!(shown(&q, &given, "DEBT_ADVICE"));
        given.insert(code("BEHIND"), Answer::Choice(NO));
        given.insert(code("ADULTS"), Answer::Number(6));
        assert!(!shown(&q, &given, "DEBT_ADVICE"), "owners are excluded");
        given.insert(code("TENURE"), Answer::Choice(3));
        assert!(shown(&q, &given, "DEBT_ADVICE"));
        given.insert(code("TENURE"), Answer::PreferNotToSay);
        assert!(
            shown(&q, &given, "DEBT_ADVICE"),
            "not(one_of) holds for prefer not to say"
        );
    }

    #[test]
    fn renting_shows_the_landlord_question() {
        let q = fixture();
        let mut given = owner();
        assert!(!shown(&q, &given, "LANDLORD"));
        given.insert(code("TENURE"), Answer::Choice(3));
        assert!(shown(&q, &given, "LANDLORD"));
    }

    #[test]
    fn changing_tenure_hides_the_landlord_question_and_drops_its_answer() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("TENURE"), Answer::Choice(3));
        given.insert(code("LANDLORD"), Answer::Choice(1));
        given.insert(code("TENURE"), Answer::Choice(2));
        assert!(!shown(&q, &given, "LANDLORD"));
        let record = completed_answers(&q, &given).expect("complete");
        assert!(!record.contains_key(&code("LANDLORD")));
        assert_eq!(record.get(&code("TENURE")), Some(&Answer::Choice(2)));
    }

    #[test]
    fn a_hidden_questions_stale_answer_does_not_show_its_dependants() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("TENURE"), Answer::Choice(3));
        given.insert(code("LANDLORD"), Answer::Choice(3));
        assert!(shown(&q, &given, "RENT_FAIR"));
        given.insert(code("TENURE"), Answer::Choice(1));
        assert!(!shown(&q, &given, "RENT_FAIR"));
    }

    #[test]
    fn aged_16_to_24_are_asked_about_education() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("AGE"), Answer::Number(19));
        assert!(shown(&q, &given, "EDUCATION"));
        given.insert(code("AGE"), Answer::Number(40));
        assert!(!shown(&q, &given, "EDUCATION"));
    }

    #[test]
    fn a_section_with_no_shown_question_is_skipped() {
        let q = fixture();
        let mut given = owner();
        assert_eq!(visible_sections(&q, &given), vec![0, 1, HOME, MONEY]);
        assert_eq!(next_section(&q, &given, HOME), Ok(Next::Section(MONEY)));
        assert_eq!(previous_section(&q, &given, MONEY), Some(HOME));
        given.insert(code("TENURE"), Answer::Choice(3));
        assert_eq!(
            visible_sections(&q, &given),
            vec![0, 1, HOME, RENTING, MONEY]
        );
        assert_eq!(next_section(&q, &given, HOME), Ok(Next::Section(RENTING)));
    }

    #[test]
    fn the_interview_starts_at_the_consent_section() {
        let q = fixture();
        assert_eq!(first_section(&q, &Answers::new()), Next::Section(0));
    }

    #[test]
    fn consent_state_follows_the_consent_answer() {
        let q = fixture();
        assert_eq!(consent(&q, &Answers::new()), ConsentState::NotAsked);
        let yes = answers(&[("CONSENT", Answer::Choice(YES))]);
        assert_eq!(consent(&q, &yes), ConsentState::Given);
        let no = answers(&[("CONSENT", Answer::Choice(NO))]);
        assert_eq!(consent(&q, &no), ConsentState::Refused);
    }

    #[test]
    fn consent_is_needed_to_leave_the_first_section() {
        let q = fixture();
        assert_eq!(
            next_section(&q, &Answers::new(), 0),
            Err(vec![problem("CONSENT", AnswerProblem::Required)])
        );
        let yes = answers(&[("CONSENT", Answer::Choice(YES))]);
        assert_eq!(next_section(&q, &yes, 0), Ok(Next::Section(1)));
    }

    #[test]
    fn consent_no_ends_the_interview() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("CONSENT"), Answer::Choice(NO));
        assert_eq!(
            next_section(&q, &given, 0),
            Ok(Next::Ended(EndReason::ConsentRefused))
        );
        assert_eq!(codes(&visible_questions(&q, &given)), vec!["CONSENT"]);
        assert_eq!(visible_sections(&q, &given), vec![0]);
        assert_eq!(can_complete(&q, &given), Err(Incomplete::ConsentRefused));
        assert_eq!(
            completed_answers(&q, &given),
            Err(Incomplete::ConsentRefused)
        );
    }

    #[test]
    fn the_interview_ends_early_after_consent_no() {
        let q = fixture();
        assert_eq!(ends_early(&q, &owner()), None);
        assert_eq!(ends_early(&q, &Answers::new()), None);
        let no = answers(&[("CONSENT", Answer::Choice(NO))]);
        assert_eq!(ends_early(&q, &no), Some(EndReason::ConsentRefused));
    }

    #[test]
    fn a_required_question_blocks_moving_on() {
        let q = fixture();
        let mut given = owner();
        given.remove(&code("ADULTS"));
        assert_eq!(
            next_section(&q, &given, HOME),
            Err(vec![problem("ADULTS", AnswerProblem::Required)])
        );
    }

    #[test]
    fn a_required_question_blocks_completion() {
        let q = fixture();
        let mut given = owner();
        given.remove(&code("AREA_SAT"));
        assert_eq!(
            can_complete(&q, &given),
            Err(Incomplete::Problems {
                problems: vec![problem("AREA_SAT", AnswerProblem::Required)]
            })
        );
    }

    #[test]
    fn dont_know_satisfies_a_required_question_that_allows_it() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("AREA_SAT"), Answer::DontKnow);
        assert_eq!(check_section(&q, &given, 1), vec![]);
        assert_eq!(can_complete(&q, &given), Ok(()));
    }

    #[test]
    fn dont_know_is_refused_where_not_offered() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("ADULTS"), Answer::DontKnow);
        assert_eq!(
            check_section(&q, &given, HOME),
            vec![problem("ADULTS", AnswerProblem::NotOffered)]
        );
    }

    #[test]
    fn an_exclusive_option_with_others_blocks_moving_on() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("PROBLEMS"), Answer::Choices(vec![1, 9]));
        assert_eq!(
            check_section(&q, &given, HOME),
            vec![problem(
                "PROBLEMS",
                AnswerProblem::ExclusiveConflict { option: 9 }
            )]
        );
    }

    #[test]
    fn too_many_options_block_moving_on() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("PROBLEMS"), Answer::Choices(vec![1, 2, 3]));
        assert_eq!(
            check_section(&q, &given, HOME),
            vec![problem(
                "PROBLEMS",
                AnswerProblem::TooMany { chosen: 3, max: 2 }
            )]
        );
    }

    #[test]
    fn a_number_out_of_range_blocks_moving_on() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("ADULTS"), Answer::Number(0));
        assert_eq!(
            check_section(&q, &given, HOME),
            vec![problem(
                "ADULTS",
                AnswerProblem::OutOfRange { min: 1, max: 20 }
            )]
        );
    }

    #[test]
    fn text_too_long_blocks_moving_on() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("COMMENT"), Answer::Text("x".repeat(21)));
        assert_eq!(
            check_section(&q, &given, MONEY),
            vec![problem(
                "COMMENT",
                AnswerProblem::TooLong {
                    length: 21,
                    max: 20
                }
            )]
        );
    }

    #[test]
    fn a_hidden_questions_bad_answer_does_not_block() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("LANDLORD"), Answer::Choice(99));
        assert_eq!(check_section(&q, &given, RENTING), vec![]);
        assert_eq!(can_complete(&q, &given), Ok(()));
    }

    #[test]
    fn the_last_section_leads_to_the_review() {
        let q = fixture();
        let given = owner();
        assert_eq!(next_section(&q, &given, MONEY), Ok(Next::Review));
        assert_eq!(last_section(&q, &given), Some(MONEY));
    }

    #[test]
    fn going_back_from_the_first_section_goes_nowhere() {
        let q = fixture();
        assert_eq!(previous_section(&q, &owner(), 0), None);
    }

    #[test]
    fn progress_counts_shown_questions_that_take_an_answer() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("BEHIND"), Answer::Choice(YES));
        given.insert(code("PROBLEMS"), Answer::Choices(vec![]));
        given.insert(code("LANDLORD"), Answer::Choice(1));
        // Shown and answerable: CONSENT, AREA_SAT, TRUST, TENURE, ADULTS, PROBLEMS, AGE,
        // BEHIND, COMMENT; DEBT_ADVICE is a notice; LANDLORD is hidden.
        assert_eq!(
            progress(&q, &given, MONEY),
            Progress {
                answered: 5,
                total: 9,
                percent: 55,
                section_number: 4,
                section_count: 4,
            }
        );
    }

    #[test]
    fn can_complete_lists_every_problem_in_order() {
        let q = fixture();
        let mut given = answers(&[("CONSENT", Answer::Choice(YES))]);
        given.insert(code("COMMENT"), Answer::Text("x".repeat(30)));
        assert_eq!(
            can_complete(&q, &given),
            Err(Incomplete::Problems {
                problems: vec![
                    problem("AREA_SAT", AnswerProblem::Required),
                    problem("TENURE", AnswerProblem::Required),
                    problem("ADULTS", AnswerProblem::Required),
                    problem(
                        "COMMENT",
                        AnswerProblem::TooLong {
                            length: 30,
                            max: 20
                        }
                    ),
                ]
            })
        );
    }

    #[test]
    fn an_unanswered_consent_blocks_completion() {
        let q = fixture();
        let mut given = owner();
        given.remove(&code("CONSENT"));
        assert_eq!(
            can_complete(&q, &given),
            Err(Incomplete::Problems {
                problems: vec![problem("CONSENT", AnswerProblem::Required)]
            })
        );
    }

    #[test]
    fn tapping_an_exclusive_option_clears_the_others() {
        let q = fixture();
        let problems = question(&q, "PROBLEMS");
        let damp_and_cold = Answer::Choices(vec![1, 2]);
        assert_eq!(
            toggle_choice(&q, problems, Some(&damp_and_cold), 9),
            Some(Answer::Choices(vec![9]))
        );
    }

    #[test]
    fn tapping_an_option_clears_a_chosen_exclusive_one() {
        let q = fixture();
        let problems = question(&q, "PROBLEMS");
        let none = Answer::Choices(vec![9]);
        assert_eq!(
            toggle_choice(&q, problems, Some(&none), 3),
            Some(Answer::Choices(vec![3]))
        );
    }

    #[test]
    fn tapping_a_chosen_option_removes_it() {
        let q = fixture();
        let problems = question(&q, "PROBLEMS");
        let damp_and_cold = Answer::Choices(vec![1, 2]);
        assert_eq!(
            toggle_choice(&q, problems, Some(&damp_and_cold), 1),
            Some(Answer::Choices(vec![2]))
        );
        let damp = Answer::Choices(vec![1]);
        assert_eq!(toggle_choice(&q, problems, Some(&damp), 1), None);
    }

    #[test]
    fn tapping_an_option_replaces_dont_know() {
        let q = fixture();
        let problems = question(&q, "PROBLEMS");
        assert_eq!(
            toggle_choice(&q, problems, Some(&Answer::DontKnow), 2),
            Some(Answer::Choices(vec![2]))
        );
    }

    #[test]
    fn tapping_an_option_of_a_single_choice_chooses_it() {
        let q = fixture();
        let tenure = question(&q, "TENURE");
        assert_eq!(
            toggle_choice(&q, tenure, Some(&Answer::Choice(1)), 3),
            Some(Answer::Choice(3))
        );
    }

    #[test]
    fn the_record_drops_notices_unknown_codes_and_empty_answers() {
        let q = fixture();
        let mut given = owner();
        given.insert(code("BEHIND"), Answer::Choice(YES));
        given.insert(code("DEBT_ADVICE"), Answer::Choice(1));
        given.insert(code("NOT_A_QUESTION"), Answer::Number(1));
        given.insert(code("PROBLEMS"), Answer::Choices(vec![]));
        given.insert(code("COMMENT"), Answer::Text(" ".into()));
        let record = completed_answers(&q, &given).expect("complete");
        let mut expected = owner();
        expected.insert(code("BEHIND"), Answer::Choice(YES));
        assert_eq!(record, expected);
    }
}

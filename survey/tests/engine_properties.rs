//! Properties of the interview engine over random answer sequences: whatever a worker
//! taps, in whatever order, a record the engine lets through is one the questionnaire
//! could have produced, and skip logic never listens to a hidden question.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails

use proptest::prelude::*;

use survey::engine::{self, Answers, ConsentState, Next};
use survey::validate::load;
use survey::{check, Answer, NonSubstantive, Question, QuestionKind, Questionnaire, NO, YES};

fn fixture() -> Questionnaire {
    load(include_str!("fixtures/small.json")).expect("the fixture is valid")
}

/// What a tap does to one question's answer.
#[derive(Clone, Debug)]
enum Tap {
    /// An answer that suits the question, picked by the seed.
    Fitting(u16),
    /// Any answer at all, likely of the wrong kind or out of range.
    Arbitrary(Answer),
    /// The answer is cleared.
    Clear,
}

fn arbitrary_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        (0u16..12).prop_map(Answer::Choice),
        prop::collection::vec(0u16..12, 0..5).prop_map(Answer::Choices),
        (-5i64..130).prop_map(Answer::Number),
        "[a-z ]{0,30}".prop_map(Answer::Text),
        Just(Answer::DontKnow),
        Just(Answer::PreferNotToSay),
    ]
}

fn tap() -> impl Strategy<Value = Tap> {
    prop_oneof![
        4 => any::<u16>().prop_map(Tap::Fitting),
        1 => arbitrary_answer().prop_map(Tap::Arbitrary),
        1 => Just(Tap::Clear),
    ]
}

/// A plausible answer to `question`, mostly valid, chosen by `seed`.
fn fitting(q: &Questionnaire, question: &Question, seed: u16) -> Option<Answer> {
    let pick = usize::from(seed);
    // Now and then the resident takes a non-substantive answer the question offers.
    if seed.is_multiple_of(7) && !question.allow.is_empty() {
        let offered: NonSubstantive = question.allow[pick % question.allow.len()];
        return Some(Answer::from_non_substantive(offered));
    }
    let options = q.options(question);
    match &question.kind {
        QuestionKind::Consent => Some(Answer::Choice(if seed.is_multiple_of(10) {
            NO
        } else {
            YES
        })),
        QuestionKind::YesNo | QuestionKind::SingleChoice { .. } | QuestionKind::Ordered { .. } => {
            Some(Answer::Choice(options[pick % options.len()].code))
        }
        QuestionKind::MultipleChoice { .. } => {
            let first = &options[pick % options.len()];
            let second = &options[(pick / 7) % options.len()];
            Some(Answer::Choices(
                if first.code == second.code || first.exclusive || second.exclusive {
                    vec![first.code]
                } else {
                    vec![first.code, second.code]
                },
            ))
        }
        QuestionKind::Rating { .. } => Some(Answer::Number(i64::from(seed % 11))),
        QuestionKind::Number { min, max } => {
            Some(Answer::Number(min + i64::from(seed) % (max - min + 1)))
        }
        QuestionKind::Text { .. } => Some(Answer::Text("fine".into())),
        QuestionKind::Notice => None,
    }
}

fn apply(q: &Questionnaire, answers: &mut Answers, question: &Question, tap: &Tap) {
    let answer = match tap {
        Tap::Fitting(seed) => fitting(q, question, *seed),
        Tap::Arbitrary(answer) => Some(answer.clone()),
        Tap::Clear => None,
    };
    match answer {
        Some(answer) => answers.insert(question.code.clone(), answer),
        None => answers.remove(&question.code),
    };
}

/// An interview: every question first given a fitting answer (so that many interviews
/// can complete), then a run of random taps on random questions, as a worker correcting,
/// clearing and mis-tapping would.
fn interview() -> impl Strategy<Value = (Vec<u16>, Vec<(usize, Tap)>)> {
    (
        prop::collection::vec(any::<u16>(), 14),
        prop::collection::vec((0usize..14, tap()), 0..8),
    )
}

fn answers_for(q: &Questionnaire, seeds: &[u16], taps: &[(usize, Tap)]) -> Answers {
    let questions: Vec<&Question> = q.questions().map(|(_, question)| question).collect();
    let mut answers = Answers::new();
    for (question, seed) in questions.iter().zip(seeds) {
        apply(q, &mut answers, question, &Tap::Fitting(*seed));
    }
    for (index, tap) in taps {
        let question = questions[index % questions.len()];
        apply(q, &mut answers, question, tap);
    }
    answers
}

proptest! {
    // Junk taps make many interviews incomplete, and the completion properties skip
    // those, so allow for many rejects.
    #![proptest_config(ProptestConfig {
        cases: 512,
        max_global_rejects: 16_384,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_completable_interview_yields_only_what_was_asked((seeds, taps) in interview()) {
        let q = fixture();
        let answers = answers_for(&q, &seeds, &taps);
        prop_assume!(engine::can_complete(&q, &answers).is_ok());
        let record = engine::completed_answers(&q, &answers).expect("can_complete was Ok");

        prop_assert_eq!(engine::consent(&q, &record), ConsentState::Given);
        for (code, answer) in &record {
            let question = q.question(code).expect("only questions of the questionnaire");
            prop_assert!(engine::is_shown(&q, question, &answers), "{} is hidden", code);
            prop_assert!(question.kind != QuestionKind::Notice, "{} is a notice", code);
            prop_assert_eq!(check(&q, question, Some(answer)), Ok(()));
        }
        for question in engine::visible_questions(&q, &answers) {
            if question.required {
                prop_assert!(record.contains_key(&question.code), "{} unanswered", question.code);
            }
        }
        for (_, question) in q.questions() {
            if !engine::is_shown(&q, question, &answers) {
                prop_assert!(!record.contains_key(&question.code));
            }
        }
        // The record alone reproduces the same interview: the same questions shown.
        prop_assert_eq!(
            engine::visible_questions(&q, &record),
            engine::visible_questions(&q, &answers)
        );
        prop_assert_eq!(engine::can_complete(&q, &record), Ok(()));
    }

    #[test]
    fn a_completable_interview_can_be_walked_to_the_review((seeds, taps) in interview()) {
        let q = fixture();
        let answers = answers_for(&q, &seeds, &taps);
        prop_assume!(engine::can_complete(&q, &answers).is_ok());
        let mut at = engine::first_section(&q, &answers);
        let mut steps = 0;
        while let Next::Section(section) = at {
            prop_assert!(steps <= q.sections.len(), "no end in sight");
            at = engine::next_section(&q, &answers, section).expect("no problems anywhere");
            steps += 1;
        }
        prop_assert_eq!(at, Next::Review);
    }

    #[test]
    fn being_shown_never_depends_on_a_hidden_questions_answer(
        (seeds, taps) in interview(),
        replacement in prop::option::of(arbitrary_answer()),
    ) {
        let q = fixture();
        let answers = answers_for(&q, &seeds, &taps);
        let before = engine::visible_questions(&q, &answers);
        for (_, hidden) in q.questions() {
            if engine::is_shown(&q, hidden, &answers) {
                continue;
            }
            let mut changed = answers.clone();
            match &replacement {
                Some(answer) => changed.insert(hidden.code.clone(), answer.clone()),
                None => changed.remove(&hidden.code),
            };
            prop_assert_eq!(
                &engine::visible_questions(&q, &changed),
                &before,
                "changing hidden {} changed what is shown",
                hidden.code
            );
        }
    }

    #[test]
    fn refusing_consent_always_ends_the_interview((seeds, taps) in interview()) {
        let q = fixture();
        let mut answers = answers_for(&q, &seeds, &taps);
        answers.insert("CONSENT".into(), Answer::Choice(NO));
        prop_assert_eq!(
            engine::next_section(&q, &answers, 0),
            Ok(Next::Ended(engine::EndReason::ConsentRefused))
        );
        prop_assert!(engine::can_complete(&q, &answers).is_err());
        prop_assert_eq!(engine::visible_sections(&q, &answers), vec![0]);
    }
}

/// The generator is only useful if many interviews complete; guard against a change to
/// the fixture quietly turning the completion properties into no-ops.
#[test]
fn the_generator_produces_completable_interviews() {
    let q = fixture();
    let completed = (0u16..200)
        .filter(|seed| {
            let seeds: Vec<u16> = (0..14)
                .map(|i| seed.wrapping_mul(31).wrapping_add(i * 17))
                .collect();
            engine::can_complete(&q, &answers_for(&q, &seeds, &[])).is_ok()
        })
        .count();
    assert!(
        completed > 50,
        "only {completed} of 200 interviews completed"
    );
}

//! The table of `INDICATORS.md` against the shipped v1 questionnaire: if the file changes
//! under the table (a code renamed, an option recoded, a scale reworded), these fail.

use super::*;
use crate::questionnaire::LanguageCode;
use crate::results::headlines::BandLimits;
use crate::shipped::shared_questionnaire;

/// Every headline question's options in v1 as (code, English label), and the labels
/// of those INDICATORS.md counts as yes and leaves out.
const V1_OPTIONS: &[(&str, &[(OptionCode, &str)])] = &[
    (
        "AREA_SATISFACTION",
        &[
            (1, "Very satisfied"),
            (2, "Fairly satisfied"),
            (3, "Neither satisfied nor dissatisfied"),
            (4, "Fairly dissatisfied"),
            (5, "Very dissatisfied"),
        ],
    ),
    (
        "BELONGING",
        &[
            (1, "Very strongly"),
            (2, "Fairly strongly"),
            (3, "Not very strongly"),
            (4, "Not at all strongly"),
        ],
    ),
    (
        "DIFFERENT_BACKGROUNDS",
        &[
            (1, "Definitely agree"),
            (2, "Tend to agree"),
            (3, "Tend to disagree"),
            (4, "Definitely disagree"),
            (6, "There are too few people"),
            (7, "Everyone here is from the"),
        ],
    ),
    (
        "INFLUENCE_DECISIONS",
        &[
            (1, "Definitely agree"),
            (2, "Tend to agree"),
            (3, "Tend to disagree"),
            (4, "Definitely disagree"),
        ],
    ),
    (
        "TRUST_NEIGHBOURS",
        &[
            (1, "Most of the people"),
            (2, "Many of the people"),
            (3, "Some of the people"),
            (4, "A few of the people"),
            (5, "None of the people"),
        ],
    ),
    (
        "SAFE_AFTER_DARK",
        &[
            (1, "Very safe"),
            (2, "Fairly safe"),
            (3, "A bit unsafe"),
            (4, "Very unsafe"),
            (6, "I never walk alone after dark"),
        ],
    ),
    (
        "POLICE_COUNCIL_DEALING",
        &[
            (1, "Strongly agree"),
            (2, "Tend to agree"),
            (3, "Neither agree nor disagree"),
            (4, "Tend to disagree"),
            (5, "Strongly disagree"),
        ],
    ),
    (
        "GENERAL_HEALTH",
        &[
            (1, "Very good"),
            (2, "Good"),
            (3, "Fair"),
            (4, "Bad"),
            (5, "Very bad"),
        ],
    ),
    (
        "LONELINESS",
        &[
            (1, "Often or always"),
            (2, "Some of the time"),
            (3, "Occasionally"),
            (4, "Hardly ever"),
            (5, "Never"),
        ],
    ),
    (
        "TREATED_RESPECT",
        &[
            (1, "All of the time"),
            (2, "Most of the time"),
            (3, "Some of the time"),
            (4, "Rarely"),
            (5, "Never"),
        ],
    ),
    (
        "VOLUNTEERING",
        &[
            (1, "At least once a month"),
            (2, "Less often"),
            (3, "Not at all"),
        ],
    ),
];

const ASB_OPTIONS: &[(OptionCode, &str)] = &[
    (1, "A very big problem"),
    (2, "A fairly big problem"),
    (3, "Not a very big problem"),
    (4, "Not a problem at all"),
];

fn options_of(questionnaire: &Questionnaire, code: &str) -> Vec<(OptionCode, String)> {
    let question = questionnaire
        .question(&code.into())
        .unwrap_or_else(|| panic!("{code} is in v1"));
    questionnaire
        .options(question)
        .iter()
        .map(|o| (o.code, o.label.0[&LanguageCode("en".into())].clone()))
        .collect()
}

#[test]
fn the_shipped_v1_has_every_question_and_option_the_headlines_name() {
    check(&shared_questionnaire().unwrap()).unwrap();
}

#[test]
fn each_headline_question_has_exactly_the_options_and_meanings_of_v1() {
    let questionnaire = shared_questionnaire().unwrap();
    for row in HEADLINES {
        let expected = if row.question.starts_with("ASB_") {
            ASB_OPTIONS
        } else {
            V1_OPTIONS
                .iter()
                .find(|(code, _)| *code == row.question)
                .unwrap_or_else(|| panic!("{} pinned", row.question))
                .1
        };
        let found = options_of(&questionnaire, row.question);
        assert_eq!(found.len(), expected.len(), "{}: {found:?}", row.question);
        for ((code, label), (want_code, want_label)) in found.iter().zip(expected) {
            assert_eq!(code, want_code, "{}", row.question);
            assert!(
                label.starts_with(want_label),
                "{} {code}: {label:?} is not {want_label:?}",
                row.question
            );
        }
        assert!(
            row.yes
                .iter()
                .chain(row.excluded)
                .all(|c| found.iter().any(|(code, _)| code == c)),
            "{}",
            row.question
        );
    }
    assert_eq!(
        HEADLINES.len(),
        V1_OPTIONS.len() + 7,
        "every pinned row has a headline"
    );
}

#[test]
fn the_anti_social_behaviour_items_are_exactly_v1s() {
    let questionnaire = shared_questionnaire().unwrap();
    let in_v1: Vec<&str> = questionnaire
        .questions()
        .map(|(_, q)| q.code.as_str())
        .filter(|code| code.starts_with("ASB_"))
        .collect();
    let in_table: Vec<&str> = HEADLINES
        .iter()
        .map(|row| row.question)
        .filter(|c| c.starts_with("ASB_"))
        .collect();
    assert_eq!(in_v1, in_table);
    assert_eq!(in_v1.len(), 7);
}

#[test]
fn the_wellbeing_questions_are_v1s_0_to_10_ratings_and_the_bands_cover_0_to_10() {
    let questionnaire = shared_questionnaire().unwrap();
    for measure in &WELLBEING {
        let question = questionnaire.question(&measure.question.into()).unwrap();
        assert!(
            matches!(question.kind, QuestionKind::Rating { .. }),
            "{}",
            measure.question
        );
        assert_eq!(
            question.measure.as_deref().map(|m| m.starts_with("ONS4")),
            Some(true)
        );
        let bands = measure.bands;
        assert_eq!((bands[0].from, bands[3].to), (0, 10));
        assert!(
            bands.windows(2).all(|pair| pair[1].from == pair[0].to + 1),
            "{bands:?}"
        );
    }
    assert_eq!(WELLBEING[3].bands[WELLBEING[3].headline].name, "high");
    assert_eq!(WELLBEING[3].bands[3].from, 6);
    assert!(WELLBEING[..3].iter().all(|m| m.bands[m.headline]
        == BandLimits {
            name: "low",
            from: 0,
            to: 4
        }));
}

#[test]
fn a_questionnaire_missing_what_a_headline_counts_is_refused_by_name() {
    let mut questionnaire = shared_questionnaire().unwrap();
    for section in &mut questionnaire.sections {
        for question in &mut section.questions {
            if question.code.as_str() == "SAFE_AFTER_DARK" {
                if let QuestionKind::SingleChoice { options } = &mut question.kind {
                    options.retain(|o| o.code != 6);
                }
            }
        }
    }
    let error = check(&questionnaire).unwrap_err();
    assert_eq!(
        error,
        IndicatorError::MissingOption {
            question: "SAFE_AFTER_DARK".into(),
            option: 6
        }
    );
    assert!(
        error
            .to_string()
            .contains("SAFE_AFTER_DARK has no option 6"),
        "{error}"
    );
    for section in &mut questionnaire.sections {
        section
            .questions
            .retain(|q| q.code.as_str() != "LONELINESS");
    }
    assert!(crate::results::Tally::new(&questionnaire)
        .results()
        .is_err());
}

//! The tally over responses to the shipped questionnaire, and the headline figures.

use super::*;
use crate::answer::Answer;
use crate::engine::is_shown;
use crate::questionnaire::LanguageCode;
use crate::record::fixtures::{assignment, id};
use crate::record::Timestamp;
use crate::shipped::shared_questionnaire;

fn v1() -> Questionnaire {
    shared_questionnaire().unwrap()
}

/// A response to `questionnaire` with only these answers (and consent given).
fn response(questionnaire: &Questionnaire, n: u128, answers: &[(&str, Answer)]) -> Response {
    let mut response = Response::start(
        id(n),
        QuestionnaireRef::of(questionnaire),
        &assignment(),
        LanguageCode("en".into()),
        Timestamp(0),
    );
    response.answers.insert("CONSENT".into(), Answer::Choice(1));
    for (code, answer) in answers {
        response.answers.insert((*code).into(), answer.clone());
    }
    response
}

/// The tally of one answer per response to `code` (`None`: no answer).
fn tally_of<'q>(
    questionnaire: &'q Questionnaire,
    code: &str,
    answers: &[Option<Answer>],
) -> Tally<'q> {
    let mut tally = Tally::new(questionnaire);
    for (n, answer) in answers.iter().enumerate() {
        let given: Vec<(&str, Answer)> = answer.iter().map(|a| (code, a.clone())).collect();
        tally.add(&response(questionnaire, n as u128, &given));
    }
    tally
}

fn options(distribution: &Distribution) -> Vec<(u16, u64)> {
    match &distribution.values {
        Values::Choice { options } | Values::Choices { options, .. } => {
            options.iter().map(|o| (o.code, o.count)).collect()
        }
        other => panic!("not a choice: {other:?}"),
    }
}

use Answer::{Choice, Choices, DontKnow, Number, PreferNotToSay};

#[test]
fn counts_each_option_in_order_with_dont_know_prefer_not_to_say_and_no_answer_apart() {
    let questionnaire = v1();
    let answers = [
        Some(Choice(1)),
        Some(Choice(1)),
        Some(Choice(2)),
        Some(Choice(5)),
    ];
    let answers = [&answers[..], &[Some(DontKnow), Some(PreferNotToSay), None]].concat();
    let tally = tally_of(&questionnaire, "AREA_SATISFACTION", &answers);
    let d = tally.distribution(&"AREA_SATISFACTION".into()).unwrap();
    assert_eq!(options(&d), vec![(1, 2), (2, 1), (3, 0), (4, 0), (5, 1)]);
    assert_eq!(
        (
            d.responses,
            d.not_asked,
            d.no_answer,
            d.dont_know,
            d.prefer_not_to_say
        ),
        (7, 0, 1, 1, 1)
    );
    assert_eq!((d.asked(), d.substantive(), d.not_fitting), (7, 4, 0));
}

#[test]
fn a_question_skip_logic_did_not_show_is_not_asked_rather_than_unanswered() {
    let questionnaire = v1();
    let mut tally = Tally::new(&questionnaire);
    let renting = ("TENURE", Choice(4));
    tally.add(&response(
        &questionnaire,
        1,
        &[renting.clone(), ("LANDLORD", Choice(2))],
    ));
    tally.add(&response(&questionnaire, 2, &[renting]));
    tally.add(&response(&questionnaire, 3, &[("TENURE", Choice(1))]));
    // A stale answer to a question no longer shown never counts, as in the engine.
    tally.add(&response(
        &questionnaire,
        4,
        &[("TENURE", Choice(1)), ("LANDLORD", Choice(3))],
    ));
    let d = tally.distribution(&"LANDLORD".into()).unwrap();
    assert_eq!(options(&d), vec![(1, 0), (2, 1), (3, 0)]);
    assert_eq!((d.asked(), d.no_answer, d.not_asked), (2, 1, 2));
}

#[test]
fn multiple_choice_counts_each_option_of_the_respondents_who_chose_any() {
    let questionnaire = v1();
    let answers = [
        Some(Choices(vec![2, 1])),
        Some(Choices(vec![1])),
        Some(Choices(vec![9])),
        Some(Choices(vec![])),
        Some(DontKnow),
        Some(Choices(vec![1, 1])),
    ];
    let tally = tally_of(&questionnaire, "HOUSING_PROBLEMS", &answers);
    let d = tally.distribution(&"HOUSING_PROBLEMS".into()).unwrap();
    assert_eq!(
        options(&d),
        vec![(1, 2), (2, 1), (3, 0), (4, 0), (5, 0), (9, 1)]
    );
    let Values::Choices { respondents, .. } = d.values else {
        panic!()
    };
    assert_eq!(respondents, 3);
    assert_eq!(
        (d.no_answer, d.dont_know, d.not_fitting),
        (1, 1, 1),
        "[] is no answer; [1, 1] does not fit"
    );
    assert_eq!(d.substantive(), respondents);
}

#[test]
fn a_rating_is_summarised_and_an_out_of_range_one_counted_apart() {
    let questionnaire = v1();
    let answers: Vec<Option<Answer>> = [0, 5, 5, 7, 10, 11]
        .into_iter()
        .map(|n| Some(Number(n)))
        .chain([Some(Choice(3))])
        .collect();
    let tally = tally_of(&questionnaire, "LIFE_SATISFACTION", &answers);
    let d = tally.distribution(&"LIFE_SATISFACTION".into()).unwrap();
    let Values::Number(summary) = &d.values else {
        panic!()
    };
    assert_eq!(summary.n, 5);
    assert_eq!(summary.mean, Some(5.4));
    assert_eq!((summary.min, summary.max), (Some(0), Some(10)));
    assert_eq!(summary.quartiles.map(|q| q.median), Some(5.0));
    assert_eq!(d.not_fitting, 2, "11 and a choice");
}

#[test]
fn free_text_is_counted_and_its_words_never_carried() {
    let questionnaire = v1();
    let words = "Evening classes near the Ridley Road market";
    let answers = [
        Some(Answer::Text(words.into())),
        Some(Answer::Text("  ".into())),
        None,
    ];
    let tally = tally_of(&questionnaire, "AREA_ONE_THING", &answers);
    let d = tally.distribution(&"AREA_ONE_THING".into()).unwrap();
    assert_eq!(d.values, Values::Text { answered: 1 });
    assert_eq!(d.no_answer, 2);
    let json = serde_json::to_string(&tally.results().unwrap()).unwrap();
    assert!(
        !json.contains("Ridley"),
        "no word of an answer in the results"
    );
    assert!(!format!("{tally:?}").contains("Ridley"), "nor in the tally");
}

#[test]
fn responses_to_another_version_are_counted_apart() {
    let questionnaire = v1();
    let mut tally = Tally::new(&questionnaire);
    let mut other = response(&questionnaire, 1, &[("AREA_SATISFACTION", Choice(1))]);
    other.questionnaire.version = 2;
    tally.add(&other);
    assert_eq!((tally.responses(), tally.other_versions()), (0, 1));
    assert_eq!(
        tally
            .distribution(&"AREA_SATISFACTION".into())
            .unwrap()
            .option(1),
        0
    );
}

#[test]
fn the_tally_agrees_with_a_recount_by_the_engine_question_by_question() {
    let questionnaire = v1();
    let responses: Vec<Response> = (0..300)
        .map(|i| crate::sample::complete_response(&questionnaire, i).unwrap())
        .collect();
    let mut tally = Tally::new(&questionnaire);
    tally.add_all(&responses);
    for d in tally.distributions() {
        let question = questionnaire.question(&d.question).unwrap();
        let asked = responses
            .iter()
            .filter(|r| is_shown(&questionnaire, question, &r.answers));
        let dont_know = asked
            .clone()
            .filter(|r| r.answers.get(&d.question) == Some(&DontKnow));
        assert_eq!(d.asked(), asked.clone().count() as u64, "{}", d.question);
        assert_eq!(d.dont_know, dont_know.count() as u64, "{}", d.question);
        assert_eq!(d.not_fitting, 0, "{}: samples fit", d.question);
        for option in questionnaire.options(question).iter() {
            let chose = asked.clone().filter(|r| match r.answers.get(&d.question) {
                Some(Choice(code)) => *code == option.code,
                Some(Choices(codes)) => codes.contains(&option.code),
                _ => false,
            });
            assert_eq!(
                d.option(option.code),
                chose.count() as u64,
                "{} {}",
                d.question,
                option.code
            );
        }
    }
    assert!(
        tally.distribution(&"LANDLORD".into()).unwrap().not_asked > 0,
        "routing is exercised"
    );
}

#[test]
fn tallies_merged_count_as_one_tally_of_all_the_responses() {
    let questionnaire = v1();
    let pool = crate::sample::Pool::new(&questionnaire, 50).unwrap();
    let (mut first, mut second, mut all) = (
        Tally::new(&questionnaire),
        Tally::new(&questionnaire),
        Tally::new(&questionnaire),
    );
    for i in 0..120 {
        let response = pool.response(i);
        if i % 3 == 0 {
            first.add(&response)
        } else {
            second.add(&response)
        }
        all.add(&response);
    }
    first.merge(&second).unwrap();
    assert_eq!(first.results().unwrap(), all.results().unwrap());
    let mut other = questionnaire.clone();
    other.version = 9;
    assert!(Tally::new(&other).merge(&all).is_err());
}

#[test]
fn safe_after_dark_leaves_never_walking_alone_out_of_the_base_and_reports_it_apart() {
    let questionnaire = v1();
    let answers = [1, 2, 3, 4, 6, 6].map(|c| Some(Choice(c)));
    let answers = [&answers[..], &[Some(DontKnow), None]].concat();
    let results = tally_of(&questionnaire, "SAFE_AFTER_DARK", &answers)
        .results()
        .unwrap();
    let safe = results
        .indicators
        .iter()
        .find(|i| i.question.as_str() == "SAFE_AFTER_DARK")
        .unwrap();
    assert_eq!((safe.share.count, safe.share.base), (2, 4));
    assert_eq!(safe.share.share, Some(0.5));
    assert_eq!(safe.excluded, vec![OptionCount { code: 6, count: 2 }]);
    assert_eq!((safe.dont_know, safe.no_answer), (1, 1));
    let interval = safe.share.interval.unwrap();
    assert!(interval.lower < 0.5 && 0.5 < interval.upper);
}

#[test]
fn different_backgrounds_leaves_out_too_few_people_and_all_the_same_background() {
    let questionnaire = v1();
    let answers = [1, 4, 6, 7, 7].map(|c| Some(Choice(c)));
    let results = tally_of(&questionnaire, "DIFFERENT_BACKGROUNDS", &answers)
        .results()
        .unwrap();
    let getting_on = results
        .indicators
        .iter()
        .find(|i| i.question.as_str() == "DIFFERENT_BACKGROUNDS")
        .unwrap();
    assert_eq!((getting_on.share.count, getting_on.share.base), (1, 2));
    let excluded: Vec<(u16, u64)> = getting_on
        .excluded
        .iter()
        .map(|o| (o.code, o.count))
        .collect();
    assert_eq!(excluded, vec![(6, 1), (7, 2)]);
}

#[test]
fn wellbeing_has_its_mean_the_ons_bands_and_the_headline_share() {
    let questionnaire = v1();
    let mut tally = Tally::new(&questionnaire);
    for score in 0..=10 {
        tally.add(&response(
            &questionnaire,
            score as u128,
            &[
                ("LIFE_SATISFACTION", Number(score)),
                ("ANXIOUS_YESTERDAY", Number(score)),
            ],
        ));
    }
    tally.add(&response(
        &questionnaire,
        99,
        &[("LIFE_SATISFACTION", DontKnow)],
    ));
    let results = tally.results().unwrap();
    fn counts(w: &Wellbeing) -> Vec<(&str, u64)> {
        w.bands.iter().map(|b| (b.name.as_str(), b.count)).collect()
    }
    let life = &results.wellbeing[0];
    assert_eq!(life.question.as_str(), "LIFE_SATISFACTION");
    assert_eq!(
        counts(life),
        vec![("low", 5), ("medium", 2), ("high", 2), ("very high", 2)]
    );
    assert_eq!((life.n, life.mean, life.dont_know), (11, Some(5.0), 1));
    assert_eq!(
        (life.headline.as_str(), life.share.count, life.share.base),
        ("low", 5, 11)
    );
    let anxiety = &results.wellbeing[3];
    assert_eq!(
        counts(anxiety),
        vec![("very low", 2), ("low", 2), ("medium", 2), ("high", 5)]
    );
    assert_eq!(
        (anxiety.headline.as_str(), anxiety.share.count),
        ("high", 5)
    );
    let expected_se = (110.0f64 / 10.0).sqrt() / 11.0f64.sqrt();
    assert!((life.standard_error.unwrap() - expected_se).abs() < 1e-12);
}

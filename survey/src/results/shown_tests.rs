use std::sync::OnceLock;

use proptest::prelude::*;

use super::*;
use crate::answer::Answer::{self, Choice, DontKnow, Number};
use crate::questionnaire::{LanguageCode, Questionnaire};
use crate::record::fixtures::{assignment, id};
use crate::record::{Response, Timestamp};
use crate::results::Tally;
use crate::shipped::shared_questionnaire;

fn v1() -> &'static Questionnaire {
    static V1: OnceLock<Questionnaire> = OnceLock::new();
    V1.get_or_init(|| shared_questionnaire().unwrap())
}

fn samples() -> &'static [Response] {
    static SAMPLES: OnceLock<Vec<Response>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        (0..300)
            .map(|i| crate::sample::complete_response(v1(), i).unwrap())
            .collect()
    })
}

fn response(n: u128, answers: &[(&str, Answer)]) -> Response {
    let mut response = Response::start(
        id(n),
        crate::record::QuestionnaireRef::of(v1()),
        &assignment(),
        LanguageCode("en".into()),
        Timestamp(0),
    );
    response.answers.insert("CONSENT".into(), Choice(1));
    for (code, answer) in answers {
        response.answers.insert((*code).into(), answer.clone());
    }
    response
}

fn shown_of(responses: &[Response], threshold: u64) -> Breakdown<ShownResults> {
    let mut tally = Tally::new(v1());
    tally.add_all(responses);
    tally
        .results()
        .unwrap()
        .shown(Threshold::new(threshold).unwrap())
}

fn shown(responses: &[Response]) -> ShownResults {
    match shown_of(responses, 10) {
        Breakdown::Shown(shown) => shown,
        Breakdown::TooFew { .. } => panic!("enough responses"),
    }
}

/// Every `{"shown": n}` anywhere in `value`.
fn shown_counts(value: &serde_json::Value, out: &mut Vec<u64>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner.as_u64()) {
                    ("shown", Some(n)) => out.push(n),
                    _ => shown_counts(inner, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| shown_counts(i, out)),
        _ => {}
    }
}

fn hidden(cells: &[Cell]) -> usize {
    cells.iter().filter(|c| c.is_suppressed()).count()
}

#[test]
fn fewer_responses_than_the_threshold_show_nothing_at_all() {
    assert_eq!(
        shown_of(&samples()[..9], 10),
        Breakdown::TooFew { threshold: 10 }
    );
    assert!(matches!(shown_of(&samples()[..9], 5), Breakdown::Shown(_)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn no_small_count_is_shown_and_no_line_of_a_question_hides_just_one(
        count in 10usize..300,
        threshold in 5u64..16,
    ) {
        let Breakdown::Shown(shown) = shown_of(&samples()[..count], threshold) else {
            return Ok(());
        };
        let mut counts = Vec::new();
        shown_counts(&serde_json::to_value(&shown).unwrap(), &mut counts);
        prop_assert!(!counts.is_empty());
        prop_assert!(counts.iter().all(|&n| n == 0 || n >= threshold), "{:?}", counts);
        for d in &shown.distributions {
            let core = [d.base, d.no_answer, d.dont_know, d.prefer_not_to_say, d.asked];
            prop_assert_ne!(hidden(&core), 1, "{}", d.question);
            prop_assert_ne!(hidden(&[d.asked, d.not_asked, d.responses]), 1, "{}", d.question);
            if let ShownValues::Choice { options } = &d.values {
                let mut line: Vec<Cell> = options.iter().map(|o| o.count).collect();
                line.push(d.base);
                prop_assert_ne!(hidden(&line), 1, "{}", d.question);
                for option in options {
                    prop_assert_eq!(option.share.is_some(), !option.count.is_suppressed() && d.base.shown().is_some_and(|n| n > 0));
                }
            }
        }
        for indicator in &shown.indicators {
            if indicator.share.is_some() {
                prop_assert!(!indicator.yes.is_suppressed() && !indicator.base.is_suppressed());
            }
        }
    }
}

#[test]
fn a_headline_share_is_hidden_when_those_not_counted_are_few() {
    // 95 feel safe and 3 do not: 97% of 98 would give the 3 away.
    let responses: Vec<Response> = (0..98)
        .map(|i| {
            response(
                i,
                &[("SAFE_AFTER_DARK", Choice(if i < 95 { 1 } else { 3 }))],
            )
        })
        .collect();
    let shown = shown(&responses);
    let safe = &shown.indicators[5];
    assert_eq!(safe.question.as_str(), "SAFE_AFTER_DARK");
    assert_eq!((safe.share, safe.interval), (None, None));
    assert!(safe.yes.is_suppressed() || safe.base.is_suppressed());
}

#[test]
fn a_headline_share_with_enough_on_both_sides_is_the_indicators() {
    let responses: Vec<Response> = (0..60)
        .map(|i| {
            let answer = match i % 3 {
                0 => Choice(6),
                1 => Choice(2),
                _ => Choice(4),
            };
            response(i, &[("SAFE_AFTER_DARK", answer)])
        })
        .collect();
    let mut tally = Tally::new(v1());
    tally.add_all(&responses);
    let results = tally.results().unwrap();
    let Breakdown::Shown(shown) = results.shown(Threshold::DEFAULT) else {
        panic!()
    };
    let (full, safe) = (&results.indicators[5], &shown.indicators[5]);
    assert_eq!((safe.yes, safe.base), (Cell::Shown(20), Cell::Shown(40)));
    assert_eq!(
        (safe.share, safe.interval),
        (full.share.share, full.share.interval)
    );
    assert_eq!(safe.excluded[0].count, Cell::Shown(20));
}

#[test]
fn the_headline_and_its_question_hide_the_same_figures() {
    let shown = shown(&samples()[..120]);
    for indicator in &shown.indicators {
        let d = shown
            .distributions
            .iter()
            .find(|d| d.question == indicator.question)
            .unwrap();
        assert_eq!(indicator.dont_know, d.dont_know, "{}", d.question);
        assert_eq!(indicator.prefer_not_to_say, d.prefer_not_to_say);
    }
}

#[test]
fn a_wellbeing_mean_of_fewer_than_the_threshold_is_hidden() {
    let responses: Vec<Response> = (0..20)
        .map(|i| {
            let answer = if i < 5 { Number(7) } else { DontKnow };
            response(i, &[("LIFE_SATISFACTION", answer)])
        })
        .collect();
    let shown = shown(&responses);
    let life = &shown.wellbeing[0];
    assert_eq!(life.question.as_str(), "LIFE_SATISFACTION");
    assert_eq!(
        (life.n, life.mean, life.share),
        (Cell::Suppressed, None, None)
    );
    let d = shown
        .distributions
        .iter()
        .find(|d| d.question.as_str() == "LIFE_SATISFACTION")
        .unwrap();
    assert!(matches!(
        d.values,
        ShownValues::Number {
            mean: None,
            quartiles: None,
            ..
        }
    ));
}

#[test]
fn the_smallest_and_largest_number_are_hidden_when_few_gave_them() {
    let responses: Vec<Response> = (0..40)
        .map(|i| {
            let years = if i == 0 {
                87
            } else {
                1 + i64::from(i % 2 == 0) * 4
            };
            response(i as u128, &[("YEARS_IN_AREA", Number(years))])
        })
        .collect();
    let shown = shown(&responses);
    let d = shown
        .distributions
        .iter()
        .find(|d| d.question.as_str() == "YEARS_IN_AREA")
        .unwrap();
    let ShownValues::Number { min, max, mean, .. } = &d.values else {
        panic!()
    };
    assert_eq!(
        (*min, *max),
        (Some(1), None),
        "one resident has lived here 87 years"
    );
    assert!(mean.is_some());
}

#[test]
fn a_count_hidden_on_one_question_is_not_given_back_by_the_question_it_routes_to() {
    // Tenure: 40 own outright, 30 mortgage, 3 shared (small), 11 rent, 25 rent free.
    // The 3 takes the smallest other count with it, the 11 renting; but everyone
    // renting was asked who their landlord is, so LANDLORD's "asked" would say 11 and
    // give the 3 back (109 - 40 - 30 - 11 - 25).
    let tenure = [(1, 40), (2, 30), (3, 3), (4, 11), (5, 25)];
    let mut responses = Vec::new();
    for (code, count) in tenure {
        for _ in 0..count {
            let mut answers = vec![("TENURE", Choice(code))];
            if code == 4 {
                answers.push(("LANDLORD", Choice(1)));
            }
            responses.push(response(responses.len() as u128, &answers));
        }
    }
    let shown = shown(&responses);
    let question = |code: &str| {
        shown
            .distributions
            .iter()
            .find(|d| d.question.as_str() == code)
            .unwrap()
    };
    let ShownValues::Choice { options } = &question("TENURE").values else {
        panic!()
    };
    assert_eq!(options[2].count, Cell::Suppressed);
    assert_eq!(options[3].count, Cell::Suppressed, "rent is the complement");
    let landlord = question("LANDLORD");
    assert_eq!(landlord.asked, Cell::Suppressed);
    assert!(landlord.base.is_suppressed() && landlord.not_asked.is_suppressed());
}

use survey::results::{Breakdown, Tally, Threshold, Values};
use survey::sample::Pool;

use super::*;

/// A small RFC 4180 reader: rows of fields, honouring quotes.
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// The results of a few sample responses: enough to show, few enough that many figures
/// are hidden.
pub(crate) fn few_results(count: usize) -> (&'static Questionnaire, survey::results::Results) {
    let questionnaire = &crate::store::results::shipped().unwrap()[0];
    let pool = Pool::new(questionnaire, count).unwrap();
    let mut tally = Tally::new(questionnaire);
    for index in 0..count {
        tally.add(&pool.response(index));
    }
    (questionnaire, tally.results().unwrap())
}

fn shown(results: &survey::results::Results) -> ShownResults {
    match results.shown(Threshold::DEFAULT) {
        Breakdown::Shown(shown) => shown,
        Breakdown::TooFew { .. } => panic!("too few"),
    }
}

#[test]
fn a_hidden_count_is_written_as_the_mark_and_never_as_its_number() {
    let (questionnaire, results) = few_results(14);
    let shown = shown(&results);
    let language = questionnaire.languages[0].code.clone();
    let csv = distributions_csv(questionnaire, &shown, &language);
    let rows = parse_csv(&csv);
    assert_eq!(rows[0], DISTRIBUTION_COLUMNS);
    assert!(rows
        .iter()
        .all(|row| row.len() == DISTRIBUTION_COLUMNS.len()));
    let mut small = 0;
    for distribution in &results.distributions {
        let (Values::Choice { options } | Values::Choices { options, .. }) = &distribution.values
        else {
            continue;
        };
        for option in options {
            let row = rows
                .iter()
                .find(|row| {
                    row[0] == distribution.question.as_str() && row[2] == option.code.to_string()
                })
                .unwrap_or_else(|| panic!("{} {}", distribution.question, option.code));
            if Threshold::DEFAULT.is_small(option.count) {
                small += 1;
                assert_eq!(row[4], SUPPRESSED_MARK, "{row:?} is {}", option.count);
                assert_eq!(row[5], "", "{row:?}: no percentage");
            } else if row[4] != SUPPRESSED_MARK {
                assert_eq!(row[4], option.count.to_string(), "{row:?}");
            }
        }
    }
    assert!(small > 10, "the sample has small counts to hide ({small})");
    // Labels in the language asked for, text quoted as CSV needs.
    let area = questionnaire.question(&"AREA_SATISFACTION".into()).unwrap();
    let text = text_in(questionnaire, &area.text, &language);
    assert!(rows
        .iter()
        .any(|row| row[0] == "AREA_SATISFACTION" && row[1] == text));
}

#[test]
fn indicators_are_written_per_ward_with_the_wards_suppressed_together() {
    let (_, few) = few_results(12);
    let (_, many) = few_results(400);
    let (_, tiny) = few_results(4);
    let comparisons = survey::results::compare_wards(
        &[("E05009367", &few), ("E05009368", &many), ("x", &tiny)],
        Threshold::DEFAULT,
    );
    let csv = indicators_csv(&comparisons);
    let rows = parse_csv(&csv);
    assert_eq!(rows[0], INDICATOR_COLUMNS);
    // A ward with too few responses: every figure the mark.
    for row in rows.iter().filter(|row| row[2] == "x") {
        assert_eq!(
            (row[3].as_str(), row[4].as_str()),
            (SUPPRESSED_MARK, SUPPRESSED_MARK),
            "{row:?}"
        );
    }
    let mut hidden = 0;
    for comparison in &comparisons {
        for figure in std::iter::once(&comparison.all).chain(&comparison.wards) {
            let ward = if figure.ward.is_empty() {
                "all"
            } else {
                &figure.ward
            };
            let row = rows
                .iter()
                .find(|row| row[2] == ward && row[0] == comparison.name)
                .unwrap();
            match figure.share {
                None => {
                    hidden += 1;
                    assert_eq!(row[4], SUPPRESSED_MARK, "{row:?}");
                    assert_eq!((row[5].as_str(), row[6].as_str()), ("", ""), "{row:?}");
                }
                Some(share) => {
                    assert_eq!(row[4], percent(share));
                    assert_eq!(row[5], percent(figure.interval.unwrap().lower));
                }
            }
            if let Cell::Shown(n) = figure.base {
                assert!(!Threshold::DEFAULT.is_small(n), "{row:?}");
                assert_eq!(row[3], n.to_string());
            }
        }
    }
    assert!(hidden > 0);
}

#[test]
fn a_label_that_looks_like_a_formula_is_written_as_text() {
    let mut out = String::new();
    write_row(
        &mut out,
        [
            Field::Text("=HYPERLINK(\"x\")"),
            Field::Text("-2"),
            Field::Number("-2".into()),
        ],
    );
    assert_eq!(out, "\"'=HYPERLINK(\"\"x\"\")\",'-2,-2\r\n");
}

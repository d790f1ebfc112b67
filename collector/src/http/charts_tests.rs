use survey::questionnaire::QuestionCode;
use survey::results::{Breakdown, ShownOption, Threshold};

use super::*;
use crate::store::results_csv::tests::few_results;

fn language(questionnaire: &Questionnaire) -> LanguageCode {
    questionnaire.languages[0].code.clone()
}

/// The text of the table cells after the row header `label`.
fn table_row(markup: &str, label: &str) -> String {
    let start = format!("<th scope=\"row\">{label}</th>");
    let at = markup
        .find(&start)
        .unwrap_or_else(|| panic!("no row {label} in {markup}"));
    let rest = &markup[at + start.len()..];
    rest[..rest.find("</tr>").unwrap()].to_owned()
}

fn hand_made(code: &str) -> ShownDistribution {
    let option = |code, count, share| ShownOption { code, count, share };
    ShownDistribution {
        question: QuestionCode::from(code),
        responses: Cell::Shown(5000),
        not_asked: Cell::Shown(0),
        asked: Cell::Shown(5000),
        no_answer: Cell::Shown(0),
        dont_know: Cell::Suppressed,
        prefer_not_to_say: Cell::Suppressed,
        base: Cell::Shown(4987),
        values: ShownValues::Choice {
            options: vec![
                option(1, Cell::Shown(4321), Some(0.8665)),
                option(2, Cell::Suppressed, None),
                option(3, Cell::Shown(654), Some(0.1311)),
                option(4, Cell::Suppressed, None),
                option(5, Cell::Shown(0), Some(0.0)),
            ],
        },
    }
}

#[test]
fn a_bar_chart_is_an_image_with_a_summary_and_a_table_of_the_same_figures() {
    let (questionnaire, _) = few_results(1);
    let question = questionnaire.question(&"AREA_SATISFACTION".into()).unwrap();
    let markup = distribution_chart(
        questionnaire,
        question,
        &hand_made("AREA_SATISFACTION"),
        &language(questionnaire),
        10,
    )
    .into_string();
    assert!(markup.starts_with("<figure"), "{markup}");
    assert!(markup.contains("role=\"img\""));
    assert!(markup.contains("aria-label=\"Bar chart: "));
    assert!(markup.contains("<title>Bar chart: "));
    assert!(markup.contains("width=\"100%\""));
    assert!(markup.contains("viewBox=\"0 0 640.0 "));
    assert!(markup.contains("<caption>"));
    assert_eq!(markup.matches("<th scope=\"col\">").count(), 3);
    assert!(markup.contains("86.7% (4321)"), "the bar's figure");
    let options = questionnaire.options(question);
    let label = |code| {
        let option = options.iter().find(|o| o.code == code).unwrap();
        text_in(questionnaire, &option.label, &language(questionnaire)).to_owned()
    };
    assert_eq!(table_row(&markup, &label(1)), "<td>4321</td><td>86.7%</td>");
    assert_eq!(table_row(&markup, &label(2)), "<td>hidden</td><td></td>");
    // Two options, "don't know" and "prefer not to say" hidden: a mark in the chart and
    // one in the table each (the rows apart are text in the chart).
    assert_eq!(
        markup.matches("url(#chart-AREASATISFACTION-hatch)").count(),
        2
    );
    assert!(markup.contains(&suppression_note(10)));
}

#[test]
fn a_hidden_count_of_real_results_appears_nowhere() {
    let (questionnaire, results) = few_results(14);
    let Breakdown::Shown(shown) = results.shown(Threshold::DEFAULT) else {
        panic!("too few");
    };
    let mut checked = 0;
    for (raw, shown) in results.distributions.iter().zip(&shown.distributions) {
        let question = questionnaire.question(&raw.question).unwrap();
        let markup =
            distribution_chart(questionnaire, question, shown, &language(questionnaire), 10)
                .into_string();
        let ShownValues::Choice { options } = &shown.values else {
            continue;
        };
        for option in options.iter().filter(|o| o.count.is_suppressed()) {
            let label = questionnaire
                .options(question)
                .iter()
                .find(|o| o.code == option.code)
                .map(|o| text_in(questionnaire, &o.label, &language(questionnaire)).to_owned())
                .unwrap();
            assert_eq!(table_row(&markup, &label), "<td>hidden</td><td></td>");
            let raw_count = raw.option(option.code);
            assert!(
                !markup.contains(&format!("({raw_count})")) || raw_count == 0,
                "{}: {raw_count}",
                raw.question
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked}");
}

#[test]
fn labels_are_escaped() {
    let (shipped, _) = few_results(1);
    let mut questionnaire = shipped.clone();
    for section in &mut questionnaire.sections {
        for question in &mut section.questions {
            if let QuestionKind::SingleChoice { options } = &mut question.kind {
                for option in options {
                    for text in option.label.0.values_mut() {
                        *text = "<script>alert(1)</script>".into();
                    }
                }
            }
        }
    }
    let question = questionnaire.question(&"SAFE_AFTER_DARK".into()).unwrap();
    let markup = distribution_chart(
        &questionnaire,
        question,
        &hand_made("SAFE_AFTER_DARK"),
        &language(&questionnaire),
        10,
    )
    .into_string();
    assert!(markup.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!markup.contains("<script"), "{markup}");
    let (_, tiny) = few_results(3);
    let mut comparison =
        survey::results::compare_wards(&[("w", &tiny)], Threshold::DEFAULT).remove(0);
    comparison.name = "a \"name\" <i>".into();
    let markup = indicator_chart(&comparison, |_| "<b>ward</b>".to_owned(), 10).into_string();
    assert!(markup.contains("&lt;b&gt;ward&lt;/b&gt;"));
    assert!(
        !markup.contains("<b>") && !markup.contains("<i>"),
        "{markup}"
    );
}

#[test]
fn a_text_question_shows_only_how_many_wrote_something() {
    let (questionnaire, results) = few_results(40);
    let Breakdown::Shown(shown) = results.shown(Threshold::DEFAULT) else {
        panic!("too few");
    };
    let code = QuestionCode::from("AREA_ONE_THING");
    let question = questionnaire.question(&code).unwrap();
    let distribution = shown
        .distributions
        .iter()
        .find(|d| d.question == code)
        .unwrap();
    let markup = distribution_chart(
        questionnaire,
        question,
        distribution,
        &language(questionnaire),
        10,
    )
    .into_string();
    assert!(!markup.contains("<svg"));
    assert!(table_row(&markup, "Wrote something").starts_with("<td>"));
    for words in ["Evening classes", "market", "Kurs"] {
        assert!(!markup.contains(words));
    }
}

#[test]
fn a_number_question_shows_its_mean_and_quartiles() {
    let (questionnaire, results) = few_results(60);
    let Breakdown::Shown(shown) = results.shown(Threshold::DEFAULT) else {
        panic!("too few");
    };
    let code = QuestionCode::from("LIFE_SATISFACTION");
    let question = questionnaire.question(&code).unwrap();
    let distribution = shown
        .distributions
        .iter()
        .find(|d| d.question == code)
        .unwrap();
    let ShownValues::Number {
        mean: Some(mean),
        quartiles: Some(quartiles),
        ..
    } = &distribution.values
    else {
        panic!("{distribution:?}");
    };
    let markup = distribution_chart(
        questionnaire,
        question,
        distribution,
        &language(questionnaire),
        10,
    )
    .into_string();
    assert!(markup.contains(&format!("mean {mean:.1}, median {:.1}", quartiles.median)));
    assert_eq!(
        table_row(&markup, "Lower quartile"),
        format!("<td colspan=\"2\">{:.1}</td>", quartiles.lower)
    );
}

#[test]
fn an_indicator_is_a_bar_with_its_interval_per_ward_or_says_why_not() {
    let (_, many) = few_results(300);
    let (_, other) = few_results(200);
    let (_, few) = few_results(4);
    let comparisons = survey::results::compare_wards(
        &[("big", &many), ("other", &other), ("small", &few)],
        Threshold::DEFAULT,
    );
    let comparison = &comparisons[0];
    let big = &comparison.wards[0];
    let (share, interval) = (big.share.unwrap(), big.interval.unwrap());
    let names = |code: &str| match code {
        "big" => "Big ward".to_owned(),
        "other" => "Other ward".to_owned(),
        _ => "Small ward".to_owned(),
    };
    let markup = indicator_chart(comparison, names, 10).into_string();
    assert!(markup.contains("role=\"img\""));
    let base = big.base.shown().unwrap();
    assert!(
        markup.contains(&format!("{}% (n = {base})", percent(share))),
        "{markup}"
    );
    assert!(markup.contains("Fewer than 10 responses</text>"));
    assert_eq!(
        table_row(&markup, "Big ward"),
        format!(
            "<td>{base}</td><td>{}%</td><td>{}% to {}%</td>",
            percent(share),
            percent(interval.lower),
            percent(interval.upper)
        )
    );
    assert_eq!(
        table_row(&markup, "Small ward"),
        "<td colspan=\"3\">Fewer than 10 responses</td>"
    );
    // The small ward's n would be the total less the others: the total is hidden.
    assert!(
        table_row(&markup, "All wards").starts_with("<td>hidden</td>")
            || table_row(&markup, "Other ward").starts_with("<td>hidden</td>"),
        "{markup}"
    );
    let wellbeing = comparisons.iter().find(|c| c.wellbeing).unwrap();
    let markup = indicator_chart(wellbeing, names, 10).into_string();
    assert!(
        markup.contains("<th scope=\"col\">Mean score</th>"),
        "{markup}"
    );
}

#[test]
fn paired_columns_are_an_image_with_a_summary_over_their_table() {
    let rows = vec![
        ("2024-05-01".to_owned(), [4, 10]),
        ("2024-05-02".to_owned(), [0, 3]),
    ];
    let table = maud::html! { table { caption { "Per day" } } };
    let markup = paired_columns_chart(
        "per-day",
        "Column chart: responses and doors per day <b>",
        ["Responses", "Doors knocked"],
        &rows,
        table,
    )
    .into_string();
    assert!(markup.contains(r#"role="img""#));
    assert!(markup.contains("<caption>Per day</caption>"));
    assert!(markup.contains("most: 10"));
    assert!(markup.contains("2024-05-01") && markup.contains("2024-05-02"));
    assert!(!markup.contains("<b>"), "the summary is escaped");
    // Four columns, the tallest the full height.
    assert_eq!(markup.matches("<rect").count(), 2 + 4);
    assert!(markup.contains(r#"height="150.0""#));
    // Nothing to draw is still a chart, with its table.
    let empty = paired_columns_chart("x", "none", ["a", "b"], &[], maud::html! {}).into_string();
    assert!(empty.contains("<figure"));
}

#[test]
fn the_second_series_colour_is_readable_on_white() {
    let luminance = |hex: &str| {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    };
    let contrast = 1.05 / (luminance(SECOND) + 0.05);
    assert!(contrast >= 4.5, "{contrast}");
}

//! The shown results as rows with their labels in a language ([`question_rows`]), which
//! the console's charts draw and tables list, and as aggregate CSV files for partners:
//! [`distributions_csv`] (a row per question and option) and [`indicators_csv`] (a row
//! per headline indicator and ward).
//!
//! Only [`ShownResults`] go in, so only figures suppression let through come out: a
//! hidden figure is written as [`SUPPRESSED_MARK`], its percentage left empty, and never
//! its number. Every hidden figure is marked alike, whether it was small or hidden so
//! that a small one could not be worked out (see [`survey::results::suppression`]): "fewer
//! than 10" would be untrue of the second kind, so the mark does not say it, and
//! [`suppression_note`] explains both.
//!
//! The files are RFC 4180, CRLF, as the responses export ([`survey::csv_export`]): text
//! cells that a spreadsheet would run as a formula get a `'` in front; hand them out with
//! [`survey::csv_export::file_bytes`] (UTF-8 with a BOM).

use std::fmt::Write as _;

use survey::csv_export::FORMULA_STARTS;
use survey::questionnaire::{LanguageCode, NonSubstantive, Question, QuestionKind};
use survey::results::{Cell, ShownDistribution, ShownResults, ShownValues, WardComparison};
use survey::Questionnaire;

/// What a hidden figure shows, on the page and in the files, whatever hid it.
pub const SUPPRESSED_MARK: &str = "hidden";

/// The sentence every page and file of results carries about hidden figures.
pub fn suppression_note(threshold: u64) -> String {
    format!(
        "Counts from 1 to {} are hidden, and so is any count from which one of them could \
         be worked out; their percentages are hidden with them.",
        threshold.saturating_sub(1)
    )
}

/// What one row of a question's table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A substantive answer (an option, or one number): its share is of the base.
    Answer,
    /// Respondents who gave a substantive answer: the base of every share.
    Base,
    /// "Don't know" or "prefer not to say": shown apart, outside the base.
    NonSubstantive,
    /// Asked and left unanswered, or not asked (skip logic): shown apart.
    Apart,
}

/// One row of a question's table as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownRow {
    /// The option's code, a non-substantive answer's export code (-1, -2), a number, or
    /// a name (`base`, `no_answer`, `not_asked`).
    pub code: String,
    /// The label in the language asked for.
    pub label: String,
    /// The count, or hidden.
    pub count: Cell,
    /// The share of the base (0 to 1), only for substantive answers and when it may be
    /// shown.
    pub share: Option<f64>,
    /// What the row is.
    pub kind: RowKind,
}

/// Text in `language`, else the questionnaire's first language.
pub fn text_in<'q>(
    questionnaire: &'q Questionnaire,
    text: &'q survey::questionnaire::Text,
    language: &LanguageCode,
) -> &'q str {
    let fallback = questionnaire
        .source_language()
        .cloned()
        .unwrap_or_else(|| language.clone());
    text.get(language, &fallback)
}

/// The rows of one question's table: its substantive answers in questionnaire order
/// (each option; for a number question each number given), the base, then "don't know"
/// and "prefer not to say" where the question allows them, no answer and not asked.
/// A text question has only its base and the rows apart: its words are never counted.
pub fn question_rows(
    questionnaire: &Questionnaire,
    question: &Question,
    shown: &ShownDistribution,
    language: &LanguageCode,
) -> Vec<ShownRow> {
    let mut rows = Vec::new();
    let options = questionnaire.options(question);
    match &shown.values {
        ShownValues::Choice { options: counts } | ShownValues::Choices { options: counts } => {
            for count in counts {
                let label = options
                    .iter()
                    .find(|o| o.code == count.code)
                    .map(|o| text_in(questionnaire, &o.label, language).to_owned())
                    .unwrap_or_default();
                rows.push(ShownRow {
                    code: count.code.to_string(),
                    label,
                    count: count.count,
                    share: count.share,
                    kind: RowKind::Answer,
                });
            }
        }
        ShownValues::Number { counts, .. } => {
            for value in counts {
                rows.push(ShownRow {
                    code: value.value.to_string(),
                    label: value.value.to_string(),
                    count: value.count,
                    share: None,
                    kind: RowKind::Answer,
                });
            }
        }
        ShownValues::Text => {}
    }
    let base_label = match question.kind {
        QuestionKind::Text { .. } => "Wrote something",
        QuestionKind::MultipleChoice { .. } => "Chose at least one (base)",
        _ => "Answered (base)",
    };
    rows.push(apart("base", base_label, shown.base, RowKind::Base));
    for (answer, cell) in [
        (NonSubstantive::DontKnow, shown.dont_know),
        (NonSubstantive::PreferNotToSay, shown.prefer_not_to_say),
    ] {
        if question.allow.contains(&answer) {
            let label = questionnaire.answer_labels.non_substantive(answer);
            rows.push(ShownRow {
                code: answer.code().to_string(),
                label: text_in(questionnaire, label, language).to_owned(),
                count: cell,
                share: None,
                kind: RowKind::NonSubstantive,
            });
        }
    }
    rows.push(apart(
        "no_answer",
        "No answer",
        shown.no_answer,
        RowKind::Apart,
    ));
    rows.push(apart(
        "not_asked",
        "Not asked",
        shown.not_asked,
        RowKind::Apart,
    ));
    rows
}

fn apart(code: &str, label: &str, count: Cell, kind: RowKind) -> ShownRow {
    ShownRow {
        code: code.to_owned(),
        label: label.to_owned(),
        count,
        share: None,
        kind,
    }
}

/// A share (0 to 1) as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1}", share * 100.0)
}

/// The columns of [`distributions_csv`].
pub const DISTRIBUTION_COLUMNS: [&str; 7] = [
    "question",
    "question_text",
    "option",
    "option_label",
    "count",
    "percent",
    "value",
];

/// Every question's table as CSV, in questionnaire order: a row per [`question_rows`]
/// row (`value` empty), then for number questions a row per figure (`mean`, `lower_quartile`,
/// `median`, `upper_quartile`, `min`, `max`) with the figure in `value` when it may be shown.
pub fn distributions_csv(
    questionnaire: &Questionnaire,
    shown: &ShownResults,
    language: &LanguageCode,
) -> String {
    let mut out = String::new();
    write_row(&mut out, DISTRIBUTION_COLUMNS.map(Field::Text));
    for distribution in &shown.distributions {
        let Some(question) = questionnaire.question(&distribution.question) else {
            continue;
        };
        let code = distribution.question.as_str();
        let text = text_in(questionnaire, &question.text, language);
        for row in question_rows(questionnaire, question, distribution, language) {
            write_row(
                &mut out,
                [
                    Field::Text(code),
                    Field::Text(text),
                    code_field(&row.code),
                    Field::Text(&row.label),
                    count_field(row.count),
                    row.share
                        .map_or(Field::Empty, |s| Field::Number(percent(s))),
                    Field::Empty,
                ],
            );
        }
        if let ShownValues::Number {
            mean,
            quartiles,
            min,
            max,
            ..
        } = &distribution.values
        {
            let figures = [
                ("mean", "Mean", *mean),
                (
                    "lower_quartile",
                    "Lower quartile",
                    quartiles.map(|q| q.lower),
                ),
                ("median", "Median", quartiles.map(|q| q.median)),
                (
                    "upper_quartile",
                    "Upper quartile",
                    quartiles.map(|q| q.upper),
                ),
                ("min", "Smallest", min.map(|v| v as f64)),
                ("max", "Largest", max.map(|v| v as f64)),
            ];
            for (name, label, figure) in figures {
                write_row(
                    &mut out,
                    [
                        Field::Text(code),
                        Field::Text(text),
                        Field::Text(name),
                        Field::Text(label),
                        Field::Empty,
                        Field::Empty,
                        figure.map_or(Field::Text(SUPPRESSED_MARK), |v| {
                            Field::Number(format!("{v:.2}"))
                        }),
                    ],
                );
            }
        }
    }
    out
}

/// The columns of [`indicators_csv`].
pub const INDICATOR_COLUMNS: [&str; 8] = [
    "indicator",
    "question",
    "ward",
    "n",
    "percent",
    "ci_low",
    "ci_high",
    "mean",
];

/// The headlines across wards ([`WardComparison`]s, suppressed together) as CSV: per
/// headline a row for every ward together (`all`), then one per ward by its code. A
/// ward with too few responses is the mark throughout; a hidden n is the mark, and a
/// percentage that may not be shown is the mark with empty interval ends.
pub fn indicators_csv(comparisons: &[WardComparison]) -> String {
    let mut out = String::new();
    write_row(&mut out, INDICATOR_COLUMNS.map(Field::Text));
    for comparison in comparisons {
        for figure in std::iter::once(&comparison.all).chain(&comparison.wards) {
            let ward = if figure.ward.is_empty() {
                "all"
            } else {
                figure.ward.as_str()
            };
            let interval = figure.interval;
            write_row(
                &mut out,
                [
                    Field::Text(&comparison.name),
                    Field::Text(comparison.question.as_str()),
                    Field::Text(ward),
                    count_field(figure.base),
                    figure
                        .share
                        .map_or(Field::Text(SUPPRESSED_MARK), |s| Field::Number(percent(s))),
                    interval.map_or(Field::Empty, |i| Field::Number(percent(i.lower))),
                    interval.map_or(Field::Empty, |i| Field::Number(percent(i.upper))),
                    match (comparison.wellbeing, figure.mean) {
                        (false, _) => Field::Empty,
                        (true, Some(mean)) => Field::Number(format!("{mean:.2}")),
                        (true, None) => Field::Text(SUPPRESSED_MARK),
                    },
                ],
            );
        }
    }
    out
}

/// One CSV field.
enum Field<'a> {
    Text(&'a str),
    Number(String),
    Empty,
}

/// A row's code: a number as a number (`-1` is "don't know", not a formula).
fn code_field(code: &str) -> Field<'_> {
    if code.parse::<i64>().is_ok() {
        Field::Number(code.to_owned())
    } else {
        Field::Text(code)
    }
}

fn count_field(cell: Cell) -> Field<'static> {
    match cell {
        Cell::Shown(count) => Field::Number(count.to_string()),
        Cell::Suppressed => Field::Text(SUPPRESSED_MARK),
    }
}

fn write_row<'a>(out: &mut String, fields: impl IntoIterator<Item = Field<'a>>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        match field {
            Field::Number(number) => out.push_str(&number),
            Field::Empty => {}
            Field::Text(text) => {
                let guard = if text.starts_with(FORMULA_STARTS) {
                    "'"
                } else {
                    ""
                };
                if text.contains([',', '"', '\r', '\n']) {
                    let _ = write!(out, "\"{guard}{}\"", text.replace('"', "\"\""));
                } else {
                    out.push_str(guard);
                    out.push_str(text);
                }
            }
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
#[path = "results_csv_tests.rs"]
pub(crate) mod tests;

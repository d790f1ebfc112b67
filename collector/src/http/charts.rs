//! The console's charts, drawn on the server as SVG inside the page: pure functions from
//! shown (suppressed) results to [`Markup`], no script.
//!
//! - [`distribution_chart`]: one question, a horizontal bar per answer in questionnaire
//!   order, "don't know", "prefer not to say", no answer and not asked listed apart; a
//!   number question as its mean and quartiles; a text question as how many wrote
//!   something (never what).
//! - [`indicator_chart`]: one headline indicator or wellbeing measure, a bar per ward
//!   side by side with its 95% Wilson interval as a whisker and its n (and a wellbeing
//!   mean in the table), suppressed across the wards together
//!   ([`survey::results::compare_wards`]).
//! - [`paired_columns_chart`]: two counts per day (the overview's responses and doors),
//!   as pairs of columns.
//!
//! Every chart is a `<figure>`: the SVG (`role="img"`, a `<title>` and `aria-label`
//! summing it up) and a `<table>` with the same figures, which is what screen readers
//! read. A hidden figure is drawn as a short grey hatched mark of no length, labelled
//! [`SUPPRESSED_MARK`], and neither its count nor a percentage appears anywhere in the
//! markup. Every text comes from maud's escaping interpolation. Sizes are responsive
//! (a `viewBox`, width 100%). Colours on white: text `#1b1b1b` (17:1), bars `#1d5fa8`
//! (6.4:1), the hatching `#595959` (7:1).

use maud::{html, Markup};
use survey::questionnaire::{LanguageCode, Question, QuestionKind};
use survey::results::{Cell, ShownDistribution, ShownValues, WardComparison, WardFigure};
use survey::Questionnaire;

use crate::store::results_csv::{
    percent, question_rows, suppression_note, text_in, RowKind, ShownRow, SUPPRESSED_MARK,
};

const WIDTH: f64 = 640.0;
const LABEL_X: f64 = 8.0;
const BAR_X: f64 = 8.0;
const BAR_WIDTH: f64 = 440.0;
const ROW: f64 = 44.0;
const TEXT: &str = "#1b1b1b";
const BAR: &str = "#1d5fa8";
const HATCH: &str = "#595959";
/// A second series beside [`BAR`] (4.9:1 on white).
const SECOND: &str = "#a34700";
/// The width of a hidden figure's mark: the same for every one, so it says no size.
const MARK_WIDTH: f64 = 24.0;

/// A number for an SVG attribute.
fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// A count as shown in text: the number, or the mark.
fn count_text(cell: Cell) -> String {
    match cell {
        Cell::Shown(count) => count.to_string(),
        Cell::Suppressed => SUPPRESSED_MARK.to_owned(),
    }
}

/// A share as a percentage, or empty.
fn percent_text(share: Option<f64>) -> String {
    share
        .map(|s| format!("{}%", percent(s)))
        .unwrap_or_default()
}

/// The hatching pattern of hidden marks, its id unique to the chart.
fn hatch_pattern(id: &str) -> Markup {
    html! {
        defs {
            pattern id=(id) width="6" height="6" patternUnits="userSpaceOnUse"
                patternTransform="rotate(45)" {
                rect width="6" height="6" fill="#ffffff" {}
                line x1="0" y1="0" x2="0" y2="6" stroke=(HATCH) stroke-width="3" {}
            }
        }
    }
}

/// A hidden figure's mark at `y`: hatched, of no length, labelled.
fn hidden_mark(x: f64, y: f64, pattern: &str) -> Markup {
    html! {
        rect x=(n(x)) y=(n(y)) width=(n(MARK_WIDTH)) height="14" fill=(format!("url(#{pattern})"))
            stroke=(HATCH) stroke-width="1" {}
        text x=(n(x + MARK_WIDTH + 6.0)) y=(n(y + 11.0)) font-size="12" fill=(TEXT) { (SUPPRESSED_MARK) }
    }
}

/// A chart id made of the question code's letters and digits only.
fn chart_id(prefix: &str, code: &str) -> String {
    let code: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{prefix}-{code}")
}

/// One question's chart and table, labels in `language`, for results shown at
/// `threshold`. A question's figures are in `shown` (from [`ShownResults`]).
pub fn distribution_chart(
    questionnaire: &Questionnaire,
    question: &Question,
    shown: &ShownDistribution,
    language: &LanguageCode,
    threshold: u64,
) -> Markup {
    let text = text_in(questionnaire, &question.text, language);
    let rows = question_rows(questionnaire, question, shown, language);
    let id = chart_id("chart", question.code.as_str());
    let graphic = match (&question.kind, &shown.values) {
        (QuestionKind::Text { .. }, _) => None,
        (_, ShownValues::Number { .. }) => Some(number_svg(question, shown, text, &id)),
        _ => Some(bars_svg(&rows, text, shown.base, &id)),
    };
    html! {
        figure class="chart" {
            @if let Some(graphic) = graphic { (graphic) }
            (rows_table(text, &rows, shown))
            p class="chart__note" { (suppression_note(threshold)) }
        }
    }
}

/// Horizontal bars of the substantive answers, then the rows apart as text.
fn bars_svg(rows: &[ShownRow], text: &str, base: Cell, id: &str) -> Markup {
    let answers: Vec<&ShownRow> = rows.iter().filter(|r| r.kind == RowKind::Answer).collect();
    let apart: Vec<&ShownRow> = rows.iter().filter(|r| r.kind != RowKind::Answer).collect();
    let height = ROW * answers.len() as f64 + 28.0 + 20.0 * apart.len() as f64 + 8.0;
    let of = match base {
        Cell::Shown(base) => format!("the {base} who answered"),
        Cell::Suppressed => format!("those who answered (their number is {SUPPRESSED_MARK})"),
    };
    let summary = format!(
        "Bar chart: {text}. {} answers, percentages of {of}.",
        answers.len()
    );
    let pattern = format!("{id}-hatch");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(summary)
            viewBox=(format!("0 0 {} {}", n(WIDTH), n(height))) width="100%"
            font-family="system-ui, sans-serif" {
            title { (summary) }
            (hatch_pattern(&pattern))
            @for (index, row) in answers.iter().enumerate() {
                @let y = ROW * index as f64;
                text x=(n(LABEL_X)) y=(n(y + 14.0)) font-size="13" fill=(TEXT) { (row.label) }
                @match (row.count, row.share) {
                    (Cell::Suppressed, _) => { (hidden_mark(BAR_X, y + 20.0, &pattern)) }
                    (Cell::Shown(count), Some(share)) => {
                        @let length = (share.clamp(0.0, 1.0) * BAR_WIDTH).max(1.0);
                        rect x=(n(BAR_X)) y=(n(y + 20.0)) width=(n(length)) height="14" fill=(BAR) {}
                        text x=(n(BAR_X + length + 6.0)) y=(n(y + 31.0)) font-size="12" fill=(TEXT) {
                            (percent_text(Some(share))) " (" (count) ")"
                        }
                    }
                    (Cell::Shown(count), None) => {
                        text x=(n(BAR_X)) y=(n(y + 31.0)) font-size="12" fill=(TEXT) { (count) }
                    }
                }
            }
            @let top = ROW * answers.len() as f64 + 8.0;
            line x1="0" y1=(n(top)) x2=(n(WIDTH)) y2=(n(top)) stroke=(HATCH) stroke-width="1" {}
            @for (index, row) in apart.iter().enumerate() {
                text x=(n(LABEL_X)) y=(n(top + 20.0 + 20.0 * index as f64)) font-size="12" fill=(TEXT) {
                    (row.label) ": " (count_text(row.count))
                }
            }
        }
    }
}

/// A number question: the quartiles as a box over the question's range, the median as a
/// line, the mean as a dot; nothing but the note when they may not be shown.
fn number_svg(question: &Question, shown: &ShownDistribution, text: &str, id: &str) -> Markup {
    let ShownValues::Number {
        mean, quartiles, ..
    } = &shown.values
    else {
        return html! {};
    };
    let (low, high) = match question.kind {
        QuestionKind::Number { min, max } => (min as f64, max as f64),
        _ => (0.0, 10.0),
    };
    let span = (high - low).max(1.0);
    let x = |value: f64| BAR_X + (value - low).clamp(0.0, span) / span * BAR_WIDTH;
    let summary = match (mean, quartiles) {
        (Some(mean), Some(q)) => format!(
            "{text}: mean {mean:.1}, median {:.1}, quartiles {:.1} to {:.1}, of {} answers.",
            q.median,
            q.lower,
            q.upper,
            count_text(shown.base)
        ),
        _ => format!("{text}: the figures are {SUPPRESSED_MARK}."),
    };
    let pattern = format!("{id}-hatch");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(summary)
            viewBox=(format!("0 0 {} 64", n(WIDTH))) width="100%" font-family="system-ui, sans-serif" {
            title { (summary) }
            (hatch_pattern(&pattern))
            line x1=(n(x(low))) y1="40" x2=(n(x(high))) y2="40" stroke=(HATCH) stroke-width="1" {}
            text x=(n(x(low))) y="58" font-size="12" fill=(TEXT) { (low) }
            text x=(n(x(high))) y="58" font-size="12" fill=(TEXT) text-anchor="end" { (high) }
            @match (mean, quartiles) {
                (Some(mean), Some(q)) => {
                    rect x=(n(x(q.lower))) y="26" width=(n((x(q.upper) - x(q.lower)).max(1.0)))
                        height="28" fill="#ffffff" stroke=(BAR) stroke-width="2" {}
                    line x1=(n(x(q.median))) y1="26" x2=(n(x(q.median))) y2="54" stroke=(BAR) stroke-width="3" {}
                    circle cx=(n(x(*mean))) cy="40" r="4" fill=(TEXT) {}
                    text x=(n(BAR_X)) y="16" font-size="12" fill=(TEXT) {
                        "Mean " (format!("{mean:.1}")) ", median " (format!("{:.1}", q.median))
                    }
                }
                _ => { (hidden_mark(BAR_X, 26.0, &pattern)) }
            }
        }
    }
}

/// The table of a question's rows (and a number question's figures).
fn rows_table(text: &str, rows: &[ShownRow], shown: &ShownDistribution) -> Markup {
    html! {
        table class="chart__table" {
            caption { (text) }
            thead { tr { th scope="col" { "Answer" } th scope="col" { "Count" } th scope="col" { "Percent" } } }
            tbody {
                @for row in rows {
                    tr { th scope="row" { (row.label) } td { (count_text(row.count)) } td { (percent_text(row.share)) } }
                }
                @if let ShownValues::Number { mean, quartiles, .. } = &shown.values {
                    @let figure = |value: Option<f64>| value.map_or_else(|| SUPPRESSED_MARK.to_owned(), |v| format!("{v:.1}"));
                    tr { th scope="row" { "Mean" } td colspan="2" { (figure(*mean)) } }
                    tr { th scope="row" { "Lower quartile" } td colspan="2" { (figure(quartiles.map(|q| q.lower))) } }
                    tr { th scope="row" { "Median" } td colspan="2" { (figure(quartiles.map(|q| q.median))) } }
                    tr { th scope="row" { "Upper quartile" } td colspan="2" { (figure(quartiles.map(|q| q.upper))) } }
                }
            }
        }
    }
}

/// One headline ([`WardComparison`]: an indicator, or a wellbeing measure's headline
/// band with its mean) across wards side by side, the partnership's figure first as
/// "All wards" (left out when there is one ward); `ward_name` names a ward's code. A ward with too few responses says so;
/// a hidden share is the mark, with the n when that is shown.
pub fn indicator_chart(
    comparison: &WardComparison,
    ward_name: impl Fn(&str) -> String,
    threshold: u64,
) -> Markup {
    let id = chart_id("indicator", comparison.question.as_str());
    let pattern = format!("{id}-hatch");
    let name = comparison.name.as_str();
    // One ward alone is its own total: its row is enough.
    let total = (comparison.wards.len() != 1)
        .then(|| IndicatorRow::of("All wards".to_owned(), &comparison.all, threshold));
    let rows: Vec<IndicatorRow> = total
        .into_iter()
        .chain(
            comparison
                .wards
                .iter()
                .map(|figure| IndicatorRow::of(ward_name(&figure.ward), figure, threshold)),
        )
        .collect();
    let height = ROW * rows.len() as f64 + 8.0;
    let summary = format!("Bar chart: {name}, by ward, with 95% confidence intervals.");
    html! {
        figure class="chart" {
            svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(summary)
                viewBox=(format!("0 0 {} {}", n(WIDTH), n(height))) width="100%"
                font-family="system-ui, sans-serif" {
                title { (summary) }
                (hatch_pattern(&pattern))
                @for (index, row) in rows.iter().enumerate() {
                    @let y = ROW * index as f64;
                    text x=(n(LABEL_X)) y=(n(y + 14.0)) font-size="13" fill=(TEXT) { (row.ward) }
                    @match row.figure {
                        Figure::TooFew(threshold) => {
                            text x=(n(BAR_X)) y=(n(y + 31.0)) font-size="12" fill=(TEXT) {
                                "Fewer than " (threshold) " responses"
                            }
                        }
                        Figure::Hidden(n_cell) => {
                            (hidden_mark(BAR_X, y + 20.0, &pattern))
                            text x=(n(BAR_X + MARK_WIDTH + 70.0)) y=(n(y + 31.0)) font-size="12" fill=(TEXT) {
                                "n = " (count_text(n_cell))
                            }
                        }
                        Figure::Share { share, lower, upper, base } => {
                            @let end = |v: f64| BAR_X + v.clamp(0.0, 1.0) * BAR_WIDTH;
                            rect x=(n(BAR_X)) y=(n(y + 20.0)) width=(n((end(share) - BAR_X).max(1.0))) height="14" fill=(BAR) {}
                            line x1=(n(end(lower))) y1=(n(y + 27.0)) x2=(n(end(upper))) y2=(n(y + 27.0)) stroke=(TEXT) stroke-width="1.5" {}
                            line x1=(n(end(lower))) y1=(n(y + 21.0)) x2=(n(end(lower))) y2=(n(y + 33.0)) stroke=(TEXT) stroke-width="1.5" {}
                            line x1=(n(end(upper))) y1=(n(y + 21.0)) x2=(n(end(upper))) y2=(n(y + 33.0)) stroke=(TEXT) stroke-width="1.5" {}
                            text x=(n(end(upper) + 6.0)) y=(n(y + 31.0)) font-size="12" fill=(TEXT) {
                                (percent_text(Some(share))) " (n = " (base) ")"
                            }
                        }
                    }
                }
            }
            table class="chart__table" {
                caption { (name) }
                thead { tr {
                    th scope="col" { "Ward" } th scope="col" { "n" } th scope="col" { "Percent" }
                    th scope="col" { "95% interval" }
                    @if comparison.wellbeing { th scope="col" { "Mean score" } }
                } }
                tbody {
                    @for row in &rows {
                        tr {
                            th scope="row" { (row.ward) }
                            @match row.figure {
                                Figure::TooFew(threshold) => td colspan=(if comparison.wellbeing { "4" } else { "3" }) { "Fewer than " (threshold) " responses" },
                                Figure::Hidden(n_cell) => { td { (count_text(n_cell)) } td { (SUPPRESSED_MARK) } td {} },
                                Figure::Share { share, lower, upper, base } => {
                                    td { (base) } td { (percent_text(Some(share))) }
                                    td { (percent_text(Some(lower))) " to " (percent_text(Some(upper))) }
                                },
                            }
                            @if comparison.wellbeing && !matches!(row.figure, Figure::TooFew(_)) {
                                td { (row.mean.map_or_else(|| SUPPRESSED_MARK.to_owned(), |m| format!("{m:.2}"))) }
                            }
                        }
                    }
                }
            }
            p class="chart__note" { (suppression_note(threshold)) }
        }
    }
}

/// One ward's figure of a headline.
struct IndicatorRow {
    ward: String,
    figure: Figure,
    mean: Option<f64>,
}

#[derive(Clone, Copy)]
enum Figure {
    TooFew(u64),
    Hidden(Cell),
    Share {
        share: f64,
        lower: f64,
        upper: f64,
        base: u64,
    },
}

impl IndicatorRow {
    fn of(ward: String, figure: &WardFigure, threshold: u64) -> Self {
        let shown = if figure.too_few {
            Figure::TooFew(threshold)
        } else {
            match (figure.share, figure.interval, figure.base) {
                (Some(share), Some(interval), Cell::Shown(base)) => Figure::Share {
                    share,
                    lower: interval.lower,
                    upper: interval.upper,
                    base,
                },
                _ => Figure::Hidden(figure.base),
            }
        };
        IndicatorRow {
            ward,
            figure: shown,
            mean: figure.mean,
        }
    }
}

/// Two counts for each of `rows` (e.g. responses and doors per day, oldest first) as
/// pairs of columns, named `names` in a legend, with `table` (the same figures, and
/// perhaps more) under it. `id` makes the chart's ids unique on the page; `summary` says
/// what it shows. Counts here are the viewer's own records, never suppressed ones.
pub fn paired_columns_chart(
    id: &str,
    summary: &str,
    names: [&str; 2],
    rows: &[(String, [u64; 2])],
    table: Markup,
) -> Markup {
    const LEFT: f64 = 8.0;
    const TOP: f64 = 36.0;
    const PLOT: f64 = 150.0;
    const COLOURS: [&str; 2] = [BAR, SECOND];
    let id = chart_id("columns", id);
    let most = rows
        .iter()
        .flat_map(|(_, counts)| counts.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (WIDTH - 2.0 * LEFT) / rows.len().max(1) as f64;
    let bar = (slot * 0.4).min(24.0);
    let base = TOP + PLOT;
    let height = |count: u64| count as f64 / most as f64 * PLOT;
    html! {
        figure class="chart chart--wide" {
            svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(summary) id=(id)
                viewBox=(format!("0 0 {} {}", n(WIDTH), n(base + 28.0))) width="100%"
                font-family="system-ui, sans-serif" {
                title { (summary) }
                @for (index, name) in names.iter().enumerate() {
                    @let x = LEFT + 160.0 * index as f64;
                    rect x=(n(x)) y="6" width="14" height="14" fill=(COLOURS[index]) {}
                    text x=(n(x + 20.0)) y="18" font-size="13" fill=(TEXT) { (name) }
                }
                text x=(n(WIDTH - LEFT)) y="18" font-size="12" fill=(TEXT) text-anchor="end" { "most: " (most) }
                @for (index, (_, counts)) in rows.iter().enumerate() {
                    @let x = LEFT + slot * index as f64 + (slot - 2.0 * bar) / 2.0;
                    @for (series, count) in counts.iter().enumerate() {
                        @let h = height(*count);
                        rect x=(n(x + bar * series as f64)) y=(n(base - h)) width=(n(bar.max(0.5)))
                            height=(n(h)) fill=(COLOURS[series]) {}
                    }
                }
                line x1=(n(LEFT)) y1=(n(base)) x2=(n(WIDTH - LEFT)) y2=(n(base)) stroke=(HATCH) stroke-width="1" {}
                @if let Some((first, _)) = rows.first() {
                    text x=(n(LEFT)) y=(n(base + 20.0)) font-size="12" fill=(TEXT) { (first) }
                }
                @if rows.len() > 1 {
                    @if let Some((last, _)) = rows.last() {
                        text x=(n(WIDTH - LEFT)) y=(n(base + 20.0)) font-size="12" fill=(TEXT) text-anchor="end" { (last) }
                    }
                }
            }
            (table)
        }
    }
}

#[cfg(test)]
#[path = "charts_tests.rs"]
mod tests;

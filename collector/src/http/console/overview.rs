//! Overview: responses received and doors knocked per day, ward, worker and agency, with
//! the contact rate and the interview rate, filtered by ward, agency and dates.
//!
//! What each role sees:
//!
//! - an **admin**: every agency's figures in every breakdown, as they are;
//! - a **coordinator**: its own agency's figures in every breakdown (per day, per ward,
//!   per worker), as they are (they are its own records, which it reviews one by one),
//!   and every agency's totals per agency and per ward with small counts hidden
//!   ([`OverviewCache::partnership`]), or none when the filter leaves fewer responses
//!   than the threshold. Never another agency's workers or days.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use survey::results::suppression::{Breakdown, Cell, Threshold};
use survey::Questionnaire;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::filters::{day_text, where_fields, Where, WhereQuery};
use super::page::{document, Section, OVERVIEW_PATH};
use super::Console;
use crate::http::charts::paired_columns_chart;
use crate::store::overview::{
    Figures, Overview, OverviewError, OverviewFilter, Partnership, ShownFigures, ShownTable,
};
use crate::store::results_csv::{suppression_note, SUPPRESSED_MARK};
use crate::store::scope::Scope;

/// The most days the chart draws (the latest); the table lists them all.
const CHART_DAYS: usize = 92;

pub(super) fn routes() -> Router<Console> {
    Router::new().route(OVERVIEW_PATH, get(page))
}

impl From<OverviewError> for ConsoleError {
    fn from(error: OverviewError) -> Self {
        ConsoleError::Failed(error.to_string())
    }
}

impl From<&Where> for OverviewFilter {
    fn from(place: &Where) -> OverviewFilter {
        OverviewFilter {
            area: place.area.clone(),
            agency: place.agency.clone(),
            from: place.from,
            to: place.to,
        }
    }
}

async fn page(
    State(console): State<Console>,
    viewer: Viewer,
    Query(query): Query<WhereQuery>,
) -> Result<Response, ConsoleError> {
    let q = console.questionnaire()?;
    let areas: Vec<String> = q.areas.iter().map(|a| a.code.clone()).collect();
    let agencies: Vec<String> = q.agencies.iter().map(|a| a.code.clone()).collect();
    let filter = OverviewFilter::from(&query.read(q)?);
    let threshold = console.threshold();
    let scope = Scope::of(&viewer.user);
    let admin = scope == Scope::All;
    let cache = console.overview().clone();
    let (overview, partnership) = {
        let (scope, filter) = (scope.clone(), filter.clone());
        console
            .db(move |connection| {
                let overview = cache.overview(connection, &scope, &filter)?;
                let partnership = if admin {
                    None
                } else {
                    let every_agency = OverviewFilter {
                        agency: None,
                        ..filter
                    };
                    Some(cache.partnership(connection, &every_agency, threshold)?)
                };
                Ok((overview, partnership))
            })
            .await?
    };
    let whose = match &scope {
        Scope::All => "every agency".to_owned(),
        Scope::Agency(agency) => agency.clone(),
    };
    let body = html! {
        h1 { "Overview" }
        p class="hint" {
            @if admin {
                "Responses received and doors knocked by every agency's workers."
            } @else {
                "Responses received and doors knocked by " (whose) "'s workers, in full; below them, every agency's totals, with small counts hidden."
            }
        }
        form method="get" action=(OVERVIEW_PATH) class="filters" {
            (where_fields(q, &query, admin, ""))
            button type="submit" { "Show" }
        }
        p class="hint" {
            "Responses are counted on the day they were completed, doors on the day they were knocked (UTC): the dates choose both. "
            "Every response received counts, whatever its review. "
            "Contact rate: of the doors knocked, the share where somebody answered (any outcome but no answer), as the tablets count it. "
            "Interview rate: of the doors knocked, the share where an interview was started (interviews divided by doors)."
        }
        (totals(&overview, &whose))
        (per_day(&overview, &whose))
        h2 { "Per ward" }
        (figures_table("per-ward", &format!("Per ward, {whose}"), "Ward", &in_order(&overview.by_ward, &areas, |code| area_name(q, code))))
        h2 { "Per worker" }
        (per_worker(&overview, &whose, admin, q))
        @if admin {
            h2 { "Per agency" }
            (figures_table("per-agency", "Per agency", "Agency", &in_order(&overview.by_agency, &agencies, |code| agency_name(q, code))))
        }
        @if let Some(partnership) = &partnership {
            (every_agency(partnership, q, &areas, &agencies, threshold))
        }
    };
    Ok(document(
        "Overview",
        Some(&viewer.user),
        Some(Section::Overview),
        body,
    )
    .into_response())
}

fn area_name(q: &Questionnaire, code: &str) -> String {
    q.areas
        .iter()
        .find(|a| a.code == code)
        .map_or_else(|| code.to_owned(), |a| a.name.clone())
}

fn agency_name(q: &Questionnaire, code: &str) -> String {
    q.agencies
        .iter()
        .find(|a| a.code == code)
        .map_or_else(|| code.to_owned(), |a| a.name.clone())
}

/// `rows` named by `name`, in the order of `codes` (the questionnaire's), then any other
/// code stored, sorted.
fn in_order<T: Clone>(
    rows: &[(String, T)],
    codes: &[String],
    name: impl Fn(&str) -> String,
) -> Vec<(String, T)> {
    let place = |code: &str| {
        codes
            .iter()
            .position(|known| known == code)
            .unwrap_or(usize::MAX)
    };
    let mut rows: Vec<&(String, T)> = rows.iter().collect();
    rows.sort_by(|a, b| place(&a.0).cmp(&place(&b.0)).then(a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|(code, value)| (name(code), value.clone()))
        .collect()
}

/// A rate in words.
fn rate(value: Option<u32>) -> Markup {
    html! {
        @match value {
            Some(percent) => { (percent) "%" }
            None => span class="suppressed" { "no doors" },
        }
    }
}

fn figure_headers() -> Markup {
    html! {
        th scope="col" class="n" { "Responses" } th scope="col" class="n" { "Doors knocked" }
        th scope="col" class="n" { "Contacts" } th scope="col" class="n" { "Interviews" }
        th scope="col" class="n" { "Contact rate" } th scope="col" class="n" { "Interview rate" }
    }
}

fn figure_cells(figures: &Figures) -> Markup {
    html! {
        td class="n" { (figures.responses) } td class="n" { (figures.visits.doors) }
        td class="n" { (figures.visits.contacts) } td class="n" { (figures.visits.interviews) }
        td class="n" { (rate(figures.visits.contact_rate())) } td class="n" { (rate(figures.interview_rate())) }
    }
}

/// A table of figures, `id` naming its caption: the codes and numbers are not broken
/// anywhere (`wide`), so on a small screen it scrolls sideways in its wrap, which can be
/// reached and scrolled by keyboard.
fn wide_table(id: &str, caption: &str, head: Markup, body: Markup) -> Markup {
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-labelledby=(id) {
            table class="wide" {
                caption id=(id) { (caption) }
                thead { (head) }
                tbody { (body) }
            }
        }
    }
}

/// A table of `rows` (a name, its figures) under `caption`, its first column `first`.
fn figures_table(id: &str, caption: &str, first: &str, rows: &[(String, Figures)]) -> Markup {
    html! {
        @if rows.is_empty() {
            p { "Nothing received for these filters." }
        } @else {
            (wide_table(id, caption, html! { tr { th scope="col" { (first) } (figure_headers()) } }, html! {
                @for (name, figures) in rows {
                    tr { th scope="row" { (name) } (figure_cells(figures)) }
                }
            }))
        }
    }
}

fn totals(overview: &Overview, whose: &str) -> Markup {
    wide_table(
        "total",
        &format!("In total, {whose}"),
        html! { tr { (figure_headers()) } },
        html! { tr { (figure_cells(&overview.total)) } },
    )
}

fn per_day(overview: &Overview, whose: &str) -> Markup {
    let days: Vec<(String, Figures)> = overview
        .by_day
        .iter()
        .map(|(day, figures)| (day_text(*day), *figures))
        .collect();
    let drawn: Vec<(String, [u64; 2])> = days
        .iter()
        .skip(days.len().saturating_sub(CHART_DAYS))
        .map(|(day, figures)| {
            (
                day.clone(),
                [figures.responses, u64::from(figures.visits.doors)],
            )
        })
        .collect();
    let caption = format!("Per day, {whose}");
    let summary = match (drawn.first(), drawn.last()) {
        (Some((first, _)), Some((last, _))) => format!(
            "Column chart: responses received and doors knocked per day, {first} to {last}; the table below lists the figures."
        ),
        _ => "Column chart: nothing received for these filters.".to_owned(),
    };
    html! {
        h2 { "Per day" }
        @if days.is_empty() {
            p { "Nothing received for these filters." }
        } @else {
            @if days.len() > CHART_DAYS {
                p class="hint" { "The chart draws the latest " (CHART_DAYS) " days; the table lists every day. Choose dates to see others drawn." }
            }
            (paired_columns_chart("per-day", &summary, ["Responses", "Doors knocked"], &drawn,
                figures_table("per-day", &caption, "Day", &days)))
        }
    }
}

fn per_worker(overview: &Overview, whose: &str, admin: bool, q: &Questionnaire) -> Markup {
    html! {
        @if overview.by_worker.is_empty() {
            p { "Nothing received for these filters." }
        } @else {
            (wide_table("per-worker", &format!("Per worker, {whose}"), html! { tr {
                @if admin { th scope="col" { "Agency" } }
                th scope="col" { "Worker" } (figure_headers())
            } }, html! {
                @for (key, figures) in &overview.by_worker {
                    tr {
                        @if admin { td { (agency_name(q, &key.agency)) } }
                        th scope="row" { (key.worker) } (figure_cells(figures))
                    }
                }
            }))
        }
    }
}

/// A coordinator's view of every agency's totals, suppressed.
fn every_agency(
    partnership: &Breakdown<Partnership>,
    q: &Questionnaire,
    areas: &[String],
    agencies: &[String],
    threshold: Threshold,
) -> Markup {
    html! {
        h2 { "Every agency" }
        @match partnership {
            Breakdown::TooFew { threshold } => {
                p { "Fewer than " (threshold) " responses of every agency together for these filters: no breakdown is shown." }
            }
            Breakdown::Shown(partnership) => {
                p class="hint" { (suppression_note(threshold.get())) }
                (shown_table("every-agency", "Every agency, per agency", "Agency", &partnership.by_agency, |code| agency_name(q, code), agencies))
                (shown_table("every-ward", "Every agency, per ward", "Ward", &partnership.by_ward, |code| area_name(q, code), areas))
            }
        }
    }
}

fn shown_cell(cell: Cell) -> Markup {
    html! {
        @match cell {
            Cell::Shown(count) => td class="n" { (count) },
            Cell::Suppressed => td class="n" { span class="suppressed" { (SUPPRESSED_MARK) } },
        }
    }
}

fn shown_cells(figures: &ShownFigures) -> Markup {
    html! {
        (shown_cell(figures.responses)) (shown_cell(figures.doors)) (shown_cell(figures.contacts))
        td class="n" {
            @match figures.contact_rate() {
                Some(percent) => { (percent) "%" }
                None => span class="suppressed" { (SUPPRESSED_MARK) },
            }
        }
    }
}

fn shown_table(
    id: &str,
    caption: &str,
    first: &str,
    table: &ShownTable,
    name: impl Fn(&str) -> String,
    codes: &[String],
) -> Markup {
    let rows = in_order(&table.rows, codes, name);
    wide_table(
        id,
        caption,
        html! { tr {
            th scope="col" { (first) } th scope="col" class="n" { "Responses" }
            th scope="col" class="n" { "Doors knocked" } th scope="col" class="n" { "Contacts" }
            th scope="col" class="n" { "Contact rate" }
        } },
        html! {
            @for (name, figures) in &rows {
                tr { th scope="row" { (name) } (shown_cells(figures)) }
            }
            tr { th scope="row" { "All" } (shown_cells(&table.total)) }
        },
    )
}

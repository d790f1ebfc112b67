//! Batches: every upload and import attempt, refused ones included, newest first, paged,
//! by agency and outcome, so a coordinator sees which tablet is failing and why; one
//! attempt on its own page, with what to do about it.
//!
//! A coordinator sees only its own agency's attempts: an upload counts for its token's
//! agency, so attempts without a known agency (no token, a wrong or revoked one, or
//! throttled before the token was looked at) are the admins' alone. Opening another
//! agency's attempt, or one without an agency, by its address is refused (403).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use survey::wire::ErrorCode;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::filters::{self, moment, when};
use super::page::{document, Section, BATCHES_PATH};
use super::Console;
use crate::store::attempts::{self, AttemptError, AttemptFilter, AttemptRow, Outcome, Showing};
use crate::store::scope::Scope;

pub(super) fn routes() -> Router<Console> {
    Router::new()
        .route(BATCHES_PATH, get(list))
        .route("/console/batches/{id}", get(one))
}

impl From<AttemptError> for ConsoleError {
    fn from(error: AttemptError) -> Self {
        match error {
            AttemptError::NotYours(_) => ConsoleError::Forbidden(error.to_string()),
            AttemptError::NoSuchAttempt(_) => ConsoleError::NotFound(error.to_string()),
            AttemptError::UnknownShowing(_) => ConsoleError::BadInput(error.to_string()),
            AttemptError::Db(_) => ConsoleError::Failed(error.to_string()),
        }
    }
}

/// The list's filter form, as sent in the address.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    showing: String,
    /// The page, from 1.
    #[serde(default)]
    page: String,
}

async fn list(
    State(console): State<Console>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, ConsoleError> {
    let agencies = console.agencies();
    let codes: Vec<String> = agencies.iter().map(|(code, _)| code.clone()).collect();
    let filter = AttemptFilter {
        agency: filters::one_of(&query.agency, &codes, "Agency")?,
        showing: Showing::parse(query.showing.trim())?,
    };
    let page = filters::page_number(&query.page)?;
    let scope = Scope::of(&viewer.user);
    let admin = scope == Scope::All;
    let (rows, total) = {
        let (scope, filter) = (scope.clone(), filter.clone());
        console
            .db(move |connection| {
                Ok(attempts::list(
                    connection,
                    &scope,
                    &filter,
                    filters::PAGE_SIZE,
                    filters::page_offset(page),
                )?)
            })
            .await?
    };
    let pages = filters::page_count(total);
    let body = html! {
        h1 { "Batches" }
        p class="hint" {
            @match &scope {
                Scope::All => "Every upload and import attempt of every agency, refused ones too, newest first. Attempts without a known agency (no token, a wrong or revoked one) are shown to admins only.",
                Scope::Agency(agency) => { "Every upload and import attempt for " (agency) ", refused ones too, newest first." }
            }
        }
        form method="get" action=(BATCHES_PATH) class="filters" {
            @if admin {
                div {
                    label for="agency" { "Agency" }
                    select id="agency" name="agency" {
                        option value="" selected[filter.agency.is_none()] { "Every agency" }
                        @for (code, name) in &agencies {
                            option value=(code) selected[filter.agency.as_deref() == Some(code.as_str())] { (name) }
                        }
                    }
                }
            }
            div {
                label for="showing" { "Outcome" }
                select id="showing" name="showing" {
                    @for showing in Showing::ALL {
                        option value=(showing.as_str()) selected[filter.showing == showing] { (showing.label()) }
                    }
                }
            }
            button type="submit" { "Show" }
        }
        // Focusable and named: on a small screen it scrolls sideways, by keyboard too.
        div class="table-wrap" tabindex="0" role="region" aria-labelledby="attempts-caption" {
            table class="wide" {
                caption id="attempts-caption" { (count_words(total)) @if pages > 1 { ", page " (page) " of " (pages) } }
                thead { tr {
                    th scope="col" { "Time" } th scope="col" { "Source" } th scope="col" { "Agency" }
                    th scope="col" { "Worker" } th scope="col" { "Tablet" }
                    th scope="col" class="n" { "New" } th scope="col" class="n" { "Already present" }
                    th scope="col" class="n" { "Conflicts" } th scope="col" class="n" { "New visits" }
                    th scope="col" { "Outcome" } th scope="col" { "Reason" }
                } }
                tbody {
                    @for row in &rows { (list_row(row)) }
                }
            }
        }
        (filters::pager(page, pages, |page| page_link(&query, page)))
    };
    Ok(document("Batches", Some(&viewer.user), Some(Section::Batches), body).into_response())
}

fn count_words(total: u64) -> String {
    match total {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

fn list_row(row: &AttemptRow) -> Markup {
    let attempt = &row.attempt;
    let count = |value: Option<u32>| value.map_or_else(String::new, |n| n.to_string());
    let counts = attempt.counts;
    html! {
        tr {
            td { a href=(format!("{BATCHES_PATH}/{}", row.id)) { (moment(attempt.time)) } }
            td { (attempt.source.as_str()) }
            td { (or_unknown(attempt.agency.as_deref())) }
            td { (or_unknown(attempt.worker.as_deref())) }
            td { (or_unknown(attempt.device.as_deref())) }
            td class="n" { (count(counts.map(|c| c.accepted))) }
            td class="n" { (count(counts.map(|c| c.already_present))) }
            td class="n" { (count(counts.map(|c| c.conflicts))) }
            td class="n" { (count(counts.map(|c| c.visits_accepted))) }
            td class="state" { (attempt.outcome.label()) }
            td class="reason" { (attempt.reason) }
        }
    }
}

/// A value the attempt may not have said.
fn or_unknown(value: Option<&str>) -> Markup {
    html! {
        @match value {
            Some(value) => (value),
            None => span class="suppressed" { "not known" },
        }
    }
}

fn page_link(query: &ListQuery, page: u32) -> String {
    filters::page_link(
        BATCHES_PATH,
        page,
        &[
            ("agency", query.agency.as_str()),
            ("showing", query.showing.as_str()),
        ],
    )
}

async fn one(
    State(console): State<Console>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ConsoleError::NotFound(format!("{id:?} is not an attempt's number")))?;
    let scope = Scope::of(&viewer.user);
    let row = console
        .db(move |connection| Ok(attempts::one(connection, &scope, id)?))
        .await?;
    let attempt = &row.attempt;
    let number = |value: Option<u32>| {
        value.map_or_else(
            || html! { span class="suppressed" { "not known" } },
            |n| html! { (n) },
        )
    };
    let body = html! {
        h1 { "Attempt " (row.id) }
        p { a href=(BATCHES_PATH) { "Back to every attempt" } }
        div class="table-wrap" {
            table {
                caption { "What was sent, and what became of it" }
                tbody {
                    tr { th scope="row" { "Time" } td { (when(attempt.time)) } }
                    tr { th scope="row" { "Source" } td { (attempt.source.as_str()) } }
                    tr { th scope="row" { "Agency" } td { (or_unknown(attempt.agency.as_deref())) } }
                    tr { th scope="row" { "Worker" } td { (or_unknown(attempt.worker.as_deref())) } }
                    tr { th scope="row" { "Tablet" } td { (or_unknown(attempt.device.as_deref())) } }
                    tr { th scope="row" { "Batch" } td { (or_unknown(attempt.batch.map(|b| b.to_string()).as_deref())) } }
                    tr { th scope="row" { "Responses it said it holds" } td { (number(attempt.count)) } }
                    tr { th scope="row" { "Outcome" } td class="state" { (attempt.outcome.label()) } }
                    tr { th scope="row" { "Reason" } td { (attempt.reason) } }
                    @if let Some(counts) = attempt.counts {
                        tr { th scope="row" { "New responses" } td { (counts.accepted) } }
                        tr { th scope="row" { "Already present" } td { (counts.already_present) } }
                        tr { th scope="row" { "Kept as conflicts" } td { (counts.conflicts) } }
                        tr { th scope="row" { "New visits" } td { (counts.visits_accepted) } }
                    }
                }
            }
        }
        h2 { "What to do" }
        p { (next_step(attempt.outcome)) }
    };
    Ok(document(
        "An upload or import attempt",
        Some(&viewer.user),
        Some(Section::Batches),
        body,
    )
    .into_response())
}

/// What a coordinator can do about an attempt that ended as `outcome`.
fn next_step(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Stored => "Nothing: the batch is stored and the tablet has its receipt.",
        Outcome::Refused(code) => match code {
            ErrorCode::Token => "Check the upload token on the tablet (Settings, Change set-up): it may be mistyped or revoked. Make a new token if need be.",
            ErrorCode::Throttled => "Too many wrong tokens came from this address: once the wait is over, check the upload token on the tablets there.",
            ErrorCode::Agency => "The tablet is set up for one agency and its token is another's: check both in its set-up.",
            ErrorCode::TooLarge => "The batch was larger than the collector takes at once: tell an admin. The tablet keeps its interviews.",
            ErrorCode::TooSlow => "The connection was too slow: the tablet keeps its interviews and tries again; a better signal helps.",
            ErrorCode::Busy => "The collector was busy or restarting: the tablet tries again by itself. Nothing was lost.",
            ErrorCode::Malformed | ErrorCode::InvalidBatch => "The batch did not pass the checks: the tablet keeps its interviews. If it goes on, note the tablet and tell an admin; the reason says what failed.",
            ErrorCode::Conflict => "A batch id came again with other content, so nothing of it was stored: tell an admin. The interviews are still on the tablet.",
            ErrorCode::Server | ErrorCode::NotFound | ErrorCode::Unknown => "The collector failed: the tablet tries again. Tell an admin if it goes on.",
        },
        Outcome::Unreadable => "The file could not be read on the collector: check its name and that it was copied whole, then import it again.",
        Outcome::Unlisted => "Many uploads without a valid token came at once: if they go on, someone may be guessing tokens; the collector slows them down already.",
    }
}

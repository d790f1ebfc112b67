//! Downloads: the files an analyst takes away.
//!
//! - **Responses** (record level, CSV as `collector export` writes it): only those the
//!   user reaches (a coordinator: its own agency's; asking for another agency's is a 403,
//!   not an empty file), filtered by ward, agency and dates as on screen, all but the
//!   rejected or only the approved. Streamed from a read-only connection of its own
//!   ([`Intake::reader`](crate::store::intake::Intake::reader)), so a large file neither
//!   fills memory nor holds up batches being stored.
//! - **Codebook** in any of the questionnaire's languages.
//! - **Results tables** (aggregates, open to anyone logged in): every question's table
//!   and the headline figures by ward, with the same suppression as the Results page.

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper::body::Frame;
use maud::html;
use serde::Deserialize;
use survey::results::Breakdown;
use tokio::sync::mpsc;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::filters::{day_text, where_fields, Where, WhereQuery};
use super::page::{document, Section, DOWNLOADS_PATH, SECURITY_HEADERS};
use super::results::{count, language};
use super::Console;
use crate::store::export::{self, ExportFilter, Reviewed};
use crate::store::results::Day;
use crate::store::results_csv::{distributions_csv, indicators_csv};
use crate::store::scope::Scope;

const RESPONSES_PATH: &str = "/console/downloads/responses.csv";
const CODEBOOK_PATH: &str = "/console/downloads/codebook.csv";
const QUESTIONS_PATH: &str = "/console/downloads/results.csv";
const HEADLINES_PATH: &str = "/console/downloads/headlines.csv";

/// Bytes of CSV sent to the browser at a time.
const CHUNK: usize = 64 * 1024;

pub(super) fn routes() -> Router<Console> {
    Router::new()
        .route(DOWNLOADS_PATH, get(page))
        .route(RESPONSES_PATH, get(responses))
        .route(CODEBOOK_PATH, get(codebook))
        .route(QUESTIONS_PATH, get(questions))
        .route(HEADLINES_PATH, get(headlines))
}

/// A download's form, as sent in the address.
#[derive(Debug, Default, Deserialize)]
pub struct DownloadQuery {
    #[serde(flatten)]
    place: WhereQuery,
    #[serde(default)]
    lang: String,
    /// `approved` for approved responses only; anything else all but the rejected.
    #[serde(default)]
    reviewed: String,
    /// The questionnaire version of the results tables (empty: the current one).
    #[serde(default)]
    version: String,
}

async fn page(
    State(console): State<Console>,
    viewer: Viewer,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let questionnaire = console.questionnaire()?;
    let results_version = super::results::version(&console, &query.version);
    let scope = Scope::of(&viewer.user);
    let admin = matches!(scope, Scope::All);
    let languages = html! {
        @for known in &questionnaire.languages {
            option value=(known.code.0) selected[known.code.0 == query.lang] { (known.name) }
        }
    };
    let body = html! {
        h1 { "Downloads" }
        h2 { "Responses and codebook" }
        p class="hint" {
            @match &scope {
                Scope::All => "Every agency's responses, one row each, as the command line's export writes them.",
                Scope::Agency(agency) => { "Responses collected by " (agency) "'s workers, one row each." }
            }
            " Rejected responses are left out."
        }
        form method="get" action=(RESPONSES_PATH) class="filters" {
            (where_fields(questionnaire, &query.place, admin, "responses-"))
            div {
                label for="reviewed" { "Which responses" }
                select id="reviewed" name="reviewed" {
                    option value="" selected[query.reviewed != "approved"] { "All but the rejected" }
                    option value="approved" selected[query.reviewed == "approved"] { "Approved only" }
                }
            }
            button type="submit" { "Download responses (CSV)" }
        }
        form method="get" action=(CODEBOOK_PATH) class="filters" {
            div {
                label for="codebook-lang" { "Codebook language" }
                select id="codebook-lang" name="lang" { (languages) }
            }
            button type="submit" { "Download the codebook (CSV)" }
        }
        h2 { "Results tables" }
        p class="hint" {
            "Every agency's responses together, counts below " (console.threshold().get())
            " hidden as on the Results page."
        }
        form method="get" action=(QUESTIONS_PATH) class="filters" {
            @if let Ok(picked) = results_version {
                @if !query.version.trim().is_empty() {
                    p { "Version " (picked.version) " of the questionnaire." }
                    input type="hidden" name="version" value=(picked.version);
                }
            }
            (where_fields(questionnaire, &query.place, true, "results-"))
            div {
                label for="results-lang" { "Language" }
                select id="results-lang" name="lang" { (languages) }
            }
            button type="submit" { "Download every question's table (CSV)" }
            button type="submit" class="secondary" formaction=(HEADLINES_PATH) { "Download headline figures by ward (CSV)" }
        }
    };
    Ok(document(
        "Downloads",
        Some(&viewer.user),
        Some(Section::Downloads),
        body,
    )
    .into_response())
}

/// A CSV file's answer: an attachment named `name-YYYY-MM-DD.csv`, never cached.
fn attachment(name: &str, body: Body) -> Response {
    let today = day_text(Day::of_millis(crate::store::accounts::now().0));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    for (header_name, value) in SECURITY_HEADERS {
        headers.insert(header_name.clone(), HeaderValue::from_static(value));
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"doorstep-{name}-{today}.csv\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The responses filter of `query` for `scope`; another agency's asked for by a
/// coordinator is refused.
fn export_filter(scope: Scope, place: Where, reviewed: &str) -> Result<ExportFilter, ConsoleError> {
    if let (Scope::Agency(own), Some(asked)) = (&scope, &place.agency) {
        if own != asked {
            return Err(ConsoleError::Forbidden(format!(
                "responses collected by {asked}'s workers are theirs and the admins' to download: you can download {own}'s"
            )));
        }
    }
    Ok(ExportFilter {
        scope,
        area: place.area,
        agency: place.agency,
        from: place.from,
        to: place.to,
        reviewed: match reviewed.trim() {
            "approved" => Reviewed::Approved,
            "" | "not_rejected" => Reviewed::NotRejected,
            other => {
                return Err(ConsoleError::BadInput(format!(
                    "Which responses: {other:?} is not a choice; pick all but the rejected, or approved only"
                )))
            }
        },
    })
}

async fn responses(
    State(console): State<Console>,
    viewer: Viewer,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let questionnaire = console.questionnaire()?;
    let versions = console.questionnaires();
    let place = query.place.read(questionnaire)?;
    let filter = export_filter(Scope::of(&viewer.user), place, &query.reviewed)?;
    let reader = console
        .intake
        .reader()
        .map_err(|error| ConsoleError::Failed(error.to_string()))?;
    let (sender, receiver) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter {
            buffer: Vec::with_capacity(CHUNK),
            sender,
        };
        match export::write_responses_csv(&reader, &versions, &filter, &mut out) {
            Ok(rows) => tracing::info!(rows, "responses downloaded from the console"),
            Err(error) => {
                // The status went out with the first bytes: the download is cut short,
                // which the browser reports as failed, rather than ending as if whole.
                tracing::warn!(%error, "a responses download failed part-way");
                let _ = out
                    .sender
                    .blocking_send(Err(std::io::Error::other(error.to_string())));
            }
        }
    });
    Ok(attachment("responses", Body::new(ChannelBody(receiver))))
}

async fn codebook(
    State(console): State<Console>,
    _viewer: Viewer,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let questionnaire = console.questionnaire()?;
    let language = language(questionnaire, &query.lang)?;
    let bytes = export::codebook_csv(&console.questionnaires(), &language.0)
        .map_err(|error| ConsoleError::BadInput(error.to_string()))?;
    Ok(attachment(
        &format!("codebook-{}", language.0),
        Body::from(bytes),
    ))
}

/// The results `query` asks for, or why there are too few to show.
async fn shown_results(
    console: &Console,
    query: &DownloadQuery,
) -> Result<(super::results::Counted, survey::results::ShownResults), ConsoleError> {
    let questionnaire = super::results::version(console, &query.version)?;
    let place = query.place.read(questionnaire)?;
    let counted = count(console, questionnaire, &place).await?;
    match counted.all.shown(console.threshold()) {
        Breakdown::Shown(shown) => Ok((counted, shown)),
        Breakdown::TooFew { threshold } => Err(ConsoleError::BadInput(format!(
            "fewer than {threshold} responses match, so there is no table to download: figures this small could point to the residents who gave them; choose every ward, every agency or a longer time"
        ))),
    }
}

async fn questions(
    State(console): State<Console>,
    _viewer: Viewer,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let questionnaire = super::results::version(&console, &query.version)?;
    let language = language(questionnaire, &query.lang)?;
    let (_, shown) = shown_results(&console, &query).await?;
    let csv = distributions_csv(questionnaire, &shown, &language);
    Ok(attachment(
        "results",
        Body::from(survey::csv_export::file_bytes(&csv)),
    ))
}

async fn headlines(
    State(console): State<Console>,
    _viewer: Viewer,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let (counted, _) = shown_results(&console, &query).await?;
    let csv = indicators_csv(&counted.comparisons);
    Ok(attachment(
        "headlines",
        Body::from(survey::csv_export::file_bytes(&csv)),
    ))
}

/// Writes into the channel a chunk at a time, from a blocking thread.
struct ChannelWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the browser stopped the download",
            )
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// A response body read from the channel, ending when the writer is dropped.
struct ChannelBody(mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl axum::body::HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.0
            .poll_recv(context)
            .map(|chunk| chunk.map(|chunk| chunk.map(Frame::data)))
    }
}

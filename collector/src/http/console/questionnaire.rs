//! Questionnaire (admins only): every version with its state; a new version added from
//! its file, checked by the validator and the publish rules (every problem named, nothing
//! stored if any); the draft's changes since the current version as a list, the
//! relabelled options to confirm, and a read-only preview in any of its languages, before
//! it is published; closing a version.

use axum::extract::{Form, Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use survey::publish::{Changes, PublishRefused};
use survey::questionnaire::TranslationStatus;
use survey::Questionnaire;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::page::{csrf_field, document, done, problem, Section, CSRF_FIELD};
use super::Console;
use crate::store::questionnaires::{self, State as VersionState, VersionError, VersionRow};

#[path = "questionnaire_preview.rs"]
mod preview;

const PATH: &str = super::page::QUESTIONNAIRE_PATH;

pub(super) fn routes() -> Router<Console> {
    Router::new()
        .route(PATH, get(list).post(add))
        .route("/console/questionnaire/publish", post(publish))
        .route("/console/questionnaire/discard", post(discard))
        .route("/console/questionnaire/{version}/close", post(close))
        .route("/console/questionnaire/{version}", get(preview::preview))
}

impl From<VersionError> for ConsoleError {
    fn from(error: VersionError) -> Self {
        match error {
            VersionError::Damaged { .. } | VersionError::Db(_) => {
                ConsoleError::Failed(error.to_string())
            }
            VersionError::NoDraft(_) | VersionError::NotPublished(_) => {
                ConsoleError::NotFound(error.to_string())
            }
            other => ConsoleError::BadInput(other.to_string()),
        }
    }
}

/// What the forms send.
#[derive(Debug, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    confirm: String,
}

fn status(status: TranslationStatus) -> &'static str {
    match status {
        TranslationStatus::Draft => "draft translation",
        TranslationStatus::Reviewed => "reviewed",
    }
}

async fn list(State(console): State<Console>, viewer: Viewer) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    page(&console, &viewer, None).await
}

/// The changes of `changes`, the ones to confirm first.
fn changes_list(changes: &Changes) -> Markup {
    let to_confirm: Vec<_> = changes.to_confirm().collect();
    let others: Vec<_> = changes.items.iter().filter(|c| !c.to_confirm()).collect();
    html! {
        @match changes.from {
            None => p { "The first version: nothing to compare with." },
            Some(from) if changes.items.is_empty() => p { "No changes since version " (from) "." },
            Some(from) => p { (changes.items.len()) " change(s) since version " (from) ":" },
        }
        @if !to_confirm.is_empty() {
            h3 { "To confirm: relabelled options" }
            p class="hint" { "Every earlier response keeps its option codes. Check that each code below still means what it meant, or give the new meaning a new code." }
            ul class="to-confirm" { @for change in &to_confirm { li { (change.to_string()) } } }
        }
        @if !others.is_empty() {
            @if !to_confirm.is_empty() { h3 { "Other changes" } }
            ul { @for change in &others { li { (change.to_string()) } } }
        }
    }
}

fn refused_list(refused: &PublishRefused) -> Markup {
    html! {
        div class="problem" role="alert" {
            p { "This version cannot be published over the versions before it:" }
            ul { @for problem in &refused.problems { li { (problem.to_string()) } } }
        }
    }
}

fn languages(questionnaire: &Questionnaire) -> Markup {
    html! {
        @for (i, language) in questionnaire.languages.iter().enumerate() {
            @if i > 0 { ", " }
            span lang=(language.code.0) { (language.name) } " (" (language.code) ", " (status(language.status)) ")"
        }
    }
}

async fn page(
    console: &Console,
    viewer: &Viewer,
    note: Option<Markup>,
) -> Result<Response, ConsoleError> {
    let (rows, draft) = console
        .db(|connection| {
            Ok((
                questionnaires::list(connection)?,
                questionnaires::draft(connection)?,
            ))
        })
        .await?;
    let accepted = console.questionnaires();
    let mut known: Vec<&Questionnaire> = accepted.iter().copied().collect();
    if let Some((draft, _)) = &draft {
        known.push(draft);
    }
    let current = accepted.first().map(|q| q.version);
    let published = rows
        .iter()
        .filter(|row| row.state == VersionState::Published)
        .count();
    let body = html! {
        h1 { "Questionnaire" }
        @if let Some(note) = note { (note) }
        p class="hint" { "Tablets take the newest published version for new interviews when they next reach the collector; an interview already begun finishes on its own version. Batches of every published or closed version are accepted." }
        div class="table-wrap" tabindex="0" role="region" aria-labelledby="versions-caption" {
            table class="wide" {
                caption id="versions-caption" { "Versions" }
                thead { tr {
                    th scope="col" { "Version" } th scope="col" { "State" } th scope="col" { "Languages" }
                    th scope="col" { "Added" } th scope="col" { "Published" } th scope="col" { "Preview" }
                    th scope="col" { "Close" }
                } }
                tbody { @for row in &rows { (version_row(viewer, row, &known, current, published)) } }
            }
        }
        @if let Some((questionnaire, changes)) = &draft {
            h2 id="draft" { "Draft: version " (questionnaire.version) }
            p { "Languages: " (languages(questionnaire)) ". "
                a href=(format!("{PATH}/{}", questionnaire.version)) { "Preview version " (questionnaire.version) } }
            @match changes {
                Err(refused) => (refused_list(refused)),
                Ok(changes) => {
                    (changes_list(changes))
                    form method="post" action="/console/questionnaire/publish" class="stack narrow" {
                        (csrf_field(&viewer.user))
                        input type="hidden" name="version" value=(questionnaire.version);
                        @if changes.to_confirm().next().is_some() {
                            label class="check" {
                                input type="checkbox" name="confirm" value="yes";
                                " I have checked each relabelled option: its code still means what it meant"
                            }
                        }
                        button type="submit" { "Publish version " (questionnaire.version) }
                    }
                }
            }
            form method="post" action="/console/questionnaire/discard" {
                (csrf_field(&viewer.user))
                button type="submit" class="secondary" { "Discard the draft" }
            }
        }
        h2 id="add" { "Add a new version" }
        form method="post" action=(PATH) enctype="multipart/form-data" class="stack narrow" {
            (csrf_field(&viewer.user))
            label for="questionnaire-file" { "Questionnaire file (JSON)" }
            input type="file" id="questionnaire-file" name="file" accept=".json,application/json" required aria-describedby="questionnaire-file-hint";
            p class="hint" id="questionnaire-file-hint" { "It is checked before anything is kept, and kept as a draft: you see its changes and a preview before publishing." }
            button type="submit" { "Check and keep as draft" }
        }
    };
    Ok(document(
        "Questionnaire",
        Some(&viewer.user),
        Some(Section::Questionnaire),
        body,
    )
    .into_response())
}

/// A stored time (RFC 3339, UTC) as the console's tables show one: its day and its time
/// to the minute, each kept on one line.
fn stored_time(text: &str) -> Markup {
    let (day, rest) = text.split_once('T').unwrap_or((text, ""));
    html! { time datetime=(text) { span { (day) } " " span { (rest.get(..5).unwrap_or(rest)) " UTC" } } }
}

fn version_row(
    viewer: &Viewer,
    row: &VersionRow,
    known: &[&Questionnaire],
    current: Option<u32>,
    published: usize,
) -> Markup {
    let loaded = known
        .iter()
        .find(|q| q.id == row.id && q.version == row.version);
    let current = current == Some(row.version) && row.state == VersionState::Published;
    html! {
        tr {
            th scope="row" { (row.version) }
            td class="state" {
                (row.state.as_str())
                @if current { " (current)" }
                @if let Some(closed) = &row.closed { " " (stored_time(closed)) }
            }
            td { @if let Some(q) = loaded { (languages(q)) } @else { "-" } }
            td { (stored_time(&row.added)) }
            td { @if let Some(published) = &row.published { (stored_time(published)) } @else { "-" } }
            td { a href=(format!("{PATH}/{}", row.version)) { "Preview version " (row.version) } }
            td {
                @if row.state == VersionState::Published && published > 1 {
                    form method="post" action=(format!("{PATH}/{}/close", row.version)) {
                        (csrf_field(&viewer.user))
                        button type="submit" class="secondary" { "Close version " (row.version) }
                    }
                } @else { "-" }
            }
        }
    }
}

/// `POST /console/questionnaire` (a file): checked, kept as the draft.
async fn add(
    State(console): State<Console>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    let (mut csrf, mut file) = (String::new(), None::<Vec<u8>>);
    while let Some(field) = form.next_field().await.map_err(|error| {
        ConsoleError::BadInput(format!("the form did not arrive whole: {error}"))
    })? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|error| {
            ConsoleError::BadInput(format!("the file did not arrive whole: {error}"))
        })?;
        match name.as_str() {
            CSRF_FIELD => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    viewer.check_csrf(&csrf)?;
    let Some(bytes) = file.filter(|bytes| !bytes.is_empty()) else {
        return page(
            &console,
            &viewer,
            Some(problem("Choose the questionnaire's file to add.")),
        )
        .await;
    };
    let Ok(json) = String::from_utf8(bytes) else {
        return page(
            &console,
            &viewer,
            Some(problem(
                "That file is not text (UTF-8): choose the questionnaire's JSON file.",
            )),
        )
        .await;
    };
    let added = console
        .db(
            move |connection| match questionnaires::add(connection, &json) {
                Ok((questionnaire, _)) => Ok(Ok(questionnaire.version)),
                Err(VersionError::Invalid(error)) => Ok(Err(html! {
                    div class="problem" role="alert" {
                        p { "That file is not a valid questionnaire; nothing was kept:" }
                        ul { @for p in &error.problems { li { (p.to_string()) } } }
                    }
                })),
                Err(VersionError::Refused(refused)) => Ok(Err(refused_list(&refused))),
                Err(other) => Err(other.into()),
            },
        )
        .await?;
    match added {
        Ok(version) => {
            tracing::info!(
                by = viewer.user.user.0,
                version,
                "questionnaire draft added in the console"
            );
            let message = format!("Version {version} is kept as a draft. Check its changes and its preview below, then publish it.");
            page(&console, &viewer, Some(done(&message))).await
        }
        Err(problems) => page(&console, &viewer, Some(problems)).await,
    }
}

fn version_number(text: &str) -> Result<u32, ConsoleError> {
    text.trim()
        .parse()
        .map_err(|_| ConsoleError::NotFound(format!("{text:?} is not a version number")))
}

async fn publish(
    State(console): State<Console>,
    viewer: Viewer,
    Form(form): Form<VersionForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    let version = version_number(&form.version)?;
    let confirmed = form.confirm == "yes";
    let published = console
        .db(
            move |connection| match questionnaires::publish(connection, version, confirmed) {
                Ok(_) => Ok(Ok(())),
                Err(error @ VersionError::NotConfirmed { .. }) => Ok(Err(error.to_string())),
                Err(other) => Err(other.into()),
            },
        )
        .await?;
    match published {
        Ok(()) => {
            tracing::info!(
                by = viewer.user.user.0,
                version,
                "questionnaire version published in the console"
            );
            let message = format!("Version {version} is published: tablets take it for new interviews when they next reach the collector.");
            page(&console, &viewer, Some(done(&message))).await
        }
        Err(message) => page(&console, &viewer, Some(problem(&message))).await,
    }
}

async fn discard(
    State(console): State<Console>,
    viewer: Viewer,
    Form(form): Form<VersionForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    let discarded = console
        .db(|connection| Ok(questionnaires::discard_draft(connection)?))
        .await?;
    let message = if discarded {
        "The draft was thrown away."
    } else {
        "There was no draft."
    };
    page(&console, &viewer, Some(done(message))).await
}

async fn close(
    State(console): State<Console>,
    viewer: Viewer,
    Path(version): Path<String>,
    Form(form): Form<VersionForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    let version = version_number(&version)?;
    console
        .db(move |connection| Ok(questionnaires::close(connection, version)?))
        .await?;
    tracing::info!(
        by = viewer.user.user.0,
        version,
        "questionnaire version closed in the console"
    );
    let message = format!("Version {version} is closed: no new interview starts on it; its responses are still accepted.");
    page(&console, &viewer, Some(done(&message))).await
}

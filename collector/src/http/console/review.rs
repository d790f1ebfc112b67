//! Review: the responses the user reaches (an admin every agency's, a coordinator its
//! own), filtered; one response's metadata and answers in the questionnaire's order, in
//! any of its languages; its review state changed with a comment; its audit log.

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use survey::answer::Answer;
use survey::questionnaire::{LanguageCode, Question, Questionnaire};
use survey::{Response as SurveyResponse, ResponseId};

use super::auth::Viewer;
use super::error::ConsoleError;
use super::filters::{self, when, where_fields, WhereQuery};
use super::page::{csrf_field, document, done, problem, Section};
use super::Console;
use crate::store::accounts;
use crate::store::review::{self, ResponseRow, ReviewError, ReviewFilter, ReviewState};
use crate::store::scope::Scope;

/// The review list.
pub const PATH: &str = "/console/review";

pub(super) fn routes() -> Router<Console> {
    Router::new()
        .route(PATH, get(list))
        .route("/console/review/{id}", get(one).post(change))
}

impl From<ReviewError> for ConsoleError {
    fn from(error: ReviewError) -> Self {
        match error {
            ReviewError::NotYours(_) => ConsoleError::Forbidden(error.to_string()),
            ReviewError::NoSuchResponse(_) => ConsoleError::NotFound(error.to_string()),
            ReviewError::Db(_) | ReviewError::Unreadable { .. } => {
                ConsoleError::Failed(error.to_string())
            }
            _ => ConsoleError::BadInput(error.to_string()),
        }
    }
}

/// The list's filter form, as sent in the address.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(flatten)]
    place: WhereQuery,
    /// The page, from 1 (text: a flattened form reads every field as text).
    #[serde(default)]
    page: String,
}

async fn list(
    State(console): State<Console>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Response, ConsoleError> {
    let q = console.questionnaire()?;
    let place = query.place.read(q)?;
    let filter = ReviewFilter {
        state: match query.state.trim() {
            "" => None,
            text => Some(ReviewState::parse(text)?),
        },
        area: place.area,
        agency: place.agency,
        from: place.from,
        to: place.to,
    };
    let page = filters::page_number(&query.page)?;
    let scope = Scope::of(&viewer.user);
    let (rows, total) = {
        let filter = filter.clone();
        console
            .db(move |connection| {
                Ok(review::list(
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
    let area_name = |code: &str| {
        q.areas
            .iter()
            .find(|a| a.code == code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone())
    };
    let body = html! {
        h1 { "Review" }
        p class="hint" {
            @match Scope::of(&viewer.user) {
                Scope::All => "Responses of every agency.",
                Scope::Agency(agency) => { "Responses collected by " (agency) "'s workers." }
            }
        }
        form method="get" action=(PATH) class="filters" {
            div {
                label for="state" { "State" }
                select id="state" name="state" {
                    option value="" selected[filter.state.is_none()] { "Any" }
                    @for state in ReviewState::ALL {
                        option value=(state.as_str()) selected[filter.state == Some(state)] { (state.label()) }
                    }
                }
            }
            (where_fields(q, &query.place, matches!(Scope::of(&viewer.user), Scope::All), ""))
            button type="submit" { "Show" }
        }
        div class="table-wrap" {
            table {
                caption { (total) " responses" @if pages > 1 { ", page " (page) " of " (pages) } }
                thead { tr {
                    th scope="col" { "Completed" } th scope="col" { "Ward" } th scope="col" { "Agency" }
                    th scope="col" { "Worker" } th scope="col" { "Tablet" } th scope="col" { "State" } th scope="col" { "Response" }
                } }
                tbody {
                    @for row in &rows {
                        tr {
                            td { (row.completed.map_or_else(|| "not completed".to_owned(), when)) }
                            td { (area_name(&row.area)) }
                            td { (row.agency) }
                            td { (row.worker) }
                            td { (row.device) }
                            td class="state" { (row.review.label()) }
                            td { a href=(format!("{PATH}/{}", row.id)) { "Open " (short(row.id)) } }
                        }
                    }
                }
            }
        }
        (filters::pager(page, pages, |page| page_link(&query, page)))
    };
    Ok(document("Review", Some(&viewer.user), Some(Section::Review), body).into_response())
}

fn page_link(query: &ListQuery, page: u32) -> String {
    let mut pairs = vec![("state", query.state.as_str())];
    pairs.extend(query.place.pairs());
    filters::page_link(PATH, page, &pairs)
}

/// The first eight characters of an id, as the list shows it.
fn short(id: ResponseId) -> String {
    id.to_string().chars().take(8).collect()
}

/// `?lang=` and `?done=` of one response's page.
#[derive(Debug, Default, Deserialize)]
pub struct OneQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    done: Option<String>,
}

fn parse_id(text: &str) -> Result<ResponseId, ConsoleError> {
    text.parse()
        .map_err(|_| ConsoleError::NotFound(format!("{text:?} is not a response id")))
}

async fn one(
    State(console): State<Console>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<OneQuery>,
) -> Result<Response, ConsoleError> {
    let id = parse_id(&id)?;
    let note = query
        .done
        .is_some()
        .then(|| done("The review state is changed."));
    show(&console, &viewer, id, &query.lang, note, "").await
}

async fn show(
    console: &Console,
    viewer: &Viewer,
    id: ResponseId,
    lang: &str,
    note: Option<Markup>,
    typed: &str,
) -> Result<Response, ConsoleError> {
    let scope = Scope::of(&viewer.user);
    let ((row, response), changes) = console
        .db(move |connection| {
            let found = review::response(connection, &scope, id)?;
            let changes = review::history(connection, &scope, id)?;
            Ok((found, changes))
        })
        .await?;
    let q = console.questionnaire_for(&response)?;
    let fallback = q
        .source_language()
        .cloned()
        .ok_or_else(|| ConsoleError::Failed("the questionnaire has no language".into()))?;
    let language = q
        .languages
        .iter()
        .find(|l| l.code.0.as_str() == lang)
        .map_or_else(|| response.language.clone(), |l| l.code.clone());
    let body = html! {
        h1 { "Response " (short(id)) }
        @if let Some(note) = note { (note) }
        (metadata(&row, &response))
        h2 { "Review" }
        p { "Now: " span class="state" { (row.review.label()) } }
        form method="post" action=(format!("{PATH}/{id}")) class="stack narrow" {
            (csrf_field(&viewer.user))
            fieldset {
                legend { "Mark it as" }
                @for state in ReviewState::ALL {
                    div {
                        input type="radio" id=(format!("to-{}", state.as_str())) name="to" value=(state.as_str()) checked[state == row.review];
                        label for=(format!("to-{}", state.as_str())) class="radio" { (state.label()) }
                    }
                }
            }
            label for="comment" { "Comment" }
            p class="hint" id="comment-hint" { "Needed for has issues and rejected: say what is wrong, for whoever looks next." }
            textarea id="comment" name="comment" aria-describedby="comment-hint" maxlength=(review::MAX_COMMENT_CHARS) { (typed) }
            button type="submit" { "Save review" }
        }
        h2 { "Changes" }
        @if changes.is_empty() {
            p { "Nobody has changed its review yet." }
        } @else {
            div class="table-wrap" {
                table {
                    caption { "Every change of its review, oldest first" }
                    thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "From" } th scope="col" { "To" } th scope="col" { "Comment" } } }
                    tbody {
                        @for change in &changes {
                            tr {
                                td { (when(change.time)) } td { (change.by) } td { (change.from.label()) }
                                td { (change.to.label()) } td { (change.comment) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Answers" }
        form method="get" action=(format!("{PATH}/{id}")) class="inline" {
            label for="lang" { "Language" }
            select id="lang" name="lang" {
                @for l in &q.languages {
                    option value=(l.code.0.as_str()) selected[l.code == language] { (l.name) }
                }
            }
            button type="submit" class="secondary" { "Show in this language" }
        }
        (answers(q, &response, &language, &fallback))
    };
    Ok(document(
        "Review a response",
        Some(&viewer.user),
        Some(Section::Review),
        body,
    )
    .into_response())
}

fn metadata(row: &ResponseRow, response: &SurveyResponse) -> Markup {
    html! {
        div class="table-wrap" {
            table {
                caption { "About this response" }
                tbody {
                    tr { th scope="row" { "Id" } td { (row.id) } }
                    tr { th scope="row" { "Agency" } td { (row.agency) } }
                    tr { th scope="row" { "Worker" } td { (row.worker) } }
                    tr { th scope="row" { "Tablet" } td { (row.device) } }
                    tr { th scope="row" { "Ward" } td { (row.area) } }
                    tr { th scope="row" { "Asked in" } td { (response.language.0) } }
                    tr { th scope="row" { "Started" } td { (when(response.started)) } }
                    tr { th scope="row" { "Completed" } td { (response.completed.map_or_else(|| "not completed".to_owned(), when)) } }
                    tr { th scope="row" { "Questionnaire" } td { (response.questionnaire.id) " version " (response.questionnaire.version) } }
                }
            }
        }
    }
}

fn answers(
    q: &Questionnaire,
    response: &SurveyResponse,
    language: &LanguageCode,
    fallback: &LanguageCode,
) -> Markup {
    html! {
        @for section in &q.sections {
            div class="table-wrap" {
                table {
                    caption { (section.title.get(language, fallback)) }
                    thead { tr { th scope="col" { "Question" } th scope="col" { "Answer" } } }
                    tbody {
                        @for question in &section.questions {
                            tr {
                                th scope="row" { (question.text.get(language, fallback)) }
                                td {
                                    @match response.answers.get(&question.code) {
                                        Some(answer) => (answer_text(q, question, answer, language, fallback)),
                                        None => span class="suppressed" { "not asked or not answered" },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An answer in words, in `language`.
pub fn answer_text(
    q: &Questionnaire,
    question: &Question,
    answer: &Answer,
    language: &LanguageCode,
    fallback: &LanguageCode,
) -> String {
    let options = q.options(question);
    let label = |code: &survey::questionnaire::OptionCode| {
        options
            .iter()
            .find(|option| &option.code == code)
            .map_or_else(
                || format!("option {code}"),
                |o| o.label.get(language, fallback).to_owned(),
            )
    };
    match answer {
        Answer::Choice(code) => label(code),
        Answer::Choices(codes) => codes.iter().map(label).collect::<Vec<_>>().join("; "),
        Answer::Number(n) => n.to_string(),
        Answer::Text(text) => text.clone(),
        Answer::DontKnow => q.answer_labels.dont_know.get(language, fallback).to_owned(),
        Answer::PreferNotToSay => q
            .answer_labels
            .prefer_not_to_say
            .get(language, fallback)
            .to_owned(),
    }
}

/// What the review form sends.
#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    comment: String,
}

async fn change(
    State(console): State<Console>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, ConsoleError> {
    viewer.check_csrf(&form.csrf)?;
    let id = parse_id(&id)?;
    let to = match ReviewState::parse(form.to.trim()) {
        Ok(to) => to,
        Err(error) => {
            let message = error.to_string();
            return show(
                &console,
                &viewer,
                id,
                "",
                Some(problem(&message)),
                &form.comment,
            )
            .await;
        }
    };
    let scope = Scope::of(&viewer.user);
    let user = viewer.user.user;
    let comment = form.comment.clone();
    let result = console
        .db(move |connection| {
            Ok(review::set(
                connection,
                &scope,
                user,
                id,
                to,
                &comment,
                accounts::now(),
            ))
        })
        .await?;
    match result {
        Ok(()) => {
            tracing::info!(by = user.0, to = to.as_str(), "review changed");
            Ok(Redirect::to(&format!("{PATH}/{id}?done=1")).into_response())
        }
        Err(
            error
            @ (ReviewError::NotYours(_) | ReviewError::NoSuchResponse(_) | ReviewError::Db(_)),
        ) => Err(error.into()),
        Err(error) => {
            let message = error.to_string();
            show(
                &console,
                &viewer,
                id,
                "",
                Some(problem(&message)),
                &form.comment,
            )
            .await
        }
    }
}

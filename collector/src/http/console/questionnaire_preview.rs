//! A version of the questionnaire read-only, as the resident would hear it, in any of
//! its languages, with each question's code, kind and options' codes for the admin.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use survey::questionnaire::{LanguageCode, Question, QuestionKind};
use survey::Questionnaire;

use super::super::auth::Viewer;
use super::super::error::ConsoleError;
use super::super::page::{document, Section};
use super::super::Console;
use super::{version_number, PATH};
use crate::store::questionnaires;

/// The preview's language.
#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    language: String,
}

/// `GET /console/questionnaire/{version}?language=tr`: the version read-only, as the
/// resident would hear it, in any of its languages.
pub(super) async fn preview(
    State(console): State<Console>,
    viewer: Viewer,
    Path(version): Path<String>,
    Query(query): Query<PreviewQuery>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    let version = version_number(&version)?;
    let found = console
        .db(move |connection| Ok(questionnaires::text(connection, version)?))
        .await?;
    let Some((row, json)) = found else {
        return Err(ConsoleError::NotFound(format!(
            "there is no version {version}"
        )));
    };
    let questionnaire = survey::validate::load(&json).map_err(|error| {
        ConsoleError::Failed(format!("stored version {version} does not load: {error}"))
    })?;
    let source = questionnaire
        .source_language()
        .cloned()
        .unwrap_or_else(|| LanguageCode("en".into()));
    let language = questionnaire
        .languages
        .iter()
        .find(|l| l.code.0 == query.language)
        .map_or(source.clone(), |l| l.code.clone());
    let text = |t: &survey::Text| t.get(&language, &source).to_owned();
    let title = format!("Version {version} preview");
    let body = html! {
        h1 { (title) }
        p { (row.state.as_str()) ". " a href=(PATH) { "Back to the versions" } }
        nav aria-label="Preview language" {
            ul class="inline" {
                @for l in &questionnaire.languages {
                    li {
                        @if l.code == language {
                            a href=(format!("{PATH}/{version}?language={}", l.code)) aria-current="page" { (l.name) }
                        } @else {
                            a href=(format!("{PATH}/{version}?language={}", l.code)) { (l.name) }
                        }
                    }
                }
            }
        }
        div lang=(language.0) {
            h2 { (text(&questionnaire.title)) }
            @for section in &questionnaire.sections {
                section class="preview-section" {
                    h3 { (text(&section.title)) }
                    @if let Some(intro) = &section.intro { p { (text(intro)) } }
                    ol { @for question in &section.questions { (preview_question(&questionnaire, question, &language, &source)) } }
                }
            }
        }
    };
    Ok(document(
        &title,
        Some(&viewer.user),
        Some(Section::Questionnaire),
        body,
    )
    .into_response())
}

fn preview_question(
    questionnaire: &Questionnaire,
    question: &Question,
    language: &LanguageCode,
    source: &LanguageCode,
) -> Markup {
    let text = |t: &survey::Text| t.get(language, source).to_owned();
    let options = questionnaire.options(question);
    html! {
        li {
            p { strong { (text(&question.text)) } " " code lang="en" { (question.code) } }
            @if let Some(help) = &question.help { p class="hint" { (text(help)) } }
            p class="hint" lang="en" {
                (question.kind.name())
                @if question.required { ", required" }
                @if question.show_if.is_some() { ", asked only under a condition" }
                @if let QuestionKind::Number { min, max } = &question.kind { ", " (min) "–" (max) }
            }
            @if !options.is_empty() {
                ul { @for option in options.iter() { li { (text(&option.label)) " " code lang="en" { (option.code) } } } }
            }
        }
    }
}

//! Results: what residents said, partnership-wide, for anyone logged in — every count
//! passed through small-count suppression first, so a coordinator sees every agency's
//! responses only as suppressed aggregates.
//!
//! - The headline figures (each indicator, each wellbeing measure's headline band and
//!   mean) by ward side by side with "All wards", suppressed across the wards together
//!   ([`survey::results::compare_wards`]); with a ward chosen, that ward alone.
//! - Every question's distribution in questionnaire order ([`distribution_chart`]).
//!
//! Filtered by ward, agency and dates of completion; labels in any of the
//! questionnaire's languages. Rejected responses are not counted. Fewer responses than
//! the threshold: nothing is shown but the reason.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use survey::questionnaire::LanguageCode;
use survey::record::QuestionnaireRef;
use survey::results::{compare_wards, Breakdown, Results, WardComparison};
use survey::Questionnaire;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::filters::{where_fields, Where, WhereQuery};
use super::page::{document, Section, DOWNLOADS_PATH, RESULTS_PATH};
use super::Console;
use crate::http::charts::{distribution_chart, indicator_chart};
use crate::store::results::{ResultsError, ResultsFilter, WardResults};
use crate::store::results_csv::{suppression_note, text_in};

pub(super) fn routes() -> Router<Console> {
    Router::new().route(RESULTS_PATH, get(page))
}

impl From<ResultsError> for ConsoleError {
    fn from(error: ResultsError) -> Self {
        ConsoleError::Failed(error.to_string())
    }
}

/// The results form, as sent in the address.
#[derive(Debug, Default, Deserialize)]
pub struct ResultsQuery {
    #[serde(flatten)]
    place: WhereQuery,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    version: String,
}

/// The questionnaire version picked (empty: the current one), among those accepted.
pub fn version(console: &Console, text: &str) -> Result<&'static Questionnaire, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return console.questionnaire();
    }
    console
        .questionnaires()
        .iter()
        .find(|q| q.version.to_string() == text)
        .copied()
        .ok_or_else(|| {
            ConsoleError::BadInput(format!(
                "Version: {text:?} is not a version this collector accepts; pick one from the list"
            ))
        })
}

/// A language picked from the questionnaire's (empty: its first).
pub fn language(questionnaire: &Questionnaire, text: &str) -> Result<LanguageCode, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return questionnaire
            .languages
            .first()
            .map(|l| l.code.clone())
            .ok_or_else(|| ConsoleError::Failed("the questionnaire has no language".into()));
    }
    questionnaire
        .languages
        .iter()
        .find(|l| l.code.0 == text)
        .map(|l| l.code.clone())
        .ok_or_else(|| {
            ConsoleError::BadInput(format!(
                "Language: {text:?} is not one of the questionnaire's; pick one from the list"
            ))
        })
}

impl From<&Where> for ResultsFilter {
    fn from(place: &Where) -> ResultsFilter {
        ResultsFilter {
            areas: place.area.iter().cloned().collect(),
            agency: place.agency.clone(),
            from_day: place.from,
            to_day: place.to,
        }
    }
}

/// Everything a results page or download counts: the responses `place` takes, and
/// their wards side by side.
pub struct Counted {
    /// Every response the filter takes.
    pub all: Results,
    /// The headlines across the wards (one ward when the filter names one).
    pub comparisons: Vec<WardComparison>,
}

/// Counts the responses to `questionnaire` (one version) that `place` takes, through
/// the results cache.
pub async fn count(
    console: &Console,
    questionnaire: &Questionnaire,
    place: &Where,
) -> Result<Counted, ConsoleError> {
    let reference = QuestionnaireRef::of(questionnaire);
    let cache = console.results().clone();
    let filter = ResultsFilter::from(place);
    let one_ward = place.area.clone();
    let threshold = console.threshold();
    let (all, wards) = console
        .db(move |connection| {
            let all = cache.results(connection, &reference, &filter)?;
            let wards = match one_ward {
                Some(_) => Vec::new(),
                None => cache.by_ward(connection, &reference, &filter)?,
            };
            Ok((all, wards))
        })
        .await?;
    let comparisons = match &place.area {
        Some(area) => compare_wards(&[(area.as_str(), &all)], threshold),
        None => {
            let wards: Vec<(&str, &Results)> = wards
                .iter()
                .map(|WardResults { area, results }| (area.as_str(), results))
                .collect();
            compare_wards(&wards, threshold)
        }
    };
    Ok(Counted { all, comparisons })
}

/// A ward's name from its code (the code itself if the questionnaire does not list it).
pub fn ward_name(questionnaire: &Questionnaire, code: &str) -> String {
    match questionnaire.areas.iter().find(|a| a.code == code) {
        Some(area) => area.name.clone(),
        None if code.is_empty() => "No ward recorded".to_owned(),
        None => code.to_owned(),
    }
}

async fn page(
    State(console): State<Console>,
    viewer: Viewer,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, ConsoleError> {
    let questionnaire = version(&console, &query.version)?;
    let versions = console.questionnaires();
    let place = query.place.read(questionnaire)?;
    let language = language(questionnaire, &query.lang)?;
    let threshold = console.threshold();
    let counted = count(&console, questionnaire, &place).await?;
    let shown = counted.all.shown(threshold);
    let downloads = {
        let mut query_text = query.place.to_query();
        if !query.version.trim().is_empty() {
            if !query_text.is_empty() {
                query_text.push('&');
            }
            query_text.push_str(&format!("version={}", questionnaire.version));
        }
        if query_text.is_empty() {
            DOWNLOADS_PATH.to_owned()
        } else {
            format!("{DOWNLOADS_PATH}?{query_text}")
        }
    };
    let body = html! {
        h1 { "Results" }
        p class="hint" {
            "Every agency's responses together, as counts and percentages only; rejected responses are not counted. "
            (suppression_note(threshold.get()))
        }
        form method="get" action=(RESULTS_PATH) class="filters" {
            (where_fields(questionnaire, &query.place, true, ""))
            div {
                label for="lang" { "Language" }
                select id="lang" name="lang" {
                    @for known in &questionnaire.languages {
                        option value=(known.code.0) selected[known.code == language] { (known.name) }
                    }
                }
            }
            @if versions.len() > 1 {
                div {
                    label for="version" { "Questionnaire version" }
                    select id="version" name="version" {
                        @for (i, known) in versions.iter().enumerate() {
                            option value=(known.version) selected[known.version == questionnaire.version] {
                                "Version " (known.version) @if i == 0 { " (current)" }
                            }
                        }
                    }
                }
            }
            button type="submit" { "Show" }
        }
        @if versions.len() > 1 {
            p class="hint" {
                "Each version's responses are counted on their own: its skip rules and options may differ from another's, so versions are not added together here. "
                "The responses download holds every version in one file."
            }
        }
        @match &shown {
            Breakdown::TooFew { threshold } => {
                p class="problem" role="status" {
                    "Fewer than " (threshold) " responses match, so nothing is shown: "
                    "figures this small could point to the residents who gave them. "
                    "Choose every ward, every agency or a longer time."
                }
            }
            Breakdown::Shown(shown) => {
                p { strong { (shown.responses) } " responses counted. " a href=(downloads) { "Download these results" } }
                h2 id="headlines" { "Headline figures by ward" }
                p class="hint" {
                    "Each figure is the share of those who answered, with its 95% confidence interval (Wilson) and n. "
                    "Wards are suppressed together with the total, so no hidden figure can be worked out from the others."
                }
                @for comparison in &counted.comparisons {
                    h3 { (comparison.name) }
                    (indicator_chart(comparison, |code| ward_name(questionnaire, code), threshold.get()))
                }
                h2 id="questions" { "Every question" }
                (questions(questionnaire, shown, &language, threshold.get()))
            }
        }
    };
    Ok(document("Results", Some(&viewer.user), Some(Section::Results), body).into_response())
}

fn questions(
    questionnaire: &Questionnaire,
    shown: &survey::results::ShownResults,
    language: &LanguageCode,
    threshold: u64,
) -> Markup {
    html! {
        @for distribution in &shown.distributions {
            @if let Some(question) = questionnaire.question(&distribution.question) {
                section class="question" aria-labelledby=(format!("q-{}", question.code.as_str())) {
                    h3 id=(format!("q-{}", question.code.as_str())) {
                        (text_in(questionnaire, &question.text, language))
                        " " span class="hint" { "(" (question.code.as_str()) ")" }
                    }
                    (distribution_chart(questionnaire, question, distribution, language, threshold))
                }
            }
        }
    }
}

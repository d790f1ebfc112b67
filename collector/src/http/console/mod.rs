//! The partnership console: pages for coordinators and admins, served by the collector
//! under `/console`, rendered on the server as plain HTML that works without scripts.
//!
//! - [`auth`]: the session cookie, [`auth::Viewer`] (who is asking) and the CSRF check.
//! - [`log_in`]: logging in and out, setting a password from a link.
//! - [`overview`]: responses and doors knocked per day, ward, agency and worker, the
//!   contact rate; every agency's totals suppressed for a coordinator.
//! - [`batches`]: every upload and import attempt, refused ones included, and why; one
//!   attempt on its own page.
//! - [`downloads`]: responses (record level, per the role) and codebook as CSV, results
//!   tables as CSV with the same suppression.
//! - [`results`]: every question's answers and the headline figures by ward, small
//!   counts hidden.
//! - [`review`]: responses one by one, their review state and its audit log.
//! - [`tokens`]: upload tokens made (shown once, with a set-up link and its QR code,
//!   [`qr`]), listed with their use, revoked.
//! - [`users`]: admins add, disable and re-role users.
//! - [`page`]: the frame of every page; [`error`]: what a page answers when it cannot;
//!   [`filters`]: what filter forms send, read.
//!
//! Every database call runs on a blocking thread ([`Console::db`]) through the intake's
//! connection, so a console page and a batch being stored never write at once.

pub mod auth;
pub mod batches;
pub mod downloads;
pub mod error;
pub mod filters;
pub mod log_in;
pub mod overview;
pub mod page;
pub mod qr;
pub mod questionnaire;
pub mod results;
pub mod review;
pub mod tokens;
pub mod users;

use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rusqlite::Connection;

use self::auth::Viewer;
use self::error::ConsoleError;
use self::page::{Section, HOME_PATH, LOG_IN_PATH, LOG_OUT_PATH, SCRIPT_PATH, STYLE_PATH};
use super::settings::Settings;
use super::throttle::Throttle;
use crate::store::intake::Intake;
use crate::store::overview::OverviewCache;
use crate::store::results::ResultsCache;
use survey::results::Threshold;

/// What every console page shares: the database (through the intake), the failed
/// log-in throttle, the results cache, the overview's counts and the small-numbers
/// threshold.
#[derive(Clone)]
pub struct Console {
    intake: Intake,
    log_ins: Arc<Throttle>,
    overview: OverviewCache,
    /// The results cache.
    results: ResultsCache,
    threshold: Threshold,
}

impl Console {
    /// The console over `intake`'s database, with `settings`' failed-try limits.
    pub fn new(intake: Intake, settings: &Settings) -> Console {
        Console {
            intake,
            log_ins: Arc::new(Throttle::new(
                settings.failed_tries_burst,
                settings.failed_try_interval,
            )),
            results: ResultsCache::new(),
            threshold: settings.small_count,
            overview: OverviewCache::new(),
        }
    }

    /// Counts everything stored into the results and overview caches on a thread of its
    /// own, through a read-only connection, so the first Results and Overview pages after
    /// a start do not wait for it (at 100,000 responses it takes a second or two); a page
    /// asked for meanwhile waits for it to finish. A failure is logged: the first page
    /// then counts instead.
    pub fn warm_up(&self) {
        let console = self.clone();
        let spawned = std::thread::Builder::new()
            .name("console-warm-up".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let counted = console
                    .intake
                    .reader()
                    .map_err(|error| error.to_string())
                    .and_then(|reader| {
                        let status = console
                            .results
                            .refresh(&reader)
                            .map_err(|e| e.to_string())?;
                        console
                            .overview
                            .overview(
                                &reader,
                                &crate::store::scope::Scope::All,
                                &Default::default(),
                            )
                            .map_err(|e| e.to_string())?;
                        Ok(status.counted)
                    });
                match counted {
                    Ok(responses) => tracing::info!(
                        responses,
                        ms = started.elapsed().as_millis() as u64,
                        "console results and overview counted"
                    ),
                    Err(error) => tracing::warn!(%error, "console results not counted ahead"),
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "console results not counted ahead");
        }
    }

    /// The results cache.
    pub fn results(&self) -> &ResultsCache {
        &self.results
    }

    /// The small-numbers threshold of every aggregate shown or downloaded.
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// The overview's counts, kept up to date as batches arrive.
    pub fn overview(&self) -> &OverviewCache {
        &self.overview
    }

    /// The questionnaire versions batches answer, the current one first.
    pub fn questionnaires(&self) -> crate::store::accepted::Versions {
        self.intake.questionnaires()
    }

    /// The agencies of the current questionnaire: (code, name).
    pub fn agencies(&self) -> Vec<(String, String)> {
        self.questionnaires()
            .first()
            .map(|q| {
                q.agencies
                    .iter()
                    .map(|a| (a.code.clone(), a.name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The current questionnaire (the one new interviews answer).
    pub fn questionnaire(&self) -> Result<&'static survey::Questionnaire, ConsoleError> {
        self.questionnaires()
            .first()
            .copied()
            .ok_or_else(|| ConsoleError::Failed("the collector has no questionnaire".into()))
    }

    /// The questionnaire `response` answers.
    pub fn questionnaire_for(
        &self,
        response: &survey::Response,
    ) -> Result<&'static survey::Questionnaire, ConsoleError> {
        self.questionnaires()
            .iter()
            .find(|q| {
                q.id == response.questionnaire.id && q.version == response.questionnaire.version
            })
            .copied()
            .ok_or_else(|| {
                ConsoleError::Failed(format!(
                    "response {} answers questionnaire {} version {}, which this collector does not have",
                    response.id, response.questionnaire.id, response.questionnaire.version
                ))
            })
    }

    /// Runs `work` on the database on a blocking thread.
    pub async fn db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, ConsoleError> + Send + 'static,
    ) -> Result<T, ConsoleError> {
        let intake = self.intake.clone();
        tokio::task::spawn_blocking(move || intake.with_database(work))
            .await
            .map_err(|error| ConsoleError::Failed(error.to_string()))??
    }
}

/// The address the console was reached at (`https://host[:port]`), for the links it
/// makes: the request's `Host`, and the scheme the client came over.
pub fn origin(headers: &axum::http::HeaderMap, client: crate::http::client::Client) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if client.https { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The console's routes, answering under `/console`.
pub fn routes<S: Clone + Send + Sync + 'static>(console: Console) -> Router<S> {
    Router::new()
        .route(HOME_PATH, get(home))
        .route(&format!("{HOME_PATH}/"), get(home))
        .route(LOG_IN_PATH, get(log_in::log_in_page).post(log_in::log_in))
        .route(LOG_OUT_PATH, axum::routing::post(log_in::log_out))
        .route(
            log_in::SET_PASSWORD_PATH,
            get(log_in::set_password_page).post(log_in::set_password),
        )
        .merge(overview::routes())
        .merge(batches::routes())
        .merge(downloads::routes())
        .merge(results::routes())
        .merge(review::routes())
        .merge(tokens::routes())
        .merge(users::routes())
        .merge(questionnaire::routes())
        .route(STYLE_PATH, get(style))
        .route(SCRIPT_PATH, get(script))
        .route(&format!("{HOME_PATH}/{{*rest}}"), get(not_found))
        .with_state(console)
}

/// `/console`: the start page, the parts of the console open to the user.
async fn home(viewer: Viewer) -> page::Page {
    let open: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|section| section.open_to(viewer.user.role))
        .collect();
    let body = maud::html! {
        h1 { "Doorstep console" }
        p { "Logged in as " (viewer.user.email) " (" (page::who(&viewer.user)) ")." }
        ul {
            @for section in &open {
                li { a href=(section.path()) { (section.label()) } ": " (section.summary()) }
            }
        }
    };
    page::document("Doorstep console", Some(&viewer.user), None, body)
}

async fn not_found(_viewer: Viewer) -> ConsoleError {
    ConsoleError::NotFound("there is no such page in the console".to_owned())
}

async fn style() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("assets/console.css"),
    )
}

async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/console.js"),
    )
}

fn asset(kind: &'static str, text: &'static str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, kind)], text).into_response();
    for (name, value) in page::SECURITY_HEADERS {
        if let Ok(value) = axum::http::HeaderValue::from_str(value) {
            response.headers_mut().insert(name.clone(), value);
        }
    }
    response
}

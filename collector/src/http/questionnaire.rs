//! `GET /api/v1/questionnaires/current`
//! ([`CURRENT_QUESTIONNAIRE_PATH`](survey::wire::CURRENT_QUESTIONNAIRE_PATH)): the
//! current version of the questionnaire, for tablets to take for new interviews.
//!
//! The body is the file exactly as it was published, so the tablet can check it against
//! the hash; the weak `ETag` is that hash (weak because the body may be sent compressed),
//! and a request whose `If-None-Match` names it gets `304 Not Modified` and no body: an
//! unchanged version costs one small request. `Cache-Control: no-cache` makes a browser
//! ask each time rather than trust a copy. No token is needed: the questionnaire is what
//! every worker reads out at the door, and a tablet fetches it before it is set up.
//! Pages of the origins named with `--cors-origin` may fetch it too.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use survey::wire::CURRENT_QUESTIONNAIRE_PATH;

use super::settings::Settings;
use crate::store::intake::Intake;

/// The route, reading `intake`'s database, with CORS for the origins in `settings`.
pub fn routes<S: Clone + Send + Sync + 'static>(intake: Intake, settings: &Settings) -> Router<S> {
    let router = settings.with_cors(
        Router::new().route(CURRENT_QUESTIONNAIRE_PATH, get(current)),
        |cors| {
            cors.allow_methods([Method::GET])
                .allow_headers([header::IF_NONE_MATCH])
                .expose_headers([header::ETAG])
        },
    );
    router.with_state(intake)
}

/// `W/"<hash>"`.
pub fn etag(hash: &str) -> String {
    format!("W/\"{hash}\"")
}

/// Whether `If-None-Match` names `hash` (weakly: with or without `W/`), or is `*`.
fn matches(headers: &HeaderMap, hash: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == format!("\"{hash}\""))
}

async fn current(State(intake): State<Intake>, headers: HeaderMap) -> Response {
    // One small query (has a version been published?), then the file from memory.
    let file = match tokio::task::spawn_blocking(move || intake.current_questionnaire()).await {
        Ok(file) => file,
        Err(error) => {
            tracing::error!(%error, "the current questionnaire could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let tag = HeaderValue::from_str(&etag(&file.hash))
        .unwrap_or_else(|_| HeaderValue::from_static("W/\"\""));
    let cache = HeaderValue::from_static("no-cache");
    if matches(&headers, &file.hash) {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [
            (header::ETAG, tag),
            (header::CACHE_CONTROL, cache),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        file.json.clone(),
    )
        .into_response()
}

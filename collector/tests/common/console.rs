//! Console requests through the real router: users logged in, pages fetched.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use collector::store::accounts::{self, Role};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn questionnaire() -> survey::Questionnaire {
    survey::shipped::shared_questionnaire().unwrap()
}

/// The agencies of the shipped questionnaire.
pub fn agencies() -> Vec<String> {
    questionnaire()
        .agencies
        .iter()
        .map(|a| a.code.clone())
        .collect()
}

/// A user (an admin, or `agency`'s coordinator) with a password, logged in: the `Cookie`
/// header of their session.
pub fn logged_in(connection: &rusqlite::Connection, email: &str, agency: Option<&str>) -> String {
    let role = if agency.is_some() {
        Role::Coordinator
    } else {
        Role::Admin
    };
    let now = accounts::now();
    let (_, link) = accounts::add_user(connection, email, role, agency, &agencies(), now).unwrap();
    let password = "a long enough pass phrase for tests";
    accounts::set_password(connection, link.expose(), password, now).unwrap();
    let session = accounts::log_in(connection, email, password, now).unwrap();
    format!("doorstep_session={}", session.id.expose())
}

/// The status and body of `request`.
pub async fn answer(router: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// A console page for the session `cookie`.
pub async fn page(router: &axum::Router, cookie: &str, path: &str) -> (StatusCode, String) {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    answer(router, request).await
}

//! What a console page answers when it cannot do what was asked: a page in plain words
//! with the right status, never a stack of internals (those go to the log, without any
//! answer text).

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::page::{self, LOG_IN_PATH};

/// Why a console request was not done.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No current session: never logged in, logged out, or expired. A page is sent to
    /// the log-in page; a form is refused.
    #[error("your session has ended (after 30 minutes without use, 12 hours after logging in, or a log-out): log in again")]
    LoggedOut {
        /// Whether the request was a form sent (nothing is redirected then).
        form: bool,
        /// Whether the browser had a session that has ended (rather than none).
        ended: bool,
    },
    /// A form came without this session's CSRF token.
    #[error("this form was not sent from a page of this console (its security token is missing or out of date): go back, reload the page and send it again")]
    Csrf,
    /// The user's role does not reach this record or page.
    #[error("{0}")]
    Forbidden(String),
    /// No such record or page.
    #[error("{0}")]
    NotFound(String),
    /// Something the user sent cannot be used; the words say what.
    #[error("{0}")]
    BadInput(String),
    /// Too many failed tries from this address.
    #[error("too many failed log-ins from this address: wait {} seconds and try again", .0.as_secs().max(1))]
    Throttled(Duration),
    /// The collector failed (the database, a worker thread).
    #[error("the collector could not do this: {0}")]
    Failed(String),
}

impl ConsoleError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ConsoleError::LoggedOut { .. } => StatusCode::UNAUTHORIZED,
            ConsoleError::Csrf | ConsoleError::Forbidden(_) => StatusCode::FORBIDDEN,
            ConsoleError::NotFound(_) => StatusCode::NOT_FOUND,
            ConsoleError::BadInput(_) => StatusCode::BAD_REQUEST,
            ConsoleError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            ConsoleError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ConsoleError::LoggedOut { .. } => "Log in again",
            ConsoleError::Csrf => "Form refused",
            ConsoleError::Forbidden(_) => "Not yours to see",
            ConsoleError::NotFound(_) => "Not found",
            ConsoleError::BadInput(_) => "Cannot do that",
            ConsoleError::Throttled(_) => "Too many tries",
            ConsoleError::Failed(_) => "Something went wrong",
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        if let ConsoleError::LoggedOut { form: false, ended } = self {
            let to = if ended {
                format!("{LOG_IN_PATH}?ended=1")
            } else {
                LOG_IN_PATH.to_owned()
            };
            return Redirect::to(&to).into_response();
        }
        if let ConsoleError::Failed(why) = &self {
            tracing::error!(reason = %why, "console request failed");
        }
        let status = self.status();
        let retry = match &self {
            ConsoleError::Throttled(wait) => Some(wait.as_secs().max(1)),
            _ => None,
        };
        let body = html! {
            h1 { (self.title()) }
            p role="alert" { (self.to_string()) }
            p { a href=(page::HOME_PATH) { "Back to the console" } }
        };
        let mut response = (status, page::document(self.title(), None, None, body)).into_response();
        if let Some(seconds) = retry {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl From<crate::store::DbError> for ConsoleError {
    fn from(error: crate::store::DbError) -> Self {
        ConsoleError::Failed(error.to_string())
    }
}

impl From<crate::store::accounts::AccountError> for ConsoleError {
    fn from(error: crate::store::accounts::AccountError) -> Self {
        use crate::store::accounts::AccountError;
        match error {
            AccountError::Db(_) | AccountError::Random(_) => {
                ConsoleError::Failed(error.to_string())
            }
            AccountError::NoSuchUser(_) | AccountError::NoSuchUserId(_) => {
                ConsoleError::NotFound(error.to_string())
            }
            _ => ConsoleError::BadInput(error.to_string()),
        }
    }
}

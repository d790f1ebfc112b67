//! Who is asking: the session cookie, the [`Viewer`] every page but the log-in takes,
//! and the CSRF check every form goes through.
//!
//! The session id lives in one cookie, [`SESSION_COOKIE`]: `HttpOnly` (no script reads
//! it), `SameSite=Strict` (no other site's page sends it), `Path=/console`, and `Secure`
//! when the client came over HTTPS ([`Client::https`]). Only its SHA-256 is stored.
//! Every state-changing form also carries the session's CSRF token
//! ([`super::page::CSRF_FIELD`]), checked by [`Viewer::check_csrf`].

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};

use super::error::ConsoleError;
use super::Console;
use crate::http::client::Client;
use crate::store::accounts::{self, Role, SessionUser};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "doorstep_session";
/// The cookie that ties a log-in form to the browser it was given to.
pub const LOG_IN_COOKIE: &str = "doorstep_log_in";

/// The signed-in user of a request with a current session, and the session's id.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user, their role and the session's CSRF token.
    pub user: SessionUser,
    /// The session id from the cookie (to log out with).
    pub session: String,
}

impl Viewer {
    /// Refuses a form whose CSRF field is not this session's token.
    pub fn check_csrf(&self, presented: &str) -> Result<(), ConsoleError> {
        if self.user.csrf_matches(presented) {
            Ok(())
        } else {
            tracing::warn!(
                user = self.user.user.0,
                "console form refused: CSRF token missing or wrong"
            );
            Err(ConsoleError::Csrf)
        }
    }

    /// Refuses anyone but an admin.
    pub fn admin_only(&self) -> Result<(), ConsoleError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden(
                "only an admin can open this page".to_owned(),
            ))
        }
    }
}

impl FromRequestParts<Console> for Viewer {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        console: &Console,
    ) -> Result<Viewer, ConsoleError> {
        let form = parts.method != Method::GET && parts.method != Method::HEAD;
        let Some(id) = cookie(&parts.headers, SESSION_COOKIE).filter(|id| !id.is_empty()) else {
            return Err(ConsoleError::LoggedOut { form, ended: false });
        };
        let session = id.clone();
        let user = console
            .db(move |connection| Ok(accounts::session(connection, &id, accounts::now())?))
            .await?;
        match user {
            Some(user) => Ok(Viewer { user, session }),
            None => Err(ConsoleError::LoggedOut { form, ended: true }),
        }
    }
}

/// The value of the cookie `name` in a request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
}

/// A `Set-Cookie` value for `name=value` on the console's paths, `HttpOnly`,
/// `SameSite=Strict`, `Secure` over HTTPS; `max_age` in seconds (0 removes it, `None`
/// lasts until the browser closes).
pub fn set_cookie(
    name: &str,
    value: &str,
    client: Client,
    max_age: Option<u64>,
) -> Result<HeaderValue, ConsoleError> {
    let mut text = format!("{name}={value}; Path=/console; HttpOnly; SameSite=Strict");
    if client.https {
        text.push_str("; Secure");
    }
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    HeaderValue::from_str(&text)
        .map_err(|_| ConsoleError::Failed("a cookie could not be written".to_owned()))
}

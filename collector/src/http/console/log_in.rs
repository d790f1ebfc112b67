//! Logging in and out, and setting a password from a one-time link.
//!
//! Log-in tries are slowed per client address by the same [`Throttle`] the upload token
//! check uses (a failed try counts; a spent address waits), and per account by the
//! accounts' lock-out. The log-in form is tied to the browser that fetched it by a
//! random value in [`LOG_IN_COOKIE`] and in the form, so another site cannot log a
//! browser in to an account of its choosing.

use axum::extract::{Form, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::auth::{cookie, set_cookie, Viewer, LOG_IN_COOKIE, SESSION_COOKIE};
use super::error::ConsoleError;
use super::page::{self, document, problem, HOME_PATH, LOG_IN_PATH};
use super::Console;
use crate::http::client::Client;
use crate::http::throttle::Address;
use crate::store::accounts::{self, LogInError, Secret, SetPasswordError};

/// The set-password page (the link's secret follows in the fragment).
pub const SET_PASSWORD_PATH: &str = "/console/set-password";

/// `?ended=1` when a session ended and the browser was sent here.
#[derive(Debug, Deserialize)]
pub struct LogInQuery {
    #[serde(default)]
    ended: Option<String>,
    #[serde(default)]
    out: Option<String>,
}

/// What the log-in form sends.
#[derive(Debug, Deserialize)]
pub struct LogInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    form: String,
}

/// `GET /console/log-in`.
pub async fn log_in_page(client: Client, Query(query): Query<LogInQuery>) -> Response {
    let note = if query.out.is_some() {
        Some(page::done("You are logged out."))
    } else if query.ended.is_some() {
        Some(problem(
            "Your session has ended (after 30 minutes without use, or 12 hours after logging in). Log in again.",
        ))
    } else {
        None
    };
    log_in_form(client, "", note, axum::http::StatusCode::OK)
}

fn log_in_form(
    client: Client,
    email: &str,
    note: Option<maud::Markup>,
    status: axum::http::StatusCode,
) -> Response {
    let tie = match Secret::random() {
        Ok(tie) => tie,
        Err(error) => return ConsoleError::from(error).into_response(),
    };
    let cookie = match set_cookie(LOG_IN_COOKIE, tie.expose(), client, Some(3600)) {
        Ok(cookie) => cookie,
        Err(error) => return error.into_response(),
    };
    let body = html! {
        h1 { "Log in" }
        @if let Some(note) = note { (note) }
        form method="post" action=(LOG_IN_PATH) class="stack narrow" {
            input type="hidden" name="form" value=(tie.expose());
            label for="email" { "Email" }
            input id="email" name="email" type="email" autocomplete="username" required value=(email);
            label for="password" { "Password" }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            button type="submit" { "Log in" }
        }
        p class="hint" { "No password yet, or forgotten? Ask an admin for a set-password link." }
    };
    (
        status,
        [(header::SET_COOKIE, cookie)],
        document("Log in", None, None, body),
    )
        .into_response()
}

/// `POST /console/log-in`.
pub async fn log_in(
    State(console): State<Console>,
    client: Client,
    headers: axum::http::HeaderMap,
    Form(form): Form<LogInForm>,
) -> Response {
    let tied = cookie(&headers, LOG_IN_COOKIE).is_some_and(|tie| {
        !form.form.is_empty() && bool::from(tie.as_bytes().ct_eq(form.form.as_bytes()))
    });
    if !tied {
        return log_in_form(
            client,
            &form.email,
            Some(problem(
                "This log-in form is out of date or was not sent from this page. Try again.",
            )),
            axum::http::StatusCode::FORBIDDEN,
        );
    }
    let address = Address::of(client.addr);
    if let Err(wait) = console.log_ins.admit(address) {
        return ConsoleError::Throttled(wait).into_response();
    }
    let email = form.email.clone();
    let result = console
        .db(move |connection| {
            Ok(accounts::log_in(
                connection,
                &form.email,
                &form.password,
                accounts::now(),
            ))
        })
        .await;
    match result {
        Ok(Ok(session)) => {
            tracing::info!("console log-in");
            let cookie = match set_cookie(SESSION_COOKIE, session.id.expose(), client, None) {
                Ok(cookie) => cookie,
                Err(error) => return error.into_response(),
            };
            let clear = set_cookie(LOG_IN_COOKIE, "", client, Some(0));
            let mut response =
                ([(header::SET_COOKIE, cookie)], Redirect::to(HOME_PATH)).into_response();
            if let Ok(clear) = clear {
                response.headers_mut().append(header::SET_COOKIE, clear);
            }
            response
        }
        Ok(Err(LogInError::Refused)) => {
            console.log_ins.failed(address);
            tracing::warn!("console log-in refused");
            log_in_form(
                client,
                &email,
                Some(problem(&LogInError::Refused.to_string())),
                axum::http::StatusCode::UNAUTHORIZED,
            )
        }
        Ok(Err(LogInError::Account(error))) => ConsoleError::from(error).into_response(),
        Err(error) => error.into_response(),
    }
}

/// What the log-out form sends.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /console/log-out`: ends the session in the database and removes the cookie.
pub async fn log_out(
    State(console): State<Console>,
    client: Client,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, ConsoleError> {
    viewer.check_csrf(&form.csrf)?;
    let session = viewer.session.clone();
    console
        .db(move |connection| Ok(accounts::log_out(connection, &session)?))
        .await?;
    let clear = set_cookie(SESSION_COOKIE, "", client, Some(0))?;
    Ok((
        [(header::SET_COOKIE, clear)],
        Redirect::to(&format!("{LOG_IN_PATH}?out=1")),
    )
        .into_response())
}

/// What the set-password form sends.
#[derive(Debug, Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

/// `GET /console/set-password`: the form. The link's secret is in the address's
/// fragment, which never reaches the server; the console's script copies it into the
/// code field, and without scripts the person pastes it.
pub async fn set_password_page() -> impl IntoResponse {
    set_password_form(None, axum::http::StatusCode::OK)
}

fn set_password_form(note: Option<maud::Markup>, status: axum::http::StatusCode) -> Response {
    let body = html! {
        h1 { "Set your password" }
        @if let Some(note) = note { (note) }
        form method="post" action=(SET_PASSWORD_PATH) class="stack narrow" {
            label for="code" { "Code from your link" }
            p class="hint" id="code-hint" { "The part of the link after the # sign. It is filled in for you when you open the link." }
            input id="code" name="code" type="text" autocomplete="off" spellcheck="false" required aria-describedby="code-hint" data-fragment="code";
            label for="password" { "New password" }
            p class="hint" id="password-hint" { "At least " (accounts::passwords::MIN_PASSWORD_CHARS) " characters. A few unrelated words are easy to remember and hard to guess." }
            input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint";
            label for="again" { "The same password again" }
            input id="again" name="again" type="password" autocomplete="new-password" required;
            button type="submit" { "Set password" }
        }
    };
    (status, document("Set your password", None, None, body)).into_response()
}

/// `POST /console/set-password`.
pub async fn set_password(
    State(console): State<Console>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    if form.password != form.again {
        return set_password_form(
            Some(problem(
                "The two passwords are not the same. Type them again.",
            )),
            axum::http::StatusCode::BAD_REQUEST,
        );
    }
    let code = form.code.trim().trim_start_matches('#').to_owned();
    let result = console
        .db(move |connection| {
            Ok(accounts::set_password(
                connection,
                &code,
                &form.password,
                accounts::now(),
            ))
        })
        .await;
    match result {
        Ok(Ok(_)) => {
            tracing::info!("console password set from a link");
            let body = html! {
                h1 { "Your password is set" }
                (page::done("Your password is set. Log in with your email and the new password."))
                p { a href=(LOG_IN_PATH) { "Log in" } }
            };
            document("Password set", None, None, body).into_response()
        }
        Ok(Err(
            error @ (SetPasswordError::Hash(_)
            | SetPasswordError::Random(_)
            | SetPasswordError::Db(_)),
        )) => ConsoleError::Failed(error.to_string()).into_response(),
        Ok(Err(error)) => set_password_form(
            Some(problem(&error.to_string())),
            axum::http::StatusCode::BAD_REQUEST,
        ),
        Err(error) => error.into_response(),
    }
}

//! Tokens: the upload tokens the user reaches (an admin every agency's, a coordinator
//! its own), with when each was made and last used and how many responses it brought;
//! making one, shown once as text, as a set-up link and as a QR code of that link, for
//! the tablet to scan; revoking one.
//!
//! The token is only ever in the page answering the form that made it (a POST, never
//! redirected to an address holding it; `Cache-Control: no-store` like every console
//! page), and in the set-up link's fragment, which no browser sends to a server. Logs
//! name a token by its number only.

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use survey::wire::SetupLink;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::filters::moment;
use super::page::{csrf_field, document, done, Section};
use super::{origin, qr, Console};
use crate::http::client::Client;
use crate::store::scope::Scope;
use crate::store::tokens::{self, TokenError, TokenId, TokenInfo};

const PATH: &str = super::page::TOKENS_PATH;

pub(super) fn routes() -> Router<Console> {
    Router::new()
        .route(PATH, get(list).post(make))
        .route("/console/tokens/{id}/revoke", post(revoke))
}

impl From<TokenError> for ConsoleError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::NotYours(_) | TokenError::OtherAgency(_) => {
                ConsoleError::Forbidden(error.to_string())
            }
            TokenError::NoSuchToken(_) => ConsoleError::NotFound(error.to_string()),
            TokenError::UnknownAgency { .. } => ConsoleError::BadInput(error.to_string()),
            TokenError::Random(_) | TokenError::Db(_) => ConsoleError::Failed(error.to_string()),
        }
    }
}

impl From<qr::QrError> for ConsoleError {
    fn from(error: qr::QrError) -> Self {
        ConsoleError::Failed(error.to_string())
    }
}

/// What the forms send: the CSRF token, and for making a token its agency.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    agency: String,
}

async fn list(State(console): State<Console>, viewer: Viewer) -> Result<Response, ConsoleError> {
    page(&console, &viewer, None).await
}

/// The agencies the user may make tokens for: (code, name).
fn agencies_for(console: &Console, scope: &Scope) -> Vec<(String, String)> {
    console
        .agencies()
        .into_iter()
        .filter(|(code, _)| scope.reaches(code))
        .collect()
}

async fn page(
    console: &Console,
    viewer: &Viewer,
    note: Option<Markup>,
) -> Result<Response, ConsoleError> {
    let scope = Scope::of(&viewer.user);
    let listed = {
        let scope = scope.clone();
        console
            .db(move |connection| Ok(tokens::list_for(connection, &scope)?))
            .await?
    };
    let agencies = agencies_for(console, &scope);
    let body = html! {
        h1 { "Tokens" }
        @if let Some(note) = note { (note) }
        p class="hint" {
            @match &scope {
                Scope::All => "Upload tokens of every agency.",
                Scope::Agency(agency) => { "Upload tokens of " (agency) "." }
            }
            " A tablet hands in with its agency's token; revoke a token when a tablet is lost or leaves the survey."
        }
        @if listed.is_empty() {
            p { "No tokens yet." }
        } @else {
            // Focusable and named: on a small screen it scrolls sideways, by keyboard too.
            div class="table-wrap" tabindex="0" role="region" aria-labelledby="tokens-caption" {
                table class="wide" {
                    caption id="tokens-caption" { (match listed.len() { 1 => "1 token".to_owned(), n => format!("{n} tokens") }) }
                    thead {
                        tr {
                            th scope="col" { "Agency" } th scope="col" { "First characters" }
                            th scope="col" { "Made" } th scope="col" { "Last used" }
                            th scope="col" class="n" { "Responses received" }
                            th scope="col" { "State" } th scope="col" { "Revoke" }
                        }
                    }
                    tbody { @for token in &listed { (row(viewer, token)) } }
                }
            }
        }
        h2 id="make" { "Make a token" }
        @if agencies.is_empty() {
            p { "There is no agency you can make a token for." }
        } @else {
            form method="post" action=(PATH) class="stack narrow" {
                (csrf_field(&viewer.user))
                label for="token-agency" { "Agency" }
                select id="token-agency" name="agency" {
                    @for (code, name) in &agencies {
                        option value=(code) { (name) " (" (code) ")" }
                    }
                }
                button type="submit" { "Make token" }
            }
            p class="hint" { "The token is shown once, with a set-up link and a QR code for the tablet. The collector keeps only its hash." }
        }
    };
    Ok(document("Tokens", Some(&viewer.user), Some(Section::Tokens), body).into_response())
}

fn row(viewer: &Viewer, token: &TokenInfo) -> Markup {
    let named = format!("{}… ({})", token.prefix, token.agency);
    html! {
        tr {
            td { (token.agency) }
            th scope="row" { code { (token.prefix) "…" } }
            td { (moment(token.created)) }
            td {
                @match token.last_used {
                    Some(used) => (moment(used)),
                    None => "never",
                }
            }
            td class="n" { (token.responses) }
            @match token.revoked {
                Some(revoked) => {
                    td class="state" { "revoked " (moment(revoked)) }
                    td { "revoked" }
                }
                None => {
                    td class="state" { "in use" }
                    td {
                        details {
                            summary class="button secondary" { "Revoke " (named) }
                            p { "Tablets set up with this token can no longer hand in. What they hold stays on them until they are set up with a new token." }
                            form method="post" action=(format!("{PATH}/{}/revoke", token.id)) {
                                (csrf_field(&viewer.user))
                                button type="submit" class="danger" { "Revoke token " (token.prefix) "…" }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn make(
    State(console): State<Console>,
    viewer: Viewer,
    client: Client,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, ConsoleError> {
    viewer.check_csrf(&form.csrf)?;
    let scope = Scope::of(&viewer.user);
    let known: Vec<String> = console
        .agencies()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let agency = form.agency.trim().to_owned();
    let (id, token) = {
        let agency = agency.clone();
        console
            .db(move |connection| Ok(tokens::add(connection, &scope, &agency, &known)?))
            .await?
    };
    tracing::info!(
        by = viewer.user.user.0,
        token_id = id.0,
        agency = %agency,
        "upload token made in the console"
    );
    let name = console
        .agencies()
        .into_iter()
        .find(|(code, _)| *code == agency)
        .map_or_else(|| agency.clone(), |(_, name)| name);
    let link = SetupLink {
        collector: origin(&headers, client),
        agency: agency.as_str().into(),
        token: token.clone(),
    }
    .to_url();
    let code = qr::svg(&link, &format!("QR code of the set-up link for {name}"))?;
    let body = html! {
        h1 { "Token made for " (name) }
        p class="done" role="status" {
            strong { "Scan this with the tablet's camera, or open the link on the tablet; this token is shown only now." }
        }
        div class="qr" { (code) }
        div class="stack" {
            label for="setup-link" { "Set-up link" }
            p class="hint" id="setup-link-hint" { "It fills in the collector's address, the agency and the token; the worker adds only their own details." }
            textarea id="setup-link" class="secret" readonly rows="4" spellcheck="false" autocomplete="off" aria-describedby="setup-link-hint" { (link) }
            label for="upload-token" { "Upload token" }
            textarea id="upload-token" class="secret" readonly rows="2" spellcheck="false" autocomplete="off" { (token) }
        }
        p { "If it is lost before a tablet is set up, make a new one and revoke this one (it starts " code { (token.get(..12).unwrap_or(&token)) } ")." }
        p { a href=(PATH) { "Back to the tokens" } }
    };
    Ok(document(
        "Token made",
        Some(&viewer.user),
        Some(Section::Tokens),
        body,
    )
    .into_response())
}

async fn revoke(
    State(console): State<Console>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, ConsoleError> {
    viewer.check_csrf(&form.csrf)?;
    let id = id
        .parse::<i64>()
        .map(TokenId)
        .map_err(|_| ConsoleError::NotFound(format!("{id:?} is not a token number")))?;
    let scope = Scope::of(&viewer.user);
    let revoked = console
        .db(move |connection| Ok(tokens::revoke_in(connection, &scope, id)?))
        .await?;
    tracing::info!(
        by = viewer.user.user.0,
        token_id = id.0,
        "upload token revoked in the console"
    );
    let message = format!(
        "The token {}… of {} is revoked: uploads with it are refused from now on.",
        revoked.prefix, revoked.agency
    );
    page(&console, &viewer, Some(done(&message))).await
}

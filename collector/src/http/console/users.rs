//! Users (admins only): the list, adding a user (their one-time set-password link is
//! shown once), a new link, changing a role, disabling.

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::Viewer;
use super::error::ConsoleError;
use super::page::{csrf_field, document, done, Section};
use super::{origin, Console};
use crate::cli::users::set_password_url;
use crate::http::client::Client;
use crate::store::accounts::{self, Role, UserId, UserInfo};

const PATH: &str = super::page::USERS_PATH;

pub(super) fn routes() -> Router<Console> {
    Router::new()
        .route(PATH, get(list).post(add))
        .route("/console/users/{id}/role", post(change_role))
        .route("/console/users/{id}/link", post(new_link))
        .route("/console/users/{id}/disable", post(disable))
}

/// What the forms send: the CSRF token, and for adding or re-roling a user the rest.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
}

impl UserForm {
    fn role(&self) -> Result<(Role, Option<String>), ConsoleError> {
        let agency = Some(self.agency.trim().to_owned()).filter(|a| !a.is_empty());
        match (self.role.as_str(), agency) {
            ("admin", Some(_)) => Err(ConsoleError::BadInput(
                "an admin sees every agency and belongs to none: choose no agency".into(),
            )),
            ("admin", None) => Ok((Role::Admin, None)),
            ("coordinator", agency) => Ok((Role::Coordinator, agency)),
            (other, _) => Err(ConsoleError::BadInput(format!(
                "{other:?} is not a role: choose admin or coordinator"
            ))),
        }
    }
}

async fn list(State(console): State<Console>, viewer: Viewer) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    page(&console, &viewer, None).await
}

async fn page(
    console: &Console,
    viewer: &Viewer,
    note: Option<Markup>,
) -> Result<Response, ConsoleError> {
    let users = console
        .db(|connection| Ok(accounts::list_users(connection, accounts::now())?))
        .await?;
    let agencies = console.agencies();
    let body = html! {
        h1 { "Users" }
        @if let Some(note) = note { (note) }
        div class="table-wrap" {
            table {
                caption { (match users.len() { 1 => "1 user".to_owned(), n => format!("{n} users") }) }
                thead { tr { th scope="col" { "Email" } th scope="col" { "Role" } th scope="col" { "State" } th scope="col" { "Change" } } }
                tbody {
                    @for user in &users { (row(viewer, user, &agencies)) }
                }
            }
        }
        h2 id="add" { "Add a user" }
        form method="post" action=(PATH) class="stack narrow" {
            (csrf_field(&viewer.user))
            label for="new-email" { "Email" }
            input id="new-email" name="email" type="email" required autocomplete="off";
            (role_fields("new", None, &agencies))
            button type="submit" { "Add user" }
        }
        p class="hint" { "They get a one-time link to set their password, shown here once. It works for 24 hours." }
    };
    Ok(document("Users", Some(&viewer.user), Some(Section::Users), body).into_response())
}

fn row(viewer: &Viewer, user: &UserInfo, agencies: &[(String, String)]) -> Markup {
    let id = user.id.0;
    let prefix = format!("user-{id}");
    html! {
        tr {
            th scope="row" { (user.email) }
            td { (match (&user.role, &user.agency) { (Role::Coordinator, Some(a)) => format!("coordinator, {a}"), (r, _) => r.as_str().to_owned() }) }
            td { (user.state.describe()) }
            td {
                details {
                    summary { "Change " (user.email) }
                    form method="post" action=(format!("{PATH}/{id}/role")) class="stack" {
                        (csrf_field(&viewer.user))
                        (role_fields(&prefix, Some((user.role, user.agency.as_deref())), agencies))
                        button type="submit" class="secondary" { "Save role" }
                    }
                    form method="post" action=(format!("{PATH}/{id}/link")) class="inline" {
                        (csrf_field(&viewer.user))
                        button type="submit" class="secondary" { "New set-password link" }
                    }
                    @if user.state != accounts::UserState::Disabled && user.id != viewer.user.user {
                        form method="post" action=(format!("{PATH}/{id}/disable")) class="inline" {
                            (csrf_field(&viewer.user))
                            button type="submit" class="danger" { "Disable " (user.email) }
                        }
                    }
                }
            }
        }
    }
}

fn role_fields(
    prefix: &str,
    current: Option<(Role, Option<&str>)>,
    agencies: &[(String, String)],
) -> Markup {
    let (role, agency) = current.unwrap_or((Role::Coordinator, None));
    html! {
        label for=(format!("{prefix}-role")) { "Role" }
        select id=(format!("{prefix}-role")) name="role" {
            option value="coordinator" selected[role == Role::Coordinator] { "Coordinator of one agency" }
            option value="admin" selected[role == Role::Admin] { "Admin (every agency, and the users)" }
        }
        label for=(format!("{prefix}-agency")) { "Agency (coordinators only)" }
        select id=(format!("{prefix}-agency")) name="agency" {
            option value="" selected[agency.is_none()] { "None (admins)" }
            @for (code, name) in agencies {
                option value=(code) selected[agency == Some(code.as_str())] { (name) " (" (code) ")" }
            }
        }
    }
}

async fn add(
    State(console): State<Console>,
    viewer: Viewer,
    client: Client,
    headers: HeaderMap,
    Form(form): Form<UserForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    let (role, agency) = form.role()?;
    let known: Vec<String> = console
        .agencies()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let email = form.email.clone();
    let (_, secret) = console
        .db(move |connection| {
            Ok(accounts::add_user(
                connection,
                &email,
                role,
                agency.as_deref(),
                &known,
                accounts::now(),
            )?)
        })
        .await?;
    tracing::info!(by = viewer.user.user.0, "console user added");
    let link = set_password_url(&origin(&headers, client), &secret);
    page(&console, &viewer, Some(link_shown(&form.email, &link))).await
}

fn link_shown(email: &str, link: &str) -> Markup {
    html! {
        div class="done" role="status" {
            p { "Send this one-time link to " strong { (email) } ". It is shown only now and works for 24 hours:" }
            code class="secret" { (link) }
        }
    }
}

async fn change_role(
    State(console): State<Console>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    let (role, agency) = form.role()?;
    if UserId(id) == viewer.user.user && role != Role::Admin {
        return Err(ConsoleError::BadInput(
            "you cannot take away your own admin role: ask another admin".into(),
        ));
    }
    let known: Vec<String> = console
        .agencies()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    console
        .db(move |connection| {
            Ok(accounts::set_role(
                connection,
                UserId(id),
                role,
                agency.as_deref(),
                &known,
            )?)
        })
        .await?;
    tracing::info!(
        by = viewer.user.user.0,
        user = id,
        "console user's role changed"
    );
    page(&console, &viewer, Some(done("The role is changed."))).await
}

async fn new_link(
    State(console): State<Console>,
    viewer: Viewer,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    let (email, secret) = console
        .db(move |connection| {
            let users = accounts::list_users(connection, accounts::now())?;
            let user = users
                .into_iter()
                .find(|user| user.id == UserId(id))
                .ok_or_else(|| ConsoleError::NotFound(format!("no user number {id}")))?;
            let (_, secret) = accounts::password_link(connection, &user.email, accounts::now())?;
            Ok((user.email, secret))
        })
        .await?;
    tracing::info!(by = viewer.user.user.0, user = id, "set-password link made");
    let link = set_password_url(&origin(&headers, client), &secret);
    page(&console, &viewer, Some(link_shown(&email, &link))).await
}

async fn disable(
    State(console): State<Console>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<UserForm>,
) -> Result<Response, ConsoleError> {
    viewer.admin_only()?;
    viewer.check_csrf(&form.csrf)?;
    if UserId(id) == viewer.user.user {
        return Err(ConsoleError::BadInput(
            "you cannot disable your own account: ask another admin".into(),
        ));
    }
    console
        .db(move |connection| Ok(accounts::disable_user(connection, UserId(id))?))
        .await?;
    tracing::info!(by = viewer.user.user.0, user = id, "console user disabled");
    page(
        &console,
        &viewer,
        Some(done("The user is disabled and logged out everywhere.")),
    )
    .await
}

//! The frame of every console page: the document, its navigation, the signed-in user
//! and the log-out form, and the headers every page carries.
//!
//! Pages are written with maud: every value put into a page is escaped when it is
//! written, so nothing a user typed (an email, a comment, a label) is ever rendered as
//! markup. Never wrap data in `PreEscaped`.

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::store::accounts::{Role, SessionUser};

/// Where the console starts.
pub const HOME_PATH: &str = "/console";
/// The log-in page.
pub const LOG_IN_PATH: &str = "/console/log-in";
/// The form that logs out.
pub const LOG_OUT_PATH: &str = "/console/log-out";
/// The console's style sheet.
pub const STYLE_PATH: &str = "/console/console.css";
/// The console's one script (progressive enhancement only).
pub const SCRIPT_PATH: &str = "/console/console.js";
/// The name of every form's CSRF field.
pub const CSRF_FIELD: &str = "csrf";

/// A part of the console, as its navigation lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// What came in: responses and door visits per day, agency, ward and worker.
    Overview,
    /// Every question's answers and the headline indicators, suppressed.
    Results,
    /// Responses one by one, and their review.
    Review,
    /// Every upload and import attempt, refused ones included.
    Batches,
    /// Upload tokens: made (with a set-up link and QR code), listed, revoked.
    Tokens,
    /// Responses, codebook and results as files.
    Downloads,
    /// The questionnaire's versions: add, preview, publish, close (admins only).
    Questionnaire,
    /// Users and roles (admins only).
    Users,
}

/// `/console/overview`.
pub const OVERVIEW_PATH: &str = "/console/overview";
/// `/console/results`.
pub const RESULTS_PATH: &str = "/console/results";
/// `/console/batches`.
pub const BATCHES_PATH: &str = "/console/batches";
/// `/console/tokens`.
pub const TOKENS_PATH: &str = "/console/tokens";
/// `/console/downloads`.
pub const DOWNLOADS_PATH: &str = "/console/downloads";
/// `/console/users`.
pub const USERS_PATH: &str = "/console/users";
/// `/console/questionnaire`.
pub const QUESTIONNAIRE_PATH: &str = "/console/questionnaire";

impl Section {
    /// Every section, in the navigation's order.
    pub const ALL: [Section; 8] = [
        Section::Overview,
        Section::Results,
        Section::Review,
        Section::Batches,
        Section::Tokens,
        Section::Downloads,
        Section::Questionnaire,
        Section::Users,
    ];

    /// Its name on screen.
    pub fn label(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Results => "Results",
            Section::Review => "Review",
            Section::Batches => "Batches",
            Section::Tokens => "Tokens",
            Section::Downloads => "Downloads",
            Section::Questionnaire => "Questionnaire",
            Section::Users => "Users",
        }
    }

    /// Its address.
    pub fn path(self) -> &'static str {
        match self {
            Section::Overview => OVERVIEW_PATH,
            Section::Results => RESULTS_PATH,
            Section::Review => super::review::PATH,
            Section::Batches => BATCHES_PATH,
            Section::Tokens => TOKENS_PATH,
            Section::Downloads => DOWNLOADS_PATH,
            Section::Questionnaire => QUESTIONNAIRE_PATH,
            Section::Users => USERS_PATH,
        }
    }

    /// What it is for, in a line.
    pub fn summary(self) -> &'static str {
        match self {
            Section::Overview => {
                "responses and doors knocked per day, agency, ward and worker; contact rate"
            }
            Section::Results => {
                "every question's answers and the headline indicators, by ward, small counts hidden"
            }
            Section::Review => {
                "read each response and mark it received, has issues, approved or rejected"
            }
            Section::Batches => "every upload and import, refused ones too, and why",
            Section::Tokens => "make a tablet's upload token with its set-up link, list, revoke",
            Section::Downloads => "responses and codebook as CSV, results tables as CSV",
            Section::Questionnaire => {
                "add a new version, see its changes and a preview, publish it, close an old one"
            }
            Section::Users => {
                "add people, change their role, send a new set-password link, disable"
            }
        }
    }

    /// Whether `role` may open it.
    pub fn open_to(self, role: Role) -> bool {
        match self {
            Section::Users | Section::Questionnaire => role == Role::Admin,
            _ => true,
        }
    }
}

/// A rendered page with the console's headers: never cached (it shows record-level
/// data), no scripts or styles but the console's own, never framed, no referrer.
pub struct Page(Markup);

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut response = (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            self.0.into_string(),
        )
            .into_response();
        let headers = response.headers_mut();
        for (name, value) in SECURITY_HEADERS {
            headers.insert(name.clone(), HeaderValue::from_static(value));
        }
        response
    }
}

/// The headers of every console answer (pages, downloads, assets).
pub const SECURITY_HEADERS: [(HeaderName, &str); 5] = [
    (header::CACHE_CONTROL, "no-store"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// A whole page: `title` (also its `h1` is the body's to write), the navigation for
/// `viewer` with `current` marked, and `body`.
pub fn document(
    title: &str,
    viewer: Option<&SessionUser>,
    current: Option<Section>,
    body: Markup,
) -> Page {
    Page(html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Doorstep console" }
                link rel="stylesheet" href=(STYLE_PATH);
                script src=(SCRIPT_PATH) defer {}
            }
            body {
                a class="skip-link" href="#main" { "Skip to the page" }
                header class="top" {
                    a class="brand" href=(HOME_PATH) { "Doorstep console" }
                    @if let Some(viewer) = viewer {
                        nav aria-label="Console" {
                            ul {
                                @for section in Section::ALL.iter().filter(|s| s.open_to(viewer.role)) {
                                    li {
                                        @if Some(*section) == current {
                                            a href=(section.path()) aria-current="page" { (section.label()) }
                                        } @else {
                                            a href=(section.path()) { (section.label()) }
                                        }
                                    }
                                }
                            }
                        }
                        div class="who" {
                            span { (viewer.email) " · " (who(viewer)) }
                            form method="post" action=(LOG_OUT_PATH) {
                                (csrf_field(viewer))
                                button type="submit" { "Log out" }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
            }
        }
    })
}

/// The hidden field that carries the session's CSRF token in a form.
pub fn csrf_field(viewer: &SessionUser) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(viewer.csrf); }
}

/// The user's role in words: "admin", or "coordinator, hackney-cvs".
pub fn who(viewer: &SessionUser) -> String {
    match (&viewer.role, &viewer.agency) {
        (Role::Coordinator, Some(agency)) => format!("coordinator, {agency}"),
        (role, _) => role.as_str().to_owned(),
    }
}

/// A message that something was done, shown at the top of a page after a form.
pub fn done(message: &str) -> Markup {
    html! { p class="done" role="status" { (message) } }
}

/// A message that a form was not done, and why.
pub fn problem(message: &str) -> Markup {
    html! { p class="problem" role="alert" { (message) } }
}

//! The app's screens and their addresses: a typed [`Page`] per screen over the browser's
//! History API.
//!
//! This replaces leptos_router on purpose: its URL handling brought the `url` crate's
//! Unicode (IDNA) tables into the download, 43 KB gzip, for a handful of fixed addresses.

use leptos::ev;
use leptos::prelude::*;
use survey::ResponseId;
use wasm_bindgen::JsValue;

/// A screen of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/`: today's doors, call-backs, interviews in progress.
    Today,
    /// `/setup`: who and where the worker is, and where to hand in.
    SetUp,
    /// `/interviews`: every interview on the device.
    Interviews,
    /// `/hand-in`: hand in completed interviews (upload or export a file).
    HandIn,
    /// `/settings`: set-up, storage on the device and the app version.
    Settings,
    /// `/interview/<id>…`: one interview.
    Interview(ResponseId, Step),
}

/// Which screen of an interview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `/interview/<id>`: wherever it was left (the app replaces this address with the
    /// section's own).
    Resume,
    /// `/interview/<id>/section/<n>`: a section, by its index in the questionnaire
    /// (`n` counts from 1 in the address).
    Section(usize),
    /// `/interview/<id>/review`: every answer, and "complete".
    Review,
}

impl Page {
    /// The screen at `path` (a URL's path, without query or fragment), if there is one.
    /// The addresses of app version 0.1.0 (`/responses`, `/send`) lead to their screens
    /// too, so a tablet updated while showing one does not land on "no such screen";
    /// [`start`] then shows the screen's own address.
    pub fn from_path(path: &str) -> Option<Page> {
        match path.trim_end_matches('/') {
            "" | "/index.html" => Some(Page::Today),
            "/setup" => Some(Page::SetUp),
            "/interviews" | "/responses" => Some(Page::Interviews),
            "/hand-in" | "/send" => Some(Page::HandIn),
            "/settings" => Some(Page::Settings),
            other => {
                let rest = other.strip_prefix("/interview/")?;
                let mut parts = rest.split('/');
                let id: ResponseId = parts.next()?.parse().ok()?;
                let step = match (parts.next(), parts.next(), parts.next()) {
                    (None, _, _) => Step::Resume,
                    (Some("review"), None, _) => Step::Review,
                    (Some("section"), Some(number), None) => {
                        // Only canonical numbers: "01" or "+1" would be a second address.
                        let n: usize = number.parse().ok()?;
                        if n == 0 || n.to_string() != number {
                            return None;
                        }
                        Step::Section(n - 1)
                    }
                    _ => return None,
                };
                Some(Page::Interview(id, step))
            }
        }
    }

    /// The address of the screen.
    pub fn path(self) -> String {
        match self {
            Page::Today => "/".to_owned(),
            Page::SetUp => "/setup".to_owned(),
            Page::Interviews => "/interviews".to_owned(),
            Page::HandIn => "/hand-in".to_owned(),
            Page::Settings => "/settings".to_owned(),
            Page::Interview(id, Step::Resume) => format!("/interview/{id}"),
            Page::Interview(id, Step::Section(index)) => {
                format!("/interview/{id}/section/{}", index + 1)
            }
            Page::Interview(id, Step::Review) => format!("/interview/{id}/review"),
        }
    }
}

/// Which screen is showing (`None`: an address the app does not know), as context.
#[derive(Clone, Copy, Debug)]
pub struct Navigator {
    current: ReadSignal<Option<Page>>,
    set_current: WriteSignal<Option<Page>>,
    focus: StoredValue<Option<Vec<String>>>,
    back_to: StoredValue<Option<Page>>,
}

impl Navigator {
    /// The screen showing now (tracked).
    pub fn current(&self) -> Option<Page> {
        self.current.get()
    }

    /// Shows `page` and adds it to the browser's history, as following a link would.
    pub fn go(&self, page: Page) {
        if self.current.get_untracked() == Some(page) {
            return;
        }
        if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&page.path()));
        }
        self.show(Some(page));
    }

    /// Shows `page` like [`Navigator::go_and_focus`], to come back to `back_to` once done
    /// there: "Change" on an interview's review opens the question's section, which then
    /// offers "Back to review" ([`Navigator::back_to`]).
    pub fn go_and_come_back(&self, page: Page, element: String, back_to: Page) {
        self.back_to.set_value(Some(back_to));
        self.go_and_focus(page, element);
    }

    /// The screen to come back to, while the worker stays on the other screens of the
    /// same interview since [`Navigator::go_and_come_back`] (not after a reload).
    pub fn back_to(&self) -> Option<Page> {
        self.back_to.get_value()
    }

    fn show(&self, page: Option<Page>) {
        let kept = self
            .back_to
            .get_value()
            .filter(|back_to| still_on_the_way_back(*back_to, page));
        self.back_to.set_value(kept);
        self.set_current.set(page);
    }

    /// Shows `page` like [`Navigator::go`], then moves focus to the control inside the
    /// element with id `element` instead of the screen's heading: the one chosen, or else
    /// the first.
    pub fn go_and_focus(&self, page: Page, element: String) {
        self.focus.set_value(Some(vec![
            format!("#{element} input:checked"),
            format!("#{element} input, #{element} textarea"),
        ]));
        self.go(page);
    }

    /// Shows `page` like [`Navigator::replace`], then moves focus to the first element
    /// matching one of `selectors` (tried in turn) instead of the screen's heading.
    pub fn replace_and_focus(&self, page: Page, selectors: Vec<String>) {
        self.focus.set_value(Some(selectors));
        self.replace(page);
    }

    /// What [`Navigator::go_and_focus`] or [`Navigator::replace_and_focus`] asked to
    /// focus, once.
    pub fn take_focus(&self) -> Option<Vec<String>> {
        self.focus.try_update_value(Option::take).flatten()
    }

    /// Shows `page` in place of the current entry of the browser's history (a redirect:
    /// the back button does not return to the address replaced).
    pub fn replace(&self, page: Page) {
        if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&page.path()));
        }
        self.show(Some(page));
    }
}

/// Whether showing `page` keeps the way back to `back_to`: only on another screen of the
/// same interview. Reaching `back_to`, or leaving the interview, ends it.
fn still_on_the_way_back(back_to: Page, page: Option<Page>) -> bool {
    match (back_to, page) {
        (Page::Interview(id, _), Some(shown @ Page::Interview(shown_id, _))) => {
            id == shown_id && shown != back_to
        }
        _ => false,
    }
}

/// Whether `path` is `page`'s own address (or the same with a trailing `/` or as
/// `index.html`, which the browser shows as they are).
fn is_own_path(page: Page, path: &str) -> bool {
    let own = page.path();
    path == own || path.trim_end_matches('/') == own.trim_end_matches('/') || path == "/index.html"
}

fn current_path() -> String {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_else(|| "/".to_owned())
}

/// Reads the address the app was opened at and follows the back and forward buttons.
pub fn start() -> Navigator {
    let opened = Page::from_path(&current_path());
    if let Some(page) = opened.filter(|page| !is_own_path(*page, &current_path())) {
        // An old address: show the screen's own, without a second history entry.
        if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&page.path()));
        }
    }
    let (current, set_current) = signal(opened);
    let navigator = Navigator {
        current,
        set_current,
        focus: StoredValue::new(None),
        back_to: StoredValue::new(None),
    };
    let _ = window_event_listener(ev::popstate, move |_| {
        navigator.show(Page::from_path(&current_path()));
    });
    navigator
}

/// A link to a screen: a real `<a href>` (so it can be opened in a new tab), marked
/// `aria-current="page"` when its screen shows. Attributes given with `{..}` land on the
/// `<a>`.
#[component]
pub fn Link(
    /// The screen it leads to.
    page: Page,
    /// The link's text.
    children: Children,
) -> impl IntoView {
    let navigator = use_context::<Navigator>();
    let is_current = move || navigator.and_then(|n| n.current()) == Some(page);
    let follow = move |event: ev::MouseEvent| {
        let plain_click = event.button() == 0
            && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key());
        if let (true, Some(navigator)) = (plain_click, navigator) {
            event.prevent_default();
            navigator.go(page);
        }
    };
    view! {
        <a href=page.path() aria-current=move || is_current().then_some("page") on:click=follow>
            {children()}
        </a>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{Page, Step};
    use survey::ResponseId;

    fn id() -> ResponseId {
        ResponseId::from_random_bytes([7; 16])
    }

    #[test]
    fn every_page_is_found_at_its_own_path() {
        for page in [
            Page::Today,
            Page::SetUp,
            Page::Interviews,
            Page::HandIn,
            Page::Settings,
            Page::Interview(id(), Step::Resume),
            Page::Interview(id(), Step::Section(0)),
            Page::Interview(id(), Step::Section(6)),
            Page::Interview(id(), Step::Review),
        ] {
            assert_eq!(Page::from_path(&page.path()), Some(page), "{}", page.path());
        }
    }

    #[test]
    fn sections_count_from_one_in_the_address() {
        assert_eq!(
            Page::Interview(id(), Step::Section(0)).path(),
            format!("/interview/{}/section/1", id())
        );
    }

    #[test]
    fn trailing_slash_and_index_html_lead_to_the_same_screen() {
        assert_eq!(Page::from_path("/settings/"), Some(Page::Settings));
        assert_eq!(Page::from_path("/index.html"), Some(Page::Today));
        assert_eq!(Page::from_path(""), Some(Page::Today));
    }

    #[test]
    fn old_addresses_lead_to_their_screens_which_have_addresses_of_their_own() {
        assert_eq!(Page::from_path("/responses"), Some(Page::Interviews));
        assert_eq!(Page::from_path("/send"), Some(Page::HandIn));
        assert!(!super::is_own_path(Page::HandIn, "/send"));
        assert!(super::is_own_path(Page::HandIn, "/hand-in"));
        assert!(super::is_own_path(Page::Settings, "/settings/"));
        assert!(super::is_own_path(Page::Today, "/index.html"));
    }

    #[test]
    fn the_way_back_to_the_review_lasts_while_the_worker_stays_in_the_interview() {
        let review = Page::Interview(id(), Step::Review);
        let other = ResponseId::from_random_bytes([8; 16]);
        let keeps = |page| super::still_on_the_way_back(review, page);
        assert!(keeps(Some(Page::Interview(id(), Step::Section(4)))));
        assert!(keeps(Some(Page::Interview(id(), Step::Resume))));
        assert!(!keeps(Some(review)), "back at the review");
        assert!(!keeps(Some(Page::Interview(other, Step::Section(4)))));
        assert!(!keeps(Some(Page::Today)));
        assert!(!keeps(None));
    }

    #[test]
    fn unknown_addresses_have_no_screen() {
        assert_eq!(Page::from_path("/interviews/42"), None);
        assert_eq!(Page::from_path("/interview/42"), None);
        assert_eq!(Page::from_path("/settingsx"), None);
        let base = format!("/interview/{}", id());
        for tail in [
            "/section/0",
            "/section/01",
            "/section/x",
            "/section",
            "/review/1",
            "/x",
        ] {
            assert_eq!(Page::from_path(&format!("{base}{tail}")), None, "{tail}");
        }
    }
}

//! The app's screens and their addresses: a typed [`Page`] per screen over the browser's
//! History API.
//!
//! This replaces leptos_router on purpose: its URL handling brought the `url` crate's
//! Unicode (IDNA) tables into the download, 43 KB of the shell's 120 KB gzip budget, for
//! a handful of fixed addresses.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// A screen of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/`: what Doorstep is for, offline readiness, install hint.
    Home,
    /// `/settings`: storage on the device and the app version.
    Settings,
}

impl Page {
    /// The screen at `path` (a URL's path, without query or fragment), if there is one.
    pub fn from_path(path: &str) -> Option<Page> {
        match path.trim_end_matches('/') {
            "" | "/index.html" => Some(Page::Home),
            "/settings" => Some(Page::Settings),
            _ => None,
        }
    }

    /// The address of the screen.
    pub fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Settings => "/settings",
        }
    }
}

/// Which screen is showing (`None`: an address the app does not know), as context.
#[derive(Clone, Copy, Debug)]
pub struct Navigator {
    current: ReadSignal<Option<Page>>,
    set_current: WriteSignal<Option<Page>>,
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
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(page.path()));
        }
        self.set_current.set(Some(page));
    }
}

fn current_path() -> String {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_else(|| "/".to_owned())
}

/// Reads the address the app was opened at and follows the back and forward buttons.
pub fn start() -> Navigator {
    let (current, set_current) = signal(Page::from_path(&current_path()));
    let _ = window_event_listener(ev::popstate, move |_| {
        set_current.set(Page::from_path(&current_path()));
    });
    Navigator {
        current,
        set_current,
    }
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
    use super::Page;

    #[test]
    fn every_page_is_found_at_its_own_path() {
        for page in [Page::Home, Page::Settings] {
            assert_eq!(Page::from_path(page.path()), Some(page));
        }
    }

    #[test]
    fn trailing_slash_and_index_html_lead_to_the_same_screen() {
        assert_eq!(Page::from_path("/settings/"), Some(Page::Settings));
        assert_eq!(Page::from_path("/index.html"), Some(Page::Home));
        assert_eq!(Page::from_path(""), Some(Page::Home));
    }

    #[test]
    fn unknown_addresses_have_no_screen() {
        assert_eq!(Page::from_path("/interviews/42"), None);
        assert_eq!(Page::from_path("/settingsx"), None);
    }
}

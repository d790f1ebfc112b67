//! Doorstep: the app a worker uses at residents' doors, built with Leptos (CSR) into
//! WebAssembly. `main.rs` only mounts [`App`].

pub mod build_info;
pub mod components;
pub mod connection;
pub mod device_storage;
pub mod local_store;
pub mod pages;
pub mod pwa;
pub mod routes;
pub mod storage;

use leptos::prelude::*;
use leptos::task::spawn_local;

use components::{AppHeader, UpdateBanner};
use pages::{HomePage, NotFoundPage, SettingsPage};
use routes::{Navigator, Page};

/// The whole app: shared state as context, the header, the update banner and the screens.
#[component]
pub fn App() -> impl IntoView {
    let navigator = routes::start();
    provide_context(navigator);
    provide_context(connection::follow());
    provide_context(pwa::start());
    spawn_local(async {
        // Not fatal: the settings panel shows the storage state either way.
        let _ = device_storage::on_first_run().await;
    });
    focus_heading_on_navigation(navigator);

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <AppHeader/>
        <UpdateBanner/>
        <main id="main" class="app-main">
            {move || match navigator.current() {
                Some(Page::Home) => view! { <HomePage/> }.into_any(),
                Some(Page::Settings) => view! { <SettingsPage/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </main>
    }
}

/// Moves keyboard and screen-reader focus to the new screen's heading after navigation,
/// as a full page load would.
fn focus_heading_on_navigation(navigator: Navigator) {
    Effect::new(move |previous: Option<Option<Page>>| {
        let page = navigator.current();
        // On first load the browser's own focus is right.
        if previous.is_some() {
            request_animation_frame(|| {
                let heading = web_sys::window()
                    .and_then(|window| window.document())
                    .and_then(|document| document.query_selector("main h1").ok().flatten())
                    .and_then(|element| {
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element).ok()
                    });
                if let Some(heading) = heading {
                    let _ = heading.focus();
                }
            });
        }
        page
    });
}

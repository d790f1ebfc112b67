//! The installed-app side: the service worker that keeps the app usable offline, safe
//! updates, and whether the app runs installed or in a browser tab.
//!
//! The service worker (`public/sw.js`) precaches this build's files. A new build's worker
//! installs in the background and then *waits*: nothing changes for the worker at the
//! door until they press "Update now" ([`Pwa::apply_update`]), which tells the waiting
//! worker to take over and reloads the page once it has. LocalStorage is never touched.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// The service worker's script, at the root whatever screen the app was opened at.
const WORKER_SCRIPT: &str = "/sw.js";
/// Every screen of the app is under the root.
const SCOPE: &str = "/";

/// How often an open app looks for a new version (also on regaining a connection).
const UPDATE_CHECK_MS: u32 = 30 * 60 * 1000;

/// Whether the app can open without a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflineReadiness {
    /// The service worker is still caching the app.
    Preparing,
    /// This build is cached; the app opens with no network.
    Ready,
    /// The browser refused the service worker (see the console); the app needs a network.
    Failed,
    /// No service worker support (old browser, or not served over https/localhost).
    Unsupported,
}

impl OfflineReadiness {
    /// A stable lowercase name, for `data-state` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            OfflineReadiness::Preparing => "preparing",
            OfflineReadiness::Ready => "ready",
            OfflineReadiness::Failed => "failed",
            OfflineReadiness::Unsupported => "unsupported",
        }
    }
}

/// Where a new version stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateState {
    /// Running the newest version we know of.
    Current,
    /// A new version is downloaded and waits for the worker's go-ahead.
    Ready,
    /// The worker pressed "Update now"; the page reloads when the new version takes over.
    Applying,
}

/// Service worker state shared by the header, home and settings screens (a context).
#[derive(Clone, Copy, Debug)]
pub struct Pwa {
    /// Whether the app opens offline.
    pub offline: ReadSignal<OfflineReadiness>,
    /// Whether a new version waits.
    pub update: ReadSignal<UpdateState>,
    set_update: WriteSignal<UpdateState>,
}

impl Pwa {
    /// Lets the waiting version take over; the page reloads when it has.
    pub fn apply_update(&self) {
        let set_update = self.set_update;
        let Some(container) = container() else {
            return;
        };
        set_update.set(UpdateState::Applying);
        spawn_local(async move {
            let waiting = registration(&container).await.and_then(|reg| reg.waiting());
            match waiting {
                Some(worker) => {
                    let message = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
                    if worker.post_message(&message).is_err() {
                        set_update.set(UpdateState::Ready);
                    }
                }
                // The waiting worker is gone (another tab took it): load what is active.
                None => reload(),
            }
        });
    }
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let supported =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    supported.then(|| navigator.service_worker())
}

async fn registration(container: &ServiceWorkerContainer) -> Option<ServiceWorkerRegistration> {
    let value = JsFuture::from(container.get_registration()).await.ok()?;
    value.dyn_into::<ServiceWorkerRegistration>().ok()
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Registers the service worker and follows its life cycle for the app's lifetime.
pub fn start() -> Pwa {
    let (offline, set_offline) = signal(OfflineReadiness::Preparing);
    let (update, set_update) = signal(UpdateState::Current);
    let pwa = Pwa {
        offline,
        update,
        set_update,
    };
    let Some(container) = container() else {
        set_offline.set(OfflineReadiness::Unsupported);
        return pwa;
    };

    // The first install claims the page; an accepted update replaces the controller and
    // must reload so that every file comes from the new version.
    let on_controller_change = Closure::<dyn FnMut()>::new(move || {
        if update.get_untracked() == UpdateState::Applying {
            reload();
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();

    let options = web_sys::RegistrationOptions::new();
    options.set_update_via_cache(web_sys::ServiceWorkerUpdateViaCache::None);
    // An absolute address: the app can be opened (or reloaded) at any screen's address,
    // such as `/interview/<id>/section/2`, and "./sw.js" would then be looked for at
    // `/interview/<id>/section/sw.js` (a 404, and a false "could not save itself").
    options.set_scope(SCOPE);
    let registering = container.register_with_options(WORKER_SCRIPT, &options);
    let ready = container.ready();
    spawn_local(async move {
        let registered = JsFuture::from(registering)
            .await
            .ok()
            .and_then(|value| value.dyn_into::<ServiceWorkerRegistration>().ok());
        let Some(registration) = registered else {
            set_offline.set(OfflineReadiness::Failed);
            return;
        };
        watch_for_updates(&registration, set_update);
        // `ready` resolves once a worker is active, i.e. this build's files are cached.
        if let Ok(ready) = ready {
            if JsFuture::from(ready).await.is_ok() {
                set_offline.set(OfflineReadiness::Ready);
            }
        }
    });
    pwa
}

/// Shows the banner when a new version has installed while this one is in control.
fn watch_for_updates(
    registration: &ServiceWorkerRegistration,
    set_update: WriteSignal<UpdateState>,
) {
    let controlled = || container().and_then(|c| c.controller()).is_some();
    if registration.waiting().is_some() && controlled() {
        set_update.set(UpdateState::Ready);
    }

    let reg = registration.clone();
    let on_update_found = Closure::<dyn FnMut()>::new(move || {
        let Some(installing) = reg.installing() else {
            return;
        };
        let worker = installing.clone();
        let on_state_change = Closure::<dyn FnMut()>::new(move || {
            // With no controller this is the first install, not an update.
            if worker.state() == ServiceWorkerState::Installed && controlled() {
                set_update.set(UpdateState::Ready);
            }
        });
        installing.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
        on_state_change.forget();
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();

    // Look for a new version now and then, and as soon as a connection comes back.
    let check = {
        let registration = registration.clone();
        move || {
            if let Ok(promise) = registration.update() {
                // A failed check (offline, server down) is normal at a door: ignore it.
                spawn_local(async move {
                    let _ = JsFuture::from(promise).await;
                });
            }
        }
    };
    let periodic = check.clone();
    let _ = set_interval_with_handle(
        periodic,
        std::time::Duration::from_millis(UPDATE_CHECK_MS.into()),
    );
    let _ = window_event_listener(ev::online, move |_| check());
}

/// Whether the app runs from the home screen rather than in a browser tab.
pub fn is_installed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let standalone = [
        "(display-mode: standalone)",
        "(display-mode: fullscreen)",
        "(display-mode: minimal-ui)",
    ]
    .iter()
    .any(|query| matches!(window.match_media(query), Ok(Some(list)) if list.matches()));
    // iOS Safari has no display-mode query for home-screen apps, only this flag.
    let ios_standalone =
        js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("standalone"))
            .map(|value| value.as_bool() == Some(true))
            .unwrap_or(false);
    standalone || ios_standalone
}

/// The browser's deferred install prompt, kept by the inline script in `index.html`
/// (the `beforeinstallprompt` event can fire before the app has loaded).
pub fn install_prompt_available() -> bool {
    deferred_prompt().is_some()
}

fn deferred_prompt() -> Option<JsValue> {
    let window = web_sys::window()?;
    let prompt = js_sys::Reflect::get(&window, &JsValue::from_str("doorstepInstallPrompt")).ok()?;
    (!prompt.is_undefined() && !prompt.is_null()).then_some(prompt)
}

/// Shows the browser's own install dialog, if it offered one. Returns whether it did.
pub fn show_install_prompt() -> bool {
    let Some(prompt) = deferred_prompt() else {
        return false;
    };
    let shown = js_sys::Reflect::get(&prompt, &JsValue::from_str("prompt"))
        .ok()
        .and_then(|function| function.dyn_into::<js_sys::Function>().ok())
        .map(|function| function.call0(&prompt).is_ok())
        .unwrap_or(false);
    // A prompt can be shown once; forget it either way.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &JsValue::from_str("doorstepInstallPrompt"),
            &JsValue::UNDEFINED,
        );
    }
    shown
}

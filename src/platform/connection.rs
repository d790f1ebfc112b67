//! Whether the browser believes it has a network connection, live.

use leptos::ev;
use leptos::prelude::*;

/// `true` while the browser reports a connection (`navigator.onLine`).
///
/// Provided as context by [`crate::App`]; read it with `use_context::<Online>()`.
#[derive(Clone, Copy, Debug)]
pub struct Online(pub ReadSignal<bool>);

/// Starts following `online` / `offline` events for the lifetime of the app.
pub fn follow() -> Online {
    let initial = web_sys::window()
        .map(|window| window.navigator().on_line())
        .unwrap_or(true);
    let (online, set_online) = signal(initial);
    // The handles live as long as the page: the app never unmounts.
    let _ = window_event_listener(ev::online, move |_| set_online.set(true));
    let _ = window_event_listener(ev::offline, move |_| set_online.set(false));
    Online(online)
}

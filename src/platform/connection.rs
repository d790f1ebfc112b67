//! Whether the browser believes it has a network connection, live; and whether the page
//! is on screen (not a background tab, not a locked tablet).

use leptos::ev;
use leptos::prelude::*;

/// `true` while the browser reports a connection (`navigator.onLine`).
///
/// Provided as context by [`crate::App`]; read it with `use_context::<Online>()`. It says
/// nothing about whether the collector answers: that is [`crate::hand_in::Reach`].
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

/// Whether the page is on screen now (`document.hidden` is false).
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_none_or(|document| !document.hidden())
}

/// Calls `shown` each time the page comes back on screen, for the lifetime of the app.
pub fn when_shown(shown: impl Fn() + 'static) {
    // `visibilitychange` fires at the document and bubbles to the window.
    let _ = window_event_listener(ev::visibilitychange, move |_| {
        if page_visible() {
            shown();
        }
    });
}

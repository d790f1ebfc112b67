//! The address bar: the app's own origin, and taking the fragment (after `#`) out of it.

use wasm_bindgen::JsValue;

/// The origin the app was served from (`https://collector.example.org`), if it is a web
/// address.
pub fn origin() -> Option<String> {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .filter(|origin| origin.starts_with("http"))
}

/// The fragment of the address (without `#`), if there is one, removed from the address
/// bar at once: the same history entry without it (`history.replaceState`), so what it
/// held is neither left in the history nor shown on screen.
pub fn take_fragment() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let fragment = hash.strip_prefix('#').unwrap_or(&hash).to_owned();
    if fragment.is_empty() {
        return None;
    }
    let without = format!(
        "{}{}",
        location.pathname().unwrap_or_else(|_| "/".to_owned()),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&without));
    }
    Some(fragment)
}

//! Moving keyboard and screen-reader focus after the screen changes.

use wasm_bindgen::JsCast;

/// The first control of the first question on screen still without an answer: where an
/// interview resumes.
pub const NEXT_QUESTION: &str = ".question:not(.answered):not(.notice) input, \
                                 .question:not(.answered):not(.notice) textarea";

/// Focuses (and scrolls to) the first element matching `selector` once the browser has
/// drawn the next frame, so the element exists.
pub fn focus_later(selector: String) {
    focus_first_later(vec![selector]);
}

/// Like [`focus_later`], trying each selector in turn until one matches.
pub fn focus_first_later(selectors: Vec<String>) {
    leptos::prelude::request_animation_frame(move || {
        let document = web_sys::window().and_then(|window| window.document());
        let element = selectors
            .iter()
            .find_map(|selector| document.as_ref()?.query_selector(selector).ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            element.scroll_into_view();
            let _ = element.focus();
        }
    });
}

//! Moving keyboard and screen-reader focus after the screen changes.

use wasm_bindgen::JsCast;

/// The first control of the first question on screen still without an answer: where an
/// interview resumes.
pub const NEXT_QUESTION: &str = ".question:not(.answered):not(.notice) input, \
                                 .question:not(.answered):not(.notice) textarea";

/// The attribute that marks a control's frame: focusing a control inside an element
/// carrying it brings the whole frame to the top of the screen (a question's box, its
/// text first), not only the control, which would leave the text scrolled off the top.
pub const FRAME_ATTRIBUTE: &str = "data-focus-frame";

/// Space kept between the top of the screen (or a bar that stays there) and a frame.
const FRAME_GAP: f64 = 8.0;

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
            show_and_focus(&element);
        }
    });
}

/// Brings `element` into view and focuses it. A control inside a frame
/// ([`FRAME_ATTRIBUTE`]) shows its frame from the top instead, below any bar that stays
/// at the top of the screen, and is focused without scrolling again.
fn show_and_focus(element: &web_sys::HtmlElement) {
    let frame = element
        .closest(&format!("[{FRAME_ATTRIBUTE}]"))
        .ok()
        .flatten();
    match frame {
        Some(frame) => {
            show_from_top(&frame);
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = element.focus_with_options(&options);
        }
        None => {
            element.scroll_into_view();
            let _ = element.focus();
        }
    }
}

/// Scrolls so that `frame`'s top is at the top of the screen, or just below whatever is
/// drawn over it there (the update or save banner, which stay in view).
fn show_from_top(frame: &web_sys::Element) {
    frame.scroll_into_view_with_bool(true);
    let (Some(window), Some(document)) = (
        web_sys::window(),
        web_sys::window().and_then(|window| window.document()),
    ) else {
        return;
    };
    let top = frame.get_bounding_client_rect();
    // What is drawn just inside the frame's top edge, in its middle.
    let x = top.left() + top.width() / 2.0;
    let y = top.top() + 1.0;
    #[allow(clippy::cast_possible_truncation)] // screen coordinates, far inside f32
    let Some(mut cover) = document.element_from_point(x as f32, y as f32) else {
        return;
    };
    if frame.contains(Some(&cover)) {
        return;
    }
    // The covering element is the largest one there that does not hold the frame.
    while let Some(parent) = cover.parent_element() {
        if parent.contains(Some(frame)) {
            break;
        }
        cover = parent;
    }
    let covered = cover.get_bounding_client_rect().bottom() - top.top();
    if covered > 0.0 {
        window.scroll_by_with_x_and_y(0.0, -(covered + FRAME_GAP));
    }
}

//! The page as a whole.

/// Sets the page's language (`<html lang>`), so the browser upper-cases, hyphenates,
/// picks fonts and reads aloud in it. Elements in the resident's language keep a `lang`
/// of their own.
pub fn set_language(code: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", code);
    }
}

//! Saving a file to the tablet's downloads, from text made in the app.

use wasm_bindgen::{JsCast, JsValue};

/// Why a file could not be offered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the browser would not save the file {0}")]
pub struct DownloadError(pub String);

/// Offers `text` as a file named `name` (the browser saves it to Downloads).
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), DownloadError> {
    let fail = || DownloadError(name.to_owned());
    let window = web_sys::window().ok_or_else(fail)?;
    let document = window.document().ok_or_else(fail)?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| fail())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail())?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail())?
        .dyn_into()
        .map_err(|_| fail())?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The browser has the file once the click is handled; free the blob afterwards.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

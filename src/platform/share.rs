//! Handing files to the tablet's own share sheet (Bluetooth, Nearby Share, email, a
//! shared drive) with the Web Share API, where the browser can share files.
//!
//! `navigator.share` and `navigator.canShare` are called through `js_sys::Reflect`:
//! web-sys has them only behind `--cfg=web_sys_unstable_apis`.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A file made in the app, to save or share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFile {
    /// Its name, e.g. `doorstep-W012-2026-11-23-abababab.json`.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Its type, e.g. `application/json`.
    pub mime: &'static str,
}

/// Why files were not shared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// The worker closed the share sheet without choosing where to send them.
    #[error("the share was cancelled")]
    Cancelled,
    /// This browser cannot share these files.
    #[error("this browser cannot share these files")]
    Unsupported,
    /// The browser or the app chosen refused them.
    #[error("the tablet could not share the files ({0})")]
    Refused(String),
}

/// Whether the browser says it can share `files` (`navigator.canShare({files})`).
pub fn can_share(files: &[TextFile]) -> bool {
    let Some(navigator) = navigator() else {
        return false;
    };
    let Ok(can_share) = function(&navigator, "canShare") else {
        return false;
    };
    let Ok(data) = share_data(files, None) else {
        return false;
    };
    can_share
        .call1(&navigator, &data)
        .is_ok_and(|answer| answer.is_truthy())
}

/// Opens the share sheet with `files` under `title`; [`Sharing::finished`] says whether
/// the worker sent them somewhere ([`ShareError::Cancelled`] if they closed it).
///
/// Call it from the tap's handler, before anything is awaited: browsers share only in
/// answer to the worker's tap.
pub fn share(files: &[TextFile], title: &str) -> Result<Sharing, ShareError> {
    let navigator = navigator().ok_or(ShareError::Unsupported)?;
    let share = function(&navigator, "share").map_err(|_| ShareError::Unsupported)?;
    let data = share_data(files, Some(title)).map_err(|_| ShareError::Unsupported)?;
    let promise: js_sys::Promise = share
        .call1(&navigator, &data)
        .map_err(refusal)?
        .dyn_into()
        .map_err(|_| ShareError::Unsupported)?;
    Ok(Sharing(JsFuture::from(promise)))
}

/// A share sheet open with files.
pub struct Sharing(JsFuture);

impl Sharing {
    /// Waits until the worker has sent the files somewhere or closed the sheet.
    pub async fn finished(self) -> Result<(), ShareError> {
        self.0.await.map(|_| ()).map_err(refusal)
    }
}

/// What a rejected share means: `AbortError` is the worker closing the sheet.
fn refusal(error: JsValue) -> ShareError {
    let name = js_sys::Reflect::get(&error, &JsValue::from_str("name"))
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default();
    if name == "AbortError" {
        return ShareError::Cancelled;
    }
    let message = js_sys::Reflect::get(&error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .filter(|message| !message.is_empty());
    ShareError::Refused(message.unwrap_or(name))
}

fn navigator() -> Option<JsValue> {
    web_sys::window().map(|window| window.navigator().into())
}

fn function(target: &JsValue, name: &str) -> Result<js_sys::Function, JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(name))?.dyn_into()
}

/// `{ files: [File…], title }`.
fn share_data(files: &[TextFile], title: Option<&str>) -> Result<js_sys::Object, JsValue> {
    let list = js_sys::Array::new();
    for file in files {
        let options = web_sys::FilePropertyBag::new();
        options.set_type(file.mime);
        let parts = js_sys::Array::of1(&JsValue::from_str(&file.text));
        let made = web_sys::File::new_with_str_sequence_and_options(&parts, &file.name, &options)?;
        list.push(&made);
    }
    let data = js_sys::Object::new();
    js_sys::Reflect::set(&data, &JsValue::from_str("files"), &list)?;
    if let Some(title) = title {
        js_sys::Reflect::set(
            &data,
            &JsValue::from_str("title"),
            &JsValue::from_str(title),
        )?;
    }
    Ok(data)
}

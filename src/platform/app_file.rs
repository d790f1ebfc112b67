//! Reading a file of the app's own build (served from the service worker's cache once
//! the app is installed, so it needs no signal).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a file of the build could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AppFileError {
    /// Neither the cache nor the network gave it.
    #[error("{path} could not be fetched")]
    NotFetched {
        /// The file's address.
        path: String,
    },
    /// The server answered with an error.
    #[error("{path} answered {status}")]
    Status {
        /// The file's address.
        path: String,
        /// The HTTP status.
        status: u16,
    },
}

/// The text of `path` (`/words/tr.txt`) on the app's own origin.
pub async fn text(path: &str) -> Result<String, AppFileError> {
    let not_fetched = || AppFileError::NotFetched {
        path: path.to_owned(),
    };
    let window = web_sys::window().ok_or_else(not_fetched)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .ok()
        .and_then(|value| value.dyn_into().ok())
        .ok_or_else(not_fetched)?;
    if !response.ok() {
        return Err(AppFileError::Status {
            path: path.to_owned(),
            status: response.status(),
        });
    }
    let body = response.text().map_err(|_| not_fetched())?;
    JsFuture::from(body)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(not_fetched)
}

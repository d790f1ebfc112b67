//! Sending JSON to a server (and asking it how it is) with the browser's `fetch`, and telling apart why nothing came
//! back: no network, nothing answering at the address, a server that answered but whose
//! answer the browser withheld (CORS), an `http://` address from an `https://` app
//! (mixed content), or no answer in time.
//!
//! `fetch` itself says only "Failed to fetch" for the first three. When it fails while the
//! browser is online, a second, opaque request (`mode: "no-cors"`, which the browser lets
//! through without asking the server's permission) to the same origin tells whether a
//! server answers there at all.

use std::time::Duration;

use leptos::prelude::set_timeout_with_handle;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What a server answered: its status and body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body as text (empty when there was none).
    pub body: String,
    /// Seconds to wait before asking again, when the server said (`Retry-After` in
    /// seconds; a date is not read).
    pub retry_after: Option<u32>,
}

/// Why no answer came back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The browser reports no network connection at all.
    #[error("this tablet has no network connection")]
    Offline,
    /// The tablet is online but nothing answered at the address: the server is down, the
    /// address is wrong, or this network does not reach it.
    #[error("nothing answered at {address}")]
    Unreachable {
        /// The address tried.
        address: String,
    },
    /// A server answered at the address, but the browser kept its answer from the app:
    /// that server does not accept requests from the address the app was opened at (CORS).
    #[error("the browser refused the answer from {address}: that server does not accept requests from this app")]
    NotAllowed {
        /// The address tried.
        address: String,
    },
    /// The app was opened over `https://` and the address is `http://`: browsers block
    /// such a request (mixed content) before it leaves the tablet.
    #[error("the browser will not send to {address} from an app opened over https")]
    Insecure {
        /// The address tried.
        address: String,
    },
    /// No answer within the time allowed (a very slow connection, or a server that
    /// accepted the request and went quiet).
    #[error("no answer from {address} within {seconds} seconds")]
    Timeout {
        /// The address tried.
        address: String,
        /// The time allowed.
        seconds: u64,
    },
    /// The address is not one the browser can send to.
    #[error("{address} is not a web address the browser accepts")]
    BadAddress {
        /// The address given.
        address: String,
    },
}

/// POSTs `body` as JSON to `url` with `Authorization: Bearer <token>` and reads the whole
/// answer, giving up after `timeout`.
pub async fn post_json(
    url: &str,
    token: &str,
    body: &str,
    timeout: Duration,
) -> Result<Reply, FetchError> {
    let bad_address = || FetchError::BadAddress {
        address: url.to_owned(),
    };
    let headers = web_sys::Headers::new().map_err(|_| bad_address())?;
    headers
        .set("Content-Type", "application/json")
        .map_err(|_| bad_address())?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(|_| bad_address())?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    send(url, init, timeout).await
}

/// GETs `url` (never from a cache) and reads the whole answer, giving up after `timeout`.
pub async fn get(url: &str, timeout: Duration) -> Result<Reply, FetchError> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_cache(web_sys::RequestCache::NoStore);
    send(url, init, timeout).await
}

/// Sends the request `init` describes to `url` and reads the answer; a failure is told
/// apart as the module says.
async fn send(
    url: &str,
    init: web_sys::RequestInit,
    timeout: Duration,
) -> Result<Reply, FetchError> {
    let bad_address = || FetchError::BadAddress {
        address: url.to_owned(),
    };
    if blocked_as_insecure(&page_protocol(), url) {
        return Err(FetchError::Insecure {
            address: url.to_owned(),
        });
    }
    let window = web_sys::window().ok_or_else(bad_address)?;
    let abort = Abort::after(timeout);
    if let Some(abort) = &abort {
        init.set_signal(Some(&abort.controller.signal()));
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| bad_address())?;
    let result = read(&window, &request).await;
    let timed_out = abort.is_some_and(|abort| abort.finish());
    match result {
        Ok(reply) => Ok(reply),
        Err(_) if timed_out => Err(FetchError::Timeout {
            address: url.to_owned(),
            seconds: timeout.as_secs(),
        }),
        Err(_) => {
            let online = window.navigator().on_line();
            let answered = online && server_answers(&window, url).await;
            Err(classify(url, online, answered))
        }
    }
}

/// What a failed request (not timed out) means, from whether the browser was online and
/// whether a server answered the opaque second request.
fn classify(address: &str, online: bool, server_answered: bool) -> FetchError {
    let address = address.to_owned();
    match (online, server_answered) {
        (false, _) => FetchError::Offline,
        (true, true) => FetchError::NotAllowed { address },
        (true, false) => FetchError::Unreachable { address },
    }
}

/// Whether a browser showing a page loaded over `page_protocol` (`"https:"`) blocks a
/// request to `url` as mixed content. Loopback addresses are exempt, as in browsers.
fn blocked_as_insecure(page_protocol: &str, url: &str) -> bool {
    let Some(rest) = url
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .and_then(|_| url.get(7..))
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "[::1]";
    page_protocol == "https:" && !loopback
}

fn page_protocol() -> String {
    web_sys::window()
        .and_then(|window| window.location().protocol().ok())
        .unwrap_or_default()
}

/// Sends `request` and reads the body as text.
async fn read(window: &web_sys::Window, request: &web_sys::Request) -> Result<Reply, JsValue> {
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(request))
        .await?
        .dyn_into()?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|value| value.trim().parse().ok());
    let body = JsFuture::from(response.text()?).await?;
    Ok(Reply {
        status,
        body: body.as_string().unwrap_or_default(),
        retry_after,
    })
}

/// Whether any server answers at `url`'s origin, asked with an opaque request that the
/// browser sends without CORS (and so without the server's permission to read it).
async fn server_answers(window: &web_sys::Window, url: &str) -> bool {
    let Ok(origin) = web_sys::Url::new(url).map(|url| url.origin()) else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_mode(web_sys::RequestMode::NoCors);
    init.set_cache(web_sys::RequestCache::NoStore);
    let abort = Abort::after(Duration::from_secs(10));
    if let Some(abort) = &abort {
        init.set_signal(Some(&abort.controller.signal()));
    }
    let answered = match web_sys::Request::new_with_str_and_init(&format!("{origin}/"), &init) {
        Ok(probe) => JsFuture::from(window.fetch_with_request(&probe))
            .await
            .is_ok(),
        Err(_) => false,
    };
    let timed_out = abort.is_some_and(|abort| abort.finish());
    answered && !timed_out
}

/// Aborts a request when its time is up.
struct Abort {
    controller: web_sys::AbortController,
    timer: leptos::prelude::TimeoutHandle,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
}

impl Abort {
    /// A controller that aborts after `timeout`; `None` if the browser has none (the
    /// request then runs without a time limit).
    fn after(timeout: Duration) -> Option<Abort> {
        let controller = web_sys::AbortController::new().ok()?;
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let fired = fired.clone();
            set_timeout_with_handle(
                move || {
                    fired.set(true);
                    controller.abort();
                },
                timeout,
            )
            .ok()?
        };
        Some(Abort {
            controller,
            timer,
            fired,
        })
    }

    /// Stops the timer; whether it had fired.
    fn finish(self) -> bool {
        self.timer.clear();
        self.fired.get()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_failed_request_is_told_by_what_the_browser_and_the_second_request_saw() {
        let url = "https://collector.example.org/api/v1/batches";
        assert_eq!(classify(url, false, false), FetchError::Offline);
        assert!(matches!(
            classify(url, true, false),
            FetchError::Unreachable { .. }
        ));
        assert!(matches!(
            classify(url, true, true),
            FetchError::NotAllowed { .. }
        ));
    }

    #[test]
    fn an_https_app_may_not_send_to_an_http_address_but_to_loopback() {
        assert!(blocked_as_insecure(
            "https:",
            "http://collector.example.org/x"
        ));
        assert!(blocked_as_insecure("https:", "HTTP://10.0.0.5:8080"));
        assert!(!blocked_as_insecure(
            "https:",
            "https://collector.example.org"
        ));
        assert!(!blocked_as_insecure(
            "http:",
            "http://collector.example.org"
        ));
        for loopback in [
            "http://localhost:8080/api",
            "http://127.0.0.1:8080",
            "http://[::1]:9000/",
        ] {
            assert!(!blocked_as_insecure("https:", loopback), "{loopback}");
        }
    }
}

/// These run in headless Chromium: `cargo test -p doorstep --lib --target wasm32-unknown-unknown`.
/// (A server of another origin that sends no CORS headers needs a second server: that
/// case is in the end-to-end tests, `tests/e2e/hand_in.rs`.)
#[cfg(all(test, target_arch = "wasm32"))]
#[allow(clippy::unwrap_used, clippy::expect_used)] // a test stops where it fails
mod browser_tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    const PATIENT: Duration = Duration::from_secs(30);

    #[wasm_bindgen_test]
    async fn a_server_that_answers_is_read() {
        let origin = web_sys::window().unwrap().location().origin().unwrap();
        // The test server answers any POST; what matters is that an answer is read.
        let reply = post_json(&format!("{origin}/no-such-page"), "t", "{}", PATIENT).await;
        assert!(reply.is_ok(), "{reply:?}");
    }

    #[wasm_bindgen_test]
    async fn nothing_listening_is_unreachable() {
        // Port 9 (discard) has nothing listening on the test machine's loopback.
        let result = post_json("http://127.0.0.1:9/api/v1/batches", "t", "{}", PATIENT).await;
        assert_eq!(
            result,
            Err(FetchError::Unreachable {
                address: "http://127.0.0.1:9/api/v1/batches".into()
            })
        );
    }

    #[wasm_bindgen_test]
    async fn no_answer_in_time_is_a_timeout() {
        let origin = web_sys::window().unwrap().location().origin().unwrap();
        let url = format!("{origin}/slow");
        let result = post_json(&url, "t", "{}", Duration::from_millis(0)).await;
        assert_eq!(
            result,
            Err(FetchError::Timeout {
                address: url,
                seconds: 0
            })
        );
    }
}

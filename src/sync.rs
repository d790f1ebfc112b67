//! Uploading: the batch of completed interviews sent to the collector with the agency's
//! token; on a receipt they are marked uploaded, on a failure they stay and the upload
//! is tried again later (backing off), and as soon as the browser is back online.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::app_state::AppState;
use crate::connection::Online;
use crate::hand_in::Receipt;
use crate::outbox::{self, HandInError};

/// Why an upload did not get a receipt, in the worker's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadProblem {
    /// No collector address or token in set-up.
    NotConfigured,
    /// Nothing to send.
    NothingWaiting,
    /// The collector could not be reached (no signal, wrong address, server down).
    NoConnection,
    /// The collector refused the agency's token.
    TokenRefused(String),
    /// The batch is bigger than the collector accepts.
    TooLarge,
    /// The collector checked the batch and rejected it.
    Rejected(String),
    /// The collector failed (5xx).
    ServerError(u16),
    /// The answer was not a receipt for this batch.
    BadReceipt,
    /// The tablet could not read or write its own storage.
    Tablet(String),
}

impl UploadProblem {
    /// The problem in plain words, with what to do.
    pub fn message(&self) -> String {
        match self {
            UploadProblem::NotConfigured => "Add the collector's address and your agency's upload token in Settings → Change set-up, or export a file instead.".to_owned(),
            UploadProblem::NothingWaiting => "Nothing waits to be handed in.".to_owned(),
            UploadProblem::NoConnection => "No connection to the collector. The interviews stay on this tablet; Doorstep tries again by itself, and as soon as there is signal.".to_owned(),
            UploadProblem::TokenRefused(reason) => format!("The collector refused the upload token ({reason}). Check the token in Settings → Change set-up with your coordinator."),
            UploadProblem::TooLarge => "The batch is too large for the collector. Export a file instead and tell your coordinator.".to_owned(),
            UploadProblem::Rejected(reason) => format!("The collector rejected the batch: {reason}. The interviews stay on this tablet; export a file and tell your coordinator."),
            UploadProblem::ServerError(status) => format!("The collector had a problem (error {status}). Doorstep tries again by itself."),
            UploadProblem::BadReceipt => "The collector's answer was not a receipt for this batch. The interviews stay on this tablet; Doorstep tries again by itself.".to_owned(),
            UploadProblem::Tablet(reason) => format!("This tablet could not prepare the batch: {reason}."),
        }
    }

    /// Whether trying again later may help without the worker doing anything.
    pub fn retry_helps(&self) -> bool {
        matches!(
            self,
            UploadProblem::NoConnection | UploadProblem::ServerError(_) | UploadProblem::BadReceipt
        )
    }
}

impl From<HandInError> for UploadProblem {
    fn from(error: HandInError) -> Self {
        match error {
            HandInError::NothingWaiting => UploadProblem::NothingWaiting,
            HandInError::NotSetUp => UploadProblem::NotConfigured,
            other => UploadProblem::Tablet(other.to_string()),
        }
    }
}

/// Seconds to wait before the `attempt`-th retry (1, 2, …): 15 s, 30 s, 1 min, 2 min…
/// up to 15 minutes.
pub fn backoff_seconds(attempt: u32) -> u32 {
    15u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(900)
}

/// Where uploading stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncState {
    /// Nothing tried since the app opened.
    Idle,
    /// Sending now.
    Sending,
    /// The last upload got its receipt.
    Done(Receipt),
    /// The last upload failed; `retry_in` seconds until the next try, if one is planned.
    Failed {
        /// What went wrong.
        problem: UploadProblem,
        /// When the next automatic try is, if any.
        retry_in: Option<u32>,
    },
}

/// The upload queue, as context.
#[derive(Clone, Copy)]
pub struct Uploads {
    /// Where it stands.
    pub state: RwSignal<SyncState>,
    app: AppState,
    failures: StoredValue<u32>,
    /// Bumped by every attempt: a planned retry only runs if no attempt came since.
    generation: StoredValue<u32>,
}

impl Uploads {
    /// Starts the queue: retries after failures, and when the browser comes back online
    /// sends what waits (unless the last try failed in a way only the worker can fix,
    /// such as a refused token).
    pub fn start(app: AppState, online: Option<Online>) -> Self {
        let sync = Uploads {
            state: RwSignal::new(SyncState::Idle),
            app,
            failures: StoredValue::new(0),
            generation: StoredValue::new(0),
        };
        if let Some(Online(online)) = online {
            Effect::new(move |was_online: Option<bool>| {
                let now_online = online.get();
                if was_online == Some(false) && now_online && untrack(|| sync.worth_sending()) {
                    sync.upload();
                }
                now_online
            });
        }
        sync
    }

    /// Whether coming back online should send: a passing failure to retry, or completed
    /// interviews waiting with the collector set up and no failure that needs the worker.
    fn worth_sending(&self) -> bool {
        match self.state.get_untracked() {
            SyncState::Sending => false,
            SyncState::Failed { problem, .. } if !problem.retry_helps() => false,
            SyncState::Failed { .. } => true,
            SyncState::Idle | SyncState::Done(_) => {
                let configured = self.app.setup.with_untracked(|s| {
                    s.as_ref()
                        .is_some_and(|s| !s.collector.is_empty() && !s.token.is_empty())
                });
                configured
                    && self.app.summaries().is_ok_and(|summaries| {
                        summaries
                            .iter()
                            .any(|s| s.status == survey::record::ResponseStatus::Complete)
                    })
            }
        }
    }

    /// Sends what waits now.
    pub fn upload(&self) {
        if self.state.with_untracked(|s| *s == SyncState::Sending) {
            return;
        }
        let sync = *self;
        let generation = self.generation.get_value().wrapping_add(1);
        self.generation.set_value(generation);
        self.state.set(SyncState::Sending);
        spawn_local(async move {
            match upload_once(&sync.app).await {
                Ok(receipt) => {
                    sync.failures.set_value(0);
                    sync.state.set(SyncState::Done(receipt));
                }
                Err(problem) => {
                    let retry_in = problem.retry_helps().then(|| {
                        let failures = sync.failures.get_value().saturating_add(1);
                        sync.failures.set_value(failures);
                        backoff_seconds(failures)
                    });
                    if let Some(seconds) = retry_in {
                        set_timeout(
                            move || {
                                if sync.generation.get_value() == generation {
                                    sync.upload();
                                }
                            },
                            Duration::from_secs(u64::from(seconds)),
                        );
                    }
                    sync.state.set(SyncState::Failed { problem, retry_in });
                }
            }
        });
    }
}

/// One upload: prepare the batch, POST it, and on a receipt for it mark everything.
pub async fn upload_once(app: &AppState) -> Result<Receipt, UploadProblem> {
    let setup = app
        .setup
        .get_untracked()
        .filter(|s| !s.collector.is_empty() && !s.token.is_empty())
        .ok_or(UploadProblem::NotConfigured)?;
    let (mut record, batch) = outbox::prepare(app)?;
    let body = batch
        .to_json()
        .map_err(|error| UploadProblem::Tablet(error.to_string()))?;
    let url = format!("{}/api/v1/batches", setup.collector);
    let (status, text) = post(&url, &setup.token, &body)
        .await
        .ok_or(UploadProblem::NoConnection)?;
    let reason = || {
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
            .unwrap_or_else(|| format!("error {status}"))
    };
    match status {
        200..=299 => {
            let receipt: Receipt =
                serde_json::from_str(&text).map_err(|_| UploadProblem::BadReceipt)?;
            if receipt.batch != record.id {
                return Err(UploadProblem::BadReceipt);
            }
            outbox::apply_receipt(app, &mut record, receipt.clone())
                .map_err(|error| UploadProblem::Tablet(error.to_string()))?;
            Ok(receipt)
        }
        401 | 403 => Err(UploadProblem::TokenRefused(reason())),
        413 => Err(UploadProblem::TooLarge),
        400 | 422 => Err(UploadProblem::Rejected(reason())),
        500..=599 => Err(UploadProblem::ServerError(status)),
        _ => Err(UploadProblem::Rejected(reason())),
    }
}

/// POSTs `body` as JSON with the bearer `token`; the status and body text, or `None`
/// when nothing answered.
async fn post(url: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let window = web_sys::window()?;
    let headers = web_sys::Headers::new().ok()?;
    headers.set("Content-Type", "application/json").ok()?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .ok()?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    let request = web_sys::Request::new_with_str_and_init(url, &init).ok()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let status = response.status();
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    Some((status, text))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_fifteen_minutes() {
        let waits: Vec<u32> = (1..=9).map(backoff_seconds).collect();
        assert_eq!(waits, vec![15, 30, 60, 120, 240, 480, 900, 900, 900]);
    }

    #[test]
    fn only_passing_problems_are_retried_by_themselves() {
        assert!(UploadProblem::NoConnection.retry_helps());
        assert!(UploadProblem::ServerError(503).retry_helps());
        assert!(!UploadProblem::TokenRefused("revoked".into()).retry_helps());
        assert!(!UploadProblem::Rejected("checksum".into()).retry_helps());
        assert!(UploadProblem::TokenRefused("unknown token".into())
            .message()
            .contains("unknown token"));
    }
}

//! Uploading: the batch of completed interviews sent to the collector with the agency's
//! token. On a receipt for it they are marked uploaded; on a failure they stay, and the
//! upload is tried again later (backing off) and as soon as the browser is back online.
//!
//! One upload, start to end: [`Uploads::upload`] → [`upload_once`] → [`outbox::send`],
//! which prepares the batch, hands it to [`deliver`] (`platform::http::post_json`, the
//! answer read with `survey::wire` in [`read_reply`]) and applies the receipt.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use survey::record::ResponseStatus;
use survey::wire::{ErrorBody, ErrorCode, Receipt, BATCHES_PATH};
use survey::{Batch, Store};

use super::outbox::{self, HandInError, NewBatch};
use super::progress;
use super::reach::Reach;
use crate::app_state::AppState;
use crate::platform::clock;
use crate::platform::connection::Online;
use crate::platform::http::{self, FetchError, Reply};
use crate::platform::local_storage::StorageError;
use crate::setup::SetUp;
use crate::words::{Msg, WorkerLanguage};

/// How long an upload may take before it is given up (and tried again later): a batch of
/// a few thousand interviews is several megabytes on a slow connection.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The most batches one upload sends (one per worker who used the tablet).
const MAX_BATCHES_PER_UPLOAD: usize = 64;

/// Why an upload did not get a receipt, in the worker's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadProblem {
    /// No collector address or token in set-up.
    NotConfigured,
    /// Nothing to send.
    NothingWaiting,
    /// The completed interviews that wait were made under another agency's set-up: this
    /// tablet's token cannot upload them.
    OtherAgencyOnly {
        /// How many.
        waiting: usize,
    },
    /// The tablet has no network connection.
    NoConnection,
    /// Online, but nothing answered at the collector's address (server down, wrong
    /// address, a network that does not reach it).
    Unreachable {
        /// The collector address from set-up.
        collector: String,
    },
    /// A server answered at the address but the browser withheld its answer (CORS): the
    /// address is not this app's collector, or it does not accept this app's origin.
    NotAllowed {
        /// The collector address from set-up.
        collector: String,
    },
    /// An `http://` collector address from an app opened over `https://`.
    Insecure {
        /// The collector address from set-up.
        collector: String,
    },
    /// The collector address is not one the browser can send to.
    BadAddress {
        /// The collector address from set-up.
        collector: String,
    },
    /// No answer in time.
    TimedOut {
        /// The time allowed.
        seconds: u64,
    },
    /// The collector refused the agency's token.
    TokenRefused(String),
    /// The batch is bigger than the collector accepts.
    TooLarge,
    /// The collector checked the batch and rejected it.
    Rejected(String),
    /// The collector asked to be tried again later: busy, stopping, throttling this
    /// address, or the batch arrived too slowly.
    Later {
        /// What it said.
        reason: String,
        /// Seconds it asked to wait, if it said.
        wait: Option<u32>,
    },
    /// The collector failed (5xx).
    ServerError(u16),
    /// The answer was not a receipt for this batch.
    BadReceipt,
    /// The tablet could not make, note or receipt the batch.
    Tablet(HandInError<StorageError>),
    /// The tablet could not write the batch to send (a bug, not the worker's doing).
    Encode(String),
}

impl UploadProblem {
    /// The problem in plain words in `language`, with what to do.
    pub fn message(&self, language: WorkerLanguage) -> String {
        let l = language;
        match self {
            UploadProblem::NotConfigured => l.t(Msg::UploadProblemNotConfigured).to_owned(),
            UploadProblem::NothingWaiting => l.t(Msg::UploadProblemNothingWaiting).to_owned(),
            UploadProblem::OtherAgencyOnly { waiting } => {
                l.upload_problem_other_agency_only(*waiting)
            }
            UploadProblem::NoConnection => l.t(Msg::UploadProblemNoConnection).to_owned(),
            UploadProblem::Unreachable { collector } => l.upload_problem_unreachable(collector),
            UploadProblem::NotAllowed { collector } => l.upload_problem_not_allowed(collector),
            UploadProblem::Insecure { collector } => l.upload_problem_insecure(collector),
            UploadProblem::BadAddress { collector } => l.upload_problem_bad_address(collector),
            UploadProblem::TimedOut { seconds } => l.upload_problem_timed_out(*seconds),
            UploadProblem::TokenRefused(reason) => l.upload_problem_token_refused(reason),
            UploadProblem::TooLarge => l.t(Msg::UploadProblemTooLarge).to_owned(),
            UploadProblem::Rejected(reason) => l.upload_problem_rejected(reason),
            UploadProblem::Later { reason, .. } => l.upload_problem_later(reason),
            UploadProblem::ServerError(status) => l.upload_problem_server_error(*status),
            UploadProblem::BadReceipt => l.t(Msg::UploadProblemBadReceipt).to_owned(),
            UploadProblem::Tablet(error) => l.upload_problem_tablet(l.hand_in_error(error)),
            UploadProblem::Encode(reason) => l.upload_problem_tablet(reason),
        }
    }

    /// Whether the collector answered: `Some(true)` for an answer from it (a refusal
    /// too), `Some(false)` when nothing or something else answered at its address,
    /// `None` when nothing was sent or the tablet had no network.
    pub fn reached(&self) -> Option<bool> {
        match self {
            UploadProblem::TokenRefused(_)
            | UploadProblem::TooLarge
            | UploadProblem::Rejected(_)
            | UploadProblem::Later { .. }
            | UploadProblem::ServerError(_) => Some(true),
            UploadProblem::Unreachable { .. }
            | UploadProblem::NotAllowed { .. }
            | UploadProblem::Insecure { .. }
            | UploadProblem::BadAddress { .. }
            | UploadProblem::TimedOut { .. }
            | UploadProblem::BadReceipt => Some(false),
            UploadProblem::NotConfigured
            | UploadProblem::NothingWaiting
            | UploadProblem::OtherAgencyOnly { .. }
            | UploadProblem::NoConnection
            | UploadProblem::Tablet(_)
            | UploadProblem::Encode(_) => None,
        }
    }

    /// Whether trying again later may help without the worker doing anything.
    pub fn retry_helps(&self) -> bool {
        matches!(
            self,
            UploadProblem::NoConnection
                | UploadProblem::Unreachable { .. }
                | UploadProblem::TimedOut { .. }
                | UploadProblem::Later { .. }
                | UploadProblem::ServerError(_)
                | UploadProblem::BadReceipt
        )
    }

    /// Seconds to wait before the next try: the `attempt`-th step of the backoff, or longer
    /// if the collector asked for longer.
    pub fn wait_before(&self, attempt: u32) -> u32 {
        let asked = match self {
            UploadProblem::Later {
                wait: Some(wait), ..
            } => *wait,
            _ => 0,
        };
        backoff_seconds(attempt).max(asked.min(3_600))
    }

    /// The problem a failed request means, naming the `collector` address from set-up.
    fn of_fetch(error: FetchError, collector: &str) -> Self {
        let collector = collector.to_owned();
        match error {
            FetchError::Offline => UploadProblem::NoConnection,
            FetchError::Unreachable { .. } => UploadProblem::Unreachable { collector },
            FetchError::NotAllowed { .. } => UploadProblem::NotAllowed { collector },
            FetchError::Insecure { .. } => UploadProblem::Insecure { collector },
            FetchError::BadAddress { .. } => UploadProblem::BadAddress { collector },
            FetchError::Timeout { seconds, .. } => UploadProblem::TimedOut { seconds },
        }
    }
}

impl From<HandInError<StorageError>> for UploadProblem {
    fn from(error: HandInError<StorageError>) -> Self {
        match error {
            HandInError::NothingWaiting => UploadProblem::NothingWaiting,
            HandInError::NotSetUp => UploadProblem::NotConfigured,
            HandInError::NotThisBatch { .. } => UploadProblem::BadReceipt,
            other => UploadProblem::Tablet(other),
        }
    }
}

/// The collector's answer: a receipt (2xx), or the problem its error body (or, from
/// something that is not a collector, its status) names.
pub fn read_reply(reply: &Reply) -> Result<Receipt, UploadProblem> {
    let status = reply.status;
    if (200..=299).contains(&status) {
        return serde_json::from_str::<Receipt>(&reply.body).map_err(|_| UploadProblem::BadReceipt);
    }
    let body = serde_json::from_str::<ErrorBody>(&reply.body).ok();
    let reason = body
        .as_ref()
        .map_or_else(|| format!("error {status}"), |body| body.reason.clone());
    // The typed code decides; a code this app does not know, or no collector's body at
    // all, falls back on the HTTP status.
    let code = match body.map(|body| body.error) {
        Some(ErrorCode::Unknown) | Some(ErrorCode::NotFound) | None => None,
        known => known,
    };
    Err(match (code, status) {
        (Some(ErrorCode::Token | ErrorCode::Agency), _) | (None, 401 | 403) => {
            UploadProblem::TokenRefused(reason)
        }
        (Some(ErrorCode::TooLarge), _) | (None, 413) => UploadProblem::TooLarge,
        (Some(ErrorCode::TooSlow | ErrorCode::Throttled | ErrorCode::Busy), _)
        | (None, 408 | 429 | 503) => UploadProblem::Later {
            reason,
            wait: reply.retry_after,
        },
        (Some(ErrorCode::Server), _) | (None, 500..=599) => UploadProblem::ServerError(status),
        _ => UploadProblem::Rejected(reason),
    })
}

/// Seconds to wait before the `attempt`-th retry (1, 2, …): 15 s, 30 s, 1 min, 2 min…
/// up to 15 minutes.
pub fn backoff_seconds(attempt: u32) -> u32 {
    15u32
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(900)
}

/// What one upload handed in: the receipts of its batches (one per worker) added up, and
/// what still waits because another agency's set-up made it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HandedIn {
    /// Batches sent and receipted.
    pub batches: u32,
    /// Responses the collector stored now.
    pub accepted: u32,
    /// Responses it already had.
    pub already_present: u32,
    /// Responses it kept apart as conflicts for the coordinator.
    pub conflicts: u32,
    /// Completed interviews left waiting: made under another agency's set-up.
    pub left_for_a_file: usize,
}

impl HandedIn {
    fn add(&mut self, receipt: &Receipt) {
        self.batches += 1;
        self.accepted += receipt.accepted;
        self.already_present += receipt.already_present;
        self.conflicts += receipt.conflicts;
    }

    /// What the worker is told, in `language`.
    pub fn message(&self, language: WorkerLanguage) -> String {
        let mut message = progress::received_words(
            language,
            self.accepted,
            self.already_present,
            self.conflicts,
        );
        if self.left_for_a_file > 0 {
            message.push(' ');
            message.push_str(&language.upload_left_for_a_file(self.left_for_a_file));
        }
        message
    }
}

/// Where uploading stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadState {
    /// Nothing tried since the app opened.
    Idle,
    /// Sending now.
    Sending,
    /// The last upload got its receipts.
    Done(HandedIn),
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
    pub state: RwSignal<UploadState>,
    app: AppState,
    reach: Option<Reach>,
    failures: StoredValue<u32>,
    /// Bumped by every attempt: a planned retry only runs if no attempt came since.
    generation: StoredValue<u32>,
}

impl Uploads {
    /// Starts the queue: retries after failures, and when the browser comes back online
    /// sends what waits (unless the last try failed in a way only the worker can fix,
    /// such as a refused token).
    /// Every outcome is told to `reach`.
    pub fn start(app: AppState, online: Option<Online>, reach: Option<Reach>) -> Self {
        let uploads = Uploads {
            state: RwSignal::new(UploadState::Idle),
            app,
            reach,
            failures: StoredValue::new(0),
            generation: StoredValue::new(0),
        };
        if let Some(Online(online)) = online {
            Effect::new(move |was_online: Option<bool>| {
                let now_online = online.get();
                if was_online == Some(false) && now_online && untrack(|| uploads.worth_sending()) {
                    uploads.upload();
                }
                now_online
            });
        }
        uploads
    }

    /// Whether coming back online should send: a passing failure to retry, or completed
    /// interviews waiting with the collector set up and no failure that needs the worker.
    fn worth_sending(&self) -> bool {
        match self.state.get_untracked() {
            UploadState::Sending => false,
            UploadState::Failed { problem, .. } if !problem.retry_helps() => false,
            UploadState::Failed { .. } => true,
            UploadState::Idle | UploadState::Done(_) => {
                let configured = self
                    .app
                    .setup
                    .with_untracked(|s| s.as_ref().is_some_and(|s| s.can_upload()));
                configured
                    && self
                        .app
                        .summaries_with_status(ResponseStatus::Complete)
                        .is_ok_and(|waiting| !waiting.is_empty())
            }
        }
    }

    /// Sends what waits now.
    pub fn upload(&self) {
        if self.state.with_untracked(|s| *s == UploadState::Sending) {
            return;
        }
        let uploads = *self;
        let generation = self.generation.get_value().wrapping_add(1);
        self.generation.set_value(generation);
        self.state.set(UploadState::Sending);
        spawn_local(async move {
            let outcome = upload_once(&uploads.app).await;
            if let Some(reach) = uploads.reach {
                reach.heard_from_upload(match &outcome {
                    Ok(_) => Some(true),
                    Err(problem) => problem.reached(),
                });
            }
            match outcome {
                Ok(handed_in) => {
                    uploads.failures.set_value(0);
                    uploads.state.set(UploadState::Done(handed_in));
                }
                Err(problem) => {
                    let retry_in = problem.retry_helps().then(|| {
                        let failures = uploads.failures.get_value().saturating_add(1);
                        uploads.failures.set_value(failures);
                        problem.wait_before(failures)
                    });
                    if let Some(seconds) = retry_in {
                        set_timeout(
                            move || {
                                if uploads.generation.get_value() == generation {
                                    uploads.upload();
                                }
                            },
                            Duration::from_secs(u64::from(seconds)),
                        );
                    }
                    uploads.state.set(UploadState::Failed { problem, retry_in });
                }
            }
        });
    }
}

/// One upload: every batch of the tablet's agency that waits (one per worker), each
/// prepared, POSTed, and on a receipt for it marked.
pub async fn upload_once(app: &AppState) -> Result<HandedIn, UploadProblem> {
    let setup = app
        .setup
        .get_untracked()
        .filter(|s| s.can_upload())
        .ok_or(UploadProblem::NotConfigured)?;
    let tablet = setup.assignment();
    let mut handed_in = HandedIn::default();
    // One batch per worker; a receipt marks its interviews, so the next batch holds the
    // next worker's. The bound only guards against a store that does not keep the marks.
    for _ in 0..MAX_BATCHES_PER_UPLOAD {
        let new = NewBatch {
            id: clock::new_batch_id(),
            created: clock::now(),
        };
        let sent = outbox::send(
            &mut { *app },
            app.questionnaire,
            &tablet,
            new,
            async |batch: &Batch| deliver(&setup, batch).await,
            clock::now,
        )
        .await;
        match sent {
            Ok(receipt) => handed_in.add(&receipt),
            Err(UploadProblem::NothingWaiting) => break,
            Err(problem) => return Err(problem),
        }
    }
    let left = app
        .summaries_with_status(ResponseStatus::Complete)
        .map_or(0, |waiting| waiting.len());
    match (handed_in.batches, left) {
        (0, 0) => Err(UploadProblem::NothingWaiting),
        (0, waiting) => Err(UploadProblem::OtherAgencyOnly { waiting }),
        (_, left) => Ok(HandedIn {
            left_for_a_file: left,
            ..handed_in
        }),
    }
}

/// Sends `batch` to the collector in `setup` and reads its answer.
async fn deliver(setup: &SetUp, batch: &Batch) -> Result<Receipt, UploadProblem> {
    let body = batch
        .to_json()
        .map_err(|error| UploadProblem::Encode(error.to_string()))?;
    let url = format!("{}{BATCHES_PATH}", setup.collector);
    let reply = http::post_json(&url, &setup.token, &body, UPLOAD_TIMEOUT)
        .await
        .map_err(|error| UploadProblem::of_fetch(error, &setup.collector))?;
    read_reply(&reply)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.to_owned(),
            retry_after: None,
        }
    }

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
            .message(WorkerLanguage::En)
            .contains("unknown token"));
    }

    #[test]
    fn problems_and_receipts_are_said_in_the_workers_language() {
        use WorkerLanguage::{Bn, En, Tr};
        assert_eq!(
            UploadProblem::ServerError(503).message(Bn),
            "সংগ্রহ সার্ভারে একটি সমস্যা হয়েছে (ত্রুটি ৫০৩)। Doorstep নিজেই আবার চেষ্টা করবে।"
        );
        assert!(UploadProblem::OtherAgencyOnly { waiting: 1 }
            .message(En)
            .starts_with("1 completed interview was made under another agency's set-up"));
        assert!(UploadProblem::OtherAgencyOnly { waiting: 2 }
            .message(En)
            .contains("cannot send them."));
        let handed_in = HandedIn {
            batches: 1,
            accepted: 2,
            left_for_a_file: 1,
            ..HandedIn::default()
        };
        assert_eq!(
            handed_in.message(En),
            "Received by the collector: 2 new. 1 completed interview made under another agency's set-up still to hand in: export a file for your coordinator."
        );
        assert!(handed_in
            .message(Tr)
            .starts_with("Toplama sunucusu aldı: 2 yeni. Başka bir kurumun"));
    }

    #[test]
    fn a_failed_fetch_is_told_as_what_it_was() {
        let collector = "https://collector.example.org";
        let address = || format!("{collector}{BATCHES_PATH}");
        let unreachable =
            UploadProblem::of_fetch(FetchError::Unreachable { address: address() }, collector);
        assert!(unreachable
            .message(WorkerLanguage::En)
            .starts_with("No connection to the collector"));
        assert!(unreachable.message(WorkerLanguage::En).contains(collector));
        assert!(unreachable.retry_helps());
        let timed_out = UploadProblem::of_fetch(
            FetchError::Timeout {
                address: address(),
                seconds: 120,
            },
            collector,
        );
        assert!(timed_out
            .message(WorkerLanguage::En)
            .contains("120 seconds"));
        assert!(timed_out.retry_helps());
        for needs_the_worker in [
            FetchError::NotAllowed { address: address() },
            FetchError::Insecure { address: address() },
            FetchError::BadAddress { address: address() },
        ] {
            let problem = UploadProblem::of_fetch(needs_the_worker, collector);
            assert!(!problem.retry_helps(), "{problem:?}");
            assert!(
                problem
                    .message(WorkerLanguage::En)
                    .contains("Change set-up"),
                "{problem:?}"
            );
        }
        assert_eq!(
            UploadProblem::of_fetch(FetchError::Offline, collector),
            UploadProblem::NoConnection
        );
    }

    #[test]
    fn a_receipt_is_read_with_the_wire_contract() {
        let receipt = read_reply(&reply(
            200,
            r#"{"batch":"abababab-abab-4bab-abab-abababababab","accepted":3,"already_present":1,"visits_accepted":2,"visits_already_present":0}"#,
        ))
        .unwrap();
        assert_eq!((receipt.accepted, receipt.already_present), (3, 1));
        assert_eq!(
            read_reply(&reply(200, "<html>a captive portal</html>")),
            Err(UploadProblem::BadReceipt)
        );
    }

    #[test]
    fn the_collectors_error_codes_say_what_to_do() {
        let body = |code: &str| format!(r#"{{"error":"{code}","reason":"the reason"}}"#);
        assert_eq!(
            read_reply(&reply(401, &body("token"))),
            Err(UploadProblem::TokenRefused("the reason".into()))
        );
        assert_eq!(
            read_reply(&reply(403, &body("agency"))),
            Err(UploadProblem::TokenRefused("the reason".into()))
        );
        assert_eq!(
            read_reply(&reply(413, &body("too_large"))),
            Err(UploadProblem::TooLarge)
        );
        assert_eq!(
            read_reply(&reply(422, &body("invalid_batch"))),
            Err(UploadProblem::Rejected("the reason".into()))
        );
        assert_eq!(
            read_reply(&reply(400, &body("malformed"))),
            Err(UploadProblem::Rejected("the reason".into()))
        );
        assert_eq!(
            read_reply(&reply(500, &body("server"))),
            Err(UploadProblem::ServerError(500))
        );
    }

    #[test]
    fn a_busy_or_throttling_collector_is_tried_again_no_sooner_than_it_asked() {
        let mut busy = reply(
            503,
            r#"{"error":"busy","reason":"too many uploads at once"}"#,
        );
        busy.retry_after = Some(120);
        let problem = read_reply(&busy).unwrap_err();
        assert_eq!(
            problem,
            UploadProblem::Later {
                reason: "too many uploads at once".into(),
                wait: Some(120)
            }
        );
        assert!(problem.retry_helps());
        assert_eq!(
            problem.wait_before(1),
            120,
            "longer than the backoff's 15 s"
        );
        assert_eq!(
            problem.wait_before(7),
            900,
            "the backoff, when it is longer"
        );
        for code in ["throttled", "too_slow"] {
            let problem = read_reply(&reply(
                429,
                &format!(r#"{{"error":"{code}","reason":"wait"}}"#),
            ))
            .unwrap_err();
            assert!(problem.retry_helps(), "{code}");
        }
        let conflict = read_reply(&reply(
            409,
            r#"{"error":"conflict","reason":"batch id reused"}"#,
        ))
        .unwrap_err();
        assert!(
            !conflict.retry_helps(),
            "a reused batch id needs the coordinator"
        );
    }

    #[test]
    fn an_answer_that_is_not_the_collectors_is_read_by_its_status() {
        assert_eq!(
            read_reply(&reply(502, "<html>Bad gateway</html>")),
            Err(UploadProblem::ServerError(502))
        );
        assert_eq!(
            read_reply(&reply(403, "Forbidden")),
            Err(UploadProblem::TokenRefused("error 403".into()))
        );
        // A code from a newer collector: its status decides, its reason is kept.
        assert_eq!(
            read_reply(&reply(
                418,
                r#"{"error":"teapot","reason":"short and stout"}"#
            )),
            Err(UploadProblem::Rejected("short and stout".into()))
        );
        assert_eq!(
            read_reply(&reply(503, "Service Unavailable")),
            Err(UploadProblem::Later {
                reason: "error 503".into(),
                wait: None
            })
        );
    }
}

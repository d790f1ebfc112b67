//! Whether the collector can be reached: what the header's pill and the Hand in screen
//! say, rather than whether the browser has a network.
//!
//! The collector is asked with its health check (`GET /api/v1/health`, cheap: no token,
//! a small JSON answer) when the app starts, when set-up changes its address, when the
//! browser comes back online, every [`CHECK_EVERY`] while the page is on screen, and when
//! the page comes back on screen; and every upload's outcome counts too (an answer from
//! the collector is a reach, nothing answering is not). When it last answered is kept on
//! the tablet, so a reload or a restart still says it.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use survey::record::Timestamp;
use survey::wire::{Health, HEALTH_PATH};

use crate::device::{entries, keys};
use crate::platform::clock;
use crate::platform::connection::{self, Online};
use crate::platform::http::{self, FetchError};
use crate::setup::SetUp;
use crate::words::{Msg, WorkerLanguage};

/// How often the collector is asked while the page is on screen.
pub const CHECK_EVERY: Duration = Duration::from_secs(180);

/// How long the health check may take before it counts as no answer.
const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// What the collector last said since the app opened (or its address changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heard {
    /// Not asked yet.
    NotYet,
    /// It answered, ready to take interviews.
    Reached,
    /// It answered, but cannot take interviews now (its database does not answer).
    NotReady,
    /// Nothing answered at its address, or something that is not the collector.
    NotReached,
}

/// How the pill looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// The collector answers.
    Good,
    /// Handing in by upload will not work now, or is not set up.
    Warn,
    /// The browser has no network at all.
    NoSignal,
}

impl Tone {
    /// Its name, as the pill's `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Good => "reached",
            Tone::Warn => "not-reached",
            Tone::NoSignal => "no-signal",
        }
    }
}

/// What the header's pill shows: its look, the state (announced to screen readers when
/// it changes) and the time that goes with it (shown, not announced every few minutes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pill {
    /// How it looks.
    pub tone: Tone,
    /// "Collector reached", "No signal"…
    pub state: &'static str,
    /// "12:04", "— last 10:42"…
    pub detail: Option<String>,
}

impl Pill {
    /// All its words.
    pub fn words(&self) -> String {
        match &self.detail {
            Some(detail) => format!("{} {detail}", self.state),
            None => self.state.to_owned(),
        }
    }
}

/// The pill in `language`: `collector_set` once set-up has an address, `online` as the
/// browser says, `heard` from the collector, and when it `last` answered (as the worker
/// reads a time).
pub fn pill_words(
    language: WorkerLanguage,
    collector_set: bool,
    online: bool,
    heard: Heard,
    last: Option<&str>,
) -> Pill {
    let pill = |tone, state, detail: Option<String>| Pill {
        tone,
        state: language.t(state),
        detail,
    };
    // No network says so first: with or without a collector, nothing can be reached.
    if !online {
        let detail = last
            .filter(|_| collector_set)
            .map(|last| language.reach_detail_offline(last));
        return pill(Tone::NoSignal, Msg::ReachNoSignal, detail);
    }
    if !collector_set {
        return pill(Tone::Warn, Msg::ReachNoCollector, None);
    }
    let last_or_never = last.map_or_else(
        || language.t(Msg::ReachDetailNever).to_owned(),
        |last| language.reach_detail_last(last),
    );
    match heard {
        Heard::Reached => pill(Tone::Good, Msg::ReachReached, last.map(str::to_owned)),
        Heard::NotReached => pill(Tone::Warn, Msg::ReachNotReached, Some(last_or_never)),
        Heard::NotReady => pill(Tone::Warn, Msg::ReachNotReady, Some(last_or_never)),
        Heard::NotYet => match last {
            Some(last) => pill(
                Tone::Warn,
                Msg::ReachChecking,
                Some(language.reach_detail_last_reached(last)),
            ),
            None => pill(Tone::Warn, Msg::ReachCheckingFirst, None),
        },
    }
}

/// What the Hand in screen says above "Upload now" when an upload cannot work now, in
/// `language`.
pub fn hand_in_words(
    language: WorkerLanguage,
    online: bool,
    heard: Heard,
    last: Option<&str>,
) -> Option<String> {
    if !online {
        return Some(language.t(Msg::ReachHandInNoSignal).to_owned());
    }
    let last = match last {
        Some(last) => language.reach_hand_in_last_reached(last),
        None => language.t(Msg::ReachHandInNever).to_owned(),
    };
    match heard {
        Heard::NotReached => Some(language.reach_hand_in_not_reached(last)),
        Heard::NotReady => Some(language.reach_hand_in_not_ready(last)),
        Heard::Reached | Heard::NotYet => None,
    }
}

/// When the collector at this address last answered, as kept on the tablet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct LastReached {
    collector: String,
    at: Timestamp,
}

/// The collector's reach, as context (`use_context::<Reach>()`).
#[derive(Clone, Copy)]
pub struct Reach {
    /// What it last said.
    pub heard: RwSignal<Heard>,
    /// When it last answered.
    pub last_reached: RwSignal<Option<Timestamp>>,
    setup: RwSignal<Option<SetUp>>,
    online: Option<ReadSignal<bool>>,
    /// When it was last asked.
    last_asked: StoredValue<Option<Timestamp>>,
    /// The address a check is under way for, if any.
    asking: StoredValue<Option<String>>,
}

/// The collector address in set-up, if there is one.
fn address(setup: &Option<SetUp>) -> Option<String> {
    setup
        .as_ref()
        .map(|setup| setup.collector.clone())
        .filter(|collector| !collector.is_empty())
}

impl Reach {
    /// Starts asking the collector in `setup`, following the browser's `online` state.
    pub fn start(setup: RwSignal<Option<SetUp>>, online: Option<Online>) -> Self {
        let online = online.map(|Online(online)| online);
        let reach = Reach {
            heard: RwSignal::new(Heard::NotYet),
            last_reached: RwSignal::new(None),
            setup,
            online,
            last_asked: StoredValue::new(None),
            asking: StoredValue::new(None),
        };
        // At start, when the address changes, and when the browser comes back online.
        Effect::new(move |before: Option<(Option<String>, bool)>| {
            let collector = setup.with(address);
            let now_online = online.is_none_or(|online| online.get());
            let moved = before.as_ref().is_none_or(|(was, _)| *was != collector);
            if moved {
                reach.heard.set(Heard::NotYet);
                reach
                    .last_reached
                    .set(collector.as_deref().and_then(load_last));
            }
            if now_online && (moved || before.is_some_and(|(_, was_online)| !was_online)) {
                reach.check();
            }
            (collector, now_online)
        });
        // Every few minutes while the page is on screen, and when it comes back on screen.
        set_interval(
            move || {
                if connection::page_visible() && reach.due(CHECK_EVERY) {
                    reach.check();
                }
            },
            Duration::from_secs(30),
        );
        connection::when_shown(move || {
            if reach.due(Duration::from_secs(30)) {
                reach.check();
            }
        });
        reach
    }

    fn online_now(&self) -> bool {
        self.online.is_none_or(|online| online.get_untracked())
    }

    /// Whether the last question is older than `every`.
    fn due(&self, every: Duration) -> bool {
        let every = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
        self.online_now()
            && self
                .last_asked
                .get_value()
                .is_none_or(|at| clock::now().0.saturating_sub(at.0) >= every)
    }

    /// Asks the collector now (unless a question to it is under way, or there is none).
    pub fn check(&self) {
        let Some(collector) = self.setup.with_untracked(address) else {
            return;
        };
        if self.asking.get_value().as_ref() == Some(&collector) {
            return;
        }
        self.asking.set_value(Some(collector.clone()));
        self.last_asked.set_value(Some(clock::now()));
        let reach = *self;
        spawn_local(async move {
            let answer = http::get(&format!("{collector}{HEALTH_PATH}"), CHECK_TIMEOUT).await;
            reach.asking.set_value(None);
            // An answer about an address set-up no longer names changes nothing.
            if reach.setup.with_untracked(address).as_ref() != Some(&collector) {
                return;
            }
            // The collector's own answer, read by its status field alone (the whole
            // `Health` is not needed here, and its reader would add to the download).
            let says = |status: &str| {
                answer
                    .as_ref()
                    .is_ok_and(|reply| reply.body.contains(&format!("\"status\":\"{status}\"")))
            };
            match answer {
                Err(FetchError::Offline) => {}
                Ok(ref reply) if reply.status == 200 && says(Health::OK) => reach.reached(),
                Ok(_) if says(Health::UNAVAILABLE) => reach.heard.set(Heard::NotReady),
                _ => reach.heard.set(Heard::NotReached),
            }
        });
    }

    /// What an upload learnt: `Some(true)` the collector answered, `Some(false)` nothing
    /// (or not the collector) did, `None` nothing was asked or there was no network.
    pub fn heard_from_upload(&self, reached: Option<bool>) {
        self.last_asked.set_value(Some(clock::now()));
        match reached {
            Some(true) => self.reached(),
            Some(false) => self.heard.set(Heard::NotReached),
            None => {}
        }
    }

    fn reached(&self) {
        let now = clock::now();
        self.heard.set(Heard::Reached);
        self.last_reached.set(Some(now));
        if let Some(collector) = self.setup.with_untracked(address) {
            // Not fatal: the pill still says it until the app closes.
            let _ = entries::save(
                &keys::collector_reached(),
                &LastReached { collector, at: now },
            );
        }
    }

    /// When the collector last answered, as the worker reads it in `language`: `14:05`
    /// today, else `23 Nov 14:05` (tracked).
    fn last_words(&self, language: WorkerLanguage) -> Option<String> {
        self.last_reached.get().map(|at| {
            if clock::local_day(at) == clock::local_day(clock::now()) {
                language.digits_in(&clock::local_time(at))
            } else {
                language.date_time(clock::local(at))
            }
        })
    }

    fn online(&self) -> bool {
        self.online.is_none_or(|online| online.get())
    }

    /// The header's pill in `language` (tracked).
    pub fn pill(&self, language: WorkerLanguage) -> Pill {
        let set = self.setup.with(|setup| address(setup).is_some());
        pill_words(
            language,
            set,
            self.online(),
            self.heard.get(),
            self.last_words(language).as_deref(),
        )
    }

    /// The Hand in screen's line in `language` when an upload cannot work now (tracked).
    pub fn hand_in_words(&self, language: WorkerLanguage) -> Option<String> {
        hand_in_words(
            language,
            self.online(),
            self.heard.get(),
            self.last_words(language).as_deref(),
        )
    }
}

/// When the collector at `collector` last answered, if kept.
fn load_last(collector: &str) -> Option<Timestamp> {
    entries::load_or_quarantine::<LastReached>(&keys::collector_reached())
        .ok()
        .flatten()
        .filter(|last| last.collector == collector)
        .map(|last| last.at)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use WorkerLanguage::{Bn, En, Tr};

    #[test]
    fn the_pill_says_whether_the_collector_answers_not_whether_the_browser_is_online() {
        let words = |set, online, heard, last| {
            let pill = pill_words(En, set, online, heard, last);
            (pill.tone, pill.words())
        };
        let at = Some("12:04");
        assert_eq!(
            words(true, true, Heard::Reached, at),
            (Tone::Good, "Collector reached 12:04".to_owned())
        );
        assert_eq!(
            words(true, true, Heard::NotReached, Some("10:42")),
            (Tone::Warn, "Collector not reached — last 10:42".to_owned())
        );
        assert_eq!(
            words(true, true, Heard::NotReached, None).1,
            "Collector not reached — never"
        );
        assert_eq!(
            words(true, false, Heard::Reached, Some("10:42")),
            (
                Tone::NoSignal,
                "No signal — collector last reached 10:42".to_owned()
            )
        );
        assert_eq!(words(true, false, Heard::NotYet, None).1, "No signal");
        assert_eq!(
            words(false, false, Heard::NotYet, at),
            (Tone::NoSignal, "No signal".to_owned())
        );
        for heard in [Heard::Reached, Heard::NotReached, Heard::NotYet] {
            assert_eq!(
                words(false, true, heard, at),
                (Tone::Warn, "No collector set".to_owned())
            );
        }
        assert_eq!(
            words(true, true, Heard::NotReady, at).1,
            "Collector not ready — last 12:04"
        );
        assert_eq!(
            words(true, true, Heard::NotYet, at).1,
            "Checking collector — last reached 12:04"
        );
        // What screen readers hear when it changes: the state, not the time.
        assert_eq!(
            pill_words(En, true, true, Heard::Reached, at).state,
            "Collector reached"
        );
        assert_eq!(
            pill_words(Tr, true, false, Heard::Reached, Some("10:42")).words(),
            "Sinyal yok — sunucuya son ulaşılma 10:42"
        );
        assert_eq!(
            pill_words(Bn, true, true, Heard::NotReached, None).words(),
            "সার্ভারে সংযোগ নেই — কখনও না"
        );
    }

    #[test]
    fn hand_in_says_why_an_upload_cannot_work_now() {
        assert!(hand_in_words(En, false, Heard::Reached, None)
            .unwrap()
            .starts_with("No signal now"));
        let unreachable = hand_in_words(En, true, Heard::NotReached, Some("10:42")).unwrap();
        assert!(unreachable.contains("cannot be reached now (last reached 10:42)"));
        assert!(hand_in_words(En, true, Heard::NotReached, None)
            .unwrap()
            .contains("never reached from this tablet"));
        assert_eq!(hand_in_words(En, true, Heard::Reached, Some("10:42")), None);
        assert_eq!(hand_in_words(En, true, Heard::NotYet, None), None);
        assert_eq!(
            hand_in_words(Tr, true, Heard::NotReady, None).unwrap(),
            "Toplama sunucusu yanıt veriyor ama şu an görüşme alamıyor (bu tabletten hiç ulaşılmadı): bir dosya dışa aktarın ya da daha sonra yükleyin."
        );
    }
}

//! The worker's own language: the words of the app's screens in English, Turkish and
//! Bengali, chosen in Settings apart from the resident's language of each interview.
//!
//! The words are data, `survey/questionnaires/worker-words.json`, checked and turned into
//! Rust when the app is built ([`catalog`]): [`Msg`] names a message without
//! placeholders, and each message with placeholders is a method of [`WorkerLanguage`]
//! (`language.interviews_shown(3)`), which writes numbers in the language's digits and
//! picks the plural form its count needs. [`format`] writes figures (sizes, dates) the
//! same way.
//!
//! English is built in; each other language's words are a file of the build,
//! `/words/<code>.txt`, loaded (from the service worker's cache) when it is chosen, and
//! before the app is drawn when it was chosen before, so each worker downloads one
//! language's words. The chosen language is kept on the tablet and given to every screen
//! as the [`Words`] context; screens read it in reactive closures
//! (`words.text(Msg::NavToday)`), so a change in Settings redraws every word at once, and
//! the page's `lang` follows it.

pub mod catalog;
pub mod format;
mod storage;

use leptos::prelude::*;

use crate::device::settings;
use crate::platform::{app_file, document, local_storage::StorageError};

pub use catalog::{Arg, BadWordsFile, Count, Msg, WorkerLanguage};
pub use format::parse_number;

/// Why a language's words could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotLoaded {
    /// Its file could not be read.
    File(app_file::AppFileError),
    /// Its file is not this build's.
    Bad(BadWordsFile),
}

impl NotLoaded {
    /// What happened, for the worker: "bn could not be loaded (…)".
    pub fn message(&self, shown: WorkerLanguage, wanted: WorkerLanguage) -> String {
        let why = match self {
            NotLoaded::File(error) => error.to_string(),
            NotLoaded::Bad(BadWordsFile::Lines { expected, found }) => {
                format!("{found} lines, not {expected}")
            }
            NotLoaded::Bad(BadWordsFile::Fingerprint) => "not this version's".to_owned(),
        };
        shown.settings_language_not_loaded(wanted.name(), why)
    }
}

/// Loads `language`'s words if they are not at hand yet.
pub async fn load(language: WorkerLanguage) -> Result<(), NotLoaded> {
    if language.is_loaded() {
        return Ok(());
    }
    let text = app_file::text(&language.words_file())
        .await
        .map_err(NotLoaded::File)?;
    language.install(text).map_err(NotLoaded::Bad)
}

/// The language the app opens in: the one chosen on this tablet, its words loaded
/// (English until one is chosen, or if the chosen one's words cannot be loaded, with the
/// reason for Settings to show).
#[derive(Clone, Debug)]
pub struct Start {
    language: WorkerLanguage,
    problem: Option<(WorkerLanguage, NotLoaded)>,
}

impl Start {
    /// Reads the choice and loads its words: what `main` waits for before drawing.
    pub async fn load() -> Start {
        let chosen = settings::worker_language().unwrap_or(WorkerLanguage::ALL[0]);
        match load(chosen).await {
            Ok(()) => Start {
                language: chosen,
                problem: None,
            },
            Err(problem) => Start {
                language: WorkerLanguage::ALL[0],
                problem: Some((chosen, problem)),
            },
        }
    }
}

/// The language of the worker's screens, as context.
#[derive(Clone, Copy, Debug)]
pub struct Words {
    language: RwSignal<WorkerLanguage>,
    /// A language whose words are being loaded for the worker's choice.
    choosing: RwSignal<Option<WorkerLanguage>>,
    /// A language whose words could not be loaded, and why.
    not_loaded: RwSignal<Option<(WorkerLanguage, NotLoaded)>>,
}

impl Words {
    /// The screens' language from `start`, kept as the page's `lang`.
    pub fn start(start: Start) -> Words {
        let language = RwSignal::new(start.language);
        Effect::new(move |_| document::set_language(language.get().code()));
        Words {
            language,
            choosing: RwSignal::new(None),
            not_loaded: RwSignal::new(start.problem),
        }
    }

    /// The language now (tracked: a closure reading it runs again when it changes).
    pub fn language(self) -> WorkerLanguage {
        self.language.get()
    }

    /// The language now, for an event handler.
    pub fn language_untracked(self) -> WorkerLanguage {
        self.language.get_untracked()
    }

    /// The language being loaded for the worker's choice, if one is (tracked).
    pub fn choosing(self) -> Option<WorkerLanguage> {
        self.choosing.get()
    }

    /// What stopped the last language chosen from showing, in the screens' language
    /// (tracked).
    pub fn not_loaded_message(self) -> Option<String> {
        let shown = self.language();
        self.not_loaded.with(|problem| {
            problem
                .as_ref()
                .map(|(wanted, why)| why.message(shown, *wanted))
        })
    }

    /// `msg` in the language of the moment, for a view: `{words.text(Msg::NavToday)}`
    /// or `aria-label=words.text(Msg::NavLabel)`. (One closure type for every message,
    /// so each use adds almost nothing to the download.)
    pub fn text(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.language.get().t(msg)
    }

    /// Loads `language`'s words, shows every screen in it at once and keeps the choice
    /// on the tablet. If its words cannot be loaded, nothing changes and
    /// [`Words::not_loaded_message`] says why; if the choice cannot be kept, the screens
    /// change all the same (until Doorstep is closed) and the error says why.
    pub async fn choose(self, language: WorkerLanguage) -> Result<(), StorageError> {
        self.choosing.set(Some(language));
        let loaded = load(language).await;
        self.choosing.set(None);
        if let Err(problem) = loaded {
            self.not_loaded.set(Some((language, problem)));
            return Ok(());
        }
        self.not_loaded.set(None);
        self.language.set(language);
        settings::set_worker_language(language)
    }
}

/// The [`Words`] the app provides.
pub fn use_words() -> Words {
    expect_context::<Words>()
}

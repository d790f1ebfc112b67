//! What every screen shares: the header, the banners (save problem, new version), the
//! offline-readiness card and install hint, the not-found screen and a read problem.

mod header;
mod install_hint;
mod not_found;
mod offline_readiness;
mod save_banner;
mod update_banner;

use leptos::prelude::*;

use crate::platform::local_storage::StorageError;
use crate::words::{use_words, WorkerLanguage};

pub use header::AppHeader;
pub use install_hint::InstallHint;
pub use not_found::NotFoundPage;
pub use offline_readiness::OfflineReadinessCard;
pub use save_banner::SaveBanner;
pub use update_banner::UpdateBanner;

/// Saved records that could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Every interview (the list, the counts).
    Interviews,
    /// One interview, opened from its address.
    Interview,
    /// Today's door visits.
    Visits,
    /// The interviews in progress.
    Drafts,
    /// The interviews and the batches made on this tablet (Hand in).
    HandIn,
}

impl Unreadable {
    /// "Doorstep could not read … saved on this tablet: why. What to do." in `language`.
    pub fn problem(self, language: WorkerLanguage, error: &StorageError) -> String {
        let why = language.storage_error(error);
        let advice = language.storage_advice(error);
        match self {
            Unreadable::Interviews => language.read_interviews(why, advice),
            Unreadable::Interview => language.read_interview(why, advice),
            Unreadable::Visits => language.read_visits(why, advice),
            Unreadable::Drafts => language.read_drafts(why, advice),
            Unreadable::HandIn => language.read_hand_in(why, advice),
        }
    }
}

/// Saved records that could not be read, said plainly where the list would be (never an
/// empty list that looks like nothing was saved).
#[component]
pub fn ReadProblem(
    /// What could not be read.
    what: Unreadable,
    /// Why.
    error: StorageError,
) -> impl IntoView {
    let words = use_words();
    view! {
        <p class="problem" role="alert" data-testid="read-problem">
            {move || what.problem(words.language(), &error)}
        </p>
    }
}

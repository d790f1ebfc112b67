//! What every screen shares: the header, the banners (save problem, new version), the
//! offline-readiness card and install hint, the not-found screen, a read problem, and
//! figures as a worker reads them ([`format`]).

pub mod format;
mod header;
mod install_hint;
mod not_found;
mod offline_readiness;
mod save_banner;
mod update_banner;

use leptos::prelude::*;

use crate::platform::local_storage::StorageError;

pub use header::AppHeader;
pub use install_hint::InstallHint;
pub use not_found::NotFoundPage;
pub use offline_readiness::OfflineReadinessCard;
pub use save_banner::SaveBanner;
pub use update_banner::UpdateBanner;

/// Saved records that could not be read, said plainly where the list would be (never an
/// empty list that looks like nothing was saved).
#[component]
pub fn ReadProblem(
    /// What could not be read, as the end of "Doorstep could not read …": "the interviews".
    what: &'static str,
    /// Why.
    error: StorageError,
) -> impl IntoView {
    view! {
        <p class="problem" role="alert" data-testid="read-problem">
            {format!("Doorstep could not read {what} saved on this tablet: {error}. {}", error.advice())}
        </p>
    }
}

//! Reusable pieces of the screens.

mod app_header;
mod install_hint;
mod offline_readiness;
mod storage_panel;
mod update_banner;

pub use app_header::AppHeader;
pub use install_hint::InstallHint;
pub use offline_readiness::OfflineReadinessCard;
pub use storage_panel::StoragePanel;
pub use update_banner::UpdateBanner;

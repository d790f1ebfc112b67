//! Reusable pieces of the screens.

mod app_header;
mod install_hint;
mod interview_bars;
mod offline_readiness;
mod question_field;
mod save_banner;
mod storage_panel;
mod update_banner;

pub use app_header::AppHeader;
pub use install_hint::InstallHint;
pub use interview_bars::{LanguageSwitcher, ProgressBar};
pub use offline_readiness::OfflineReadinessCard;
pub use question_field::QuestionField;
pub use save_banner::SaveBanner;
pub use storage_panel::StoragePanel;
pub use update_banner::UpdateBanner;

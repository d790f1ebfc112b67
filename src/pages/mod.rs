//! One module per screen.

mod interview;
mod not_found;
mod responses;
mod send;
mod settings;
mod setup;
mod today;

pub use interview::InterviewPage;
pub use not_found::NotFoundPage;
pub use responses::ResponsesPage;
pub use send::SendPage;
pub use settings::SettingsPage;
pub use setup::SetUpPage;
pub use today::TodayPage;

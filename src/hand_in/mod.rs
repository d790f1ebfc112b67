//! Hand in: completed interviews leave the tablet as a batch, uploaded to the collector
//! ([`upload`]) or saved as a file ([`export`]); only the collector's receipt marks them
//! handed in, and they are cleared a set number of days later ([`outbox`], pure and
//! generic over the store). [`screen`] is the Hand in screen.

pub mod export;
pub mod outbox;
pub mod screen;
pub mod upload;

pub use screen::HandInPage;
pub use upload::Uploads;

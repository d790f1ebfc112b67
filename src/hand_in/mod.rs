//! Hand in: completed interviews leave the tablet as a batch, uploaded to the collector
//! ([`upload`]) or saved as a file, downloaded or shared ([`export`]); only the
//! collector's receipt marks them received, and they are cleared a set number of days
//! later ([`outbox`], pure and generic over the store). [`progress`] says where each
//! interview and batch stands, [`reach`] whether the collector can be reached.
//! [`screen`] is the Hand in screen, [`export_card`] its "Export a file" card and the
//! batches made on this tablet; [`words`] says what went wrong on the tablet in the
//! worker's language.

pub mod export;
pub mod export_card;
pub mod outbox;
pub mod progress;
pub mod reach;
pub mod screen;
pub mod upload;
mod words;

pub use reach::Reach;
pub use screen::HandInPage;
pub use upload::Uploads;

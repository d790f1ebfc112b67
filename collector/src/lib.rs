//! Doorstep collector: one binary that serves the built survey app from `dist/` and,
//! in later versions, receives batches into SQLite.
//!
//! The router is a library function ([`app::router`]) so tests can drive it in-process;
//! `main.rs` only parses the command line and reports errors.

pub mod app;
pub mod assets;
pub mod cli;
pub mod dist;
pub mod error;
pub mod logging;
pub mod server;

pub use app::router;
pub use dist::Dist;
pub use error::CollectorError;
pub use server::{listening_line, parse_listening_line};

//! Doorstep collector: one binary that serves the built survey app from `dist/` and
//! receives batches into SQLite (uploads from tablets, and files handed in).
//!
//! The router is a library function ([`app::router`]) so tests can drive it in-process;
//! `main.rs` only parses the command line and reports errors.

pub mod app;
pub mod assets;
pub mod batches;
pub mod bench;
pub mod cli;
pub mod db;
pub mod dist;
pub mod error;
pub mod export;
pub mod ingest;
pub mod logging;
pub mod server;
pub mod tokens;

pub use app::{router, router_with_intake};
pub use dist::Dist;
pub use error::CollectorError;
pub use server::{listening_line, parse_listening_line};

//! Doorstep collector: one binary that serves the built survey app from `dist/` and
//! receives batches into SQLite (uploads from tablets, and files handed in).
//!
//! Three layers, each depending only on the ones after it:
//!
//! - [`cli`]: the command line and what each subcommand does;
//! - [`http`]: the router ([`http::router`]), batch intake over HTTP, the static files,
//!   and the server loop;
//! - [`store`]: the SQLite database, taking batches in, tokens, export.
//!
//! The router is a library function so tests can drive it in-process; `main.rs` only
//! parses the command line and reports errors.

pub mod cli;
pub mod error;
pub mod http;
pub mod logging;
pub mod store;

pub use error::CollectorError;
pub use http::server::{listening_line, parse_listening_line};
pub use http::static_files::Dist;
pub use http::{router, router_with_intake};
pub use store::intake::Intake;

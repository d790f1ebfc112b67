//! Logs go to stderr so stdout carries only the listening line.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is not set: one line per request, warnings from
/// the libraries underneath.
pub const DEFAULT_FILTER: &str = "warn,collector=info,tower_http=info";

/// Installs the stderr logger. `RUST_LOG` overrides [`DEFAULT_FILTER`]. Calling it twice
/// keeps the first logger.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // An error here only means a logger is already installed, which is fine.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in log files or test output.
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

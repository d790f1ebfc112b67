//! What can stop the collector, each with a message a coordinator can act on.

use std::net::SocketAddr;
use std::path::PathBuf;

/// An error that ends the `collector` process with a non-zero exit code.
#[derive(Debug, thiserror::Error)]
pub enum CollectorError {
    /// `--dist` has no `index.html`: the app has not been built.
    #[error(
        "{}/index.html not found: the app has not been built. \
         Run `make run` or `trunk build --release` first, or point --dist at a built app",
        dist.display()
    )]
    DistNotBuilt {
        /// The `--dist` folder as given.
        dist: PathBuf,
    },

    /// The address could not be bound, most often because the port is taken.
    #[error(
        "cannot listen on {addr}: {source}. \
         Is another collector (or server) already running there? Choose another address with {flag}"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The flag that asked for it (`--addr`, `--redirect-http`, `--metrics`).
        flag: &'static str,
        /// Why the operating system refused.
        source: std::io::Error,
    },

    /// Only one of `--tls-cert` and `--tls-key` was given.
    #[error(
        "{given} was given without {missing}: give both (the certificate chain and its private key, \
         in PEM) to serve HTTPS, or neither to serve plain HTTP"
    )]
    TlsHalfGiven {
        /// The flag given.
        given: &'static str,
        /// The flag missing.
        missing: &'static str,
    },

    /// `--redirect-http` without HTTPS to redirect to.
    #[error(
        "--redirect-http needs HTTPS to redirect to: give --tls-cert and --tls-key too \
         (behind a reverse proxy, leave it out: the proxy redirects)"
    )]
    RedirectWithoutTls,

    /// The TLS certificate or key cannot be used.
    #[error(transparent)]
    Tls(#[from] crate::http::tls::TlsError),

    /// The shipped questionnaire does not load, or `serve` could not open its database.
    #[error(transparent)]
    Intake(#[from] crate::store::intake::IntakeError),

    /// `serve`'s data folder cannot be created, or its database cannot be opened or
    /// written there.
    #[error(
        "{source}. The collector needs a data folder it can create and write: \
         fix the path or its permissions, or choose another with --data-dir"
    )]
    DataDir {
        /// Why.
        source: crate::store::DbError,
    },

    /// A subcommand's data folder or database could not be opened, or a query failed.
    #[error(transparent)]
    Db(#[from] crate::store::DbError),

    /// A token could not be added or revoked.
    #[error(transparent)]
    Token(#[from] crate::store::tokens::TokenError),

    /// A console user could not be added or changed.
    #[error(transparent)]
    Account(#[from] crate::store::accounts::AccountError),

    /// A questionnaire version could not be added, published or closed.
    #[error(transparent)]
    Questionnaire(#[from] crate::store::questionnaires::VersionError),

    /// Exporting failed.
    #[error(transparent)]
    Export(#[from] crate::store::export::ExportError),

    /// A backup or a restore was refused or failed.
    #[error(transparent)]
    Backup(#[from] crate::store::backup::BackupError),

    /// A file could not be written (`export`'s output).
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// Some imported files were rejected (each was reported).
    #[error("{rejected} of {total} files were not imported")]
    ImportRejected {
        /// How many failed.
        rejected: usize,
        /// How many were given.
        total: usize,
    },

    /// A subcommand cannot do what was asked: it was given no work, the build ships no
    /// questionnaire, or a `bench` step failed.
    #[error("{0}")]
    Usage(String),

    /// The server stopped with an I/O error while running.
    #[error("the server stopped unexpectedly: {0}")]
    Serve(#[source] std::io::Error),
}

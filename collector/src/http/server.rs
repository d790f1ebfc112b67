//! Starting and stopping the server: bind, announce the address, serve until Ctrl-C or
//! SIGTERM.
//!
//! Every listener (the app's, `--redirect-http`'s and `--metrics`') is served by the one
//! loop in [`super::connection::serve`], which bounds TLS handshakes and request heads.
//!
//! On the shutdown signal the server first drains ([`Draining::drain`]): it goes on
//! accepting, refusing new uploads with `503 busy`, until the uploads in flight are done
//! (at most the request timeout); then it stops accepting and gives the connections open
//! at most [`CLOSE_LIMIT`](super::connection::CLOSE_LIMIT) to finish what they are sending.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use super::connection::serve;
use super::draining::Draining;
use super::metrics::{self, Metrics};
use super::settings::Settings;
use super::static_files::Dist;
use super::tls::Certificates;
use super::{app_with, redirect, Ops};
use crate::error::CollectorError;
use crate::store::intake::Intake;

/// What the stdout announcement starts with; the bound URL follows it.
pub const LISTENING_PREFIX: &str = "Doorstep collector listening on ";

/// What the stdout announcement ends with, after the bound URL.
pub const LISTENING_SUFFIX: &str = " — open this address in a browser";

/// How the app is reached: plain HTTP, or HTTPS (`--tls-cert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `http://`.
    Http,
    /// `https://`.
    Https,
}

impl Scheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// The one line printed to stdout once the server is bound, e.g.
/// `Doorstep collector listening on http://127.0.0.1:8080/ — open this address in a browser`
/// (`https://…` when serving HTTPS).
pub fn listening_line(addr: SocketAddr, scheme: Scheme) -> String {
    format!(
        "{LISTENING_PREFIX}{}://{addr}/{LISTENING_SUFFIX}",
        scheme.as_str()
    )
}

/// Reads the bound address back out of a [`listening_line`] (`http` or `https`); `None`
/// for any other line.
pub fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    let url = line
        .trim_end()
        .strip_prefix(LISTENING_PREFIX)?
        .strip_suffix(LISTENING_SUFFIX)?;
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?
        .strip_suffix('/')?
        .parse()
        .ok()
}

/// Binds `addr`, failing with [`CollectorError::Bind`] naming `flag` (most often: the
/// port is taken).
pub async fn bind(addr: SocketAddr, flag: &'static str) -> Result<TcpListener, CollectorError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| CollectorError::Bind { addr, flag, source })
}

/// What `serve` listens on.
pub struct Listeners {
    /// The app's listener (`--addr`).
    pub app: TcpListener,
    /// The certificates, when the app is served over HTTPS.
    pub tls: Option<Arc<Certificates>>,
    /// A plain-HTTP listener redirecting to the HTTPS one (`--redirect-http`).
    pub redirect: Option<TcpListener>,
    /// A listener for [`metrics`] only (`--metrics`).
    pub metrics: Option<TcpListener>,
}

/// Serves `dist` (and batch intake, if given) on already bound `listeners` with
/// `settings` until `shutdown` completes, then drains (see the module). Prints the
/// [`listening_line`] first; with a metrics listener, its line second. With
/// certificates, their files are checked for a renewal every
/// [`Settings::tls_reload_interval`].
pub async fn serve_on(
    listeners: Listeners,
    dist: Dist,
    intake: Option<Intake>,
    settings: &Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), CollectorError> {
    let Listeners {
        app: listener,
        tls,
        redirect,
        metrics,
    } = listeners;
    let addr = listener.local_addr().map_err(CollectorError::Serve)?;
    let draining = Draining::new();
    let ops = Ops {
        draining: draining.clone(),
        metrics: metrics
            .as_ref()
            .map(|_| Metrics::new(intake.as_ref().map(|i| i.probe().clone()), draining.clone())),
    };
    let acceptor = match &tls {
        Some(certificates) => {
            certificates.watch(settings.tls_reload_interval);
            Some(certificates.acceptor()?)
        }
        None => None,
    };
    let scheme = if acceptor.is_some() {
        Scheme::Https
    } else {
        Scheme::Http
    };
    // One shutdown signal for every listener, given once the uploads in flight are done.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stopping = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let limit = settings.request_timeout;
    tokio::spawn(async move {
        shutdown.await;
        draining.drain(limit).await;
        let _ = stop.send(true);
    });
    let redirecting = match redirect {
        Some(redirect) => {
            let from = redirect.local_addr().map_err(CollectorError::Serve)?;
            tracing::info!(%from, to_port = addr.port(), "redirecting plain HTTP to HTTPS");
            Some(tokio::spawn(serve(
                redirect,
                None,
                redirect::router(addr.port()),
                settings.header_timeout,
                stopping(),
            )))
        }
        None => None,
    };
    tracing::info!(dist = %dist.root().display(), %addr, scheme = scheme.as_str(), "serving the app");
    announce(addr, scheme);
    if let (Some(listener), Some(collected)) = (metrics, ops.metrics.clone()) {
        tokio::spawn(metrics::serve(
            listener,
            collected,
            settings.header_timeout,
            std::future::pending(),
        ));
    }
    serve(
        listener,
        acceptor,
        app_with(dist, intake, settings, &ops),
        settings.header_timeout,
        stopping(),
    )
    .await;
    if let Some(redirecting) = redirecting {
        if let Err(error) = redirecting.await {
            tracing::warn!(%error, "the redirect listener stopped with an error");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Prints the [`listening_line`].
fn announce(addr: SocketAddr, scheme: Scheme) {
    announce_line(&listening_line(addr, scheme));
}

/// Prints `line` to stdout. A closed stdout must not stop the server, so a failed write
/// is only logged.
pub(crate) fn announce_line(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
    if let Err(error) = written {
        tracing::warn!(%error, "cannot print the listening address to stdout");
    }
}

/// Completes on Ctrl-C or SIGTERM.
///
/// The handlers are installed when this is called, not when the future is first polled,
/// so a signal sent right after the listening line is printed is never missed (and never
/// kills the process outright). Must be called inside a Tokio runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = installed(signal(SignalKind::interrupt()), "Ctrl-C");
        let mut terminate = installed(signal(SignalKind::terminate()), "SIGTERM");
        async move {
            tokio::select! {
                _ = recv(&mut interrupt) => tracing::info!("Ctrl-C received, shutting down"),
                _ = recv(&mut terminate) => tracing::info!("SIGTERM received, shutting down"),
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            match tokio::signal::ctrl_c().await {
                Ok(()) => tracing::info!("Ctrl-C received, shutting down"),
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for Ctrl-C");
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}

#[cfg(unix)]
fn installed(
    stream: std::io::Result<tokio::signal::unix::Signal>,
    name: &str,
) -> Option<tokio::signal::unix::Signal> {
    stream
        .map_err(|error| tracing::warn!(%error, "cannot listen for {name}"))
        .ok()
}

/// The next delivery of a signal; never, when its handler could not be installed.
#[cfg(unix)]
async fn recv(stream: &mut Option<tokio::signal::unix::Signal>) {
    match stream {
        Some(stream) => {
            stream.recv().await;
        }
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_line_names_the_url_and_reads_back() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let line = listening_line(addr, Scheme::Http);
        assert_eq!(
            line,
            "Doorstep collector listening on http://127.0.0.1:8080/ — open this address in a browser"
        );
        assert_eq!(parse_listening_line(&line), Some(addr));
        assert_eq!(parse_listening_line(&format!("{line}\n")), Some(addr));
    }

    #[test]
    fn ipv6_addresses_are_bracketed_in_the_url() {
        let addr: SocketAddr = "[::1]:9000".parse().unwrap();
        assert!(listening_line(addr, Scheme::Http).contains("http://[::1]:9000/"));
        assert_eq!(
            parse_listening_line(&listening_line(addr, Scheme::Http)),
            Some(addr)
        );
    }

    #[test]
    fn the_https_line_says_https_and_reads_back() {
        let addr: SocketAddr = "127.0.0.1:8443".parse().unwrap();
        let line = listening_line(addr, Scheme::Https);
        assert_eq!(
            line,
            "Doorstep collector listening on https://127.0.0.1:8443/ — open this address in a browser"
        );
        assert_eq!(parse_listening_line(&line), Some(addr));
        assert_eq!(parse_listening_line(&line.replace("https", "ftp")), None);
    }

    #[test]
    fn other_lines_are_not_mistaken_for_the_address() {
        assert_eq!(parse_listening_line("hello"), None);
        assert_eq!(parse_listening_line(""), None);
    }
}

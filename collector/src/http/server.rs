//! Starting and stopping the server: bind, announce the address, serve until Ctrl-C or
//! SIGTERM.
//!
//! The connections are hyper's HTTP/1 connections, as under `axum::serve`, but with a
//! timer: `axum::serve` gives hyper none, and without one hyper's timeout for reading a
//! request head does nothing, so a client trickling its headers in (slowloris) held a
//! connection for ever. Here the head must arrive within
//! [`Settings::header_timeout`](super::settings::Settings::header_timeout), which also
//! closes a kept-alive connection idle that long.
//!
//! On the shutdown signal the server first drains ([`Draining::drain`]): it goes on
//! accepting, refusing new uploads with `503 busy`, until the uploads in flight are done
//! (at most the request timeout); then it stops accepting and gives the connections open
//! at most [`CLOSE_LIMIT`] to finish what they are sending.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::Service;

use super::draining::Draining;
use super::metrics::{self, Metrics};
use super::settings::Settings;
use super::static_files::Dist;
use super::{app_with, Ops};
use crate::error::CollectorError;
use crate::store::intake::Intake;

/// How long the connections still open after a drain may take to finish (a receipt
/// being written, a page of the app being downloaded) before they are closed.
pub const CLOSE_LIMIT: Duration = Duration::from_secs(10);

/// What the stdout announcement starts with; the bound URL follows it.
pub const LISTENING_PREFIX: &str = "Doorstep collector listening on ";

/// What the stdout announcement ends with, after the bound URL.
pub const LISTENING_SUFFIX: &str = " — open this address in a browser";

/// The one line printed to stdout once the server is bound, e.g.
/// `Doorstep collector listening on http://127.0.0.1:8080/ — open this address in a browser`.
pub fn listening_line(addr: SocketAddr) -> String {
    format!("{LISTENING_PREFIX}http://{addr}/{LISTENING_SUFFIX}")
}

/// Reads the bound address back out of a [`listening_line`]; `None` for any other line.
pub fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    line.trim_end()
        .strip_prefix(LISTENING_PREFIX)?
        .strip_suffix(LISTENING_SUFFIX)?
        .strip_prefix("http://")?
        .strip_suffix('/')?
        .parse()
        .ok()
}

/// Binds `addr` (asked for by `--addr`), failing with [`CollectorError::Bind`] (most
/// often: the port is taken).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, CollectorError> {
    bind_for(addr, "--addr").await
}

/// Binds `addr`, asked for by `flag`, failing with [`CollectorError::Bind`].
pub async fn bind_for(addr: SocketAddr, flag: &'static str) -> Result<TcpListener, CollectorError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| CollectorError::Bind { addr, flag, source })
}

/// Serves `dist` (and batch intake, if given) on an already bound listener with
/// `settings` until `shutdown` completes, then drains (see the module). Prints the
/// [`listening_line`] first; with a `metrics` listener, serves [`metrics`] on it too and
/// prints its line second.
pub async fn serve_on(
    listener: TcpListener,
    dist: Dist,
    intake: Option<Intake>,
    settings: &Settings,
    metrics: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), CollectorError> {
    let addr = listener.local_addr().map_err(CollectorError::Serve)?;
    tracing::info!(dist = %dist.root().display(), %addr, "serving the app");
    let draining = Draining::new();
    let ops = Ops {
        draining: draining.clone(),
        metrics: metrics
            .as_ref()
            .map(|_| Metrics::new(intake.as_ref().map(|i| i.probe().clone()), draining.clone())),
    };
    announce(addr);
    if let (Some(listener), Some(collected)) = (metrics, ops.metrics.clone()) {
        tokio::spawn(metrics::serve(
            listener,
            collected,
            settings.header_timeout,
            std::future::pending(),
        ));
    }
    let limit = settings.request_timeout;
    let drained = async move {
        shutdown.await;
        draining.drain(limit).await;
    };
    serve(
        listener,
        app_with(dist, intake, settings, &ops),
        settings.header_timeout,
        drained,
    )
    .await;
    tracing::info!("stopped");
    Ok(())
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and waits
/// for the connections open to finish their requests (idle ones close at once). Each
/// request carries its peer's address as [`ConnectInfo`]; a request head must arrive
/// within `header_timeout`. Accept errors (too many open files…) are logged and retried
/// by axum's [`axum::serve::Listener`].
pub async fn serve(
    mut listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let connections = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
            () = &mut shutdown => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().call(request)
        });
        let connection = connections.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(CLOSE_LIMIT, connections.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "connections still open {} s after the drain; closing them",
            CLOSE_LIMIT.as_secs()
        );
    }
}

/// Prints the [`listening_line`].
fn announce(addr: SocketAddr) {
    announce_line(&listening_line(addr));
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
        let line = listening_line(addr);
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
        assert!(listening_line(addr).contains("http://[::1]:9000/"));
        assert_eq!(parse_listening_line(&listening_line(addr)), Some(addr));
    }

    #[test]
    fn other_lines_are_not_mistaken_for_the_address() {
        assert_eq!(parse_listening_line("hello"), None);
        assert_eq!(parse_listening_line(""), None);
    }
}

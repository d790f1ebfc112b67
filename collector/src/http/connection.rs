//! The connections of a listener: accept, make the TLS handshake if the listener serves
//! HTTPS, then serve HTTP on the connection with hyper, until shutdown. Over TLS the
//! protocol is the one ALPN chose (HTTP/2 or HTTP/1.1); over plain TCP it is HTTP/1.1,
//! as always.
//!
//! hyper is given a timer (`axum::serve` gives it none, and without one hyper's timeout
//! for reading a request head does nothing, so a client trickling its headers in held a
//! connection for ever). A TLS handshake and then each request head must arrive within
//! [`Settings::header_timeout`](super::settings::Settings::header_timeout), which also
//! closes a kept-alive HTTP/1 connection idle that long; an HTTP/2 connection is pinged
//! as often and closed when a ping goes unanswered that long.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tower::Service;

use super::client::Transport;

/// How long the connections still open after a drain may take to finish (a receipt
/// being written, a page of the app being downloaded) before they are closed.
pub const CLOSE_LIMIT: Duration = Duration::from_secs(10);

/// A connection: plain TCP, or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// Whether ALPN chose HTTP/2 (only ever over TLS).
    fn is_h2(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(tls) => tls.get_ref().1.alpn_protocol() == Some(b"h2"),
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// hyper's connection settings, one for each protocol a connection may speak.
struct Protocols {
    http1: auto::Builder<TokioExecutor>,
    http2: auto::Builder<TokioExecutor>,
}

impl Protocols {
    fn new(header_timeout: Duration) -> Protocols {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(header_timeout)
            .keep_alive_timeout(header_timeout);
        Protocols {
            http1: builder.clone().http1_only(),
            http2: builder.http2_only(),
        }
    }
}

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown` completes, then
/// stops accepting and waits, at most [`CLOSE_LIMIT`], for the connections open to finish
/// their requests (idle ones close at once). Each request carries its peer's address as [`ConnectInfo`] and
/// its connection's [`Transport`]; a TLS handshake, and then a request head, must arrive
/// within `header_timeout`. Accept errors (too many open files…) are logged and retried
/// by axum's [`axum::serve::Listener`].
pub async fn serve(
    mut listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let connections = GracefulShutdown::new();
    let protocols = Arc::new(Protocols::new(header_timeout));
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
        let tls = tls.clone();
        let protocols = Arc::clone(&protocols);
        // Watched from now, so shutdown waits for a handshake under way (it is bounded).
        let watcher = connections.watcher();
        tokio::spawn(async move {
            let stream = match tls {
                None => Stream::Plain(stream),
                Some(acceptor) => {
                    match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => Stream::Tls(Box::new(tls)),
                        Ok(Err(error)) => {
                            tracing::debug!(%peer, %error, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "TLS handshake not done in time");
                            return;
                        }
                    }
                }
            };
            let transport = Transport {
                tls: matches!(stream, Stream::Tls(_)),
            };
            let builder = if stream.is_h2() {
                &protocols.http2
            } else {
                &protocols.http1
            };
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo(peer));
                request.extensions_mut().insert(transport);
                app.clone().call(request)
            });
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            if let Err(error) = watcher.watch(connection).await {
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

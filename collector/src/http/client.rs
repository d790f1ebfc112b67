//! Who sent a request: its [`Client`], worked out once per request by [`identify`] from
//! the connection and, when the connection comes from a trusted reverse proxy
//! (`serve --behind-proxy`), from the proxy's `X-Forwarded-For` and `X-Forwarded-Proto`.
//!
//! From any other peer those headers are ignored: anybody can write them, so believing
//! them would let one address pose as many (and get a fresh allowance of failed token
//! tries each time, see [`super::throttle`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use survey::wire::ErrorCode;

use super::error::ApiError;

/// The client of a request, as far as the collector can tell: put in every request's
/// extensions by [`identify`], read by handlers as an extractor (`client: Client`).
///
/// Directly connected, it is the connection's peer and whether the connection is TLS.
/// Behind a trusted proxy (`--behind-proxy`), it is what the proxy reports: `addr` from
/// `X-Forwarded-For` (the right-most address that is not itself a trusted proxy),
/// `https` from `X-Forwarded-Proto`.
///
/// Anything that depends on who or how a request came should read it here and nowhere
/// else: the failed-token throttle counts per `addr`; a page that sets cookies must mark
/// them `Secure` when `https` is true (the coordinators' console will).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// The client's address.
    pub addr: IpAddr,
    /// Whether the client reached the collector (or its proxy) over HTTPS.
    pub https: bool,
}

/// How a connection reached the collector: set on each request by the server loop
/// ([`super::connection::serve`]). A request without it (an in-process test) came over plain
/// HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transport {
    /// Whether the connection is TLS (`--tls-cert`).
    pub tls: bool,
}

/// The reverse proxies whose forwarding headers are believed (`--behind-proxy`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Trusts the proxies at `networks` (none: every request is its own peer's).
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(networks)
    }

    /// Whether `addr` is one of the trusted proxies.
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.0.iter().any(|network| network.contains(&addr))
    }

    /// The [`Client`] of a request from `peer` (over TLS or not) with `headers`.
    pub fn client(&self, peer: IpAddr, tls: bool, headers: &HeaderMap) -> Client {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return Client {
                addr: peer,
                https: tls,
            };
        }
        Client {
            addr: self.forwarded_for(peer, headers),
            https: forwarded_proto(headers).unwrap_or(tls),
        }
    }

    /// Walks `X-Forwarded-For` from the right (the hop nearest the collector): each
    /// trusted proxy vouches for the hop before it, so the first address that is not a
    /// trusted proxy is the client. An entry that cannot be read stops the walk at the
    /// trusted proxy that wrote it (so garbage never makes a new address); a chain of
    /// trusted proxies only ends at its left-most one.
    fn forwarded_for(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer;
        let mut hops = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            match value.to_str() {
                Ok(text) => hops.extend(text.split(',').map(str::trim)),
                // An unreadable header: believe none of it.
                Err(_) => return peer,
            }
        }
        for hop in hops.iter().rev() {
            let Some(addr) = parse_hop(hop) else {
                break;
            };
            client = addr;
            if !self.contains(addr) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, maybe with a port (`203.0.113.7:4711`,
/// `[2001:db8::1]:4711`), as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let addr = hop
        .parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            let bracketed = hop.strip_prefix('[')?.strip_suffix(']')?;
            bracketed.parse::<IpAddr>().ok()
        })?;
    Some(addr.to_canonical())
}

/// The scheme the proxy nearest the collector reports (the last `X-Forwarded-Proto`
/// value): `Some(true)` for https, `Some(false)` for http, `None` for none or another.
fn forwarded_proto(headers: &HeaderMap) -> Option<bool> {
    let last = headers.get_all("x-forwarded-proto").iter().next_back()?;
    let scheme = last.to_str().ok()?.rsplit(',').next()?.trim();
    if scheme.eq_ignore_ascii_case("https") {
        Some(true)
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(false)
    } else {
        None
    }
}

/// Middleware: puts the request's [`Client`] in its extensions, from the peer address
/// the server loop gave it ([`ConnectInfo`], or a test's [`MockConnectInfo`]) and
/// `trusted`. Without a peer address (an in-process test without one) no client is put.
pub async fn identify(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let extensions = request.extensions();
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer)
        .or_else(|| {
            extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|MockConnectInfo(peer)| *peer)
        });
    let tls = extensions.get::<Transport>().is_some_and(|t| t.tls);
    if let Some(peer) = peer {
        let client = trusted.client(peer.ip(), tls, request.headers());
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Client, ApiError> {
        parts.extensions.get::<Client>().copied().ok_or_else(|| {
            ApiError::new(
                ErrorCode::Server,
                "the collector does not know the client's address (the router runs without its server)",
            )
        })
    }
}

/// Reads a `--behind-proxy` value: an address (`127.0.0.1`, `::1`) or a network in CIDR
/// notation (`10.0.0.0/8`, `fd00::/8`), or why it is not one.
pub fn parse_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<IpAddr>() {
        return Ok(IpNet::from(addr.to_canonical()));
    }
    text.parse::<IpNet>().map(|net| net.trunc()).map_err(|_| {
        format!("{text:?} is not an address or a network; write the proxy's address, e.g. 127.0.0.1, or its network, e.g. 10.0.0.0/8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|p| parse_proxy(p).unwrap()).collect())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(lines: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in lines {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let forged = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "https"),
        ]);
        for trusted in [proxies(&[]), proxies(&["10.0.0.0/8"])] {
            let client = trusted.client(ip("192.0.2.1"), false, &forged);
            assert_eq!(
                client,
                Client {
                    addr: ip("192.0.2.1"),
                    https: false
                }
            );
        }
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_the_scheme() {
        let trusted = proxies(&["127.0.0.1"]);
        let client = trusted.client(
            ip("127.0.0.1"),
            false,
            &headers(&[
                ("x-forwarded-for", "203.0.113.7"),
                ("x-forwarded-proto", "https"),
            ]),
        );
        assert_eq!(
            client,
            Client {
                addr: ip("203.0.113.7"),
                https: true
            }
        );
        let plain = trusted.client(ip("127.0.0.1"), true, &headers(&[]));
        assert_eq!(
            plain,
            Client {
                addr: ip("127.0.0.1"),
                https: true
            },
            "no headers: the proxy itself, over the connection's own scheme"
        );
    }

    #[test]
    fn the_right_most_address_that_is_not_a_proxy_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        let chain = |value: &str| {
            trusted
                .client(
                    ip("127.0.0.1"),
                    false,
                    &headers(&[("x-forwarded-for", value)]),
                )
                .addr
        };
        // A client that writes its own X-Forwarded-For only adds on the left.
        assert_eq!(chain("6.6.6.6, 203.0.113.7, 10.1.2.3"), ip("203.0.113.7"));
        assert_eq!(chain("203.0.113.7:4711"), ip("203.0.113.7"));
        assert_eq!(chain("[2001:db8::1]:4711"), ip("2001:db8::1"));
        assert_eq!(chain("::ffff:203.0.113.7"), ip("203.0.113.7"));
        // Garbage stops the walk at the trusted proxy that wrote it.
        assert_eq!(chain("203.0.113.7, unknown, 10.1.2.3"), ip("10.1.2.3"));
        assert_eq!(chain("unknown"), ip("127.0.0.1"));
        // Only proxies: the left-most of them.
        assert_eq!(chain("10.9.9.9, 10.1.2.3"), ip("10.9.9.9"));
        // Several headers are one list, in order.
        let split = trusted.client(
            ip("127.0.0.1"),
            false,
            &headers(&[
                ("x-forwarded-for", "203.0.113.7"),
                ("x-forwarded-for", "10.1.2.3"),
            ]),
        );
        assert_eq!(split.addr, ip("203.0.113.7"));
    }

    #[test]
    fn the_nearest_proxys_scheme_counts_and_anything_else_is_the_connections() {
        let trusted = proxies(&["127.0.0.1"]);
        let proto = |value: &str, tls: bool| {
            trusted
                .client(
                    ip("127.0.0.1"),
                    tls,
                    &headers(&[("x-forwarded-proto", value)]),
                )
                .https
        };
        assert!(proto("HTTPS", false));
        assert!(!proto("http", true));
        assert!(!proto("https, http", false));
        assert!(proto("gopher", true));
        assert!(!proto("gopher", false));
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        assert_eq!(
            parse_proxy("127.0.0.1").unwrap(),
            "127.0.0.1/32".parse::<IpNet>().unwrap()
        );
        assert_eq!(
            parse_proxy("10.1.2.3/8").unwrap(),
            "10.0.0.0/8".parse::<IpNet>().unwrap()
        );
        assert_eq!(
            parse_proxy("::1").unwrap(),
            "::1/128".parse::<IpNet>().unwrap()
        );
        assert!(proxies(&["fd00::/8"]).contains(ip("fd12::1")));
        assert!(proxies(&["127.0.0.1"]).contains(ip("::ffff:127.0.0.1")));
        for wrong in ["", "localhost", "10.0.0.0/33", "1.2.3"] {
            let error = parse_proxy(wrong).unwrap_err();
            assert!(error.contains("e.g. 127.0.0.1"), "{wrong}: {error}");
        }
    }
}

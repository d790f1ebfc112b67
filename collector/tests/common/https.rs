//! Certificates made for a test (a CA and server certificates for `doorstep.test` it
//! issues, with rcgen), and an HTTPS client: rustls with the test CA as its only root,
//! HTTP/1.1 or HTTP/2 as ALPN decides, through hyper's client connections.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// The name the test certificates are for (and the client asks for, by SNI).
pub const NAME: &str = "doorstep.test";

/// A certificate authority of the test's own.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A server certificate and its key, in PEM, and the certificate's DER.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl Ca {
    pub fn new() -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Ca { issuer }
    }

    /// A new certificate (with a new key) for [`NAME`].
    pub fn leaf(&self) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec![NAME.to_owned()])
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }

    /// A client trusting only this CA, offering `alpn` (e.g. `[b"h2", b"http/1.1"]`).
    pub fn client(&self, alpn: &[&[u8]]) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from(self.issuer.der().to_vec()))
            .unwrap();
        let mut config =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        TlsConnector::from(Arc::new(config))
    }
}

/// Where `serve` reads its certificate and key: a folder of the test's own.
pub struct TlsFiles {
    pub dir: tempfile::TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    /// `leaf` written as `cert.pem` and `key.pem`.
    pub fn with(leaf: &Leaf) -> TlsFiles {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles {
            cert: dir.path().join("cert.pem"),
            key: dir.path().join("key.pem"),
            dir,
        };
        files.replace(leaf);
        files
    }

    /// Writes `leaf` over the files, the key first (as a renewal might).
    pub fn replace(&self, leaf: &Leaf) {
        write(&self.key, leaf.key_pem.as_bytes());
        write(&self.cert, leaf.cert_pem.as_bytes());
    }

    /// `serve`'s flags for these files.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--tls-cert".into(),
            self.cert.display().to_string(),
            "--tls-key".into(),
            self.key.display().to_string(),
        ]
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A TLS connection to `addr` for [`NAME`].
pub async fn connect(connector: &TlsConnector, addr: SocketAddr) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from(NAME).unwrap();
    tokio::time::timeout(Duration::from_secs(20), connector.connect(name, tcp))
        .await
        .expect("a TLS handshake within 20 s")
        .expect("a TLS handshake")
}

/// The protocol ALPN chose on `stream`, if any.
pub fn alpn(stream: &TlsStream<TcpStream>) -> Option<Vec<u8>> {
    stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec)
}

/// The server certificate `stream` was shown, as DER.
pub fn peer_certificate(stream: &TlsStream<TcpStream>) -> Vec<u8> {
    stream.get_ref().1.peer_certificates().unwrap()[0].to_vec()
}

/// An answer: its HTTP version, status, headers and body.
#[derive(Debug)]
pub struct Answer {
    pub version: Version,
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Sends `method path` (with `headers` and `body`) on `stream` in the protocol ALPN
/// chose, and reads the whole answer.
pub async fn send(
    stream: TlsStream<TcpStream>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Answer {
    let h2 = alpn(&stream).as_deref() == Some(b"h2");
    let port = stream.get_ref().0.peer_addr().unwrap().port();
    let mut request = Request::builder().method(method);
    request = if h2 {
        request.uri(format!("https://{NAME}:{port}{path}"))
    } else {
        request.uri(path).header("host", format!("{NAME}:{port}"))
    };
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(Bytes::from(body))).unwrap();
    let io = TokioIo::new(stream);
    let response = if h2 {
        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
                .await
                .unwrap();
        tokio::spawn(connection);
        sender.send_request(request).await.unwrap()
    } else {
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(connection);
        sender.send_request(request).await.unwrap()
    };
    let version = response.version();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = tokio::time::timeout(Duration::from_secs(60), response.into_body().collect())
        .await
        .expect("a body within 60 s")
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        version,
        status,
        headers,
        body,
    }
}

/// `GET path` on a new connection from `connector` to `addr`.
pub async fn get(connector: &TlsConnector, addr: SocketAddr, path: &str) -> Answer {
    send(connect(connector, addr).await, "GET", path, &[], Vec::new()).await
}

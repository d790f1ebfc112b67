//! HTTPS (`serve --tls-cert FILE --tls-key FILE`): the certificate and key read from PEM
//! files, a rustls server configuration (ring; HTTP/2 and HTTP/1.1 offered by ALPN), and
//! the certificate reloaded when its files change on disk, without a restart.
//!
//! [`Certificates`] is the resolver rustls asks for the certificate of each handshake:
//! it hands out the one loaded last. [`Certificates::watch`] looks at the files'
//! modification times every [`Settings::tls_reload_interval`](super::settings::Settings::tls_reload_interval);
//! when either changed (a renewal), both are read again and, if they make a good pair,
//! new connections get the new certificate. If not (a file half written, a key that is
//! not the certificate's yet), the old one keeps serving, a warning names the file, and
//! the next change is tried again.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;

/// The PEM files given to `serve`: the certificate chain (the server's certificate first,
/// as certbot's `fullchain.pem`) and its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// `--tls-cert`.
    pub cert: PathBuf,
    /// `--tls-key`.
    pub key: PathBuf,
}

/// Which of the two files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// `--tls-cert`.
    Certificate,
    /// `--tls-key`.
    Key,
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Which::Certificate => "certificate",
            Which::Key => "private key",
        })
    }
}

impl Which {
    fn flag(self) -> &'static str {
        match self {
            Which::Certificate => "--tls-cert",
            Which::Key => "--tls-key",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Which::Certificate => "the certificate chain in PEM, e.g. certbot's fullchain.pem",
            Which::Key => "the certificate's private key in PEM, e.g. certbot's privkey.pem",
        }
    }
}

/// Why the certificate and key cannot be used. Each names the file and what to give
/// instead.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read (missing, a folder, no permission).
    #[error("cannot read the TLS {which} file {}: {source}; give {} {}", path.display(), which.flag(), which.example())]
    Read {
        /// Which file.
        which: Which,
        /// The path given.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },

    /// The file holds no PEM section of the kind expected, or a broken one.
    #[error("{} holds no readable PEM {which} ({reason}); give {} {}", path.display(), which.flag(), which.example())]
    NoPem {
        /// Which file.
        which: Which,
        /// The path given.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The certificate is PEM but not a certificate rustls can read.
    #[error("the certificate in {} cannot be read ({reason}); give --tls-cert the certificate chain in PEM, e.g. certbot's fullchain.pem", path.display())]
    BadCertificate {
        /// `--tls-cert`.
        path: PathBuf,
        /// rustls's reason.
        reason: String,
    },

    /// The key is of a kind rustls (ring) cannot sign with.
    #[error("the private key in {} cannot be used ({reason}); give --tls-key an RSA, ECDSA (P-256 or P-384) or Ed25519 key in PEM", path.display())]
    UnsupportedKey {
        /// `--tls-key`.
        path: PathBuf,
        /// rustls's reason.
        reason: String,
    },

    /// The key is not the one the certificate was issued for.
    #[error("the private key {} does not belong to the certificate {}; give --tls-key the key the certificate was issued for (certbot: privkey.pem beside fullchain.pem)", key.display(), cert.display())]
    KeyMismatch {
        /// `--tls-cert`.
        cert: PathBuf,
        /// `--tls-key`.
        key: PathBuf,
    },

    /// rustls refused the server configuration (its provider offers no protocol version).
    #[error("the TLS configuration cannot be made: {0}")]
    Config(#[source] rustls::Error),
}

/// The crypto provider: ring (aws-lc-rs would need cmake to build).
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads `files` into a certificate with its key, checking that they belong together.
pub fn load(files: &TlsFiles) -> Result<CertifiedKey, TlsError> {
    let read = |which: Which, path: &Path| {
        std::fs::read(path).map_err(|source| TlsError::Read {
            which,
            path: path.to_owned(),
            source,
        })
    };
    let no_pem = |which: Which, path: &Path, error: pem::Error| {
        let reason = match error {
            pem::Error::NoItemsFound => match which {
                Which::Certificate => "no CERTIFICATE section".to_owned(),
                Which::Key => "no PRIVATE KEY section".to_owned(),
            },
            other => other.to_string(),
        };
        TlsError::NoPem {
            which,
            path: path.to_owned(),
            reason,
        }
    };
    let cert_pem = read(Which::Certificate, &files.cert)?;
    let key_pem = read(Which::Key, &files.key)?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| no_pem(Which::Certificate, &files.cert, error))?;
    if chain.is_empty() {
        return Err(no_pem(
            Which::Certificate,
            &files.cert,
            pem::Error::NoItemsFound,
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|error| no_pem(Which::Key, &files.key, error))?;
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .map_err(|error| TlsError::UnsupportedKey {
            path: files.key.clone(),
            reason: error.to_string(),
        })?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        // ring knows every key's public half; were one not known, the handshake still
        // proves the pair.
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
            Ok(certified)
        }
        Err(rustls::Error::InconsistentKeys(_)) => Err(TlsError::KeyMismatch {
            cert: files.cert.clone(),
            key: files.key.clone(),
        }),
        Err(other) => Err(TlsError::BadCertificate {
            path: files.cert.clone(),
            reason: other.to_string(),
        }),
    }
}

/// The SHA-256 of the server's certificate, in hex: what the log names a certificate by
/// (and `openssl x509 -noout -fingerprint -sha256` prints).
pub fn fingerprint(key: &CertifiedKey) -> String {
    let der = key.cert.first().map(|c| c.as_ref()).unwrap_or_default();
    Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// What a file looked like when last read: its modification time and length (`None`
/// when it could not be looked at).
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// The certificate served to new connections, reloaded from its files when they change.
pub struct Certificates {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
}

impl fmt::Debug for Certificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificates")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl Certificates {
    /// Loads `files` (see [`load`]); the start-up check.
    pub fn open(files: TlsFiles) -> Result<Arc<Certificates>, TlsError> {
        let loaded = load(&files)?;
        tracing::info!(
            cert = %files.cert.display(),
            sha256 = %fingerprint(&loaded),
            "TLS certificate loaded"
        );
        Ok(Arc::new(Certificates {
            files,
            current: RwLock::new(Arc::new(loaded)),
        }))
    }

    /// The files read.
    pub fn files(&self) -> &TlsFiles {
        &self.files
    }

    /// The certificate new connections get now.
    pub fn current(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// What accepts TLS connections with these certificates: TLS 1.2 and 1.3, no client
    /// certificates, ALPN offering `h2` then `http/1.1`.
    pub fn acceptor(self: &Arc<Self>) -> Result<TlsAcceptor, TlsError> {
        let mut config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Config)?
            .with_no_client_auth()
            .with_cert_resolver(Arc::clone(self) as Arc<dyn ResolvesServerCert>);
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }

    /// Reads the files again if they changed since `seen`; returns what they look like
    /// now. A good new pair replaces the certificate; a bad one is logged and left.
    fn reload_if_changed(&self, seen: (Stamp, Stamp)) -> (Stamp, Stamp) {
        let now = (stamp(&self.files.cert), stamp(&self.files.key));
        if now == seen {
            return now;
        }
        match load(&self.files) {
            // Read again, the same (the files were touched, or read just as they changed).
            Ok(loaded) if loaded.cert == self.current().cert => {
                tracing::debug!(cert = %self.files.cert.display(), "TLS files touched, certificate unchanged");
            }
            Ok(loaded) => {
                tracing::info!(
                    cert = %self.files.cert.display(),
                    sha256 = %fingerprint(&loaded),
                    "TLS certificate loaded"
                );
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(loaded);
            }
            Err(error) => tracing::warn!(
                %error,
                "the TLS files changed but cannot be used: still serving the certificate loaded before (tried again when they change)"
            ),
        }
        now
    }

    /// Checks the files every `interval` for as long as the process runs, reloading them
    /// when they change. Must be called inside a Tokio runtime.
    pub fn watch(self: &Arc<Self>, interval: Duration) -> tokio::task::JoinHandle<()> {
        let certificates = Arc::clone(self);
        // What the files looked like when they were loaded (or just after: a change in
        // between is only read again, the same).
        let mut seen = (
            stamp(&certificates.files.cert),
            stamp(&certificates.files.key),
        );
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let checked = Arc::clone(&certificates);
                match tokio::task::spawn_blocking(move || checked.reload_if_changed(seen)).await {
                    Ok(now) => seen = now,
                    Err(error) => tracing::warn!(%error, "checking the TLS files failed"),
                }
            }
        })
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> TlsFiles {
        TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }

    #[test]
    fn a_missing_file_is_named_with_its_flag() {
        let dir = tempfile::tempdir().unwrap();
        let error = load(&files(dir.path())).unwrap_err();
        let message = error.to_string();
        assert!(
            matches!(
                error,
                TlsError::Read {
                    which: Which::Certificate,
                    ..
                }
            ),
            "{message}"
        );
        assert!(message.contains("cert.pem"), "{message}");
        assert!(message.contains("give --tls-cert"), "{message}");
    }

    #[test]
    fn files_without_pem_say_what_section_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let files = files(dir.path());
        std::fs::write(&files.cert, "not a certificate").unwrap();
        std::fs::write(&files.key, "not a key").unwrap();
        let message = load(&files).unwrap_err().to_string();
        assert!(message.contains("no CERTIFICATE section"), "{message}");
        assert!(message.contains("cert.pem"), "{message}");
    }
}

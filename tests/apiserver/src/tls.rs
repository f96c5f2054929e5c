//! TLS for the server: a fixed test CA and a server certificate for 127.0.0.1 and localhost
//! (valid until 2126), committed under `tests/apiserver/tls/`. Test material only: the key is
//! public.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The CA that signed the server certificate, for clients to trust.
pub const CA_PEM: &[u8] = include_bytes!("../tls/ca.crt");
const CERT_PEM: &[u8] = include_bytes!("../tls/server.crt");
const KEY_PEM: &[u8] = include_bytes!("../tls/server.key");

/// An acceptor serving the test certificate (rustls with the ring provider).
///
/// # Errors
/// When the committed certificate or key does not load.
pub fn acceptor() -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let bad = |e: &dyn std::fmt::Display| std::io::Error::other(format!("tests/apiserver/tls: {e}"));
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT_PEM)
        .collect::<Result<_, _>>()
        .map_err(|e| bad(&e))?;
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM).map_err(|e| bad(&e))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(&e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad(&e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

//! HTTPS for the evidence API (`--tls`): a leaf certificate for `127.0.0.1`, `::1` and
//! `localhost`, issued fresh at every start by the [local CA](ca) kept in the user's config
//! folder, served with rustls.
//!
//! rustls is the one reqwest already builds, with the same crypto provider (aws-lc-rs), so
//! HTTPS adds no second TLS stack and no OpenSSL. The server speaks HTTP/1.1 only (ALPN
//! `http/1.1`), as the plain listener does.

pub mod ca;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub use ca::{LocalCa, default_dir};

/// The names every leaf covers: what a client on this machine may call the API by.
pub const LEAF_NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];
/// A leaf lives this long (it is issued afresh at every start).
const LEAF_VALID_DAYS: u64 = 30;

/// Why HTTPS could not be set up. Each says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("no folder for the local CA: set XDG_CONFIG_HOME or HOME to an absolute path")]
    NoConfigDir,
    #[error("cannot {what} {path}: {source}")]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error(
        "the local CA's private key {path} can be read by others (mode {mode:o}): run chmod 600 on it, or delete the folder to get a new CA"
    )]
    KeyPermissions { path: PathBuf, mode: u32 },
    #[error(
        "the local CA's {what} {path} belongs to another user (uid {owner}): whoever owns it can replace the CA your clients trust; delete it, or set XDG_CONFIG_HOME to a folder of your own"
    )]
    NotOwned { what: &'static str, path: PathBuf, owner: u32 },
    #[error(
        "the local CA in {path} is damaged ({why}): delete its folder to get a new CA (clients must then trust the new one)"
    )]
    Corrupt { path: PathBuf, why: String },
    #[error("cannot generate a certificate: {0}")]
    Generate(rcgen::Error),
    #[error("cannot set up TLS: {0}")]
    Rustls(#[from] tokio_rustls::rustls::Error),
}

/// What a TLS listener needs: the acceptor, and the CA file clients are told to trust.
#[derive(Clone)]
pub struct TlsServer {
    pub acceptor: TlsAcceptor,
    pub ca_pem: PathBuf,
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsServer").field("ca_pem", &self.ca_pem).finish_non_exhaustive()
    }
}

impl TlsServer {
    /// Loads (or creates) the CA in `ca_dir` and issues a leaf for [`LEAF_NAMES`].
    pub fn from_ca_dir(ca_dir: &Path) -> Result<Self, TlsError> {
        let ca = LocalCa::load_or_create(ca_dir)?;
        let (chain, key) = issue_leaf(&ca)?;
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { acceptor: TlsAcceptor::from(Arc::new(config)), ca_pem: ca.pem_path().to_owned() })
    }

    /// As [`TlsServer::from_ca_dir`] with the user's config folder ([`default_dir`]).
    pub fn from_user_config() -> Result<Self, TlsError> {
        Self::from_ca_dir(&default_dir()?)
    }
}

/// A fresh key and a leaf certificate for [`LEAF_NAMES`], signed by `ca`.
fn issue_leaf(ca: &LocalCa) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
    let key = KeyPair::generate().map_err(TlsError::Generate)?;
    let mut p = CertificateParams::new(LEAF_NAMES.map(str::to_owned).to_vec()).map_err(TlsError::Generate)?;
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(rcgen::DnType::CommonName, "certcockpit evidence API");
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // Python 3.13's strict verification (VERIFY_X509_STRICT) wants the authority key id.
    p.use_authority_key_identifier_extension = true;
    ca::set_validity(&mut p, LEAF_VALID_DAYS);
    let cert = p.signed_by(&key, &ca.issuer()).map_err(TlsError::Generate)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((vec![cert.der().clone()], key_der))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_rustls::rustls::RootCertStore;
    use tokio_rustls::rustls::client::WebPkiServerVerifier;
    use tokio_rustls::rustls::client::danger::ServerCertVerifier;
    use tokio_rustls::rustls::pki_types::{ServerName, UnixTime};

    /// The leaf verifies against the CA alone for each of its names, and for no other name
    /// (webpki also enforces the CA's loopback name constraints here).
    #[test]
    fn the_leaf_verifies_for_loopback_names_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = LocalCa::load_or_create(dir.path()).expect("ca");
        let (chain, _) = issue_leaf(&ca).expect("leaf");
        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from(ca::pem_der(ca.cert_pem()).expect("der"))).expect("root");
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().expect("verifier");
        let check = |name: &str| {
            let name = ServerName::try_from(name.to_owned()).expect("name");
            verifier.verify_server_cert(&chain[0], &[], &name, &[], UnixTime::now())
        };
        for name in LEAF_NAMES {
            assert!(check(name).is_ok(), "{name}: {:?}", check(name));
        }
        assert!(check("example.com").is_err());
        assert!(check("10.0.0.1").is_err());
    }
}

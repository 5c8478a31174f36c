//! Which certificate authorities the cockpit trusts for the partner's listener: the system's
//! roots (as reqwest's platform verifier loads them on Linux, through `rustls-native-certs`)
//! plus a CA file the reviewer names (`--ca FILE`, `[settings.webhook] ca_file`), so that a
//! staging listener whose certificate comes from a test CA can be judged, and delivered to,
//! like a production one. The file is read and checked when the target is built, so a bad
//! file is an error naming it before anything is sent.

use std::path::{Path, PathBuf};

use tokio_rustls::rustls::RootCertStore;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject;

/// The largest CA file read: a bundle of a few hundred certificates is well under this.
const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// A CA file that could not be used, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the CA file {path}: {reason}")]
pub struct BadCa {
    pub path: String,
    pub reason: String,
}

/// The certificates of a CA file, checked as trust anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedCa {
    pub path: PathBuf,
    pub certs: Vec<CertificateDer<'static>>,
}

impl TrustedCa {
    /// Reads the PEM certificates of `path` (one or a bundle). Every one must be usable as a
    /// trust anchor; the error says which is not and why.
    pub fn load(path: &Path) -> Result<Self, BadCa> {
        let bad = |reason: String| BadCa { path: path.display().to_string(), reason };
        let bytes = crate::files::read_regular(path, MAX_CA_FILE).map_err(|e| bad(e.to_string()))?;
        let mut certs = Vec::new();
        for (i, cert) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
            let cert = cert.map_err(|e| bad(format!("certificate {} is not valid PEM ({e})", i + 1)))?;
            RootCertStore::empty()
                .add(cert.clone())
                .map_err(|e| bad(format!("certificate {} cannot be a trust anchor ({e})", i + 1)))?;
            certs.push(cert);
        }
        if certs.is_empty() {
            return Err(bad(
                "it holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA's certificate in PEM"
                    .into(),
            ));
        }
        Ok(Self { path: path.to_owned(), certs })
    }
}

/// The roots a listener's certificate is verified against: the system's, then `extra`'s.
/// Unparsable system certificates are skipped (as reqwest does); an empty store is possible
/// on a machine without a CA bundle, and then only `extra` verifies anything.
pub fn roots(extra: Option<&TrustedCa>) -> RootCertStore {
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(ca) = extra {
        store.add_parsable_certificates(ca.certs.iter().cloned());
    }
    store
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_a_pem_ca_and_names_a_bad_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = crate::checks::api::tls::LocalCa::load_or_create(dir.path()).expect("a test CA");
        let good = ca.pem_path().to_owned();
        let loaded = TrustedCa::load(&good).expect("loads");
        assert_eq!(loaded.certs.len(), 1);
        assert!(!roots(Some(&loaded)).is_empty());

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let err = TrustedCa::load(&empty).expect_err("no certificate").to_string();
        assert!(err.contains("empty.pem") && err.contains("no PEM certificate"), "{err}");
        let err = TrustedCa::load(&dir.path().join("missing.pem")).expect_err("missing").to_string();
        assert!(err.contains("missing.pem"), "{err}");
    }
}

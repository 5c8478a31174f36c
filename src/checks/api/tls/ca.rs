//! The local certificate authority: generated on first use, kept in the user's config folder,
//! and reused by every later session, so a partner trusts one file once (`SSL_CERT_FILE`,
//! `REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`) however often the cockpit restarts.
//!
//! - Folder: `$XDG_CONFIG_HOME/certcockpit/ca`, else `$HOME/.config/certcockpit/ca` (mode
//!   `0700`). The certificate is `certcockpit-ca.pem`; the private key `certcockpit-ca-key.pem`
//!   is created `0600` and refused when group or others can read it (as ssh does).
//! - The CA is name-constrained to loopback (`localhost`, `127.0.0.0/8`, `::1`): the key sits
//!   in a plain file, and even if it leaked, or someone added the certificate to a system
//!   store, it could not vouch for any real site.
//! - Two cockpits starting at once: the key is published with `link` (which never replaces an
//!   existing file), so exactly one CA wins and the other process loads it.
//! - The issuer's name is derived from its key, so loading needs no X.509 parser: the key and
//!   the fixed parameters rebuild the same issuer.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Datelike, Days, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DnType, GeneralSubtree, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, NameConstraints, date_time_ymd,
};
use sha2::{Digest, Sha256};

use super::TlsError;

pub const CA_CERT_FILE: &str = "certcockpit-ca.pem";
pub const CA_KEY_FILE: &str = "certcockpit-ca-key.pem";
/// How long the CA is valid from its creation.
const CA_VALID_DAYS: u64 = 3650;
/// How long another process may take between publishing the key and the certificate.
const PUBLISH_WAIT: Duration = Duration::from_secs(3);

/// The CA: its certificate file and its signing key (in memory only while serving).
pub struct LocalCa {
    pem_path: PathBuf,
    cert_pem: String,
    key: KeyPair,
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCa").field("pem_path", &self.pem_path).finish_non_exhaustive()
    }
}

/// `$XDG_CONFIG_HOME/certcockpit/ca` (when set and absolute, as the XDG spec requires), else
/// `$HOME/.config/certcockpit/ca`.
pub fn default_dir() -> Result<PathBuf, TlsError> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let base = match xdg {
        Some(p) => p,
        None => {
            let home = std::env::var_os("HOME").map(PathBuf::from).filter(|p| p.is_absolute());
            home.ok_or(TlsError::NoConfigDir)?.join(".config")
        }
    };
    Ok(base.join("certcockpit").join("ca"))
}

/// Refuses a CA file or folder that another user owns (as ssh refuses such keys): that user
/// could swap in a CA of their own. Root's own files are root's, so root passes too.
fn own(owner: u32, what: &'static str, path: &Path) -> Result<(), TlsError> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if owner == me { Ok(()) } else { Err(TlsError::NotOwned { what, path: path.to_owned(), owner }) }
}

impl LocalCa {
    /// Loads the CA kept in `dir`, or creates it there on first use.
    pub fn load_or_create(dir: &Path) -> Result<Self, TlsError> {
        let io = |what: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| TlsError::Io { what, path, source }
        };
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(io("create", dir))?;
        // `create` leaves a folder that already existed as it was: one made by hand (or by an
        // older version) with 0755 is tightened, one owned by someone else refused.
        let meta = fs::metadata(dir).map_err(io("read", dir))?;
        own(meta.uid(), "folder", dir)?;
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io("chmod 700", dir))?;
        }
        let key_path = dir.join(CA_KEY_FILE);
        let pem_path = dir.join(CA_CERT_FILE);
        if !key_path.exists() {
            create(dir, &key_path, &pem_path)?;
        }
        Self::load(&key_path, &pem_path)
    }

    fn load(key_path: &Path, pem_path: &Path) -> Result<Self, TlsError> {
        let meta = fs::metadata(key_path).map_err(|source| TlsError::Io {
            what: "read",
            path: key_path.to_owned(),
            source,
        })?;
        own(meta.uid(), "private key", key_path)?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(TlsError::KeyPermissions { path: key_path.to_owned(), mode });
        }
        let key_pem = fs::read_to_string(key_path).map_err(|source| TlsError::Io {
            what: "read",
            path: key_path.to_owned(),
            source,
        })?;
        let key = KeyPair::from_pem(&key_pem)
            .map_err(|e| TlsError::Corrupt { path: key_path.to_owned(), why: e.to_string() })?;
        // The other process publishes the key first, then the certificate.
        let waited = std::time::Instant::now();
        let cert_pem = loop {
            match fs::read_to_string(pem_path) {
                Ok(pem) => break pem,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && waited.elapsed() < PUBLISH_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // A key with no certificate: its creator died between publishing the two
                    // (or the certificate was deleted). No client can trust a certificate that
                    // was never published, and the issuer is rebuilt from the key alone, so
                    // the certificate is made again rather than the CA refused for good.
                    reissue(&key, pem_path)?;
                    break fs::read_to_string(pem_path).map_err(|source| TlsError::Io {
                        what: "read",
                        path: pem_path.to_owned(),
                        source,
                    })?;
                }
                Err(source) => return Err(TlsError::Io { what: "read", path: pem_path.to_owned(), source }),
            }
        };
        let der = pem_der(&cert_pem).ok_or_else(|| TlsError::Corrupt {
            path: pem_path.to_owned(),
            why: "no CERTIFICATE block".into(),
        })?;
        if !contains(&der, key.public_key_raw()) {
            return Err(TlsError::Corrupt {
                path: pem_path.to_owned(),
                why: format!("it does not match the key in {}", key_path.display()),
            });
        }
        Ok(Self { pem_path: pem_path.to_owned(), cert_pem, key })
    }

    /// The CA certificate's file, for the partner's client to trust.
    pub fn pem_path(&self) -> &Path {
        &self.pem_path
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// An issuer for signing leaf certificates.
    pub(super) fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::new(ca_params(&self.key), &self.key)
    }
}

/// Generates a CA and publishes it in `dir`: key first (with `link`, never replacing one that
/// another process published meanwhile), then the certificate.
fn create(dir: &Path, key_path: &Path, pem_path: &Path) -> Result<(), TlsError> {
    let key = KeyPair::generate().map_err(TlsError::Generate)?;
    let cert = ca_params(&key).self_signed(&key).map_err(TlsError::Generate)?;
    let nonce: u64 = rand::random();
    let tmp = |name: &str| dir.join(format!(".{name}.{}-{nonce:016x}.tmp", std::process::id()));
    let (key_tmp, cert_tmp) = (tmp(CA_KEY_FILE), tmp(CA_CERT_FILE));
    let written = write_new(&key_tmp, key.serialize_pem().as_bytes(), 0o600)
        .and_then(|()| write_new(&cert_tmp, cert.pem().as_bytes(), 0o644));
    if let Err(source) = written {
        let _ = fs::remove_file(&key_tmp);
        let _ = fs::remove_file(&cert_tmp);
        return Err(TlsError::Io { what: "write", path: dir.to_owned(), source });
    }
    let published = fs::hard_link(&key_tmp, key_path);
    let _ = fs::remove_file(&key_tmp);
    match published {
        Ok(()) => fs::rename(&cert_tmp, pem_path).map_err(|source| TlsError::Io {
            what: "write",
            path: pem_path.to_owned(),
            source,
        }),
        // Another cockpit was quicker: its CA is the one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = fs::remove_file(&cert_tmp);
            Ok(())
        }
        Err(source) => {
            let _ = fs::remove_file(&cert_tmp);
            Err(TlsError::Io { what: "write", path: key_path.to_owned(), source })
        }
    }
}

/// Publishes a new certificate for `key` at `pem_path`, never replacing one that another
/// process published meanwhile (`link`, as [`create`] does).
fn reissue(key: &KeyPair, pem_path: &Path) -> Result<(), TlsError> {
    let cert = ca_params(key).self_signed(key).map_err(TlsError::Generate)?;
    let dir = pem_path.parent().unwrap_or(Path::new("."));
    let nonce: u64 = rand::random();
    let tmp = dir.join(format!(".{CA_CERT_FILE}.{}-{nonce:016x}.tmp", std::process::id()));
    let io = |source| TlsError::Io { what: "write", path: pem_path.to_owned(), source };
    let written = write_new(&tmp, cert.pem().as_bytes(), 0o644).and_then(|()| fs::hard_link(&tmp, pem_path));
    let _ = fs::remove_file(&tmp);
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(e)),
    }
}

/// Creates `path` (never an existing file) with `mode` from the start, and syncs it.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The CA's fixed parameters. Its common name carries a fingerprint of its key, so each
/// machine's CA has a name of its own and the issuer can be rebuilt from the key alone.
fn ca_params(key: &KeyPair) -> CertificateParams {
    let mut p = CertificateParams::default();
    let fp = hex::encode(&Sha256::digest(key.public_key_raw())[..6]);
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::OrganizationName, "certcockpit");
    p.distinguished_name.push(DnType::CommonName, format!("certcockpit local evidence API CA {fp}"));
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![
            GeneralSubtree::DnsName("localhost".into()),
            GeneralSubtree::IpAddress(CidrSubnet::V4([127, 0, 0, 0], [255, 0, 0, 0])),
            GeneralSubtree::IpAddress(CidrSubnet::V6(std::net::Ipv6Addr::LOCALHOST.octets(), [0xff; 16])),
        ],
        excluded_subtrees: Vec::new(),
    });
    set_validity(&mut p, CA_VALID_DAYS);
    p
}

/// From yesterday (clock skew between processes) to `days` ahead, at day resolution.
pub(super) fn set_validity(p: &mut CertificateParams, days: u64) {
    let today = Utc::now().date_naive();
    let day = |d: chrono::NaiveDate| {
        date_time_ymd(d.year(), u8::try_from(d.month()).unwrap_or(1), u8::try_from(d.day()).unwrap_or(1))
    };
    let from = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(days)).unwrap_or(today);
    p.not_before = day(from);
    p.not_after = day(to);
}

/// The DER of the first `CERTIFICATE` block of `pem`.
pub(super) fn pem_der(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body = pem.split("-----BEGIN CERTIFICATE-----").nth(1)?.split("-----END CERTIFICATE-----").next()?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_reused_with_a_private_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca_dir = dir.path().join("certcockpit").join("ca");
        let first = LocalCa::load_or_create(&ca_dir).expect("create");
        let mode = fs::metadata(ca_dir.join(CA_KEY_FILE)).expect("key").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = fs::metadata(&ca_dir).expect("dir").permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
        let again = LocalCa::load_or_create(&ca_dir).expect("load");
        assert_eq!(first.cert_pem(), again.cert_pem());
        assert_eq!(again.pem_path(), ca_dir.join(CA_CERT_FILE));
        assert!(!again.cert_pem().contains("PRIVATE KEY"));
    }

    #[test]
    fn a_key_others_can_read_is_refused_and_a_mismatch_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = dir.path().join("ca");
        LocalCa::load_or_create(&ca).expect("create");
        let key = ca.join(CA_KEY_FILE);
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = LocalCa::load_or_create(&ca).expect_err("refused");
        assert!(e.to_string().contains("chmod 600"), "{e}");
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).expect("chmod");

        let other = dir.path().join("other");
        LocalCa::load_or_create(&other).expect("create");
        fs::copy(other.join(CA_CERT_FILE), ca.join(CA_CERT_FILE)).expect("copy");
        let e = LocalCa::load_or_create(&ca).expect_err("mismatch");
        assert!(e.to_string().contains("does not match"), "{e}");
    }

    /// A folder that existed before (made by hand, 0755) is tightened to 0700; one owned by
    /// another user is refused, as a key of another user's is (checked only when the tests run
    /// as root, the one user who can hand a file to someone else).
    #[test]
    fn a_loose_folder_is_tightened_and_another_users_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = dir.path().join("ca");
        fs::create_dir(&ca).expect("mkdir");
        fs::set_permissions(&ca, fs::Permissions::from_mode(0o755)).expect("chmod");
        LocalCa::load_or_create(&ca).expect("create");
        assert_eq!(fs::metadata(&ca).expect("dir").permissions().mode() & 0o777, 0o700);
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("not root: the ownership refusal is not exercised");
            return;
        }
        let nobody = 65534;
        std::os::unix::fs::chown(ca.join(CA_KEY_FILE), Some(nobody), None).expect("chown key");
        let e = LocalCa::load_or_create(&ca).expect_err("another user's key").to_string();
        assert!(e.contains("private key") && e.contains("uid 65534"), "{e}");
        std::os::unix::fs::chown(ca.join(CA_KEY_FILE), Some(0), None).expect("chown back");
        std::os::unix::fs::chown(&ca, Some(nobody), None).expect("chown folder");
        let e = LocalCa::load_or_create(&ca).expect_err("another user's folder").to_string();
        assert!(e.contains("folder") && e.contains("another user"), "{e}");
    }

    /// The key published, the certificate not (its creator killed between the two, or the
    /// file deleted): the next start makes the certificate again for the same key instead of
    /// failing on every start until the folder is deleted by hand.
    #[test]
    fn a_key_without_its_certificate_gets_the_certificate_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = dir.path().join("ca");
        let first = LocalCa::load_or_create(&ca).expect("create");
        fs::remove_file(ca.join(CA_CERT_FILE)).expect("delete the certificate");
        let again = LocalCa::load_or_create(&ca).expect("the certificate is made again");
        let der = pem_der(again.cert_pem()).expect("der");
        assert!(contains(&der, first.key.public_key_raw()), "the same key");
        let left: Vec<_> = fs::read_dir(&ca).expect("dir").filter_map(|e| e.ok()).collect();
        assert_eq!(left.len(), 2, "no temporary file left");
    }

    #[test]
    fn racing_creators_end_with_one_ca() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = dir.path().join("ca");
        let pems: Vec<String> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| LocalCa::load_or_create(&ca).map(|c| c.cert_pem().to_owned())))
                .collect();
            hs.into_iter().map(|h| h.join().expect("thread").expect("ca")).collect()
        });
        assert!(pems.windows(2).all(|w| w[0] == w[1]));
        let left: Vec<_> = fs::read_dir(&ca).expect("dir").filter_map(|e| e.ok()).collect();
        assert_eq!(left.len(), 2, "only the key and the certificate remain");
    }
}

//! The reviewer's key: `certcockpit key init` writes an Ed25519 key pair into the user's config
//! folder — the folder the local TLS CA's folder is in: `$XDG_CONFIG_HOME/certcockpit`, else
//! `$HOME/.config/certcockpit` (mode `0700`):
//!
//! - `reviewer-key.pem`: the private key, PKCS#8 PEM, created `0600` (`O_EXCL`, never through a
//!   symlink) and refused when group or others can read it, as ssh does. It never leaves that
//!   file: no dossier, sidecar, package or report holds it.
//! - `reviewer-key.pub.pem`: the public key (SubjectPublicKeyInfo PEM) to hand to whoever
//!   verifies (`verify --key`).
//!
//! A fingerprint names a public key in records and output: `ed25519:` and the first 16 bytes
//! of the SHA-256 of the 32 raw public-key bytes, in hex.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

pub const PRIVATE_FILE: &str = "reviewer-key.pem";
pub const PUBLIC_FILE: &str = "reviewer-key.pub.pem";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no config folder for the reviewer key: set XDG_CONFIG_HOME or HOME to an absolute path")]
    NoConfigDir,
    #[error(
        "a reviewer key already exists in {0}; keep it, or replace it with `certcockpit key init --force` (evidence signed with the old key then verifies only with the old public key)"
    )]
    Exists(PathBuf),
    #[error("no reviewer key in {0}: make one with `certcockpit key init`")]
    Missing(PathBuf),
    #[error("cannot {what} {path}: {source}")]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{path} can be read by others (mode {mode:03o}): run `chmod 600 {path}`")]
    Permissions { path: PathBuf, mode: u32 },
    #[error("{path} is not a reviewer key: {why}; replace it with `certcockpit key init --force`")]
    Corrupt { path: PathBuf, why: String },
    #[error(
        "not a public key ({what}): {why}; give a PEM file (`reviewer-key.pub.pem`), its text, or the 32-byte key in base64"
    )]
    BadPublic { what: String, why: String },
    #[error("cannot generate a key: the system's random source failed: {0}")]
    Random(String),
}

/// `$XDG_CONFIG_HOME/certcockpit` (when set and absolute), else `$HOME/.config/certcockpit`:
/// the folder the local CA's `ca/` is in.
pub fn default_dir() -> Result<PathBuf, KeyError> {
    let ca = crate::checks::api::tls::ca::default_dir().map_err(|_| KeyError::NoConfigDir)?;
    ca.parent().map(Path::to_owned).ok_or(KeyError::NoConfigDir)
}

/// `ed25519:` + the first 16 bytes of SHA-256 of the raw public key, hex.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    format!("ed25519:{}", hex::encode(&digest[..16]))
}

/// A public key someone verifies with, and its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub key: VerifyingKey,
    pub fingerprint: String,
}

impl PublicKey {
    pub fn new(key: VerifyingKey) -> Self {
        Self { fingerprint: fingerprint(&key), key }
    }

    /// The key as SubjectPublicKeyInfo PEM.
    pub fn pem(&self) -> String {
        self.key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
    }

    /// Parses a public key given as text: SPKI PEM, or base64 of the 32 raw bytes or of the
    /// SPKI DER. `what` names where the text came from, for the error.
    pub fn parse(text: &str, what: &str) -> Result<Self, KeyError> {
        let bad = |why: String| KeyError::BadPublic { what: what.to_owned(), why };
        let text = text.trim();
        if text.contains("PRIVATE KEY") {
            return Err(bad("that is a private key; give the public one (`certcockpit key show`)".into()));
        }
        if text.starts_with("-----BEGIN") {
            return VerifyingKey::from_public_key_pem(text).map(Self::new).map_err(|e| bad(e.to_string()));
        }
        let bytes = BASE64.decode(text).map_err(|e| bad(format!("neither PEM nor base64 ({e})")))?;
        if let Ok(raw) = <[u8; 32]>::try_from(bytes.as_slice()) {
            return VerifyingKey::from_bytes(&raw).map(Self::new).map_err(|e| bad(e.to_string()));
        }
        VerifyingKey::from_public_key_der(&bytes).map(Self::new).map_err(|e| bad(e.to_string()))
    }

    /// `--key PUBLIC`: a file holding the key if `arg` names one, else the key's text.
    pub fn from_arg(arg: &str) -> Result<Self, KeyError> {
        let path = Path::new(arg);
        if !arg.starts_with("-----BEGIN") && path.is_file() {
            let text = crate::files::read_regular(path, 64 * 1024)
                .map_err(|e| KeyError::BadPublic { what: arg.to_owned(), why: e.to_string() })?;
            let text = String::from_utf8_lossy(&text);
            return Self::parse(&text, arg);
        }
        Self::parse(arg, "the --key text")
    }
}

/// The reviewer's key pair, loaded from its folder.
pub struct Reviewer {
    pub signing: SigningKey,
    pub public: PublicKey,
    pub private_path: PathBuf,
    pub public_path: PathBuf,
}

impl std::fmt::Debug for Reviewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviewer").field("public", &self.public.fingerprint).finish_non_exhaustive()
    }
}

/// Makes a new key pair in `dir`; refuses to replace one unless `force`.
pub fn init(dir: &Path, force: bool) -> Result<Reviewer, KeyError> {
    let io = |what: &'static str, path: &Path| {
        let path = path.to_owned();
        move |source| KeyError::Io { what, path, source }
    };
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(io("create", dir))?;
    let private_path = dir.join(PRIVATE_FILE);
    let public_path = dir.join(PUBLIC_FILE);
    if fs::symlink_metadata(&private_path).is_ok() {
        if !force {
            return Err(KeyError::Exists(dir.to_owned()));
        }
        fs::remove_file(&private_path).map_err(io("remove", &private_path))?;
    }
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, seed.as_mut())
        .map_err(|e| KeyError::Random(e.to_string()))?;
    let signing = SigningKey::from_bytes(&seed);
    let pem = signing
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Corrupt { path: private_path.clone(), why: e.to_string() })?;
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&private_path)
        .map_err(io("create", &private_path))?;
    f.write_all(pem.as_bytes()).and_then(|()| f.sync_all()).map_err(io("write", &private_path))?;
    let public = PublicKey::new(signing.verifying_key());
    crate::files::write_atomic(&public_path, public.pem().as_bytes()).map_err(io("write", &public_path))?;
    Ok(Reviewer { signing, public, private_path, public_path })
}

/// The key pair in `dir`, or `None` when there is none (no `reviewer-key.pem`).
pub fn load(dir: &Path) -> Result<Option<Reviewer>, KeyError> {
    let private_path = dir.join(PRIVATE_FILE);
    let meta = match fs::metadata(&private_path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(KeyError::Io { what: "read", path: private_path, source }),
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions { path: private_path, mode });
    }
    let pem = zeroize::Zeroizing::new(fs::read_to_string(&private_path).map_err(|source| KeyError::Io {
        what: "read",
        path: private_path.clone(),
        source,
    })?);
    let signing = SigningKey::from_pkcs8_pem(&pem)
        .map_err(|e| KeyError::Corrupt { path: private_path.clone(), why: e.to_string() })?;
    let public = PublicKey::new(signing.verifying_key());
    Ok(Some(Reviewer { signing, public, private_path, public_path: dir.join(PUBLIC_FILE) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_refuses_to_replace_a_key_unless_forced_and_keeps_it_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = init(dir.path(), false).expect("init");
        let mode = fs::metadata(&first.private_path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(matches!(init(dir.path(), false), Err(KeyError::Exists(_))));
        let loaded = load(dir.path()).expect("loads").expect("a key");
        assert_eq!(loaded.public, first.public);
        let second = init(dir.path(), true).expect("forced");
        assert_ne!(second.public, first.public);
        fs::set_permissions(&second.private_path, fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(load(dir.path()), Err(KeyError::Permissions { .. })));
    }

    #[test]
    fn a_public_key_parses_from_pem_raw_base64_or_der_and_never_from_a_private_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = init(dir.path(), false).expect("init");
        let pem = fs::read_to_string(&r.public_path).expect("public");
        assert_eq!(PublicKey::parse(&pem, "x").expect("pem"), r.public);
        let raw = BASE64.encode(r.public.key.as_bytes());
        assert_eq!(PublicKey::parse(&raw, "x").expect("raw"), r.public);
        let path = r.public_path.to_str().expect("utf-8");
        assert_eq!(PublicKey::from_arg(path).expect("file"), r.public);
        let private = fs::read_to_string(&r.private_path).expect("private");
        let err = PublicKey::parse(&private, "x").expect_err("private");
        assert!(err.to_string().contains("private key"), "{err}");
        assert!(PublicKey::parse("not a key", "x").is_err());
        assert!(r.public.fingerprint.starts_with("ed25519:") && r.public.fingerprint.len() == 8 + 32);
    }
}

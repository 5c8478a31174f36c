//! Reviewer signatures (#16 item 4): an Ed25519 key for the reviewer in the user's config
//! folder ([`key`]), evidence records signed when they are filed with that key present
//! ([`record`]), and the detached signature of a certification package's manifest
//! (`crate::package`). The cryptography is `ed25519-dalek`'s; nothing here is home-made but
//! the choice of bytes signed, documented in [`record`] and [`signed_message`].
//!
//! A signature binds a record to a key, not to a person: `verify --key PUBLIC` trusts exactly
//! the public keys it is given, and lists a record signed by any other key as such.

pub mod key;
pub mod record;

use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

pub use key::{KeyError, PublicKey, Reviewer, fingerprint};
pub use record::check as check_record;

/// The key evidence filed in this process is signed with (installed once at start-up by the
/// commands that file evidence; unit tests install none, so nothing they file is signed).
static SIGNER: OnceLock<SigningKey> = OnceLock::new();

/// Makes `key` the one filed evidence is signed with, for the rest of the process.
pub fn install(key: SigningKey) {
    let _ = SIGNER.set(key);
}

/// The installed signing key, if any.
pub fn signer() -> Option<&'static SigningKey> {
    SIGNER.get()
}

/// The 32 bytes an Ed25519 signature here is made over: `SHA-256(tag ‖ "\n" ‖ bytes)`, where
/// `tag` says what is signed (`certcockpit-evidence-v1`, `certcockpit-package-manifest-v1`), so
/// a signature of one kind can never be passed off as the other.
pub fn signed_message(tag: &str, bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update(b"\n");
    h.update(bytes);
    h.finalize().into()
}

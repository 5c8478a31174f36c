//! The certification package (`certcockpit export DOSSIER --output FILE.tar.gz`): one gzip'd tar
//! holding the dossier, the sidecar files its records name, the HTML report, and
//! `manifest.json` — the SHA-256 and size of every other file — with, when the reviewer has a
//! key, `manifest.sig`: an Ed25519 signature over the manifest's exact bytes (tag
//! `certcockpit-package-manifest-v1`, see `signing::signed_message`). The manifest names every
//! file, and the dossier's records name their sidecar digests, so one signature covers it all.
//!
//! `verify FILE.tar.gz` checks it offline ([`verify`]): every file against the manifest, the
//! manifest's signature (`--key`), then the dossier's records as `verify DOSSIER` does.
//!
//! A package comes from the partner: it is read as untrusted input ([`open`]). Only regular
//! files and folders are taken; an absolute path, a `..`, a symlink, a hard link or a device, an
//! entry over [`MAX_ENTRY_BYTES`], more than [`MAX_ENTRIES`] entries or [`MAX_TOTAL_BYTES`] in
//! all, or a name seen twice is refused with an error naming the entry. Files are written only
//! inside a fresh private temporary folder, by this code (never `tar`'s own unpacking), and the
//! folder is removed when the check ends.

mod export;
mod manifest;
mod open;
mod verify;

pub use export::{Exported, export};
pub use manifest::{MANIFEST, Manifest, ManifestEntry, SIGNATURE, SignatureFile, TAG};
pub use open::{MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, Opened, open};
pub use verify::{FileState, PackageCheck, verify};

/// Why a package could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("cannot {what} {path}: {cause}")]
    Io { what: &'static str, path: String, cause: String },
    #[error("{package}: entry {index} ({name}): {why}; the package was not unpacked")]
    Entry { package: String, index: usize, name: String, why: String },
    #[error("{package}: not a certification package: {why}")]
    NotAPackage { package: String, why: String },
}

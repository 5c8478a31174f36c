//! `manifest.json` and `manifest.sig` of a certification package.

use serde::{Deserialize, Serialize};

/// The manifest's name in the package.
pub const MANIFEST: &str = "manifest.json";
/// The manifest signature's name in the package.
pub const SIGNATURE: &str = "manifest.sig";
/// The tag of a manifest signature (`signing::signed_message`).
pub const TAG: &str = "certcockpit-package-manifest-v1";

/// What the package holds: every file but the manifest and its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The dossier's path in the package (`review.toml`).
    pub dossier: String,
    /// The HTML report's path in the package.
    pub report: String,
    /// When and by which build the package was made.
    pub created: String,
    pub build: String,
    pub files: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    pub bytes: u64,
}

/// `manifest.sig`: who signed the manifest and the signature (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureFile {
    pub signed_by: String,
    pub signature: String,
}

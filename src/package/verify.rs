//! `verify FILE.tar.gz`: a certification package checked offline — every file against the
//! manifest, the manifest's signature against the keys given, then the dossier's records.

use std::path::PathBuf;

use super::PackageError;
use super::manifest::{MANIFEST, Manifest, SIGNATURE, SignatureFile, TAG};
use super::open::{Opened, open, safe_components};
use crate::dossier::verify::Signature;
use crate::signing::PublicKey;
use crate::signing::record::verify_bytes;

/// One file of the package, against the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Matches,
    /// Its bytes are not those the manifest lists (changed after export).
    Changed {
        found: String,
    },
    /// Listed in the manifest, not in the package.
    Missing,
    /// In the package, not listed in the manifest.
    Unlisted,
}

impl FileState {
    pub fn describe(&self) -> String {
        match self {
            FileState::Matches => "matches the manifest".into(),
            FileState::Changed { found } => format!("changed: its SHA-256 is {found}, not the manifest's"),
            FileState::Missing => "listed in the manifest but not in the package".into(),
            FileState::Unlisted => "in the package but not listed in the manifest".into(),
        }
    }
}

/// What checking a package found; the unpacked copy lives as long as this.
#[derive(Debug)]
pub struct PackageCheck {
    pub opened: Opened,
    pub manifest: Manifest,
    pub files: Vec<(String, FileState)>,
    pub signature: Signature,
    /// The unpacked dossier, to verify as `verify DOSSIER` does.
    pub dossier: PathBuf,
}

impl PackageCheck {
    /// Every file matches, and the manifest signature holds (or was not asked for).
    pub fn is_verified(&self) -> bool {
        self.files.iter().all(|(_, s)| *s == FileState::Matches) && self.signature.is_verified()
    }
}

/// Unpacks and checks the package at `package`; `keys` as for `verify --key` (`None`: the
/// manifest signature is not checked).
pub fn verify(package: &std::path::Path, keys: Option<&[PublicKey]>) -> Result<PackageCheck, PackageError> {
    let label = package.display().to_string();
    let not = |why: String| PackageError::NotAPackage { package: label.clone(), why };
    let opened = open(package)?;
    let read = |name: &str| -> Result<Option<Vec<u8>>, PackageError> {
        let Some(path) = opened.path(name) else { return Ok(None) };
        std::fs::read(&path).map(Some).map_err(|e| PackageError::Io {
            what: "read",
            path: name.to_owned(),
            cause: e.to_string(),
        })
    };
    let manifest_bytes = read(MANIFEST)?.ok_or_else(|| not(format!("it has no {MANIFEST}")))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| not(format!("{MANIFEST}: line {}, column {}: {e}", e.line(), e.column())))?;
    let signature = match (keys, read(SIGNATURE)?) {
        (None, _) => Signature::NotChecked,
        (Some(_), None) => Signature::Unsigned,
        (Some(keys), Some(bytes)) => match serde_json::from_slice::<SignatureFile>(&bytes) {
            Err(e) => Signature::Invalid {
                fingerprint: "?".into(),
                why: format!("{SIGNATURE} does not parse: {e}"),
            },
            Ok(sig) => match keys.iter().find(|k| k.fingerprint == sig.signed_by) {
                None => Signature::UnknownKey { fingerprint: crate::text::short(&sig.signed_by) },
                Some(key) => match verify_bytes(key, TAG, &manifest_bytes, &sig.signature) {
                    Ok(()) => Signature::Valid { fingerprint: sig.signed_by },
                    Err(why) => {
                        Signature::Invalid { fingerprint: sig.signed_by, why: format!("{MANIFEST}: {why}") }
                    }
                },
            },
        },
    };
    let mut files = Vec::new();
    for entry in &manifest.files {
        let state = match opened.files.get(&entry.path) {
            None => FileState::Missing,
            Some(found) if *found == entry.sha256 => FileState::Matches,
            Some(found) => FileState::Changed { found: found.clone() },
        };
        files.push((entry.path.clone(), state));
    }
    for name in opened.files.keys() {
        if name != MANIFEST && name != SIGNATURE && !manifest.files.iter().any(|e| e.path == *name) {
            files.push((name.clone(), FileState::Unlisted));
        }
    }
    let parts = safe_components(&manifest.dossier).map_err(|why| not(format!("its dossier {why}")))?;
    if parts.len() != 1 || !manifest.dossier.ends_with(".toml") {
        return Err(not(format!(
            "its dossier `{}` is not a .toml file at the top",
            crate::text::short(&manifest.dossier)
        )));
    }
    let dossier = opened
        .path(&manifest.dossier)
        .ok_or_else(|| not(format!("the dossier {} is not in it", crate::text::short(&manifest.dossier))))?;
    Ok(PackageCheck { opened, manifest, files, signature, dossier })
}

//! Writing a certification package (see the module doc of `package`).

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signer, SigningKey};
use flate2::Compression;
use flate2::write::GzEncoder;

use super::PackageError;
use super::manifest::{MANIFEST, Manifest, ManifestEntry, SIGNATURE, SignatureFile, TAG};
use crate::dossier::{self, MAX_DOSSIER_BYTES, provenance, sidecar};
use crate::files;
use crate::report;
use crate::signing::{fingerprint, signed_message};

/// What [`export`] wrote.
#[derive(Debug)]
pub struct Exported {
    pub manifest: Manifest,
    /// The fingerprint of the key the manifest was signed with, if any.
    pub signed_by: Option<String>,
    /// Sidecar files the dossier names but that are not on disk (left out; `verify` will say
    /// "observations missing").
    pub missing: Vec<String>,
}

/// Packs the dossier at `dossier_path` into `output`, signing the manifest with `key` if given.
pub fn export(dossier_path: &Path, output: &Path, key: Option<&SigningKey>) -> color_eyre::Result<Exported> {
    let io = |what: &'static str, path: &Path| {
        let path = path.display().to_string();
        move |e: std::io::Error| PackageError::Io { what, path, cause: e.to_string() }
    };
    let (q, d) = report::load(dossier_path, None)?;
    let name = dossier_path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .unwrap_or("dossier.toml")
        .to_owned();
    let stem = Path::new(&name).file_stem().and_then(|s| s.to_str()).unwrap_or("dossier").to_owned();
    let text = files::read_regular(dossier_path, MAX_DOSSIER_BYTES).map_err(|e| PackageError::Io {
        what: "read",
        path: dossier_path.display().to_string(),
        cause: e.to_string(),
    })?;
    let mut contents: Vec<(String, Vec<u8>)> = vec![(name.clone(), text)];
    let folder = sidecar::folder_of(dossier_path);
    let mut missing = Vec::new();
    let mut digests: Vec<&str> = d.evidence.iter().filter_map(|e| e.observations_sha256.as_deref()).collect();
    digests.sort_unstable();
    digests.dedup();
    for digest in digests {
        // A digest is 64 hex digits; anything else is not a file name to follow.
        if !sidecar::is_digest(digest) {
            missing.push(digest.to_owned());
            continue;
        }
        let file = sidecar::file_in(&folder, digest);
        match files::read_regular(&file, sidecar::MAX_SIDECAR_BYTES) {
            Ok(gz) => contents.push((format!("{stem}.evidence/{digest}.jsonl.gz"), gz)),
            Err(_) => missing.push(file.display().to_string()),
        }
    }
    let report_name = format!("{stem}.html");
    contents.push((
        report_name.clone(),
        report::html::render(&report::verified(dossier_path, &q, &d)).into_bytes(),
    ));
    let manifest = Manifest {
        format: 1,
        dossier: name,
        report: report_name,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        build: provenance::build(),
        files: contents
            .iter()
            .map(|(path, bytes)| ManifestEntry {
                path: path.clone(),
                sha256: sidecar::sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    let mut signed_by = None;
    let mut entries = vec![(MANIFEST.to_owned(), manifest_bytes.clone())];
    if let Some(key) = key {
        let sig = key.sign(&signed_message(TAG, &manifest_bytes));
        let file = SignatureFile {
            signed_by: fingerprint(&key.verifying_key()),
            signature: BASE64.encode(sig.to_bytes()),
        };
        signed_by = Some(file.signed_by.clone());
        entries.push((SIGNATURE.to_owned(), serde_json::to_vec_pretty(&file)?));
    }
    entries.extend(contents);
    let gz = tar_gz(&entries).map_err(io("pack", output))?;
    dossier::save_atomic(output, &gz).map_err(|e| PackageError::Io {
        what: "write",
        path: output.display().to_string(),
        cause: e.to_string(),
    })?;
    Ok(Exported { manifest, signed_by, missing })
}

/// A gzip'd tar of `entries` (regular files, `0644`, folders implied by the paths).
fn tar_gz(entries: &[(String, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let mtime = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (path, bytes) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        tar.append_data(&mut header, path, bytes.as_slice())?;
    }
    tar.into_inner()?.finish()
}

//! Reading a package from the partner: entry by entry, each checked before a byte of it is
//! written, into a fresh private temporary folder (see the module doc of `package`).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

use super::PackageError;
use crate::dossier::sidecar;

/// The largest file taken from a package: a sidecar file's own limit.
pub const MAX_ENTRY_BYTES: u64 = sidecar::MAX_SIDECAR_BYTES;
/// The most bytes unpacked from one package.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// The most entries read from one package (a dossier of 10,000 records with their sidecar
/// files fits).
pub const MAX_ENTRIES: usize = 20_000;

/// A package unpacked into a temporary folder (removed when this is dropped).
#[derive(Debug)]
pub struct Opened {
    pub dir: tempfile::TempDir,
    /// Every regular file unpacked: its path in the package and the SHA-256 of its bytes.
    pub files: BTreeMap<String, String>,
}

impl Opened {
    /// The unpacked file at `name` (a path that was checked when unpacked).
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.files.contains_key(name).then(|| self.dir.path().join(name))
    }
}

/// The components of an entry's name, if it is a plain relative path: no leading `/`, no
/// `.` or `..`, no empty component (a folder's trailing `/` aside), no NUL or backslash.
pub fn safe_components(name: &str) -> Result<Vec<&str>, String> {
    if name.starts_with('/') {
        return Err("an absolute path".into());
    }
    if name.contains('\\') || name.contains('\0') {
        return Err("a backslash or NUL in the name".into());
    }
    let parts: Vec<&str> = name.strip_suffix('/').unwrap_or(name).split('/').collect();
    if parts.contains(&"..") {
        return Err("a path that climbs out of the package (`..`)".into());
    }
    if parts.iter().any(|p| p.is_empty() || *p == ".") {
        return Err("an empty or `.` path component".into());
    }
    Ok(parts)
}

/// Unpacks the package at `package` (see the module doc).
pub fn open(package: &Path) -> Result<Opened, PackageError> {
    let label = package.display().to_string();
    let io = |what: &'static str, path: &Path| {
        let path = path.display().to_string();
        move |e: std::io::Error| PackageError::Io { what, path, cause: e.to_string() }
    };
    let file = fs::File::open(package).map_err(io("open", package))?;
    if !file.metadata().map_err(io("read", package))?.is_file() {
        return Err(PackageError::NotAPackage { package: label, why: "not a regular file".into() });
    }
    let dir = tempfile::Builder::new()
        .prefix("certcockpit-package-")
        .tempdir()
        .map_err(io("create", Path::new("a temporary folder")))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let entries = archive
        .entries()
        .map_err(|e| PackageError::NotAPackage { package: label.clone(), why: e.to_string() })?;
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    for (index, entry) in entries.enumerate() {
        let index = index + 1;
        let refuse = |name: &str, why: String| PackageError::Entry {
            package: label.clone(),
            index,
            name: crate::text::short(name),
            why,
        };
        let mut entry = entry.map_err(|e| PackageError::NotAPackage {
            package: label.clone(),
            why: format!("entry {index} cannot be read (not gzip'd tar, or cut short): {e}"),
        })?;
        if index > MAX_ENTRIES {
            return Err(refuse("…", format!("more than {MAX_ENTRIES} entries")));
        }
        let name = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| refuse("?", "a name that is not UTF-8".into()))?;
        let parts = safe_components(&name).map_err(|why| refuse(&name, why))?;
        let kind = entry.header().entry_type();
        let target = parts.iter().fold(dir.path().to_owned(), |p, c| p.join(c));
        let clean = parts.join("/");
        match kind {
            tar::EntryType::Directory => {
                fs::create_dir_all(&target).map_err(io("create", &target))?;
                continue;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Symlink => {
                return Err(refuse(&name, "a symlink (packages hold regular files only)".into()));
            }
            tar::EntryType::Link => {
                return Err(refuse(&name, "a hard link (packages hold regular files only)".into()));
            }
            other => {
                return Err(refuse(&name, format!("a {other:?} entry (packages hold regular files only)")));
            }
        }
        let size = entry.size();
        if size > MAX_ENTRY_BYTES {
            return Err(refuse(
                &name,
                format!("{size} bytes, over the {MAX_ENTRY_BYTES}-byte limit of one file"),
            ));
        }
        total += size;
        if total > MAX_TOTAL_BYTES {
            return Err(refuse(&name, format!("the package unpacks to more than {MAX_TOTAL_BYTES} bytes")));
        }
        if files.contains_key(&clean) {
            return Err(refuse(&name, "a second file of the same name".into()));
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io("create", parent))?;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(&name, format!("cannot be read: {e}")))?;
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Err(refuse(&name, format!("over the {MAX_ENTRY_BYTES}-byte limit of one file")));
        }
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&target)
            .map_err(|e| refuse(&name, format!("cannot be unpacked: {e}")))?;
        out.write_all(&bytes).map_err(io("write", &target))?;
        files.insert(clean, sidecar::sha256_hex(&bytes));
    }
    Ok(Opened { dir, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_are_safe() {
        assert_eq!(
            safe_components("review.evidence/ab.jsonl.gz"),
            Ok(vec!["review.evidence", "ab.jsonl.gz"])
        );
        assert_eq!(safe_components("review.evidence/"), Ok(vec!["review.evidence"]));
        for bad in ["/etc/passwd", "../x", "a/../../x", "a//b", "./a", "", "a\\..\\b"] {
            assert!(safe_components(bad).is_err(), "{bad}");
        }
    }
}

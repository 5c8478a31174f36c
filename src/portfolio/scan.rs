//! Finding the candidate files under the folders `status` is given: every `.toml` file,
//! recursively, in name order (`walkdir`).
//!
//! Why these rules:
//! - Symlinks are followed (a team's review folder often links to others), but a link back to
//!   a folder being walked is a loop: `walkdir` detects it, and it is noted and not entered.
//! - One file reached by two names (a link, overlapping folders) is listed once, under the
//!   first name met, so a portfolio never counts a partner twice.
//! - Hidden entries (`.git`, a dossier's `.name.lock` and `.name.tmp-…` files) are not looked
//!   into below a given folder; a file named on the command line is always a candidate.
//! - Nothing is opened here; only names and file types are read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// How deep below a given folder the walk goes: far more than any review archive needs, and a
/// bound on a tree of links that is not a loop but never ends.
const MAX_DEPTH: usize = 32;

/// A folder named on the command line that is not there.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {cause}; name a folder of dossiers (or a dossier file)")]
pub struct MissingDir {
    pub path: String,
    pub cause: String,
}

/// What the walk found: the candidate files, and the entries it could not or would not enter.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    /// `(path, why)`: loops, unreadable folders, broken links.
    pub notes: Vec<(String, String)>,
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Walks every root (a folder, or a file taken as it is). A root that does not exist is an
/// error; anything that goes wrong below it is a note.
pub fn find(roots: &[PathBuf]) -> Result<Found, MissingDir> {
    for root in roots {
        if let Err(e) = std::fs::metadata(root) {
            return Err(MissingDir { path: root.display().to_string(), cause: e.to_string() });
        }
    }
    let mut found = Found::default();
    let mut seen = HashSet::new();
    for root in roots {
        let walk = WalkDir::new(root)
            .follow_links(true)
            .max_depth(MAX_DEPTH)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    found.notes.push(note_of(&e));
                    continue;
                }
            };
            let named = entry.depth() == 0;
            if !entry.file_type().is_file() || !(named || is_toml(entry.path())) {
                continue;
            }
            // Listed once, whatever the number of names it is reached by.
            let id = std::fs::canonicalize(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf());
            if seen.insert(id) {
                found.files.push(entry.into_path());
            }
        }
    }
    Ok(found)
}

fn note_of(e: &walkdir::Error) -> (String, String) {
    let path = e.path().map_or_else(String::new, |p| p.display().to_string());
    let why = if let Some(ancestor) = e.loop_ancestor() {
        format!("a symlink loop back to {}; not followed", ancestor.display())
    } else if let Some(io) = e.io_error() {
        match io.kind() {
            std::io::ErrorKind::NotFound => "a broken symlink; skipped".to_owned(),
            _ => format!("cannot read it: {io}; skipped"),
        }
    } else {
        format!("{e}; skipped")
    };
    (path, why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn finds_toml_files_once_and_notes_loops() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        for f in ["a/one.toml", "a/b/two.toml", "a/notes.txt", ".git/config.toml", "a/.d.toml.lock"] {
            std::fs::write(root.join(f), "").expect("write");
        }
        symlink("..", root.join("a/b/up")).expect("loop");
        symlink("one.toml", root.join("a/alias.toml")).expect("alias");
        symlink("nowhere.toml", root.join("a/broken.toml")).expect("broken");
        let found = find(&[root.to_path_buf()]).expect("walk");
        let names: Vec<String> =
            found.files.iter().map(|p| p.strip_prefix(root).expect("under").display().to_string()).collect();
        assert_eq!(names, ["a/alias.toml", "a/b/two.toml"], "{found:?}");
        let notes: Vec<&str> = found.notes.iter().map(|(_, why)| why.as_str()).collect();
        assert!(notes.iter().any(|n| n.contains("symlink loop")), "{notes:?}");
        assert!(notes.iter().any(|n| n.contains("broken symlink")), "{notes:?}");
    }

    #[test]
    fn a_missing_folder_is_an_error_and_a_named_file_is_taken() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = find(&[dir.path().join("nope")]).expect_err("missing");
        assert!(err.to_string().contains("nope"), "{err}");
        let file = dir.path().join("review.dossier");
        std::fs::write(&file, "").expect("write");
        assert_eq!(find(std::slice::from_ref(&file)).expect("file").files, [file]);
    }
}

//! Files someone else named or planted: a dossier is data written by whoever sent it, and it
//! names more files (its questionnaire, its API profile). Reading one must not hang on a FIFO,
//! read `/dev/zero` forever or load a gigabyte; writing one must not follow a symlink planted
//! where the temporary or lock file goes.
//!
//! - [`read_regular`]: regular files only (after following symlinks), opened with
//!   `O_NONBLOCK` so a FIFO cannot stall the open, and at most a stated number of bytes.
//! - [`resolve`]: the file a path finally names (through symlinks, dangling ones included), so
//!   a dossier reached through a symlink is saved to, and locked by, its target.
//! - [`create_new`]: a new file that is never a symlink or an existing file (`O_CREAT|O_EXCL`
//!   plus `O_NOFOLLOW`), with the umask applied to `0666`.

mod atomic;

pub use atomic::{TEMP_MARK, remove_stale_temps, temp_path, write_atomic, write_atomic_durably};

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The largest questionnaire or API profile file read (the built-in ones are under 10 KB).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Why [`read_regular`] refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(io::Error),
    #[error("not a regular file (it is {0}); name a regular file")]
    NotRegular(&'static str),
    #[error("{size} bytes is over the limit of {limit} bytes; is this the right file?")]
    TooLarge { size: u64, limit: u64 },
}

fn kind(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Reads `path` (symlinks followed) if it is a regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(kind(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    // The file may grow between the stat and the read: never take more than the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
}

/// The file `path` finally names: symlinks followed, also to a target that does not exist yet
/// (which is where a save creates it). A path with no symlink in it comes back absolute.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As many hops as the kernel allows (MAXSYMLINKS), then ELOOP like the kernel.
    for _ in 0..40 {
        match std::fs::canonicalize(&current) {
            Ok(p) => return Ok(p),
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            Err(_) => {}
        }
        let parent = match current.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let Some(name) = current.file_name().map(ToOwned::to_owned) else {
            return Err(io::Error::new(io::ErrorKind::NotFound, "the path names no file"));
        };
        match std::fs::symlink_metadata(&current) {
            // A dangling symlink: go on with what it points at.
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = parent.join(target);
            }
            // Not there at all: the folder must exist; the file is created in it.
            _ => return Ok(std::fs::canonicalize(&parent)?.join(name)),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Creates `path` as a new file: fails if anything (a file, a symlink, even a dangling one) is
/// already there. The mode is `0666` less the umask, like any new file.
pub fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o666)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("q.fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: mkfifo only creates a FIFO at a path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_regular(&fifo, 10), Err(ReadError::NotRegular("a FIFO"))));
        let err = read_regular(Path::new("/dev/zero"), 10).expect_err("device");
        assert!(err.to_string().contains("character device"), "{err}");
        assert!(matches!(read_regular(dir.path(), 10), Err(ReadError::NotRegular("a directory"))));
        let big = dir.path().join("big");
        std::fs::write(&big, [b'x'; 11]).expect("write");
        assert!(matches!(read_regular(&big, 10), Err(ReadError::TooLarge { size: 11, limit: 10 })));
        assert_eq!(read_regular(&big, 11).expect("fits").len(), 11);
    }

    #[test]
    fn resolves_symlinks_even_dangling_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().canonicalize().expect("canon");
        std::os::unix::fs::symlink("elsewhere/d.toml", real.join("link.toml")).expect("symlink");
        std::fs::create_dir(real.join("elsewhere")).expect("mkdir");
        assert_eq!(resolve(&real.join("link.toml")).expect("dangling"), real.join("elsewhere/d.toml"));
        std::fs::write(real.join("elsewhere/d.toml"), "x").expect("write");
        assert_eq!(resolve(&real.join("link.toml")).expect("live"), real.join("elsewhere/d.toml"));
        assert_eq!(resolve(&real.join("new.toml")).expect("new"), real.join("new.toml"));
    }

    #[test]
    fn create_new_never_follows_a_planted_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").expect("write");
        let planted = dir.path().join("planted");
        std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
        assert!(create_new(&planted).is_err());
        std::os::unix::fs::symlink(dir.path().join("nothing"), dir.path().join("dangling")).expect("symlink");
        assert!(create_new(&dir.path().join("dangling")).is_err());
        assert!(!dir.path().join("nothing").exists());
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
    }
}

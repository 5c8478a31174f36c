//! One cockpit per dossier: an OS file lock on `.<name>.lock` beside the dossier. The OS drops
//! the lock when the process dies, so a crash never leaves the dossier locked for good.
//!
//! The lock belongs to the file the dossier path finally names (symlinks followed), so two
//! names for one dossier are one lock. The lock file is opened with `O_NOFOLLOW` and must be a
//! plain file with one link: a symlink or hard link planted at its name is refused, never
//! truncated or written through.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Held while a dossier is open for writing; dropping it releases the lock.
#[derive(Debug)]
pub struct DossierLock {
    file: File,
    path: PathBuf,
}

/// Why a lock could not be taken.
#[derive(Debug)]
pub enum LockFailure {
    /// Another live process holds it; the text is what that process wrote (its pid).
    Held(String),
    /// The lock file could not be used; the path is the lock file's.
    Io(PathBuf, std::io::Error),
}

/// How often a waiting [`DossierLock::acquire_within`] tries again.
const POLL: Duration = Duration::from_millis(100);

impl DossierLock {
    /// The lock file for a dossier path (give it the resolved path: see the module doc).
    pub fn path_for(dossier: &Path) -> PathBuf {
        let name = dossier.file_name().map_or_else(|| "dossier".into(), |n| n.to_string_lossy().into_owned());
        dossier.with_file_name(format!(".{name}.lock"))
    }

    /// Takes the lock of the dossier at `dossier` (already resolved) or says who holds it.
    pub fn acquire(dossier: &Path) -> Result<Self, LockFailure> {
        let path = Self::path_for(dossier);
        let io = |e| LockFailure::Io(path.clone(), e);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
            .open(&path)
            .map_err(|e| {
                if e.raw_os_error() == Some(libc::ELOOP) {
                    io(std::io::Error::other(
                        "it is a symbolic link; remove it (a lock file is never a link)",
                    ))
                } else {
                    io(e)
                }
            })?;
        let meta = file.metadata().map_err(io)?;
        if !meta.file_type().is_file() || meta.nlink() != 1 {
            return Err(io(std::io::Error::other(
                "it is not a plain file of its own (a device, FIFO or hard link); remove it",
            )));
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = (&file).take(200).read_to_string(&mut holder);
                return Err(LockFailure::Held(holder.trim().to_owned()));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        write!(file, "pid {}", std::process::id()).map_err(io)?;
        Ok(Self { file, path })
    }

    /// Like [`acquire`](Self::acquire), trying again for up to `wait` while another process
    /// holds the lock.
    pub fn acquire_within(dossier: &Path, wait: Duration) -> Result<Self, LockFailure> {
        let deadline = Instant::now() + wait;
        loop {
            match Self::acquire(dossier) {
                Err(LockFailure::Held(holder)) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(LockFailure::Held(holder));
                    }
                    std::thread::sleep(POLL.min(deadline - now));
                }
                other => return other,
            }
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DossierLock {
    fn drop(&mut self) {
        // Remove first, then unlock: a process that opened the file before the removal
        // still contends on this inode's lock and simply gets it after us.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_symlink_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").expect("write");
        let dossier = dir.path().join("d.toml");
        std::os::unix::fs::symlink(&victim, DossierLock::path_for(&dossier)).expect("plant");
        let Err(LockFailure::Io(path, e)) = DossierLock::acquire(&dossier) else { panic!("must refuse") };
        assert_eq!(path, DossierLock::path_for(&dossier));
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    }

    #[test]
    fn a_planted_hard_link_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").expect("write");
        let dossier = dir.path().join("d.toml");
        std::fs::hard_link(&victim, DossierLock::path_for(&dossier)).expect("plant");
        assert!(matches!(DossierLock::acquire(&dossier), Err(LockFailure::Io(..))));
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    }

    #[test]
    fn waits_a_bounded_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dossier = dir.path().join("d.toml");
        let held = DossierLock::acquire(&dossier).expect("first");
        let start = Instant::now();
        assert!(matches!(
            DossierLock::acquire_within(&dossier, Duration::from_millis(300)),
            Err(LockFailure::Held(h)) if h.starts_with("pid ")
        ));
        assert!(start.elapsed() >= Duration::from_millis(300));
        drop(held);
        DossierLock::acquire_within(&dossier, Duration::from_millis(300)).expect("free again");
    }
}

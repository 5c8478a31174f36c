//! One cockpit per dossier: an OS file lock on `.<name>.lock` beside the dossier. The OS drops
//! the lock when the process dies, so a crash never leaves the dossier locked for good.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

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
    Io(std::io::Error),
}

impl DossierLock {
    /// The lock file for a dossier path.
    pub fn path_for(dossier: &Path) -> PathBuf {
        let name = dossier.file_name().map_or_else(|| "dossier".into(), |n| n.to_string_lossy().into_owned());
        dossier.with_file_name(format!(".{name}.lock"))
    }

    /// Takes the lock or says who holds it.
    pub fn acquire(dossier: &Path) -> Result<Self, LockFailure> {
        let path = Self::path_for(dossier);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(LockFailure::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(LockFailure::Held(holder.trim().to_owned()));
            }
            Err(TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
        }
        file.set_len(0).map_err(LockFailure::Io)?;
        file.rewind().map_err(LockFailure::Io)?;
        write!(file, "pid {}", std::process::id()).map_err(LockFailure::Io)?;
        Ok(Self { file, path })
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

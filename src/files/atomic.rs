//! Atomic replacement of a file: a temporary file beside it, `fsync`, `rename` over it, `fsync`
//! the folder. The temporary file's name is unpredictable and it is created with
//! `O_CREAT|O_EXCL|O_NOFOLLOW`, so a file or symlink planted at that name is never written
//! through. The target keeps its permission bits; a new one gets `0666` less the umask.
//! Temporary files left by processes that died mid-write (SIGKILL) are removed by the next
//! write to the same target.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use rand::Rng;

/// What sits between `.<name>` and the writer's pid in a temporary file's name.
pub const TEMP_MARK: &str = ".tmp-";

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned())
}

/// `.<name>.tmp-<pid>-<16 random hex digits>` beside `path`: the pid says whose it is (for
/// [`remove_stale_temps`]), the random part makes it unguessable.
pub fn temp_path(path: &Path) -> PathBuf {
    let random: u64 = rand::rng().random();
    path.with_file_name(format!(".{}{TEMP_MARK}{}-{random:016x}", file_name(path), std::process::id()))
}

/// Whether process `pid` is alive (or exists under another user).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes `.<name>.tmp-<pid>…` files beside `path` whose writer is no longer running (the old
/// `.<name>.tmp-<pid>` form included). Returns how many were removed. Never follows a symlink:
/// removing one removes the link only.
pub fn remove_stale_temps(path: &Path) -> usize {
    let prefix = format!(".{}{TEMP_MARK}", file_name(path));
    let Ok(entries) = fs::read_dir(folder(path)) else { return 0 };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let pid = rest.split('-').next().and_then(|p| p.parse::<i32>().ok());
        let Some(pid) = pid.filter(|p| *p > 0) else { continue };
        if pid != std::process::id() as i32 && !alive(pid) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Writes `bytes` to `path` atomically (see the module doc). A symlink at `path` is followed:
/// its target is replaced, the link stays. Once the rename is done the file *is* replaced, so
/// a failed `fsync` of the folder after it is not an error of the write (see
/// [`write_atomic_durably`] for a caller that says so).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_durably(path, bytes).map(drop)
}

/// [`write_atomic`], telling whether the replacement is known to be durable: `Ok(None)` when
/// the folder's `fsync` confirmed it, `Ok(Some(e))` when the file was replaced but that
/// `fsync` failed (some network and FUSE file systems refuse it; a power cut could then undo
/// the rename). Reporting such a write as failed would be untrue, and a caller that believed
/// it would take its own file for someone else's change.
pub fn write_atomic_durably(path: &Path, bytes: &[u8]) -> io::Result<Option<io::Error>> {
    let target = super::resolve(path)?;
    remove_stale_temps(&target);
    let mode = fs::metadata(&target).ok().map(|m| m.permissions().mode() & 0o7777);
    let tmp = temp_path(&target);
    let mut f = super::create_new(&tmp)?;
    let written = (|| {
        if let Some(mode) = mode {
            f.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    drop(f);
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(File::open(folder(&target)).and_then(|d| d.sync_all()).err())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("ls")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn keeps_the_mode_and_honours_the_umask() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        // A local file system syncs the folder: the replacement is confirmed durable.
        let unconfirmed = write_atomic_durably(&path, b"new").expect("write");
        assert!(unconfirmed.is_none(), "{unconfirmed:?}");
        assert_eq!(fs::read(&path).expect("read"), b"new");
        assert_eq!(fs::metadata(&path).expect("stat").permissions().mode() & 0o777, 0o600);
        let fresh = dir.path().join("r.md");
        write_atomic(&fresh, b"report").expect("write");
        // SAFETY: umask only reads and sets this process's file mode mask (set back at once).
        let umask = unsafe {
            let m = libc::umask(0o022);
            libc::umask(m);
            m
        };
        let expected = 0o666 & !umask;
        assert_eq!(fs::metadata(&fresh).expect("stat").permissions().mode() & 0o777, expected);
    }

    #[test]
    fn follows_a_symlinked_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.toml");
        fs::write(&real, "old").expect("write");
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_atomic(&link, b"new").expect("write");
        assert_eq!(fs::read_to_string(&real).expect("read"), "new");
        assert!(fs::symlink_metadata(&link).expect("lstat").file_type().is_symlink());
    }

    #[test]
    fn removes_temps_of_dead_writers_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        // A pid that cannot be running: above the kernel's pid_max ceiling (2^22).
        let dead = dir.path().join(".d.toml.tmp-4194399");
        let dead_new = dir.path().join(".d.toml.tmp-4194399-00000000deadbeef");
        let live = dir.path().join(format!(".d.toml.tmp-{}-0000000000000001", std::process::id()));
        let other = dir.path().join(".e.toml.tmp-4194399");
        for p in [&dead, &dead_new, &live, &other] {
            fs::write(p, "partial").expect("write");
        }
        write_atomic(&path, b"x").expect("write");
        let left = names(dir.path());
        assert!(!left.iter().any(|n| n.starts_with(".d.toml.tmp-4194399")), "{left:?}");
        assert!(left.iter().any(|n| n.starts_with(&format!(".d.toml.tmp-{}-", std::process::id()))));
        assert!(left.contains(&".e.toml.tmp-4194399".to_owned()));
    }
}

//! Bounding the partner's client as a process tree. The client runs as the leader of a process
//! group of its own, and the group is killed on every way a run ends (normal end, timeout, an
//! error, Ctrl-C or SIGTERM: [`GroupGuard`] kills it when dropped).
//!
//! A descendant can leave the group (`setsid`, `setpgid`) and so escape `killpg`. The bound
//! chosen for those, on Linux: the runner makes itself a *child subreaper*
//! (`PR_SET_CHILD_SUBREAPER`), so every orphaned descendant of the client — however many times
//! it forked or changed session — is reparented to the runner instead of init, and
//! [`sweep_orphans`] kills every process reparented to it once the run's group is gone. A
//! descendant whose own parent still lives is not reparented yet; the group kill ends its
//! parent (the client command's processes), which hands it to the sweep. So no descendant
//! outlives the run, unless it double-forked from a parent outside the group (impossible: every
//! ancestor up to the runner is the client's). Elsewhere only the group is killed.
//!
//! `check api` runs no other child than the client, so every process reparented to it is one of
//! the client's. The sweep makes at most [`SWEEP_ROUNDS`] passes, [`SWEEP_PAUSE`] apart.

use std::time::Duration;

/// Passes of [`sweep_orphans`] (each kills what was reparented since the last).
pub const SWEEP_ROUNDS: usize = 20;
/// Between passes: long enough for a killed process's orphans to be reparented.
pub const SWEEP_PAUSE: Duration = Duration::from_millis(25);

/// Makes this process the subreaper of its descendants (Linux); elsewhere a no-op. Returns
/// whether it took effect.
pub fn become_subreaper() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes one integer argument and changes only
        // this process's reparenting attribute.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1 as libc::c_ulong, 0, 0, 0) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Sends `signal` to the process group `pgid` (a child made its leader with `process_group(0)`).
pub fn signal_group(pgid: Option<u32>, signal: libc::c_int) {
    let Some(pgid) = pgid.and_then(|p| libc::pid_t::try_from(p).ok()) else { return };
    if pgid <= 1 {
        return;
    }
    // SAFETY: killpg only sends a signal; the group is the one our child leads, and a group
    // that no longer exists just yields ESRCH.
    unsafe {
        libc::killpg(pgid, signal);
    }
}

/// Kills the client's process group when dropped, then sweeps the orphans it leaves: whatever
/// way the run ends (an early `?`, a panic unwinding, a signal), nothing of the client stays.
#[derive(Debug)]
pub struct GroupGuard {
    pgid: Option<u32>,
}

impl GroupGuard {
    pub fn new(pgid: Option<u32>) -> Self {
        Self { pgid }
    }

    /// Kills the group and every reparented descendant now; returns how many of the latter
    /// there were.
    pub fn kill_all(&self) -> usize {
        signal_group(self.pgid, libc::SIGKILL);
        sweep_orphans()
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// Kills (SIGKILL) and reaps every process reparented to this one, pass after pass until a
/// pass finds none (at most [`SWEEP_ROUNDS`]). Returns how many were killed. Blocking, but
/// short: each pass reads `/proc` once.
pub fn sweep_orphans() -> usize {
    let mut killed = 0;
    for round in 0..SWEEP_ROUNDS {
        let orphans = children_of(std::process::id());
        if orphans.is_empty() {
            break;
        }
        for (pid, zombie) in &orphans {
            let Ok(pid) = libc::pid_t::try_from(*pid) else { continue };
            if !zombie {
                // SAFETY: kill only sends a signal to a process that is our child.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
                killed += 1;
            }
        }
        std::thread::sleep(if round == 0 { SWEEP_PAUSE / 5 } else { SWEEP_PAUSE });
        for (pid, _) in &orphans {
            let Ok(pid) = libc::pid_t::try_from(*pid) else { continue };
            let mut status = 0;
            // SAFETY: waitpid on one pid that is our child (reparented to us), without blocking;
            // the status is written into a local.
            unsafe {
                libc::waitpid(pid, &mut status, libc::WNOHANG);
            }
        }
    }
    killed
}

/// The processes whose parent is `parent` (from `/proc`), each with whether it is a zombie.
fn children_of(parent: u32) -> Vec<(u32, bool)> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        if let Some((ppid, state)) = parse_stat(&stat)
            && ppid == parent
        {
            out.push((pid, state == 'Z'));
        }
    }
    out
}

/// The parent pid and state of a `/proc/PID/stat` line. The command name (in parentheses) may
/// hold spaces and parentheses itself, so the fields are read after its last `)`.
fn parse_stat(stat: &str) -> Option<(u32, char)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((ppid, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_hostile_command_names() {
        assert_eq!(parse_stat("42 (sh) S 7 42 42 0"), Some((7, 'S')));
        assert_eq!(parse_stat("43 (a) Z 1 (b) R 9) Z 12 43"), Some((12, 'Z')));
        assert_eq!(parse_stat("garbage"), None);
    }
}

//! Helpers shared by the integration-test crates (`tests/cli`, `tests/tui`, `tests/isolated`),
//! each of which includes this file with `#[path = "../support/mod.rs"] mod support;`.
//!
//! One place for what every crate used to copy: the binary under test, the interpreters that
//! run the peers (the Python venv and the Node packages `scripts/test` installs inside
//! `target/peers/`), starting a peer that announces its port, loopback ports, tmux, and the
//! lock that keeps the timing- and memory-sensitive tests apart.
//!
//! Peers are found like this, so that both `scripts/test` and a plain `cargo test` (once the
//! venv exists) run them with the right packages:
//! - Python: `$CERTCOCKPIT_PYTHON`, else `target/peers/venv/bin/python3` if it exists, else
//!   `python3` from `PATH`.
//! - Node: `node` from `PATH`, with `NODE_PATH` set to `$CERTCOCKPIT_NODE_PATH`, else
//!   `target/peers/node/node_modules` (peers use CommonJS `require`).

// Each crate uses only part of this module; what one crate leaves unused is not dead.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};

/// The `certcockpit` binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_certcockpit");

/// The repository root (where `Cargo.toml` is).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A `Command` for the binary under test.
pub fn command() -> Command {
    Command::new(BIN)
}

/// Runs the binary with `args` and nothing else set, and waits for it.
pub fn certcockpit(args: &[&str]) -> Output {
    command().args(args).output().expect("run certcockpit")
}

/// Lossy UTF-8 of a process's output.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `s` quoted for `sh -c` (the `--exec` client commands are run by a shell).
pub fn sh_quote(s: impl AsRef<std::ffi::OsStr>) -> String {
    format!("'{}'", s.as_ref().to_string_lossy().replace('\'', r"'\''"))
}

/// A peer script under `tests/peers/`.
pub fn peer(name: &str) -> PathBuf {
    repo().join("tests/peers").join(name)
}

/// The Python interpreter that has the peers' packages (see the module doc).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CERTCOCKPIT_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let venv = repo().join("target/peers/venv/bin/python3");
    if venv.exists() { venv } else { PathBuf::from("python3") }
}

/// `python() <peer>` as a `Command`.
pub fn python_peer(name: &str) -> Command {
    let mut cmd = Command::new(python());
    cmd.arg(peer(name));
    cmd
}

/// The Python interpreter quoted for a shell command line.
pub fn python_sh() -> String {
    sh_quote(python())
}

/// `python() <peer>` as a shell command line, for `check api --exec`.
pub fn python_peer_sh(name: &str) -> String {
    format!("{} {}", python_sh(), sh_quote(peer(name)))
}

/// Where the Node peers' packages are (see the module doc).
pub fn node_path() -> PathBuf {
    match std::env::var_os("CERTCOCKPIT_NODE_PATH").filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => repo().join("target/peers/node/node_modules"),
    }
}

/// `node tests/peers/node/<name>` with `NODE_PATH` pointing at the installed packages.
pub fn node_peer(name: &str) -> Command {
    let mut cmd = Command::new("node");
    cmd.arg(peer("node").join(name)).env("NODE_PATH", node_path());
    cmd
}

/// `NODE_PATH=… node tests/peers/node/<name>` as a shell command line, for `check api --exec`.
pub fn node_peer_sh(name: &str) -> String {
    format!("NODE_PATH={} node {}", sh_quote(node_path()), sh_quote(peer("node").join(name)))
}

/// A peer process that printed `LISTENING <port>` as its first line; killed when dropped.
pub struct Listening {
    pub child: Child,
    pub port: u16,
    /// `http://127.0.0.1:<port>/hook`, the webhook peers' path.
    pub url: String,
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Spawns `cmd` (its stdout piped) and waits for its `LISTENING <port>` line. `hint` says what
/// to do when it does not start (which packages it needs).
pub fn listening(mut cmd: Command, hint: &str) -> Listening {
    let mut child =
        cmd.stdout(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e} ({hint})"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read port");
    let port = line
        .strip_prefix("LISTENING ")
        .and_then(|p| p.trim().parse::<u16>().ok())
        .unwrap_or_else(|| panic!("the peer did not start ({hint}): {line:?}"));
    Listening { child, port, url: format!("http://127.0.0.1:{port}/hook") }
}

/// A loopback port that was free a moment ago (nothing listens on it once this returns).
pub fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Whether tmux can be run. When it cannot, says so on the real stderr (not the captured one,
/// so the message shows even for a passing run) and the caller skips its test.
pub fn tmux_available(test: &str) -> bool {
    match Command::new("tmux").arg("-V").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: tmux is not installed (apt-get install tmux, brew install tmux; \
                 scripts/test installs it when run as root)"
            );
            false
        }
    }
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Held by each test of `tests/isolated` so that they never run at the same time as each other
/// (libtest runs a crate's tests on several threads). A test that panicked while holding it
/// does not poison it for the others.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A copy of `tests/fixtures/verified/` (real filed evidence, see its README) in `dir`: the
/// dossier `review.toml` and its sidecar. Returns the dossier's path.
pub fn copy_verified_fixture(dir: &Path) -> PathBuf {
    let from = repo().join("tests/fixtures/verified");
    std::fs::create_dir(dir.join("review.evidence")).expect("mkdir");
    for entry in std::fs::read_dir(from.join("review.evidence")).expect("fixture sidecar") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.join("review.evidence").join(entry.file_name())).expect("copy");
    }
    std::fs::copy(from.join("review.toml"), dir.join("review.toml")).expect("copy");
    dir.join("review.toml")
}

/// Flips, by hand, the verdict of the first `check` record of the dossier at `path` from pass
/// to fail, as an editor would.
pub fn flip_to_fail(path: &Path, check: &str) {
    let toml = std::fs::read_to_string(path).expect("read");
    let at = toml.find(&format!("check = \"{check}\"")).unwrap_or_else(|| panic!("no {check} record"));
    let flipped =
        format!("{}{}", &toml[..at], toml[at..].replacen("verdict = \"pass\"", "verdict = \"fail\"", 1));
    assert_ne!(flipped, toml, "the {check} record passed");
    std::fs::write(path, flipped).expect("write");
}

//! Crash safety of the dossier save: a child process saves two alternating versions of a
//! dossier as fast as it can; the parent SIGKILLs it at random moments, many times, and checks
//! that the file on disk always parses and is exactly one of the two versions (never empty,
//! never a mix). The child is this same test binary, re-run with an environment variable.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use certcockpit::dossier::{self, Dossier, DossierStore};
use certcockpit::questionnaire;
use rand::Rng;

use crate::support;

const CHILD_ENV: &str = "CERTCOCKPIT_CRASH_CHILD_DOSSIER";
const ROUNDS: usize = 60;

fn version(d: &Dossier, n: usize) -> Dossier {
    let mut d = d.clone();
    // Large enough that a write takes more than one syscall, different enough to tell apart.
    for i in 0..400 {
        d.answer_mut(&format!("q{i}")).answer = format!("version {n} answer {i} {}", "x".repeat(n * 7 % 50));
    }
    d.dossier.integration = format!("version {n}");
    d
}

/// The child: saves versions 0 and 1 alternately until killed. Ignored in normal runs; the
/// parent test runs it with `--ignored`.
#[test]
#[ignore = "run by sigkill_during_saves_never_corrupts_the_dossier as its child"]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let q = questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (mut store, d, _) = DossierStore::open(Path::new(&path), &q).expect("open in child");
    let versions = [version(&d, 0), version(&d, 1)];
    let mut n = 0usize;
    loop {
        let _ = store.save(&versions[n % 2]);
        n += 1;
    }
}

#[test]
fn sigkill_during_saves_never_corrupts_the_dossier() {
    let _alone = support::serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crash.toml");
    let q = questionnaire::load("uniwise-wiseflow").expect("builtin");
    let exe = std::env::current_exe().expect("test binary");
    let mut rng = rand::rng();
    let mut saw = [0usize; 2];
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args(["crash_safety::crash_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        std::thread::sleep(Duration::from_millis(rng.random_range(20..120)));
        child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        let _ = child.wait();
        if !path.exists() {
            continue; // killed before its first save
        }
        let d = dossier::load(&path).unwrap_or_else(|e| panic!("round {round}: dossier corrupt: {e}"));
        match d.dossier.integration.as_str() {
            "version 0" => saw[0] += 1,
            "version 1" => saw[1] += 1,
            other => panic!("round {round}: unexpected content {other:?}"),
        }
        assert_eq!(d.answers.len(), 400, "round {round}: partial dossier");
        // The lock died with the child: the next round (and a cockpit) can open it.
        drop(DossierStore::open(&path, &q).expect("lock released by the kernel"));
    }
    assert!(saw[0] + saw[1] > ROUNDS / 2, "the child rarely got to save: {saw:?}");
}

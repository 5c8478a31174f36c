//! Issue 11 items 5–8 and the low ones, as the attacks were made: the real binary on a dossier
//! someone else planted things around (symlinked lock and temp files, a questionnaire that is a
//! device or a FIFO, a newer format, a huge file), a dossier held open by a cockpit while
//! `check --dossier` files into it, modes and umasks, CRLF and BOM.

use std::fs::{self, File};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{command, text};

/// A temporary folder by its real path (the lock belongs to the resolved dossier path).
fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().canonicalize().expect("canonical");
    (dir, real)
}

/// `check api` with a client that makes no request (fast; nothing judged) filing into `dossier`.
fn check_filing(dossier: &Path, extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = command();
    cmd.args(["check", "api", "--exec", "true", "--only", "trace.echo", "--json", "--dossier"]).arg(dossier);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run certcockpit")
}

/// Holds the dossier's lock the way an open cockpit does (an OS lock on `.<name>.lock`).
fn hold_lock(dossier: &Path) -> File {
    let name = dossier.file_name().expect("name").to_string_lossy().into_owned();
    let lock = dossier.with_file_name(format!(".{name}.lock"));
    let f =
        File::options().read(true).write(true).create(true).truncate(false).open(lock).expect("lock file");
    f.try_lock().expect("take the lock");
    std::io::Write::write_all(&mut &f, b"pid 4242").expect("holder");
    f
}

fn json_checks(out: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", text(&out.stdout)));
    v["checks"].as_array().cloned().unwrap_or_else(|| panic!("no checks: {v}"))
}

fn asides(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(".results-")))
        .collect()
}

#[test]
fn a_locked_dossier_still_gets_the_results_printed_set_aside_and_exit_3() {
    let (_dir, dir) = folder();
    let dossier = dir.join("d.toml");
    assert!(check_filing(&dossier, &[]).status.code().is_some_and(|c| c != 2));
    let before = fs::read(&dossier).expect("created");
    let _cockpit = hold_lock(&dossier);
    let start = Instant::now();
    let out = check_filing(&dossier, &[("CERTCOCKPIT_LOCK_WAIT", "1")]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(start.elapsed() >= Duration::from_secs(1), "waited the bounded time");
    assert!(stderr.contains("waiting up to 1 s"), "{stderr}");
    assert!(stderr.contains("already open in another certcockpit (pid 4242)"), "{stderr}");
    let checks = json_checks(&out);
    assert_eq!(checks.len(), 2, "the results are printed anyway");
    let aside = asides(&dir);
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(stderr.contains(&aside[0].display().to_string()), "says where: {stderr}");
    let kept: serde_json::Value = serde_json::from_slice(&fs::read(&aside[0]).expect("read")).expect("json");
    assert_eq!(kept["checks"].as_array().map(Vec::len), Some(2));
    assert_eq!(fs::read(&dossier).expect("read"), before, "the held dossier is untouched");
}

#[test]
fn a_lock_released_within_the_wait_is_taken_and_the_results_filed() {
    let (_dir, dir) = folder();
    let dossier = dir.join("d.toml");
    let cockpit = hold_lock(&dossier);
    let mut cmd = command();
    cmd.args(["check", "api", "--exec", "true", "--only", "trace.echo", "--dossier"])
        .arg(&dossier)
        .env("CERTCOCKPIT_LOCK_WAIT", "20")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    drop(cockpit);
    let out = child.wait_with_output().expect("wait");
    assert_ne!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let d = certcockpit::dossier::load(&dossier).expect("filed");
    assert_eq!(d.evidence.len(), 2);
    assert!(asides(&dir).is_empty());
}

#[test]
fn planted_lock_and_temp_symlinks_are_never_written_through() {
    let (_dir, dir) = folder();
    let dossier = dir.join("d.toml");
    check_filing(&dossier, &[]);
    let victim = dir.join("victim.txt");
    fs::write(&victim, "precious").expect("write");
    // The lock: refused, named, results kept.
    let lock = dir.join(".d.toml.lock");
    symlink(&victim, &lock).expect("plant lock");
    let out = check_filing(&dossier, &[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot use the lock file") && stderr.contains(".d.toml.lock"), "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!stderr.contains("cannot read dossier"), "names the lock, not the dossier: {stderr}");
    assert_eq!(fs::read_to_string(&victim).expect("read"), "precious");
    fs::remove_file(&lock).expect("unplant");
    // Temp files at the names the old code used (`.d.toml.tmp-<pid>`), for the pids the next
    // process is likely to get, and one of a dead process.
    let next = Command::new("true").spawn().expect("spawn").id();
    for pid in (next..next + 400).chain([4_194_399]) {
        symlink(&victim, dir.join(format!(".d.toml.tmp-{pid}"))).expect("plant temp");
    }
    let out = check_filing(&dossier, &[]);
    assert_ne!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(&victim).expect("read"), "precious");
    assert_eq!(certcockpit::dossier::load(&dossier).expect("saved").evidence.len(), 4);
    assert!(!dir.join(".d.toml.tmp-4194399").exists(), "a dead process's temp file is removed");
}

#[test]
fn a_symlinked_dossier_is_saved_to_its_target_and_locked_by_it() {
    let (_dir, dir) = folder();
    fs::create_dir(dir.join("store")).expect("mkdir");
    let real = dir.join("store/real.toml");
    let link = dir.join("link.toml");
    symlink("store/real.toml", &link).expect("symlink");
    check_filing(&link, &[]);
    assert!(fs::symlink_metadata(&link).expect("lstat").file_type().is_symlink(), "the link stays");
    assert_eq!(certcockpit::dossier::load(&real).expect("target written").evidence.len(), 2);
    let _cockpit = hold_lock(&real);
    let out = check_filing(&link, &[("CERTCOCKPIT_LOCK_WAIT", "0")]);
    assert_eq!(out.status.code(), Some(3), "two names, one lock: {}", text(&out.stderr));
}

#[test]
fn saving_keeps_the_mode_and_new_reports_honour_the_umask() {
    let (_dir, dir) = folder();
    let dossier = dir.join("d.toml");
    check_filing(&dossier, &[]);
    fs::set_permissions(&dossier, fs::Permissions::from_mode(0o600)).expect("chmod");
    check_filing(&dossier, &[]);
    assert_eq!(fs::metadata(&dossier).expect("stat").permissions().mode() & 0o777, 0o600);
    for (umask, mode) in [("077", 0o600), ("022", 0o644)] {
        let report = dir.join(format!("report-{umask}.md"));
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" report \"$1\" -o \"$2\""))
            .arg(crate::support::BIN)
            .arg(&dossier)
            .arg(&report)
            .output()
            .expect("sh");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(fs::metadata(&report).expect("stat").permissions().mode() & 0o777, mode, "umask {umask}");
    }
}

/// Runs the binary with a time bound: a hang is a failure, not a stuck test.
fn bounded(mut cmd: Command) -> Output {
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("certcockpit hung: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn questionnaire_paths_that_are_devices_fifos_or_huge_are_refused_without_blocking() {
    let (_dir, dir) = folder();
    let fifo = dir.join("q.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let huge = dir.join("huge.toml");
    File::create(&huge).expect("create").set_len(2 * 1024 * 1024).expect("sparse");
    for (q, says) in [
        ("/dev/zero", "character device"),
        (fifo.to_str().expect("utf8"), "FIFO"),
        (huge.to_str().expect("utf8"), "over the limit"),
    ] {
        let dossier = dir.join("planted.toml");
        fs::write(&dossier, format!("[dossier]\nquestionnaire = {q:?}\n")).expect("write");
        let mut review = command();
        review.arg("review").arg(&dossier);
        let out = bounded(review);
        let stderr = text(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains(says), "review, {q}: {stderr}");
        let mut report = command();
        report.arg("report").arg(&dossier).args(["--questionnaire", q]);
        let stderr = text(&bounded(report).stderr);
        assert!(stderr.contains(says), "report, {q}: {stderr}");
        let mut validate = command();
        validate.args(["validate", q]);
        let stderr = text(&bounded(validate).stderr);
        assert!(stderr.contains(says), "validate, {q}: {stderr}");
    }
}

#[test]
fn a_newer_format_and_an_oversized_dossier_are_refused_untouched() {
    let (_dir, dir) = folder();
    let future = dir.join("future.toml");
    let text99 = "[dossier]\nformat = 99\nquestionnaire = \"uniwise-wiseflow\"\n";
    fs::write(&future, text99).expect("write");
    let out = check_filing(&future, &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("format 99") && stderr.contains("newer"), "{stderr}");
    assert_eq!(json_checks(&out).len(), 2, "the run's results still print");
    assert_eq!(fs::read_to_string(&future).expect("read"), text99);
    let mut review = command();
    review.arg("review").arg(&future);
    assert!(text(&bounded(review).stderr).contains("format 99"));
    assert_eq!(fs::read_to_string(&future).expect("read"), text99);

    let big = dir.join("big.toml");
    File::create(&big).expect("create").set_len(9 * 1024 * 1024).expect("sparse");
    let mut report = command();
    report.arg("report").arg(&big);
    let stderr = text(&bounded(report).stderr);
    assert!(stderr.contains("size limit of 8388608 bytes"), "{stderr}");
}

#[test]
fn a_crlf_dossier_with_a_bom_stays_crlf_with_its_bom() {
    let (_dir, dir) = folder();
    let dossier = dir.join("win.toml");
    fs::write(&dossier, "\u{feff}# from Windows\r\n[dossier]\r\nquestionnaire = \"uniwise-wiseflow\"\r\n")
        .expect("write");
    let out = check_filing(&dossier, &[]);
    assert_ne!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let bytes = fs::read(&dossier).expect("read");
    assert!(bytes.starts_with("\u{feff}# from Windows\r\n".as_bytes()));
    let saved = String::from_utf8(bytes).expect("utf8");
    assert!(saved.contains("[[evidence]]\r\n"), "{saved:?}");
    assert!(!saved.replace("\r\n", "").contains('\n'), "a bare LF: {saved:?}");
}

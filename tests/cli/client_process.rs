//! The partner's client as a process, driven through the real binary the way issue 11's
//! attacks did: it must not read the reviewer's environment (a client that dumps `env`), must
//! not outlive the run (a client that calls `setsid`, or double-forks, or is running when the
//! reviewer presses Ctrl-C or the CI sends SIGTERM), and must not get its own credentials filed
//! (a client that prints its `Authorization` header).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support;

/// One quick check: the client runs once.
const ONE_CHECK: &str = "headers.client_name";

fn check_api(args: &[&str], envs: &[(&str, &str)]) -> Output {
    support::command()
        .args(["check", "api", "--timeout", "10", "--only", ONE_CHECK])
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("run certcockpit")
}

/// The `NAME=value` lines a client wrote with `env`.
fn env_names(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("the client wrote no env: {e}"));
    text.lines().filter_map(|l| l.split_once('=')).map(|(n, _)| n.to_owned()).collect()
}

#[test]
fn the_client_gets_a_minimal_environment_and_what_env_passes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("env.txt");
    let exec = format!("env > {}", support::sh_quote(&dump));
    let reviewer = [
        ("AWS_SECRET_ACCESS_KEY", "reviewer-aws-secret"),
        ("HOOK_SECRET", "reviewer-webhook-secret"),
        ("CERTCOCKPIT_WEBHOOK_SECRET", "not-the-clients"),
        ("PASSED_ON", "yes"),
        ("LANG", "C.UTF-8"),
        ("TERM", "xterm"),
    ];
    let out = check_api(&["--exec", &exec, "--env", "PASSED_ON"], &reviewer);
    assert!(out.status.code().is_some(), "{}", support::text(&out.stderr));
    let names = env_names(&dump);
    for want in [
        "PATH",
        "HOME",
        "LANG",
        "TERM",
        "PASSED_ON",
        "CERTCOCKPIT_BASE_URL",
        "CERTCOCKPIT_TOKEN_URL",
        "CERTCOCKPIT_CLIENT_ID",
        "CERTCOCKPIT_CLIENT_SECRET",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing from the client's environment: {names:?}");
    }
    let text = std::fs::read_to_string(&dump).expect("env");
    for leak in ["AWS_SECRET_ACCESS_KEY", "HOOK_SECRET", "CERTCOCKPIT_WEBHOOK_SECRET", "CERTCOCKPIT_SCENARIO"]
    {
        assert!(!names.iter().any(|n| n == leak), "{leak} reached the client: {names:?}");
    }
    assert!(!text.contains("reviewer-aws-secret") && !text.contains(ONE_CHECK), "{text}");
    // The shell adds PWD, SHLVL and `_` itself; nothing else may appear.
    let allowed = |n: &str| ["PWD", "SHLVL", "_", "OLDPWD"].contains(&n) || n.starts_with("CERTCOCKPIT_");
    let base = ["PATH", "HOME", "LANG", "TERM", "PASSED_ON"];
    let others: Vec<_> = names.iter().filter(|n| !allowed(n) && !base.contains(&n.as_str())).collect();
    assert!(others.is_empty(), "unexpected variables reached the client: {others:?}");

    let unset = check_api(&["--exec", "true", "--env", "CERTCOCKPIT_TEST_SURELY_UNSET"], &[]);
    assert_eq!(unset.status.code(), Some(2));
    assert!(support::text(&unset.stderr).contains("CERTCOCKPIT_TEST_SURELY_UNSET is not set"));
}

#[test]
fn over_tls_the_client_keeps_the_ca_variables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("env.txt");
    let exec = format!("env > {}", support::sh_quote(&dump));
    let config = dir.path().join("config");
    let out = check_api(&["--tls", "--exec", &exec], &[("XDG_CONFIG_HOME", config.to_str().expect("utf-8"))]);
    assert!(out.status.code().is_some(), "{}", support::text(&out.stderr));
    let names = env_names(&dump);
    for want in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] {
        assert!(names.iter().any(|n| n == want), "{want} missing over TLS: {names:?}");
    }
    assert!(!names.iter().any(|n| n == "XDG_CONFIG_HOME"), "{names:?}");
}

/// A Python snippet that leaves the client's session (`setsid`) in a child, optionally forking
/// again (a classic daemon), writes the survivor's pid to `pidfile`, and sleeps.
fn escapee(pidfile: &Path, double_fork: bool) -> String {
    let script = format!(
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if {double_fork} and os.fork() != 0:\n        os._exit(0)\n    open({file:?}, 'w').write(str(os.getpid()))\n    time.sleep(300)\n    os._exit(0)\n",
        double_fork = if double_fork { "True" } else { "False" },
        file = pidfile.to_str().expect("utf-8"),
    );
    format!("{} -c {}", support::python_sh(), support::sh_quote(script))
}

fn alive(pid: i32) -> bool {
    // A zombie has been killed; only a process still running counts.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim_start().chars().next()))
        .is_some_and(|state| state != Some('Z'))
}

fn wait_for_pid(pidfile: &Path) -> i32 {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Some(pid) = std::fs::read_to_string(pidfile).ok().and_then(|s| s.trim().parse().ok()) {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the client never wrote {}", pidfile.display());
}

fn gone_within(pid: i32, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Kills `pid` if a failing assertion left it running.
struct Reap(i32);

impl Drop for Reap {
    fn drop(&mut self) {
        // SAFETY: kill only sends a signal, to the test's own leftover process.
        unsafe {
            libc::kill(self.0, libc::SIGKILL);
        }
    }
}

#[test]
fn a_client_that_calls_setsid_does_not_outlive_a_normal_run() {
    for double_fork in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let pidfile = dir.path().join("pid");
        // The client waits for its escapee to be running, then exits 0.
        let exec = format!(
            "{} & while [ ! -s {file} ]; do sleep 0.05; done; exit 0",
            escapee(&pidfile, double_fork),
            file = support::sh_quote(&pidfile)
        );
        let out = check_api(&["--exec", &exec, "--json"], &[]);
        let pid = wait_for_pid(&pidfile);
        let _reap = Reap(pid);
        assert!(out.status.code().is_some(), "{}", support::text(&out.stderr));
        assert!(
            gone_within(pid, Duration::from_secs(2)),
            "the escapee {pid} (double fork: {double_fork}) outlived `check api`"
        );
        let stdout = support::text(&out.stdout);
        assert!(stdout.contains("outlived it outside its process group and were killed"), "{stdout}");
    }
}

#[test]
fn sigterm_and_ctrl_c_kill_the_client_and_its_escapees() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let dir = tempfile::tempdir().expect("tempdir");
        let pidfile = dir.path().join("pid");
        let client_pid = dir.path().join("client");
        let exec = format!(
            "echo $$ > {client}; {} & sleep 300",
            escapee(&pidfile, false),
            client = support::sh_quote(&client_pid)
        );
        let mut child = support::command()
            .args(["check", "api", "--timeout", "60", "--only", ONE_CHECK, "--exec", &exec])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn certcockpit");
        let escaped = wait_for_pid(&pidfile);
        let client = wait_for_pid(&client_pid);
        let (_r1, _r2) = (Reap(escaped), Reap(client));
        let cockpit = libc::pid_t::try_from(child.id()).expect("pid");
        // SAFETY: a signal to the certcockpit this test started.
        unsafe {
            libc::kill(cockpit, signal);
        }
        let out = wait_bounded(&mut child, Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(130), "signal {signal}: {}", support::text(&out.stderr));
        assert!(support::text(&out.stderr).contains("interrupted by"), "{}", support::text(&out.stderr));
        assert!(gone_within(client, Duration::from_secs(2)), "signal {signal}: the client {client} survived");
        assert!(
            gone_within(escaped, Duration::from_secs(2)),
            "signal {signal}: the escapee {escaped} survived"
        );
    }
}

/// Waits for `child` at most `limit` (killing it after), and collects its output.
fn wait_bounded(child: &mut std::process::Child, limit: Duration) -> Output {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let status = child.wait().expect("wait");
    let mut stderr = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_end(&mut e, &mut stderr);
    }
    Output { status, stdout: Vec::new(), stderr }
}

#[test]
fn credentials_the_client_prints_are_not_filed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("d.toml");
    // The client logs its requests the way http.client's debuglevel does, then fails.
    let exec = "printf 'send: Authorization: Basic %s\\n' \"$(printf '%s:%s' \"$CERTCOCKPIT_CLIENT_ID\" \"$CERTCOCKPIT_CLIENT_SECRET\" | base64 -w0)\" >&2; \
                printf 'header: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig\\n' >&2; \
                printf 'secret was %s\\n' \"$CERTCOCKPIT_CLIENT_SECRET\" >&2; exit 3";
    let out = check_api(&["--exec", exec, "--json", "--dossier", dossier.to_str().expect("utf-8")], &[]);
    let filed = std::fs::read_to_string(&dossier).expect("the dossier was written");
    let stdout = support::text(&out.stdout);
    for (what, text) in [("dossier", &filed), ("stdout", &stdout)] {
        assert!(text.contains("Authorization: Basic ***"), "{what}: {text}");
        assert!(text.contains("Bearer ***"), "{what}: {text}");
        assert!(!text.contains("eyJhbGciOiJIUzI1NiJ9"), "{what} holds the bearer token: {text}");
        assert!(text.contains("secret was ***"), "{what}: {text}");
    }
    let basic = filed.lines().find(|l| l.contains("Basic")).unwrap_or_default();
    assert!(!basic.contains("Basic Y"), "the Basic value was filed: {basic}");
}

#[test]
fn certcockpit_holds_its_secrets_with_core_dumps_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let started = dir.path().join("started");
    let exec = format!("touch {}; sleep 5", support::sh_quote(&started));
    // Started with a core limit the reviewer's shell might have set.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -c 4096 2>/dev/null; exec {} check api --timeout 10 --only {ONE_CHECK} --exec {}",
            support::sh_quote(support::BIN),
            support::sh_quote(&exec)
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while !started.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap_or_default();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(fields.get(4..6), Some(&["0", "0"][..]), "core dumps still allowed: {core:?}");
}

//! `check api --watch`: a long-running service, started by the test and not by the cockpit
//! (tests/peers/sandbox_service.py: requests + urllib3 Retry, syncing every 4 s), judged while
//! it runs. Each scenario's fault begins unannounced at a moment the cockpit chooses, in a
//! seeded order; every scenario is judged within the watch window. Bounded: the watch is
//! 150 s at most (about 100 s with this service) and the test kills everything by 240 s.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Listening, command, listening, peer, python_peer};

const SANDBOX_ID: &str = "partner-app";
const SANDBOX_SECRET: &str = "sandbox-secret-7f3a";
const LIMIT: Duration = Duration::from_secs(240);

/// Kills a child when dropped (the service never ends by itself).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the cockpit watching with `args`, waits for the base URL it prints, starts the
/// service against it with `env`, and returns the cockpit's stdout, its stderr lines and its
/// exit code once it ends.
fn watch(args: &[&str], env: &[(&str, &str)]) -> (String, Vec<String>, Option<i32>) {
    watch_until(args, env, None)
}

/// [`watch`], sending the cockpit `signal` once a stderr line contains `when`.
fn watch_until(
    args: &[&str],
    env: &[(&str, &str)],
    stop: Option<(&str, libc::c_int)>,
) -> (String, Vec<String>, Option<i32>) {
    let mut cockpit = command();
    cockpit.args(["check", "api"]).args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cockpit.env(k, v);
    }
    let mut cockpit = Killed(cockpit.spawn().expect("run certcockpit"));
    let stderr = cockpit.0.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let base = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("no base URL ({e}): {lines:?}"));
        lines.push(line.clone());
        if let Some(rest) = line.strip_prefix("evidence API: ") {
            break rest.split([',', ' ']).next().unwrap_or_default().to_owned();
        }
    };
    let mut service = python_peer("sandbox_service.py");
    service.env("SANDBOX_URL", &base).stdout(Stdio::null()).stderr(Stdio::null());
    for (k, v) in env {
        service.env(k, v);
    }
    let _service = Killed(service.spawn().expect("start the service"));
    let started = Instant::now();
    let mut stop = stop;
    let code = loop {
        if let Some(status) = cockpit.0.try_wait().expect("wait") {
            break status.code();
        }
        assert!(started.elapsed() < LIMIT, "the watch ran past {LIMIT:?}: {lines:?}");
        while let Ok(line) = rx.try_recv() {
            if let Some((when, signal)) = stop.filter(|(when, _)| line.contains(when)) {
                let pid = libc::pid_t::try_from(cockpit.0.id()).expect("pid");
                // SAFETY: signalling our own child process by its pid.
                assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "signal {when}");
                stop = None;
            }
            lines.push(line);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
        lines.push(line);
    }
    let mut stdout = String::new();
    if let Some(mut out) = cockpit.0.stdout.take() {
        std::io::Read::read_to_string(&mut out, &mut stdout).expect("read stdout");
    }
    (stdout, lines, code)
}

fn sandbox() -> Listening {
    let mut cmd = python_peer("sandbox_provider.py");
    cmd.args([SANDBOX_ID, SANDBOX_SECRET]).stderr(Stdio::null());
    listening(cmd, "needs python3 (standard library only)")
}

#[test]
fn a_running_service_is_judged_on_every_scenario_through_the_proxy() {
    let sb = sandbox();
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let profile = peer("sandbox_profile.toml").display().to_string();
    let env = [("SANDBOX_CLIENT_ID", SANDBOX_ID), ("SANDBOX_CLIENT_SECRET", SANDBOX_SECRET)];
    let (stdout, stderr, code) = watch(
        &["--upstream", &upstream, "--profile", &profile, "--watch", "150s", "--seed", "7", "--json"],
        &env,
    );
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr:#?}"));
    let checks = json["checks"].as_array().expect("checks");
    let verdict = |id: &str| {
        let c = checks.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} not judged: {json:#}"));
        (
            c["verdict"].as_str().unwrap_or_default().to_owned(),
            c["summary"].as_str().unwrap_or_default().to_owned(),
        )
    };
    for id in [
        "auth.refresh",
        "auth.token_reuse",
        "headers.client_name",
        "ratelimit.retry_after",
        "retry.backoff",
        "retry.limit",
        "pagination.complete",
        "compat.unknown_fields",
        "resilience.maintenance",
        "polling.rate",
    ] {
        let (v, summary) = verdict(id);
        assert_eq!(v, "pass", "{id}: {summary}\n{stderr:#?}");
    }
    assert_eq!(verdict("trace.echo").0, "inconclusive", "a person judges trace.echo");
    assert_eq!(verdict("api.endpoints").0, "pass");
    assert_eq!(code, Some(0), "{stderr:#?}");

    // The seed is reported; the order is the seed's shuffle, polling.rate last; every fault
    // began after the one before it ended, all inside the watch.
    let watch = &json["watch"];
    assert_eq!(watch["seed"], 7);
    let faults = watch["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 11, "{watch:#}");
    let order: Vec<&str> = faults.iter().filter_map(|f| f["check"].as_str()).collect();
    assert_eq!(order.last(), Some(&"polling.rate"));
    let registry = certcockpit::checks::api::scenario_ids();
    assert_ne!(order, registry, "the order is the cockpit's, not the registry's");
    let mut end = 0.0;
    for f in faults {
        let began = f["began_after_s"].as_f64().expect("began");
        assert!(began >= end + 0.9, "a lead-in of normal traffic before each fault: {watch:#}");
        end = began + f["lasted_s"].as_f64().expect("lasted");
    }
    assert!(end <= 150.0, "{watch:#}");
    // The human output (stderr here) names each fault as it comes into force, with the time.
    let announced: Vec<_> = stderr.iter().filter(|l| l.contains("fault in force since")).collect();
    assert_eq!(announced.len(), 11, "{stderr:#?}");
    // The sandbox's credentials never reach the output.
    assert!(!stdout.contains(SANDBOX_SECRET) && !stdout.contains("sbx_"), "a credential leaked");
}

#[test]
fn watching_the_imitation_uses_the_services_own_credentials_and_prints_the_schedule() {
    let env = [
        ("CERTCOCKPIT_CLIENT_ID", "svc-acme"),
        ("CERTCOCKPIT_CLIENT_SECRET", "svc-secret-94b1"),
        ("SANDBOX_CLIENT_ID", "svc-acme"),
        ("SANDBOX_CLIENT_SECRET", "svc-secret-94b1"),
    ];
    let profile = peer("sandbox_profile.toml").display().to_string();
    let (stdout, stderr, code) = watch(
        &["--profile", &profile, "--watch", "40s", "--only", "pagination.complete,headers.client_name"],
        &env,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr:#?}");
    assert!(stdout.contains("watch of ") && stdout.contains("seed "), "{stdout}");
    assert!(
        stdout.contains("pagination.complete") && stdout.contains("ended when the client went quiet"),
        "{stdout}"
    );
    assert!(stdout.contains("3 passed, 0 failed"), "{stdout}");
    assert!(!stdout.contains("svc-secret-94b1") && !stderr.iter().any(|l| l.contains("svc-secret-94b1")));
}

#[test]
fn watch_usage_errors_say_what_to_give() {
    let out = command()
        .args(["check", "api", "--watch", "10m"])
        .env_remove("CERTCOCKPIT_CLIENT_SECRET")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CERTCOCKPIT_CLIENT_SECRET"));
    let out = command().args(["check", "api", "--watch", "soon"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a length of time"));
    let out = command().args(["check", "api", "--watch", "1m", "--exec", "true"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = command().args(["check", "api"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// Ctrl-C during a watch: the fault in force when it comes is judged on what it saw, every
/// scenario whose fault never began is inconclusive with the reason, the report says the
/// watch was stopped, the results are filed, and the exit is 130 (interrupted).
#[test]
fn a_watch_stopped_by_ctrl_c_judges_and_files_what_it_observed() {
    let env = [
        ("CERTCOCKPIT_CLIENT_ID", "svc-acme"),
        ("CERTCOCKPIT_CLIENT_SECRET", "svc-secret-94b1"),
        ("SANDBOX_CLIENT_ID", "svc-acme"),
        ("SANDBOX_CLIENT_SECRET", "svc-secret-94b1"),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("d.toml");
    let dossier_arg = dossier.display().to_string();
    let profile = peer("sandbox_profile.toml").display().to_string();
    let ids = "pagination.complete,headers.client_name,retry.limit";
    let (stdout, stderr, code) = watch_until(
        &[
            "--profile",
            &profile,
            "--watch",
            "120s",
            "--seed",
            "3",
            "--only",
            ids,
            "--json",
            "--dossier",
            &dossier_arg,
        ],
        &env,
        Some(("fault in force since", libc::SIGINT)),
    );
    assert_eq!(code, Some(130), "interrupted, as the exit table says:\n{stdout}\n{stderr:#?}");
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr:#?}"));
    let watch = &json["watch"];
    assert_eq!(watch["stopped_by"], "SIGINT", "{watch:#}");
    let faults = watch["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "stopped during the first fault: {watch:#}");
    assert_eq!(faults[0]["ended"], "stopped");
    let first = faults[0]["check"].as_str().expect("check").to_owned();
    let checks = json["checks"].as_array().expect("checks");
    for id in ids.split(',') {
        let c =
            checks.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} not reported: {json:#}"));
        if id == first {
            assert!(
                !c["summary"].as_str().unwrap_or_default().contains("stopped before"),
                "the fault in force is judged: {c:#}"
            );
        } else {
            assert_eq!(c["verdict"], "inconclusive", "{c:#}");
            assert_eq!(c["summary"], "the watch was stopped before this fault was injected");
        }
    }
    assert!(stderr.iter().any(|l| l.contains("stopped by SIGINT")), "{stderr:#?}");
    let d = certcockpit::dossier::load(&dossier).expect("the dossier was filed");
    for id in ids.split(',') {
        assert!(d.latest_evidence(id).is_some(), "{id} filed");
    }
    assert!(!std::fs::read_to_string(&dossier).expect("read").contains("svc-secret-94b1"));
}

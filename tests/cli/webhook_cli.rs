//! `certcockpit check webhook` end to end: the binary against Python listeners
//! (tests/peers/webhook_listener.py, verifying with the `standardwebhooks` PyPI package or
//! Python's own hmac) on 127.0.0.1. Also: exit codes, usage errors, the dossier, and that the
//! secret appears nowhere.

use std::process::Output;

use crate::support::{self, Listening};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HMAC_SECRET: &str = "gh-webhook-secret-3f9a1c";
const STATIC_SECRET: &str = "okhi-custom-header-value-7d2e";

/// A Python listener (tests/peers/webhook_listener.py), killed when dropped.
fn peer(mode: &str, extra: &[&str], secret: &str) -> Listening {
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg(mode).args(extra).env("PEER_SECRET", secret);
    support::listening(cmd, "is standardwebhooks installed? scripts/test installs it")
}

fn certcockpit(args: &[&str], secret: &str) -> Output {
    support::command()
        .args(["check", "webhook"])
        .args(args)
        .env("HOOK_SECRET", secret)
        .output()
        .expect("run certcockpit")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn verdicts(v: &serde_json::Value) -> Vec<(String, String)> {
    v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| (c["id"].as_str().unwrap_or("").to_owned(), c["verdict"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn assert_secret_absent(secret: &str, texts: &[&str]) {
    for t in texts {
        assert!(!t.contains(secret), "the secret leaked into: {t}");
        if let Some(bare) = secret.strip_prefix("whsec_") {
            assert!(!t.contains(bare), "the bare key leaked into: {t}");
        }
    }
}

#[test]
fn a_correct_standard_webhooks_listener_passes_and_the_dossier_holds_no_secret() {
    let p = peer("standard-webhooks", &[], SECRET);
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("review.toml");
    let dossier_arg = dossier.to_str().expect("utf-8 path");
    let out = certcockpit(
        &[
            "--url",
            &p.url,
            "--secret-env",
            "HOOK_SECRET",
            "--deadline",
            "2",
            "--json",
            "--dossier",
            dossier_arg,
        ],
        SECRET,
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let v = json(&out);
    let got = verdicts(&v);
    assert_eq!(got.len(), 8, "{stdout}");
    for (id, verdict) in &got {
        // Plain http on loopback: webhook.transport says "testing locally".
        let want = if id == "webhook.transport" { "inconclusive" } else { "pass" };
        assert_eq!(verdict, want, "{id}: {stdout}");
    }
    assert!(v["checks"][0]["figures"]["genuine_status"] == 200, "{stdout}");

    let text = std::fs::read_to_string(&dossier).expect("dossier written");
    let d: certcockpit::dossier::Dossier = toml::from_str(&text).expect("dossier parses");
    assert_eq!(d.evidence.len(), 8);
    assert_eq!(d.settings.webhook.url, p.url);
    assert_eq!(d.settings.webhook.scheme, "standard-webhooks");
    assert_eq!(d.settings.webhook.secret_env, "HOOK_SECRET");
    assert_eq!(d.settings.webhook.deadline_secs, 2.0);
    assert!(d.latest_evidence("webhook.replay").is_some_and(|e| !e.observations.is_empty()));
    assert_secret_absent(SECRET, &[&stdout, &stderr, &text]);
}

#[test]
fn a_listener_that_accepts_everything_exits_1() {
    let p = peer("accept-all", &[], SECRET);
    let out = certcockpit(&["--url", &p.url, "--secret-env", "HOOK_SECRET", "--deadline", "2"], SECRET);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = |id: &str| stdout.lines().find(|l| l.contains(id)).unwrap_or_default().to_owned();
    assert!(line("webhook.signature").starts_with('✘'), "{stdout}");
    assert!(line("webhook.replay").starts_with('✘'), "{stdout}");
    assert!(line("webhook.delivery").starts_with('✔'), "{stdout}");
    assert!(line("webhook.rotation").starts_with('✘'), "{stdout}");
    assert!(stdout.contains("4 passed, 3 failed, 1 inconclusive"), "{stdout}");
    assert_secret_absent(SECRET, &[&stdout, &stderr]);
}

#[test]
fn a_listener_slower_than_the_deadline_fails_delivery() {
    let p = peer("slow", &["--delay", "20"], SECRET);
    let start = std::time::Instant::now();
    let out = certcockpit(
        &[
            "--url",
            &p.url,
            "--secret-env",
            "HOOK_SECRET",
            "--deadline",
            "1",
            "--only",
            "webhook.delivery",
            "--json",
        ],
        SECRET,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(verdicts(&v), vec![("webhook.delivery".to_owned(), "fail".to_owned())]);
    let summary = v["checks"][0]["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("No answer within 1 s"), "{summary}");
    assert_eq!(v["checks"][0]["figures"]["genuine_status"], "timeout");
    // Bounded by the deadline, not by the listener's 20 s.
    assert!(start.elapsed() < std::time::Duration::from_secs(12), "{:?}", start.elapsed());
}

#[test]
fn hmac_sha256_and_static_header_listeners_pass_with_replay_inconclusive() {
    let gh = peer("hmac-sha256", &["--header", "X-Hub-Signature-256"], HMAC_SECRET);
    let out = certcockpit(
        &[
            "--url",
            &gh.url,
            "--scheme",
            "hmac-sha256",
            "--secret-env",
            "HOOK_SECRET",
            "--deadline",
            "2",
            "--json",
        ],
        HMAC_SECRET,
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for (id, verdict) in verdicts(&json(&out)) {
        let want = if id == "webhook.replay" || id == "webhook.transport" { "inconclusive" } else { "pass" };
        assert_eq!(verdict, want, "{id}: {stdout}");
    }
    assert!(stdout.contains("signs no timestamp"), "{stdout}");
    assert_secret_absent(HMAC_SECRET, &[&stdout, &String::from_utf8_lossy(&out.stderr)]);

    let okhi = peer("static-header", &["--header", "X-OkHi-Token"], STATIC_SECRET);
    let out = certcockpit(
        &[
            "--url",
            &okhi.url,
            "--scheme",
            "static-header",
            "--header",
            "X-OkHi-Token",
            "--secret-env",
            "HOOK_SECRET",
            "--deadline",
            "2",
            "--json",
        ],
        STATIC_SECRET,
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for (id, verdict) in verdicts(&json(&out)) {
        let want = match id.as_str() {
            "webhook.replay" | "webhook.transport" => "inconclusive",
            "webhook.rotation" => "not_applicable",
            _ => "pass",
        };
        assert_eq!(verdict, want, "{id}: {stdout}");
    }
    assert_secret_absent(STATIC_SECRET, &[&stdout, &String::from_utf8_lossy(&out.stderr)]);
}

#[test]
fn connection_refused_is_an_environment_error_with_exit_3() {
    let port = support::free_loopback_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let out = certcockpit(&["--url", &url, "--secret-env", "HOOK_SECRET", "--deadline", "1"], SECRET);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("could not be reached") && stdout.contains("refused"), "{stdout}");
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let url = "http://127.0.0.1:9/hook";
    let cases: &[(&[&str], &str)] = &[
        (
            &["--url", url, "--secret-env", "CERTCOCKPIT_TEST_UNSET_VAR"],
            "CERTCOCKPIT_TEST_UNSET_VAR is not set",
        ),
        (
            &["--url", url, "--secret-env", "HOOK_SECRET", "--only", "webhook.nope"],
            "unknown webhook check 'webhook.nope'",
        ),
        (
            &["--url", url, "--secret-env", "HOOK_SECRET", "--only", "auth.refresh"],
            "unknown webhook check 'auth.refresh'",
        ),
        (&["--url", "not a url", "--secret-env", "HOOK_SECRET"], "the webhook URL 'not a url' is not valid"),
        (
            &["--url", url, "--secret-env", "HOOK_SECRET", "--tolerance", "5"],
            "the tolerance must be between 20 and 86400 seconds, got 5",
        ),
        (
            &["--url", url, "--secret-env", "HOOK_SECRET", "--deadline", "0"],
            "the deadline must be more than 0 and at most 300 seconds, got 0",
        ),
        (&["--url", url, "--scheme", "static-header", "--secret-env", "HOOK_SECRET"], "--header NAME"),
    ];
    for (args, words) in cases {
        let out = certcockpit(args, SECRET);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // A secret that is not whsec_ + base64: named as the problem, never echoed.
    let out = certcockpit(&["--url", url, "--secret-env", "HOOK_SECRET"], "whsec_***not base64***");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("HOOK_SECRET") && stderr.contains("base64") && !stderr.contains("not base64***"),
        "{stderr}"
    );
}

/// `--event`: a provider's sample by name or the reviewer's own JSON file; a file that is not
/// one JSON object once filled in is a usage error naming the file, line and column.
#[test]
fn event_samples_and_files_are_delivered_and_bad_files_refused_up_front() {
    let p = peer("standard-webhooks", &[], SECRET);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("wiseflow.json");
    std::fs::write(&file, r#"{"id": "{{event_id}}", "sequenceNumber": {{sequence}}, "state": "{{status}}"}"#)
        .expect("write");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"id\": \"{{event_id}}\",\n  \"n\": \n}\n").expect("write");
    for event in ["wiseflow-flow", "okhi-address-verification", file.to_str().expect("utf-8")] {
        let out = certcockpit(
            &["--url", &p.url, "--secret-env", "HOOK_SECRET", "--deadline", "2", "--event", event, "--json"],
            SECRET,
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(0), "{event}: {stdout}");
    }
    let out = certcockpit(
        &["--url", &p.url, "--secret-env", "HOOK_SECRET", "--event", bad.to_str().expect("utf-8")],
        SECRET,
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.json") && stderr.contains("line 4, column 1"), "{stderr}");
    let out = certcockpit(&["--url", &p.url, "--secret-env", "HOOK_SECRET", "--event", "nope"], SECRET);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a sample"));
}

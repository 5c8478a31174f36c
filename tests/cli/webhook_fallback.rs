//! `webhook.fallback` end to end, against tests/peers/fallback_listener.py (standardwebhooks
//! to verify, requests to call the evidence API) started by `check --exec` with the API's
//! address: a listener that reconciles a gap in the sequence numbers passes, one that only
//! fetches the resources it was told about fails, one that never calls the API is
//! inconclusive. The evidence is filed with its observations and `certcockpit verify` judges
//! them again; what is missing for the check is a usage error naming it.

use std::process::Output;

use crate::support;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Runs the check with the listener in `mode` on a free port, filing into `dossier`.
fn fallback(mode: &str, window: &str, dossier: &str) -> (Output, serde_json::Value) {
    let port = support::free_loopback_port();
    let exec = format!(
        "{} {mode} --port {port} --secret-env HOOK_SECRET",
        support::python_peer_sh("fallback_listener.py")
    );
    let url = format!("http://127.0.0.1:{port}/hook");
    let out = support::command()
        .args(["check", "--only", "webhook.fallback", "--url", &url, "--secret-env", "HOOK_SECRET"])
        .args(["--exec", &exec, "--env", "HOOK_SECRET", "--fallback-window", window, "--deadline", "3"])
        .args(["--dossier", dossier, "--json"])
        .env("HOOK_SECRET", SECRET)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", support::text(&out.stdout), support::text(&out.stderr)));
    (out, json)
}

fn result(json: &serde_json::Value) -> (String, String) {
    let checks = json["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 1, "{json}");
    let c = &checks[0];
    assert_eq!(c["id"], "webhook.fallback", "{json}");
    (
        c["verdict"].as_str().unwrap_or_default().to_owned(),
        c["summary"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn a_reconciling_listener_passes_and_the_evidence_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("review.toml");
    let d = dossier.to_str().expect("utf-8");
    let (out, json) = fallback("reconcile", "20", d);
    let (verdict, summary) = result(&json);
    assert_eq!(verdict, "pass", "{summary}\n{}", support::text(&out.stderr));
    assert!(summary.contains("item-0002") && summary.contains("GET /items"), "{summary}");
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&dossier).expect("filed");
    assert!(text.contains("fallback_window_secs = 20"), "the window is kept:\n{text}");
    assert!(!text.contains(SECRET), "never the secret");
    let v = support::command().args(["verify", d]).output().expect("verify");
    let said = format!("{}{}", support::text(&v.stdout), support::text(&v.stderr));
    assert!(v.status.success() && said.contains("webhook.fallback"), "{said}");
}

#[test]
fn a_listener_without_a_fallback_fails_and_one_without_a_client_is_inconclusive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("review.toml");
    let d = d.to_str().expect("utf-8");
    let (out, json) = fallback("thin", "3", d);
    let (verdict, summary) = result(&json);
    assert_eq!(verdict, "fail", "{summary}\n{}", support::text(&out.stderr));
    assert!(summary.contains("never fetched it"), "{summary}");
    assert_eq!(out.status.code(), Some(1));

    let (out, json) = fallback("ack-only", "2", d);
    let (verdict, summary) = result(&json);
    assert_eq!(verdict, "inconclusive", "{summary}\n{}", support::text(&out.stderr));
    assert!(summary.contains("no request at all"), "{summary}");
}

#[test]
fn what_the_check_lacks_is_named() {
    let only = |args: &[&str]| {
        let out = support::command()
            .args(["check", "--only", "webhook.fallback"])
            .args(args)
            .env("HOOK_SECRET", SECRET)
            .output()
            .expect("run");
        (out.status.code(), support::text(&out.stderr))
    };
    let (code, err) = only(&["--url", "http://127.0.0.1:9/hook", "--secret-env", "HOOK_SECRET"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("webhook.fallback") && err.contains("--exec"), "{err}");
    let (code, err) = only(&["--exec", "true"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("webhook.fallback") && err.contains("--url"), "{err}");
    let (code, err) = only(&[
        "--url",
        "http://127.0.0.1:9/hook",
        "--secret-env",
        "HOOK_SECRET",
        "--exec",
        "true",
        "--fallback-window",
        "0",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--fallback-window"), "{err}");
    let out = support::command()
        .args(["check", "webhook", "--only", "webhook.fallback", "--url", "http://127.0.0.1:9/hook"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(support::text(&out.stderr).contains("needs both families"), "{}", support::text(&out.stderr));
}

/// In proxy mode the resources are upstream's: the check is inconclusive at once, saying so,
/// without starting the client or waiting out the window (upstream need not even answer).
#[test]
fn in_proxy_mode_it_is_inconclusive_at_once() {
    let started = std::time::Instant::now();
    let out = support::command()
        .args(["check", "--only", "webhook.fallback", "--url", "http://127.0.0.1:9/hook", "--secret-env"])
        .args(["HOOK_SECRET", "--exec", "sleep 30", "--upstream", "http://127.0.0.1:9/v1"])
        .args(["--fallback-window", "20", "--json"])
        .env("HOOK_SECRET", SECRET)
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", support::text(&out.stdout), support::text(&out.stderr)));
    let (verdict, summary) = result(&json);
    assert_eq!(verdict, "inconclusive", "{summary}\n{}", support::text(&out.stderr));
    assert!(summary.contains("proxy mode") && summary.contains("127.0.0.1:9"), "{summary}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "neither the client nor the window waited for"
    );
}

//! `certcockpit check api` against real clients on loopback: a good client built on requests +
//! urllib3 Retry + authlib (tests/peers/good_client.py) and a naive one (plain requests, no
//! retry, first page only). The peers run with `support::python()` (the venv `scripts/test` makes).

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;

use crate::support;

fn peer(name: &str) -> String {
    support::python_peer_sh(name)
}

fn check_api(args: &[&str]) -> Output {
    support::command().args(["check", "api", "--timeout", "20"]).args(args).output().expect("run certcockpit")
}

/// Verdict, summary and figures per check id from the `--json` output (also read by the other
/// ecosystems' peers' tests).
pub(crate) fn verdicts(out: &Output) -> BTreeMap<String, (String, String, Value)> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    json["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (s("id"), (s("verdict"), s("summary"), c["figures"].clone()))
        })
        .collect()
}

#[test]
fn good_client_on_standard_libraries_passes_every_check() {
    let out = check_api(&["--exec", &peer("good_client.py"), "--json"]);
    let v = verdicts(&out);
    assert_eq!(v.len(), 12, "11 checks and api.endpoints: {v:#?}");
    for (id, (verdict, summary, _)) in &v {
        let want = if id == "trace.echo" { "inconclusive" } else { "pass" };
        assert_eq!(verdict, want, "{id}: {summary}");
    }
    assert_eq!(out.status.code(), Some(0));
    let name = &v["headers.client_name"].2["client_name"];
    assert_eq!(name, "acme-sync/1.4 (certcockpit good client)");
    assert_eq!(
        v["retry.backoff"].2["retries"], 5,
        "urllib3 Retry(total=5) rides out bursts of five failures"
    );
    assert_eq!(v["retry.backoff"].2["bursts"], 3);
    assert_eq!(v["retry.limit"].2["attempts"], 6, "urllib3 Retry(total=5): 5 retries = 6 attempts");
    assert!(v["trace.echo"].1.contains("needs a person"), "{}", v["trace.echo"].1);
    for line in v.values().map(|x| &x.1) {
        eprintln!("{line}");
    }
}

#[test]
fn naive_client_fails_the_checks_it_skips() {
    let out = check_api(&["--exec", &peer("naive_client.py"), "--json"]);
    let v = verdicts(&out);
    for id in ["headers.client_name", "ratelimit.retry_after", "retry.backoff", "pagination.complete"] {
        assert_eq!(v[id].0, "fail", "{id}: {}", v[id].1);
    }
    assert_eq!(v["resilience.maintenance"].0, "fail", "{}", v["resilience.maintenance"].1);
    assert_eq!(v["trace.echo"].0, "inconclusive");
    assert_eq!(out.status.code(), Some(1));
}

/// tenacity's jittered exponential waits pass backoff and the limit; like many tenacity set-ups
/// it ignores Retry-After, which `ratelimit.retry_after` must catch.
#[test]
fn tenacity_jittered_backoff_passes_and_ignoring_retry_after_fails() {
    let only = "retry.backoff,retry.limit,pagination.complete,headers.client_name,auth.token_reuse,ratelimit.retry_after";
    let out = check_api(&["--exec", &peer("jitter_client.py"), "--only", only, "--json"]);
    let v = verdicts(&out);
    for id in
        ["retry.backoff", "retry.limit", "pagination.complete", "headers.client_name", "auth.token_reuse"]
    {
        assert_eq!(v[id].0, "pass", "{id}: {}", v[id].1);
    }
    assert_eq!(v["retry.limit"].2["attempts"], 5, "{}", v["retry.limit"].1);
    assert_eq!(v["ratelimit.retry_after"].0, "fail", "{}", v["ratelimit.retry_after"].1);
    assert!(v["ratelimit.retry_after"].1.contains("ignored Retry-After"), "{}", v["ratelimit.retry_after"].1);
    eprintln!("{}", v["retry.backoff"].1);
}

#[test]
fn a_client_that_never_ends_is_killed_and_judged() {
    // Polls forever, as fast as it can: killed at the timeout, judged on what was seen.
    let script = r#"import os, time, requests
s = requests.Session()
t = s.post(os.environ["CERTCOCKPIT_TOKEN_URL"], data={"grant_type": "client_credentials"},
           auth=(os.environ["CERTCOCKPIT_CLIENT_ID"], os.environ["CERTCOCKPIT_CLIENT_SECRET"])).json()
s.headers["Authorization"] = "Bearer " + t["access_token"]
while True:
    s.get(os.environ["CERTCOCKPIT_BASE_URL"] + "/items")
"#;
    let cmd = format!("{} -c '{script}'", support::python_sh());
    let out = support::command()
        .args([
            "check",
            "api",
            // 6 s without a pause is thousands of requests on loopback: past 200 in a second.
            "--timeout",
            "6",
            "--only",
            "polling.rate,retry.limit",
            "--json",
            "--exec",
            &cmd,
        ])
        .output()
        .expect("run");
    let v = verdicts(&out);
    assert_eq!(v["polling.rate"].0, "fail", "{}", v["polling.rate"].1);
    assert!(v["polling.rate"].2["peak_per_second"].as_u64().unwrap_or(0) > 200, "{}", v["polling.rate"].1);
    assert_eq!(v["retry.limit"].0, "fail", "{}", v["retry.limit"].1);
}

#[test]
fn the_secret_never_reaches_output_or_dossier() {
    let dir = tempfile::tempdir().expect("tempdir");
    let leak = dir.path().join("leak");
    let dossier = dir.path().join("dossier.toml");
    // A client that prints the secret everywhere and fails.
    let cmd = format!(
        "printf %s \"$CERTCOCKPIT_CLIENT_SECRET\" > {leak}; echo \"secret=$CERTCOCKPIT_CLIENT_SECRET\"; echo \"secret=$CERTCOCKPIT_CLIENT_SECRET\" >&2; exit 3",
        leak = leak.display()
    );
    let dossier_arg = dossier.display().to_string();
    let out =
        check_api(&["--exec", &cmd, "--only", "compat.unknown_fields", "--dossier", &dossier_arg, "--json"]);
    let secret = std::fs::read_to_string(&leak).expect("the client saw the secret");
    assert!(secret.len() >= 20);
    let filed = std::fs::read_to_string(&dossier).expect("dossier written");
    for text in [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        filed.clone(),
    ] {
        assert!(!text.contains(&secret), "secret leaked: {text}");
    }
    assert!(filed.contains("compat.unknown_fields"), "{filed}");
    let v = verdicts(&out);
    assert_eq!(v["compat.unknown_fields"].0, "inconclusive", "{}", v["compat.unknown_fields"].1);
}

#[test]
fn a_broken_command_is_inconclusive_and_says_why() {
    let out = check_api(&["--exec", "echo 'no such client' >&2; exit 7", "--only", "polling.rate", "--json"]);
    let v = verdicts(&out);
    assert_eq!(v["polling.rate"].0, "inconclusive");
    assert!(v["polling.rate"].1.contains("status 7: no such client"), "{}", v["polling.rate"].1);
    // Nothing could be judged (issue 11 item 10): exit 4, not a pass.
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn usage_errors_exit_2() {
    let out = check_api(&["--exec", "true", "--only", "webhook.delivery"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("webhook.delivery"));
    let out = check_api(&["--exec", "true", "--listen", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}

//! `certcockpit check api` against real Node.js clients (tests/peers/node/, pinned in its
//! package.json + package-lock.json, installed by `scripts/test` with `npm ci`): axios +
//! axios-retry, got with its built-in retry, and a full-jitter client on exponential-backoff.
//! Each peer's header states its library's true defaults, read from the installed source. A
//! correct set-up passes what it implements; axios-retry's default `noDelay` fails
//! `retry.backoff`; got without a 401 hook fails `auth.refresh`; a service that gives up after
//! got's stock retries and then idles passes `retry.limit` at the default timeout.

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;

use crate::check_api::verdicts;
use crate::support;

/// Whether node and the peers' packages are there; if not, says so on stderr (the test skips).
fn node_ready(test: &str) -> bool {
    let node = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let packages = support::node_path().join("axios-retry").is_dir();
    if !(node && packages) {
        eprintln!(
            "{test}: skipped: needs node and the Node peers' packages in {} (run the tests with scripts/test, which installs them)",
            support::node_path().display()
        );
    }
    node && packages
}

/// `check api --json [--only ids] --exec <node peer with args>`, at the default timeouts.
fn run(peer: &str, args: &str, only: Option<&str>) -> (BTreeMap<String, (String, String, Value)>, Output) {
    let exec = format!("{} {args}", support::node_peer_sh(peer));
    let mut cmd = support::command();
    cmd.args(["check", "api", "--json", "--exec", &exec]);
    if let Some(only) = only {
        cmd.args(["--only", only]);
    }
    let out = cmd.output().expect("run certcockpit");
    (verdicts(&out), out)
}

fn assert_all_pass(v: &BTreeMap<String, (String, String, Value)>, peer: &str) {
    assert_eq!(v.len(), 12, "{peer}: 11 checks and api.endpoints: {v:#?}");
    for (id, (verdict, summary, _)) in v {
        let want = if id == "trace.echo" { "inconclusive" } else { "pass" };
        assert_eq!(verdict, want, "{peer}: {id}: {summary}");
    }
}

/// axios-retry with `exponentialDelay` (200, 400, 800 ms + up to 20 %, 3 retries) and a 401
/// interceptor passes every check; its stock 4 attempts end inside the first burst of five.
#[test]
fn axios_retry_with_exponential_delay_passes_every_check() {
    if !node_ready("axios_retry_with_exponential_delay_passes_every_check") {
        return;
    }
    let (v, out) = run("axios_retry_client.js", "", None);
    assert_all_pass(&v, "axios-retry exponentialDelay");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["retry.backoff"].2["attempts"], 4, "{}", v["retry.backoff"].1);
    assert_eq!(v["retry.limit"].2["attempts"], 4, "axios-retry's default retries: 3");
    assert!(v["ratelimit.retry_after"].1.contains("http-date form"), "{}", v["ratelimit.retry_after"].1);
}

/// axios-retry's default `retryDelay` is `noDelay`: retries at once, which is no backoff.
#[test]
fn axios_retry_default_no_delay_fails_backoff() {
    if !node_ready("axios_retry_default_no_delay_fails_backoff") {
        return;
    }
    let (v, out) = run("axios_retry_client.js", "--default-delay", Some("retry.backoff"));
    assert_eq!(v["retry.backoff"].0, "fail", "{}", v["retry.backoff"].1);
    assert!(v["retry.backoff"].1.contains("without waiting"), "{}", v["retry.backoff"].1);
    assert_eq!(out.status.code(), Some(1));
}

/// got's built-in retry (limit 2: 1 s, 2 s + up to 100 ms) with a 401 hook passes every check.
#[test]
fn got_with_its_built_in_retry_passes_every_check() {
    if !node_ready("got_with_its_built_in_retry_passes_every_check") {
        return;
    }
    let (v, out) = run("got_client.js", "", None);
    assert_all_pass(&v, "got");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["retry.limit"].2["attempts"], 3, "got's default retry limit: 2");
}

/// got as it comes has no token handling: the expired token's 401 ends the job.
#[test]
fn got_without_a_401_hook_fails_auth_refresh() {
    if !node_ready("got_without_a_401_hook_fails_auth_refresh") {
        return;
    }
    let (v, _) = run("got_client.js", "--no-401-hook", Some("auth.refresh"));
    assert_eq!(v["auth.refresh"].0, "fail", "{}", v["auth.refresh"].1);
    assert!(v["auth.refresh"].1.contains("never asked for a new token"), "{}", v["auth.refresh"].1);
}

/// Issue 13, item 1: a service that gives up after got's stock retries and idles until its
/// next cycle (a minute away) is not "still retrying": at the default timeout it passes, the
/// run ending as soon as the quiet has been seen.
#[test]
fn a_service_idling_after_gots_retries_passes_retry_limit_at_the_default_timeout() {
    if !node_ready("a_service_idling_after_gots_retries_passes_retry_limit_at_the_default_timeout") {
        return;
    }
    let started = std::time::Instant::now();
    let (v, _) = run("got_client.js", "--service", Some("retry.limit"));
    let (verdict, summary, figures) = &v["retry.limit"];
    assert_eq!(verdict, "pass", "{summary}");
    assert!(summary.contains("then stayed quiet for"), "{summary}");
    assert_eq!(figures["attempts"], 3, "{summary}");
    // Ended at the quiet, long before the service's next cycle at 60 s.
    assert!(started.elapsed().as_secs() < 50, "{:?}", started.elapsed());
}

/// exponential-backoff with `jitter: "full"` (uniform in [0, cap], cap doubling from 100 ms,
/// 10 attempts) rides out the three bursts and passes on the envelope.
#[test]
fn full_jitter_client_passes_backoff_over_three_bursts() {
    if !node_ready("full_jitter_client_passes_backoff_over_three_bursts") {
        return;
    }
    let only = "retry.backoff,pagination.complete,headers.client_name";
    let (v, out) = run("full_jitter_client.js", "", Some(only));
    for id in only.split(',') {
        assert_eq!(v[id].0, "pass", "{id}: {}", v[id].1);
    }
    assert_eq!(v["retry.backoff"].2["bursts"], 3, "{}", v["retry.backoff"].1);
    assert_eq!(v["retry.backoff"].2["retries"], 5, "{}", v["retry.backoff"].1);
    assert_eq!(out.status.code(), Some(0));
}

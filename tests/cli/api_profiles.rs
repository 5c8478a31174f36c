//! Profiles and proxy mode against real clients, unchanged except for their base URL: a
//! stand-in provider sandbox (tests/peers/sandbox_provider.py, http.server, its own paths,
//! auth, cursor pagination and envelope), a job on requests + urllib3 Retry, one on authlib,
//! and a naive one. Through `--upstream` (with the sandbox's profile file, and with no profile
//! against the sandbox's Link-header variant), against the imitation with the same profile,
//! and an API-key client against the built-in WISEflow key profile. Scenario subsets keep the
//! runs short.

use std::collections::BTreeMap;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::support::{Listening, command, free_loopback_port, listening, peer, python_peer, python_peer_sh};

const SANDBOX_ID: &str = "partner-app";
const SANDBOX_SECRET: &str = "sandbox-secret-7f3a";

fn sandbox(link_mode: bool) -> Listening {
    sandbox_with(link_mode, false)
}

fn sandbox_with(link_mode: bool, gzip: bool) -> Listening {
    sandbox_flags(
        &[link_mode.then_some("--link"), gzip.then_some("--gzip")].into_iter().flatten().collect::<Vec<_>>(),
    )
}

fn sandbox_flags(flags: &[&str]) -> Listening {
    let mut cmd = python_peer("sandbox_provider.py");
    cmd.args([SANDBOX_ID, SANDBOX_SECRET]).args(flags).stderr(Stdio::null());
    listening(cmd, "needs python3 (standard library only)")
}

/// The client command: the partner's job with its own environment, the base URL pointed at
/// the cockpit.
fn job(client: &str) -> String {
    format!(
        "SANDBOX_URL=\"$CERTCOCKPIT_BASE_URL\" SANDBOX_CLIENT_ID={SANDBOX_ID} SANDBOX_CLIENT_SECRET={SANDBOX_SECRET} {}",
        python_peer_sh(client)
    )
}

/// The same job against the imitation: the cockpit's own credentials instead of the sandbox's.
fn job_on_imitation(client: &str) -> String {
    format!(
        "SANDBOX_URL=\"$CERTCOCKPIT_BASE_URL\" SANDBOX_CLIENT_ID=\"$CERTCOCKPIT_CLIENT_ID\" SANDBOX_CLIENT_SECRET=\"$CERTCOCKPIT_CLIENT_SECRET\" {}",
        python_peer_sh(client)
    )
}

fn check_api(args: &[&str]) -> Output {
    command()
        .args(["check", "api", "--timeout", "20", "--json"])
        .args(args)
        .output()
        .expect("run certcockpit")
}

fn verdicts(out: &Output) -> BTreeMap<String, (String, String, Value)> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (s("id"), (s("verdict"), s("summary"), c["figures"].clone()))
        })
        .collect()
}

fn assert_all(v: &BTreeMap<String, (String, String, Value)>, want: &str, ids: &[&str]) {
    for id in ids {
        let (verdict, summary, _) = v.get(*id).unwrap_or_else(|| panic!("{id} missing: {v:#?}"));
        assert_eq!(verdict, want, "{id}: {summary}");
    }
}

const ALL_BUT_TRACE: [&str; 10] = [
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
];

/// A sandbox that issues `next_cursor` on its last page too (Plaid's /transactions/sync
/// style) and ends the walk with `paging.has_more: false`: the proxy knows the end, and the
/// requests job that stops there fetched every page (it was failed as "upstream's last
/// response still named a next page").
#[test]
fn a_cursor_on_the_last_page_beside_has_more_false_is_the_end_through_the_proxy() {
    let sb = sandbox_flags(&["--cursor-always"]);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let profile = peer("sandbox_profile.toml").display().to_string();
    let out = check_api(&[
        "--upstream",
        &upstream,
        "--profile",
        &profile,
        "--only",
        "pagination.complete",
        "--exec",
        &job("sandbox_requests_client.py"),
    ]);
    let v = verdicts(&out);
    let (verdict, summary, _) = &v["pagination.complete"];
    assert_eq!(verdict, "pass", "{summary}");
    assert!(summary.contains("fetched all 4 pages once each"), "{summary}");
}

#[test]
fn a_requests_job_passes_through_the_proxy_with_the_sandbox_profile() {
    let sb = sandbox(false);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let profile = peer("sandbox_profile.toml").display().to_string();
    let out = check_api(&[
        "--upstream",
        &upstream,
        "--profile",
        &profile,
        "--exec",
        &job("sandbox_requests_client.py"),
    ]);
    let v = verdicts(&out);
    assert_all(&v, "pass", &ALL_BUT_TRACE);
    assert_eq!(v["trace.echo"].0, "inconclusive");
    let endpoints = &v["api.endpoints"];
    assert_eq!(endpoints.0, "pass");
    assert!(
        endpoints.1.contains("GET /api/v3/records ×") && endpoints.1.contains("POST /api/oauth2/token ×"),
        "{}",
        endpoints.1
    );
    assert_eq!(out.status.code(), Some(0), "{v:#?}");
    // The sandbox's credentials never reach the output.
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(!all.contains(SANDBOX_SECRET) && !all.contains("sbx_"), "a credential leaked");
}

#[test]
fn authlib_and_naive_jobs_through_the_proxy_with_no_profile_and_link_pages() {
    let sb = sandbox(true);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let only = "auth.refresh,ratelimit.retry_after,retry.backoff,pagination.complete";
    let out =
        check_api(&["--upstream", &upstream, "--only", only, "--exec", &job("sandbox_authlib_client.py")]);
    let v = verdicts(&out);
    assert_all(
        &v,
        "pass",
        &["auth.refresh", "ratelimit.retry_after", "retry.backoff", "pagination.complete"],
    );

    let out =
        check_api(&["--upstream", &upstream, "--only", only, "--exec", &job("sandbox_naive_client.py")]);
    let v = verdicts(&out);
    assert_all(&v, "fail", &["ratelimit.retry_after", "retry.backoff", "pagination.complete"]);
    assert_eq!(out.status.code(), Some(1));
}

/// A sandbox that gzips its answers when asked (requests offers gzip by default): the proxy
/// asks upstream for identity, so it still reads the cursors in the bodies and adds fields;
/// the client is judged, not the compression.
#[test]
fn a_gzip_serving_sandbox_is_read_through_the_proxy() {
    let sb = sandbox_with(false, true);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let profile = peer("sandbox_profile.toml").display().to_string();
    let only = "pagination.complete,compat.unknown_fields";
    let out = check_api(&[
        "--upstream",
        &upstream,
        "--profile",
        &profile,
        "--only",
        only,
        "--exec",
        &job("sandbox_requests_client.py"),
    ]);
    let v = verdicts(&out);
    assert_all(&v, "pass", &["pagination.complete", "compat.unknown_fields"]);
    // The sandbox does compress for a client that asks it directly.
    let direct = std::process::Command::new(crate::support::python())
        .args([
            "-c",
            "import http.client, sys; c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1])); c.request('GET', '/api/v3/records', headers={'Accept-Encoding': 'gzip'}); print(c.getresponse().getheader('Content-Encoding'))",
            &sb.port.to_string(),
        ])
        .output()
        .expect("python");
    assert!(String::from_utf8_lossy(&direct.stdout).contains("gzip"), "{direct:?}");
}

#[test]
fn the_same_jobs_pass_against_the_imitation_with_the_matching_profile() {
    let profile = peer("sandbox_profile.toml").display().to_string();
    let only = "auth.refresh,auth.token_reuse,retry.backoff,pagination.complete,compat.unknown_fields";
    for client in ["sandbox_requests_client.py", "sandbox_authlib_client.py"] {
        let out = check_api(&["--profile", &profile, "--only", only, "--exec", &job_on_imitation(client)]);
        let v = verdicts(&out);
        assert_all(&v, "pass", &only.split(',').collect::<Vec<_>>());
    }
}

#[test]
fn an_api_key_client_on_the_wiseflow_profile_gets_not_applicable_token_checks() {
    let cmd = format!(
        "WISEFLOW_URL=\"$CERTCOCKPIT_BASE_URL\" WISEFLOW_API_KEY=\"$CERTCOCKPIT_API_KEY\" {}",
        python_peer_sh("wiseflow_key_client.py")
    );
    let only = "auth.refresh,auth.token_reuse,headers.client_name,ratelimit.retry_after,retry.backoff,pagination.complete,polling.rate";
    let out = check_api(&["--profile", "uniwise-wiseflow-api-key", "--only", only, "--exec", &cmd]);
    let v = verdicts(&out);
    let (verdict, summary, _) = &v["auth.refresh"];
    assert_eq!(verdict, "not_applicable", "{summary}");
    assert!(summary.contains("API key") && summary.contains("nothing to refresh"), "{summary}");
    assert_all(
        &v,
        "pass",
        &[
            "auth.token_reuse",
            "headers.client_name",
            "ratelimit.retry_after",
            "retry.backoff",
            "pagination.complete",
        ],
    );
    // polling.rate leaves out what the fault scenarios provoked: three fault-free runs of this
    // one-shot job are too little to judge a rate, against WISEflow's stated limits.
    let (verdict, summary, _) = &v["polling.rate"];
    assert_eq!(verdict, "inconclusive", "{summary}");
    assert!(
        summary.contains("too little traffic") && summary.contains("the fault scenarios provoked"),
        "{summary}"
    );
    assert!(summary.contains("(limit 5000)") && summary.contains("(limit 200)"), "{summary}");
    assert!(v["auth.token_reuse"].1.contains("stopped after the 401"), "{}", v["auth.token_reuse"].1);
    assert!(v["api.endpoints"].1.contains("GET /v1/licenses/{license_id}/flows"), "{}", v["api.endpoints"].1);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn an_unreachable_upstream_is_inconclusive_never_a_fail() {
    // A port nobody listens on: bind, read the port, close.
    let port = free_loopback_port();
    let upstream = format!("http://127.0.0.1:{port}/api");
    let out = check_api(&[
        "--upstream",
        &upstream,
        "--only",
        "pagination.complete",
        "--exec",
        &job("sandbox_requests_client.py"),
    ]);
    let v = verdicts(&out);
    let (verdict, summary, _) = &v["pagination.complete"];
    assert_eq!(verdict, "inconclusive", "{summary}");
    assert!(summary.contains("upstream") && summary.contains("unreachable"), "{summary}");
    assert_ne!(out.status.code(), Some(1), "never the partner's fail");
}

#[test]
fn a_broken_profile_file_is_a_usage_error_with_its_place() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/v1/{id\"\n")
        .expect("write");
    let out = check_api(&["--profile", &path.display().to_string(), "--exec", "true"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("p.toml:3:1:") && err.contains("pagination"), "{err}");
}

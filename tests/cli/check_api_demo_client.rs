//! `certcockpit check api --exec "certcockpit demo client"`: the built-in demo client is an
//! ordinary client as far as the evidence API can tell. Good, it passes every check it
//! implements (trace.echo needs a person); flawed, it fails the checks a naive client fails.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{self, BIN};

fn run(client_args: &str) -> (BTreeMap<String, (String, String)>, Option<i32>) {
    let out = support::command()
        .args(["check", "api", "--timeout", "20", "--json", "--exec"])
        .arg(format!("'{BIN}' demo client {client_args}"))
        .output()
        .expect("run certcockpit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    let v = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (s("id"), (s("verdict"), s("summary")))
        })
        .collect();
    (v, out.status.code())
}

#[test]
fn good_demo_client_passes_every_check_it_implements() {
    let (v, code) = run("");
    assert_eq!(v.len(), 12, "11 checks and the api.endpoints record: {v:#?}");
    for (id, (verdict, summary)) in &v {
        let want = if id == "trace.echo" { "inconclusive" } else { "pass" };
        assert_eq!(verdict, want, "{id}: {summary}");
    }
    assert_eq!(code, Some(0));
}

#[test]
fn flawed_demo_client_fails_what_a_naive_client_fails() {
    let (v, code) = run("--flawed");
    for id in ["headers.client_name", "ratelimit.retry_after", "retry.backoff", "pagination.complete"] {
        assert_eq!(v[id].0, "fail", "{id}: {}", v[id].1);
    }
    assert_eq!(code, Some(1));
}

#[test]
fn the_demo_client_outside_check_api_says_what_is_missing() {
    let out =
        support::command().args(["demo", "client"]).env_remove("CERTCOCKPIT_BASE_URL").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CERTCOCKPIT_BASE_URL") && err.contains("check api"), "{err}");
}

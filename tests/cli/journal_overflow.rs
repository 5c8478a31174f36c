//! Issue 11, item 2: a client fails pagination, floods the journal with junk to push the
//! failure out, then makes one clean pass (tests/peers/flood_client.py). The journal keeps the
//! newest 20,000 requests; judging must never pass on what is left.

use serde_json::Value;

use crate::support;

/// `pagination.complete`'s verdict, summary and figures after the flood client sent `junk`
/// junk requests between its failing and its clean pass.
fn pagination_after(junk: u32) -> (String, String, Value) {
    let exec = format!("{} {junk}", support::python_peer_sh("flood_client.py"));
    let out = support::command()
        .args([
            "check",
            "api",
            "--timeout",
            "180",
            "--only",
            "pagination.complete",
            "--json",
            "--exec",
            &exec,
        ])
        .output()
        .expect("run certcockpit");
    let stdout = support::text(&out.stdout);
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {}", support::text(&out.stderr)));
    let check = json["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "pagination.complete"))
        .cloned()
        .unwrap_or_else(|| panic!("no pagination.complete: {stdout}"));
    let s = |k: &str| check[k].as_str().unwrap_or_default().to_owned();
    (s("verdict"), s("summary"), check["figures"].clone())
}

#[test]
fn a_flood_between_a_failure_and_a_clean_pass_is_never_a_pass() {
    // The client does fail: with a small flood the journal holds everything.
    let (verdict, summary, _) = pagination_after(100);
    assert_eq!(verdict, "fail", "{summary}");

    let (verdict, summary, figures) = pagination_after(20_500);
    assert_ne!(verdict, "pass", "laundered: {summary}");
    assert_eq!(verdict, "inconclusive", "{summary}");
    assert!(summary.contains("the journal overflowed ("), "{summary}");
    let dropped = figures["journal_dropped"].as_u64().unwrap_or_default();
    // Page 1 and the token request, at least, went; at most what came before the last 20,000.
    assert!((500..=20_510).contains(&dropped), "dropped {dropped}: {summary}");
    eprintln!("{summary}");
}

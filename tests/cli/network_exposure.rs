//! Network exposure: the evidence API listens on loopback unless an address is given, and a
//! non-loopback address gets a warning naming what is exposed — from the library and from
//! `certcockpit check api --listen`. `0.0.0.0:0` is bound here only to read the warning; no
//! traffic goes to a non-loopback address (the client command is `true`, which sends nothing).

use std::process::Output;

use certcockpit::checks::api::{EvidenceApi, exposure_warning, parse_listen};
use certcockpit::dossier::ApiSettings;

use crate::support;

/// What the warning must name: the address, that other machines can reach it, and each thing
/// they could do.
fn assert_names_what_is_exposed(warning: &str, addr: &str) {
    for needle in [addr, "reachable from other machines", "token endpoint", "client id and secret", "journal"]
    {
        assert!(warning.contains(needle), "the warning does not name {needle:?}: {warning}");
    }
}

#[tokio::test]
async fn loopback_by_default_and_a_warning_for_any_other_address() {
    // The default everywhere an address is chosen is loopback.
    assert_eq!(ApiSettings::default().listen, "127.0.0.1:0");
    let lo = EvidenceApi::start(&ApiSettings::default().listen).await.expect("start on loopback");
    assert!(lo.local_addr().ip().is_loopback());
    assert_eq!(lo.exposure_warning(), None);
    lo.shutdown().await;
    let localhost = EvidenceApi::start("localhost:0").await.expect("start on localhost");
    assert!(localhost.local_addr().ip().is_loopback() && localhost.exposure_warning().is_none());
    localhost.shutdown().await;
    if let Ok(v6) = EvidenceApi::start("[::1]:0").await {
        assert_eq!(v6.exposure_warning(), None, "::1 is loopback");
        v6.shutdown().await;
    }

    // Every interface: warned, and the address shown to the partner still works locally.
    let any = EvidenceApi::start("0.0.0.0:0").await.expect("bind 0.0.0.0:0");
    let bound = any.local_addr();
    assert!(bound.ip().is_unspecified());
    let warning = any.exposure_warning().expect("a warning for 0.0.0.0");
    assert_names_what_is_exposed(&warning, &bound.to_string());
    assert!(any.base_url().starts_with("http://127.0.0.1:"), "{}", any.base_url());
    any.shutdown().await;

    // Any specific non-loopback address is warned about too (judged without binding it).
    for addr in ["192.168.1.20:8080", "10.0.0.5:0", "[2001:db8::1]:443", "[::]:9000", "[::ffff:10.0.0.5]:80"]
    {
        let parsed = parse_listen(addr).expect("valid address");
        let w = exposure_warning(parsed).unwrap_or_else(|| panic!("no warning for {addr}"));
        assert_names_what_is_exposed(&w, &parsed.to_string());
    }
    for addr in ["127.0.0.1:8080", "127.1.2.3:80", "[::1]:80", "localhost:9", "[::ffff:127.0.0.1]:80"] {
        assert_eq!(exposure_warning(parse_listen(addr).expect("valid")), None, "{addr}");
    }
}

fn check_api(extra: &[&str]) -> Output {
    support::command()
        .args(["check", "api", "--exec", "true", "--only", "polling.rate", "--timeout", "5", "--json"])
        .args(extra)
        .output()
        .expect("run certcockpit")
}

#[test]
fn check_api_warns_on_stderr_only_when_listening_beyond_loopback() {
    let quiet = check_api(&[]);
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert!(!stderr.contains("warning"), "a loopback run warned: {stderr}");
    // Issue 11: the IPv4-mapped form of loopback is loopback (bound for real, when the host
    // has IPv6).
    let mapped = check_api(&["--listen", "[::ffff:127.0.0.1]:0"]);
    let stderr = String::from_utf8_lossy(&mapped.stderr);
    if !stderr.contains("cannot listen") {
        assert!(!stderr.contains("warning"), "[::ffff:127.0.0.1] was warned about: {stderr}");
        assert!(mapped.status.code().is_some_and(|c| c != 2), "{stderr}");
    }

    let exposed = check_api(&["--listen", "0.0.0.0:0"]);
    let stderr = String::from_utf8_lossy(&exposed.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("certcockpit: warning: the evidence API listens on 0.0.0.0:"))
        .unwrap_or_else(|| panic!("no exposure warning on stderr: {stderr}"));
    let addr = line
        .trim_start_matches("certcockpit: warning: the evidence API listens on ")
        .split(',')
        .next()
        .expect("address");
    assert_names_what_is_exposed(line, addr);
    // The warning is for the person at the terminal: stdout stays the JSON alone.
    let stdout = String::from_utf8_lossy(&exposed.stdout);
    assert!(!stdout.contains("warning"), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(json["checks"][0]["id"], "polling.rate");
}

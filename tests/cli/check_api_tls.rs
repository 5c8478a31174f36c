//! `certcockpit check api --tls`: a requests-oauthlib client (tests/peers/oauthlib_client.py),
//! which refuses plain HTTP, gets its token over HTTPS and is judged, trusting only the local
//! CA the cockpit generated in a temporary XDG_CONFIG_HOME. Without that CA the same client
//! fails its handshake; over plain HTTP it refuses to start.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support;

fn peer(name: &str) -> String {
    support::python_peer_sh(name)
}

fn check_api(config: &Path, args: &[&str]) -> Output {
    support::command()
        .args(["check", "api", "--timeout", "20", "--json"])
        .args(args)
        .env("XDG_CONFIG_HOME", config)
        .output()
        .expect("run certcockpit")
}

fn checks(out: &Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    json["checks"].as_array().expect("checks").clone()
}

fn ca_dir(config: &Path) -> PathBuf {
    config.join("certcockpit").join("ca")
}

#[test]
fn requests_oauthlib_gets_its_token_over_tls_trusting_only_the_local_ca() {
    let config = tempfile::tempdir().expect("tempdir");
    let only = "auth.token_reuse,auth.refresh,pagination.complete,ratelimit.retry_after";
    let out = check_api(config.path(), &["--tls", "--only", only, "--exec", &peer("oauthlib_client.py")]);
    let results = checks(&out);
    assert_eq!(results.len(), 5, "four checks and the api.endpoints record");
    for r in &results {
        assert_eq!(r["verdict"], "pass", "{r:#}");
        if r["id"] == "api.endpoints" {
            assert!(r["summary"].to_string().contains("POST /oauth/token"), "{r:#}");
            continue;
        }
        let obs = r["observations"].to_string();
        assert!(obs.contains("/oauth/token"), "the client got its tokens from the API: {obs}");
    }
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // The CA was created on first use in the config folder, its key private.
    let dir = ca_dir(config.path());
    let key = std::fs::metadata(dir.join("certcockpit-ca-key.pem")).expect("the CA key");
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
    let pem = std::fs::read_to_string(dir.join("certcockpit-ca.pem")).expect("the CA certificate");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    // A second run reuses it.
    let out = check_api(
        config.path(),
        &["--tls", "--only", "auth.token_reuse", "--exec", &peer("oauthlib_client.py")],
    );
    assert_eq!(checks(&out)[0]["verdict"], "pass");
    assert_eq!(std::fs::read_to_string(dir.join("certcockpit-ca.pem")).expect("pem"), pem);
}

#[test]
fn without_the_ca_the_handshake_fails_and_over_http_the_library_refuses() {
    let config = tempfile::tempdir().expect("tempdir");
    // requests falls back to certifi's bundle, which does not know the local CA.
    let untrusting = format!(
        "env -u REQUESTS_CA_BUNDLE -u SSL_CERT_FILE -u CURL_CA_BUNDLE {}",
        peer("oauthlib_client.py")
    );
    let out = check_api(config.path(), &["--tls", "--only", "auth.token_reuse", "--exec", &untrusting]);
    let r = &checks(&out)[0];
    assert_ne!(r["verdict"], "pass", "{r:#}");
    let obs = r["observations"].to_string();
    assert!(obs.contains("SSLError") || obs.contains("CERTIFICATE_VERIFY_FAILED"), "{obs}");

    let out =
        check_api(config.path(), &["--only", "auth.token_reuse", "--exec", &peer("oauthlib_client.py")]);
    let r = &checks(&out)[0];
    assert_ne!(r["verdict"], "pass", "{r:#}");
    assert!(r["observations"].to_string().contains("InsecureTransportError"), "{r:#}");
}

#[test]
fn an_unusable_config_folder_is_an_environment_error() {
    let config = tempfile::tempdir().expect("tempdir");
    let dir = ca_dir(config.path());
    check_api(config.path(), &["--tls", "--only", "auth.token_reuse", "--exec", "true"]);
    assert!(dir.join("certcockpit-ca.pem").exists(), "the first --tls run creates the CA");
    std::fs::set_permissions(dir.join("certcockpit-ca-key.pem"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let out = check_api(config.path(), &["--tls", "--exec", "true"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chmod 600"), "{err}");
}

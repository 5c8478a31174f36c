//! `webhook.transport` end to end: `certcockpit check webhook` against Python's `http.server` +
//! `ssl` (tests/peers/tls_listener.py) on 127.0.0.1, with certificates from a test CA made here
//! with rcgen: trusted through `--ca` it passes; untrusted, expired or expiring within 30 days
//! it fails, saying when; a TLS 1.1-only listener fails for its protocol; a redirect is
//! reported; plain http on loopback is inconclusive. The evidence filed re-judges with
//! `certcockpit verify`.

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::{Datelike, Days, Utc};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::Value;

use crate::support::{self, Listening};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A test CA and the folder its files go in.
struct TestCa {
    dir: tempfile::TempDir,
    key: KeyPair,
    params: CertificateParams,
}

/// `p` valid from `from` to `to` days from today (UTC midnight).
fn validity(p: &mut CertificateParams, from: i64, to: i64) {
    let at = |offset: i64| {
        let today = Utc::now().date_naive();
        let d = if offset >= 0 {
            today.checked_add_days(Days::new(offset.unsigned_abs()))
        } else {
            today.checked_sub_days(Days::new(offset.unsigned_abs()))
        }
        .expect("a date");
        rcgen::date_time_ymd(
            d.year(),
            u8::try_from(d.month()).expect("month"),
            u8::try_from(d.day()).expect("day"),
        )
    };
    p.not_before = at(from);
    p.not_after = at(to);
}

impl TestCa {
    fn new() -> Self {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, "certcockpit transport test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        validity(&mut params, -400, 400);
        let cert = params.clone().self_signed(&key).expect("self-signed");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("ca.pem"), cert.pem()).expect("write the CA");
        Self { dir, key, params }
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A leaf for 127.0.0.1 valid from `from` to `to` days from today; returns (cert, key) files.
    fn leaf(&self, name: &str, from: i64, to: i64) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().expect("key");
        let mut p = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        p.distinguished_name.push(DnType::CommonName, format!("{name} listener"));
        p.use_authority_key_identifier_extension = true;
        validity(&mut p, from, to);
        let issuer = Issuer::new(self.params.clone(), &self.key);
        let cert = p.signed_by(&key, &issuer).expect("signed");
        let (c, k) =
            (self.dir.path().join(format!("{name}.pem")), self.dir.path().join(format!("{name}.key")));
        std::fs::write(&c, cert.pem()).expect("write the leaf");
        std::fs::write(&k, key.serialize_pem()).expect("write the key");
        (c, k)
    }
}

fn listener(args: &[&str]) -> Listening {
    let mut cmd = support::python_peer("tls_listener.py");
    cmd.args(args);
    support::listening(cmd, "tests/peers/tls_listener.py needs only Python's standard library")
}

fn https_listener(cert: &Path, key: &Path, extra: &[&str]) -> Listening {
    let mut args = vec!["--cert", cert.to_str().expect("utf-8"), "--key", key.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    listener(&args)
}

fn https_url(l: &Listening) -> String {
    format!("https://127.0.0.1:{}/hook", l.port)
}

fn transport(url: &str, extra: &[&str]) -> (Value, Output) {
    let out = support::command()
        .args(["check", "webhook", "--only", "webhook.transport", "--json", "--deadline", "5"])
        .args(["--url", url, "--secret-env", "HOOK_SECRET"])
        .args(extra)
        .env("HOOK_SECRET", SECRET)
        .output()
        .expect("run certcockpit");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", support::text(&out.stdout), support::text(&out.stderr))
    });
    let check = json["checks"].as_array().and_then(|c| c.first()).cloned().expect("one check");
    assert_eq!(check["id"], "webhook.transport", "{check:#}");
    (check, out)
}

#[test]
fn a_certificate_from_a_trusted_test_ca_passes_and_untrusted_it_fails() {
    let ca = TestCa::new();
    let (cert, key) = ca.leaf("valid", -1, 200);
    let l = https_listener(&cert, &key, &[]);
    let ca_file = ca.ca_file();
    let (r, out) = transport(&https_url(&l), &["--ca", ca_file.to_str().expect("utf-8")]);
    assert_eq!(r["verdict"], "pass", "{r:#}");
    assert_eq!(out.status.code(), Some(0));
    let f = &r["figures"];
    assert_eq!(f["tls_version"], "TLSv1_3", "{r:#}");
    assert!(f["cipher_suite"].as_str().is_some_and(|s| s.starts_with("TLS13_")), "{r:#}");
    assert!(f["cert_subject"].as_str().is_some_and(|s| s.contains("valid listener")), "{r:#}");
    assert!(f["cert_issuer"].as_str().is_some_and(|s| s.contains("transport test CA")), "{r:#}");
    assert!(f["cert_days_left"].as_i64().is_some_and(|d| (198..=200).contains(&d)), "{r:#}");
    assert!(f["cert_not_after"].is_string(), "{r:#}");

    let (r, out) = transport(&https_url(&l), &[]);
    assert_eq!(r["verdict"], "fail", "{r:#}");
    assert_eq!(out.status.code(), Some(1));
    let summary = r["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("not a trusted CA") && summary.contains("--ca"), "{summary}");
    // The handshake still completed: its version is known even though the chain is refused.
    assert_eq!(r["figures"]["tls_version"], "TLSv1_3", "{r:#}");
}

#[test]
fn expired_and_soon_expiring_certificates_fail_saying_when() {
    let ca = TestCa::new();
    let ca_file = ca.ca_file();
    let ca_arg = ["--ca", ca_file.to_str().expect("utf-8")];
    let (cert, key) = ca.leaf("expired", -100, -3);
    let l = https_listener(&cert, &key, &[]);
    let (r, _) = transport(&https_url(&l), &ca_arg);
    assert_eq!(r["verdict"], "fail", "{r:#}");
    let summary = r["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("expired on"), "{summary}");

    // A year-long certificate with 10 days left: under the 30-day bar.
    let (cert, key) = ca.leaf("soon", -355, 10);
    let l = https_listener(&cert, &key, &[]);
    let (r, _) = transport(&https_url(&l), &ca_arg);
    assert_eq!(r["verdict"], "fail", "{r:#}");
    let summary = r["summary"].as_str().unwrap_or_default();
    let not_after = r["figures"]["cert_not_after"].as_str().unwrap_or_default().to_owned();
    assert!(summary.contains(&not_after) && summary.contains("days left"), "{summary}");
    assert!(r["figures"]["cert_days_left"].as_i64().is_some_and(|d| (9..=10).contains(&d)), "{r:#}");
}

#[test]
fn a_tls_1_1_only_listener_fails_for_its_protocol() {
    let ca = TestCa::new();
    let (cert, key) = ca.leaf("legacy", -1, 200);
    let l = https_listener(&cert, &key, &["--max-tls", "1.1"]);
    let ca_file = ca.ca_file();
    let (r, out) = transport(&https_url(&l), &["--ca", ca_file.to_str().expect("utf-8")]);
    assert_eq!(r["verdict"], "fail", "{r:#}");
    assert_eq!(out.status.code(), Some(1), "a protocol failure is the listener's, not the environment's");
    let summary = r["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("older than 1.2"), "{summary}");
}

#[test]
fn a_redirect_is_reported_and_plain_http_on_loopback_is_inconclusive() {
    let ca = TestCa::new();
    let (cert, key) = ca.leaf("moved", -1, 200);
    let l = https_listener(&cert, &key, &["--redirect", "https://127.0.0.1:1/elsewhere"]);
    let ca_file = ca.ca_file();
    let (r, _) = transport(&https_url(&l), &["--ca", ca_file.to_str().expect("utf-8")]);
    assert_eq!(r["verdict"], "fail", "{r:#}");
    let summary = r["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("301") && summary.contains("redirect"), "{summary}");

    let plain = listener(&["--plain"]);
    let (r, out) = transport(&plain.url, &[]);
    assert_eq!(r["verdict"], "inconclusive", "{r:#}");
    assert!(r["summary"].as_str().is_some_and(|s| s.contains("testing locally")), "{r:#}");
    assert_eq!(out.status.code(), Some(4), "nothing was judged");
}

#[test]
fn filed_transport_evidence_verifies_and_a_bad_ca_file_is_a_usage_error() {
    let ca = TestCa::new();
    let (cert, key) = ca.leaf("filed", -1, 200);
    let l = https_listener(&cert, &key, &[]);
    let dossier = ca.dir.path().join("review.toml");
    let d = dossier.to_str().expect("utf-8");
    let ca_file = ca.ca_file();
    let (r, _) = transport(&https_url(&l), &["--ca", ca_file.to_str().expect("utf-8"), "--dossier", d]);
    assert_eq!(r["verdict"], "pass", "{r:#}");
    let out = support::command().args(["verify", d]).output().expect("run verify");
    let text = format!("{}{}", support::text(&out.stdout), support::text(&out.stderr));
    assert!(out.status.success() && text.contains("webhook.transport"), "{text}");

    let out = support::command()
        .args(["check", "webhook", "--only", "webhook.transport", "--url", &https_url(&l)])
        .args(["--secret-env", "HOOK_SECRET", "--ca", cert.with_extension("key").to_str().expect("utf-8")])
        .env("HOOK_SECRET", SECRET)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = support::text(&out.stderr);
    assert!(err.contains("filed.key") && err.contains("no PEM certificate"), "{err}");
}

//! The transport judge on handshake facts as real listeners present them: Python's `ssl`
//! (OpenSSL 3) and nginx defaults negotiate TLS 1.3 with `TLS13_AES_256_GCM_SHA384`; Let's
//! Encrypt issues 90-day certificates (certbot renews at 30 days left) and 6-day short-lived
//! ones; an OpenSSL listener limited to TLS 1.1 makes rustls stop at its ServerHello.

use std::time::Duration;

use super::*;
use crate::checks::Figure;
use crate::checks::webhook::{Case, Outcome};

const NOW: i64 = 1_796_000_000; // 2026-11-30
const DEADLINE: Duration = Duration::from_secs(15);

fn cert(days_left: i64, lifetime_days: i64) -> CertFacts {
    CertFacts {
        subject: "CN=hooks.partner.example".into(),
        issuer: "C=US, O=Let's Encrypt, CN=R11".into(),
        not_before: NOW + (days_left - lifetime_days) * DAY,
        not_after: NOW + days_left * DAY,
        chain_len: 2,
    }
}

fn https(handshake: Handshake, certificate: Option<CertFacts>, verification: Verification) -> TransportFacts {
    TransportFacts {
        url: "https://hooks.partner.example/webhooks".into(),
        loopback: false,
        observed_at: NOW,
        tls: Some(TlsFacts { handshake, certificate, verification, extra_ca: None }),
    }
}

fn tls13() -> Handshake {
    Handshake::Completed { version: "TLSv1_3".into(), cipher_suite: "TLS13_AES_256_GCM_SHA384".into() }
}

fn ok(status: u16) -> Vec<Observation> {
    vec![Observation::new(
        Case::Genuine,
        Outcome::Answered { status, detail: String::new() },
        Duration::from_millis(8),
    )]
}

fn judge(f: &TransportFacts, obs: &[Observation]) -> CheckResult {
    transport(Some(f), obs, DEADLINE)
}

#[test]
fn a_verified_certificate_with_months_left_passes_with_its_figures() {
    let r = judge(&https(tls13(), Some(cert(75, 90)), Verification::Verified), &ok(200));
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert!(r.summary.contains("TLS 1.3") && r.summary.contains("75 days left"), "{}", r.summary);
    assert_eq!(r.figures.get("tls_version"), Some(&Figure::Text("TLSv1_3".into())));
    assert_eq!(r.figures.get("cipher_suite"), Some(&Figure::Text("TLS13_AES_256_GCM_SHA384".into())));
    assert_eq!(r.figures.get("cert_subject"), Some(&Figure::Text("CN=hooks.partner.example".into())));
    assert!(r.figures.contains_key("cert_issuer"));
    assert_eq!(r.figures.get("cert_not_after"), Some(&Figure::Text(date(NOW + 75 * DAY))));
    assert_eq!(r.figures.get("cert_days_left"), Some(&Figure::Int(75)));
}

#[test]
fn tls_1_2_passes_too() {
    let h = Handshake::Completed {
        version: "TLSv1_2".into(),
        cipher_suite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".into(),
    };
    assert_eq!(
        judge(&https(h, Some(cert(200, 365)), Verification::Verified), &ok(204)).verdict,
        Verdict::Pass
    );
}

#[test]
fn a_certificate_expiring_within_30_days_fails_and_says_when() {
    let r = judge(&https(tls13(), Some(cert(20, 90)), Verification::Verified), &ok(200));
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains(&date(NOW + 20 * DAY)) && r.summary.contains("20 days left"), "{}", r.summary);
    assert_eq!(r.figures.get("cert_days_left"), Some(&Figure::Int(20)));
}

/// A short-lived certificate is judged against a third of its life: Let's Encrypt's 6-day
/// certificate with 4 days left is fine, with 1 day left it is overdue.
#[test]
fn a_short_lived_certificate_is_judged_against_a_third_of_its_life() {
    assert_eq!(
        judge(&https(tls13(), Some(cert(4, 6)), Verification::Verified), &ok(200)).verdict,
        Verdict::Pass
    );
    assert_eq!(
        judge(&https(tls13(), Some(cert(1, 6)), Verification::Verified), &ok(200)).verdict,
        Verdict::Fail
    );
    // 45-day certificates: renewed at 15 days left.
    assert_eq!(
        judge(&https(tls13(), Some(cert(16, 45)), Verification::Verified), &ok(200)).verdict,
        Verdict::Pass
    );
    assert_eq!(
        judge(&https(tls13(), Some(cert(10, 45)), Verification::Verified), &ok(200)).verdict,
        Verdict::Fail
    );
}

#[test]
fn expired_untrusted_and_wrong_name_certificates_fail_with_the_reason() {
    let expired =
        Verification::Failed { problem: CertProblem::Expired, reason: "certificate expired".into() };
    let r = judge(&https(tls13(), Some(cert(-3, 90)), expired), &[]);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("expired on") && r.summary.contains("3 days before"), "{}", r.summary);

    let untrusted = Verification::Failed {
        problem: CertProblem::UntrustedIssuer,
        reason: "invalid peer certificate: UnknownIssuer".into(),
    };
    let r = judge(&https(tls13(), Some(cert(60, 90)), untrusted), &[]);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("not a trusted CA") && r.summary.contains("--ca"), "{}", r.summary);

    let name = Verification::Failed { problem: CertProblem::WrongName, reason: "NotValidForName".into() };
    let r = judge(&https(tls13(), Some(cert(60, 90)), name), &ok(200));
    assert!(r.verdict == Verdict::Fail && r.summary.contains("host"), "{}", r.summary);
}

#[test]
fn an_old_protocol_is_told_apart_from_other_handshake_failures() {
    let old = Handshake::OldProtocol {
        reason: "peer is incompatible: ServerTlsVersionIsDisabledByOurConfig".into(),
    };
    let r = judge(&https(old, None, Verification::NotReached), &[]);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("older than 1.2"), "{}", r.summary);
    let other = Handshake::Failed { reason: "received corrupt message of type InvalidContentType".into() };
    let r = judge(&https(other, None, Verification::NotReached), &[]);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("handshake failed") && !r.summary.contains("1.2"), "{}", r.summary);
}

#[test]
fn an_unreachable_listener_is_the_environments_doing() {
    let down =
        Handshake::Unreachable { reason: "could not connect: Connection refused (os error 111)".into() };
    let r = judge(&https(down, None, Verification::NotReached), &[]);
    assert_eq!(r.verdict, Verdict::Inconclusive);
    assert!(r.environment_error().is_some_and(|e| e.contains("refused")));
}

#[test]
fn plain_http_fails_off_loopback_and_is_inconclusive_on_it() {
    let remote = TransportFacts {
        url: "http://hooks.partner.example/webhooks".into(),
        loopback: false,
        observed_at: NOW,
        tls: None,
    };
    let r = judge(&remote, &ok(200));
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("plain http://") && r.summary.contains("https://"), "{}", r.summary);
    let local = TransportFacts { url: "http://127.0.0.1:8080/hook".into(), loopback: true, ..remote };
    let r = judge(&local, &ok(200));
    assert_eq!(r.verdict, Verdict::Inconclusive);
    assert!(r.summary.contains("testing locally"), "{}", r.summary);
    assert_eq!(r.figures.get("url_scheme"), Some(&Figure::Text("http".into())));
}

/// nginx's `return 301 https://…` and a framework's trailing-slash redirect: reported on any
/// scheme, loopback included.
#[test]
fn a_redirect_is_reported_whatever_the_scheme() {
    let moved = vec![Observation::new(
        Case::Genuine,
        Outcome::Answered { status: 301, detail: "https://hooks.partner.example/webhooks/".into() },
        Duration::from_millis(3),
    )];
    let r = judge(&https(tls13(), Some(cert(75, 90)), Verification::Verified), &moved);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("301") && r.summary.contains("redirect"), "{}", r.summary);
    let local = TransportFacts {
        url: "http://127.0.0.1:8080/hook".into(),
        loopback: true,
        observed_at: NOW,
        tls: None,
    };
    assert_eq!(judge(&local, &moved).verdict, Verdict::Fail);
}

#[test]
fn the_days_left_count_from_the_day_observed_not_today() {
    let f = https(tls13(), Some(cert(75, 90)), Verification::Verified);
    let again = judge(&f, &ok(200));
    assert_eq!(again, judge(&f, &ok(200)));
    assert_eq!(transport(None, &[], DEADLINE).verdict, Verdict::Inconclusive);
}

#[test]
fn an_http_listener_that_refuses_connections_is_the_environments_doing() {
    let local =
        TransportFacts { url: "http://127.0.0.1:9/hook".into(), loopback: true, observed_at: NOW, tls: None };
    let refused = vec![Observation::new(
        Case::Genuine,
        Outcome::Unreachable("could not connect: Connection refused (os error 111)".into()),
        Duration::from_millis(1),
    )];
    let r = judge(&local, &refused);
    assert_eq!(r.verdict, Verdict::Inconclusive);
    assert!(r.environment_error().is_some() && r.summary.contains("could not be reached"), "{}", r.summary);
}

/// As every webhook check: an answer that never came whole fails, with the reason.
#[test]
fn a_broken_or_missing_answer_fails_whatever_the_scheme() {
    let local =
        TransportFacts { url: "http://127.0.0.1:9/hook".into(), loopback: true, observed_at: NOW, tls: None };
    let garbage = vec![Observation::new(
        Case::Genuine,
        Outcome::Broken("invalid HTTP version parsed".into()),
        Duration::from_millis(2),
    )];
    let r = judge(&local, &garbage);
    assert!(
        r.verdict == Verdict::Fail && r.summary.contains("no usable answer (invalid HTTP"),
        "{}",
        r.summary
    );
    let held = vec![Observation::new(Case::Genuine, Outcome::TimedOut, DEADLINE)];
    let r = judge(&https(tls13(), Some(cert(75, 90)), Verification::Verified), &held);
    assert!(r.verdict == Verdict::Fail && r.summary.contains("no answer within 15 s"), "{}", r.summary);
}

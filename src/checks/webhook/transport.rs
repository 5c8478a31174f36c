//! `webhook.transport`: what the listener's URL and its TLS handshake showed, and the pure judge
//! of it. The facts are recorded by `tls_probe` (one TCP connection and one handshake, nothing
//! sent over it) and kept in the evidence sidecar, so `certcockpit verify` judges them again;
//! the time of the probe is part of the facts, so a re-judged record counts the days left from
//! the day it was observed, not from today.
//!
//! Fairness rules:
//! - Plain `http://` is a failure on any host but loopback (events and signatures would cross
//!   the network in clear); on loopback it is *inconclusive*: the partner is testing locally,
//!   and TLS is judged when the listener has its real URL.
//! - rustls speaks TLS 1.2 and 1.3 only, as the providers' senders do: a listener that offers
//!   only older versions fails with that reason, told apart from other handshake failures
//!   (no common cipher suite, plain HTTP on the TLS port), which fail with theirs. A listener
//!   that cannot be reached at all is the environment's doing: inconclusive.
//! - The certificate must verify against the system's roots or the CA file the reviewer gave
//!   (`--ca`), for the URL's host. It must not expire within [`RENEW_BEFORE_DAYS`] days, or
//!   within a third of its lifetime when that is shorter: Let's Encrypt's short-lived (6-day)
//!   and 45-day certificates are renewed automatically when a third of their life is left
//!   (certbot's 30 days for a 90-day certificate is the same rule), so a short-lived
//!   certificate is not "about to expire" merely for being short-lived.
//! - A redirect is a failure whatever the scheme: providers do not follow redirects, so a
//!   listener must answer the URL it registered.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::observe::{Case, Observation, Treatment};
use crate::checks::{CheckId, CheckResult, Verdict};

const TRANSPORT: &str = CheckId::WebhookTransport.as_str();

/// A certificate must have at least this many days left (or a third of its lifetime).
pub const RENEW_BEFORE_DAYS: i64 = 30;
const DAY: i64 = 86_400;

/// What the probe of the listener's URL found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransportFacts {
    /// The URL as registered (given by the partner: neutralised when shown).
    pub url: String,
    /// Whether its host is loopback (`localhost`, `127.0.0.0/8`, `::1`).
    pub loopback: bool,
    /// When the probe ran, Unix seconds: the day the certificate's days left are counted from.
    pub observed_at: i64,
    /// The handshake, for an `https://` URL (`None` for plain `http://`).
    pub tls: Option<TlsFacts>,
}

/// One TLS handshake, as seen from the client side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsFacts {
    pub handshake: Handshake,
    /// The leaf certificate the listener presented, when it got that far.
    pub certificate: Option<CertFacts>,
    /// What verifying the presented chain against the trusted roots gave.
    pub verification: Verification,
    /// The CA file trusted beside the system's roots, if the reviewer gave one.
    #[serde(default)]
    pub extra_ca: Option<String>,
}

/// How the handshake ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handshake {
    /// Completed: the protocol version and cipher suite negotiated (rustls names, e.g.
    /// `TLSv1_3`, `TLS13_AES_256_GCM_SHA384`).
    Completed { version: String, cipher_suite: String },
    /// The listener offers only protocol versions older than TLS 1.2.
    OldProtocol { reason: String },
    /// Any other handshake failure, with the TLS library's reason.
    Failed { reason: String },
    /// No TCP connection (refused, unresolvable, unroutable).
    Unreachable { reason: String },
    /// No handshake within the deadline.
    TimedOut,
}

/// The presented leaf certificate (partner-chosen text: neutralised when shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertFacts {
    pub subject: String,
    pub issuer: String,
    /// Validity, Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Certificates in the presented chain, the leaf included.
    pub chain_len: usize,
}

/// The verifier's conclusion on the presented chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    Verified,
    Failed {
        problem: CertProblem,
        reason: String,
    },
    /// The handshake ended before a certificate was presented.
    NotReached,
}

/// Why a chain did not verify, in the categories the summary words differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertProblem {
    Expired,
    NotYetValid,
    UntrustedIssuer,
    WrongName,
    Other,
}

/// "2026-12-31".
fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map_or_else(|| unix.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// The days a certificate must have left: [`RENEW_BEFORE_DAYS`], or a third of its lifetime
/// when that is shorter (see the module's fairness rules).
pub fn renewal_margin_secs(cert: &CertFacts) -> i64 {
    let lifetime = cert.not_after.saturating_sub(cert.not_before).max(0);
    (RENEW_BEFORE_DAYS * DAY).min(lifetime / 3)
}

/// Judges `webhook.transport` from the probe's facts and the one signed delivery sent to the
/// URL (whose answer shows a redirect).
pub fn transport(facts: Option<&TransportFacts>, obs: &[Observation], deadline: Duration) -> CheckResult {
    let Some(f) = facts else {
        return CheckResult::new(TRANSPORT, Verdict::Inconclusive, "no transport facts were recorded");
    };
    let mut problems: Vec<String> = Vec::new();
    let mut r = CheckResult::new(TRANSPORT, Verdict::Pass, String::new())
        .figure("url_scheme", if f.tls.is_some() { "https" } else { "http" });
    let redirect =
        obs.iter().find(|o| o.case == Case::Genuine && o.treatment(deadline) == Treatment::Redirected);
    if let Some(o) = obs.iter().find(|o| o.case == Case::Genuine) {
        r = r.figure("genuine_status", o.status_figure()).observe(o.line());
    }
    // As in every webhook check: an answer that never came whole is the listener's failure.
    if let Some(o) = obs.iter().find(|o| {
        o.case == Case::Genuine
            && (matches!(o.outcome, super::Outcome::TimedOut | super::Outcome::Broken(_))
                || o.treatment(deadline) == Treatment::Late)
    }) {
        problems
            .push(format!("the listener's URL gave {}: it must answer there, in time", o.describe(deadline)));
    }
    if let Some(o) = redirect {
        problems.push(format!(
            "the listener {}: providers do not follow redirects, register the URL that answers",
            o.describe(deadline)
        ));
    }
    let Some(tls) = &f.tls else {
        // Nothing to judge over http when nothing answered: the environment's doing, as for
        // every webhook check (over https the handshake above tells it instead).
        if let Some(why) = obs.iter().find_map(|o| match &o.outcome {
            super::Outcome::Unreachable(why) => Some(why),
            _ => None,
        }) {
            let what = format!("the listener could not be reached ({why})");
            return r.environment(what.clone()).with_summary(format!("{what}: nothing to judge"));
        }
        if !f.loopback {
            problems.insert(
                0,
                "the URL is plain http:// on a host that is not loopback: events and their signatures would cross the network unencrypted; register an https:// URL".into(),
            );
        }
        return finish(r, problems, || {
            (Verdict::Inconclusive, "plain http:// on loopback: testing locally; TLS is judged once the listener has its https:// URL".into())
        });
    };
    if let Some(ca) = &tls.extra_ca {
        r = r.figure("extra_ca", ca.as_str());
    }
    let cert_line = tls.certificate.as_ref().map(|c| {
        r.figures.insert("cert_subject".into(), c.subject.clone().into());
        r.figures.insert("cert_issuer".into(), c.issuer.clone().into());
        r.figures.insert("cert_not_after".into(), date(c.not_after).into());
        r.figures.insert(
            "cert_days_left".into(),
            c.not_after.saturating_sub(f.observed_at).div_euclid(DAY).into(),
        );
        format!(
            "certificate: subject {}, issuer {}, valid {} to {}, chain of {}",
            c.subject,
            c.issuer,
            date(c.not_before),
            date(c.not_after),
            c.chain_len
        )
    });
    if let Some(line) = cert_line {
        r = r.observe(line);
    }
    match &tls.handshake {
        Handshake::Unreachable { reason } => {
            let what = format!("the listener could not be reached ({reason})");
            return r.environment(what.clone()).with_summary(format!("{what}: nothing to judge"));
        }
        Handshake::TimedOut => {
            let what = format!("no TLS handshake within the {} deadline", super::observe::secs(deadline));
            return r.environment(what.clone()).with_summary(format!("{what}: nothing to judge"));
        }
        Handshake::OldProtocol { reason } => problems.insert(
            0,
            format!("the listener offers only TLS older than 1.2 ({reason}): providers send over TLS 1.2 or 1.3 only; enable TLS 1.2 and 1.3"),
        ),
        Handshake::Failed { reason } => problems.insert(0, format!("the TLS handshake failed ({reason})")),
        Handshake::Completed { version, cipher_suite } => {
            r = r
                .figure("tls_version", version.as_str())
                .figure("cipher_suite", cipher_suite.as_str())
                .observe(format!("handshake: {version}, {cipher_suite}"));
            if !matches!(version.as_str(), "TLSv1_2" | "TLSv1_3") {
                problems.insert(0, format!("the handshake negotiated {version}: TLS 1.2 or 1.3 is required"));
            }
        }
    }
    if let Verification::Failed { problem, reason } = &tls.verification {
        problems.push(certificate_problem(*problem, reason, tls, f.observed_at));
    }
    if let (Verification::Verified, Some(c)) = (&tls.verification, &tls.certificate) {
        let left = c.not_after.saturating_sub(f.observed_at);
        if left < renewal_margin_secs(c) {
            problems.push(format!(
                "the certificate expires on {} ({} days left): renew it now, and renew automatically before {} days are left",
                date(c.not_after),
                left.div_euclid(DAY).max(0),
                renewal_margin_secs(c) / DAY
            ));
        }
    }
    finish(r, problems, || {
        let version = match &tls.handshake {
            Handshake::Completed { version, cipher_suite } => format!("{} ({cipher_suite})", words(version)),
            _ => String::new(),
        };
        let cert = tls.certificate.as_ref().map_or(String::new(), |c| {
            format!(
                ", a certificate for {} from {} that verifies and is valid until {} ({} days left)",
                c.subject,
                c.issuer,
                date(c.not_after),
                c.not_after.saturating_sub(f.observed_at).div_euclid(DAY)
            )
        });
        (Verdict::Pass, format!("HTTPS with {version}{cert}, and no redirect"))
    })
}

/// One progress line for the handshake (partner text in it is neutralised by the sink's
/// printer, as every progress line is).
pub fn handshake_line(tls: &TlsFacts) -> String {
    let how = match &tls.handshake {
        Handshake::Completed { version, cipher_suite } => format!("{}, {cipher_suite}", words(version)),
        Handshake::OldProtocol { reason } => format!("older than TLS 1.2 ({reason})"),
        Handshake::Failed { reason } => format!("failed ({reason})"),
        Handshake::Unreachable { reason } => format!("not reached ({reason})"),
        Handshake::TimedOut => "timed out".into(),
    };
    let verified = match &tls.verification {
        Verification::Verified => "certificate verifies".to_owned(),
        Verification::Failed { reason, .. } => format!("certificate does not verify ({reason})"),
        Verification::NotReached => "no certificate".to_owned(),
    };
    format!("TLS handshake: {how}; {verified}")
}

/// "TLS 1.3" for rustls's `TLSv1_3`.
fn words(version: &str) -> String {
    version
        .strip_prefix("TLSv")
        .map_or_else(|| version.to_owned(), |v| format!("TLS {}", v.replace('_', ".")))
}

fn certificate_problem(problem: CertProblem, reason: &str, tls: &TlsFacts, observed_at: i64) -> String {
    let cert = tls.certificate.as_ref();
    match (problem, cert) {
        (CertProblem::Expired, Some(c)) => format!(
            "the certificate expired on {} ({} days before the check): renew it",
            date(c.not_after),
            observed_at.saturating_sub(c.not_after).div_euclid(DAY)
        ),
        (CertProblem::NotYetValid, Some(c)) => {
            format!(
                "the certificate is not valid before {}: check the server's clock and the certificate",
                date(c.not_before)
            )
        }
        (CertProblem::UntrustedIssuer, c) => format!(
            "the certificate does not verify: its issuer{} is not a trusted CA ({reason}); use a certificate from a public CA, or, for a test CA, give the reviewer its certificate (--ca FILE)",
            c.map_or(String::new(), |c| format!(" {}", c.issuer))
        ),
        (CertProblem::WrongName, _) => {
            format!(
                "the certificate is not valid for the URL's host ({reason}): it must name the host the listener is registered under"
            )
        }
        _ => format!("the certificate does not verify ({reason})"),
    }
}

/// The verdict: a failure naming every problem, or what `otherwise` says.
fn finish(
    r: CheckResult,
    problems: Vec<String>,
    otherwise: impl FnOnce() -> (Verdict, String),
) -> CheckResult {
    if problems.is_empty() {
        let (verdict, summary) = otherwise();
        return CheckResult { verdict, ..r }.with_summary(summary);
    }
    CheckResult { verdict: Verdict::Fail, ..r }.with_summary(problems.join("; "))
}

trait WithSummary {
    fn with_summary(self, summary: String) -> Self;
}

impl WithSummary for CheckResult {
    fn with_summary(mut self, summary: String) -> Self {
        self.summary = summary;
        self
    }
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;

//! What one delivery observed: which case it was, what came back, how long it took. The I/O
//! layer produces these; the judges turn them into verdicts without touching the network.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::signing::Malformation;
use crate::checks::Figure;

/// Which delivery of a check this was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Case {
    /// Correctly signed, fresh.
    Genuine,
    /// A well-formed signature not made with the secret.
    Forged,
    /// No signature header.
    Missing,
    /// Signed correctly with another secret.
    WrongSecret,
    /// The genuine signature over an altered body.
    Tampered,
    /// The first of two identical deliveries.
    First,
    /// The identical redelivery.
    Redelivery,
    /// Step `n` (1-based) of a resource's life; sent out of order.
    Step(u32),
    /// The n-th (1-based) timed delivery of `webhook.deadline`.
    Timed(usize),
    /// The valid signature at this 0-based position among invalid ones (a rotating secret).
    ValidAmong(usize),
    /// An entry of a version to skip beside the valid one.
    UnknownVersion,
    /// Several entries, none valid.
    AllInvalid,
    /// The signature as the provider writes it (`hmac-sha256`: lowercase hex).
    ProviderCase,
    /// A malformed signature header.
    Malformed(Malformation),
    /// Correctly signed with a timestamp this many seconds from now (negative: in the past).
    Skewed(i64),
}

impl Case {
    /// A short key, used for figure names (`forged_status`) and observation lines.
    pub fn key(self) -> String {
        match self {
            Case::Genuine => "genuine".into(),
            Case::Forged => "forged".into(),
            Case::Missing => "missing".into(),
            Case::WrongSecret => "wrong_secret".into(),
            Case::Tampered => "tampered".into(),
            Case::First => "first".into(),
            Case::Redelivery => "redelivery".into(),
            Case::Step(n) => format!("seq{n}"),
            Case::Timed(n) => format!("delivery{n}"),
            Case::ValidAmong(n) => format!("valid_{}", position(n)),
            Case::UnknownVersion => "unknown_version".into(),
            Case::AllInvalid => "all_invalid".into(),
            Case::ProviderCase => "lowercase_hex".into(),
            Case::Malformed(m) => m.key().into(),
            Case::Skewed(s) if s < 0 => format!("ts_minus_{}s", s.unsigned_abs()),
            Case::Skewed(s) => format!("ts_plus_{s}s"),
        }
    }

    /// Plain words for summaries.
    pub fn words(self) -> String {
        match self {
            Case::Genuine => "the genuine delivery".into(),
            Case::Forged => "the forged signature".into(),
            Case::Missing => "the missing signature".into(),
            Case::WrongSecret => "the wrong secret".into(),
            Case::Tampered => "the tampered body".into(),
            Case::First => "the first delivery".into(),
            Case::Redelivery => "the redelivery".into(),
            Case::Step(n) => format!("sequence {n}"),
            Case::Timed(n) => format!("delivery {n}"),
            Case::ValidAmong(n) => format!("the valid signature {} among invalid ones", position(n)),
            Case::UnknownVersion => "an unknown-version entry beside the valid one".into(),
            Case::AllInvalid => "several signatures, none valid".into(),
            Case::ProviderCase => "the lowercase hex signature the provider sends".into(),
            Case::Malformed(m) => m.words().into(),
            Case::Skewed(s) if s < 0 => format!("a timestamp {} old", minutes(s.unsigned_abs())),
            Case::Skewed(s) => format!("a timestamp {} ahead", minutes(s.unsigned_abs())),
        }
    }
}

fn position(n: usize) -> &'static str {
    match n {
        0 => "first",
        n if n + 1 >= super::signing::ROTATION_ENTRIES => "last",
        _ => "middle",
    }
}

/// "4 min 50 s", "10 min", "45 s".
pub fn minutes(secs: u64) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// An HTTP answer. `detail` is the `Location` of a redirect, or the start of the body.
    Answered { status: u16, detail: String },
    /// Nothing (or not all of the answer) within the deadline.
    TimedOut,
    /// Not delivered: connection refused, name not resolved, TLS failure… with the reason.
    Unreachable(String),
    /// Connected, but what came back was no usable HTTP answer: not HTTP at all, a head too
    /// large, a connection closed mid-answer, or a body that stalled or never ended. With the
    /// reason. A provider would log it as a failed delivery and retry.
    Broken(String),
}

/// One delivery, observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub case: Case,
    pub outcome: Outcome,
    /// From sending to the answer's status line (or to giving up, or to finding the answer
    /// unusable).
    pub latency: Duration,
}

/// How a listener treated a delivery, for judging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// 2xx within the deadline.
    Accepted,
    /// 4xx: a deliberate refusal.
    Rejected,
    /// 5xx: the listener failed rather than decided.
    Crashed,
    /// 3xx: providers do not follow redirects.
    Redirected,
    /// 1xx or an unknown class.
    Odd,
    /// An answer, but after the deadline.
    Late,
    /// No answer at all (timeout or not delivered).
    NoAnswer,
}

impl Observation {
    pub fn new(case: Case, outcome: Outcome, latency: Duration) -> Self {
        Self { case, outcome, latency }
    }

    pub fn status(&self) -> Option<u16> {
        match self.outcome {
            Outcome::Answered { status, .. } => Some(status),
            _ => None,
        }
    }

    pub fn treatment(&self, deadline: Duration) -> Treatment {
        match self.outcome {
            Outcome::Answered { .. } if self.latency > deadline => Treatment::Late,
            Outcome::Answered { status, .. } => match status {
                200..=299 => Treatment::Accepted,
                400..=499 => Treatment::Rejected,
                500..=599 => Treatment::Crashed,
                300..=399 => Treatment::Redirected,
                _ => Treatment::Odd,
            },
            Outcome::TimedOut | Outcome::Unreachable(_) | Outcome::Broken(_) => Treatment::NoAnswer,
        }
    }

    pub fn latency_ms(&self) -> f64 {
        (self.latency.as_secs_f64() * 10_000.0).round() / 10.0
    }

    /// The status as a figure: the code, or `timeout` / `unreachable`.
    pub fn status_figure(&self) -> Figure {
        match &self.outcome {
            Outcome::Answered { status, .. } => Figure::from(*status),
            Outcome::TimedOut => Figure::from("timeout"),
            Outcome::Unreachable(_) => Figure::from("unreachable"),
            Outcome::Broken(_) => Figure::from("invalid"),
        }
    }

    /// What happened, in a few words: "accepted (200)", "crashed (500)", "no answer within 2 s".
    pub fn describe(&self, deadline: Duration) -> String {
        match (&self.outcome, self.treatment(deadline)) {
            (Outcome::Answered { status, .. }, Treatment::Late) => {
                format!("answered {status} only after {} (deadline {})", secs(self.latency), secs(deadline))
            }
            (Outcome::Answered { status, .. }, Treatment::Accepted) => format!("accepted ({status})"),
            (Outcome::Answered { status, .. }, Treatment::Rejected) => format!("rejected ({status})"),
            (Outcome::Answered { status, .. }, Treatment::Crashed) => format!("crashed ({status})"),
            (Outcome::Answered { status, detail }, Treatment::Redirected) if !detail.is_empty() => {
                format!("redirected ({status} to {})", shorten(detail, 200))
            }
            (Outcome::Answered { status, .. }, Treatment::Redirected) => format!("redirected ({status})"),
            (Outcome::Answered { status, .. }, _) => format!("answered {status}"),
            (Outcome::TimedOut, _) => format!("no answer within {}", secs(deadline)),
            (Outcome::Unreachable(reason), _) => format!("not delivered ({reason})"),
            (Outcome::Broken(reason), _) => format!("no usable answer ({reason})"),
        }
    }

    /// One observation line for the evidence: case, status, latency (and what came back).
    pub fn line(&self) -> String {
        let ms = self.latency_ms();
        match &self.outcome {
            Outcome::Answered { status, detail } if detail.is_empty() => {
                format!("{}: {status} in {ms} ms", self.case.key())
            }
            Outcome::Answered { status, detail } => {
                format!("{}: {status} in {ms} ms ({})", self.case.key(), shorten(detail, DETAIL_CHARS))
            }
            Outcome::TimedOut => format!("{}: no answer, gave up after {ms} ms", self.case.key()),
            Outcome::Unreachable(reason) => {
                format!("{}: not delivered after {ms} ms: {reason}", self.case.key())
            }
            Outcome::Broken(reason) => {
                format!("{}: no usable answer after {ms} ms: {reason}", self.case.key())
            }
        }
    }
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}

/// How much of an answer's body an observation line shows.
pub const DETAIL_CHARS: usize = 80;

/// At most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// A duration in seconds for people: "15 s", "1.5 s", "0.25 s".
pub fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if (s - s.round()).abs() < 1e-9 {
        format!("{} s", s.round())
    } else {
        let text = format!("{s:.3}");
        format!("{} s", text.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ans(status: u16, ms: u64) -> Observation {
        Observation::new(
            Case::Forged,
            Outcome::Answered { status, detail: String::new() },
            Duration::from_millis(ms),
        )
    }

    #[test]
    fn treatments_and_words() {
        let d = Duration::from_secs(2);
        assert_eq!(ans(204, 5).treatment(d), Treatment::Accepted);
        assert_eq!(ans(401, 5).treatment(d), Treatment::Rejected);
        assert_eq!(ans(503, 5).treatment(d), Treatment::Crashed);
        assert_eq!(ans(308, 5).treatment(d), Treatment::Redirected);
        assert_eq!(ans(200, 2500).treatment(d), Treatment::Late);
        assert_eq!(ans(200, 2500).describe(d), "answered 200 only after 2.5 s (deadline 2 s)");
        let t = Observation::new(Case::Genuine, Outcome::TimedOut, d);
        assert_eq!(t.describe(d), "no answer within 2 s");
        assert_eq!(t.status_figure(), Figure::from("timeout"));
        assert_eq!(ans(401, 3).line(), "forged: 401 in 3 ms");
        let long = Observation::new(
            Case::Forged,
            Outcome::Answered { status: 400, detail: "x".repeat(100) },
            Duration::from_millis(1),
        );
        assert_eq!(long.line(), format!("forged: 400 in 1 ms ({}…)", "x".repeat(DETAIL_CHARS)));
        assert_eq!(secs(Duration::from_millis(15_000)), "15 s");
        assert_eq!(secs(Duration::from_millis(250)), "0.25 s");
    }
}

//! The four signature schemes a listener may expect, by the names used on the command line
//! and in the dossier (`[settings.webhook] scheme`), and the deadline bounds: the one validator
//! of each webhook setting, used by the checks, the command line and the settings popup alike.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// How deliveries are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Standard Webhooks / Svix (Okendo): `webhook-id`, `webhook-timestamp`,
    /// `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    StandardWebhooks,
    /// GitHub style: `sha256=<hex HMAC-SHA256 of the raw body>` in a configurable header.
    HmacSha256,
    /// OkHi: the shared secret itself in a custom header chosen by the partner.
    StaticHeader,
    /// Stripe style: `t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">` in a configurable header
    /// (`Stripe-Signature` by default), keyed with the whole secret string.
    TimestampedHmacSha256,
}

impl Scheme {
    pub const ALL: [Scheme; 4] =
        [Scheme::StandardWebhooks, Scheme::HmacSha256, Scheme::StaticHeader, Scheme::TimestampedHmacSha256];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard-webhooks",
            Scheme::HmacSha256 => "hmac-sha256",
            Scheme::StaticHeader => "static-header",
            Scheme::TimestampedHmacSha256 => "timestamped-hmac-sha256",
        }
    }

    /// The header used when none is configured. `static-header` has none: the partner picks
    /// the name, so it must be given.
    pub fn default_header(self) -> Option<&'static str> {
        match self {
            Scheme::StandardWebhooks => Some("webhook-signature"),
            Scheme::HmacSha256 => Some("X-Hub-Signature-256"),
            Scheme::StaticHeader => None,
            Scheme::TimestampedHmacSha256 => Some("Stripe-Signature"),
        }
    }

    /// Whether the scheme signs a timestamp, which is what makes replay protection possible.
    pub fn signs_timestamp(self) -> bool {
        matches!(self, Scheme::StandardWebhooks | Scheme::TimestampedHmacSha256)
    }

    /// Whether a listener built on the provider's own verifier rejects future timestamps.
    /// Stripe's `construct_event` checks only that a timestamp is not too old, so for the
    /// Stripe-style scheme a listener that accepts one from the future is warned, not failed.
    pub fn rejects_future(self) -> bool {
        matches!(self, Scheme::StandardWebhooks)
    }

    /// Whether a provider may send several signatures in one header (while a secret rotates).
    pub fn rotates(self) -> bool {
        matches!(self, Scheme::StandardWebhooks | Scheme::TimestampedHmacSha256)
    }

    /// Whether the signature covers the body (a static header proves only who sent it).
    pub fn signs_body(self) -> bool {
        !matches!(self, Scheme::StaticHeader)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scheme name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown webhook scheme '{0}' (expected standard-webhooks, hmac-sha256, static-header or timestamped-hmac-sha256)"
)]
pub struct UnknownScheme(pub String);

impl FromStr for Scheme {
    type Err = UnknownScheme;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::ALL
            .into_iter()
            .find(|sc| sc.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownScheme(s.to_owned()))
    }
}

/// The deadline both OkHi and Okendo state for an answer.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(15);
/// The longest deadline accepted (a typo like `--deadline 1500` should not hang a run).
pub const MAX_DEADLINE: Duration = Duration::from_secs(300);

/// A deadline that is not more than 0 and at most [`MAX_DEADLINE`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the deadline must be more than 0 and at most {max} seconds, got {0}", max = MAX_DEADLINE.as_secs())]
pub struct BadDeadline(pub String);

/// The deadline for `secs` as typed (fractions allowed), or why it cannot be one.
pub fn deadline_from_secs(secs: f64) -> Result<Duration, BadDeadline> {
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_DEADLINE.as_secs_f64() {
        return Err(BadDeadline(secs.to_string()));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(s.as_str().parse::<Scheme>(), Ok(s));
        }
        assert_eq!("svix".parse::<Scheme>(), Err(UnknownScheme("svix".into())));
        assert_eq!(deadline_from_secs(15.0), Ok(DEFAULT_DEADLINE));
        assert!(deadline_from_secs(300.0).is_ok());
        for bad in [0.0, -1.0, 300.5, 1000.0, f64::NAN, f64::INFINITY] {
            assert!(deadline_from_secs(bad).is_err(), "{bad}");
        }
    }
}

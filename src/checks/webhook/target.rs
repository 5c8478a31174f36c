//! Where and how to deliver: the listener's URL, the scheme, the header, the deadline. Built
//! from the command line or from the dossier's `[settings.webhook]`, validated up front so a
//! bad setting is a clear error before anything is sent.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderName;

use super::{SampleEvent, Scheme};
use crate::dossier::WebhookSettings;

/// The deadline both OkHi and Okendo state for an answer.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(15);
/// How many deliveries `webhook.deadline` times.
pub const DEFAULT_DELIVERIES: usize = 10;
/// The longest deadline accepted (a typo like `--deadline 1500` should not hang a run).
pub const MAX_DEADLINE: Duration = Duration::from_secs(300);

/// A setting that cannot be used, named with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("no webhook URL is set (the listener's URL, e.g. https://partner.example/webhooks)")]
    NoUrl,
    #[error("the webhook URL '{url}' is not valid: {reason}")]
    BadUrl { url: String, reason: String },
    #[error(transparent)]
    Scheme(#[from] super::scheme::UnknownScheme),
    #[error("the {0} scheme needs the name of the header that carries the secret (--header NAME)")]
    HeaderRequired(Scheme),
    #[error("'{0}' is not a valid HTTP header name")]
    BadHeader(String),
    #[error("the deadline must be more than 0 and at most {max} seconds, got {0}", max = MAX_DEADLINE.as_secs())]
    BadDeadline(String),
}

/// The listener under test.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookTarget {
    pub url: Url,
    pub scheme: Scheme,
    /// The signature/secret header as configured; `None` means the scheme's default.
    pub header: Option<String>,
    /// Every request (connect, send, answer) is bounded by it; an answer after it is a miss.
    pub deadline: Duration,
    /// How many deliveries `webhook.deadline` times.
    pub deliveries: usize,
    /// The sample event delivered (defaults to the one matching the scheme).
    pub event: SampleEvent,
}

impl WebhookTarget {
    /// Validates a target. `deadline_secs` as typed by the user (fractions allowed).
    pub fn new(
        url: &str,
        scheme: Scheme,
        header: Option<&str>,
        deadline_secs: f64,
    ) -> Result<Self, TargetError> {
        let url = parse_url(url)?;
        let header = header.map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned);
        if let Some(h) = &header {
            HeaderName::from_bytes(h.as_bytes()).map_err(|_| TargetError::BadHeader(h.clone()))?;
        } else if scheme.default_header().is_none() {
            return Err(TargetError::HeaderRequired(scheme));
        }
        let deadline = parse_deadline(deadline_secs)?;
        Ok(Self {
            url,
            scheme,
            header,
            deadline,
            deliveries: DEFAULT_DELIVERIES,
            event: SampleEvent::for_scheme(scheme),
        })
    }

    /// A target from the dossier's `[settings.webhook]`.
    pub fn from_settings(s: &WebhookSettings) -> Result<Self, TargetError> {
        let scheme: Scheme = s.scheme.parse()?;
        Self::new(&s.url, scheme, Some(&s.header), s.deadline_secs)
    }

    /// Writes this target into `[settings.webhook]`, with the *name* of the variable holding
    /// the secret (never the secret). Unknown keys in `s` are kept.
    pub fn record(&self, secret_env: &str, s: &mut WebhookSettings) {
        s.url = self.url.to_string();
        s.scheme = self.scheme.as_str().to_owned();
        // The header actually used, so the dossier says it even when it was the default.
        s.header = match self.scheme {
            Scheme::StandardWebhooks => String::new(),
            _ => self.effective_header().to_owned(),
        };
        s.secret_env = secret_env.to_owned();
        s.deadline_secs = self.deadline.as_secs_f64();
    }

    /// The header that carries the signature or secret.
    pub fn effective_header(&self) -> &str {
        match (self.scheme, &self.header) {
            (Scheme::StandardWebhooks, _) => "webhook-signature",
            (_, Some(h)) => h,
            (s, None) => s.default_header().unwrap_or(""),
        }
    }
}

fn parse_url(url: &str) -> Result<Url, TargetError> {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(TargetError::NoUrl);
    }
    let bad = |reason: String| TargetError::BadUrl { url: trimmed.to_owned(), reason };
    let parsed = Url::parse(trimmed).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!("the scheme must be http or https, not {}", parsed.scheme())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host".into()));
    }
    Ok(parsed)
}

fn parse_deadline(secs: f64) -> Result<Duration, TargetError> {
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_DEADLINE.as_secs_f64() {
        return Err(TargetError::BadDeadline(secs.to_string()));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_url_header_and_deadline() {
        let t = WebhookTarget::new("http://127.0.0.1:9/hook", Scheme::HmacSha256, None, 15.0).expect("ok");
        assert_eq!(t.effective_header(), "X-Hub-Signature-256");
        assert_eq!(t.deadline, DEFAULT_DEADLINE);
        assert_eq!(t.event, SampleEvent::Generic);
        let err = |r: Result<WebhookTarget, TargetError>| r.expect_err("should fail").to_string();
        assert!(err(WebhookTarget::new("ftp://x/", Scheme::HmacSha256, None, 1.0)).contains("http or https"));
        assert!(err(WebhookTarget::new("not a url", Scheme::HmacSha256, None, 1.0)).contains("not a url"));
        assert!(err(WebhookTarget::new("", Scheme::HmacSha256, None, 1.0)).contains("no webhook URL"));
        assert!(err(WebhookTarget::new("http://h/", Scheme::StaticHeader, None, 1.0)).contains("--header"));
        assert!(
            err(WebhookTarget::new("http://h/", Scheme::StaticHeader, Some("bad header"), 1.0))
                .contains("bad header")
        );
        assert!(err(WebhookTarget::new("http://h/", Scheme::HmacSha256, None, 0.0)).contains("deadline"));
        assert!(
            err(WebhookTarget::new("http://h/", Scheme::HmacSha256, None, f64::NAN)).contains("deadline")
        );
    }

    #[test]
    fn settings_round_trip_without_the_secret() {
        let mut s = WebhookSettings {
            url: "https://partner.example/okhi".into(),
            scheme: "static-header".into(),
            header: "X-OkHi-Token".into(),
            deadline_secs: 2.5,
            ..WebhookSettings::default()
        };
        let t = WebhookTarget::from_settings(&s).expect("ok");
        assert_eq!(t.effective_header(), "X-OkHi-Token");
        assert_eq!(t.deadline, Duration::from_millis(2500));
        t.record("OKHI_SECRET", &mut s);
        assert_eq!(s.secret_env, "OKHI_SECRET");
        assert_eq!(WebhookTarget::from_settings(&s), Ok(t));
        s.scheme = "svix".into();
        assert!(WebhookTarget::from_settings(&s).expect_err("bad").to_string().contains("svix"));
    }
}

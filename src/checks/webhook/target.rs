//! Where and how to deliver: the listener's URL, the scheme, the header, the deadline. Built
//! from the command line or from the dossier's `[settings.webhook]` (see
//! `dossier::WebhookSettings::target`), validated up front so a
//! bad setting is a clear error before anything is sent.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::HeaderName;

use super::events::Event;
use super::scheme::{BadDeadline, deadline_from_secs};
use super::trust::TrustedCa;
use super::{SampleEvent, Scheme};

/// How many deliveries `webhook.deadline` times.
pub const DEFAULT_DELIVERIES: usize = 10;
/// The provider's timestamp tolerance when none is set: Standard Webhooks' and Stripe's
/// libraries both use 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// The longest tolerance accepted (a day): anything longer is no replay protection.
pub const MAX_TOLERANCE: Duration = Duration::from_secs(86_400);

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
    #[error(transparent)]
    BadDeadline(#[from] BadDeadline),
    #[error("the tolerance must be between 20 and {max} seconds, got {0}", max = MAX_TOLERANCE.as_secs())]
    BadTolerance(String),
    #[error(
        "the webhook URL's {0} parameter reads *** (its credential was masked when it was saved): put the value in an environment variable and write {0}=${{VAR}} in the URL"
    )]
    MaskedCredential(String),
    #[error("the webhook URL: {0}")]
    EnvRef(#[from] crate::checks::ExpandError),
    #[error("the observer URL '{url}' is not valid: {reason}")]
    BadObserver { url: String, reason: String },
    #[error(transparent)]
    BadCa(#[from] super::trust::BadCa),
    #[error(transparent)]
    Event(#[from] super::events::EventError),
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
    pub event: Event,
    /// The provider's timestamp tolerance: `webhook.replay` probes just inside and outside it.
    pub tolerance: Duration,
    /// The partner's side-effect observer (a test hook): `GET <observer>?id=<webhook-id>`
    /// answers `{"processed": N}`, read by `webhook.duplicate` and `webhook.ordering`.
    pub observer: Option<Url>,
    /// A CA the reviewer trusts beside the system's roots (`--ca FILE`): every delivery and
    /// `webhook.transport`'s handshake verify the listener's certificate against both.
    pub ca: Option<TrustedCa>,
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
        let deadline = deadline_from_secs(deadline_secs)?;
        Ok(Self {
            url,
            scheme,
            header,
            deadline,
            deliveries: DEFAULT_DELIVERIES,
            event: Event::Sample(SampleEvent::for_scheme(scheme)),
            tolerance: DEFAULT_TOLERANCE,
            observer: None,
            ca: None,
        })
    }

    /// Trusts the CA certificates of the PEM file `path` beside the system's roots (read and
    /// checked now, so a bad file is an error before anything is sent).
    pub fn with_ca(mut self, path: &std::path::Path) -> Result<Self, TargetError> {
        self.ca = Some(TrustedCa::load(path)?);
        Ok(self)
    }

    /// Sets the side-effect observer's URL (see [`observer_url`]).
    pub fn with_observer(mut self, url: &str) -> Result<Self, TargetError> {
        self.observer = Some(observer_url(url)?);
        Ok(self)
    }

    /// Sets the provider's tolerance, in whole seconds as typed (20 s to a day: the probes
    /// sit 10 s either side of it).
    pub fn with_tolerance(mut self, secs: u64) -> Result<Self, TargetError> {
        self.tolerance = tolerance_from_secs(secs)?;
        Ok(self)
    }

    /// The tolerance in whole seconds.
    pub fn tolerance_secs(&self) -> i64 {
        i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX)
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

/// The provider's tolerance of `secs` whole seconds, validated (20 s to a day: the probes sit
/// 10 s either side of it).
pub fn tolerance_from_secs(secs: u64) -> Result<Duration, TargetError> {
    if !(20..=MAX_TOLERANCE.as_secs()).contains(&secs) {
        return Err(TargetError::BadTolerance(secs.to_string()));
    }
    Ok(Duration::from_secs(secs))
}

/// A side-effect observer's URL, validated like the listener's, and refused when it holds
/// credentials: the observer is kept in the dossier's settings, which never hold a secret.
pub fn observer_url(url: &str) -> Result<Url, TargetError> {
    let parsed = parse_url(url).map_err(|e| match e {
        TargetError::BadUrl { url, reason } => TargetError::BadObserver { url, reason },
        other => other,
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::BadObserver {
            url: format!("{}://…@{}", parsed.scheme(), parsed.host_str().unwrap_or_default()),
            reason: "it holds credentials, which would be written to the dossier; give the partner's test hook without them".into(),
        });
    }
    Ok(parsed)
}

fn parse_url(url: &str) -> Result<Url, TargetError> {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(TargetError::NoUrl);
    }
    let bad = |reason: String| TargetError::BadUrl { url: shown(trimmed), reason };
    if let Some(param) = masked_credential(trimmed) {
        return Err(TargetError::MaskedCredential(param));
    }
    // `?token=${HOOK_TOKEN}`: the credential from the environment, never from the dossier.
    // Errors below show the URL as written, with the reference, not the value.
    let expanded = crate::checks::expand_env(trimmed)?;
    let parsed = Url::parse(&expanded).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!("the scheme must be http or https, not {}", parsed.scheme())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host".into()));
    }
    // The URL is written to the HAR file, the JUnit properties and the report: credentials in
    // it would be filed with them.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "it holds credentials (user:password@); give the listener's URL without them and let the signature authenticate the delivery".into(),
        ));
    }
    Ok(parsed)
}

/// The name of a credential parameter whose value is the mask `***`, as a URL recorded by
/// [`crate::checks::masked_url`] has it: sending it would only earn a 401 and a wrong verdict.
fn masked_credential(url: &str) -> Option<String> {
    crate::checks::credential_params(url).find_map(|(k, v)| (v == "***").then(|| crate::text::short(k)))
}

/// A URL as typed, for an error: any `user:password@` masked (the text may not even parse as
/// a URL), and neutralised (it may come from someone else's dossier).
fn shown(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority = rest.find(['/', '?', '#']).map_or(rest, |end| &rest[..end]);
    let masked = match authority.rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    };
    crate::text::short(&masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_url_header_and_deadline() {
        let t = WebhookTarget::new("http://127.0.0.1:9/hook", Scheme::HmacSha256, None, 15.0).expect("ok");
        assert_eq!(t.effective_header(), "X-Hub-Signature-256");
        assert_eq!(t.deadline, super::super::DEFAULT_DEADLINE);
        assert_eq!(t.event, Event::Sample(SampleEvent::Generic));
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

    /// A credential the URL needs comes from the environment (`${VAR}`), and one masked when
    /// saved is refused with what to do rather than sent as `***`.
    #[test]
    fn env_references_in_the_url_are_expanded_and_masked_ones_refused() {
        let path = std::env::var("PATH").expect("PATH");
        let t = WebhookTarget::new("https://h.example/hook?token=${PATH}", Scheme::HmacSha256, None, 1.0)
            .expect("expanded");
        assert_eq!(t.url.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()), Some(path));
        let err = |r: Result<WebhookTarget, TargetError>| r.expect_err("should fail").to_string();
        let e = err(WebhookTarget::new("https://h.example/hook?token=***", Scheme::HmacSha256, None, 1.0));
        assert!(e.contains("token=${VAR}") && e.contains("masked"), "{e}");
        let e = err(WebhookTarget::new(
            "https://h/hook?token=${CERTCOCKPIT_UNSET_VAR}",
            Scheme::HmacSha256,
            None,
            1.0,
        ));
        assert!(e.contains("CERTCOCKPIT_UNSET_VAR") && e.contains("not set"), "{e}");
    }

    /// Credentials in a URL would reach the HAR file, the JUnit properties and the report:
    /// such a URL is refused, and no error repeats them (nor partner escapes from a dossier).
    #[test]
    fn urls_with_credentials_are_refused_without_repeating_them() {
        let err = |r: Result<WebhookTarget, TargetError>| r.expect_err("should fail").to_string();
        for url in ["https://hooks:s3cr3t-tok@partner.example/h", "https://s3cr3t-tok@partner.example/h"] {
            let e = err(WebhookTarget::new(url, Scheme::HmacSha256, None, 1.0));
            assert!(!e.contains("s3cr3t-tok") && e.contains("credentials"), "{e}");
        }
        let t = WebhookTarget::new("http://127.0.0.1:9/h", Scheme::HmacSha256, None, 1.0).expect("ok");
        let e = err(t.with_observer("http://u:s3cr3t-tok@127.0.0.1:9/seen"));
        assert!(!e.contains("s3cr3t-tok") && e.contains("observer"), "{e}");
        let e = err(WebhookTarget::new("ftp://u:s3cr3t-tok@h/", Scheme::HmacSha256, None, 1.0));
        assert!(!e.contains("s3cr3t-tok"), "{e}");
        let e = err(WebhookTarget::new("https://u:s3cr3t-tok@h:99999/", Scheme::HmacSha256, None, 1.0));
        assert!(!e.contains("s3cr3t-tok"), "{e}");
        let e = err(WebhookTarget::new("not a url\x1b]52;c;x\x07", Scheme::HmacSha256, None, 1.0));
        assert!(!e.contains('\x1b'), "{e}");
    }
}

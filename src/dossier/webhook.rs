//! `[settings.webhook]` to and from a validated [`WebhookTarget`]. Here rather than in
//! `checks`, so that the dossier depends on the checks and never the other way round.

use super::WebhookSettings;
use crate::checks::webhook::{Scheme, TargetError, WebhookTarget};

impl WebhookSettings {
    /// The target these settings describe, validated as the checks validate it.
    pub fn target(&self) -> Result<WebhookTarget, TargetError> {
        let scheme: Scheme = self.scheme.parse()?;
        let target = WebhookTarget::new(&self.url, scheme, Some(&self.header), self.deadline_secs)?;
        match self.ca_file.trim() {
            "" => Ok(target),
            path => target.with_ca(std::path::Path::new(path)),
        }
    }

    /// Writes `target` here, with the *name* of the variable holding the secret (never the
    /// secret). Unknown keys are kept.
    pub fn record(&mut self, target: &WebhookTarget, secret_env: &str) {
        self.url = target.url.to_string();
        self.scheme = target.scheme.as_str().to_owned();
        // The header actually used, so the dossier says it even when it was the default.
        self.header = match target.scheme {
            Scheme::StandardWebhooks => String::new(),
            _ => target.effective_header().to_owned(),
        };
        self.secret_env = secret_env.to_owned();
        self.deadline_secs = target.deadline.as_secs_f64();
        self.ca_file = target.ca.as_ref().map(|ca| ca.path.display().to_string()).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn settings_round_trip_without_the_secret() {
        let mut s = WebhookSettings {
            url: "https://partner.example/okhi".into(),
            scheme: "static-header".into(),
            header: "X-OkHi-Token".into(),
            deadline_secs: 2.5,
            ..WebhookSettings::default()
        };
        let t = s.target().expect("ok");
        assert_eq!(t.effective_header(), "X-OkHi-Token");
        assert_eq!(t.deadline, Duration::from_millis(2500));
        s.record(&t, "OKHI_SECRET");
        assert_eq!(s.secret_env, "OKHI_SECRET");
        assert_eq!(s.target(), Ok(t));
        s.ca_file = "no/such/ca.pem".into();
        let err = s.target().expect_err("no CA file").to_string();
        assert!(err.contains("no/such/ca.pem"), "{err}");
        s.ca_file.clear();
        s.scheme = "svix".into();
        assert!(s.target().expect_err("bad").to_string().contains("svix"));
    }
}

//! `[settings.webhook]` to and from a validated [`WebhookTarget`]. Here rather than in
//! `checks`, so that the dossier depends on the checks and never the other way round.

use std::time::Duration;

use super::WebhookSettings;
use crate::checks::webhook::{
    BadWindow, DEFAULT_TOLERANCE, DEFAULT_WINDOW, Event, EventError, SampleEvent, Scheme, TargetError,
    WebhookTarget, window_from_secs,
};

impl WebhookSettings {
    /// The target these settings describe, validated as the checks validate it: scheme,
    /// header, deadline, tolerance, event (a sample's name or a template file, read now) and
    /// observer.
    pub fn target(&self) -> Result<WebhookTarget, TargetError> {
        let scheme: Scheme = self.scheme.parse()?;
        let mut t = WebhookTarget::new(&self.url, scheme, Some(&self.header), self.deadline_secs)?;
        if let Some(secs) = self.tolerance_secs {
            t = t.with_tolerance(secs)?;
        }
        if let Some(event) = self.event.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            // The same validation as `--event`, named as the setting it is here.
            t.event = Event::from_arg(event).map_err(|e| match e {
                EventError::Unknown(m) => EventError::Unknown(m.replacen("--event", "event", 1)),
                other => other,
            })?;
        }
        if let Some(url) = self.observer.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            t = t.with_observer(url)?;
        }
        match self.ca_file.trim() {
            "" => Ok(t),
            path => t.with_ca(std::path::Path::new(path)),
        }
    }

    /// How long `webhook.fallback` watches the evidence API (`fallback_window_secs`, else 30 s).
    pub fn fallback_window(&self) -> Result<Duration, BadWindow> {
        self.fallback_window_secs.map_or(Ok(DEFAULT_WINDOW), window_from_secs)
    }

    /// Writes `target` here, with the *name* of the variable holding the secret (never the
    /// secret). Values at their defaults (the tolerance, the scheme's own sample event) are
    /// left out. Unknown keys are kept. The URL as these settings wrote it is kept when it
    /// names the same listener (its `${VAR}` references stay references); any other is
    /// written masked (`?token=***`), which [`Self::target`] then refuses with what to do.
    pub fn record(&mut self, target: &WebhookTarget, secret_env: &str) {
        let same = crate::checks::expand_env(&self.url)
            .ok()
            .and_then(|u| reqwest::Url::parse(&u).ok())
            .is_some_and(|u| u == target.url);
        if !same {
            self.url = crate::checks::masked_url(target.url.as_str());
        }
        self.scheme = target.scheme.as_str().to_owned();
        // The header actually used, so the dossier says it even when it was the default.
        self.header = match target.scheme {
            Scheme::StandardWebhooks => String::new(),
            _ => target.effective_header().to_owned(),
        };
        self.secret_env = secret_env.to_owned();
        self.deadline_secs = target.deadline.as_secs_f64();
        self.ca_file = target.ca.as_ref().map(|ca| ca.path.display().to_string()).unwrap_or_default();
        self.tolerance_secs = (target.tolerance != DEFAULT_TOLERANCE).then_some(target.tolerance.as_secs());
        self.event = (target.event != Event::Sample(SampleEvent::for_scheme(target.scheme)))
            .then(|| target.event.name().to_owned());
        self.observer = target.observer.as_ref().map(|u| u.to_string());
    }

    /// Writes the window `webhook.fallback` ran with (its presence asks `check --dossier` to
    /// run it again).
    pub fn record_fallback_window(&mut self, window: Duration) {
        self.fallback_window_secs = Some(window.as_secs_f64());
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
        assert_eq!((s.tolerance_secs, s.event.as_deref(), s.observer.as_deref()), (None, None, None));
        s.scheme = "svix".into();
        assert!(s.target().expect_err("bad").to_string().contains("svix"));
    }

    /// A listener URL carrying its credential in the query is never written out: a `${VAR}`
    /// reference is kept as written, a literal one is masked and then refused with what to do.
    #[test]
    fn a_url_credential_is_kept_as_a_reference_or_masked() {
        let mut s = WebhookSettings {
            url: "https://h.example/hook?token=${PATH}".into(),
            ..WebhookSettings::default()
        };
        let t = s.target().expect("expanded");
        s.record(&t, "WEBHOOK_SECRET");
        assert_eq!(s.url, "https://h.example/hook?token=${PATH}");
        let literal = WebhookSettings {
            url: "https://h.example/hook?token=tok-123".into(),
            ..WebhookSettings::default()
        };
        let t = literal.target().expect("a literal token still works for this run");
        let mut fresh = WebhookSettings::default();
        fresh.record(&t, "WEBHOOK_SECRET");
        assert_eq!(fresh.url, "https://h.example/hook?token=***");
        let text = toml::to_string(&fresh).expect("serialises");
        assert!(!text.contains("tok-123"), "{text}");
        let e = fresh.target().expect_err("masked").to_string();
        assert!(e.contains("token=${VAR}"), "{e}");
    }

    /// The tolerance, event, observer and fallback window are stored, read back into the
    /// target, and refused as the flags refuse them.
    #[test]
    fn the_flags_settings_are_stored_and_validated() {
        let mut s = WebhookSettings {
            url: "http://127.0.0.1:9/hook".into(),
            tolerance_secs: Some(600),
            event: Some("wiseflow-flow".into()),
            observer: Some("http://127.0.0.1:9/processed".into()),
            fallback_window_secs: Some(12.5),
            ..WebhookSettings::default()
        };
        let t = s.target().expect("ok");
        assert_eq!(t.tolerance, Duration::from_secs(600));
        assert_eq!(t.event, Event::Sample(SampleEvent::WiseflowFlow));
        assert_eq!(t.observer.as_ref().map(|u| u.as_str()), Some("http://127.0.0.1:9/processed"));
        assert_eq!(s.fallback_window(), Ok(Duration::from_millis(12_500)));
        let mut back = WebhookSettings::default();
        back.record(&t, "WEBHOOK_SECRET");
        back.record_fallback_window(Duration::from_millis(12_500));
        assert_eq!(back.target(), Ok(t));
        assert_eq!(back.fallback_window_secs, Some(12.5));
        let text = toml::to_string(&back).expect("serialises");
        let again: WebhookSettings = toml::from_str(&text).expect("loads");
        assert_eq!(again, back, "{text}");

        for (bad, what) in [
            (WebhookSettings { tolerance_secs: Some(5), ..s.clone() }, "tolerance"),
            (WebhookSettings { event: Some("/no/such/event.json".into()), ..s.clone() }, "neither a sample"),
            (WebhookSettings { observer: Some("ftp://x".into()), ..s.clone() }, "observer"),
            (WebhookSettings { observer: Some("http://u:p@127.0.0.1/o".into()), ..s.clone() }, "credentials"),
        ] {
            let e = bad.target().expect_err(what).to_string();
            assert!(e.contains(what), "{what}: {e}");
            assert!(!e.contains("u:p"), "{e}");
        }
        s.fallback_window_secs = Some(0.0);
        assert!(s.fallback_window().is_err());
    }
}

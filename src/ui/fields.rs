//! The fields of the settings popup: the cover of the dossier, the webhook target and what
//! the webhook checks send and watch (`[settings.webhook]`). Only the *name* of the secret's
//! environment variable is a field — the secret itself never is. Each value is validated by
//! the checks' own validators as it is stored, so the popup refuses what a check would refuse
//! later; an optional field left empty goes back to its default.

use crate::checks::webhook::{
    DEFAULT_TOLERANCE, Event, EventError, Scheme, TrustedCa, deadline_from_secs, observer_url,
    tolerance_from_secs, window_from_secs,
};
use crate::dossier::Dossier;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Integration,
    Partner,
    Reviewer,
    PartnerEngineer,
    Date,
    WebhookUrl,
    Scheme,
    Header,
    SecretEnv,
    Deadline,
    /// `ca_file`: the CA that `webhook.transport` (and every delivery) trusts for the listener.
    CaFile,
    Tolerance,
    Event,
    Observer,
    FallbackWindow,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Self::Integration,
        Self::Partner,
        Self::Reviewer,
        Self::PartnerEngineer,
        Self::Date,
        Self::WebhookUrl,
        Self::Scheme,
        Self::Header,
        Self::SecretEnv,
        Self::Deadline,
        Self::CaFile,
        Self::Tolerance,
        Self::Event,
        Self::Observer,
        Self::FallbackWindow,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Integration => "Integration",
            Self::Partner => "Partner",
            Self::Reviewer => "Reviewer",
            Self::PartnerEngineer => "Partner engineer",
            Self::Date => "Review date",
            Self::WebhookUrl => "Webhook URL",
            Self::Scheme => "Signature scheme",
            Self::Header => "Signature header",
            Self::SecretEnv => "Secret env var (name)",
            Self::Deadline => "Deadline (s)",
            Self::CaFile => "CA file (PEM)",
            Self::Tolerance => "Tolerance (s)",
            Self::Event => "Event (sample or file)",
            Self::Observer => "Observer URL",
            Self::FallbackWindow => "Fallback window (s)",
        }
    }

    /// The title of the group this field starts in the popup, if it starts one.
    pub fn group(self) -> Option<&'static str> {
        match self {
            Self::WebhookUrl => Some("Webhook target"),
            Self::Tolerance => Some("What the webhook checks send and watch"),
            _ => None,
        }
    }

    /// What an empty optional field means (shown in its place).
    pub fn when_empty(self) -> &'static str {
        match self {
            Self::CaFile => "the system's roots only",
            Self::Tolerance => "300, as Standard Webhooks and Stripe",
            Self::Event => "the scheme's provider sample",
            Self::Observer => "none: status codes only",
            Self::FallbackWindow => "30",
            _ => "",
        }
    }

    /// Enter cycles this field through fixed values instead of opening an editor.
    pub fn is_cycled(self) -> bool {
        matches!(self, Self::Scheme)
    }

    pub fn get(self, d: &Dossier) -> String {
        let w = &d.settings.webhook;
        match self {
            Self::Integration => d.dossier.integration.clone(),
            Self::Partner => d.dossier.partner.clone(),
            Self::Reviewer => d.dossier.reviewer.clone(),
            Self::PartnerEngineer => d.dossier.partner_engineer.clone(),
            Self::Date => d.dossier.date.clone(),
            Self::WebhookUrl => w.url.clone(),
            Self::Scheme => w.scheme.clone(),
            Self::Header => w.header.clone(),
            Self::SecretEnv => w.secret_env.clone(),
            Self::Deadline => format_deadline(w.deadline_secs),
            Self::CaFile => w.ca_file.clone(),
            Self::Tolerance => w.tolerance_secs.map(|t| t.to_string()).unwrap_or_default(),
            Self::Event => w.event.clone().unwrap_or_default(),
            Self::Observer => w.observer.clone().unwrap_or_default(),
            Self::FallbackWindow => w.fallback_window_secs.map(format_deadline).unwrap_or_default(),
        }
    }

    /// Stores a value; a value the field cannot hold is an error naming the field.
    pub fn set(self, d: &mut Dossier, value: &str) -> Result<(), String> {
        let value = value.trim();
        let w = &mut d.settings.webhook;
        match self {
            Self::Integration => d.dossier.integration = value.to_owned(),
            Self::Partner => d.dossier.partner = value.to_owned(),
            Self::Reviewer => d.dossier.reviewer = value.to_owned(),
            Self::PartnerEngineer => d.dossier.partner_engineer = value.to_owned(),
            Self::Date => d.dossier.date = value.to_owned(),
            Self::WebhookUrl => {
                if !(value.is_empty() || value.starts_with("http://") || value.starts_with("https://")) {
                    return Err(format!(
                        "the webhook URL must start with http:// or https://, not '{value}'"
                    ));
                }
                // The dossier goes to the partner and into CI logs: a credential in the URL
                // is kept there as a reference to the environment, never written out.
                if let Some(param) = crate::checks::literal_credential(value) {
                    return Err(format!(
                        "the URL's {param} parameter holds a credential, which the dossier would keep: put the value in an environment variable and write {param}=${{VAR}}"
                    ));
                }
                w.url = value.to_owned();
            }
            // The checks' own validators, so the popup refuses what a check would refuse.
            Self::Scheme => {
                w.scheme = value.parse::<Scheme>().map_err(|e| e.to_string())?.as_str().to_owned()
            }
            Self::Header => w.header = value.to_owned(),
            Self::SecretEnv => {
                // Conventional names only (upper case): a pasted secret such as `whsec_…` or
                // a token never looks like one, so it is refused instead of being stored.
                let looks_like_name =
                    value.chars().next().is_some_and(|c| c.is_ascii_uppercase() || c == '_')
                        && value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !looks_like_name {
                    return Err(
                        "give the NAME of the environment variable that holds the secret (A-Z, 0-9, _; e.g. WEBHOOK_SECRET), never the secret itself"
                            .to_owned(),
                    );
                }
                w.secret_env = value.to_owned();
            }
            Self::Deadline => {
                let secs = value
                    .parse::<f64>()
                    .map_err(|_| format!("deadline must be a number of seconds, not '{value}'"))?;
                w.deadline_secs = deadline_from_secs(secs).map_err(|e| e.to_string())?.as_secs_f64();
            }
            // Read and checked now (as `--ca-file`), relative to the folder the cockpit runs in.
            Self::CaFile => {
                if !value.is_empty() {
                    TrustedCa::load(std::path::Path::new(value)).map_err(|e| e.to_string())?;
                }
                w.ca_file = value.to_owned();
            }
            Self::Tolerance => {
                w.tolerance_secs = match value {
                    "" => None,
                    v => {
                        let secs = v.parse::<u64>().map_err(|_| {
                            format!("the tolerance must be a whole number of seconds, not '{v}'")
                        })?;
                        let t = tolerance_from_secs(secs).map_err(|e| e.to_string())?;
                        // The default is left out of the dossier, as `check --tolerance` does.
                        (t != DEFAULT_TOLERANCE).then_some(secs)
                    }
                }
            }
            Self::Event => {
                if !value.is_empty() {
                    Event::from_arg(value).map_err(|e| match e {
                        EventError::Unknown(m) => m.replacen("--event: ", "the event: ", 1),
                        other => other.to_string(),
                    })?;
                }
                w.event = (!value.is_empty()).then(|| value.to_owned());
            }
            Self::Observer => {
                if !value.is_empty() {
                    observer_url(value).map_err(|e| e.to_string())?;
                }
                w.observer = (!value.is_empty()).then(|| value.to_owned());
            }
            Self::FallbackWindow => {
                w.fallback_window_secs = match value {
                    "" => None,
                    v => {
                        let secs = v.parse::<f64>().map_err(|_| {
                            format!("the fallback window must be a number of seconds, not '{v}'")
                        })?;
                        // Kept even at the default: a window in the dossier also asks
                        // `check --dossier` to run webhook.fallback.
                        Some(window_from_secs(secs).map_err(|e| e.to_string())?.as_secs_f64())
                    }
                }
            }
        }
        Ok(())
    }

    /// The next value of a cycled field.
    pub fn cycle(self, d: &mut Dossier) {
        if self == Self::Scheme {
            let w = &mut d.settings.webhook;
            let all = Scheme::ALL;
            let i = all.iter().position(|s| *s.as_str() == w.scheme).map_or(0, |i| (i + 1) % all.len());
            w.scheme = all[i].as_str().to_owned();
        }
    }
}

fn format_deadline(s: f64) -> String {
    if s.fract() == 0.0 { format!("{s:.0}") } else { format!("{s}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The popup holds a setting to the check's own bounds: what the check would refuse later
    /// is refused when typed, and the dossier keeps the last good value.
    #[test]
    fn the_popup_refuses_what_the_check_would_refuse() {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let mut d = Dossier::new(&q);
        Field::Deadline.set(&mut d, "2.5").expect("a good deadline");
        let err = Field::Deadline.set(&mut d, "1000").expect_err("past the bound");
        assert!(err.contains("at most 300 seconds"), "{err}");
        assert!(Field::Deadline.set(&mut d, "0").is_err() && Field::Deadline.set(&mut d, "soon").is_err());
        assert_eq!(d.settings.webhook.deadline_secs, 2.5);
        assert!(Field::Scheme.set(&mut d, "svix").expect_err("unknown").contains("svix"));
        Field::Scheme.set(&mut d, "HMAC-SHA256").expect("a known scheme, any case");
        assert_eq!(d.settings.webhook.scheme, "hmac-sha256");
        for _ in Scheme::ALL {
            Field::Scheme.cycle(&mut d);
            assert!(d.settings.webhook.scheme.parse::<Scheme>().is_ok());
        }
        assert_eq!(d.settings.webhook.scheme, "hmac-sha256", "the cycle goes through every scheme");

        // A listener URL with its token written out is refused; as a reference it is kept.
        let err = Field::WebhookUrl.set(&mut d, "https://h.example/hook?token=tok-123").expect_err("literal");
        assert!(err.contains("token=${VAR}") && !err.contains("tok-123"), "{err}");
        Field::WebhookUrl.set(&mut d, "https://h.example/hook?token=${HOOK_TOKEN}").expect("a reference");
        assert_eq!(d.settings.webhook.url, "https://h.example/hook?token=${HOOK_TOKEN}");
    }
}

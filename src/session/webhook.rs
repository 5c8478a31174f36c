//! The webhook checks as the TUI launches them: the target from the dossier's settings, the
//! secret from the session (the demo's) or the environment, never from the dossier.

use std::collections::HashMap;
use std::sync::Arc;

use crate::checks::Secret;
use crate::checks::webhook;
use crate::dossier::Settings;
use crate::ui::{CheckLauncher, CheckSink};

/// Secrets the session already holds, by the env var name the settings refer to (the demo
/// generates its webhook secret in-process instead of asking the user to export one); any
/// other name is read from the environment when a check runs. Shared by every launcher that
/// signs deliveries.
#[derive(Debug, Default, Clone)]
pub struct SessionSecrets(Arc<HashMap<String, Secret>>);

impl SessionSecrets {
    /// Makes `secret` available under the variable name `var`, ahead of the environment.
    pub fn with_secret(mut self, var: &str, secret: Secret) -> Self {
        Arc::make_mut(&mut self.0).insert(var.to_owned(), secret);
        self
    }

    /// The secret the settings name by `var`: the session's, else the environment's.
    pub fn get(&self, var: &str) -> Result<Secret, String> {
        if let Some(s) = self.0.get(var) {
            return Ok(s.clone());
        }
        Secret::from_env(var).map_err(|e| format!("webhook checks: {e}; set it in the cockpit's environment or change the variable name in settings (,)"))
    }
}

/// Runs the webhook checks on tokio tasks.
#[derive(Default)]
pub struct WebhookChecks {
    secrets: SessionSecrets,
}

impl WebhookChecks {
    pub fn new(secrets: SessionSecrets) -> Self {
        Self { secrets }
    }
}

impl CheckLauncher for WebhookChecks {
    /// The delivering webhook checks only: `webhook.fallback` also needs the evidence API
    /// and has a launcher of its own (`fallback.rs`).
    fn supports(&self, id: &str) -> bool {
        webhook::webhook_check_ids().contains(&id)
    }

    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let ids: Vec<String> = ids.into_iter().filter(|id| self.supports(id)).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let target =
            settings.webhook.target().map_err(|e| format!("webhook checks: {e} (open settings with ,)"))?;
        let secret = self.secrets.get(&settings.webhook.secret_env)?;
        tokio::spawn(async move {
            webhook::run_checks(&target, &secret, &ids, &sink).await;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supports_the_delivering_webhook_checks_only() {
        let w = WebhookChecks::default();
        assert!(w.supports("webhook.signature") && w.supports("webhook.transport"));
        assert!(!w.supports("webhook.fallback"), "needs the evidence API: the fallback launcher's");
        assert!(!w.supports("retry.backoff") && !w.supports("webhook.nonsense"));
    }

    #[test]
    fn the_sessions_secret_comes_before_the_environment() {
        let s = SessionSecrets::default().with_secret("CERTCOCKPIT_UNSET_TEST_VAR", Secret::new("whsec_x"));
        assert_eq!(s.get("CERTCOCKPIT_UNSET_TEST_VAR").map(|s| s.expose().to_owned()), Ok("whsec_x".into()));
        let e = s.get("CERTCOCKPIT_SURELY_UNSET_VAR_42").expect_err("not set");
        assert!(e.contains("CERTCOCKPIT_SURELY_UNSET_VAR_42") && e.contains("settings"), "{e}");
    }
}

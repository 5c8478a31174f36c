//! The webhook checks as the TUI launches them: the target from the dossier's settings, the
//! secret from the session (the demo's) or the environment, never from the dossier.

use std::collections::HashMap;

use crate::checks::Secret;
use crate::checks::webhook;
use crate::dossier::Settings;
use crate::ui::{CheckLauncher, CheckSink};

/// Runs the webhook checks on tokio tasks.
#[derive(Default)]
pub struct WebhookChecks {
    /// Secrets the session already holds, by the env var name the settings refer to (the demo
    /// generates its webhook secret in-process instead of asking the user to export one).
    secrets: HashMap<String, Secret>,
}

impl WebhookChecks {
    /// Makes `secret` available under the variable name `var`, ahead of the environment.
    pub fn with_secret(mut self, var: &str, secret: Secret) -> Self {
        self.secrets.insert(var.to_owned(), secret);
        self
    }

    fn secret(&self, var: &str) -> Result<Secret, String> {
        if let Some(s) = self.secrets.get(var) {
            return Ok(s.clone());
        }
        Secret::from_env(var).map_err(|e| format!("webhook checks: {e}; set it in the cockpit's environment or change the variable name in settings (,)"))
    }
}

impl CheckLauncher for WebhookChecks {
    /// The delivering webhook checks only: `webhook.fallback` also needs the evidence API
    /// and runs from `certcockpit check`; run_checks would skip it without a word and the
    /// cockpit wait for a verdict that never comes, so the runner says there is no runner.
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
        let secret = self.secret(&settings.webhook.secret_env)?;
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
        assert!(!w.supports("webhook.fallback"), "needs the evidence API: not run from here");
        assert!(!w.supports("retry.backoff") && !w.supports("webhook.nonsense"));
    }
}

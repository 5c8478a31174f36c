//! The live session: glue between the cockpit and the live checks. [`LiveChecks`] is the
//! TUI's [`CheckLauncher`]: it reads the webhook target from the dossier's settings and the
//! secret from the environment (never from the dossier), and runs the checks on tokio tasks
//! that report through the UI's one channel.

use std::collections::HashMap;

use crate::checks::webhook::{self, WebhookTarget};
use crate::checks::{CheckFamily, Secret, check_info};
use crate::dossier::Settings;
use crate::ui::{CheckLauncher, CheckSink};

/// Runs live checks for the TUI.
#[derive(Default)]
pub struct LiveChecks {
    /// Secrets the session already holds, by the env var name the settings refer to (the demo
    /// generates its webhook secret in-process instead of asking the user to export one).
    secrets: HashMap<String, Secret>,
}

impl LiveChecks {
    pub fn new() -> Self {
        Self::default()
    }

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

    fn launch_webhook(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let target = WebhookTarget::from_settings(&settings.webhook)
            .map_err(|e| format!("webhook checks: {e} (open settings with ,)"))?;
        let secret = self.secret(&settings.webhook.secret_env)?;
        tokio::spawn(async move {
            webhook::run_checks(&target, &secret, &ids, &sink).await;
        });
        Ok(())
    }
}

impl CheckLauncher for LiveChecks {
    fn supports(&self, id: &str) -> bool {
        check_info(id).is_some_and(|c| c.family == CheckFamily::Webhook)
    }

    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let webhook_ids: Vec<String> = ids
            .into_iter()
            .filter(|id| check_info(id).is_some_and(|c| c.family == CheckFamily::Webhook))
            .collect();
        if webhook_ids.is_empty() {
            return Ok(());
        }
        self.launch_webhook(webhook_ids, settings, sink)
    }
}

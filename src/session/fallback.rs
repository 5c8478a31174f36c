//! `webhook.fallback` as the cockpit launches it. It spans both families: the deliveries go to
//! the webhook target of the dossier's settings (secret from the session or the environment,
//! as the other webhook checks), and the fetch is looked for in the journal of the session's
//! evidence API. What the session lacks for it becomes an inconclusive verdict filed like any
//! other, saying what to set up; a setting that does not validate is an error notice, as for
//! the other webhook checks.

use std::sync::Arc;

use crate::checks::api::EvidenceApi;
use crate::checks::webhook::{FallbackRun, run_fallback};
use crate::checks::{CheckEvent, CheckId, CheckResult, ProgressSink, Verdict};
use crate::dossier::Settings;
use crate::ui::{CheckLauncher, CheckSink};

use super::webhook::SessionSecrets;

/// Runs `webhook.fallback` on a tokio task against the session's evidence API.
pub struct FallbackCheck {
    secrets: SessionSecrets,
    /// `None` when the session's evidence API did not start (or this session has none).
    api: Option<Arc<EvidenceApi>>,
}

impl FallbackCheck {
    pub fn new(secrets: SessionSecrets, api: Option<Arc<EvidenceApi>>) -> Self {
        Self { secrets, api }
    }

    /// Files an inconclusive verdict at once, saying why the check could not run.
    fn inconclusive(sink: &CheckSink, why: String) {
        sink.send(CheckEvent::Finished(CheckResult::new(
            CheckId::WebhookFallback,
            Verdict::Inconclusive,
            why,
        )));
    }
}

impl CheckLauncher for FallbackCheck {
    fn supports(&self, id: &str) -> bool {
        CheckId::WebhookFallback == id
    }

    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        if !ids.iter().any(|id| self.supports(id)) {
            return Ok(());
        }
        let w = &settings.webhook;
        if w.url.trim().is_empty() {
            Self::inconclusive(
                &sink,
                "no webhook URL is configured, so no event could be announced: set the partner's listener URL in settings (,) and run again".to_owned(),
            );
            return Ok(());
        }
        let Some(api) = self.api.clone() else {
            Self::inconclusive(
                &sink,
                "the evidence API is not running in this session (see why in the notice it opened with), so nothing could watch for the fetch".to_owned(),
            );
            return Ok(());
        };
        // The scenario's faults would answer the reconciler's fetch: the check watches normal
        // traffic only.
        if let Some(armed) = api.armed() {
            return Err(format!(
                "webhook.fallback watches the evidence API's normal traffic, but {} is armed: finish it (f) or disarm it (x) first",
                armed.check_id
            ));
        }
        let target = w.target().map_err(|e| format!("webhook.fallback: {e} (open settings with ,)"))?;
        let window =
            w.fallback_window().map_err(|e| format!("webhook.fallback: {e} (open settings with ,)"))?;
        let secret = self.secrets.get(&w.secret_env)?;
        tokio::spawn(async move {
            let run = FallbackRun { target: &target, secret: &secret, api: &api, window };
            run_fallback(run, &sink).await;
        });
        Ok(())
    }
}

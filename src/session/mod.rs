//! The live session: glue between the cockpit and the live checks. [`LiveChecks`] is the
//! TUI's [`CheckLauncher`]: it reads the webhook target from the dossier's settings and the
//! secret from the environment (never from the dossier) and runs the webhook checks on tokio
//! tasks; it holds the session's evidence API, forwards its journal to the UI, arms and judges
//! its scenarios; and in the demo it runs the built-in client against each armed scenario.

mod demo_run;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::checks::api::EvidenceApi;
use crate::checks::webhook;
use crate::checks::{CheckEvent, CheckFamily, ProgressSink, Secret, family_of};
use crate::demo::Behaviour;
use crate::dossier::Settings;
use crate::ui::{ArmedScenario, CheckLauncher, CheckSink};

/// Runs live checks for the TUI.
#[derive(Default)]
pub struct LiveChecks {
    /// Secrets the session already holds, by the env var name the settings refer to (the demo
    /// generates its webhook secret in-process instead of asking the user to export one).
    secrets: HashMap<String, Secret>,
    api: Option<Arc<EvidenceApi>>,
    /// The demo peers' switch: set in `certcockpit demo`, where arming runs the demo client.
    demo: Option<Behaviour>,
    /// Bumped by every arm, finish and disarm: a demo run judges only the arming it started
    /// for, never a scenario armed after it.
    generation: Arc<AtomicU64>,
    demo_task: Mutex<Option<JoinHandle<()>>>,
    /// The generation of the latest arming.
    armed_generation: AtomicU64,
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

    /// The session's evidence API: `r` arms its scenarios, its journal shows live.
    pub fn with_api(mut self, api: Arc<EvidenceApi>) -> Self {
        self.api = Some(api);
        self
    }

    /// Demo mode: each armed scenario is exercised by the built-in client, good or flawed as
    /// `behaviour` says at the time of arming, and judged when the client ends.
    pub fn with_demo(mut self, behaviour: Behaviour) -> Self {
        self.demo = Some(behaviour);
        self
    }

    fn secret(&self, var: &str) -> Result<Secret, String> {
        if let Some(s) = self.secrets.get(var) {
            return Ok(s.clone());
        }
        Secret::from_env(var).map_err(|e| format!("webhook checks: {e}; set it in the cockpit's environment or change the variable name in settings (,)"))
    }

    fn launch_webhook(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let target =
            settings.webhook.target().map_err(|e| format!("webhook checks: {e} (open settings with ,)"))?;
        let secret = self.secret(&settings.webhook.secret_env)?;
        tokio::spawn(async move {
            webhook::run_checks(&target, &secret, &ids, &sink).await;
        });
        Ok(())
    }

    fn api(&self) -> Result<&Arc<EvidenceApi>, String> {
        self.api.as_ref().ok_or_else(|| "the evidence API is not running in this session".to_owned())
    }

    /// A new generation: whatever demo run was going on is stopped and will not judge.
    fn next_generation(&self) -> u64 {
        if let Some(task) = self.demo_task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }
}

impl CheckLauncher for LiveChecks {
    fn supports(&self, id: &str) -> bool {
        family_of(id) == Some(CheckFamily::Webhook)
    }

    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let webhook_ids: Vec<String> =
            ids.into_iter().filter(|id| family_of(id) == Some(CheckFamily::Webhook)).collect();
        if webhook_ids.is_empty() {
            return Ok(());
        }
        self.launch_webhook(webhook_ids, settings, sink)
    }

    /// Forwards every journaled request to the UI, tagged with the scenario armed then.
    fn attach(&self, sink: CheckSink) {
        let Some(api) = self.api.clone() else { return };
        let mut feed = api.subscribe();
        tokio::spawn(async move {
            loop {
                match feed.recv().await {
                    Ok(entry) => {
                        let check = api.armed().map(|s| s.check_id.to_owned());
                        if !sink.journal(check, entry) {
                            break;
                        }
                    }
                    // The journal keeps everything; the live pane skips a burst and says so.
                    Err(RecvError::Lagged(n)) => {
                        if !sink.journal_lagged(n) {
                            break;
                        }
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }

    fn arm(&self, check: &str, _sink: CheckSink) -> Result<ArmedScenario, String> {
        let api = self.api()?;
        let generation = self.next_generation();
        // Read before arming: the API's own arming time is at or after it, so nothing that
        // belongs to the scenario is cut from the live pane.
        let origin_us = api.now_us();
        let scenario = api.arm(check).map_err(|e| e.to_string())?;
        self.armed_generation.store(generation, Ordering::SeqCst);
        Ok(ArmedScenario { describe: scenario.describe(), origin_us })
    }

    /// In the demo, runs the demo client against the scenario just armed.
    fn after_armed(&self, check: &str, sink: CheckSink) {
        let (Some(api), Some(behaviour)) = (&self.api, &self.demo) else { return };
        let generation = self.armed_generation.load(Ordering::SeqCst);
        let Some(scenario) = api.armed().filter(|s| s.check_id == check) else { return };
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        let run = demo_run::DemoRun {
            api: Arc::clone(api),
            check: scenario.check_id,
            flawed: behaviour.is_flawed(),
            generation,
            current: Arc::clone(&self.generation),
        };
        let task = tokio::spawn(run.run(sink));
        *self.demo_task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
    }

    fn finish(&self, check: &str, sink: CheckSink) -> Result<(), String> {
        let api = self.api()?;
        match api.armed() {
            Some(s) if s.check_id == check => {}
            _ => return Err(format!("{check} is not armed (any more)")),
        }
        self.next_generation();
        let result = api.finish().map_err(|e| e.to_string())?;
        // Every judged run also refreshes the session's endpoints record (filed first, so the
        // notice shown is the judged check's).
        sink.send(CheckEvent::Finished(api.endpoints_since(0)));
        sink.send(CheckEvent::Finished(result));
        Ok(())
    }

    fn disarm(&self) {
        self.next_generation();
        if let Some(api) = &self.api {
            api.disarm();
        }
    }

    fn set_demo_flawed(&self, flawed: bool) -> bool {
        match &self.demo {
            Some(b) => {
                b.set_flawed(flawed);
                true
            }
            None => false,
        }
    }
}

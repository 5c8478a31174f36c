//! The live session: glue between the cockpit and the live checks, one part per concern the
//! TUI's runner asks for. [`WebhookChecks`] runs the webhook checks ([`CheckLauncher`]): it
//! reads the target from the dossier's settings and the secret from the environment (never from
//! the dossier). [`FallbackCheck`] runs `webhook.fallback`, which needs that target and the
//! evidence API both. [`ApiSession`] holds the session's evidence API ([`ApiControl`]): it forwards
//! its journal to the UI, arms and judges its scenarios. [`DemoPeers`] is the demo's switch
//! ([`DemoControl`]) and runs the built-in client against each armed scenario. [`LiveChecks`]
//! builds them and installs them in a runner.

mod api;
mod demo_run;
mod fallback;
mod launchers;
mod webhook;

use std::sync::Arc;

use ratatui::backend::Backend;

use crate::checks::Secret;
use crate::checks::api::EvidenceApi;
use crate::demo::Behaviour;
use crate::ui::Runner;

pub use api::ApiSession;
pub use demo_run::DemoPeers;
pub use fallback::FallbackCheck;
pub use launchers::Launchers;
pub use webhook::{SessionSecrets, WebhookChecks};

/// What a cockpit session runs live, built up and then installed in the TUI's runner.
#[derive(Default)]
pub struct LiveChecks {
    secrets: SessionSecrets,
    api: Option<Arc<EvidenceApi>>,
    demo: Option<Behaviour>,
}

impl LiveChecks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `secret` available under the variable name `var`, ahead of the environment.
    pub fn with_secret(mut self, var: &str, secret: Secret) -> Self {
        self.secrets = self.secrets.with_secret(var, secret);
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

    /// Gives the runner each part: the webhook checks and `webhook.fallback` always (without
    /// the API, the latter files an inconclusive verdict saying so), the API and the demo
    /// when set.
    pub fn install<B: Backend>(self, runner: Runner<B>) -> Runner<B> {
        let demo = self.demo.map(|b| Arc::new(DemoPeers::new(b)));
        let launchers = Launchers::default()
            .with(Arc::new(WebhookChecks::new(self.secrets.clone())))
            .with(Arc::new(FallbackCheck::new(self.secrets, self.api.clone())));
        let mut runner = runner.with_launcher(Arc::new(launchers));
        if let Some(api) = self.api {
            runner = runner.with_api_control(Arc::new(ApiSession::new(api, demo.clone())));
        }
        if let Some(demo) = demo {
            runner = runner.with_demo(demo);
        }
        runner
    }
}

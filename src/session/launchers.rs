//! Several [`CheckLauncher`]s as the one the runner takes: each check goes to the first part
//! that supports it, so a check that needs more than one family (`webhook.fallback`) has a
//! part of its own beside the plain webhook checks.

use std::sync::Arc;

use crate::dossier::Settings;
use crate::ui::{CheckLauncher, CheckSink};

#[derive(Default)]
pub struct Launchers(Vec<Arc<dyn CheckLauncher>>);

impl Launchers {
    pub fn with(mut self, part: Arc<dyn CheckLauncher>) -> Self {
        self.0.push(part);
        self
    }
}

impl CheckLauncher for Launchers {
    fn supports(&self, id: &str) -> bool {
        self.0.iter().any(|p| p.supports(id))
    }

    /// Launches every part's share; the parts' errors are joined (one part's error does not
    /// keep the others from running).
    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let mut left = ids;
        let mut errors = Vec::new();
        for part in &self.0 {
            let (mine, rest): (Vec<String>, Vec<String>) = left.into_iter().partition(|id| part.supports(id));
            left = rest;
            if mine.is_empty() {
                continue;
            }
            if let Err(e) = part.launch(mine, settings, sink.clone()) {
                errors.push(e);
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
    }
}

//! What the runner asks of the world outside the UI, split by concern: running live checks
//! ([`CheckLauncher`]), controlling the session's evidence API ([`ApiControl`]) and switching
//! the demo's peers ([`DemoControl`]). Each is optional; the runner says so when one is missing.

use crate::checks::CheckId;
use crate::dossier::Settings;

use super::runner::CheckSink;

/// Starts live checks for the TUI (the webhook checks). The UI does not know how checks run:
/// whoever builds the binary passes an implementation to the runner.
pub trait CheckLauncher: Send + Sync {
    /// Whether this launcher has a runner for the check id.
    fn supports(&self, id: &str) -> bool;

    /// Starts the checks and returns at once (called on the runner's tokio task: spawn the
    /// work with `tokio::spawn`). Each check reports `Started`, any `Progress`, then exactly one
    /// `Finished` through `sink`; the TUI files `Finished` results as evidence and autosaves.
    /// An `Err` (e.g. the webhook URL is not set) is shown to the user as is.
    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String>;
}

/// Controls the session's evidence API for the TUI: its journal feed, arming a scenario,
/// judging it, back to normal traffic. Whoever builds the binary passes an implementation.
pub trait ApiControl: Send + Sync {
    /// Starts following the evidence API's journal: every request is reported with
    /// [`CheckSink::journal`]. Called once, when the runner starts. No API, nothing to do.
    fn attach(&self, _sink: CheckSink) {}

    /// Arms the evidence-API scenario of `check` (re-arming restarts it). In the demo the
    /// built-in client then runs against it and the verdict comes through `sink` by itself.
    fn arm(&self, check: CheckId, sink: CheckSink) -> Result<ArmedScenario, String>;

    /// Called once the UI has been told the scenario is armed (so whatever this starts — the
    /// demo client — reports into a live pane that already exists).
    fn after_armed(&self, _check: CheckId, _sink: CheckSink) {}

    /// Judges the armed scenario of `check` now and reports the result through `sink`
    /// (`Finished`).
    fn finish(&self, check: CheckId, sink: CheckSink) -> Result<(), String>;

    /// Back to normal traffic without judging.
    fn disarm(&self) {}
}

/// The demo's peers (`certcockpit demo`): `d` switches them between good and flawed.
pub trait DemoControl: Send + Sync {
    fn set_flawed(&self, flawed: bool);
}

/// What arming a scenario reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmedScenario {
    /// One sentence: what the API does now.
    pub describe: String,
    /// The journal clock at arming (µs): the origin of the times shown.
    pub origin_us: u64,
}

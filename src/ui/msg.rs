//! Messages into the update function and the effects it asks the runner to perform.

use std::time::Instant;

use ratatui::crossterm::event::KeyEvent;

use crate::checks::api::JournalEntry;
use crate::checks::{CheckEvent, CheckId, CheckResult};
use crate::dossier::{Dossier, Settings};

use super::app::Notice;
use super::faults::FaultDelay;

/// Everything that can happen to the app. All of it arrives on the runner's one channel.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key *press* (release and repeat events are filtered out before they get here).
    Key(KeyEvent),
    /// A click or a wheel turn (translated from the terminal's event by the input thread,
    /// `crate::tui`; other mouse events are not sent).
    Mouse(super::mouse::MouseInput),
    /// The clock: drives the autosave debounce, spinners and elapsed times.
    Tick(Instant),
    /// The terminal changed size (the next draw adapts; nothing else to do).
    Resize(u16, u16),
    /// A save finished (the error is already rendered to text: it is shown, never swallowed).
    Saved(Result<(), String>),
    /// A running check reported something; `at` is when the runner received it.
    Check { event: CheckEvent, at: chrono::DateTime<chrono::Utc> },
    /// A scenario was armed on the evidence API (`origin_us`: the journal clock at arming).
    Armed { check: CheckId, describe: String, origin_us: u64, at: chrono::DateTime<chrono::Utc> },
    /// A request reached the evidence API; `check` is the scenario armed when it was journaled.
    Journal { check: Option<CheckId>, entry: Box<JournalEntry> },
    /// The journal feed fell behind and skipped this many entries (they are in the API's own
    /// journal, which judging reads; only the live pane misses them).
    JournalLagged(u64),
    /// The evidence the session opened with, verified (`dossier::verify`) by the runner.
    Verified(Vec<crate::dossier::verify::Checked>),
    /// Something the runner wants the user to know (e.g. no live checks in this build).
    Notice(Notice),
    /// The timer of an unannounced fault fired (`epoch`: the arming that started it; see
    /// `faults.rs`).
    FaultDue { epoch: u64 },
}

/// What `update` asks the runner to do. The runner performs it and reports back with a `Msg`.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Save this snapshot of the dossier on a blocking task; report `Msg::Saved`.
    Save(Box<Dossier>),
    /// Start these live checks with these settings; events come back as `Msg::Check`.
    RunChecks { ids: Vec<String>, settings: Box<Settings> },
    /// Arm the evidence-API scenario of this check; the runner reports `Msg::Armed`.
    Arm { check: CheckId },
    /// Wait a delay drawn from `delay` (the runner draws it: the app never knows when), then
    /// report `Msg::FaultDue { epoch }`.
    FaultTimer { epoch: u64, delay: FaultDelay },
    /// Judge the armed scenario now and file it (reported as `Msg::Check` `Finished`).
    Finish { check: CheckId },
    /// Back to normal traffic without judging.
    Disarm,
    /// File a result the reviewer decided (e.g. `trace.echo` marked): the runner stamps the time
    /// and reports it back as a `Finished` check event.
    File(Box<CheckResult>),
    /// Switch the demo peers between good and flawed.
    SetDemoFlawed(bool),
    /// Leave the loop (only emitted once the final save has succeeded or the user insisted).
    Quit,
}

//! Progress reports from running checks, so a caller (the TUI, the headless printer) can show
//! what is happening without the check knowing who listens.

use super::CheckResult;

/// An event from a running check, always tagged with the check id.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckEvent {
    /// The check started.
    Started { id: String },
    /// Something happened worth showing (a delivery sent, a request journaled…), one line.
    Progress { id: String, message: String },
    /// The check ended with a verdict.
    Finished(CheckResult),
}

impl CheckEvent {
    pub fn id(&self) -> &str {
        match self {
            CheckEvent::Started { id } | CheckEvent::Progress { id, .. } => id,
            CheckEvent::Finished(r) => &r.id,
        }
    }
}

/// Where a check sends its events. Implemented for closures and for tokio channels.
pub trait ProgressSink: Send + Sync {
    fn send(&self, event: CheckEvent);
}

impl<F: Fn(CheckEvent) + Send + Sync> ProgressSink for F {
    fn send(&self, event: CheckEvent) {
        self(event)
    }
}

impl ProgressSink for tokio::sync::mpsc::UnboundedSender<CheckEvent> {
    fn send(&self, event: CheckEvent) {
        // The receiver going away (UI closed) is not the check's problem.
        let _ = tokio::sync::mpsc::UnboundedSender::send(self, event);
    }
}

/// A sink that drops everything (headless runs that only want the results).
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn send(&self, _event: CheckEvent) {}
}

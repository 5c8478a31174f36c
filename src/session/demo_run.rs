//! One run of the built-in demo client against an armed scenario, judged when the client ends
//! (as `check api` judges a command: by how the run ended). `trace.echo` needs a person, so
//! that one stays armed for the reviewer to mark.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::checks::api::{EvidenceApi, RunOutcome};
use crate::checks::{CheckEvent, ProgressSink, is_person_judged};
use crate::demo::client::{self, ClientConfig};
use crate::ui::{CheckSink, Notice};

/// Longer than any scenario takes the good client; a stuck run is judged as killed.
const RUN_LIMIT: Duration = Duration::from_secs(60);
/// Responses still in flight get this long to be journaled (as headless runs do).
const SETTLE: Duration = Duration::from_millis(150);

pub(super) struct DemoRun {
    pub api: Arc<EvidenceApi>,
    pub check: &'static str,
    pub flawed: bool,
    /// The arming this run belongs to, and the launcher's current one.
    pub generation: u64,
    pub current: Arc<AtomicU64>,
}

impl DemoRun {
    pub async fn run(self, sink: CheckSink) {
        let cfg = ClientConfig::for_api(&self.api);
        let who = if self.flawed { "flawed" } else { "good" };
        let (outcome, said) = match tokio::time::timeout(RUN_LIMIT, client::run(cfg, self.flawed)).await {
            Ok(Ok(o)) => (
                RunOutcome::Exited(0),
                format!(
                    "the {who} demo client fetched {} pages ({} items) in {} requests",
                    o.pages, o.items, o.requests
                ),
            ),
            Ok(Err(e)) => (RunOutcome::Exited(1), format!("the {who} demo client stopped: {e}")),
            Err(_) => {
                (RunOutcome::Killed, format!("the {who} demo client ran past {} s", RUN_LIMIT.as_secs()))
            }
        };
        tokio::time::sleep(SETTLE).await;
        if self.current.load(Ordering::SeqCst) != self.generation {
            return;
        }
        if is_person_judged(self.check) {
            sink.notice(Notice::info(format!("{said}: y if the trace id is in its logs, N if not")));
            return;
        }
        if let Ok(mut result) = self.api.finish_run(outcome) {
            result.observations.insert(0, said);
            // The session's endpoints record, refreshed by every judged run (first, so the
            // notice shown is the judged check's).
            sink.send(CheckEvent::Finished(self.api.endpoints_since(0)));
            sink.send(CheckEvent::Finished(result));
        }
    }
}

//! The demo's peers: the switch between good and flawed (`d`), and one run of the built-in
//! demo client against each armed scenario, judged when the client ends (as `check api` judges
//! a command: by how the run ended). `trace.echo` needs a person, so that one stays armed for
//! the reviewer to mark. Reports through a [`ProgressSink`] and a plain `say` callback: the
//! demo knows nothing of the TUI.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::checks::api::{EvidenceApi, RunOutcome};
use crate::checks::{CheckEvent, ProgressSink, is_person_judged};
use crate::demo::Behaviour;
use crate::demo::client::{self, ClientConfig};
use crate::ui::DemoControl;

/// Longer than any scenario takes the good client; a stuck run is judged as killed.
const RUN_LIMIT: Duration = Duration::from_secs(60);
/// Responses still in flight get this long to be journaled (as headless runs do).
const SETTLE: Duration = Duration::from_millis(150);

/// The demo peers of `certcockpit demo` and the run of the demo client in progress.
pub struct DemoPeers {
    behaviour: Behaviour,
    /// Bumped by every stop: a run judges only if no arming, finish or disarm came after its
    /// start, never a scenario armed after it.
    generation: Arc<AtomicU64>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl DemoPeers {
    pub fn new(behaviour: Behaviour) -> Self {
        Self { behaviour, generation: Arc::new(AtomicU64::new(0)), task: Mutex::new(None) }
    }

    /// Stops the run in progress, if any: it will not judge.
    pub fn stop(&self) {
        if let Some(task) = self.task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Runs the demo client, good or flawed as the switch says now, against the scenario of
    /// `check` armed on `api`; the verdict goes to `sink`, what happened to `say`.
    pub fn start(
        &self,
        api: Arc<EvidenceApi>,
        check: &'static str,
        sink: impl ProgressSink + 'static,
        say: impl Fn(String) + Send + 'static,
    ) {
        self.stop();
        let run = DemoRun {
            api,
            check,
            flawed: self.behaviour.is_flawed(),
            generation: self.generation.load(Ordering::SeqCst),
            current: Arc::clone(&self.generation),
        };
        let task = tokio::spawn(run.run(sink, say));
        *self.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
    }
}

impl DemoControl for DemoPeers {
    fn set_flawed(&self, flawed: bool) {
        self.behaviour.set_flawed(flawed);
    }
}

struct DemoRun {
    api: Arc<EvidenceApi>,
    check: &'static str,
    flawed: bool,
    /// The arming this run belongs to, and the peers' current one.
    generation: u64,
    current: Arc<AtomicU64>,
}

impl DemoRun {
    async fn run(self, sink: impl ProgressSink, say: impl Fn(String)) {
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
            say(format!("{said}: y if the trace id is in its logs, N if not"));
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

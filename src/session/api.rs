//! The session's evidence API as the TUI controls it: the journal forwarded live, a scenario
//! armed, judged or dropped. In the demo, every arming hands the scenario to [`DemoPeers`].

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;

use crate::checks::api::EvidenceApi;
use crate::checks::{CheckEvent, CheckId, ProgressSink};
use crate::ui::{ApiControl, ArmedScenario, CheckSink, Notice};

use super::demo_run::DemoPeers;

/// Controls the session's evidence API.
pub struct ApiSession {
    api: Arc<EvidenceApi>,
    /// In `certcockpit demo`: the built-in client runs against each armed scenario.
    demo: Option<Arc<DemoPeers>>,
}

impl ApiSession {
    pub fn new(api: Arc<EvidenceApi>, demo: Option<Arc<DemoPeers>>) -> Self {
        Self { api, demo }
    }

    /// Whatever demo run was going on is stopped and will not judge.
    fn stop_demo(&self) {
        if let Some(d) = &self.demo {
            d.stop();
        }
    }
}

impl ApiControl for ApiSession {
    /// Forwards every journaled request to the UI, tagged with the scenario armed then.
    fn attach(&self, sink: CheckSink) {
        let api = Arc::clone(&self.api);
        let mut feed = api.subscribe();
        tokio::spawn(async move {
            loop {
                match feed.recv().await {
                    Ok(entry) => {
                        let check = api.armed().and_then(|s| CheckId::parse(s.check_id));
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

    fn arm(&self, check: CheckId, _sink: CheckSink) -> Result<ArmedScenario, String> {
        self.stop_demo();
        // Read before arming: the API's own arming time is at or after it, so nothing that
        // belongs to the scenario is cut from the live pane.
        let origin_us = self.api.now_us();
        let scenario = self.api.arm(check.as_str()).map_err(|e| e.to_string())?;
        Ok(ArmedScenario { describe: scenario.describe(), origin_us })
    }

    /// In the demo, runs the demo client against the scenario just armed.
    fn after_armed(&self, check: CheckId, sink: CheckSink) {
        let Some(demo) = &self.demo else { return };
        let Some(scenario) = self.api.armed().filter(|s| check == s.check_id) else { return };
        let say = sink.clone();
        demo.start(Arc::clone(&self.api), scenario.check_id, sink, move |text| {
            say.notice(Notice::info(text))
        });
    }

    fn finish(&self, check: CheckId, sink: CheckSink) -> Result<(), String> {
        match self.api.armed() {
            Some(s) if check == s.check_id => {}
            _ => return Err(format!("{check} is not armed (any more)")),
        }
        self.stop_demo();
        let result = self.api.finish().map_err(|e| e.to_string())?;
        // Every judged run also refreshes the session's endpoints record (filed first, so the
        // notice shown is the judged check's).
        sink.send(CheckEvent::Finished(self.api.endpoints_since(0)));
        sink.send(CheckEvent::Finished(result));
        Ok(())
    }

    fn disarm(&self) {
        self.stop_demo();
        self.api.disarm();
    }
}

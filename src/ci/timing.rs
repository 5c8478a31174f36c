//! The per-check clock of a headless run: a [`ProgressSink`] that passes every event on and
//! notes when each check started and finished, on the wall clock (JUnit `time`, JSON
//! `duration_ms`) and, when given one, on the evidence API's journal clock (which requests
//! belong to which check in the HAR file), with the scenario each API check announced.

use std::sync::Mutex;
use std::time::Instant;

use crate::checks::{CheckEvent, CheckResult, ProgressSink};

use super::Timed;

/// When one check ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub id: String,
    /// The journal clock (µs) at its start and end, when the run has a journal.
    pub from_us: Option<u64>,
    pub to_us: Option<u64>,
    /// The first progress line after the start: the scenario an API check armed.
    pub scenario: Option<String>,
    started: Instant,
    duration_ms: Option<u64>,
}

impl Window {
    /// How long the check ran, in ms (0 while it runs).
    pub fn duration_ms(&self) -> u64 {
        self.duration_ms.unwrap_or(0)
    }
}

/// Passes events to `inner`, recording each check's [`Window`].
pub struct Recorder<'a> {
    inner: &'a dyn ProgressSink,
    clock: Option<Box<dyn Fn() -> u64 + Send + Sync + 'a>>,
    windows: Mutex<Vec<Window>>,
    finished: Mutex<Vec<CheckResult>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn ProgressSink) -> Self {
        Self { inner, clock: None, windows: Mutex::new(Vec::new()), finished: Mutex::new(Vec::new()) }
    }

    /// Also notes the journal clock (`clock()` in µs) at each start and end.
    pub fn with_clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'a) -> Self {
        self.clock = Some(Box::new(clock));
        self
    }

    /// The windows, in the order the checks started.
    pub fn windows(&self) -> Vec<Window> {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The results of the checks that finished, in the order they did: what an interrupted
    /// run still reports.
    pub fn finished(&self) -> Vec<CheckResult> {
        self.finished.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// `results` with their durations (0 for a result no start was seen for, such as the
    /// `api.endpoints` record filed at the end).
    pub fn timed(&self, results: Vec<CheckResult>) -> Vec<Timed> {
        timed(&self.windows(), results)
    }
}

/// `results` with the durations their windows measured (0 for a result without one).
pub fn timed(windows: &[Window], results: Vec<CheckResult>) -> Vec<Timed> {
    results
        .into_iter()
        .map(|result| {
            let duration_ms = windows.iter().find(|w| w.id == result.id).map_or(0, Window::duration_ms);
            Timed { result, duration_ms }
        })
        .collect()
}

impl ProgressSink for Recorder<'_> {
    fn send(&self, event: CheckEvent) {
        let now = self.clock.as_ref().map(|c| c());
        {
            let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
            match &event {
                CheckEvent::Started { id } => windows.push(Window {
                    id: id.clone(),
                    from_us: now,
                    to_us: None,
                    scenario: None,
                    started: Instant::now(),
                    duration_ms: None,
                }),
                CheckEvent::Progress { id, message } => {
                    if let Some(w) = windows.iter_mut().rev().find(|w| w.id == *id)
                        && w.scenario.is_none()
                    {
                        w.scenario = Some(crate::text::line(message));
                    }
                }
                CheckEvent::Finished(r) => {
                    if let Some(w) =
                        windows.iter_mut().rev().find(|w| w.id == r.id && w.duration_ms.is_none())
                    {
                        w.to_us = now;
                        w.duration_ms =
                            Some(u64::try_from(w.started.elapsed().as_millis()).unwrap_or(u64::MAX));
                    }
                }
            }
        }
        if let CheckEvent::Finished(r) = &event {
            self.finished.lock().unwrap_or_else(|p| p.into_inner()).push(r.clone());
        }
        self.inner.send(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{NoProgress, Verdict};

    #[test]
    fn windows_follow_start_progress_and_finish() {
        let tick = std::sync::atomic::AtomicU64::new(10);
        let r =
            Recorder::new(&NoProgress).with_clock(|| tick.fetch_add(5, std::sync::atomic::Ordering::Relaxed));
        r.send(CheckEvent::Started { id: "auth.refresh".into() });
        r.send(CheckEvent::Progress { id: "auth.refresh".into(), message: "tokens expire".into() });
        r.send(CheckEvent::Progress { id: "auth.refresh".into(), message: "GET /items".into() });
        r.send(CheckEvent::Finished(CheckResult::new("auth.refresh", Verdict::Pass, "ok")));
        let w = &r.windows()[0];
        assert_eq!((w.from_us, w.to_us, w.scenario.as_deref()), (Some(10), Some(25), Some("tokens expire")));
        let timed = r.timed(vec![
            CheckResult::new("auth.refresh", Verdict::Pass, "ok"),
            CheckResult::new("api.endpoints", Verdict::Pass, "ok"),
        ]);
        assert_eq!(timed[1].duration_ms, 0);
    }
}

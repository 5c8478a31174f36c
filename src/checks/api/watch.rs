//! Watching a running service (`certcockpit check api --watch 10m`): no command is started;
//! the partner's long-running integration calls the evidence API (or the proxy in front of
//! its sandbox) on its own schedule, and the cockpit injects each scenario's fault at a moment
//! of its own choosing, in an order of its own choosing, telling the client nothing.
//!
//! The order is a seeded shuffle (the seed is reported, so a run can be repeated with
//! `--seed`); `polling.rate`, judged on the whole session's traffic, comes last. Before each
//! fault comes a random lead-in of normal traffic, and the fault begins only once the client
//! is between calls (nothing completed for [`IDLE`]), so a judge that reads whole cycles
//! (`pagination.complete`) never starts in the middle of one. A fault's window ends when the
//! client has been seen quiet after it ([`quiet_seen`]: twice its longest gap, at least 2 s;
//! for `retry.limit` this is the quiet that shows it stopped), or when its share of the watch
//! is used up. Each judge reads the traffic from its fault's start to its end, and only that.
//!
//! Ctrl-C or SIGTERM stops the watch: the fault in force is judged on what it saw so far, every
//! scenario whose fault never began is inconclusive ("stopped before this fault was
//! injected"), and the report says which signal stopped it (the exit is 130, and the results
//! are filed: they are evidence of what was observed).

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use super::error::ApiError;
use super::journal::JournalEntry;
use super::judges::RunOutcome;
use super::judges::retry::quiet_seen;
use super::scenario::{NORMAL_TOKEN_LIFETIME, Scenario};
use super::session::EvidenceApi;
use crate::checks::{CheckEvent, CheckResult, ProgressSink};

/// The client counts as between calls once nothing has completed for this long.
pub const IDLE: Duration = Duration::from_millis(500);
/// The shortest lead-in of normal traffic before a fault.
const LEAD_MIN: Duration = Duration::from_secs(1);
/// The longest lead-in, whatever the watch's length.
const LEAD_MAX: Duration = Duration::from_secs(30);
/// How often the journal is looked at for idleness and quiet.
const POLL: Duration = Duration::from_millis(100);
/// After a `Retry-After` hint, a window stays open this much longer than the hint.
const HINT_MARGIN_MS: u64 = 1000;
/// The shortest watch: a few seconds per scenario cannot show a service's cycles.
pub const MIN_WATCH: Duration = Duration::from_secs(10);

/// The schedule: which faults, in which order, after which lead-ins.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub seed: u64,
    /// Check ids in the order their faults are injected.
    pub order: Vec<&'static str>,
    /// Normal traffic before each fault (same index as `order`).
    pub lead_ins: Vec<Duration>,
    /// The most one scenario (lead-in, wait for idleness, fault) may take.
    pub slot: Duration,
}

/// Plans a watch of `window` over `ids` from `seed`: a shuffle (the whole-session checks
/// last, in the order given) and a lead-in for each, uniform between 1 s and a quarter of its
/// slot (at most 30 s). Pure, so the same seed gives the same schedule.
pub fn plan(ids: &[&'static str], window: Duration, seed: u64) -> Plan {
    let mut rng = StdRng::seed_from_u64(seed);
    let whole = |id: &str| Scenario::for_check(id).is_some_and(|s| s.whole_session);
    let mut order: Vec<&'static str> = ids.iter().copied().filter(|id| !whole(id)).collect();
    order.shuffle(&mut rng);
    order.extend(ids.iter().copied().filter(|id| whole(id)));
    let slot = window / u32::try_from(order.len().max(1)).unwrap_or(u32::MAX);
    let lead_max = (slot / 4).clamp(LEAD_MIN, LEAD_MAX);
    let lead_ins = order
        .iter()
        .map(|_| {
            Duration::from_millis(rng.random_range(LEAD_MIN.as_millis() as u64..=lead_max.as_millis() as u64))
        })
        .collect();
    Plan { seed, order, lead_ins, slot }
}

/// A fresh seed for a watch not given one.
pub fn random_seed() -> u64 {
    rand::rng().random_range(1..=999_999)
}

/// When one fault was in force.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FaultWindow {
    pub check: String,
    /// What the API did (the scenario's description).
    pub fault: String,
    pub began: DateTime<Utc>,
    /// Seconds from the start of the watch.
    pub began_after_s: f64,
    pub lasted_s: f64,
    /// Why the window ended: "quiet" (the client was seen quiet after the fault) or "slot"
    /// (its share of the watch was used up).
    pub ended: &'static str,
}

/// What a watch did: its seed, the windows in order, and the results (in the order asked
/// for, then the `api.endpoints` record).
#[derive(Debug, Clone, Serialize)]
pub struct WatchReport {
    pub seed: u64,
    /// The watch asked for, and how long it took to judge every scenario (it ends early once
    /// they all are).
    pub window_s: f64,
    pub took_s: f64,
    pub faults: Vec<FaultWindow>,
    /// The signal that stopped the watch early (`SIGINT`, `SIGTERM`), if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<&'static str>,
    #[serde(skip)]
    pub results: Vec<CheckResult>,
}

/// The summary of a scenario whose fault the watch never injected.
pub const NOT_INJECTED: &str = "the watch was stopped before this fault was injected";

impl WatchReport {
    /// The schedule as it happened, one line per fault, for the human output.
    pub fn schedule(&self) -> String {
        let mut out = match self.stopped_by {
            Some(signal) => format!(
                "watch of {:.0} s, stopped by {signal} after {:.0} s ({} of {} faults injected); seed {} (repeat with --seed {})\n",
                self.window_s,
                self.took_s,
                self.faults.len(),
                self.results.len().saturating_sub(1),
                self.seed,
                self.seed
            ),
            None => format!(
                "watch of {:.0} s, every scenario judged after {:.0} s; seed {} (repeat with --seed {})\n",
                self.window_s, self.took_s, self.seed, self.seed
            ),
        };
        for w in &self.faults {
            out.push_str(&format!(
                "  {} +{:>6.1} s  {:<24} for {:.1} s ({})\n",
                w.began.format("%H:%M:%S"),
                w.began_after_s,
                w.check,
                w.lasted_s,
                match w.ended {
                    "quiet" => "ended when the client went quiet",
                    "stopped" => "the watch was stopped",
                    _ => "its share of the watch ran out",
                }
            ));
        }
        out
    }
}

/// Watches for `window`: injects each of `ids`' faults in `plan`'s order, judges each on the
/// traffic of its window, and ends with the `api.endpoints` record of the whole watch. Every
/// fault's start and end go to `progress` (the human output shows them), each request too
/// when `requests` is set.
pub async fn run_watch(
    api: &EvidenceApi,
    ids: &[&'static str],
    window: Duration,
    seed: u64,
    requests: bool,
    progress: &dyn ProgressSink,
) -> Result<WatchReport, ApiError> {
    let plan = plan(ids, window, seed);
    let mut interrupts = crate::checks::interrupts::Interrupts::new().map_err(ApiError::Signals)?;
    let mut stopped_by = None;
    let started_us = api.now_us();
    let started = Utc::now();
    let mut feed = api.subscribe();
    let mut faults = Vec::new();
    let mut by_id: Vec<(&str, CheckResult)> = Vec::new();
    for (id, lead) in plan.order.iter().zip(&plan.lead_ins) {
        let slot_end = tokio::time::Instant::now() + plan.slot;
        // Normal traffic for the lead-in, then until the client is between calls (bounded: a
        // client that never pauses gets its fault after a quarter of the slot more).
        let lead_end = tokio::time::Instant::now() + *lead;
        let idle_by = lead_end + plan.slot / 4;
        let mut poll = tokio::time::interval(POLL);
        loop {
            tokio::select! {
                _ = poll.tick() => {
                    let now = tokio::time::Instant::now();
                    if now >= lead_end && (is_idle(api) || now >= idle_by) {
                        break;
                    }
                }
                entry = feed.recv() => if requests { forward(entry, id, 0, progress) },
                signal = interrupts.recv() => {
                    stopped_by = Some(signal);
                    break;
                }
            }
        }
        if stopped_by.is_some() {
            break;
        }
        let scenario = api.arm(id)?;
        let armed_us = api.now_us();
        let began = Utc::now();
        let began_after_s = secs(armed_us.saturating_sub(started_us));
        progress.send(CheckEvent::Started { id: (*id).to_owned() });
        progress.send(CheckEvent::Progress {
            id: (*id).to_owned(),
            message: format!(
                "fault in force since {} (+{began_after_s:.1} s): {}",
                began.format("%H:%M:%S"),
                scenario.describe()
            ),
        });
        let ended = loop {
            tokio::select! {
                _ = poll.tick() => {
                    let gets: Vec<_> = api.journal().into_iter().filter(|e| e.is_items()).collect();
                    if window_quiet(&gets, armed_us, api.now_us()) {
                        break "quiet";
                    }
                    if tokio::time::Instant::now() >= slot_end {
                        break "slot";
                    }
                }
                entry = feed.recv() => if requests { forward(entry, id, armed_us, progress) },
                signal = interrupts.recv() => {
                    stopped_by = Some(signal);
                    break "stopped";
                }
            }
        };
        let mut result = api.finish_run(RunOutcome::Watched)?;
        let lasted_s = secs(api.now_us().saturating_sub(armed_us));
        if scenario.token_lifetime < NORMAL_TOKEN_LIFETIME {
            // The scripted lifetime was the fault; normal traffic has normal tokens again.
            api.restore_token_lifetimes();
        }
        result.observations.insert(
            0,
            format!(
                "watch (seed {seed}): the fault began unannounced at {} (+{began_after_s:.1} s into the watch) and was judged on the {lasted_s:.1} s after it ({})",
                began.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                match ended {
                    "quiet" => "until the client went quiet",
                    "stopped" => "until the watch was stopped",
                    _ => "until its share of the watch ran out",
                }
            ),
        );
        let result = result.figure("fault_began_after_s", began_after_s).figure("fault_window_s", lasted_s);
        progress.send(CheckEvent::Finished(result.clone()));
        faults.push(FaultWindow {
            check: (*id).to_owned(),
            fault: scenario.describe(),
            began,
            began_after_s,
            lasted_s,
            ended,
        });
        by_id.push((id, result));
        if stopped_by.is_some() {
            break;
        }
    }
    // Results in the order asked for; a scenario the watch never reached is inconclusive.
    let mut results: Vec<CheckResult> = ids
        .iter()
        .map(|id| match by_id.iter().find(|(i, _)| i == id) {
            Some((_, r)) => r.clone(),
            None => {
                let r = CheckResult::new(*id, crate::checks::Verdict::Inconclusive, NOT_INJECTED);
                progress.send(CheckEvent::Finished(r.clone()));
                r
            }
        })
        .collect();
    let endpoints = api.endpoints_since(started_us);
    progress.send(CheckEvent::Finished(endpoints.clone()));
    results.push(endpoints);
    let took_s = (Utc::now() - started).num_milliseconds() as f64 / 1000.0;
    Ok(WatchReport { seed, window_s: window.as_secs_f64(), took_s, faults, stopped_by, results })
}

/// Whether a fault's window (armed at `armed_us`) can end: the client has met the fault (a
/// GET at or after `armed_us`), has since been quiet long enough to call it stopped
/// ([`quiet_seen`], on the window's own GETs) and, when its last response carried a
/// `Retry-After`, for a second more than that hint (the client is due back only then).
///
/// Only the window's GETs count: the fault is armed when the client is between calls, so
/// quiet measured from the last GET *before* the fault (with the lead-in's millisecond gaps,
/// 2 s) ended the window of a service that syncs every 30 s before it ever met the fault,
/// and its judge saw no traffic.
pub fn window_quiet(gets: &[JournalEntry], armed_us: u64, now_us: u64) -> bool {
    let refs: Vec<&JournalEntry> = gets.iter().filter(|e| e.at_us >= armed_us).collect();
    let Some(last) = refs.last() else { return false };
    let hint_us = last.retry_after_ms.map_or(0, |ms| (ms + HINT_MARGIN_MS) * 1000);
    quiet_seen(&refs, now_us) && now_us.saturating_sub(last.at_us) >= hint_us
}

/// Whether nothing has completed for [`IDLE`] (or nothing has arrived at all).
fn is_idle(api: &EvidenceApi) -> bool {
    api.last_done_us().is_none_or(|done| api.now_us().saturating_sub(done) >= IDLE.as_micros() as u64)
}

fn forward(entry: Result<JournalEntry, RecvError>, id: &str, origin_us: u64, progress: &dyn ProgressSink) {
    if let Ok(e) = entry {
        progress.send(CheckEvent::Progress { id: id.to_owned(), message: e.line(origin_us) });
    }
}

fn secs(us: u64) -> f64 {
    (us as f64 / 100_000.0).round() / 10.0
}

/// Parses a watch length: a number with a unit, `90s`, `10m`, `1h`, `1m30s`, or plain
/// seconds (`600`).
pub fn parse_window(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let bad = || format!("{text:?} is not a length of time (e.g. 90s, 10m, 1h30m, or seconds: 600)");
    if t.is_empty() {
        return Err(bad());
    }
    // `try_from_secs_f64`: `1e20` or `99999999999999999999h` is finite but past what a
    // Duration holds, where `from_secs_f64` panics.
    if let Ok(s) = t.parse::<f64>() {
        return Duration::try_from_secs_f64(s).map_err(|_| bad());
    }
    let mut total = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        let (n, tail) = rest.split_at(digits);
        let n: f64 = n.parse().map_err(|_| bad())?;
        let unit_len = tail.find(|c: char| c.is_ascii_digit()).unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = match unit.trim() {
            "ms" => 0.001,
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = tail;
    }
    Duration::try_from_secs_f64(total).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::api::scenario_ids;

    #[test]
    fn the_same_seed_gives_the_same_schedule_and_whole_session_checks_come_last() {
        let ids = scenario_ids();
        let a = plan(&ids, Duration::from_secs(600), 42);
        assert_eq!(a, plan(&ids, Duration::from_secs(600), 42));
        let b = plan(&ids, Duration::from_secs(600), 43);
        assert_ne!(a.order, b.order, "another seed, another order");
        assert_eq!(a.order.last(), Some(&"polling.rate"));
        let mut sorted = a.order.clone();
        sorted.sort_unstable();
        let mut all = ids.clone();
        all.sort_unstable();
        assert_eq!(sorted, all, "every scenario exactly once");
        // 600 s over 11 scenarios: slots of 54.5 s, lead-ins between 1 s and 13.6 s.
        assert_eq!(a.slot.as_millis(), 54_545);
        assert!(a.lead_ins.iter().all(|l| *l >= LEAD_MIN && l.as_millis() <= 13_636), "{:?}", a.lead_ins);
        assert!(a.lead_ins.windows(2).any(|w| w[0] != w[1]), "lead-ins vary");
    }

    /// The 429 with an HTTP-date hint of 2.5 s: 2 s of quiet is not enough to end the window,
    /// the client is due back only after the hint.
    #[test]
    fn a_window_stays_open_past_a_retry_after_hint() {
        use crate::checks::api::judges::fixtures::Traffic;
        let gets = Traffic::new().get(0.0, 1, 3, 200, "t").get_ra(10.0, 1, 429, 2500, "http-date").entries;
        assert!(!window_quiet(&gets, 0, 2_100_000), "quiet 2 s, hint 2.5 s");
        assert!(!window_quiet(&gets, 0, 3_000_000));
        assert!(window_quiet(&gets, 0, 3_600_000));
        let calm = Traffic::new().get(0.0, 1, 3, 200, "t").get(10.0, 2, 3, 200, "t").entries;
        assert!(window_quiet(&calm, 0, 2_100_000));
        assert!(!window_quiet(&[], 0, 9_000_000), "no GET yet: nothing to judge");
    }

    /// A service that walks its pages and then sleeps 30 s: a fault armed in the sleep stays
    /// in force until the next cycle meets it, however quiet the client was before it.
    #[test]
    fn a_window_stays_open_until_the_client_meets_the_fault() {
        use crate::checks::api::judges::fixtures::Traffic;
        let before = Traffic::new().get(0.0, 1, 2, 200, "t").get(5.0, 2, 2, 200, "t").entries;
        let armed_us = 1_000_000;
        assert!(!window_quiet(&before, armed_us, 20_000_000), "no GET met the fault yet");
        let mut met = before.clone();
        met.extend(Traffic::new().get(30_000.0, 1, 2, 200, "t").get(30_005.0, 2, 2, 200, "t").entries);
        assert!(!window_quiet(&met, armed_us, 31_000_000));
        assert!(window_quiet(&met, armed_us, 32_100_000), "met, then quiet 2 s");
    }

    #[test]
    fn short_watches_keep_the_one_second_lead_in() {
        let p = plan(&["retry.limit", "retry.backoff"], Duration::from_secs(2), 1);
        assert!(p.lead_ins.iter().all(|l| *l == LEAD_MIN));
    }

    #[test]
    fn watch_lengths_parse_with_units_and_say_what_is_wrong() {
        assert_eq!(parse_window("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_window("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_window("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_window("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_window("600"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_window("1.5m"), Ok(Duration::from_secs(90)));
        for bad in
            ["", "ten minutes", "10x", "m", "-5", "5m x", "1e20", "99999999999999999999h", "inf", "NaN"]
        {
            let e = parse_window(bad).expect_err(bad);
            assert!(e.contains("is not a length of time"), "{e}");
        }
    }
}

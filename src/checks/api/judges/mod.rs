//! Judges: pure functions from a journal (and the scenario that was armed) to a
//! [`CheckResult`]. They see only what the server recorded, so they can be tested on
//! synthetic journals shaped like real libraries' traffic, and they are written to be fair to
//! those libraries (see each judge's doc).

pub(crate) mod auth;
pub(crate) mod endpoints;
pub(crate) mod overflow;
pub(crate) mod retry;
pub(crate) mod traffic;
pub(crate) mod waits;

#[cfg(test)]
pub(crate) mod fixtures;

use super::journal::JournalEntry;
use super::scenario::Scenario;
use crate::checks::{CheckId, CheckResult, RetryTimeline, Run, Verdict};

pub use endpoints::endpoints;
pub use traffic::{observed_client_name, trace_echo_marked};

/// An attempt closer than this to the previous one is "immediate" (no wait at all).
pub const IMMEDIATE_MS: f64 = 50.0;
/// An attempt may come this much earlier than a Retry-After hint and still respect it.
pub const RETRY_AFTER_TOLERANCE_MS: f64 = 50.0;
/// At most this many journal lines go into a result's observations.
const MAX_OBSERVATIONS: usize = 60;

/// How the client's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RunOutcome {
    /// The command exited by itself with this status (headless); -1 when killed by a signal
    /// it did not get from us.
    Exited(i32),
    /// The command ran too long and was killed.
    Killed,
    /// The runner stopped the command once it had been quiet long enough to judge
    /// (`retry.limit`: twice its longest gap, at least 2 s, after its last attempt).
    Settled,
    /// The reviewer finished the check; whether the client still runs is unknown (TUI).
    Manual,
    /// A watch (`--watch`) closed the fault's window: the client is a service that keeps
    /// running; the window ended when it had been quiet long enough to judge, or when its share
    /// of the watch ran out.
    Watched,
}

/// When and how the run ended (journal clock, µs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunEnd {
    pub at_us: u64,
    pub outcome: RunOutcome,
}

/// What a judge looks at.
#[derive(Debug, Clone, Copy)]
pub struct JudgeInput<'a> {
    /// The entries journaled since the scenario was armed, in arrival order.
    pub entries: &'a [JournalEntry],
    pub scenario: &'a Scenario,
    /// The entries the API journaled in the session (every scenario's run and the traffic
    /// between them) but those a fault scenario provoked, in arrival order: what
    /// `polling.rate` measures.
    pub session: &'a [JournalEntry],
    /// Requests left out of `session` because a fault scenario provoked them (retries of the
    /// failures it served, waits it asked for, tokens it made expire).
    pub provoked: usize,
    /// When the scenario was armed (journal clock, µs); times in summaries are relative to it.
    pub armed_at_us: u64,
    pub end: RunEnd,
}

impl JudgeInput<'_> {
    /// `GET /items` requests, in arrival order.
    pub fn items(&self) -> Vec<&JournalEntry> {
        self.entries.iter().filter(|e| e.is_items()).collect()
    }

    /// Milliseconds since arming.
    pub fn rel_ms(&self, e: &JournalEntry) -> f64 {
        e.at_us.saturating_sub(self.armed_at_us) as f64 / 1000.0
    }
}

/// Judges the scenario's check on what was journaled, with the judge its descriptor names.
pub fn judge(input: &JudgeInput<'_>) -> CheckResult {
    let id = input.scenario.check_id;
    let check = CheckId::parse(id);
    let result = match check.map(|c| c.descriptor().run) {
        Some(Run::Api { judge, .. }) => judge(input),
        Some(Run::Webhook(_) | Run::Fallback | Run::Record) | None => {
            CheckResult::new(id, Verdict::Inconclusive, format!("{id} is not an evidence API check"))
        }
    };
    let result =
        if check.is_some_and(CheckId::draws_timeline) { with_timeline(result, input) } else { result };
    with_observations(result, input)
}

/// Files the `GET /items` attempts (the [`RetryTimeline`]): what the verdict rests on, kept so
/// the chart can be drawn again from the dossier.
fn with_timeline(result: CheckResult, input: &JudgeInput<'_>) -> CheckResult {
    RetryTimeline::from_journal(input.entries, input.armed_at_us).file_in(result)
}

/// Appends the journal lines the verdict rests on.
fn with_observations(mut result: CheckResult, input: &JudgeInput<'_>) -> CheckResult {
    let n = input.entries.len();
    for e in input.entries.iter().take(MAX_OBSERVATIONS) {
        result.observations.push(e.line(input.armed_at_us));
    }
    if n > MAX_OBSERVATIONS {
        result.observations.push(format!("… and {} more requests", n - MAX_OBSERVATIONS));
    }
    if n == 0 {
        result.observations.push("no request reached the evidence API".to_owned());
    }
    result
}

/// Gaps between consecutive entries, in ms.
pub(crate) fn gaps_ms(entries: &[&JournalEntry]) -> Vec<f64> {
    entries.windows(2).map(|w| w[1].at_us.saturating_sub(w[0].at_us) as f64 / 1000.0).collect()
}

/// Rounds to 0.1 ms for figures.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `0, 201, 402 ms` for summaries.
pub(crate) fn ms_list(xs: &[f64]) -> String {
    xs.iter().map(|x| format!("{x:.0}")).collect::<Vec<_>>().join(", ") + " ms"
}

/// "N retries = N+1 attempts", the wording PRODUCT.md asks for.
pub(crate) fn retries_phrase(attempts: usize) -> String {
    let retries = attempts.saturating_sub(1);
    format!(
        "{retries} {} = {attempts} {}",
        plural(retries, "retry", "retries"),
        plural(attempts, "attempt", "attempts")
    )
}

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The median of `xs` (0 when empty).
pub(crate) fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 }
}

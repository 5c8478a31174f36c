//! Synthetic journals for judge tests, shaped like real libraries' traffic.

use super::{JudgeInput, RunEnd, RunOutcome, judge};
use crate::checks::CheckResult;
use crate::checks::api::journal::{JournalEntry, RequestKind};
use crate::checks::api::profile::AuthKind;
use crate::checks::api::scenario::Scenario;

/// A journal under construction; times in ms since arming.
#[derive(Default)]
pub struct Traffic {
    pub entries: Vec<JournalEntry>,
    pub name: Option<String>,
    /// The profile's auth kind, when not OAuth 2.
    pub auth: Option<AuthKind>,
}

fn us(ms: f64) -> u64 {
    (ms * 1000.0).round() as u64
}

impl Traffic {
    pub fn new() -> Self {
        Self { entries: Vec::new(), name: Some("acme-sync/1.2".to_owned()), auth: None }
    }

    /// Judged as traffic of a profile authenticating this way.
    pub fn auth(mut self, kind: AuthKind) -> Self {
        self.auth = Some(kind);
        self
    }

    /// Later requests carry this `X-Client-Name` (or none).
    pub fn named(mut self, name: Option<&str>) -> Self {
        self.name = name.map(str::to_owned);
        self
    }

    fn push(
        &mut self,
        at_ms: f64,
        method: &str,
        path: String,
        status: u16,
        kind: RequestKind,
    ) -> &mut JournalEntry {
        let seq = self.entries.len() as u64;
        self.entries.push(JournalEntry {
            seq,
            at_us: us(at_ms),
            done_us: us(at_ms) + 500,
            method: method.into(),
            path: path.into(),
            status,
            token: None,
            client_name: self.name.as_deref().map(Into::into),
            trace_id: format!("trace{seq:04}"),
            retry_after_ms: None,
            retry_after_form: None,
            kind,
        });
        let last = self.entries.len() - 1;
        &mut self.entries[last]
    }

    /// A successful grant issuing `token`, living `lifetime_ms`.
    pub fn grant(mut self, at_ms: f64, grant_type: &str, token: &str, lifetime_ms: f64) -> Self {
        let kind = RequestKind::Token {
            grant_type: grant_type.into(),
            issued: Some(token.into()),
            expires_us: Some(us(at_ms + lifetime_ms)),
        };
        self.push(at_ms, "POST", "/oauth/token".into(), 200, kind);
        self
    }

    /// `GET /items?page=<page>` of `last` pages with `token`, served `status`.
    pub fn get(mut self, at_ms: f64, page: u32, last: u32, status: u16, token: &str) -> Self {
        let e = self.push(
            at_ms,
            "GET",
            format!("/items?page={page}"),
            status,
            RequestKind::Items { page, last_page: last },
        );
        e.token = Some(token.into());
        self
    }

    /// Like `get`, with a Retry-After hint served.
    pub fn get_ra(mut self, at_ms: f64, page: u32, status: u16, hint_ms: u64, form: &'static str) -> Self {
        let e = self.push(
            at_ms,
            "GET",
            format!("/items?page={page}"),
            status,
            RequestKind::Items { page, last_page: 3 },
        );
        e.token = Some("tok-a".into());
        e.retry_after_ms = Some(hint_ms);
        e.retry_after_form = Some(form);
        self
    }

    /// Judges `check` on this traffic, the run ending at `end_ms` with `outcome`.
    pub fn judge(&self, check: &str, end_ms: f64, outcome: RunOutcome) -> CheckResult {
        let mut scenario = Scenario::for_check(check).expect("an api check");
        if let Some(kind) = self.auth {
            scenario.auth = kind;
        }
        self.judge_scenario(&scenario, end_ms, outcome)
    }

    /// Judges this traffic under `scenario` (one changed from its check's, say), the run ending
    /// at `end_ms` with `outcome`.
    pub fn judge_scenario(&self, scenario: &Scenario, end_ms: f64, outcome: RunOutcome) -> CheckResult {
        let input = JudgeInput {
            entries: &self.entries,
            scenario,
            session: &self.entries,
            provoked: 0,
            armed_at_us: 0,
            end: RunEnd { at_us: us(end_ms), outcome },
        };
        judge(&input)
    }

    /// Judges `check` on this run's traffic within a session that saw `session` (times in ms
    /// on the same clock) besides `provoked` requests the fault scenarios provoked, the run
    /// exiting just after its last request.
    pub fn judge_in_session(&self, check: &str, session: &Traffic, provoked: usize) -> CheckResult {
        let scenario = Scenario::for_check(check).expect("an api check");
        let end = self.entries.last().map_or(0, |e| e.at_us + 10_000);
        let input = JudgeInput {
            entries: &self.entries,
            scenario: &scenario,
            session: &session.entries,
            provoked,
            armed_at_us: self.entries.first().map_or(0, |e| e.at_us),
            end: RunEnd { at_us: end, outcome: RunOutcome::Exited(0) },
        };
        judge(&input)
    }

    /// Judges a run that exited with status 0 just after the last request.
    pub fn judge_exited(&self, check: &str) -> CheckResult {
        let end = self.entries.last().map_or(0.0, |e| e.at_us as f64 / 1000.0 + 10.0);
        self.judge(check, end, RunOutcome::Exited(0))
    }
}

/// A burst of failures on GET page 1 at the given times, then a success, after one grant.
pub fn burst(times_ms: &[f64], statuses: &[u16]) -> Traffic {
    let mut t = Traffic::new().grant(0.0, "client_credentials", "tok-a", 3_600_000.0);
    for (i, at) in times_ms.iter().enumerate() {
        let status = statuses.get(i).copied().unwrap_or(200);
        t = t.get(*at, 1, 3, status, "tok-a");
    }
    t
}

/// Bursts of failures, each given by its gaps (ms): the gaps' attempts fail (503), the last
/// succeeds, and the next burst starts 50 ms later.
pub fn bursts_of(gaps: &[&[f64]]) -> Traffic {
    let mut t = Traffic::new().grant(0.0, "client_credentials", "tok-a", 3_600_000.0);
    let mut at = 10.0;
    for (page, burst) in gaps.iter().enumerate() {
        let page = page as u32 + 1;
        t = t.get(at, page, 3, 503, "tok-a");
        for (i, g) in burst.iter().enumerate() {
            at += g;
            let status = if i + 1 == burst.len() { 200 } else { 503 };
            t = t.get(at, page, 3, status, "tok-a");
        }
        at += 50.0;
    }
    t
}

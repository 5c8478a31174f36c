//! The armed scenario's running state, and the decision of what to serve a `GET /items`.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

use super::super::scenario::{Fault, Scenario};
use super::pages::PageTracker;

/// A `Retry-After` to serve: the header value, and the effective hint in ms from now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryAfter {
    pub header: String,
    pub ms: u64,
    pub form: &'static str,
}

impl RetryAfter {
    pub fn seconds(secs: u64) -> Self {
        Self { header: secs.to_string(), ms: secs * 1000, form: "seconds" }
    }

    /// An HTTP date about `secs` ahead of `now`, rounded up to the next whole second (the
    /// format's resolution); the effective hint is the time to that date.
    pub fn date(now: SystemTime, secs: u64) -> Self {
        let since_epoch = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        let target_secs = since_epoch.as_secs() + secs + u64::from(since_epoch.subsec_nanos() > 0);
        let target = SystemTime::UNIX_EPOCH + Duration::from_secs(target_secs);
        let ms = target.duration_since(now).unwrap_or_default().as_millis();
        Self {
            header: httpdate::fmt_http_date(target),
            ms: u64::try_from(ms).unwrap_or(u64::MAX),
            form: "http-date",
        }
    }
}

/// What to serve a GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Serve,
    /// `401`: the credential is refused this once (the API-key 401 path).
    Unauthorized,
    Fail {
        status: u16,
        retry_after: Option<RetryAfter>,
    },
}

/// The scenario in force, and what it has done so far.
#[derive(Debug, Clone)]
pub struct ArmState {
    pub scenario: Scenario,
    /// Whether a check is armed (otherwise `scenario` is normal traffic).
    pub armed: bool,
    /// Journal time (µs) at which it was armed.
    pub since_us: u64,
    gets: usize,
    /// Failures served in the current burst, and bursts completed (`Fault::Burst`).
    burst_failures: usize,
    bursts_done: u32,
    rate_limited_pages: HashSet<u32>,
    window_start: Option<Instant>,
    /// Proxy mode: the pages of upstream's collection seen since arming.
    pub pages: PageTracker,
}

impl ArmState {
    pub fn idle(since_us: u64) -> Self {
        Self::with(Scenario::normal("none"), false, since_us)
    }

    pub fn armed(scenario: Scenario, since_us: u64) -> Self {
        Self::with(scenario, true, since_us)
    }

    fn with(scenario: Scenario, armed: bool, since_us: u64) -> Self {
        Self {
            scenario,
            armed,
            since_us,
            gets: 0,
            burst_failures: 0,
            bursts_done: 0,
            rate_limited_pages: HashSet::new(),
            window_start: None,
            pages: PageTracker::default(),
        }
    }

    /// Decides the response to an authorised `GET /items?page=<page>`.
    pub fn decide(&mut self, page: u32, now: Instant, wall: SystemTime) -> Decision {
        self.gets += 1;
        match &self.scenario.fault {
            Fault::None => Decision::Serve,
            Fault::RateLimit { secs, date_secs } => {
                if page <= 2 && self.rate_limited_pages.insert(page) {
                    let ra = if page == 1 {
                        RetryAfter::seconds(*secs)
                    } else {
                        RetryAfter::date(wall, *date_secs)
                    };
                    Decision::Fail { status: 429, retry_after: Some(ra) }
                } else {
                    Decision::Serve
                }
            }
            Fault::Burst { statuses, bursts } => {
                if self.bursts_done >= *bursts {
                    return Decision::Serve;
                }
                match statuses.get(self.burst_failures) {
                    Some(status) => {
                        self.burst_failures += 1;
                        Decision::Fail { status: *status, retry_after: None }
                    }
                    None => {
                        self.burst_failures = 0;
                        self.bursts_done += 1;
                        Decision::Serve
                    }
                }
            }
            Fault::Persistent { status } => Decision::Fail { status: *status, retry_after: None },
            Fault::RejectKey { nth } if self.gets == *nth => Decision::Unauthorized,
            Fault::RejectKey { .. } => Decision::Serve,
            Fault::Maintenance { window } => {
                let start = *self.window_start.get_or_insert(now);
                let left = (start + *window).saturating_duration_since(now);
                if left.is_zero() {
                    Decision::Serve
                } else {
                    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                    Decision::Fail { status: 503, retry_after: Some(RetryAfter::seconds(secs)) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_form_rounds_up_to_a_whole_second() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        let ra = RetryAfter::date(now, 2);
        assert_eq!(ra.ms, 2750);
        assert_eq!(httpdate::parse_http_date(&ra.header).ok(), Some(now + Duration::from_millis(2750)));
    }

    #[test]
    fn burst_then_recovery_and_maintenance_window() {
        let mut s = ArmState::armed(Scenario::for_check("retry.backoff").expect("scenario"), 0);
        let now = Instant::now();
        let wall = SystemTime::now();
        let got: Vec<_> = (0..20).map(|_| s.decide(1, now, wall)).collect();
        assert!(matches!(got[0], Decision::Fail { status: 503, .. }));
        assert!(matches!(got[1], Decision::Fail { status: 500, .. }));
        // Three bursts of five failures, each ended by one success; then all is well.
        let served: Vec<usize> =
            got.iter().enumerate().filter(|(_, d)| **d == Decision::Serve).map(|(i, _)| i).collect();
        assert_eq!(served, vec![5, 11, 17, 18, 19]);

        let mut m = ArmState::armed(Scenario::for_check("resilience.maintenance").expect("scenario"), 0);
        assert_eq!(
            m.decide(1, now, wall),
            Decision::Fail { status: 503, retry_after: Some(RetryAfter::seconds(2)) }
        );
        assert_eq!(m.decide(1, now + Duration::from_millis(2001), wall), Decision::Serve);
    }
}

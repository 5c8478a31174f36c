//! Unannounced faults in the cockpit. Arming a scenario does not start its fault at the
//! keypress: the screen is shared with the partner over a video call, so a fault that began
//! when the reviewer pressed `r` would be announced. The fault begins after a random delay the
//! cockpit chooses (the session's [`FaultDelay`], `review --fault-delay`); until then the
//! scenario is *pending* and the screen says only that it begins unannounced — the delay is
//! drawn by the runner when it starts the timer, so the app (and so the screen) never knows it.
//!
//! The timer is an [`Effect::FaultTimer`]; its [`Msg::FaultDue`](super::Msg::FaultDue) carries
//! the epoch of the arming that started it, and every arming and disarming starts a new epoch,
//! so a timer that fires after a disarm or a re-arm does nothing. While pending, the evidence
//! API serves normal traffic (the previous scenario is disarmed at the keypress), and the
//! scenario's judged window opens only when its fault begins: nothing journaled before counts.

use std::time::{Duration, Instant};

use rand::Rng;

use super::msg::Effect;
use crate::checks::CheckId;

/// The session's range for the delay before an armed fault begins (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultDelay {
    pub min: Duration,
    pub max: Duration,
}

impl FaultDelay {
    /// The fault begins at the keypress (the demo, and tests about something else).
    pub const IMMEDIATE: Self = Self { min: Duration::ZERO, max: Duration::ZERO };
    /// The review default: long enough that the moment cannot be read off the keypress, short
    /// enough that the call does not wait.
    pub const DEFAULT: Self = Self { min: Duration::from_secs(2), max: Duration::from_secs(15) };
    /// The text of [`DEFAULT`](Self::DEFAULT), for `--fault-delay`'s default.
    pub const DEFAULT_TEXT: &str = "2s..15s";

    pub fn is_immediate(&self) -> bool {
        self.max.is_zero()
    }

    /// Parses `2s..15s` (a random delay in the range), `5s` (always that long) or `0`
    /// (immediate); each bound a length of time as `--watch` takes it (`500ms`, `1m`, `90`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bound = |t: &str| crate::checks::api::watch::parse_window(t);
        let (min, max) = match text.split_once("..") {
            Some((a, b)) => (bound(a)?, bound(b)?),
            None => {
                let d = bound(text)?;
                (d, d)
            }
        };
        if min > max {
            return Err(format!("{text:?}: the shorter delay comes first (e.g. 2s..15s)"));
        }
        Ok(Self { min, max })
    }

    /// A delay drawn from the range.
    pub fn pick(&self, rng: &mut impl Rng) -> Duration {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rng.random_range(ms(self.min)..=ms(self.max)))
    }
}

impl Default for FaultDelay {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A scenario armed whose fault has not begun yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFault {
    pub check: CheckId,
    /// The UI clock at the keypress.
    pub requested: Instant,
    /// The timer fired and the runner was asked to arm; the API's confirmation is on its way.
    pub due: bool,
    epoch: u64,
}

/// The cockpit's fault timing: the session's delay, the pending scenario, the epoch.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub delay: FaultDelay,
    pub pending: Option<PendingFault>,
    epoch: u64,
    /// A scenario the runner was asked to arm and that was disarmed before its `Msg::Armed`
    /// came back: that message is stale and dropped.
    stale: Option<CheckId>,
}

impl Faults {
    /// Asks for `check`'s scenario: at once when the delay is zero (or `now_too`), else after
    /// a random delay (the previous scenario is disarmed now, so nothing is in force meanwhile).
    pub(super) fn request(&mut self, check: CheckId, now: Instant, now_too: bool, fx: &mut Vec<Effect>) {
        self.epoch += 1;
        self.stale = None;
        if self.delay.is_immediate() || now_too {
            self.pending = None;
            fx.push(Effect::Arm { check });
            return;
        }
        fx.push(Effect::Disarm);
        fx.push(Effect::FaultTimer { epoch: self.epoch, delay: self.delay });
        self.pending = Some(PendingFault { check, requested: now, due: false, epoch: self.epoch });
    }

    /// The timer of `epoch` fired: arm the pending scenario if it is still the one it was
    /// started for (a disarm or another arming since makes it do nothing).
    pub(super) fn due(&mut self, epoch: u64, fx: &mut Vec<Effect>) {
        if let Some(p) = self.pending.as_mut().filter(|p| p.epoch == epoch && !p.due) {
            p.due = true;
            fx.push(Effect::Arm { check: p.check });
        }
    }

    /// Whether the runner's `Msg::Armed` for `check` stands (its fault is in force now). A
    /// confirmation for a scenario disarmed meanwhile, or for another than the one pending, is
    /// stale: the API was disarmed after it.
    pub(super) fn confirm(&mut self, check: CheckId) -> bool {
        if self.stale == Some(check) {
            self.stale = None;
            return false;
        }
        match &self.pending {
            Some(p) if p.check == check => {
                self.pending = None;
                true
            }
            Some(_) => false,
            None => true,
        }
    }

    /// Disarms the pending scenario (its timer will do nothing); `None` when none is pending.
    pub(super) fn cancel(&mut self) -> Option<PendingFault> {
        let p = self.pending.take()?;
        self.epoch += 1;
        if p.due {
            self.stale = Some(p.check);
        }
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_parse_as_a_range_a_fixed_length_or_zero_and_say_what_is_wrong() {
        let s = Duration::from_secs;
        assert_eq!(FaultDelay::parse("2s..15s"), Ok(FaultDelay { min: s(2), max: s(15) }));
        assert_eq!(FaultDelay::parse(FaultDelay::DEFAULT_TEXT), Ok(FaultDelay::DEFAULT));
        assert_eq!(FaultDelay::parse("5s"), Ok(FaultDelay { min: s(5), max: s(5) }));
        assert_eq!(
            FaultDelay::parse("500ms..1m"),
            Ok(FaultDelay { min: Duration::from_millis(500), max: s(60) })
        );
        assert!(FaultDelay::parse("0").is_ok_and(|d| d.is_immediate()));
        assert!(FaultDelay::parse("15s..2s").is_err_and(|e| e.contains("shorter delay comes first")));
        assert!(FaultDelay::parse("soon").is_err_and(|e| e.contains("is not a length of time")));
        assert!(FaultDelay::parse("2s..").is_err());
    }

    #[test]
    fn a_picked_delay_stays_in_the_range() {
        let d = FaultDelay { min: Duration::from_millis(10), max: Duration::from_millis(20) };
        let mut rng = rand::rng();
        for _ in 0..200 {
            let p = d.pick(&mut rng);
            assert!((d.min..=d.max).contains(&p), "{p:?}");
        }
        assert_eq!(FaultDelay::IMMEDIATE.pick(&mut rng), Duration::ZERO);
    }
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod update_tests;

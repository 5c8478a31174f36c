//! `retry.backoff` and `retry.limit`.
//!
//! Backoff is judged on the *envelope* of the gaps between attempts, not on strict doubling:
//! urllib3 retries once immediately and then waits `backoff_factor * 2**n`; full-jitter
//! libraries (tenacity's random exponential, reqwest-retry, AWS) draw random gaps under a
//! doubling cap. Both show later gaps well above earlier ones. A constant interval, or no
//! wait at all, is not backoff. Random gaps can by chance show no growth, so an irregular
//! curve without clear growth is inconclusive rather than a failure.

use super::{IMMEDIATE_MS, JudgeInput, RunOutcome, gaps_ms, median, ms_list, retries_phrase, round1};
use crate::checks::api::journal::JournalEntry;
use crate::checks::{CheckId, CheckResult, Verdict};

/// Later gaps must reach this multiple of earlier ones to count as growth.
const GROWTH: f64 = 1.5;
/// Stopping after more attempts than this hammers a failing service.
const MAX_REASONABLE_ATTEMPTS: usize = 10;

/// The shape of a series of gaps between attempts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Fewer than two gaps (a single attempt or a single retry).
    TooFew,
    /// Every gap under [`IMMEDIATE_MS`].
    Immediate,
    /// Gaps about equal (within 20 % + 20 ms), at this median.
    Constant(f64),
    /// Later gaps reach `ratio` × the earlier ones (ratio ≥ [`GROWTH`]).
    Growing(f64),
    /// Neither constant nor clearly growing.
    Irregular,
}

/// Classifies gaps. Halves are compared by max and by mean (the middle gap of an odd count
/// is left out); growth on either counts, which keeps full-jitter clients from failing by bad
/// luck while a constant client never shows growth on either.
pub fn shape(gaps: &[f64]) -> Shape {
    // One gap says nothing about growth; urllib3 configured for one retry makes exactly one
    // immediate retry, which is not a reason to fail it.
    if gaps.len() < 2 {
        return Shape::TooFew;
    }
    let max = gaps.iter().copied().fold(f64::MIN, f64::max);
    let min = gaps.iter().copied().fold(f64::MAX, f64::min);
    if max < IMMEDIATE_MS {
        return Shape::Immediate;
    }
    let half = gaps.len() / 2;
    let early = &gaps[..half];
    let late = &gaps[gaps.len() - half..];
    let emax = early.iter().copied().fold(0.0, f64::max);
    let lmax = late.iter().copied().fold(0.0, f64::max);
    let emean = early.iter().sum::<f64>() / early.len() as f64;
    let lmean = late.iter().sum::<f64>() / late.len() as f64;
    let ratio = |l: f64, e: f64| if e < 1.0 { l / 1.0 } else { l / e };
    let growth = ratio(lmax, emax).max(ratio(lmean, emean));
    if lmax >= IMMEDIATE_MS && growth >= GROWTH {
        return Shape::Growing(growth);
    }
    if max - min <= 0.2 * max + 20.0 {
        return Shape::Constant(median(gaps));
    }
    Shape::Irregular
}

/// The attempts of the first failure burst: from the first 5xx to the first success after it
/// (or the last attempt).
fn burst<'a>(gets: &[&'a JournalEntry]) -> Vec<&'a JournalEntry> {
    let Some(start) = gets.iter().position(|e| e.status >= 500) else { return Vec::new() };
    let mut out = Vec::new();
    for e in &gets[start..] {
        out.push(*e);
        if (200..300).contains(&e.status) {
            break;
        }
    }
    out
}

/// `retry.backoff`: a burst of 503/500 on GET; the client must retry with growing gaps.
pub fn backoff(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::RetryBackoff.as_str();
    let gets = input.items();
    let attempts = burst(&gets);
    if attempts.is_empty() {
        let why = if gets.is_empty() { "the client made no GET /items" } else { "no failure was served" };
        return CheckResult::new(id, Verdict::Inconclusive, why);
    }
    let gaps: Vec<f64> = gaps_ms(&attempts).into_iter().map(round1).collect();
    let statuses: Vec<i64> = attempts.iter().map(|e| i64::from(e.status)).collect();
    let recovered = attempts.last().is_some_and(|e| (200..300).contains(&e.status));
    let phrase = retries_phrase(attempts.len());
    let ending = if recovered { "" } else { ", and gave up before the burst ended" };
    let (verdict, summary) = match shape(&gaps) {
        _ if attempts.len() == 1 => {
            (Verdict::Fail, format!("never retried the {}: {phrase}", attempts[0].status))
        }
        Shape::Immediate => (
            Verdict::Fail,
            format!("retried without waiting ({phrase}, gaps {}): no backoff", ms_list(&gaps)),
        ),
        Shape::Constant(m) => (
            Verdict::Fail,
            format!("retried at a constant interval of about {m:.0} ms ({phrase}): that is not backoff"),
        ),
        Shape::Growing(ratio) => {
            let immediate = gaps.first().is_some_and(|g| *g < IMMEDIATE_MS);
            let note = if immediate { " (an immediate first retry, as urllib3 does)" } else { "" };
            (Verdict::Pass, format!("{phrase}; gaps {} grow {ratio:.1}×{note}{ending}", ms_list(&gaps)))
        }
        Shape::TooFew => (
            Verdict::Inconclusive,
            format!("only one retry after {}: growth needs at least two gaps{ending}", ms_list(&gaps)),
        ),
        Shape::Irregular => (
            Verdict::Inconclusive,
            format!(
                "{phrase}; gaps {} vary without clear growth (jitter can do this by chance): run it again",
                ms_list(&gaps)
            ),
        ),
    };
    let growth = match shape(&gaps) {
        Shape::Growing(r) => round1(r),
        _ => 0.0,
    };
    CheckResult::new(id, verdict, summary)
        .figure("attempts", attempts.len())
        .figure("retries", attempts.len().saturating_sub(1))
        .figure("gaps_ms", gaps)
        .figure("statuses", statuses)
        .figure("growth", growth)
        .figure("recovered", recovered)
}

/// `retry.limit`: every GET fails for good; the client must stop after a bounded number of
/// attempts. Whether it stopped: it exited, or it had been quiet for a while when the run
/// ended (at least 2 s and twice its longest gap).
pub fn limit(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::RetryLimit.as_str();
    let gets = input.items();
    let Some(last) = gets.last() else {
        return CheckResult::new(id, Verdict::Inconclusive, "the client made no GET /items");
    };
    let gaps: Vec<f64> = gaps_ms(&gets).into_iter().map(round1).collect();
    let longest = gaps.iter().copied().fold(0.0, f64::max);
    let quiet_ms = input.end.at_us.saturating_sub(last.at_us) as f64 / 1000.0;
    let quiet_enough = quiet_ms >= (2.0 * longest).max(2000.0);
    let stopped = matches!(input.end.outcome, RunOutcome::Exited(_)) || quiet_enough;
    let n = gets.len();
    let phrase = retries_phrase(n);
    let (verdict, summary) = if n > MAX_REASONABLE_ATTEMPTS {
        let when = if stopped { "before giving up" } else { "and still going when the run ended" };
        (
            Verdict::Fail,
            format!("{phrase} {when}: more than {MAX_REASONABLE_ATTEMPTS} attempts hammer a failing service"),
        )
    } else if !stopped {
        match input.end.outcome {
            RunOutcome::Manual => (
                Verdict::Inconclusive,
                format!(
                    "still retrying when the check was finished ({phrase} so far): let the client give up first"
                ),
            ),
            _ => (Verdict::Fail, format!("still retrying when the run was stopped ({phrase} so far)")),
        }
    } else if n == 1 {
        (Verdict::Pass, format!("gave up at once ({phrase}): bounded, though it never retried"))
    } else {
        let normal = if (3..=6).contains(&n) { " (3 to 6 attempts is normal)" } else { "" };
        (Verdict::Pass, format!("gave up after {phrase}{normal}"))
    };
    CheckResult::new(id, verdict, summary)
        .figure("attempts", n)
        .figure("retries", n.saturating_sub(1))
        .figure("gaps_ms", gaps)
        .figure("stopped", stopped)
}

#[cfg(test)]
mod tests {
    use super::super::RunOutcome;
    use super::super::fixtures::burst;
    use super::*;

    fn times(gaps: &[f64]) -> Vec<f64> {
        let mut t = 10.0;
        let mut out = vec![t];
        for g in gaps {
            t += g;
            out.push(t);
        }
        out
    }

    const BURST: [u16; 4] = [503, 500, 503, 500];

    /// urllib3 Retry(backoff_factor=0.1): 0, 0.2, 0.4, 0.8 s.
    #[test]
    fn urllib3_immediate_first_retry_then_doubling_passes() {
        let r = burst(&times(&[1.2, 201.0, 400.5, 801.0]), &BURST).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("4 retries = 5 attempts"), "{}", r.summary);
        assert!(r.summary.contains("immediate first retry"), "{}", r.summary);
        assert_eq!(r.figures["retries"], 4usize.into());
    }

    /// Full jitter: random gaps under a doubling cap (100, 200, 400, 800 ms).
    #[test]
    fn full_jitter_passes_on_the_envelope() {
        for gaps in [[80.0, 30.0, 350.0, 120.0], [60.0, 150.0, 90.0, 610.0], [95.0, 20.0, 260.0, 700.0]] {
            let r = burst(&times(&gaps), &BURST).judge_exited("retry.backoff");
            assert_eq!(r.verdict, Verdict::Pass, "{gaps:?}: {}", r.summary);
        }
        // Jitter that happened to show no growth is not called a failure.
        assert_eq!(shape(&[90.0, 190.0, 60.0, 150.0]), Shape::Irregular);
    }

    #[test]
    fn constant_interval_and_no_wait_fail() {
        let r = burst(&times(&[1000.0, 1004.0, 998.0, 1001.0]), &BURST).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("constant interval"), "{}", r.summary);

        let r = burst(&times(&[2.0, 1.5, 2.2, 1.8]), &BURST).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("without waiting"), "{}", r.summary);
    }

    #[test]
    fn never_retrying_fails_backoff_but_is_bounded() {
        let t = burst(&[10.0], &[503]);
        let r = t.judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("0 retries = 1 attempt"), "{}", r.summary);
        let r = t.judge_exited("retry.limit");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    }

    #[test]
    fn retry_limit_counts_attempts_and_catches_endless_retries() {
        let five = burst(&times(&[0.5, 200.0, 400.0, 800.0]), &[503; 5]);
        let r = five.judge_exited("retry.limit");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("4 retries = 5 attempts"), "{}", r.summary);

        let endless = burst(&times(&[500.0; 7]), &[503; 8]);
        let last = 10.0 + 3500.0;
        let r = endless.judge("retry.limit", last + 400.0, RunOutcome::Killed);
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("still retrying"), "{}", r.summary);
        let r = endless.judge("retry.limit", last + 400.0, RunOutcome::Manual);
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);

        let hammer = burst(&times(&[10.0; 30]), &[503; 31]);
        assert_eq!(hammer.judge_exited("retry.limit").verdict, Verdict::Fail);
    }

    /// The retry checks keep every attempt (time, status, hint) so the chart can be drawn
    /// again from the dossier.
    #[test]
    fn retry_evidence_carries_the_timeline() {
        use crate::checks::Figure;
        let r = burst(&times(&[1.2, 201.0, 400.5, 801.0]), &BURST).judge_exited("retry.backoff");
        let Some(Figure::List(status)) = r.figures.get("timeline_status") else { panic!("{:?}", r.figures) };
        let status: Vec<String> = status.iter().map(ToString::to_string).collect();
        assert_eq!(status.first().map(String::as_str), Some("503"));
        assert_eq!(status.len(), 5, "{status:?}");
        let Some(Figure::List(at)) = r.figures.get("timeline_at_ms") else { panic!("{:?}", r.figures) };
        assert_eq!(at.len(), 5);
        assert!(r.figures.contains_key("timeline_retry_after_ms"));
        let r = burst(&times(&[1.2]), &[503, 200]).judge_exited("auth.token_reuse");
        assert!(!r.figures.contains_key("timeline_status"), "only the retry checks carry it");
    }
}

//! `retry.backoff` and `retry.limit`.
//!
//! Backoff is judged on the *envelope* of the gaps between attempts, not on strict doubling:
//! urllib3 retries once immediately and then waits `backoff_factor * 2**n`; full-jitter
//! libraries (tenacity's random exponential, reqwest-retry, AWS SDKs, exponential-backoff's
//! `jitter: "full"`) draw random gaps under a doubling cap. One burst shows one random draw,
//! so the scenario offers three bursts of five failures and the judge reads them together:
//!
//! - **Repeatable** gaps (every retry's gap agrees across bursts within 20 % + 20 ms, or
//!   only one burst was seen) are a deterministic policy, judged on the per-retry medians
//!   after any immediate first retries: about equal is a constant interval (fail); gaps each
//!   at least 1.6 × the one before are exponential (pass; jittered doubling); gaps that
//!   rise by about the same step each time (steps within 20 % + 20 ms) are a linear ramp
//!   (fail); steps that grow (some later step larger than the first, and the last gap ≥ 1.5 ×
//!   the first) is exponential (pass). Two gaps can only show a ratio (≥ 1.5 passes).
//! - **Random** gaps are judged on the envelope: the largest gap at each retry across the
//!   bursts. It passes when some later retry's envelope reaches 1.5 × the first retry's
//!   (and 50 ms); otherwise it is inconclusive ("vary without clear growth"), never a
//!   failure, since chance can hide growth. A single random burst falls back to comparing
//!   the later half of its gaps with the earlier half, by max and by mean.
//! - Every gap under 50 ms is no wait at all (fail).
//!
//! Measured by `simulated_strategies_meet_their_targets` (10,000 seeded series of three
//! bursts of five gaps per strategy, base 100 ms, with 0.5–4 ms of timing noise and a 5 %
//! chance of up to 15 ms more): full jitter 100 % pass; equal jitter 100 %; decorrelated
//! jitter (AWS: `min(cap, U(base, 3 × previous))`) 99.9 % pass, 0.1 % inconclusive; urllib3's
//! immediate first retry then doubling 100 %; plain doubling 100 %; none of them ever fails.
//! axios-retry's `exponentialDelay` (200, 400, 800 ms, each plus 0–20 %), as one burst of
//! three gaps (its stock 3 retries, then the job gives up) or three: 100 % pass
//! (`simulated_axios_retry_single_bursts_never_fail`). Under a much busier scheduler (up to
//! 20 ms of noise on every gap and 50 ms more on one in five) one burst of three fails as a
//! linear ramp 0.24 % of the time: 200, 480, 800 ms is what a ramp looks like, and three
//! gaps cannot tell the two apart; three bursts still pass 100 %.
//! A constant interval (100 ms or 1 s), immediate retries and linear ramps (200 ms steps,
//! 500 ms + 250 ms steps, 100 ms + 100 ms steps) fail 100 %. Random gaps under a *constant*
//! cap (uniform in [0, 1 s]) are not backoff yet pass about 24 % of the time on the envelope
//! rule: the judge errs toward passing random clients rather than failing a correct one.

use super::{IMMEDIATE_MS, JudgeInput, RunOutcome, gaps_ms, median, ms_list, retries_phrase, round1};
use crate::checks::api::journal::JournalEntry;
use crate::checks::{CheckId, CheckResult, Verdict};

/// Later gaps must reach this multiple of earlier ones to count as growth.
const GROWTH: f64 = 1.5;
/// Every gap this multiple of the one before is growth by a factor, never a linear ramp.
const EVERY_GAP_FACTOR: f64 = 1.6;
/// Stopping after more attempts than this hammers a failing service.
const MAX_REASONABLE_ATTEMPTS: usize = 10;
/// `retry.limit` calls a client stopped after this much quiet at least…
const MIN_QUIET_MS: f64 = 2000.0;
/// …and at least this multiple of its longest gap.
const QUIET_GAPS: f64 = 2.0;
/// A headless run is ended early only after this multiple of the longest gap, a
/// margin over [`QUIET_GAPS`]: a doubling client's next gap is exactly twice its last (got:
/// 1 s then 2 s + 0–100 ms; go-retryablehttp: 4 s then 8 s), so ending at twice the gap
/// raced the client's next attempt and could cut it off. Judging still asks for twice.
const EARLY_END_GAPS: f64 = 3.0;

/// The shape of the gaps between attempts (of one burst or several).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Fewer than two gaps in every burst (a single attempt or a single retry).
    TooFew,
    /// Every gap under [`IMMEDIATE_MS`].
    Immediate,
    /// Gaps about equal (within 20 % + 20 ms), at this median.
    Constant(f64),
    /// Gaps rising by about this fixed step (ms): a linear ramp, not exponential.
    Linear(f64),
    /// Later gaps reach `ratio` × the earlier ones (ratio ≥ [`GROWTH`]).
    Growing(f64),
    /// Neither constant nor clearly growing.
    Irregular,
}

fn max_of(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(0.0, f64::max)
}

fn min_of(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::MAX, f64::min)
}

/// Within 20 % of the largest + 20 ms of timing noise.
fn about_equal(xs: &[f64]) -> bool {
    let max = max_of(xs);
    max - min_of(xs) <= 0.2 * max + 20.0
}

fn ratio(later: f64, earlier: f64) -> f64 {
    later / earlier.max(1.0)
}

/// Classifies the gaps of one burst (see the module doc).
pub fn shape(gaps: &[f64]) -> Shape {
    shape_bursts(&[gaps.to_vec()])
}

/// Classifies the gaps of several bursts, read together (see the module doc).
pub fn shape_bursts(bursts: &[Vec<f64>]) -> Shape {
    let k = bursts.iter().map(Vec::len).max().unwrap_or(0);
    // One gap says nothing about growth; urllib3 configured for one retry makes exactly one
    // immediate retry, which is not a reason to fail it.
    if k < 2 {
        return Shape::TooFew;
    }
    if bursts.iter().flatten().all(|g| *g < IMMEDIATE_MS) {
        return Shape::Immediate;
    }
    let columns: Vec<Vec<f64>> =
        (0..k).map(|i| bursts.iter().filter_map(|b| b.get(i).copied()).collect()).collect();
    let several = bursts.iter().filter(|b| b.len() >= 2).count() >= 2;
    let repeatable = several && columns.iter().filter(|c| c.len() >= 2).all(|c| about_equal(c));
    if several && !repeatable {
        return envelope(&columns);
    }
    let medians: Vec<f64> = columns.iter().map(|c| median(c)).collect();
    match deterministic(&medians) {
        Some(s) => s,
        None if repeatable => Shape::Irregular,
        None => halves(&medians),
    }
}

/// A repeatable (or single) series: constant, exponential or linear, if it is clearly one.
fn deterministic(gaps: &[f64]) -> Option<Shape> {
    let start = gaps.iter().position(|g| *g >= IMMEDIATE_MS)?;
    let waits = &gaps[start..];
    if waits.len() < 2 {
        return None;
    }
    if about_equal(gaps) {
        return Some(Shape::Constant(median(gaps)));
    }
    let first = waits[0];
    let last = waits[waits.len() - 1];
    if waits.len() == 2 {
        return (last >= GROWTH * first).then(|| Shape::Growing(ratio(last, first)));
    }
    // Every gap at least 1.6 × the one before is a factor at work, whatever its steps look
    // like: a linear ramp's ratio falls to n/(n-1) ≤ 1.5 by its third gap (200, 400, 600),
    // while doubling under axios-retry's 0-20 % jitter stays ≥ 800/480 = 1.67 (its 211, 482,
    // 829 ms has steps 271 and 347, which read as "about equal").
    if waits.windows(2).all(|w| w[1] >= EVERY_GAP_FACTOR * w[0]) {
        return Some(Shape::Growing(ratio(last, first)));
    }
    let steps: Vec<f64> = waits.windows(2).map(|w| w[1] - w[0]).collect();
    // Equal steps are a linear ramp; steps that grow are a factor at work, even when jitter
    // (axios-retry's 0-20 %) shrinks 200, 400, 800 ms to steps of 250 and 350.
    if steps.iter().all(|s| *s > 0.0) && about_equal(&steps) {
        return Some(Shape::Linear(median(&steps)));
    }
    if steps[0] > 0.0 && max_of(&steps[1..]) > steps[0] && last >= GROWTH * first {
        return Some(Shape::Growing(ratio(max_of(waits), first)));
    }
    if steps.iter().all(|s| *s > 0.0) {
        return Some(Shape::Linear(median(&steps)));
    }
    None
}

/// Random gaps over several bursts: the largest gap at each retry, later against the first.
fn envelope(columns: &[Vec<f64>]) -> Shape {
    let env: Vec<f64> = columns.iter().map(|c| max_of(c)).collect();
    let later = max_of(&env[1..]);
    let growth = ratio(later, env[0]);
    if later >= IMMEDIATE_MS && growth >= GROWTH { Shape::Growing(growth) } else { Shape::Irregular }
}

/// One random burst: the later half against the earlier half, by max and by mean (the middle
/// gap of an odd count left out); growth on either counts.
fn halves(gaps: &[f64]) -> Shape {
    let half = gaps.len() / 2;
    let early = &gaps[..half];
    let late = &gaps[gaps.len() - half..];
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    let growth = ratio(max_of(late), max_of(early)).max(ratio(mean(late), mean(early)));
    if max_of(late) >= IMMEDIATE_MS && growth >= GROWTH { Shape::Growing(growth) } else { Shape::Irregular }
}

/// The failure bursts: each from a 5xx to the first success after it (or the last attempt).
fn bursts<'a>(gets: &[&'a JournalEntry]) -> Vec<Vec<&'a JournalEntry>> {
    let mut out: Vec<Vec<&JournalEntry>> = Vec::new();
    let mut open = false;
    for e in gets {
        if !open && e.status >= 500 {
            out.push(Vec::new());
            open = true;
        }
        if open && let Some(b) = out.last_mut() {
            b.push(*e);
            if (200..300).contains(&e.status) {
                open = false;
            }
        }
    }
    out
}

/// "5 retries = 6 attempts" or, over bursts, "5 retries = 6 attempts in each of 3 bursts" /
/// "3 bursts of 6, 6 and 3 attempts".
fn attempts_phrase(counts: &[usize]) -> String {
    match counts {
        [] => "no attempt".to_owned(),
        [n] => retries_phrase(*n),
        [first, ..] if counts.iter().all(|c| c == first) => {
            format!("{} in each of {} bursts", retries_phrase(*first), counts.len())
        }
        _ => {
            let list: Vec<String> = counts.iter().map(usize::to_string).collect();
            let (init, last) = list.split_at(list.len() - 1);
            format!("{} bursts of {} and {} attempts", counts.len(), init.join(", "), last.join(""))
        }
    }
}

/// `retry.backoff`: bursts of 503/500 on GET; the client must retry with growing gaps.
pub fn backoff(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::RetryBackoff.as_str();
    let gets = input.items();
    let bursts = bursts(&gets);
    if bursts.is_empty() {
        let why = if gets.is_empty() { "the client made no GET /items" } else { "no failure was served" };
        return CheckResult::new(id, Verdict::Inconclusive, why);
    }
    let gaps: Vec<Vec<f64>> = bursts.iter().map(|b| gaps_ms(b).into_iter().map(round1).collect()).collect();
    let counts: Vec<usize> = bursts.iter().map(Vec::len).collect();
    let most = counts.iter().copied().max().unwrap_or(0);
    let recovered = bursts.iter().all(|b| b.last().is_some_and(|e| (200..300).contains(&e.status)));
    let phrase = attempts_phrase(&counts);
    let ending = if recovered { "" } else { ", and gave up before a burst ended" };
    let k = gaps.iter().map(Vec::len).max().unwrap_or(0);
    // The largest gap at each retry across bursts: what a summary of several bursts shows.
    let env: Vec<f64> =
        (0..k).map(|i| gaps.iter().filter_map(|g| g.get(i).copied()).fold(0.0, f64::max)).collect();
    let shown = if gaps.len() == 1 {
        format!("gaps {}", ms_list(&env))
    } else {
        format!("largest gap at each retry across the bursts {}", ms_list(&env))
    };
    let shape = shape_bursts(&gaps);
    let (verdict, summary) = match shape {
        _ if most == 1 => (Verdict::Fail, format!("never retried the {}: {phrase}", bursts[0][0].status)),
        Shape::Immediate => {
            (Verdict::Fail, format!("retried without waiting ({phrase}, {shown}): no backoff"))
        }
        Shape::Constant(m) => (
            Verdict::Fail,
            format!("retried at a constant interval of about {m:.0} ms ({phrase}): that is not backoff"),
        ),
        Shape::Linear(step) => (
            Verdict::Fail,
            format!(
                "{phrase}; {shown} rise by a fixed step of about {step:.0} ms (a linear ramp), not by a factor: that is not exponential backoff"
            ),
        ),
        Shape::Growing(r) => {
            // Say what was seen; which library it resembles is not ours to guess.
            let firsts: Vec<f64> = gaps.iter().filter_map(|g| g.first().copied()).collect();
            let note = if !firsts.is_empty() && firsts.iter().all(|g| *g < IMMEDIATE_MS) {
                let each = if firsts.len() > 1 { " each time" } else { "" };
                format!(" (the first retry came at once{each}, within {:.0} ms)", max_of(&firsts).ceil())
            } else {
                String::new()
            };
            (Verdict::Pass, format!("{phrase}; {shown} grow {r:.1}×{note}{ending}"))
        }
        Shape::TooFew => (
            Verdict::Inconclusive,
            format!("only one retry per burst ({shown}): growth needs at least two gaps{ending}"),
        ),
        Shape::Irregular => (
            Verdict::Inconclusive,
            format!(
                "{phrase}; {shown} vary without clear growth (jitter can do this by chance): run it again"
            ),
        ),
    };
    let growth = match shape {
        Shape::Growing(r) => round1(r),
        _ => 0.0,
    };
    let statuses: Vec<i64> = bursts.iter().flatten().map(|e| i64::from(e.status)).collect();
    CheckResult::new(id, verdict, summary)
        .figure("bursts", bursts.len())
        .figure("attempts", most)
        .figure("retries", most.saturating_sub(1))
        .figure("attempts_per_burst", counts.iter().map(|c| *c as i64).collect::<Vec<_>>())
        .figure("gaps_ms", gaps.concat())
        .figure("envelope_ms", env)
        .figure("statuses", statuses)
        .figure("growth", growth)
        .figure("recovered", recovered)
}

/// The quiet after its last attempt that shows a client stopped: twice its longest gap, and
/// at least 2 s.
pub fn quiet_needed_ms(gaps: &[f64]) -> f64 {
    (QUIET_GAPS * max_of(gaps)).max(MIN_QUIET_MS)
}

/// Whether `gets` (at least one) have been followed by the quiet the judge asks for at
/// `now_us` ([`quiet_needed_ms`]: twice the longest gap, at least 2 s). A watch ends a fault's
/// window as soon as this holds (a running service's next sync cycle may come sooner than a
/// margin would allow).
pub fn quiet_seen(gets: &[&JournalEntry], now_us: u64) -> bool {
    quiet_for(gets, now_us) >= quiet_needed_ms(&gaps_ms(gets))
}

/// Whether a headless run can end early: three times the longest gap of quiet
/// ([`EARLY_END_GAPS`]), at least 2 s, a margin over the judge's own bar so that a doubling
/// client's next attempt (due at exactly twice its last gap) is never cut off.
pub fn quiet_seen_with_margin(gets: &[&JournalEntry], now_us: u64) -> bool {
    quiet_for(gets, now_us) >= (EARLY_END_GAPS * max_of(&gaps_ms(gets))).max(MIN_QUIET_MS)
}

/// Milliseconds since the last of `gets` (0 when there is none: nothing to be quiet after).
fn quiet_for(gets: &[&JournalEntry], now_us: u64) -> f64 {
    gets.last().map_or(0.0, |last| now_us.saturating_sub(last.at_us) as f64 / 1000.0)
}

/// `retry.limit`: every GET fails for good; the client must stop after a bounded number of
/// attempts. Whether it stopped: it exited, or it had been quiet long enough when the run
/// ended ([`quiet_needed_ms`]) — also when a watch ended the window: a running service that
/// gave up and idles until its next cycle has stopped, so a quiet end of the window counts. A client cut off before that quiet could be seen is
/// inconclusive, with the timeout it would need — never a failure, since stopping after its
/// bounded retries and idling looks exactly like that. More than 10 attempts fails whatever
/// happened next.
pub fn limit(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::RetryLimit.as_str();
    let gets = input.items();
    let Some(last) = gets.last() else {
        return CheckResult::new(id, Verdict::Inconclusive, "the client made no GET /items");
    };
    let gaps: Vec<f64> = gaps_ms(&gets).into_iter().map(round1).collect();
    let quiet_ms = input.end.at_us.saturating_sub(last.at_us) as f64 / 1000.0;
    let needed_ms = quiet_needed_ms(&gaps);
    let stopped = matches!(input.end.outcome, RunOutcome::Exited(_)) || quiet_ms >= needed_ms;
    let n = gets.len();
    let phrase = retries_phrase(n);
    // The run length that would have shown the quiet: from arming to the last attempt, plus
    // the quiet, plus a little for start-up, in whole seconds.
    let would_need_s = ((input.rel_ms(last) + needed_ms) / 1000.0 + 2.0).ceil();
    let (verdict, summary) = if n > MAX_REASONABLE_ATTEMPTS {
        let when = if stopped { "before giving up" } else { "and still going when the run ended" };
        (
            Verdict::Fail,
            format!("{phrase} {when}: more than {MAX_REASONABLE_ATTEMPTS} attempts hammer a failing service"),
        )
    } else if !stopped {
        let seen = format!(
            "{phrase} so far, the last {:.1} s before the end; calling it stopped needs {:.0} s of quiet (twice its longest gap, at least 2 s)",
            quiet_ms / 1000.0,
            needed_ms / 1000.0
        );
        match input.end.outcome {
            RunOutcome::Watched => (
                Verdict::Inconclusive,
                format!(
                    "the watch moved on before the client was seen to stop ({seen}): give --watch more time, so each fault's share is longer"
                ),
            ),
            RunOutcome::Manual => (
                Verdict::Inconclusive,
                format!(
                    "the check was finished before the client was seen to stop ({seen}): let it give up first"
                ),
            ),
            _ => (
                Verdict::Inconclusive,
                format!(
                    "the client was stopped before it could be seen to give up ({seen}): run it with --timeout {would_need_s:.0} or more"
                ),
            ),
        }
    } else if n == 1 {
        (Verdict::Pass, format!("gave up at once ({phrase}): bounded, though it never retried"))
    } else {
        let normal = if (3..=6).contains(&n) { " (3 to 6 attempts is normal)" } else { "" };
        let how = match input.end.outcome {
            RunOutcome::Exited(_) => String::new(),
            RunOutcome::Watched => {
                format!(", then stayed quiet for {:.1} s until the watch ended the window", quiet_ms / 1000.0)
            }
            _ => format!(", then stayed quiet for {:.1} s", quiet_ms / 1000.0),
        };
        (Verdict::Pass, format!("gave up after {phrase}{normal}{how}"))
    };
    CheckResult::new(id, verdict, summary)
        .figure("attempts", n)
        .figure("retries", n.saturating_sub(1))
        .figure("gaps_ms", gaps)
        .figure("quiet_ms", round1(quiet_ms))
        .figure("quiet_needed_ms", round1(needed_ms))
        .figure("stopped", stopped)
}

#[cfg(test)]
mod tests {
    use super::super::RunOutcome;
    use super::super::fixtures::{burst, bursts_of};
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

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
        assert!(r.summary.contains("the first retry came at once, within 2 ms"), "{}", r.summary);
        assert!(!r.summary.contains("urllib3"), "say what was seen: {}", r.summary);
        assert_eq!(r.figures["retries"], 4usize.into());
    }

    /// Item 6: a full-jitter first gap of 18 ms in one burst out of three is not "an immediate
    /// first retry", and no library is named.
    #[test]
    fn a_short_random_first_gap_is_described_as_seen() {
        let t = bursts_of(&[
            &[18.0, 160.0, 90.0, 700.0, 1200.0],
            &[70.0, 30.0, 380.0, 260.0, 1500.0],
            &[95.0, 120.0, 300.0, 790.0, 400.0],
        ]);
        let r = t.judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(!r.summary.contains("at once") && !r.summary.contains("urllib3"), "{}", r.summary);
        assert!(r.summary.contains("5 retries = 6 attempts in each of 3 bursts"), "{}", r.summary);
        assert!(
            r.summary.contains("largest gap at each retry across the bursts 95, 160, 380"),
            "{}",
            r.summary
        );
        assert_eq!(r.figures["bursts"], 3usize.into());
    }

    /// Full jitter: random gaps under a doubling cap (100, 200, 400, 800 ms), one burst.
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
    fn constant_interval_no_wait_and_a_linear_ramp_fail() {
        let r = burst(&times(&[1000.0, 1004.0, 998.0, 1001.0]), &BURST).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("constant interval"), "{}", r.summary);

        let r = burst(&times(&[2.0, 1.5, 2.2, 1.8]), &BURST).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("without waiting"), "{}", r.summary);

        let ramp: &[f64] = &[200.0, 401.0, 602.0, 799.0, 1003.0];
        let r = bursts_of(&[ramp, ramp, ramp]).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("linear ramp"), "{}", r.summary);
    }

    /// axios-retry's exponentialDelay (200, 400, 800 ms, each plus 0-20 %) in one burst: the
    /// jitter can make the steps 250 and 350 ms, which is still a factor at work, not a ramp.
    #[test]
    fn axios_retry_jittered_doubling_is_not_a_linear_ramp() {
        // Recorded in CI: axios-retry exponentialDelay's one burst, steps 271 and 347 ms.
        assert!(matches!(deterministic(&[211.0, 482.0, 829.0]), Some(Shape::Growing(_))));
        assert!(matches!(deterministic(&[200.0, 400.0, 600.0]), Some(Shape::Linear(_))));
        for gaps in [[230.0, 480.0, 830.0], [240.0, 400.0, 960.0], [219.0, 429.0, 820.0]] {
            let r = burst(&times(&gaps), &[503, 500, 503, 500]).judge_exited("retry.backoff");
            assert_eq!(r.verdict, Verdict::Pass, "{gaps:?}: {}", r.summary);
        }
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

    /// got (limit 2, 1 s then 2 s plus up to 100 ms noise) gives up inside the first burst of
    /// five failures: a ratio of two waits is all there is, and it passes.
    #[test]
    fn got_giving_up_inside_a_burst_passes_on_two_gaps() {
        let r = burst(&times(&[1042.0, 2077.0]), &[503, 500, 503]).judge_exited("retry.backoff");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("gave up before a burst ended"), "{}", r.summary);
    }

    #[test]
    fn retry_limit_counts_attempts_and_catches_hammering() {
        let five = burst(&times(&[0.5, 200.0, 400.0, 800.0]), &[503; 5]);
        let r = five.judge_exited("retry.limit");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("4 retries = 5 attempts"), "{}", r.summary);

        let hammer = burst(&times(&[10.0; 30]), &[503; 31]);
        let r = hammer.judge("retry.limit", 400.0, RunOutcome::Killed);
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert_eq!(hammer.judge_exited("retry.limit").verdict, Verdict::Fail);
    }

    /// Item 1: killed before the quiet could be seen is inconclusive with the timeout it
    /// would need, never a failure; in the TUI, inconclusive too.
    #[test]
    fn retry_limit_cut_off_before_the_quiet_is_inconclusive_with_the_timeout_needed() {
        let endless = burst(&times(&[500.0; 7]), &[503; 8]);
        let last = 10.0 + 3500.0;
        let r = endless.judge("retry.limit", last + 400.0, RunOutcome::Killed);
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);
        assert!(r.summary.contains("needs 2 s of quiet"), "{}", r.summary);
        assert!(r.summary.contains("--timeout 8 or more"), "{}", r.summary);
        let r = endless.judge("retry.limit", last + 400.0, RunOutcome::Manual);
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);
        assert!(r.summary.contains("let it give up first"), "{}", r.summary);
    }

    /// go-retryablehttp's stock policy (RetryMax 4; waits 1, 2, 4, 8 s) in a service that
    /// then idles until its next cycle: at the old 20 s timeout it was called "still
    /// retrying"; now it is inconclusive there, and passes at the default 45 s (or as soon as
    /// the headless runner has seen the 16 s of quiet).
    #[test]
    fn a_service_idling_after_go_retryablehttp_stock_retries_never_fails() {
        let t = burst(&times(&[1003.0, 2004.0, 4002.0, 8005.0]), &[503; 5]);
        let last_ms = 10.0 + 15_014.0;
        let r = t.judge("retry.limit", 20_000.0, RunOutcome::Killed);
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);
        assert!(r.summary.contains("needs 16 s of quiet"), "{}", r.summary);
        assert!(r.summary.contains("--timeout 34 or more"), "{}", r.summary);
        let default = crate::checks::api::scenario::Scenario::for_check("retry.limit")
            .map(|s| crate::checks::api::scenario::default_run_timeout(&s.fault))
            .expect("scenario");
        assert!(default.as_secs_f64() * 1000.0 >= last_ms + 16_010.0 + 2000.0, "{default:?}");
        let r = t.judge("retry.limit", default.as_secs_f64() * 1000.0, RunOutcome::Killed);
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("then stayed quiet for"), "{}", r.summary);
        let r = t.judge("retry.limit", last_ms + 16_100.0, RunOutcome::Settled);
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        let gets: Vec<_> = t.entries.iter().filter(|e| e.is_items()).collect();
        // The runner ends early only at three times the longest gap (24 s), a margin over the
        // judge's 16 s.
        assert!(!quiet_seen(&gets, ((last_ms + 15_000.0) * 1000.0) as u64));
        assert!(quiet_seen(&gets, ((last_ms + 16_100.0) * 1000.0) as u64));
        assert!(!quiet_seen_with_margin(&gets, ((last_ms + 23_000.0) * 1000.0) as u64));
        assert!(quiet_seen_with_margin(&gets, ((last_ms + 24_100.0) * 1000.0) as u64));
    }

    /// A watched service (urllib3 Retry, total 5, backoff 0.1: 0, 0.2, 0.4, 0.8 s) that gave
    /// up and idles until its next cycle: a quiet end of the watch's window counts as stopped;
    /// a window cut off before the quiet says to watch longer, never to pass --timeout.
    #[test]
    fn a_quiet_end_of_a_watch_window_counts_as_stopped() {
        let t = burst(&times(&[1.0, 200.0, 400.0, 800.0]), &[503; 5]);
        let last_ms = 10.0 + 1401.0;
        let r = t.judge("retry.limit", last_ms + 2100.0, RunOutcome::Watched);
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("until the watch ended the window"), "{}", r.summary);
        let r = t.judge("retry.limit", last_ms + 500.0, RunOutcome::Watched);
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);
        assert!(r.summary.contains("give --watch more time"), "{}", r.summary);
        assert!(!r.summary.contains("--timeout"), "{}", r.summary);
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

    /// The retry strategies of the simulation, base 100 ms, doubling.
    #[derive(Debug, Clone, Copy)]
    enum Strategy {
        FullJitter,
        EqualJitter,
        Decorrelated,
        Urllib3,
        Doubling,
        /// axios-retry's `exponentialDelay`: 2^n × 100 ms for retry n = 1, 2, 3…, plus 0-20 %.
        AxiosRetry,
        Constant(f64),
        Immediate,
        Linear(f64, f64),
    }

    /// One burst of `k` gaps, with timing noise (0.5–4 ms, and 5 % of the time up to 15 ms
    /// more: a busy scheduler).
    fn series(s: Strategy, k: usize, rng: &mut StdRng) -> Vec<f64> {
        let base = 100.0;
        let cap = |i: usize| base * f64::from(1u32 << i);
        let mut prev = base;
        (0..k)
            .map(|i| {
                let g = match s {
                    Strategy::FullJitter => rng.random_range(0.0..cap(i)),
                    Strategy::EqualJitter => cap(i) / 2.0 + rng.random_range(0.0..cap(i) / 2.0),
                    Strategy::Decorrelated => {
                        prev = rng.random_range(base..prev * 3.0).min(20_000.0);
                        prev
                    }
                    Strategy::Urllib3 => {
                        if i == 0 {
                            0.0
                        } else {
                            cap(i)
                        }
                    }
                    Strategy::Doubling => cap(i),
                    Strategy::AxiosRetry => cap(i + 1) * (1.0 + rng.random_range(0.0..0.2)),
                    Strategy::Constant(c) => c,
                    Strategy::Immediate => 0.0,
                    Strategy::Linear(start, step) => start + step * i as f64,
                };
                let busy = if rng.random_bool(0.05) { rng.random_range(0.0..15.0) } else { 0.0 };
                g + rng.random_range(0.5..4.0) + busy
            })
            .collect()
    }

    /// Item 2: 10,000 seeded series of three bursts of five gaps per strategy; the rates are
    /// the ones stated in the module doc. Judged through `shape_bursts`, the judge's core.
    #[test]
    fn simulated_strategies_meet_their_targets() {
        let mut rng = StdRng::seed_from_u64(13);
        let good = [
            Strategy::FullJitter,
            Strategy::EqualJitter,
            Strategy::Decorrelated,
            Strategy::Urllib3,
            Strategy::Doubling,
        ];
        let bad = [
            Strategy::Constant(100.0),
            Strategy::Constant(1000.0),
            Strategy::Immediate,
            Strategy::Linear(200.0, 200.0),
            Strategy::Linear(500.0, 250.0),
            Strategy::Linear(100.0, 100.0),
        ];
        const N: usize = 10_000;
        let mut rates = Vec::new();
        for s in good.iter().chain(&bad) {
            let (mut pass, mut fail) = (0, 0);
            for _ in 0..N {
                let b: Vec<Vec<f64>> = (0..3).map(|_| series(*s, 5, &mut rng)).collect();
                match shape_bursts(&b) {
                    Shape::Growing(_) => pass += 1,
                    Shape::Immediate | Shape::Constant(_) | Shape::Linear(_) => fail += 1,
                    Shape::TooFew | Shape::Irregular => {}
                }
            }
            rates.push(format!("{s:?}: pass {pass}, fail {fail}"));
            if good.iter().any(|g| std::mem::discriminant(g) == std::mem::discriminant(s)) {
                assert!(pass * 1000 >= N * 995, "{s:?} passes {pass} of {N}");
                assert_eq!(fail, 0, "{s:?} failed {fail} of {N}");
            } else {
                assert_eq!(fail, N, "{s:?} failed only {fail} of {N}");
            }
        }
        eprintln!("{}", rates.join("\n"));
    }

    /// axios-retry's stock 3 retries with `exponentialDelay` give three gaps (200, 400, 800 ms
    /// plus 0-20 % each) and then the job gives up, so the judge usually sees one burst of
    /// three, the hardest case: a 20 % draw on the middle gap makes the steps 280 and 320 ms.
    /// 10,000 series each, one burst and three bursts: all pass (module doc).
    #[test]
    fn simulated_axios_retry_single_bursts_never_fail() {
        let mut rng = StdRng::seed_from_u64(21);
        for bursts in [1, 3] {
            let (mut pass, mut fail) = (0, 0);
            for _ in 0..10_000 {
                let b: Vec<Vec<f64>> =
                    (0..bursts).map(|_| series(Strategy::AxiosRetry, 3, &mut rng)).collect();
                match shape_bursts(&b) {
                    Shape::Growing(_) => pass += 1,
                    Shape::Immediate | Shape::Constant(_) | Shape::Linear(_) => fail += 1,
                    Shape::TooFew | Shape::Irregular => {}
                }
            }
            assert_eq!(fail, 0, "{bursts} burst(s): {fail} of 10,000 failed");
            assert!(pass >= 9_950, "{bursts} burst(s): only {pass} of 10,000 passed");
        }
    }
}

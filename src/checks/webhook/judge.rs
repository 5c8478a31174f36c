//! The judges: pure functions from observed deliveries to a verdict, a one-line summary and
//! figures. No I/O here, so every rule is unit-tested against hand-made observations.
//!
//! Fairness rules: a refusal is any 4xx (401, 403, 400, 422… are all honest answers to a bad
//! signature); a 5xx is a crash, not a refusal; a redirect is an answer (providers do not
//! follow them); an answer after the deadline counts as none, because the provider has
//! already given up and will retry.

use std::time::Duration;

use super::Scheme;
use super::observe::{Case, Observation, Treatment, minutes, secs};
use super::signing::{Malformation, ROTATION_ENTRIES};
use crate::checks::{CheckId, CheckResult, Verdict};

// The ids the judges file their results under (declared in the registry).
const DELIVERY: &str = CheckId::WebhookDelivery.as_str();
const SIGNATURE: &str = CheckId::WebhookSignature.as_str();
const REPLAY: &str = CheckId::WebhookReplay.as_str();
const DUPLICATE: &str = CheckId::WebhookDuplicate.as_str();
const ORDERING: &str = CheckId::WebhookOrdering.as_str();
const DEADLINE: &str = CheckId::WebhookDeadline.as_str();
const ROTATION: &str = CheckId::WebhookRotation.as_str();

/// The cases `webhook.signature` sends, negatives first so the genuine one comes last (a
/// listener that records ids before verifying cannot then be misled by our forgeries).
pub fn signature_cases(scheme: Scheme) -> Vec<Case> {
    let mut cases = vec![Case::Forged, Case::Missing, Case::WrongSecret];
    if scheme.signs_body() {
        cases.push(Case::Tampered);
    }
    cases.extend(Malformation::for_scheme(scheme).into_iter().map(Case::Malformed));
    cases.push(Case::Genuine);
    cases
}

/// The cases `webhook.rotation` sends: the all-invalid one first (negatives first), then the
/// valid signature first, in the middle and last among invalid ones, then beside an entry of
/// an unknown version. `hmac-sha256` providers send one signature: its lowercase hex form.
/// Nothing for `static-header`.
pub fn rotation_cases(scheme: Scheme) -> Vec<Case> {
    if scheme.rotates() {
        let mut cases = vec![Case::AllInvalid];
        cases.extend((0..ROTATION_ENTRIES).map(Case::ValidAmong));
        cases.push(Case::UnknownVersion);
        cases
    } else if scheme.signs_body() {
        vec![Case::ProviderCase]
    } else {
        Vec::new()
    }
}

/// How far inside and outside the tolerance the window probes are.
pub const WINDOW_MARGIN_SECS: i64 = 10;
/// The far probes are at least this far out (10 minutes), whatever the tolerance.
pub const FAR_SKEW_SECS: i64 = 600;

/// The cases `webhook.replay` sends for a provider tolerance of `tolerance_secs`: far outside
/// (10 minutes, or twice the tolerance), just outside and just inside the window on both
/// sides, then a fresh control. Refusals first, so a listener that remembers ids is not
/// misled by the fresh one.
pub fn replay_cases(tolerance_secs: i64) -> Vec<Case> {
    let t = tolerance_secs.max(WINDOW_MARGIN_SECS + 1);
    let far = FAR_SKEW_SECS.max(2 * t);
    let mut cases = Vec::new();
    for off in [far, t + WINDOW_MARGIN_SECS, t - WINDOW_MARGIN_SECS] {
        cases.push(Case::Skewed(-off));
        cases.push(Case::Skewed(off));
    }
    cases.push(Case::Genuine);
    cases
}
/// The cases `webhook.duplicate` sends.
pub const DUPLICATE_CASES: [Case; 2] = [Case::First, Case::Redelivery];
/// The order `webhook.ordering` sends a resource's three steps in.
pub const ORDERING_CASES: [Case; 3] = [Case::Step(3), Case::Step(1), Case::Step(2)];

/// A result with the per-case figures (`<case>_status`, `<case>_ms`) and one observation line
/// per delivery.
fn base(id: &str, verdict: Verdict, summary: String, obs: &[Observation], deadline: Duration) -> CheckResult {
    let mut r = CheckResult::new(id, verdict, summary).figure("deadline_s", deadline.as_secs_f64());
    for o in obs {
        let key = o.case.key();
        r = r
            .figure(&format!("{key}_status"), o.status_figure())
            .figure(&format!("{key}_ms"), o.latency_ms());
        r = r.observe(o.line());
    }
    r
}

fn find(obs: &[Observation], case: Case) -> Option<&Observation> {
    obs.iter().find(|o| o.case == case)
}

/// "; 2 not sent (the listener stopped answering)" when the run was cut short.
fn not_sent(expected: &[Case], obs: &[Observation]) -> String {
    let missing = expected.iter().filter(|c| find(obs, **c).is_none()).count();
    if missing == 0 { String::new() } else { format!("; {missing} not sent after that") }
}

/// A delivery that never reached the listener (refused, unresolvable, TLS failure) or got no
/// usable HTTP answer back (garbage, a head too large, cut off, a body that stalled or never
/// ended) decides the check the same way everywhere, whatever the case was. Unreachable is the
/// environment's fault (the listener is down or the URL wrong, nothing the listener decided):
/// inconclusive, with the reason as the `environment` figure, so CI exits 3 and not 1. A
/// broken answer is the listener's own doing: a fail that says why (a broken answer to a
/// forged signature is no refusal).
fn unreachable(id: &str, obs: &[Observation], deadline: Duration, planned: usize) -> Option<CheckResult> {
    let (what, environment) = obs.iter().find_map(|o| match &o.outcome {
        super::Outcome::Unreachable(reason) => {
            Some((format!("the listener could not be reached ({reason})"), true))
        }
        super::Outcome::Broken(reason) => {
            Some((format!("the listener gave no usable answer ({reason})"), false))
        }
        _ => None,
    })?;
    let summary = format!(
        "{what}; {} of {planned} deliveries answered",
        obs.iter().filter(|o| matches!(o.outcome, super::Outcome::Answered { .. })).count()
    );
    let result = base(id, Verdict::Fail, summary, obs, deadline);
    Some(if environment { result.environment(what) } else { result })
}

fn ms(o: &Observation) -> String {
    format!("{} ms", o.latency_ms())
}

/// `webhook.delivery`: one correctly signed sample event, answered 2xx within the deadline.
pub fn delivery(obs: &[Observation], deadline: Duration) -> CheckResult {
    if let Some(r) = unreachable(DELIVERY, obs, deadline, 1) {
        return r;
    }
    let Some(o) = find(obs, Case::Genuine) else {
        return base(DELIVERY, Verdict::Inconclusive, "nothing was delivered".into(), obs, deadline);
    };
    let d = secs(deadline);
    let (verdict, summary) = match o.treatment(deadline) {
        Treatment::Accepted => (
            Verdict::Pass,
            format!(
                "the signed sample event was {} in {}, inside the {d} deadline",
                o.describe(deadline),
                ms(o)
            ),
        ),
        Treatment::Rejected => (
            Verdict::Fail,
            format!(
                "a correctly signed event was {}: check that both sides use the same secret and signature scheme",
                o.describe(deadline)
            ),
        ),
        Treatment::Crashed => {
            (Verdict::Fail, format!("the listener {} on a correctly signed event", o.describe(deadline)))
        }
        Treatment::Redirected => (
            Verdict::Fail,
            format!(
                "{}: providers do not follow redirects, register the final URL",
                capitalize(&o.describe(deadline))
            ),
        ),
        Treatment::Late | Treatment::NoAnswer => (
            Verdict::Fail,
            format!(
                "{}: the provider would log a timeout and retry (acknowledge first, process later)",
                capitalize(&o.describe(deadline))
            ),
        ),
        Treatment::Odd => (Verdict::Fail, format!("{}, not 2xx", capitalize(&o.describe(deadline)))),
    };
    base(DELIVERY, verdict, summary, obs, deadline).figure("latency_ms", o.latency_ms())
}

/// Why a bad delivery's treatment is a failure, or `None` when it was refused (4xx).
fn refusal_problem(o: &Observation, deadline: Duration, what: &str) -> Option<String> {
    match o.treatment(deadline) {
        Treatment::Rejected => None,
        Treatment::Accepted => Some(format!("accepted {what} ({})", o.status().unwrap_or(0))),
        Treatment::Crashed => {
            Some(format!("crashed rather than rejected {what} ({})", o.status().unwrap_or(0)))
        }
        _ => Some(format!("{} for {what}", o.describe(deadline))),
    }
}

/// What a crash on a malformed signature means, for the warning.
pub const MALFORMED_CRASH: &str =
    "crashed on a malformed signature: a provider that retries 5xx will redeliver an attack";

/// `webhook.signature`: forged, missing, wrong-secret, tampered and malformed deliveries
/// refused (4xx) while the genuine one is accepted.
///
/// Fairness: a 5xx to a malformed header (the Python `standardwebhooks` package raises
/// `ValueError` / `binascii.Error` there, which a listener catching only its verification
/// error turns into a 500) rejected nothing but let nothing in either: a warning, not a
/// failure; accepting one fails.
pub fn signature(obs: &[Observation], deadline: Duration, scheme: Scheme) -> CheckResult {
    let expected = signature_cases(scheme);
    if let Some(r) = unreachable(SIGNATURE, obs, deadline, expected.len()) {
        return r;
    }
    if obs.is_empty() {
        return base(SIGNATURE, Verdict::Inconclusive, "nothing was delivered".into(), obs, deadline);
    }
    let negatives: Vec<&Observation> = obs.iter().filter(|o| o.case != Case::Genuine).collect();
    let is_malformed = |o: &&&Observation| matches!(o.case, Case::Malformed(_));
    let crashed_malformed: Vec<&Observation> = negatives
        .iter()
        .filter(is_malformed)
        .filter(|o| o.treatment(deadline) == Treatment::Crashed)
        .copied()
        .collect();
    let problems: Vec<String> = negatives
        .iter()
        .filter(|o| !crashed_malformed.iter().any(|c| c.case == o.case))
        .filter_map(|o| refusal_problem(o, deadline, &o.case.words()))
        .collect();
    let note = if scheme.signs_body() {
        String::new()
    } else {
        "; no tampered body sent (a static header does not cover the body)".into()
    };
    let warning = if crashed_malformed.is_empty() {
        None
    } else {
        let which = crashed_malformed
            .iter()
            .map(|o| format!("{} ({})", o.case.words(), o.status().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ");
        Some(format!("{MALFORMED_CRASH} ({which}); catch every error from the verifier and answer 4xx"))
    };
    let rejected = negatives
        .iter()
        .filter(|o| o.treatment(deadline) == Treatment::Rejected)
        .map(|o| format!("{} ({})", o.case.words().trim_start_matches("the "), o.status().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ");
    let (verdict, summary) = if !problems.is_empty() {
        (Verdict::Fail, format!("{}{}", capitalize(&problems.join("; ")), not_sent(&expected, obs)))
    } else {
        match find(obs, Case::Genuine) {
            None => {
                (Verdict::Inconclusive, format!("rejected {rejected}, but the genuine delivery was not sent"))
            }
            Some(g) if g.treatment(deadline) == Treatment::Accepted => {
                let accepted = format!("accepted the genuine one ({}){note}", g.status().unwrap_or(0));
                match &warning {
                    Some(w) => (Verdict::Pass, format!("warning: {w}; rejected {rejected}; {accepted}")),
                    None => (Verdict::Pass, format!("rejected {rejected}; {accepted}")),
                }
            }
            Some(g) => (
                Verdict::Fail,
                format!(
                    "rejected every bad delivery but also the genuine one ({}): a listener that refuses everything proves nothing, check the secret and scheme",
                    g.describe(deadline)
                ),
            ),
        }
    };
    let rejected_count = negatives.iter().filter(|o| o.treatment(deadline) == Treatment::Rejected).count();
    let mut r = base(SIGNATURE, verdict, summary, obs, deadline)
        .figure("bad_sent", negatives.len())
        .figure("bad_rejected", rejected_count)
        .figure("malformed_crashed", crashed_malformed.len());
    if let (Some(w), Verdict::Pass) = (warning, r.verdict) {
        r = r.figure("warning", w);
    }
    r
}

/// `webhook.rotation`: while a secret rotates, the valid signature is found wherever it
/// stands among invalid ones, entries of unknown versions are skipped, and a header whose
/// entries are all invalid is refused. A verifier reading only the first or the last entry is
/// a known real bug. For `hmac-sha256` (one signature per delivery), the lowercase hex the
/// provider sends is accepted; `static-header` has nothing to rotate.
pub fn rotation(obs: &[Observation], deadline: Duration, scheme: Scheme) -> CheckResult {
    let expected = rotation_cases(scheme);
    if expected.is_empty() {
        return base(
            ROTATION,
            Verdict::NotApplicable,
            format!(
                "the {scheme} scheme sends one shared value, not signatures: nothing rotates; nothing was sent"
            ),
            obs,
            deadline,
        );
    }
    if let Some(r) = unreachable(ROTATION, obs, deadline, expected.len()) {
        return r;
    }
    if obs.is_empty() {
        return base(ROTATION, Verdict::Inconclusive, "nothing was delivered".into(), obs, deadline);
    }
    let mut problems: Vec<String> = Vec::new();
    for o in obs {
        let t = o.treatment(deadline);
        if o.case == Case::AllInvalid {
            if let Some(p) = refusal_problem(o, deadline, &o.case.words()) {
                problems.push(p);
            }
        } else if t != Treatment::Accepted {
            problems.push(format!("{} for {}", o.describe(deadline), o.case.words()));
        }
    }
    let sent = obs.iter().map(|o| o.case.words()).collect::<Vec<_>>().join(", ");
    let (verdict, summary) = if !problems.is_empty() {
        let hint = if scheme.rotates() {
            ": while a secret rotates the provider sends several signatures; accept a delivery when any entry of a known version verifies, and skip other versions"
        } else {
            ": compare against the lowercase hex digest the provider sends (or compare case-insensitively)"
        };
        (Verdict::Fail, format!("{}{hint}{}", capitalize(&problems.join("; ")), not_sent(&expected, obs)))
    } else if obs.len() < expected.len() {
        (Verdict::Inconclusive, format!("only {} of {} deliveries were sent", obs.len(), expected.len()))
    } else if scheme.rotates() {
        (
            Verdict::Pass,
            format!(
                "accepted the valid signature first, in the middle and last among {} and beside an unknown-version entry; rejected a header whose entries were all invalid",
                ROTATION_ENTRIES
            ),
        )
    } else {
        (Verdict::Pass, format!("accepted {sent}; this scheme sends one signature per delivery"))
    };
    base(ROTATION, verdict, summary, obs, deadline).figure("entries", ROTATION_ENTRIES)
}

/// `webhook.replay` for schemes that sign no timestamp: nothing can be judged.
pub fn replay_unsupported(scheme: Scheme, deadline: Duration) -> CheckResult {
    base(
        REPLAY,
        Verdict::Inconclusive,
        format!(
            "the {scheme} scheme signs no timestamp, so a replayed delivery cannot be told from a fresh one; nothing was sent"
        ),
        &[],
        deadline,
    )
    .figure("signs_timestamp", false)
}

/// What one side of the window looked like: the furthest probe accepted and the nearest
/// refused, e.g. "accepts 4 min 50 s, rejects 5 min 10 s".
fn window_side(obs: &[Observation], deadline: Duration, past: bool) -> String {
    let side: Vec<(u64, Treatment)> = obs
        .iter()
        .filter_map(|o| match o.case {
            Case::Skewed(s) if (s < 0) == past => Some((s.unsigned_abs(), o.treatment(deadline))),
            _ => None,
        })
        .collect();
    let accepted = side.iter().filter(|(_, t)| *t == Treatment::Accepted).map(|(s, _)| *s).max();
    let rejected = side.iter().filter(|(_, t)| *t == Treatment::Rejected).map(|(s, _)| *s).min();
    match (accepted, rejected) {
        (Some(a), Some(r)) if a < r => format!("accepts {}, rejects {}", minutes(a), minutes(r)),
        (Some(a), None) => format!("accepts even {} (no window)", minutes(a)),
        (None, Some(r)) => format!("rejects from {}", minutes(r)),
        (Some(a), Some(r)) => {
            format!("no consistent window (accepts {}, rejects {})", minutes(a), minutes(r))
        }
        (None, None) => "not measured".to_owned(),
    }
}

/// `webhook.replay`: the tolerance window, measured. Correctly signed deliveries just inside
/// (accepted), just outside and far outside (rejected) the provider's tolerance on both sides,
/// then a fresh control.
///
/// Fairness: accepting an old timestamp outside the tolerance fails (a captured delivery can
/// be replayed); accepting a future one outside it fails only where the provider's own
/// verifier rejects the future (`Scheme::rejects_future`: Stripe's does not, so a listener on
/// the official library is warned, not failed); rejecting inside the tolerance is a warning
/// (it will drop genuine retries after clock skew); a 5xx is never a refusal.
pub fn replay(obs: &[Observation], deadline: Duration, scheme: Scheme, tolerance_secs: i64) -> CheckResult {
    let expected = replay_cases(tolerance_secs);
    let tol = minutes(tolerance_secs.unsigned_abs());
    let finish = |r: CheckResult| {
        r.figure("signs_timestamp", true)
            .figure("tolerance_s", tolerance_secs)
            .figure("window_past", window_side(obs, deadline, true))
            .figure("window_future", window_side(obs, deadline, false))
    };
    if let Some(r) = unreachable(REPLAY, obs, deadline, expected.len()) {
        return finish(r);
    }
    if obs.is_empty() {
        return finish(base(REPLAY, Verdict::Inconclusive, "nothing was delivered".into(), obs, deadline));
    }
    let mut problems: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut replayable = false;
    for o in obs {
        let Case::Skewed(s) = o.case else { continue };
        let what = format!("a correctly signed delivery with {}", o.case.words());
        let outside = s.unsigned_abs() > tolerance_secs.unsigned_abs();
        match (outside, o.treatment(deadline)) {
            (true, Treatment::Accepted) if s < 0 => {
                replayable = true;
                problems.push(format!("accepted {what} ({})", o.status().unwrap_or(0)));
            }
            (true, Treatment::Accepted) if scheme.rejects_future() => {
                problems.push(format!("accepted {what} ({})", o.status().unwrap_or(0)));
            }
            (true, Treatment::Accepted) => warnings.push(format!(
                "accepted {what} ({}), as the provider's own verifier does (it rejects only old timestamps); rejecting future ones too is safer",
                o.status().unwrap_or(0)
            )),
            (true, _) => problems.extend(refusal_problem(o, deadline, &what)),
            (false, Treatment::Accepted) => {}
            (false, Treatment::Rejected) => warnings.push(format!(
                "rejected {what} ({}), inside the provider's {tol} tolerance: stricter than the provider, it will drop genuine retries after clock skew",
                o.status().unwrap_or(0)
            )),
            (false, _) => problems.push(format!("{} for {what}", o.describe(deadline))),
        }
    }
    let window = format!(
        "window found: past {}; future {}",
        window_side(obs, deadline, true),
        window_side(obs, deadline, false)
    );
    let (verdict, summary) = if !problems.is_empty() {
        let hint = if replayable {
            format!(": a captured event can be replayed, reject timestamps outside the tolerance ({tol})")
        } else {
            String::new()
        };
        (
            Verdict::Fail,
            format!("{}{hint}; {window}{}", capitalize(&problems.join("; ")), not_sent(&expected, obs)),
        )
    } else {
        match find(obs, Case::Genuine) {
            Some(g) if g.treatment(deadline) == Treatment::Accepted => {
                let fresh = format!("accepted a fresh one ({})", g.status().unwrap_or(0));
                if warnings.is_empty() {
                    (Verdict::Pass, format!("{window}, the provider's {tol} tolerance; {fresh}"))
                } else {
                    (Verdict::Pass, format!("warning: {}; {window}; {fresh}", warnings.join("; ")))
                }
            }
            Some(g) => (
                Verdict::Inconclusive,
                format!(
                    "the fresh delivery was refused too ({}), so the rejections do not show a timestamp check",
                    g.describe(deadline)
                ),
            ),
            None => (Verdict::Inconclusive, "the fresh control delivery was not sent".into()),
        }
    };
    let mut r = finish(base(REPLAY, verdict, summary, obs, deadline));
    if r.verdict == Verdict::Pass && !warnings.is_empty() {
        r = r.figure("warning", warnings.join("; "));
    }
    r
}

/// What a passing `webhook.duplicate` / `webhook.ordering` did not see: from outside, only the
/// listener's status codes show, not whether it processed a duplicate once or applied steps in
/// sequence order. The optional side-effect observer can show that.
pub const SEEN_STATUS_ONLY: &str = "status codes only were seen, not what the listener did with the events (the optional side-effect observer can show that)";

/// What the side-effect observer said for each event id a check delivered.
pub type Processed = [(String, Result<u64, String>)];

/// `webhook.duplicate` / `webhook.ordering` with the partner's side-effect observer: a
/// passing result is failed when an event was processed more than once, and its caveat
/// ([`SEEN_STATUS_ONLY`]) replaced by what the observer confirmed. Fairness: a count of 0
/// may be asynchronous processing not finished yet, so it stays a caveat; an observer that
/// cannot be read leaves the status-code verdict with the reason.
pub fn observed(mut r: CheckResult, processed: &Processed) -> CheckResult {
    if processed.is_empty() {
        return r;
    }
    let counts: Vec<crate::checks::Figure> = processed
        .iter()
        .map(|(_, c)| c.as_ref().map_or(crate::checks::Figure::from("unread"), |n| (*n).into()))
        .collect();
    r = r.figure("observer_processed", counts);
    if r.verdict != Verdict::Pass {
        return r;
    }
    let twice: Vec<String> = processed
        .iter()
        .filter_map(|(id, c)| match c {
            Ok(n) if *n > 1 => Some(format!("{id} {n} times")),
            _ => None,
        })
        .collect();
    let unread = processed.iter().find_map(|(_, c)| c.as_ref().err());
    let zero = processed.iter().filter(|(_, c)| matches!(c, Ok(0))).count();
    if !twice.is_empty() {
        r.verdict = Verdict::Fail;
        r.summary = format!(
            "acknowledged every delivery, but the observer says it processed {}: deduplicate by the webhook id before acting",
            twice.join(", ")
        );
    } else if let Some(why) = unread {
        r.summary = r.summary.replace(
            SEEN_STATUS_ONLY,
            &format!("the observer could not be read ({why}), so {SEEN_STATUS_ONLY}"),
        );
    } else if zero > 0 {
        r.summary = r.summary.replace(
            SEEN_STATUS_ONLY,
            &format!(
                "the observer reports {zero} of {} events not processed (yet: asynchronous processing?)",
                processed.len()
            ),
        );
    } else {
        r.summary =
            r.summary.replace(SEEN_STATUS_ONLY, "the observer confirms each event was processed once");
    }
    r
}

/// `webhook.duplicate`: the same event (same id, same signature) twice, both acknowledged.
pub fn duplicate(obs: &[Observation], deadline: Duration) -> CheckResult {
    if let Some(r) = unreachable(DUPLICATE, obs, deadline, DUPLICATE_CASES.len()) {
        return r;
    }
    let (Some(first), second) = (find(obs, Case::First), find(obs, Case::Redelivery)) else {
        return base(DUPLICATE, Verdict::Inconclusive, "nothing was delivered".into(), obs, deadline);
    };
    let (verdict, summary) = if first.treatment(deadline) != Treatment::Accepted {
        (
            Verdict::Inconclusive,
            format!(
                "the first delivery was not acknowledged ({}), so the redelivery proves nothing",
                first.describe(deadline)
            ),
        )
    } else {
        match second.map(|s| (s, s.treatment(deadline))) {
            None => (Verdict::Inconclusive, "the redelivery was not sent".into()),
            Some((s, Treatment::Accepted)) => (
                Verdict::Pass,
                format!(
                    "acknowledged the same event id twice ({}, {}); {SEEN_STATUS_ONLY}",
                    first.status().unwrap_or(0),
                    s.status().unwrap_or(0)
                ),
            ),
            Some((s, Treatment::Crashed)) => (
                Verdict::Fail,
                format!(
                    "crashed on the redelivery of the same event id ({}): duplicates happen after timeouts and retries, acknowledge them",
                    s.status().unwrap_or(0)
                ),
            ),
            Some((s, Treatment::Rejected)) => (
                Verdict::Fail,
                format!(
                    "rejected the redelivery ({}): a duplicate must be acknowledged with 2xx or the provider keeps retrying it",
                    s.status().unwrap_or(0)
                ),
            ),
            Some((s, _)) => {
                (Verdict::Fail, format!("{} on the redelivery", capitalize(&s.describe(deadline))))
            }
        }
    };
    base(DUPLICATE, verdict, summary, obs, deadline)
}

/// `webhook.ordering`: a resource's steps 3, 1, 2 delivered in that order, all acknowledged.
pub fn ordering(obs: &[Observation], deadline: Duration) -> CheckResult {
    let order: Vec<i64> = ORDERING_CASES
        .iter()
        .map(|c| match c {
            Case::Step(n) => i64::from(*n),
            _ => 0,
        })
        .collect();
    let with_order = |r: CheckResult| r.figure("sent_order", order.clone());
    if let Some(r) = unreachable(ORDERING, obs, deadline, ORDERING_CASES.len()) {
        return with_order(r);
    }
    if obs.is_empty() {
        return with_order(base(
            ORDERING,
            Verdict::Inconclusive,
            "nothing was delivered".into(),
            obs,
            deadline,
        ));
    }
    let treat: Vec<Treatment> = obs.iter().map(|o| o.treatment(deadline)).collect();
    let statuses = obs
        .iter()
        .map(|o| o.status().map_or("-".to_owned(), |s| s.to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let (verdict, summary) = if treat.iter().all(|t| *t == Treatment::Accepted)
        && obs.len() == ORDERING_CASES.len()
    {
        (
            Verdict::Pass,
            format!("acknowledged sequence 3, 1, 2 delivered out of order ({statuses}); {SEEN_STATUS_ONLY}"),
        )
    } else if treat.iter().all(|t| *t == Treatment::Rejected) {
        (
            Verdict::Inconclusive,
            format!("every delivery was rejected ({statuses}), so ordering could not be exercised"),
        )
    } else {
        let problems: Vec<String> = obs
            .iter()
            .filter(|o| o.treatment(deadline) != Treatment::Accepted)
            .map(|o| format!("{} was {}", o.case.words(), o.describe(deadline)))
            .collect();
        (
            Verdict::Fail,
            format!(
                "{} when sent out of order: events have no ordering guarantee, acknowledge them and order by sequence number{}",
                capitalize(&problems.join(", ")),
                not_sent(&ORDERING_CASES, obs)
            ),
        )
    };
    with_order(base(ORDERING, verdict, summary, obs, deadline))
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `webhook.deadline`: `planned` deliveries, every one answered 2xx within the deadline.
pub fn deadline(obs: &[Observation], limit: Duration, planned: usize) -> CheckResult {
    let mut lat: Vec<f64> = obs.iter().map(Observation::latency_ms).collect();
    let latencies = lat.clone();
    lat.sort_by(f64::total_cmp);
    let (p50, p95, max) = (percentile(&lat, 0.5), percentile(&lat, 0.95), lat.last().copied().unwrap_or(0.0));
    let d = secs(limit);
    let n = obs.len();
    let count = |t: Treatment| obs.iter().filter(|o| o.treatment(limit) == t).count();
    let missed = obs.iter().filter(|o| matches!(o.treatment(limit), Treatment::Late | Treatment::NoAnswer));
    let missed: Vec<&Observation> = missed.collect();
    let figures = format!("p50 {p50} ms, p95 {p95} ms, max {max} ms");
    let mut environment = None;
    let (verdict, summary) = if obs.is_empty() {
        (Verdict::Inconclusive, "nothing was delivered".to_owned())
    } else if let Some(r) = unreachable(DEADLINE, obs, limit, planned) {
        environment = r.environment_error().map(str::to_owned);
        (r.verdict, r.summary)
    } else if let Some(first) = missed.first() {
        let cut = if n < planned { format!("; {} not sent after that", planned - n) } else { String::new() };
        (
            Verdict::Fail,
            format!(
                "{} of {n} deliveries not answered within {d} ({} was {}){cut}",
                missed.len(),
                first.case.words(),
                first.describe(limit)
            ),
        )
    } else if count(Treatment::Accepted) == n && n == planned {
        (Verdict::Pass, format!("all {n} deliveries answered 2xx within {d}: {figures}"))
    } else if count(Treatment::Rejected) + count(Treatment::Accepted) == n {
        (
            Verdict::Inconclusive,
            format!(
                "all {n} answered within {d} ({figures}), but {} were rejected, so the time to acknowledge is not fully measured",
                count(Treatment::Rejected)
            ),
        )
    } else {
        let bad = obs
            .iter()
            .find(|o| o.treatment(limit) != Treatment::Accepted && o.treatment(limit) != Treatment::Rejected);
        (
            Verdict::Fail,
            format!(
                "answered in time ({figures}), but {} was {}",
                bad.map_or("a delivery".to_owned(), |o| o.case.words()),
                bad.map_or(String::new(), |o| o.describe(limit))
            ),
        )
    };
    let statuses: Vec<crate::checks::Figure> = obs.iter().map(Observation::status_figure).collect();
    let mut r = CheckResult::new(DEADLINE, verdict, summary)
        .figure("deadline_s", limit.as_secs_f64())
        .figure("deliveries", n)
        .figure("statuses", statuses)
        .figure("latencies_ms", latencies)
        .figure("p50_ms", p50)
        .figure("p95_ms", p95)
        .figure("max_ms", max);
    for o in obs {
        r = r.observe(o.line());
    }
    match environment {
        Some(e) => r.environment(e),
        None => r,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "judge_tests.rs"]
mod tests;

//! The judges against hand-made observations: every fairness rule in judge.rs, one by one.

use std::time::Duration;

use super::*;
use crate::checks::Figure;
use crate::checks::webhook::Outcome;

const D: Duration = Duration::from_secs(2);

fn a(case: Case, status: u16) -> Observation {
    Observation::new(case, Outcome::Answered { status, detail: String::new() }, Duration::from_millis(5))
}

fn timeout(case: Case) -> Observation {
    Observation::new(case, Outcome::TimedOut, D)
}

fn sig_obs(forged: u16, missing: u16, wrong: u16, tampered: u16, genuine: u16) -> Vec<Observation> {
    vec![
        a(Case::Forged, forged),
        a(Case::Missing, missing),
        a(Case::WrongSecret, wrong),
        a(Case::Tampered, tampered),
        a(Case::Genuine, genuine),
    ]
}

#[test]
fn delivery_passes_on_2xx_and_names_every_failure() {
    let r = delivery(&[a(Case::Genuine, 204)], D);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert_eq!(r.figures["genuine_status"], Figure::Int(204));
    assert_eq!(r.observations, vec!["genuine: 204 in 5 ms"]);
    let cases = [
        (a(Case::Genuine, 401), "same secret"),
        (a(Case::Genuine, 500), "crashed (500)"),
        (timeout(Case::Genuine), "no answer within 2 s"),
        (
            Observation::new(
                Case::Genuine,
                Outcome::Answered { status: 301, detail: "https://x/new".into() },
                Duration::from_millis(1),
            ),
            "do not follow redirects",
        ),
        (
            Observation::new(
                Case::Genuine,
                Outcome::Answered { status: 200, detail: String::new() },
                Duration::from_millis(2100),
            ),
            "only after 2.1 s",
        ),
    ];
    for (o, words) in cases {
        let r = delivery(&[o], D);
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.to_lowercase().contains(&words.to_lowercase()), "{} lacks {words}", r.summary);
    }
    assert_eq!(delivery(&[], D).verdict, Verdict::Inconclusive);
}

#[test]
fn signature_accepts_any_4xx_refusal_and_needs_the_genuine_accepted() {
    let r = signature(&sig_obs(401, 400, 403, 422, 200), D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert_eq!(r.figures["bad_rejected"], Figure::Int(4));
    assert_eq!(r.observations.len(), 5);

    let r = signature(&sig_obs(200, 200, 200, 200, 200), D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.starts_with("Accepted the forged signature (200)"), "{}", r.summary);

    let r = signature(&sig_obs(401, 500, 401, 401, 200), D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("Crashed rather than rejected the missing signature (500)"), "{}", r.summary);

    let r = signature(&sig_obs(401, 401, 401, 401, 401), D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("also the genuine one"), "{}", r.summary);

    let cut = vec![a(Case::Forged, 401), timeout(Case::Missing)];
    let r = signature(&cut, D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("No answer within 2 s") && r.summary.contains("7 not sent"), "{}", r.summary);
}

#[test]
fn static_header_signature_says_why_no_tampered_body_was_sent() {
    let obs =
        vec![a(Case::Forged, 401), a(Case::Missing, 401), a(Case::WrongSecret, 401), a(Case::Genuine, 200)];
    let r = signature(&obs, D, Scheme::StaticHeader);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert!(r.summary.contains("does not cover the body"), "{}", r.summary);
}

/// The probes for a 300 s tolerance, each accepted (2xx) or refused (401) by `accepts`.
fn probes(accepts: impl Fn(i64) -> bool) -> Vec<Observation> {
    replay_cases(300)
        .into_iter()
        .map(|c| {
            let ok = match c {
                Case::Skewed(s) => accepts(s),
                _ => true,
            };
            a(c, if ok { 200 } else { 401 })
        })
        .collect()
}

#[test]
fn replay_measures_the_window_on_both_sides() {
    assert_eq!(
        replay_cases(300),
        [-600, 600, -310, 310, -290, 290]
            .map(Case::Skewed)
            .into_iter()
            .chain([Case::Genuine])
            .collect::<Vec<_>>()
    );
    // standardwebhooks: a fixed 5-minute window both ways.
    let std = replay(&probes(|s| s.abs() <= 300), D, Scheme::StandardWebhooks, 300);
    assert_eq!(std.verdict, Verdict::Pass, "{}", std.summary);
    assert!(!std.figures.contains_key("warning"));
    assert_eq!(std.figures["window_past"], Figure::from("accepts 4 min 50 s, rejects 5 min 10 s"));
    assert_eq!(std.figures["window_future"], Figure::from("accepts 4 min 50 s, rejects 5 min 10 s"));
    // No window at all: fails, replayable.
    let none = replay(&probes(|_| true), D, Scheme::StandardWebhooks, 300);
    assert_eq!(none.verdict, Verdict::Fail);
    assert!(none.summary.contains("can be replayed"), "{}", none.summary);
    assert_eq!(none.figures["window_past"], Figure::from("accepts even 10 min (no window)"));
    // Stripe's construct_event: old rejected, any future accepted. A warning for its scheme,
    // a failure where the provider's verifier rejects the future.
    let stripe = probes(|s| s >= -300);
    let r = replay(&stripe, D, Scheme::TimestampedHmacSha256, 300);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert!(r.summary.starts_with("warning: accepted") && r.figures.contains_key("warning"), "{}", r.summary);
    let r = replay(&stripe, D, Scheme::StandardWebhooks, 300);
    assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
    assert!(r.summary.contains("10 min ahead"), "{}", r.summary);
    // Stricter than the provider (2 minutes): a warning about clock skew.
    let strict = replay(&probes(|s| s.abs() <= 120), D, Scheme::StandardWebhooks, 300);
    assert_eq!(strict.verdict, Verdict::Pass, "{}", strict.summary);
    assert!(strict.summary.contains("clock skew"), "{}", strict.summary);
    assert_eq!(strict.figures["window_past"], Figure::from("rejects from 4 min 50 s"));
    // A crash is never a refusal; everything refused proves nothing.
    let mut crash = probes(|s| s.abs() <= 300);
    crash[1] = a(Case::Skewed(600), 503);
    let r = replay(&crash, D, Scheme::StandardWebhooks, 300);
    assert!(
        r.verdict == Verdict::Fail && r.summary.contains("Crashed rather than rejected"),
        "{}",
        r.summary
    );
    let all: Vec<_> = replay_cases(300).into_iter().map(|c| a(c, 401)).collect();
    assert_eq!(replay(&all, D, Scheme::StandardWebhooks, 300).verdict, Verdict::Inconclusive);
    let none = replay_unsupported(Scheme::HmacSha256, D);
    assert_eq!(none.verdict, Verdict::Inconclusive);
    assert!(none.summary.contains("hmac-sha256 scheme signs no timestamp"), "{}", none.summary);
}

#[test]
fn duplicate_rules() {
    let ok = duplicate(&[a(Case::First, 200), a(Case::Redelivery, 202)], D);
    assert_eq!(ok.verdict, Verdict::Pass);
    // Issue 13 item 7: a pass says what it could not see.
    assert!(ok.summary.contains("status codes only were seen"), "{}", ok.summary);
    assert!(ok.summary.contains("side-effect observer"), "{}", ok.summary);
    assert!(!crash_free_summary_claims_processing(&ok.summary), "{}", ok.summary);
    let crash = duplicate(&[a(Case::First, 200), a(Case::Redelivery, 500)], D);
    assert_eq!(crash.verdict, Verdict::Fail);
    assert!(crash.summary.contains("crashed on the redelivery"), "{}", crash.summary);
    let conflict = duplicate(&[a(Case::First, 200), a(Case::Redelivery, 409)], D);
    assert_eq!(conflict.verdict, Verdict::Fail);
    assert!(conflict.summary.contains("keeps retrying"), "{}", conflict.summary);
    assert_eq!(duplicate(&[a(Case::First, 401), a(Case::Redelivery, 401)], D).verdict, Verdict::Inconclusive);
}

/// A status code cannot show that a duplicate was processed once.
fn crash_free_summary_claims_processing(summary: &str) -> bool {
    summary.contains("processed once") || summary.contains("deduplicated")
}

#[test]
fn ordering_rules() {
    let all = [a(Case::Step(3), 200), a(Case::Step(1), 200), a(Case::Step(2), 200)];
    let r = ordering(&all, D);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert_eq!(r.figures["sent_order"], Figure::from(vec![3i64, 1, 2]));
    assert!(r.summary.contains("status codes only were seen"), "{}", r.summary);
    let late = [a(Case::Step(3), 200), a(Case::Step(1), 409), a(Case::Step(2), 200)];
    let r = ordering(&late, D);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.starts_with("Sequence 1 was rejected (409) when sent out of order"), "{}", r.summary);
    let none = [a(Case::Step(3), 401), a(Case::Step(1), 401), a(Case::Step(2), 401)];
    assert_eq!(ordering(&none, D).verdict, Verdict::Inconclusive);
}

#[test]
fn unreachable_is_the_same_environment_error_everywhere() {
    let refused = |c: Case| {
        Observation::new(c, Outcome::Unreachable("could not connect: Connection refused".into()), D)
    };
    let results = [
        delivery(&[refused(Case::Genuine)], D),
        signature(&[refused(Case::Forged)], D, Scheme::HmacSha256),
        replay(&[refused(Case::Skewed(-600))], D, Scheme::StandardWebhooks, 300),
        duplicate(&[refused(Case::First)], D),
        ordering(&[refused(Case::Step(3))], D),
        deadline(&[refused(Case::Timed(1))], D, 10),
    ];
    for r in results {
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.id);
        assert!(r.environment_error().is_some_and(|e| e.contains("refused")), "{}", r.id);
        assert!(
            r.summary
                .starts_with("the listener could not be reached (could not connect: Connection refused)"),
            "{}",
            r.summary
        );
    }
}

#[test]
fn deadline_reports_percentiles_and_misses() {
    let obs: Vec<Observation> = (1..=10)
        .map(|i| {
            Observation::new(
                Case::Timed(i),
                Outcome::Answered { status: 200, detail: String::new() },
                Duration::from_millis(u64::try_from(i).expect("small") * 10),
            )
        })
        .collect();
    let r = deadline(&obs, D, 10);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert_eq!(r.figures["p50_ms"], Figure::Float(50.0));
    assert_eq!(r.figures["p95_ms"], Figure::Float(100.0));
    assert_eq!(r.figures["max_ms"], Figure::Float(100.0));
    assert_eq!(r.observations.len(), 10);

    let mut slow = obs[..3].to_vec();
    slow.push(timeout(Case::Timed(4)));
    let r = deadline(&slow, D, 10);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(
        r.summary.contains("1 of 4 deliveries not answered within 2 s") && r.summary.contains("6 not sent")
    );

    let rejected: Vec<Observation> = (1..=3).map(|i| a(Case::Timed(i), 401)).collect();
    assert_eq!(deadline(&rejected, D, 3).verdict, Verdict::Inconclusive);
    let crashed = vec![a(Case::Timed(1), 200), a(Case::Timed(2), 500)];
    assert_eq!(deadline(&crashed, D, 2).verdict, Verdict::Fail);
}

/// A garbled or cut-off answer is no refusal: a forged signature answered with garbage fails
/// the signature check with the reason and counts as no answer (an unreachable listener, by
/// contrast, is the environment's fault).
#[test]
fn a_broken_answer_fails_every_check_with_its_reason() {
    let broken = |case| Observation::new(case, Outcome::Broken("invalid HTTP version parsed".into()), D);
    let r = signature(&[broken(Case::Forged)], D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
    assert!(r.summary.contains("no usable answer (invalid HTTP version parsed)"), "{}", r.summary);
    assert_eq!(r.figures["forged_status"], Figure::from("invalid"));
    assert_eq!(duplicate(&[broken(Case::First)], D).verdict, Verdict::Fail);
    assert_eq!(delivery(&[broken(Case::Genuine)], D).verdict, Verdict::Fail);
    assert_eq!(broken(Case::Genuine).treatment(D), Treatment::NoAnswer);
}

/// Recorded shapes: the Python `standardwebhooks` package answers each malformed header with
/// an exception; a listener catching only `WebhookVerificationError` turns two into a 500.
#[test]
fn a_5xx_on_a_malformed_signature_is_a_warning_and_accepting_one_fails() {
    use crate::checks::webhook::signing::Malformation as M;
    let mut obs = sig_obs(401, 401, 401, 401, 200);
    obs.insert(4, a(Case::Malformed(M::NoSeparator), 500));
    obs.insert(5, a(Case::Malformed(M::UnpaddedBase64), 401));
    let r = signature(&obs, D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert!(r.summary.starts_with("warning: crashed on a malformed signature"), "{}", r.summary);
    assert_eq!(r.figures["malformed_crashed"], Figure::Int(1));
    assert!(matches!(&r.figures["warning"], Figure::Text(w) if w.contains("without its separator")));
    obs[4] = a(Case::Malformed(M::NoSeparator), 200);
    let r = signature(&obs, D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
    assert!(!r.figures.contains_key("warning"));
    // A 5xx on a well-formed bad signature stays a failure.
    obs[4] = a(Case::Malformed(M::NoSeparator), 401);
    obs[0] = a(Case::Forged, 500);
    assert_eq!(signature(&obs, D, Scheme::StandardWebhooks).verdict, Verdict::Fail);
}

#[test]
fn rotation_needs_every_position_and_a_refused_all_invalid_header() {
    let cases = rotation_cases(Scheme::StandardWebhooks);
    assert_eq!(cases.first(), Some(&Case::AllInvalid), "negatives first");
    let good: Vec<_> = cases.iter().map(|c| a(*c, if *c == Case::AllInvalid { 401 } else { 200 })).collect();
    assert_eq!(rotation(&good, D, Scheme::StandardWebhooks).verdict, Verdict::Pass);
    // A verifier reading only the first entry: middle and last refused.
    let first_only: Vec<_> = cases
        .iter()
        .map(|c| a(*c, if matches!(c, Case::AllInvalid | Case::ValidAmong(1 | 2)) { 401 } else { 200 }))
        .collect();
    let r = rotation(&first_only, D, Scheme::StandardWebhooks);
    assert_eq!(r.verdict, Verdict::Fail);
    assert!(r.summary.contains("middle") && r.summary.contains("last") && !r.summary.contains("first among"));
    let accept_all: Vec<_> = cases.iter().map(|c| a(*c, 200)).collect();
    let r = rotation(&accept_all, D, Scheme::StandardWebhooks);
    assert!(r.verdict == Verdict::Fail && r.summary.contains("none valid"), "{}", r.summary);
    assert_eq!(rotation_cases(Scheme::HmacSha256), vec![Case::ProviderCase]);
    assert_eq!(rotation(&[], D, Scheme::StaticHeader).verdict, Verdict::NotApplicable);
}

#[test]
fn the_observer_fails_a_duplicate_processed_twice_and_confirms_once() {
    let pass = || duplicate(&[a(Case::First, 200), a(Case::Redelivery, 200)], D);
    let once = observed(pass(), &[("msg_1".into(), Ok(1))]);
    assert_eq!(once.verdict, Verdict::Pass);
    assert!(once.summary.contains("confirms each event was processed once"), "{}", once.summary);
    assert!(!once.summary.contains(SEEN_STATUS_ONLY));
    let twice = observed(pass(), &[("msg_1".into(), Ok(2))]);
    assert_eq!(twice.verdict, Verdict::Fail);
    assert!(twice.summary.contains("msg_1 2 times"), "{}", twice.summary);
    assert_eq!(twice.figures["observer_processed"], Figure::from(vec![2u64]));
    let unread = observed(pass(), &[("msg_1".into(), Err("the observer answered 404".into()))]);
    assert_eq!(unread.verdict, Verdict::Pass);
    assert!(unread.summary.contains("could not be read (the observer answered 404)"), "{}", unread.summary);
    let none = observed(pass(), &[]);
    assert!(none.summary.contains(SEEN_STATUS_ONLY) && !none.figures.contains_key("observer_processed"));
}

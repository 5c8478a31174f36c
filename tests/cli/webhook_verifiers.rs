//! The webhook checks against listeners built on real verifier libraries
//! (tests/peers/webhook_listener.py: the `standardwebhooks`, `svix` and `stripe` PyPI packages
//! and a GitHub-style HMAC one), and against the flawed listeners real partners write: each flaw
//! is caught by the check named for it, and the correct listeners pass every check.

use certcockpit::checks::webhook::{Scheme, WebhookTarget, run_checks, webhook_check_ids};
use certcockpit::checks::{CheckResult, NoProgress, Secret, Verdict};

use crate::support::{self, Listening};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HMAC_SECRET: &str = "gh-webhook-secret-3f9a1c";
const STRIPE_SECRET: &str = "whsec_test_5a1f0c9e8d7b6a5f4e3d2c1b0a9f8e7d";

/// A listener of tests/peers/webhook_listener.py in `mode`, killed when dropped.
fn peer(mode: &str, extra: &[&str], secret: &str) -> Listening {
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg(mode).args(extra).env("PEER_SECRET", secret);
    support::listening(cmd, "are standardwebhooks, svix and stripe installed? scripts/test installs them")
}

fn target(url: &str, scheme: Scheme, header: Option<&str>) -> WebhookTarget {
    let mut t = WebhookTarget::new(url, scheme, header, 3.0).expect("target");
    t.deliveries = 3;
    t
}

/// Runs `ids` (empty: every webhook check) and returns the results, the secret nowhere in them.
async fn run(target: &WebhookTarget, secret: &str, ids: &[&str]) -> Vec<CheckResult> {
    let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    let results = run_checks(target, &Secret::new(secret), &ids, &NoProgress).await;
    let text = serde_json::to_string(&results).expect("json");
    assert!(!text.contains(secret), "the secret leaked: {text}");
    results
}

fn get<'a>(results: &'a [CheckResult], id: &str) -> &'a CheckResult {
    results.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{id} missing"))
}

/// These peers listen on plain http on loopback: webhook.transport says "testing locally"
/// (inconclusive) for every one of them; the TLS listeners are in `webhook_transport.rs`.
const TRANSPORT: &str = "webhook.transport";

fn assert_all_pass(results: &[CheckResult], who: &str) {
    assert_eq!(results.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), webhook_check_ids());
    for r in results {
        let want = if r.id == TRANSPORT { Verdict::Inconclusive } else { Verdict::Pass };
        assert_eq!(r.verdict, want, "{who}: {}: {} {:?}", r.id, r.summary, r.observations);
    }
}

#[tokio::test]
async fn listeners_on_standardwebhooks_and_svix_pass_every_check_without_warnings() {
    for mode in ["standard-webhooks", "svix"] {
        let p = peer(mode, &[], SECRET);
        let results = run(&target(&p.url, Scheme::StandardWebhooks, None), SECRET, &[]).await;
        assert_all_pass(&results, mode);
        let sig = get(&results, "webhook.signature");
        assert!(!sig.figures.contains_key("warning"), "{mode}: {}", sig.summary);
        for key in ["no_separator", "unpadded_base64", "junk_characters", "non_numeric_timestamp"] {
            assert!(sig.figures.contains_key(&format!("{key}_status")), "{mode}: {key}: {:?}", sig.figures);
        }
        let rot = get(&results, "webhook.rotation");
        for key in ["valid_first", "valid_middle", "valid_last", "unknown_version", "all_invalid"] {
            assert!(rot.figures.contains_key(&format!("{key}_status")), "{mode}: {key}: {:?}", rot.figures);
        }
    }
}

#[tokio::test]
async fn a_github_style_listener_passes_every_check_it_can_and_accepts_lowercase_hex() {
    let p = peer("hmac-sha256", &[], HMAC_SECRET);
    let results = run(&target(&p.url, Scheme::HmacSha256, None), HMAC_SECRET, &[]).await;
    for r in &results {
        let want =
            if r.id == "webhook.replay" || r.id == TRANSPORT { Verdict::Inconclusive } else { Verdict::Pass };
        assert_eq!(r.verdict, want, "{}: {}", r.id, r.summary);
    }
    let rot = get(&results, "webhook.rotation");
    assert!(rot.figures.contains_key("lowercase_hex_status"), "{:?}", rot.figures);
}

#[tokio::test]
async fn reading_only_the_first_signature_fails_rotation_and_nothing_else() {
    let p = peer("first-signature-only", &[], SECRET);
    let results = run(&target(&p.url, Scheme::StandardWebhooks, None), SECRET, &[]).await;
    for r in &results {
        let want = if r.id == "webhook.rotation" {
            Verdict::Fail
        } else if r.id == TRANSPORT {
            Verdict::Inconclusive
        } else {
            Verdict::Pass
        };
        assert_eq!(r.verdict, want, "{}: {}", r.id, r.summary);
    }
    let rot = get(&results, "webhook.rotation");
    assert!(rot.summary.contains("middle") && rot.summary.contains("last"), "{}", rot.summary);
    assert!(!rot.summary.contains("first among"), "the first position passes: {}", rot.summary);
}

#[tokio::test]
async fn crashing_on_a_malformed_header_is_a_warning_in_signature() {
    let p = peer("crash-on-malformed", &[], SECRET);
    let t = target(&p.url, Scheme::StandardWebhooks, None);
    let results = run(&t, SECRET, &["webhook.signature"]).await;
    let sig = get(&results, "webhook.signature");
    assert_eq!(sig.verdict, Verdict::Pass, "{}", sig.summary);
    assert!(sig.summary.starts_with("warning: crashed on a malformed signature"), "{}", sig.summary);
    assert!(sig.summary.contains("redeliver an attack"), "{}", sig.summary);
    assert!(sig.figures.contains_key("warning"), "{:?}", sig.figures);
    // standardwebhooks raises ValueError without a comma and binascii.Error on bad base64; a
    // non-numeric timestamp is its own WebhookVerificationError, so that one is refused.
    for key in ["no_separator", "unpadded_base64", "junk_characters"] {
        assert_eq!(sig.figures[&format!("{key}_status")], 500.into(), "{key}: {:?}", sig.figures);
    }
    assert_eq!(sig.figures["non_numeric_timestamp_status"], 401.into(), "{:?}", sig.figures);
}

/// The official Stripe library's `construct_event` verifies what the cockpit signs for the
/// Stripe-style scheme (keyed with the whole `whsec_…` string) and passes every check; its
/// verifier accepts future timestamps, which is a warning for this scheme, not a failure.
#[tokio::test]
async fn a_listener_on_stripes_construct_event_passes_with_the_future_timestamp_warning() {
    let p = peer("stripe", &["--header", "Stripe-Signature"], STRIPE_SECRET);
    let t = target(&p.url, Scheme::TimestampedHmacSha256, None);
    assert_eq!(t.effective_header(), "Stripe-Signature");
    let results = run(&t, STRIPE_SECRET, &[]).await;
    assert_all_pass(&results, "stripe");
    let replay = get(&results, "webhook.replay");
    assert!(replay.summary.starts_with("warning: accepted"), "{}", replay.summary);
    assert!(replay.summary.contains("rejects only old timestamps"), "{}", replay.summary);
    assert_eq!(replay.figures["window_past"], "accepts 4 min 50 s, rejects 5 min 10 s".into());
    assert_eq!(replay.figures["window_future"], "accepts even 10 min (no window)".into());
    let rot = get(&results, "webhook.rotation");
    assert!(rot.figures.contains_key("unknown_version_status"), "{:?}", rot.figures);
}

#[tokio::test]
async fn a_listener_without_a_window_fails_replay_and_nothing_else() {
    let p = peer("no-window", &[], SECRET);
    let results = run(&target(&p.url, Scheme::StandardWebhooks, None), SECRET, &[]).await;
    for r in &results {
        let want = if r.id == "webhook.replay" {
            Verdict::Fail
        } else if r.id == TRANSPORT {
            Verdict::Inconclusive
        } else {
            Verdict::Pass
        };
        assert_eq!(r.verdict, want, "{}: {}", r.id, r.summary);
    }
    let replay = get(&results, "webhook.replay");
    assert!(replay.summary.contains("can be replayed"), "{}", replay.summary);
    assert_eq!(replay.figures["window_past"], "accepts even 10 min (no window)".into());
}

/// A listener stricter than the provider (2 minutes where the provider allows 5) is warned;
/// with the provider's tolerance set to 125 s (`--tolerance`), the same listener is fine.
#[tokio::test]
async fn a_window_stricter_than_the_providers_is_a_warning_and_the_tolerance_is_settable() {
    let p = peer("strict-window", &[], SECRET);
    let t = target(&p.url, Scheme::StandardWebhooks, None);
    let results = run(&t, SECRET, &["webhook.replay"]).await;
    let r = get(&results, "webhook.replay");
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert!(r.summary.starts_with("warning: rejected") && r.summary.contains("clock skew"), "{}", r.summary);
    assert_eq!(r.figures["window_past"], "rejects from 4 min 50 s".into());
    let t = t.with_tolerance(125).expect("tolerance");
    let results = run(&t, SECRET, &["webhook.replay"]).await;
    let r = get(&results, "webhook.replay");
    assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    assert!(!r.figures.contains_key("warning"), "{}", r.summary);
    assert_eq!(r.figures["window_past"], "accepts 1 min 55 s, rejects 2 min 15 s".into());
}

/// With the partner's side-effect observer, `webhook.duplicate` sees what status codes cannot:
/// a listener that acknowledges a redelivery and processes it again fails; a deduplicating
/// one is confirmed.
#[tokio::test]
async fn the_observer_catches_a_duplicate_processed_twice() {
    for (mode, want) in [("duplicates-twice", Verdict::Fail), ("standard-webhooks", Verdict::Pass)] {
        let p = peer(mode, &[], SECRET);
        let observer = p.url.replace("/hook", "/observer");
        let t = target(&p.url, Scheme::StandardWebhooks, None).with_observer(&observer).expect("observer");
        let results = run(&t, SECRET, &["webhook.duplicate", "webhook.ordering"]).await;
        let dup = get(&results, "webhook.duplicate");
        assert_eq!(dup.verdict, want, "{mode}: {}", dup.summary);
        let ord = get(&results, "webhook.ordering");
        assert_eq!(ord.verdict, Verdict::Pass, "{mode}: {}", ord.summary);
        assert!(ord.summary.contains("confirms each event was processed once"), "{mode}: {}", ord.summary);
        if want == Verdict::Fail {
            assert!(
                dup.summary.contains("2 times") && dup.summary.contains("deduplicate"),
                "{}",
                dup.summary
            );
        } else {
            assert!(dup.summary.contains("confirms each event was processed once"), "{}", dup.summary);
        }
    }
    // Without an observer the summaries say status codes only were seen.
    let p = peer("duplicates-twice", &[], SECRET);
    let results = run(&target(&p.url, Scheme::StandardWebhooks, None), SECRET, &["webhook.duplicate"]).await;
    let dup = get(&results, "webhook.duplicate");
    assert_eq!(dup.verdict, Verdict::Pass);
    assert!(dup.summary.contains("status codes only were seen"), "{}", dup.summary);
}

//! Our signatures verified by an independent implementation: the `standardwebhooks` crate
//! (the Standard Webhooks reference library for Rust), which shares no code with ours.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use certcockpit::checks::Secret;
use certcockpit::checks::webhook::signing::{Message, Signer, Variant, Wire};
use certcockpit::checks::webhook::{SampleEvent, Scheme};
use standardwebhooks::{Webhook, WebhookError};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn headers(w: &Wire) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in &w.headers {
        h.insert(
            HeaderName::from_bytes(n.as_bytes()).expect("name"),
            HeaderValue::from_str(v).expect("value"),
        );
    }
    h
}

fn message(timestamp: i64) -> Message {
    let body = SampleEvent::OkendoReview.render("msg_2fGx7Yq9", 17, 1, "2026-11-22T10:00:00.000Z");
    Message { id: "msg_2fGx7Yq9".into(), timestamp, body }
}

#[test]
fn the_reference_library_verifies_our_genuine_signature_and_refuses_every_variant() {
    let now = chrono::Utc::now().timestamp();
    let signer = Signer::new(Scheme::StandardWebhooks, "", &Secret::new(SECRET)).expect("signer");
    let reference = Webhook::new(SECRET).expect("reference verifier");
    let msg = message(now);

    let genuine = signer.wire(&msg, Variant::Genuine);
    reference.verify(genuine.body.as_bytes(), &headers(&genuine)).expect("genuine verifies");

    // And the reference library's own signature equals ours.
    let theirs = reference.sign(&msg.id, now, msg.body.as_bytes()).expect("sign");
    assert_eq!(
        headers(&genuine).get("webhook-signature").and_then(|v| v.to_str().ok()),
        Some(theirs.as_str())
    );

    for variant in [Variant::ForgedSignature, Variant::WrongSecret, Variant::TamperedBody] {
        let w = signer.wire(&msg, variant);
        let err = reference.verify(w.body.as_bytes(), &headers(&w)).expect_err("must not verify");
        assert!(matches!(err, WebhookError::InvalidSignature), "{variant:?}: {err}");
    }
    let missing = signer.wire(&msg, Variant::MissingSignature);
    let err = reference.verify(missing.body.as_bytes(), &headers(&missing)).expect_err("missing");
    assert!(matches!(err, WebhookError::MissingHeader(_)), "{err}");

    // Correctly signed, but outside the 5-minute tolerance: refused for the timestamp alone.
    let stale = signer.wire(&message(now - 600), Variant::Genuine);
    let err = reference.verify(stale.body.as_bytes(), &headers(&stale)).expect_err("stale");
    assert!(matches!(err, WebhookError::TimestampTooOldError), "{err}");
    let future = signer.wire(&message(now + 600), Variant::Genuine);
    let err = reference.verify(future.body.as_bytes(), &headers(&future)).expect_err("future");
    assert!(matches!(err, WebhookError::FutureTimestampError), "{err}");
}

#[test]
fn a_secret_without_the_prefix_signs_the_same() {
    let now = chrono::Utc::now().timestamp();
    let bare = SECRET.trim_start_matches("whsec_");
    let a = Signer::new(Scheme::StandardWebhooks, "", &Secret::new(bare)).expect("bare");
    let w = a.wire(&message(now), Variant::Genuine);
    Webhook::new(SECRET).expect("ref").verify(w.body.as_bytes(), &headers(&w)).expect("verifies");
}

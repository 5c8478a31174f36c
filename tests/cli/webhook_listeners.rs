//! The webhook checks through the library API against real axum listeners on 127.0.0.1:
//! one that verifies with the `standardwebhooks` crate and dedups by id, a naive one that
//! accepts everything, one that crashes on bad signatures, a slow one, a redirecting one.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use certcockpit::checks::webhook::{Scheme, WebhookTarget, run_checks, webhook_check_ids};
use certcockpit::checks::{CheckEvent, CheckResult, Secret, Verdict};
use standardwebhooks::Webhook;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

#[derive(Clone, Copy)]
enum Behaviour {
    /// Verifies with the reference crate (5-minute tolerance), then dedups by webhook-id.
    Correct,
    AcceptAll,
    /// Verifies, but answers 500 instead of 401 to a bad delivery.
    CrashOnBad,
    /// Waits this long before answering 200.
    Slow(Duration),
    /// Answers a permanent redirect.
    Redirect,
    /// Refuses everything, echoing every request header back in the body (a careless error page).
    EchoHeaders,
}

struct Listener {
    behaviour: Behaviour,
    verifier: Webhook,
    seen: Mutex<HashSet<String>>,
}

async fn hook(State(l): State<Arc<Listener>>, headers: HeaderMap, body: Bytes) -> Response {
    match l.behaviour {
        Behaviour::AcceptAll => StatusCode::OK.into_response(),
        Behaviour::Redirect => Redirect::permanent("/elsewhere").into_response(),
        Behaviour::EchoHeaders => {
            let echo: Vec<String> =
                headers.iter().map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or("?"))).collect();
            (StatusCode::FORBIDDEN, echo.join("; ")).into_response()
        }
        Behaviour::Slow(d) => {
            tokio::time::sleep(d).await;
            StatusCode::OK.into_response()
        }
        Behaviour::Correct | Behaviour::CrashOnBad => {
            if let Err(e) = l.verifier.verify(&body, &headers) {
                let status = if matches!(l.behaviour, Behaviour::Correct) {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                return (status, e.to_string()).into_response();
            }
            let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let fresh = l.seen.lock().expect("lock").insert(id);
            (StatusCode::OK, if fresh { "ok" } else { "duplicate" }).into_response()
        }
    }
}

/// Starts a listener on 127.0.0.1 and returns its URL.
async fn listen(behaviour: Behaviour) -> String {
    let state = Arc::new(Listener {
        behaviour,
        verifier: Webhook::new(SECRET).expect("verifier"),
        seen: Mutex::new(HashSet::new()),
    });
    let app = Router::new().route("/hook", post(hook)).with_state(state);
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = socket.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(socket, app).await.expect("serve") });
    format!("http://{addr}/hook")
}

fn target(url: &str, deadline_secs: f64) -> WebhookTarget {
    let mut t = WebhookTarget::new(url, Scheme::StandardWebhooks, None, deadline_secs).expect("target");
    t.deliveries = 5;
    t
}

fn verdict(results: &[CheckResult], id: &str) -> (Verdict, String) {
    let r = results.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{id} missing"));
    (r.verdict, r.summary.clone())
}

fn assert_no_secret(results: &[CheckResult]) {
    let text = serde_json::to_string(results).expect("json");
    assert!(!text.contains(SECRET) && !text.contains(SECRET.trim_start_matches("whsec_")));
}

#[tokio::test]
async fn a_correct_listener_passes_every_check_and_progress_is_reported() {
    let url = listen(Behaviour::Correct).await;
    let events = Mutex::new(Vec::new());
    let sink = |e: CheckEvent| events.lock().expect("lock").push(e);
    let results = run_checks(&target(&url, 2.0), &Secret::new(SECRET), &[], &sink).await;
    assert_eq!(results.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), webhook_check_ids());
    for r in &results {
        // Plain http on loopback: webhook.transport says "testing locally".
        let want = if r.id == "webhook.transport" { Verdict::Inconclusive } else { Verdict::Pass };
        assert_eq!(r.verdict, want, "{}: {} {:?}", r.id, r.summary, r.observations);
        assert!(!r.observations.is_empty() && !r.figures.is_empty(), "{}", r.id);
    }
    let sig = results.iter().find(|r| r.id == "webhook.signature").expect("signature");
    for case in ["forged", "missing", "wrong_secret", "tampered", "genuine"] {
        assert!(sig.figures.contains_key(&format!("{case}_status")), "{case}: {:?}", sig.figures);
    }
    let deadline = results.iter().find(|r| r.id == "webhook.deadline").expect("deadline");
    assert_eq!(deadline.observations.len(), 5);
    for key in ["p50_ms", "p95_ms", "max_ms", "latencies_ms", "statuses"] {
        assert!(deadline.figures.contains_key(key), "{key}");
    }
    let events = events.into_inner().expect("events");
    for id in webhook_check_ids() {
        let mine: Vec<_> = events.iter().filter(|e| e.id() == id).collect();
        assert!(matches!(mine.first(), Some(CheckEvent::Started { .. })), "{id}");
        assert!(matches!(mine.last(), Some(CheckEvent::Finished(_))), "{id}");
        assert!(mine.iter().any(|e| matches!(e, CheckEvent::Progress { .. })), "{id}");
    }
    assert_no_secret(&results);
}

#[tokio::test]
async fn a_listener_that_accepts_everything_fails_signature_and_replay() {
    let url = listen(Behaviour::AcceptAll).await;
    let results =
        run_checks(&target(&url, 2.0), &Secret::new(SECRET), &[], &certcockpit::checks::NoProgress).await;
    let (v, s) = verdict(&results, "webhook.signature");
    assert_eq!(v, Verdict::Fail, "{s}");
    assert!(s.contains("Accepted the forged signature (200)"), "{s}");
    let (v, s) = verdict(&results, "webhook.replay");
    assert_eq!(v, Verdict::Fail, "{s}");
    assert!(s.contains("can be replayed"), "{s}");
    // Accepting everything is fine for the checks that only need acknowledgement.
    for id in ["webhook.delivery", "webhook.duplicate", "webhook.ordering", "webhook.deadline"] {
        assert_eq!(verdict(&results, id).0, Verdict::Pass, "{id}");
    }
    assert_no_secret(&results);
}

#[tokio::test]
async fn crashing_on_a_bad_signature_is_not_a_rejection() {
    let url = listen(Behaviour::CrashOnBad).await;
    let ids = vec!["webhook.signature".to_owned(), "webhook.replay".to_owned()];
    let results =
        run_checks(&target(&url, 2.0), &Secret::new(SECRET), &ids, &certcockpit::checks::NoProgress).await;
    assert_eq!(results.len(), 2);
    for r in &results {
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("Crashed rather than rejected"), "{}", r.summary);
    }
}

#[tokio::test]
async fn a_slow_listener_fails_delivery_at_the_deadline_not_later() {
    let url = listen(Behaviour::Slow(Duration::from_secs(30))).await;
    let start = Instant::now();
    let ids = vec!["webhook.delivery".to_owned(), "webhook.deadline".to_owned()];
    let results =
        run_checks(&target(&url, 1.0), &Secret::new(SECRET), &ids, &certcockpit::checks::NoProgress).await;
    let elapsed = start.elapsed();
    let (v, s) = verdict(&results, "webhook.delivery");
    assert_eq!(v, Verdict::Fail, "{s}");
    assert!(s.contains("No answer within 1 s"), "{s}");
    let (v, s) = verdict(&results, "webhook.deadline");
    assert_eq!(v, Verdict::Fail, "{s}");
    assert!(s.contains("not answered within 1 s") && s.contains("4 not sent"), "{s}");
    // Two checks, each stopped at its first unanswered delivery: about two deadlines, never 30 s.
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let url = listen(Behaviour::Redirect).await;
    let ids = vec!["webhook.delivery".to_owned()];
    let results =
        run_checks(&target(&url, 2.0), &Secret::new(SECRET), &ids, &certcockpit::checks::NoProgress).await;
    let (v, s) = verdict(&results, "webhook.delivery");
    assert_eq!(v, Verdict::Fail, "{s}");
    assert!(s.contains("308") && s.contains("/elsewhere") && s.contains("do not follow redirects"), "{s}");
}

#[tokio::test]
async fn connection_refused_is_the_environment_not_a_fail() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let results =
        run_checks(&target(&url, 2.0), &Secret::new(SECRET), &[], &certcockpit::checks::NoProgress).await;
    assert_eq!(results.len(), webhook_check_ids().len());
    for r in &results {
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.id);
        assert!(r.environment_error().is_some(), "{}", r.id);
        assert!(r.summary.contains("could not be reached") && r.summary.contains("refused"), "{}", r.summary);
    }
}

#[tokio::test]
async fn a_secret_that_is_not_base64_makes_every_check_inconclusive() {
    let url = listen(Behaviour::Correct).await;
    let results = run_checks(
        &target(&url, 2.0),
        &Secret::new("whsec_%%%not-base64%%%"),
        &[],
        &certcockpit::checks::NoProgress,
    )
    .await;
    for r in &results {
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.id);
        assert!(r.summary.contains("base64") && !r.summary.contains("%%%"), "{}", r.summary);
    }
}

#[tokio::test]
async fn a_tls_failure_is_the_environment_not_a_fail() {
    // https:// to a plain-HTTP listener: the TLS handshake fails.
    let url = listen(Behaviour::Correct).await.replacen("http://", "https://", 1);
    let ids = vec!["webhook.delivery".to_owned()];
    let results =
        run_checks(&target(&url, 2.0), &Secret::new(SECRET), &ids, &certcockpit::checks::NoProgress).await;
    let (v, s) = verdict(&results, "webhook.delivery");
    assert_eq!(v, Verdict::Inconclusive, "{s}");
    assert!(s.contains("could not be reached (TLS handshake failed: "), "{s}");
}

#[tokio::test]
async fn a_secret_echoed_by_the_listener_is_redacted_everywhere() {
    // Long enough that an 80-character observation line would cut it in half.
    const STATIC: &str = "okhi-static-token-91x-4c7e2a90b1d34f58a6e2";
    let url = listen(Behaviour::EchoHeaders).await;
    let t = WebhookTarget::new(&url, Scheme::StaticHeader, Some("X-OkHi-Token"), 2.0).expect("target");
    let events = Mutex::new(Vec::new());
    let sink = |e: CheckEvent| events.lock().expect("lock").push(e);
    let results = run_checks(&t, &Secret::new(STATIC), &[], &sink).await;
    let (v, s) = verdict(&results, "webhook.signature");
    assert_eq!(v, Verdict::Fail, "{s}");
    let everything = format!("{results:?} {:?}", events.lock().expect("lock"));
    assert!(everything.contains("x-okhi-token: ***"), "the echo should be visible, redacted");
    assert!(!everything.contains(&STATIC[..16]), "the secret leaked: {everything}");
}

/// How the TUI runs the checks: on a spawned task (the future must be `Send + 'static` once
/// its inputs are moved in), with progress arriving on a channel while the UI stays free.
#[tokio::test]
async fn runs_on_a_spawned_task_reporting_through_a_channel() {
    let url = listen(Behaviour::Correct).await;
    let t = target(&url, 2.0);
    let secret = Secret::new(SECRET);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<CheckEvent>();
    let ids = vec!["webhook.duplicate".to_owned()];
    let task = tokio::spawn(async move { run_checks(&t, &secret, &ids, &tx).await });
    let mut seen = Vec::new();
    while let Some(event) = rx.recv().await {
        seen.push(event);
    }
    let results = task.await.expect("task");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].verdict, Verdict::Pass, "{}", results[0].summary);
    assert!(matches!(seen.first(), Some(CheckEvent::Started { id }) if id == "webhook.duplicate"));
    assert_eq!(seen.iter().filter(|e| matches!(e, CheckEvent::Progress { .. })).count(), 2);
    assert!(matches!(seen.last(), Some(CheckEvent::Finished(r)) if r.verdict == Verdict::Pass));
}

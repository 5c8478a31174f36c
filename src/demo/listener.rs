//! The demo webhook listener. Good: verifies Standard Webhooks signatures with the independent
//! `standardwebhooks` crate (which also enforces a 5-minute timestamp tolerance), acknowledges
//! duplicates without processing them twice, and answers at once. Flawed: trusts every request
//! and is not idempotent (a repeated event id makes it fail with a 500). Given the evidence
//! API ([`DemoListener::reconcile_with`]), the good one also has a fallback for missed events:
//! when the sequence numbers it has seen leave a hole, it lists the API's collection (what
//! `webhook.fallback` looks for); the flawed one only fetches the resource each event names
//! (a thin-event listener with no fallback: `webhook.fallback` fails it).

use std::collections::{BTreeSet, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use super::Behaviour;
use crate::checks::Secret;
use crate::checks::api::EvidenceApi;

struct Shared {
    verifier: standardwebhooks::Webhook,
    behaviour: Behaviour,
    seen: Mutex<HashSet<String>>,
    sequences: Mutex<Sequences>,
    api: Mutex<Option<Arc<EvidenceApi>>>,
}

/// A running demo listener; it stops when the runtime does or when `shutdown` is called.
pub struct DemoListener {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    shared: Arc<Shared>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo webhook secret is not a valid Standard Webhooks secret: {0}")]
    Secret(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
}

impl DemoListener {
    /// Starts the listener on `127.0.0.1` (any free port) at path `/webhook`.
    pub async fn start(secret: &Secret, behaviour: Behaviour) -> Result<Self, DemoError> {
        let verifier =
            standardwebhooks::Webhook::new(secret.expose()).map_err(|e| DemoError::Secret(e.to_string()))?;
        let shared = Arc::new(Shared {
            verifier,
            behaviour,
            seen: Mutex::new(HashSet::new()),
            sequences: Mutex::new(Sequences::default()),
            api: Mutex::new(None),
        });
        let app = Router::new().route("/webhook", post(receive)).with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|source| DemoError::Bind { addr: "127.0.0.1:0".into(), source })?;
        let addr =
            listener.local_addr().map_err(|source| DemoError::Bind { addr: "127.0.0.1:0".into(), source })?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self { addr, stop: Some(stop), shared })
    }

    /// Gives the good listener its fallback: the evidence API it reconciles missed events from.
    pub fn reconcile_with(&self, api: Arc<EvidenceApi>) {
        *self.shared.api.lock().unwrap_or_else(|p| p.into_inner()) = Some(api);
    }

    /// The URL to deliver to.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    pub fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for DemoListener {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if shared.behaviour.is_flawed() {
        // Trusts everything, and "processes" each delivery by inserting it: a repeat collides.
        let fresh = shared.seen.lock().map(|mut s| s.insert(id)).unwrap_or(true);
        return if fresh {
            fetch_announced(&shared, &body);
            (StatusCode::OK, "processed")
        } else {
            (StatusCode::INTERNAL_SERVER_ERROR, "duplicate key value violates unique constraint")
        };
    }
    if shared.verifier.verify(&body, &headers).is_err() {
        return (StatusCode::UNAUTHORIZED, "invalid signature");
    }
    let fresh = shared.seen.lock().map(|mut s| s.insert(id)).unwrap_or(true);
    if fresh {
        reconcile_if_gap(&shared, &body);
    }
    if fresh { (StatusCode::NO_CONTENT, "") } else { (StatusCode::OK, "already processed") }
}

/// A hole this much wider than one event is taken for a different stream (each check run
/// numbers its events from its own base), not for missed events.
const MAX_GAP: u64 = 1_000;

/// The sequence numbers seen, and the holes already reconciled (each by its first missing
/// number): every new hole is reconciled once, however many came before it.
#[derive(Default)]
struct Sequences {
    seen: BTreeSet<u64>,
    reconciled: BTreeSet<u64>,
}

impl Sequences {
    /// Notes `seq`; the first number of a hole it leaves next to its nearest neighbours, if
    /// that hole is new.
    fn note(&mut self, seq: u64) -> Option<u64> {
        if !self.seen.insert(seq) {
            return None;
        }
        let below =
            self.seen.range(..seq).next_back().copied().filter(|lo| seq - lo > 1 && seq - lo <= MAX_GAP);
        let above =
            self.seen.range(seq + 1..).next().copied().filter(|hi| hi - seq > 1 && hi - seq <= MAX_GAP);
        let first_missing = below.map(|lo| lo + 1).or(above.map(|_| seq + 1))?;
        self.reconciled.insert(first_missing).then_some(first_missing)
    }
}

/// Notes the event's sequence number (`sequence` or `sequenceNumber`); when those seen leave a
/// new hole, lists the API's collection, in the background (acknowledging comes first).
fn reconcile_if_gap(shared: &Shared, body: &[u8]) {
    let event: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let Some(seq) = event.get("sequence").or_else(|| event.get("sequenceNumber")).and_then(|v| v.as_u64())
    else {
        return;
    };
    let Some(api) = shared.api.lock().unwrap_or_else(|p| p.into_inner()).clone() else { return };
    if shared.sequences.lock().unwrap_or_else(|p| p.into_inner()).note(seq).is_none() {
        return;
    }
    let collection = api.profile().main_collection().path.example();
    let url = format!("{}{collection}", origin(&api.base_url()));
    tokio::spawn(fetch(api, url));
}

/// The flawed listener's only use of the API: the resource the event names (`resource.url`),
/// never what it was not told about.
fn fetch_announced(shared: &Shared, body: &[u8]) {
    let event: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let Some(url) = event.pointer("/resource/url").and_then(|u| u.as_str()) else { return };
    let Some(api) = shared.api.lock().unwrap_or_else(|p| p.into_inner()).clone() else { return };
    // Only the API's own resources: a forged event must not make the demo call elsewhere
    // with the API's token (`http://127.0.0.1:8080@elsewhere/` starts with the origin too).
    if !same_origin(url, &api.base_url()) {
        return;
    }
    tokio::spawn(fetch(api, url.to_owned()));
}

/// Whether `url` parses and has `base`'s scheme, host and port (and no user information).
fn same_origin(url: &str, base: &str) -> bool {
    match (reqwest::Url::parse(url), reqwest::Url::parse(base)) {
        (Ok(u), Ok(b)) => u.username().is_empty() && u.password().is_none() && u.origin() == b.origin(),
        _ => false,
    }
}

/// `GET url` with a token from the client-credentials grant; the outcome is the API's journal.
async fn fetch(api: Arc<EvidenceApi>, url: String) {
    let http = reqwest::Client::new();
    let (id, secret) = api.credentials();
    let token = http
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .ok()
        .map(|r| r.json::<serde_json::Value>());
    let token = match token {
        Some(json) => json.await.ok().and_then(|j| j["access_token"].as_str().map(str::to_owned)),
        None => None,
    };
    let _ = http.get(url).bearer_auth(token.unwrap_or_default()).send().await;
}

fn origin(base: &str) -> String {
    reqwest::Url::parse(base).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /// A forged event's resource URL is fetched only on the API's own origin: a prefix match
    /// let user information or a longer port through.
    #[test]
    fn only_the_apis_own_origin_is_fetched() {
        let base = "http://127.0.0.1:8080/v1";
        assert!(same_origin("http://127.0.0.1:8080/v1/items/3", base));
        for forged in [
            "http://127.0.0.1:8080@elsewhere.example/x",
            "http://127.0.0.1:80801/x",
            "http://127.0.0.1:8080.elsewhere.example/x",
            "https://127.0.0.1:8080/x",
            "not a url",
        ] {
            assert!(!same_origin(forged, base), "{forged}");
        }
    }

    async fn deliver(url: &str, id: &str, signature: Option<String>, ts: i64, body: &str) -> u16 {
        let mut req = reqwest::Client::new()
            .post(url)
            .header("webhook-id", id)
            .header("webhook-timestamp", ts.to_string())
            .body(body.to_owned());
        if let Some(sig) = signature {
            req = req.header("webhook-signature", sig);
        }
        req.send().await.expect("listener answers").status().as_u16()
    }

    #[test]
    fn each_new_hole_is_reconciled_once() {
        let mut s = Sequences::default();
        assert_eq!((s.note(101), s.note(102), s.note(104)), (None, None, Some(103)));
        assert_eq!((s.note(104), s.note(106)), (None, Some(105)), "a repeat is nothing, a new hole is");
        assert_eq!(s.note(50_000), None, "another run's numbering, not a hole");
        assert_eq!((s.note(50_003), s.note(50_002)), (Some(50_001), None), "the same hole once");
    }

    #[tokio::test]
    async fn good_verifies_and_dedups_flawed_trusts_and_breaks() {
        let signer = standardwebhooks::Webhook::new(SECRET).expect("secret");
        let behaviour = Behaviour::new(false);
        let listener = DemoListener::start(&Secret::new(SECRET), behaviour.clone()).await.expect("start");
        let url = listener.url();
        let ts = chrono::Utc::now().timestamp();
        let body = r#"{"type":"demo"}"#;
        let good = |id: &str| signer.sign(id, ts, body.as_bytes()).expect("sign");

        assert_eq!(deliver(&url, "msg_1", Some(good("msg_1")), ts, body).await, 204);
        assert_eq!(
            deliver(&url, "msg_1", Some(good("msg_1")), ts, body).await,
            200,
            "duplicate acknowledged"
        );
        assert_eq!(deliver(&url, "msg_2", None, ts, body).await, 401, "missing signature");
        assert_eq!(deliver(&url, "msg_3", Some(good("msg_3")), ts, "{}").await, 401, "tampered body");
        let old = ts - 600;
        let stale = signer.sign("msg_4", old, body.as_bytes()).expect("sign");
        assert_eq!(deliver(&url, "msg_4", Some(stale), old, body).await, 401, "replayed timestamp");

        assert!(behaviour.toggle(), "now flawed");
        assert_eq!(
            deliver(&url, "msg_5", Some("v1,Zm9yZ2Vk".into()), ts, body).await,
            200,
            "forged accepted"
        );
        assert_eq!(deliver(&url, "msg_5", None, ts, body).await, 500, "duplicate breaks it");
    }

    /// The cockpit's `webhook.fallback` against the demo: the good listener reconciles the gap
    /// from the API (each time: a second run is a new hole), the flawed one fetches only what
    /// it was told about.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_good_listener_reconciles_a_missed_event() {
        use crate::checks::webhook::{FallbackRun, Scheme, WebhookTarget, run_fallback};
        use crate::checks::{NoProgress, Verdict};
        for (flawed, verdict) in [(false, Verdict::Pass), (false, Verdict::Pass), (true, Verdict::Fail)] {
            let secret = Secret::new(SECRET);
            let listener = DemoListener::start(&secret, Behaviour::new(flawed)).await.expect("start");
            let api = Arc::new(EvidenceApi::start("127.0.0.1:0").await.expect("api"));
            listener.reconcile_with(Arc::clone(&api));
            let target =
                WebhookTarget::new(&listener.url(), Scheme::StandardWebhooks, None, 5.0).expect("target");
            let run = FallbackRun {
                target: &target,
                secret: &secret,
                api: &api,
                window: std::time::Duration::from_secs(3),
            };
            let r = run_fallback(run, &NoProgress).await;
            assert_eq!(r.verdict, verdict, "flawed {flawed}: {} {:?}", r.summary, r.observations);
        }
    }
}

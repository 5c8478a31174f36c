//! The demo webhook listener. Good: verifies Standard Webhooks signatures with the independent
//! `standardwebhooks` crate (which also enforces a 5-minute timestamp tolerance), acknowledges
//! duplicates without processing them twice, and answers at once. Flawed: trusts every request
//! and is not idempotent (a repeated event id makes it fail with a 500).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use super::Behaviour;
use crate::checks::Secret;

struct Shared {
    verifier: standardwebhooks::Webhook,
    behaviour: Behaviour,
    seen: Mutex<HashSet<String>>,
}

/// A running demo listener; it stops when the runtime does or when `shutdown` is called.
pub struct DemoListener {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
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
        let shared = Arc::new(Shared { verifier, behaviour, seen: Mutex::new(HashSet::new()) });
        let app = Router::new().route("/webhook", post(receive)).with_state(shared);
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
        Ok(Self { addr, stop: Some(stop) })
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
            (StatusCode::OK, "processed")
        } else {
            (StatusCode::INTERNAL_SERVER_ERROR, "duplicate key value violates unique constraint")
        };
    }
    if shared.verifier.verify(&body, &headers).is_err() {
        return (StatusCode::UNAUTHORIZED, "invalid signature");
    }
    let fresh = shared.seen.lock().map(|mut s| s.insert(id)).unwrap_or(true);
    if fresh { (StatusCode::NO_CONTENT, "") } else { (StatusCode::OK, "already processed") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

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
}

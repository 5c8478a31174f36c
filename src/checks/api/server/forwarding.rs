//! The forwarding client of proxy mode: hyper's pooled client (HTTP/1.1 and, over TLS, HTTP/2
//! by ALPN) with rustls and the platform's trust (as reqwest's, so `SSL_CERT_FILE` is honoured),
//! rather than reqwest. reqwest parsed each request's URL three times (its own `Url`, its
//! redirect policy even when it follows none, and its hyper request) and went through its
//! redirect and retry layers: a fifth of the proxy's instructions per request (BENCHMARKS.md,
//! "Proxy mode's added latency"). What the proxy needs from a client is kept: no redirects
//! followed (a redirect is the client's to follow), no system proxy (loopback sandboxes stay
//! loopback), one deadline for the whole exchange, and a cap on the body read.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls_platform_verifier::BuilderVerifierExt;
use tokio_rustls::rustls;

/// Idle pooled connections to upstream are closed after this.
const POOL_IDLE: Duration = Duration::from_secs(90);

/// What upstream answered: status, headers and the whole body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why upstream gave no usable answer.
pub enum Failure {
    /// No response arrived (refused, reset, bad TLS, no answer within the deadline).
    Unreachable(String),
    /// The response began but its body broke off or was too large.
    BrokeOff(String),
}

/// A pooled client for one upstream.
#[derive(Debug, Clone)]
pub struct Forwarder {
    client: Client<HttpsConnector<HttpConnector>, Body>,
    timeout: Duration,
    max_body: usize,
}

impl Forwarder {
    /// A client whose exchanges (connecting, sending, reading the whole body) must end within
    /// `timeout` and whose response bodies may be at most `max_body` bytes.
    pub fn new(timeout: Duration, max_body: usize) -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_platform_verifier())
            .map_err(|e| format!("cannot set up TLS for the upstream: {e}"))?
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        // The connector also carries https:// (the TLS layer wraps it).
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            // HTTP/2 where upstream offers it by ALPN (as reqwest did), HTTP/1.1 otherwise.
            .enable_all_versions()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https);
        Ok(Self { client, timeout, max_body })
    }

    /// Sends one request to `uri` (absolute) and reads the answer whole.
    pub async fn exchange(
        &self,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Answer, Failure> {
        let mut req = Request::new(Body::from(body));
        *req.method_mut() = method;
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        let deadline = tokio::time::Instant::now() + self.timeout;
        let secs = self.timeout.as_secs();
        let resp = match tokio::time::timeout_at(deadline, self.client.request(req)).await {
            Ok(Ok(resp)) => resp,
            Ok(Err(e)) => return Err(Failure::Unreachable(error_chain(&e))),
            Err(_) => return Err(Failure::Unreachable(format!("no answer within {secs} s"))),
        };
        let (parts, body) = resp.into_parts();
        let body = match tokio::time::timeout_at(deadline, read_limited(body, self.max_body)).await {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => return Err(Failure::BrokeOff(e)),
            Err(_) => return Err(Failure::BrokeOff(format!("the body was not complete within {secs} s"))),
        };
        Ok(Answer { status: parts.status, headers: parts.headers, body })
    }
}

/// Reads a response body up to `max` bytes. A body that arrives in one chunk (most do) is
/// kept as it came, not copied.
async fn read_limited(mut body: Incoming, max: usize) -> Result<Bytes, String> {
    let mut whole: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| error_chain(&e))?;
        let Ok(chunk) = frame.into_data() else { continue };
        let len = whole.as_ref().map_or(joined.len(), Bytes::len) + chunk.len();
        if len > max {
            return Err(format!("more than {} MiB", max / (1024 * 1024)));
        }
        match whole.take() {
            None if joined.is_empty() => whole = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(first) => {
                joined.reserve(len);
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(whole.unwrap_or_else(|| Bytes::from(joined)))
}

/// An error and its causes on one line (hyper's top error alone often says only "client
/// error (Connect)").
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

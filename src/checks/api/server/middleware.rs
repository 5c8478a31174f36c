//! Every request passes here: it is timed on arrival, bounded in time, given a fresh
//! `X-Trace-Id`, and journaled (with the client secret and tokens redacted from what the
//! client controls) — also when the client goes away before the response, which a
//! drop guard catches (the handler's future is dropped then, and nothing after it runs).

use std::sync::Arc;
use std::time::Duration;

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use tower_service::Service;

use super::{PresentedToken, Served, ServerState};
use crate::checks::Secret;
use crate::checks::api::journal::{JournalEntry, RequestKind};
use crate::checks::api::tokens::{redact, token_hash, trace_id};

/// A request (body included) must be handled within this; the slowest scenario page takes 0.7 s.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_PATH_CHARS: usize = 200;
const MAX_CLIENT_NAME_CHARS: usize = 100;

pub static X_TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");
pub static X_CLIENT_NAME: HeaderName = HeaderName::from_static("x-client-name");

/// Journals the entry when dropped, so a request whose client vanished is still recorded.
struct Pending {
    state: Arc<ServerState>,
    entry: Option<JournalEntry>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.done_us = self.state.journal.now_us();
            self.state.journal.push(entry);
        }
    }
}

/// Wraps `router` for one request: the journal entry is started here, before the router runs,
/// and finished when the response is ready (or dropped). A plain function around the router
/// rather than an axum `from_fn` layer, which boxes and clones the inner service on every
/// request — a tenth of the server's time per request under load (BENCHMARKS.md).
pub(crate) fn journal_and_trace(
    state: &Arc<ServerState>,
    router: &Router,
    req: Request<Incoming>,
) -> impl Future<Output = Result<Response, Infallible>> + Send + use<> {
    let mut req = req.map(Body::new);
    let at_us = state.journal.now_us();
    let seq = state.journal.next_seq();
    let trace = trace_id();
    // Built before the id moves into the entry; hex is always a valid header value.
    let trace_header = HeaderValue::from_str(&trace).ok();
    // Hashed once: the journal names the token by it and the handler checks it by it.
    let token = bearer(req.headers()).map(token_hash);
    if let Some(hash) = &token {
        req.extensions_mut().insert(PresentedToken(hash.clone()));
    }
    // A careless client may put its secret or tokens in the query or its client name (RFC 6750
    // even allows `?access_token=`); the journal keeps neither.
    let secret = &state.creds.client_secret;
    let mut pending = Pending {
        entry: Some(JournalEntry {
            seq,
            at_us,
            done_us: at_us,
            method: req.method().as_str().to_owned(),
            // Redacted before cutting, so no part of a secret survives a cut.
            path: journal_text(
                req.uri().path_and_query().map_or("/", |p| p.as_str()),
                secret,
                MAX_PATH_CHARS,
            ),
            status: 0,
            token,
            client_name: req.headers().get(&X_CLIENT_NAME).map(|v| {
                cut(
                    &printable(&redact(&String::from_utf8_lossy(v.as_bytes()), secret)),
                    MAX_CLIENT_NAME_CHARS,
                )
            }),
            trace_id: trace,
            retry_after_ms: None,
            retry_after_form: None,
            kind: RequestKind::Other,
        }),
        state: state.clone(),
    };
    // axum's `Router` is always ready (`poll_ready` returns `Ready` unconditionally), so
    // calling it straight away keeps the `Service` contract. Cloning it is an `Arc` clone.
    let routed = router.clone().call(req);

    async move {
        let mut resp = match tokio::time::timeout(REQUEST_TIMEOUT, routed).await {
            Ok(Ok(resp)) => resp,
            Ok(Err(never)) => match never {},
            Err(_) => (StatusCode::REQUEST_TIMEOUT, "request took too long\n").into_response(),
        };
        if let Some(v) = trace_header {
            resp.headers_mut().insert(X_TRACE_ID.clone(), v);
        }
        if let Some(entry) = pending.entry.as_mut() {
            entry.status = resp.status().as_u16();
            if let Some(served) = resp.extensions_mut().remove::<Served>() {
                entry.kind = served.kind;
                if let Some(ra) = served.retry_after {
                    entry.retry_after_ms = Some(ra.ms);
                    entry.retry_after_form = Some(ra.form);
                }
            }
        }
        drop(pending);
        Ok(resp)
    }
}

/// The bearer token of an `Authorization` header, if there is one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// `text` redacted and cut to `max` characters. Most paths hold neither the secret nor anything
/// shaped like a token and are short: those are copied once instead of going through
/// `redact` and `cut` (three copies), the same result for every input (a property test checks).
fn journal_text(text: &str, secret: &Secret, max: usize) -> String {
    let clean = text.len() <= max
        && !text.contains("at-")
        && !text.contains("rt-")
        && !text.contains(secret.expose());
    if clean { text.to_owned() } else { cut(&redact(text, secret), max) }
}

/// Replaces control characters (escape sequences would reach the reviewer's terminal through
/// summaries and the live journal) with U+FFFD.
fn printable(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect()
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { s.chars().take(max).chain("…".chars()).collect() }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any Authorization bytes: a bearer token is non-empty and trimmed, or there is none.
        #[test]
        fn any_authorization_gives_a_clean_token_or_none(raw in proptest::collection::vec(any::<u8>(), 0..120)) {
            let mut h = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_bytes(&raw) {
                h.insert(header::AUTHORIZATION, v);
            }
            if let Some(t) = bearer(&h) {
                prop_assert!(!t.is_empty() && t.trim() == t);
            }
        }

        /// Any client name reaches the journal (and the screen) printable and bounded.
        #[test]
        fn any_client_name_is_made_printable_and_bounded(raw in proptest::collection::vec(any::<u8>(), 0..400)) {
            let shown = cut(&printable(&String::from_utf8_lossy(&raw)), MAX_CLIENT_NAME_CHARS);
            prop_assert!(!shown.chars().any(char::is_control));
            prop_assert!(shown.chars().count() <= MAX_CLIENT_NAME_CHARS + 1);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// The short cut for clean paths gives what redacting and cutting gives.
        #[test]
        fn journal_text_is_redact_then_cut(
            text in "(/items\\?page=[0-9]{1,3}|[a-z/?&=.-]{0,10}|at-[A-Za-z0-9]{0,30}|rt-|s3cret-x){0,8}",
            max in 1usize..60,
        ) {
            let secret = Secret::new("s3cret-x");
            prop_assert_eq!(journal_text(&text, &secret, max), cut(&redact(&text, &secret), max));
            prop_assert_eq!(journal_text(&text, &secret, MAX_PATH_CHARS), cut(&redact(&text, &secret), MAX_PATH_CHARS));
        }
    }

    #[test]
    fn client_names_are_made_printable_and_cut() {
        assert_eq!(printable("acme\u{1b}[31m\u{9b}x\t"), "acme\u{fffd}[31m\u{fffd}x\u{fffd}");
        assert_eq!(cut("abcdef", 3), "abc…");
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer  tok "));
        assert_eq!(bearer(&h), Some("tok"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}

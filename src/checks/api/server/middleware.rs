//! Every request passes here: it is timed on arrival, given a fresh
//! `X-Trace-Id`, and journaled (with the client secret and tokens redacted from what the
//! client controls) — also when the request is cut short before its response (the server
//! stopping mid-request), which a drop guard catches: the handler's future is dropped then,
//! and nothing after it runs.

use std::sync::Arc;
use std::time::Duration;

use std::cell::RefCell;
use std::convert::Infallible;

use axum::body::Body;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Request, header};
use axum::response::Response;
use compact_str::CompactString;

use super::{RetryAfter, ServerState};
use crate::checks::Secret;
use crate::checks::api::journal::{JournalEntry, RequestKind};
use crate::checks::api::profile::AuthKind;
use crate::checks::api::tokens::{redact, token_hash, trace_id};

/// A request body must arrive and be handled within this.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_PATH_CHARS: usize = 200;
const MAX_CLIENT_NAME_CHARS: usize = 100;

tokio::task_local! {
    /// The journal entry of the request being served, in reach of its handler, which reads the
    /// presented token's hash from it and writes what it served into it. (Request and response
    /// extensions did this before at the cost of two hash maps, four heap allocations and a
    /// copy of the hash per request.) Each connection is one task serving one request at a
    /// time, so the entry in scope is always the current request's.
    static CURRENT: RefCell<Pending>;
}

/// A journal entry under way. Journaled when finished, or when dropped unfinished, so a
/// request cut short (its future dropped mid-way) is still recorded.
struct Pending {
    state: Arc<ServerState>,
    entry: Option<JournalEntry>,
}

impl Pending {
    /// Journals the entry with the status served (0: none, the request was cut short).
    fn finish(&mut self, status: u16) {
        if let Some(mut entry) = self.entry.take() {
            entry.status = status;
            entry.done_us = self.state.journal.now_us();
            self.state.journal.push(entry);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.finish(0);
    }
}

/// Calls `f` with the hash of the bearer token the current request presented (`None` when it
/// presented none); `None` outside a journaled request, where no token can have been seen.
pub(crate) fn with_presented_token<R>(f: impl FnOnce(Option<&str>) -> R) -> Option<R> {
    CURRENT
        .try_with(|p| {
            let pending = p.borrow();
            f(pending.entry.as_ref().and_then(|e| e.token.as_deref()))
        })
        .ok()
}

/// Tells the journal what the current request was and which `Retry-After` it was served.
pub(crate) fn record_served(kind: RequestKind, retry_after: Option<RetryAfter>) {
    let _ = CURRENT.try_with(|p| {
        if let Some(entry) = p.borrow_mut().entry.as_mut() {
            entry.kind = kind;
            if let Some(ra) = retry_after {
                entry.retry_after_ms = Some(ra.ms);
                entry.retry_after_form = Some(ra.form);
            }
        }
    });
}

/// Wraps [`super::dispatch`] for one request: the journal entry is started here, before the
/// request is routed, and finished when the response is ready (or dropped). A plain function
/// rather than an axum `from_fn` layer, which boxes and clones the inner service on every
/// request — a tenth of the server's time per request under load (BENCHMARKS.md).
pub(crate) fn journal_and_trace<B>(
    state: &Arc<ServerState>,
    req: Request<B>,
) -> impl Future<Output = Result<Response, Infallible>> + Send + use<B>
where
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let req = req.map(Body::new);
    let at_us = state.journal.now_us();
    let seq = state.journal.next_seq();
    let trace = trace_id();
    // Built before the id moves into the entry; hex is always a valid header value.
    let trace_header = HeaderValue::from_str(&trace).ok();
    // Hashed once: the journal names the token (or API key) by it and the handler checks it
    // by it.
    let token = presented_credential(state, req.headers()).map(token_hash);
    // A careless client may put its secret or tokens in the query or its client name (RFC 6750
    // even allows `?access_token=`); the journal keeps neither.
    let secret = &state.creds.client_secret;
    let pending = Pending {
        entry: Some(JournalEntry {
            seq,
            at_us,
            done_us: at_us,
            method: CompactString::from(req.method().as_str()),
            // Redacted before cutting, so no part of a secret survives a cut.
            path: journal_text(
                &super::proxy::mask_secret_params(req.uri().path_and_query().map_or("/", |p| p.as_str())),
                secret,
                MAX_PATH_CHARS,
            ),
            status: 0,
            token,
            client_name: req.headers().get(&state.client_name_header).map(|v| {
                cut(
                    &printable(&redact(&String::from_utf8_lossy(v.as_bytes()), secret)),
                    MAX_CLIENT_NAME_CHARS,
                )
                .into()
            }),
            trace_id: trace,
            retry_after_ms: None,
            retry_after_form: None,
            kind: RequestKind::Other,
        }),
        state: state.clone(),
    };
    // Boxed: a handler's future is kilobytes (the upstream exchange's state), and hyper moves
    // the future it is given several times per request; a box is moved as a pointer.
    let routed = Box::pin(super::dispatch(state.clone(), req));
    let trace_name = state.trace_header.clone();

    CURRENT.scope(RefCell::new(pending), async move {
        let mut resp = routed.await;
        // A response with its own trace id (upstream's, in proxy mode) keeps it, and the
        // journal names that one.
        let own = resp
            .headers()
            .get(&trace_name)
            .map(|v| cut(&printable(&String::from_utf8_lossy(v.as_bytes())), 64));
        if own.is_none()
            && let Some(v) = trace_header
        {
            resp.headers_mut().insert(trace_name, v);
        }
        let _ = CURRENT.try_with(|p| {
            let mut p = p.borrow_mut();
            if let (Some(own), Some(entry)) = (own, p.entry.as_mut()) {
                entry.trace_id = own;
            }
            p.finish(resp.status().as_u16())
        });
        Ok(resp)
    })
}

/// What the request presented to authenticate: the profile's API key header (API-key
/// profiles) or the bearer token.
fn presented_credential<'a>(state: &ServerState, headers: &'a HeaderMap) -> Option<&'a str> {
    // A proxy with no profile takes whichever the client sends.
    if state.upstream.as_ref().is_some_and(|u| !u.profiled) {
        let key =
            headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty());
        return bearer(headers).or(key);
    }
    match state.profile.auth.kind {
        AuthKind::ApiKey => headers
            .get(state.profile.auth.api_key_header.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty()),
        AuthKind::OAuth2ClientCredentials | AuthKind::BearerStatic => bearer(headers),
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
fn journal_text(text: &str, secret: &Secret, max: usize) -> CompactString {
    let clean = text.len() <= max
        && !text.contains("at-")
        && !text.contains("rt-")
        && !text.contains(secret.expose());
    if clean { CompactString::from(text) } else { cut(&redact(text, secret), max).into() }
}

/// Shows control, bidi and zero-width characters escaped (escape sequences would reach the
/// reviewer's terminal through summaries and the live journal): [`crate::text::neutralise`].
fn printable(s: &str) -> String {
    crate::text::neutralise(s, usize::MAX).into_owned()
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

    /// A request whose future is dropped before its response is ready (the server stopping,
    /// a connection torn down) is journaled all the same: status 0, with what it asked for and
    /// the token it presented. The `auth.refresh` scenario serves pages after 700 ms.
    #[tokio::test]
    async fn a_request_dropped_mid_way_is_still_journaled() {
        use crate::checks::api::scenario::Scenario;
        use crate::checks::api::server::ArmState;
        use crate::checks::api::tokens::Credentials;

        let state = Arc::new(ServerState::new(Credentials::generate(), "http://127.0.0.1:9".into()));
        let scenario = Scenario::for_check("auth.refresh").expect("scenario");
        let issued = state.tokens().issue(scenario.token_lifetime);
        *state.arm() = ArmState::armed(scenario, 0);
        let req = Request::get("/items?page=2")
            .header(header::AUTHORIZATION, format!("Bearer {}", issued.access_token.expose()))
            .body(Body::empty())
            .expect("request");
        let served = journal_and_trace(&state, req);
        let cut_short = tokio::time::timeout(Duration::from_millis(100), served).await;
        assert!(cut_short.is_err(), "the page takes 700 ms");

        let entries = state.journal.since(0);
        assert_eq!(entries.len(), 1, "{entries:?}");
        let e = &entries[0];
        assert_eq!((e.status, e.method.as_str(), e.path.as_str()), (0, "GET", "/items?page=2"));
        assert_eq!(e.token.as_deref(), Some(issued.access_hash.as_str()));
        assert_eq!(e.trace_id.len(), 32);
        assert!(e.done_us >= e.at_us + 90_000, "journaled when dropped, not on arrival: {e:?}");
        assert!(e.line(0).contains("(cut short)"));
    }

    #[test]
    fn client_names_are_made_printable_and_cut() {
        assert_eq!(printable("acme\u{1b}[31m\u{9b}x\t\u{202e}"), "acme\\e[31m\\u{9b}x\\t<U+202E>");
        assert_eq!(cut("abcdef", 3), "abc…");
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer  tok "));
        assert_eq!(bearer(&h), Some("tok"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}

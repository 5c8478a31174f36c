//! The evidence API's HTTP server, shaped by the session's [`Profile`]: its token endpoint
//! (OAuth 2 profiles) and its paginated collections, behind a middleware that stamps a fresh
//! trace id (the profile's header) on every response and journals every request.

mod arm;
pub(crate) mod body;
mod forwarding;
mod items;
mod json;
mod listener;
mod middleware;
pub(crate) mod pages;
pub(crate) mod proxy;
pub(crate) mod resource;
mod slots;
mod token_endpoint;

pub use arm::{ArmState, RetryAfter};
pub(crate) use listener::serve;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use compact_str::CompactString;

use axum::extract::Request;
use axum::http::{HeaderName, Method};
use axum::response::Response;

use super::journal::Journal;
use super::profile::Profile;
use super::tokens::{Credentials, TokenStore, token_hash};

/// The window the rate-limit headers count over.
const RATE_WINDOW: Duration = Duration::from_secs(60);

/// Largest request body accepted (a token request is a few hundred bytes).
const MAX_BODY_BYTES: usize = 16 * 1024;

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct ServerState {
    pub creds: Credentials,
    /// The API shape served.
    pub profile: Profile,
    /// The profile's client-name and trace headers, parsed once.
    pub client_name_header: HeaderName,
    pub trace_header: HeaderName,
    pub journal: Journal,
    pub tokens: Mutex<TokenStore>,
    pub arm: Mutex<ArmState>,
    /// Base of the absolute `next` links when a request carries no usable `Host`.
    pub base_url: String,
    /// `https://` when serving TLS, else `http://`: the scheme of `next` links built on `Host`.
    pub scheme: &'static str,
    /// The last `Host` found usable for `next` links (see `items::usable_host`).
    pub link_host: Mutex<Option<String>>,
    /// Hash of the session's API key or static bearer token (the client secret), for
    /// profiles that authenticate that way.
    pub key_hash: CompactString,
    /// Start of the current rate-limit window and the requests counted in it.
    rate_window: Mutex<Option<(Instant, u32)>>,
    /// Journal-clock spans (µs, start inclusive, end exclusive) in which a scenario that
    /// provokes traffic was armed (`Scenario::provokes_traffic`): `polling.rate` leaves the
    /// requests that arrived in them out.
    provoked: Mutex<Vec<(u64, u64)>>,
    /// Proxy mode: the sandbox forwarded to.
    pub upstream: Option<proxy::Upstream>,
}

impl ServerState {
    /// A server of the generic profile (tests).
    #[cfg(test)]
    pub fn new(creds: Credentials, base_url: String) -> Self {
        Self::with_profile(creds, base_url, super::profile::generic())
    }

    pub fn with_profile(creds: Credentials, base_url: String, profile: Profile) -> Self {
        // Parsing checked both names; the fallbacks are the generic profile's.
        let header = |name: &str, fallback: &'static str| {
            HeaderName::from_bytes(name.as_bytes()).unwrap_or(HeaderName::from_static(fallback))
        };
        Self {
            client_name_header: header(&profile.client_name_header, "x-client-name"),
            trace_header: header(&profile.trace_header, "x-trace-id"),
            profile,
            journal: Journal::new(),
            tokens: Mutex::new(TokenStore::default()),
            arm: Mutex::new(ArmState::idle(0)),
            scheme: if base_url.starts_with("https://") { "https://" } else { "http://" },
            base_url,
            link_host: Mutex::new(None),
            key_hash: token_hash(creds.client_secret.expose()),
            rate_window: Mutex::new(None),
            provoked: Mutex::new(Vec::new()),
            upstream: None,
            creds,
        }
    }

    /// Counts a request in the current one-minute window: (requests so far in it, seconds
    /// until it resets).
    pub fn count_in_window(&self, now: Instant) -> (u32, u32) {
        let mut w = self.rate_window.lock().unwrap_or_else(|p| p.into_inner());
        let (start, n) = match *w {
            Some((start, n)) if now.saturating_duration_since(start) < RATE_WINDOW => (start, n + 1),
            _ => (now, 1),
        };
        *w = Some((start, n));
        let left = RATE_WINDOW.saturating_sub(now.saturating_duration_since(start));
        (n, u32::try_from(left.as_secs() + u64::from(left.subsec_nanos() > 0)).unwrap_or(60))
    }

    /// The arm state. A panic elsewhere while holding the lock leaves plain data behind, so a
    /// poisoned lock is still usable.
    pub fn arm(&self) -> MutexGuard<'_, ArmState> {
        self.arm.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the arm state at `now_us`, first recording the span of a provoking scenario
    /// it ends.
    pub fn rearm(&self, next: ArmState, now_us: u64) {
        let mut arm = self.arm();
        if arm.armed && arm.scenario.provokes_traffic() {
            self.provoked.lock().unwrap_or_else(|p| p.into_inner()).push((arm.since_us, now_us));
        }
        *arm = next;
    }

    /// The spans (µs, start inclusive, end exclusive) in which a provoking scenario was armed,
    /// the one armed now included (up to `now_us`).
    pub fn provoked_spans(&self, now_us: u64) -> Vec<(u64, u64)> {
        let arm = self.arm();
        let mut spans = self.provoked.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if arm.armed && arm.scenario.provokes_traffic() {
            spans.push((arm.since_us, now_us.saturating_add(1)));
        }
        spans
    }

    pub fn tokens(&self) -> MutexGuard<'_, TokenStore> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Routes a request by the profile: the token endpoint, a collection, or a JSON 404. A plain
/// function rather than axum routes, because the routes come from a file (axum panics on
/// templates it does not accept, and the profile's own matcher is what the judges use too);
/// and called directly rather than as an axum `Router`'s fallback, which boxed each request's
/// future and cloned a boxed service for it, for no routing at all (with upstream connects
/// boxed too, 52,500 instructions a proxied request instead of 59,300: BENCHMARKS.md).
pub(super) async fn dispatch(state: Arc<ServerState>, req: Request) -> Response {
    if state.upstream.is_some() {
        return proxy::forward(state, req).await;
    }
    let path = req.uri().path();
    if state.profile.is_token_path(path) {
        return if req.method() == Method::POST {
            token_endpoint::token_request(state, req).await
        } else {
            items::method_not_allowed("POST")
        };
    }
    if let Some((index, _)) = state.profile.collection_for(path) {
        return if req.method() == Method::GET {
            items::items(state, req, index).await
        } else {
            items::method_not_allowed("GET")
        };
    }
    if let Some((_, id)) = resource::resource_of(&state.profile, path) {
        let id = id.to_owned();
        return if req.method() == Method::GET {
            resource::resource(state, req, &id).await
        } else {
            items::method_not_allowed("GET")
        };
    }
    items::not_found(&state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::api::scenario::Scenario;

    /// `polling.rate` leaves out what a fault scenario provoked: the spans it was armed in are
    /// recorded when it ends (re-armed or disarmed), the span now armed counts too, and a
    /// fault-free scenario (normal traffic) records nothing.
    #[test]
    fn provoked_spans_cover_fault_scenarios_only() {
        let state = ServerState::new(Credentials::generate(), "http://127.0.0.1:9".into());
        let scenario = |id: &str| Scenario::for_check(id).expect("an api check");
        assert!(scenario("retry.backoff").provokes_traffic() && scenario("auth.refresh").provokes_traffic());
        assert!(!scenario("pagination.complete").provokes_traffic());
        state.rearm(ArmState::armed(scenario("retry.backoff"), 100), 100);
        assert_eq!(state.provoked_spans(150), [(100, 151)]);
        state.rearm(ArmState::armed(scenario("pagination.complete"), 200), 200);
        assert_eq!(state.provoked_spans(250), [(100, 200)]);
        state.rearm(ArmState::armed(scenario("auth.refresh"), 300), 300);
        state.rearm(ArmState::idle(400), 400);
        assert_eq!(state.provoked_spans(500), [(100, 200), (300, 400)]);
    }
}

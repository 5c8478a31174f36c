//! Proxy mode (`--upstream URL`): the evidence API stands in front of the provider's real
//! sandbox. Requests go upstream as they came (method, path, query, headers and body; only
//! `Host` and the hop-by-hop headers are the connection's own, and `Accept-Encoding` is
//! `identity`, so the proxy can read what it forwards), responses come back as
//! upstream sent them, except that upstream's own origin in `Link`/`Location` headers and in
//! JSON bodies is replaced by the proxy's (as any reverse proxy does, so a client following a
//! next link stays on the proxy). The armed scenario replaces or alters responses on the
//! collection GETs (faults never go on POST): a 429 or 5xx instead of forwarding, a 401
//! `invalid_token` for a token past its scripted lifetime (the token response's `expires_in`
//! is cut to that lifetime), new and reordered fields in upstream's JSON.
//!
//! Upstream unreachable or answering 5xx on its own is the environment's fault: it is
//! recorded as trouble, and a failing verdict during trouble becomes inconclusive with the
//! reason (see `session::finish_run`). Upstream credentials travel through untouched and are
//! never journaled: tokens and keys by fingerprint only, secrets in queries masked.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use compact_str::CompactString;
use serde_json::Value;

use super::ServerState;
use super::arm::Decision;
use super::forwarding::{Answer, Failure, Forwarder};
use super::json::oauth_error;
use super::middleware::{REQUEST_TIMEOUT, record_served, with_presented_token};
use super::pages::next_of;
use crate::checks::api::journal::RequestKind;
use crate::checks::api::tokens::{TokenState, token_hash};

/// Request bodies forwarded up to this size.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;
/// Upstream response bodies read up to this size (larger: trouble, 502).
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Upstream must answer within this.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(15);
/// Trouble entries kept (a dead upstream under a polling client must not grow memory).
const MAX_TROUBLE: usize = 200;

/// Headers that belong to one connection, not to the exchange (RFC 9110 §7.6.1), plus the
/// length, which the body sent determines. Names, not strings: removing by a string parses it
/// first, twice per header per request.
static HOP_BY_HOP: [HeaderName; 9] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::HOST,
    header::CONTENT_LENGTH,
];

/// The provider's sandbox the evidence API forwards to.
#[derive(Debug)]
pub struct Upstream {
    /// `scheme://host[:port]`, no trailing slash.
    pub origin: String,
    /// The URL's path (`/v1`), the base the client is given after the proxy's origin.
    pub base_path: String,
    client: Forwarder,
    /// Finds `origin` in the bodies forwarded (built once: a finder costs more to set up than
    /// to run over a page).
    origin_finder: memchr::memmem::Finder<'static>,
    /// Whether a profile was given; without one the token endpoint is any `POST …/token`
    /// and every other GET is a collection GET.
    pub profiled: bool,
    trouble: Mutex<Vec<(u64, String)>>,
}

impl Upstream {
    /// Checks the URL and builds the forwarding client (see [`Forwarder`]).
    pub fn new(url: &str, profiled: bool) -> Result<Self, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("{url:?}: the upstream must be an http:// or https:// URL"));
        }
        let Some(host) = parsed.host_str() else { return Err(format!("{url:?} names no host")) };
        if parsed.query().is_some() || !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(format!(
                "{url:?}: give the upstream as scheme://host[:port][/base], without credentials or query"
            ));
        }
        let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
        let origin = match parsed.port() {
            Some(p) => format!("{}://{host}:{p}", parsed.scheme()),
            None => format!("{}://{host}", parsed.scheme()),
        };
        let uri: Uri =
            origin.parse().map_err(|e| format!("{url:?}: its origin {origin} is not a valid URI: {e}"))?;
        let client = Forwarder::new(uri, UPSTREAM_TIMEOUT, MAX_RESPONSE_BYTES)?;
        Ok(Self {
            origin_finder: memchr::memmem::Finder::new(origin.as_bytes()).into_owned(),
            origin,
            base_path: parsed.path().trim_end_matches('/').to_owned(),
            client,
            profiled,
            trouble: Mutex::new(Vec::new()),
        })
    }

    fn note_trouble(&self, at_us: u64, what: String) {
        let mut t = self.trouble.lock().unwrap_or_else(|p| p.into_inner());
        if t.len() >= MAX_TROUBLE {
            t.remove(0);
        }
        t.push((at_us, what));
    }

    /// What went wrong upstream since `since_us` (journal clock), oldest first.
    pub fn trouble_since(&self, since_us: u64) -> Vec<String> {
        let t = self.trouble.lock().unwrap_or_else(|p| p.into_inner());
        t.iter().filter(|(at, _)| *at >= since_us).map(|(_, w)| w.clone()).collect()
    }
}

/// Forwards one request (or answers it from the armed scenario).
pub async fn forward(state: Arc<ServerState>, req: Request) -> Response {
    let Some(up) = state.upstream.as_ref() else { return super::items::not_found(&state) };
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path();
    let query = parts.uri.query();
    let is_token = if up.profiled {
        state.profile.is_token_path(path)
    } else {
        parts.method == Method::POST && path.ends_with("/token")
    };
    let collection = if up.profiled {
        state.profile.collection_for(path).map(|(i, _)| i)
    } else {
        (!is_token).then_some(0)
    };
    let is_collection = parts.method == Method::GET && collection.is_some();
    let now = Instant::now();
    // A presented token past its scripted lifetime (checked before the arm lock is taken, so
    // the two locks are never held together).
    let expired = is_collection
        && with_presented_token(|hash| {
            hash.is_some_and(|h| state.tokens().check_hash(h, now) == TokenState::Expired)
        }) == Some(true);

    // One look at the arm state per request: the scenario's few settings used below (cloning
    // the whole scenario cost two allocations a request), and for a collection GET its page
    // and what the scenario serves it (`None`: the expired token's 401, which is not a GET the
    // scenario decides).
    let (token_lifetime, extended_fields, page_delay, page, last_page, decision) = {
        let mut arm = state.arm();
        let s = &arm.scenario;
        let settings = (s.token_lifetime, s.extended_fields, s.page_delay);
        let (mut page, mut last_page, mut decision) = (0, 0, Some(Decision::Serve));
        if is_collection {
            page = arm.pages.classify(path, query);
            last_page = arm.pages.last_page.unwrap_or(0);
            decision = (!expired).then(|| arm.decide(page, now, SystemTime::now()));
        }
        (settings.0, settings.1, settings.2, page, last_page, decision)
    };
    if is_collection {
        let kind = RequestKind::Items { page, last_page };
        match decision {
            Some(Decision::Serve) => {}
            None => {
                record_served(kind, None);
                return invalid_token();
            }
            Some(Decision::Unauthorized) => {
                record_served(kind, None);
                return oauth_error(StatusCode::UNAUTHORIZED, "invalid_api_key", "the API key was refused");
            }
            Some(Decision::Fail { status, retry_after }) => {
                let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                let mut resp = oauth_error(code, "unavailable", code.canonical_reason().unwrap_or("error"));
                if let Some(ra) = &retry_after
                    && let Ok(v) = HeaderValue::from_str(&ra.header)
                {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                record_served(kind, retry_after);
                return resp;
            }
        }
        if !page_delay.is_zero() {
            tokio::time::sleep(page_delay).await;
        }
    }

    let read = tokio::time::timeout(REQUEST_TIMEOUT, axum::body::to_bytes(body, MAX_REQUEST_BYTES)).await;
    let body = match read {
        Err(_) => {
            return oauth_error(
                StatusCode::REQUEST_TIMEOUT,
                "invalid_request",
                "the request body took too long",
            );
        }
        Ok(Err(e)) => {
            // Too large is 413; a malformed chunk or a body that broke off is 400 with why.
            let (status, why) = super::body::read_error(&e, "the request body is too large to forward");
            return oauth_error(status, "invalid_request", &why);
        }
        Ok(Ok(b)) => b,
    };
    let grant_type: CompactString = if is_token {
        form_urlencoded::parse(&body)
            .find(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.as_ref().into())
            .unwrap_or_default()
    } else {
        CompactString::default()
    };

    // The request's own path and query, already parsed (cloning shares their bytes); the
    // forwarder adds upstream's `Host`.
    let target = parts.uri.path_and_query().cloned().unwrap_or_else(|| PathAndQuery::from_static("/"));
    // The request's own headers go upstream (moved, not copied), less the connection's own;
    // its `Host` says which origin the client reached the proxy by.
    let mut headers = std::mem::take(&mut parts.headers);
    let host = headers.remove(header::HOST);
    drop_hop_by_hop(&mut headers);
    // The proxy reads upstream's bodies (next links, the origin to replace, fields to add), so
    // it asks for them uncompressed: requests, axios and got all offer gzip by default, and a
    // gzip body passed through would hide every page and send absolute next links past the
    // proxy. The client then gets an uncompressed answer, which every HTTP client accepts.
    headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    let sent = up.client.exchange(parts.method.clone(), target, headers, body).await;
    let at_us = state.journal.now_us();
    let Answer { status, headers: mut resp_headers, body: bytes } = match sent {
        Ok(answer) => answer,
        Err(Failure::Unreachable(e)) => {
            let why = format!("upstream {} unreachable for {} {path}: {e}", up.origin, parts.method);
            up.note_trouble(at_us, why.clone());
            return bad_gateway(&why);
        }
        Err(Failure::BrokeOff(e)) => {
            let why = format!("upstream {} broke off its answer to {} {path}: {e}", up.origin, parts.method);
            up.note_trouble(at_us, why.clone());
            return bad_gateway(&why);
        }
    };
    if let Some(coding) = resp_headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .filter(|c| !c.trim().eq_ignore_ascii_case("identity"))
    {
        up.note_trouble(
            at_us,
            format!(
                "upstream {} compressed its answer to {} {path} ({}) although the proxy asked for identity, so its body could not be read",
                up.origin,
                parts.method,
                crate::text::short(coding)
            ),
        );
    }
    if status.is_server_error() {
        up.note_trouble(
            at_us,
            format!("upstream {} answered {status} to {} {path}", up.origin, parts.method),
        );
    }
    // An answer to HEAD has no body, and its length is the one a GET's body would have
    // (RFC 9110 §9.3.2): upstream's is passed on, not replaced by the empty body's.
    let head_length =
        if parts.method == Method::HEAD { resp_headers.get(header::CONTENT_LENGTH).cloned() } else { None };
    drop_hop_by_hop(&mut resp_headers);
    if let Some(length) = head_length {
        resp_headers.insert(header::CONTENT_LENGTH, length);
    }

    // Upstream's origin becomes the proxy's, so the client's next request comes here.
    let mut own: Option<String> = None;
    for name in [header::LINK, header::LOCATION, header::CONTENT_LOCATION] {
        if let Some(v) = resp_headers.get(&name).and_then(|v| v.to_str().ok())
            && v.contains(&up.origin)
        {
            let to = own.get_or_insert_with(|| own_origin(&state, host.as_ref()));
            if let Ok(new) = HeaderValue::from_str(&v.replace(&up.origin, to)) {
                resp_headers.insert(name, new);
            }
        }
    }
    let mut bytes: Bytes = replace_bytes(bytes, &up.origin_finder, || {
        own.get_or_insert_with(|| own_origin(&state, host.as_ref()))
    });
    let is_json = resp_headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));

    if is_token {
        let (new_bytes, issued, expires_us) = token_response(&state, status, &bytes, token_lifetime, now);
        bytes = new_bytes;
        record_served(RequestKind::Token { grant_type, issued, expires_us }, None);
    } else if is_collection {
        let next_field = collection
            .and_then(|i| state.profile.collections.get(i))
            .and_then(|c| c.next_field.as_deref())
            .filter(|_| up.profiled);
        // Read only when it is used: to follow a successful page (only the fields that say what
        // comes next), or to extend it (all of it).
        let parsed: Option<Value> = match (is_json && status.is_success(), extended_fields) {
            (false, _) => None,
            (true, true) => serde_json::from_slice(&bytes).ok(),
            (true, false) => super::pages::next_view(&bytes, next_field),
        };
        let link = resp_headers.get(header::LINK).and_then(|v| v.to_str().ok());
        let last_page = {
            let mut arm = state.arm();
            if status.is_success() {
                let by_link = link.and_then(super::pages::link_next).is_some();
                arm.pages.record(page, next_of(link, parsed.as_ref(), next_field), by_link);
            }
            arm.pages.last_page.unwrap_or(0)
        };
        if extended_fields
            && status.is_success()
            && let Some(v) = parsed
        {
            bytes = Bytes::from(extend(v));
        }
        record_served(RequestKind::Items { page, last_page }, None);
    }

    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    *resp.headers_mut() = resp_headers;
    resp
}

/// The token response: the issued token remembered by fingerprint, with the scripted
/// lifetime if that is shorter than upstream's (and `expires_in` rewritten to it, so clients
/// that renew before expiry do). Returns the body to send, the fingerprint and the expiry.
fn token_response(
    state: &ServerState,
    status: StatusCode,
    bytes: &Bytes,
    scripted: Duration,
    now: Instant,
) -> (Bytes, Option<CompactString>, Option<u64>) {
    if !status.is_success() {
        return (bytes.clone(), None, None);
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(bytes) else { return (bytes.clone(), None, None) };
    let Some(token) = v.get("access_token").and_then(Value::as_str) else {
        return (bytes.clone(), None, None);
    };
    let hash = token_hash(token);
    let upstream_secs =
        v.get("expires_in").and_then(|e| e.as_u64().or_else(|| e.as_str().and_then(|s| s.parse().ok())));
    let scripted_secs = scripted.as_secs().max(1);
    let (lifetime, body) = match upstream_secs {
        Some(u) if u <= scripted_secs => (Duration::from_secs(u), bytes.clone()),
        _ if scripted < crate::checks::api::scenario::NORMAL_TOKEN_LIFETIME => {
            if let Some(obj) = v.as_object_mut() {
                obj.insert("expires_in".into(), Value::from(scripted_secs));
            }
            (scripted, Bytes::from(serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec())))
        }
        Some(u) => (Duration::from_secs(u), bytes.clone()),
        None => (scripted, bytes.clone()),
    };
    let expires_at = now + lifetime;
    state.tokens().remember(hash.clone(), expires_at);
    (body, Some(hash), Some(state.journal.us_of(expires_at)))
}

/// New fields added to upstream's JSON (top level and each object in the first array found),
/// and its keys reordered (serde_json writes keys sorted, unlike upstream's order; the new
/// keys sort among them). Only new ones: a field upstream already sends (`tags`,
/// `api_version`) keeps upstream's value, which the client rightly relies on.
fn extend(mut v: Value) -> Vec<u8> {
    if let Some(obj) = v.as_object_mut() {
        obj.entry("x_certcockpit_new").or_insert_with(|| serde_json::json!({"rotation": "none", "v": 2}));
        obj.entry("api_version").or_insert_with(|| Value::from("2026-11"));
        if let Some(items) = obj.values_mut().find_map(Value::as_array_mut) {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                item.entry("x_extension").or_insert_with(|| serde_json::json!({"score": 0.5, "flags": null}));
                item.entry("tags").or_insert_with(|| serde_json::json!(["new", "beta"]));
            }
        }
    }
    serde_json::to_vec(&v).unwrap_or_default()
}

/// `401 invalid_token` for a token past its scripted lifetime (RFC 6750 §3).
fn invalid_token() -> Response {
    let why = "the access token expired";
    let mut resp = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", why);
    let challenge = format!("Bearer error=\"invalid_token\", error_description=\"{why}\"");
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

fn bad_gateway(why: &str) -> Response {
    oauth_error(StatusCode::BAD_GATEWAY, "upstream_unavailable", why)
}

/// Removes the hop-by-hop headers ([`HOP_BY_HOP`]) in one look at each header, removing only
/// those present: most requests and answers carry none or one of them, and removing all nine
/// by name hashed each name every time (about 1,000 instructions a request).
fn drop_hop_by_hop(headers: &mut HeaderMap) {
    // Bit i: `HOP_BY_HOP[i]` is present.
    let mut found = 0u16;
    for name in headers.keys() {
        if let Some(i) = HOP_BY_HOP.iter().position(|h| h == name) {
            found |= 1 << i;
        }
    }
    for (i, name) in HOP_BY_HOP.iter().enumerate() {
        if found & (1 << i) != 0 {
            headers.remove(name);
        }
    }
}

/// The proxy's origin as the client reached it (its `Host`), or the configured one.
fn own_origin(state: &ServerState, host: Option<&HeaderValue>) -> String {
    match host.and_then(|h| h.to_str().ok()).filter(|h| super::items::usable_host(state, h)) {
        Some(h) => format!("{}{h}", state.scheme),
        None => state.base_url.clone(),
    }
}

/// `bytes` with every `from` replaced by `to()` (unchanged, uncopied, and `to` not called,
/// when there is none).
fn replace_bytes<'a>(
    bytes: Bytes,
    finder: &memchr::memmem::Finder<'_>,
    to: impl FnOnce() -> &'a str,
) -> Bytes {
    let from = finder.needle();
    let Some(first) = finder.find(&bytes).filter(|_| !from.is_empty()) else { return bytes };
    let to = to();
    let mut out = Vec::with_capacity(bytes.len() + to.len().saturating_sub(from.len()) * 4);
    out.extend_from_slice(&bytes[..first]);
    out.extend_from_slice(to.as_bytes());
    let mut rest: &[u8] = &bytes[first + from.len()..];
    while let Some(i) = finder.find(rest) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(to.as_bytes());
        rest = &rest[i + from.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
}

/// Names that hold a credential wherever they appear in a parameter's name (`api_key`,
/// `access_token`, `client_secret`, `X-Amz-Signature`, `sessionid`…).
const SECRET_WORDS: [&str; 8] =
    ["key", "token", "secret", "password", "signature", "auth", "credential", "session"];
/// Short names that hold a credential only as the whole name: Azure SAS's `sig`, `pwd`, an
/// OAuth authorization `code`. Matched exactly, since as substrings they are everywhere
/// (`design`, `passage`, `barcode`).
const SECRET_NAMES: [&str; 7] = ["sig", "pwd", "pass", "passwd", "code", "jwt", "sid"];

/// Whether a query parameter's name says its value is a credential.
/// Case-insensitive and without a copy: it runs on every journaled request.
pub fn is_secret_name(name: &str) -> bool {
    let name = name.as_bytes();
    SECRET_WORDS.iter().any(|w| name.windows(w.len()).any(|win| win.eq_ignore_ascii_case(w.as_bytes())))
        || SECRET_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// Query parameters whose values are credentials, masked in what the journal keeps.
pub fn mask_secret_params(path_and_query: &str) -> Cow<'_, str> {
    let Some((path, query)) = path_and_query.split_once('?') else { return Cow::Borrowed(path_and_query) };
    // Most paths name no credential: they are returned as they are, without a copy.
    if !query.split('&').any(|pair| is_secret_name(pair.split_once('=').map_or(pair, |(k, _)| k))) {
        return Cow::Borrowed(path_and_query);
    }
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_name(k) => format!("{k}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    Cow::Owned(format!("{path}?{}", parts.join("&")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compat scenario adds fields to upstream's JSON and never changes one upstream sent:
    /// an item's own `tags` (objects here) were replaced by `["new","beta"]`, and upstream's
    /// `api_version` by ours, which broke a correct client reading them.
    #[test]
    fn extend_adds_fields_and_keeps_upstreams() {
        let up =
            serde_json::json!({"api_version": "v7", "items": [{"id": 1, "tags": [{"k": "a"}]}, {"id": 2}]});
        let out: Value = serde_json::from_slice(&extend(up)).expect("json");
        assert_eq!(out["api_version"], "v7");
        assert_eq!(out["items"][0]["tags"], serde_json::json!([{"k": "a"}]));
        assert_eq!(out["items"][1]["tags"], serde_json::json!(["new", "beta"]));
        assert!(out["items"][0]["x_extension"].is_object() && out["x_certcockpit_new"].is_object());
    }

    #[test]
    fn only_hop_by_hop_headers_are_dropped() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("connection", "keep-alive, x-trace"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("content-length", "12"),
            ("authorization", "Bearer t"),
            ("x-client-name", "acme"),
        ] {
            h.append(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        h.append(header::ACCEPT, HeaderValue::from_static("a/b"));
        h.append(header::ACCEPT, HeaderValue::from_static("c/d"));
        drop_hop_by_hop(&mut h);
        let mut left: Vec<&str> = h.keys().map(HeaderName::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, ["accept", "authorization", "x-client-name"]);
        assert_eq!(h.get_all(header::ACCEPT).iter().count(), 2, "repeated headers kept whole");
        let mut none = HeaderMap::new();
        drop_hop_by_hop(&mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn upstream_urls_and_masking() {
        let up = Upstream::new("http://127.0.0.1:9000/v1/", false).expect("upstream");
        assert_eq!((up.origin.as_str(), up.base_path.as_str()), ("http://127.0.0.1:9000", "/v1"));
        assert!(Upstream::new("ftp://x", false).is_err());
        assert!(Upstream::new("http://u:p@x", false).is_err());
        assert_eq!(mask_secret_params("/a?page=2&api_key=abc&x=1"), "/a?page=2&api_key=***&x=1");
        assert_eq!(mask_secret_params("/a?page=2"), "/a?page=2");
        // Azure SAS: the signature is `sig`, matched as the whole name only.
        assert_eq!(
            mask_secret_params("/c?sv=2022-11-02&sp=r&sig=abc%3D&design=1&barcode=9"),
            "/c?sv=2022-11-02&sp=r&sig=***&design=1&barcode=9"
        );
        assert_eq!(mask_secret_params("/c?PWD=x&code=y&sessionId=z"), "/c?PWD=***&code=***&sessionId=***");
        assert_eq!(
            replace_bytes(
                Bytes::from_static(b"{\"n\":\"http://up:1/x\",\"m\":\"http://up:1/y\"}"),
                &memchr::memmem::Finder::new(b"http://up:1"),
                || "http://me:2"
            ),
            Bytes::from_static(b"{\"n\":\"http://me:2/x\",\"m\":\"http://me:2/y\"}")
        );
    }
}

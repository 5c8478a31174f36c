//! A profile's collection GET: the paginated collection in the profile's own terms (page
//! numbers, offsets, opaque cursors, Link headers or next URLs; the items and what comes next
//! at the profile's dotted body paths). The generic profile's `GET /items` is
//! `{"data": [...], "next": "<absolute URL or null>"}` with the same link in
//! `Link: <…>; rel="next"`. Credentials are checked first (RFC 6750 for bearer tokens, the
//! profile's key header for API keys), then the armed scenario decides whether this attempt
//! gets a fault.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::ServerState;
use super::arm::Decision;
use super::json::{Node, bytes_response, insert_dotted, oauth_error, object, object_owned, response};
use super::middleware::{record_served, with_presented_token};
use crate::checks::api::journal::RequestKind;
use crate::checks::api::profile::{AuthKind, Collection, Pagination, RateLimitHeaders};
use crate::checks::api::tokens::TokenState;

/// The largest page size a client may ask for.
const MAX_PAGE_SIZE: u32 = 100;

/// Where in the collection a request is: its page (from 1) and the page size in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub page: u32,
    pub size: u32,
}

pub async fn items(state: Arc<ServerState>, req: Request, index: usize) -> Response {
    // The request's parts by value: axum's `HeaderMap` extractor would clone every header.
    let (parts, _) = req.into_parts();
    let headers = &parts.headers;
    let scenario = state.arm().scenario.clone();
    let Some(collection) = state.profile.collections.get(index) else { return not_found(&state) };
    let pos = match position(collection, parts.uri.query(), scenario.page_size) {
        Ok(p) => p,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    let total = scenario.total_items();
    let last_page = total.div_ceil(pos.size).max(1);
    let kind = RequestKind::Items { page: pos.page, last_page };
    let served = |mut resp: Response, retry_after| {
        rate_limit_headers(&state, &mut resp);
        record_served(kind.clone(), retry_after);
        resp
    };

    // One clock read for the credential check and the scenario's decision.
    let now = Instant::now();
    if let Some(refused) = check_credentials(&state, now) {
        return served(refused, None);
    }

    let decision = state.arm().decide(pos.page, now, SystemTime::now());
    match decision {
        Decision::Serve => {}
        Decision::Unauthorized => return served(refused(&state), None),
        Decision::Fail { status, retry_after } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let body = object(
                vec![("error", Value::from(code.canonical_reason().unwrap_or("error")).into())],
                false,
            );
            let mut resp = response(code, &body);
            if let Some(ra) = &retry_after
                && let Ok(v) = HeaderValue::from_str(&ra.header)
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return served(resp, retry_after);
        }
    }

    if !scenario.page_delay.is_zero() {
        tokio::time::sleep(scenario.page_delay).await;
    }
    let next_url = (pos.page < last_page)
        .then(|| {
            let (scheme, base) = link_base(&state, headers);
            next_url(scheme, base, parts.uri.path(), parts.uri.query(), collection, pos)
        })
        .filter(|l| !l.is_empty());
    // Any page up to u32::MAX may be asked for: no overflow on the way to an empty page.
    let first = (pos.page - 1).saturating_mul(pos.size).saturating_add(1);
    let last = if pos.page <= last_page { pos.page.saturating_mul(pos.size).min(total) } else { 0 };
    let plain = collection.items_field == "data"
        && collection.next_field.as_deref() == Some("next")
        && collection.pagination != Pagination::Cursor;
    let mut resp = if plain && !scenario.extended_fields {
        bytes_response(StatusCode::OK, plain_page(first..=last, next_url.as_deref()))
    } else {
        let next_value = match collection.pagination {
            Pagination::Cursor => (pos.page < last_page).then(|| encode_cursor(pos.page + 1)),
            _ => next_url.clone(),
        };
        let data = Node::Array((first..=last).map(|n| item(n, scenario.extended_fields)).collect());
        let mut fields: Vec<(Cow<'static, str>, Node)> = Vec::new();
        insert_dotted(&mut fields, &collection.items_field, data);
        if let Some(field) = &collection.next_field {
            insert_dotted(&mut fields, field, next_value.map_or(Value::Null, Value::from).into());
        }
        if scenario.extended_fields {
            // New fields only: a key the profile's body already uses (`meta.next_cursor`) is
            // left alone, else a second `meta` would hide the profile's from a parser.
            let meta = object(
                vec![("total", total.into()), ("page", pos.page.into()), ("api_version", "2026-11".into())],
                true,
            );
            let new_fields = [("meta", meta), ("deprecations", Node::Array(vec![]))];
            for (key, value) in new_fields {
                if !fields.iter().any(|(k, _)| k == key) {
                    fields.push((Cow::Borrowed(key), value));
                }
            }
        }
        response(StatusCode::OK, &object_owned(fields, scenario.extended_fields))
    };
    if let Some(url) = next_url
        && let Ok(v) = HeaderValue::from_maybe_shared(Bytes::from(format!("<{url}{LINK_REL_NEXT}")))
    {
        resp.headers_mut().insert(header::LINK, v);
    }
    served(resp, None)
}

/// The 401 for a request whose credential is missing, expired or unknown, in the profile's
/// terms; `None` when the credential is good.
pub(super) fn check_credentials(state: &ServerState, now: Instant) -> Option<Response> {
    let kind = state.profile.auth.kind;
    // The middleware hashed the presented credential (every request is served inside it).
    let token_state = with_presented_token(|hash| {
        hash.map(|h| match kind {
            AuthKind::OAuth2ClientCredentials => state.tokens().check_hash(h, now),
            AuthKind::ApiKey | AuthKind::BearerStatic if *h == *state.key_hash => TokenState::Valid,
            AuthKind::ApiKey | AuthKind::BearerStatic => TokenState::Unknown,
        })
    })
    .flatten();
    match (token_state, kind) {
        (Some(TokenState::Valid), _) => None,
        (None, AuthKind::ApiKey) => {
            let why = format!("the {} header is required", state.profile.auth.api_key_header);
            Some(key_refused(state, &why))
        }
        (Some(_), AuthKind::ApiKey) => Some(refused(state)),
        (None, _) => {
            let mut resp =
                oauth_error(StatusCode::UNAUTHORIZED, "invalid_request", "a bearer token is required");
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"certcockpit\""));
            Some(resp)
        }
        (Some(TokenState::Expired), _) => Some(token_refused("the access token expired")),
        (Some(_), _) => Some(refused(state)),
    }
}

/// The `401` for a presented key or token that is not valid, in the profile's terms. The
/// scripted 401 of `auth.token_reuse` is this very response: one that said it was scripted
/// told the client it was under test, and a client may then behave well only under test.
fn refused(state: &ServerState) -> Response {
    match state.profile.auth.kind {
        AuthKind::ApiKey => key_refused(state, "the API key is not valid"),
        AuthKind::OAuth2ClientCredentials | AuthKind::BearerStatic => {
            token_refused("the access token is unknown")
        }
    }
}

/// `401 invalid_token` with the challenge RFC 6750 §3 asks for.
fn token_refused(why: &str) -> Response {
    let mut resp = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", why);
    let challenge =
        format!("Bearer realm=\"certcockpit\", error=\"invalid_token\", error_description=\"{why}\"");
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

/// `401` for an API key missing or refused.
fn key_refused(state: &ServerState, why: &str) -> Response {
    let _ = state;
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_api_key", why)
}

/// The profile's rate-limit headers, counted over fixed one-minute windows.
fn rate_limit_headers(state: &ServerState, resp: &mut Response) {
    let names: [&'static str; 3] = match state.profile.rate_limit_headers {
        RateLimitHeaders::None => return,
        RateLimitHeaders::Ietf => ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
        RateLimitHeaders::XRateLimit => ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"],
    };
    let limit = state.profile.limit_per_minute;
    let (used, reset) = state.count_in_window(Instant::now());
    let values = [limit, limit.saturating_sub(used), reset];
    for (name, value) in names.into_iter().zip(values) {
        resp.headers_mut().insert(name, HeaderValue::from(value));
    }
}

/// A JSON 405 naming the method the path takes.
pub fn method_not_allowed(allowed: &'static str) -> Response {
    let mut resp = oauth_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!("this path takes {allowed}"),
    );
    resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allowed));
    resp
}

/// Anything else: a JSON 404 naming the profile's paths (journaled like every request).
pub fn not_found(state: &ServerState) -> Response {
    let p = &state.profile;
    let mut paths: Vec<String> = p.collections.iter().map(|c| format!("GET {}", c.path)).collect();
    if p.auth.kind == AuthKind::OAuth2ClientCredentials {
        paths.push(format!("POST {}", p.auth.token_path));
    }
    let e = format!("no such resource (this API serves {})", paths.join(", "));
    oauth_error(StatusCode::NOT_FOUND, "not_found", &e)
}

/// The position a query asks for, in the collection's own terms.
pub fn position(c: &Collection, query: Option<&str>, default_size: u32) -> Result<Position, String> {
    let q = query.unwrap_or_default();
    let param = |name: &str| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v);
    let size = match c.size_param.as_deref().and_then(param) {
        None => default_size.max(1),
        Some(v) => match v.parse::<u32>() {
            Ok(s) if (1..=MAX_PAGE_SIZE).contains(&s) => s,
            _ => {
                return Err(format!(
                    "{} must be a whole number from 1 to {MAX_PAGE_SIZE}, not {v:?}",
                    c.size_param.as_deref().unwrap_or_default()
                ));
            }
        },
    };
    let page = match c.pagination {
        Pagination::Page | Pagination::Link | Pagination::NextUrl => match param(&c.page_param) {
            None => 1,
            Some(v) => match v.parse::<u32>() {
                Ok(p) if p >= 1 => p,
                _ => return Err(format!("{} must be a whole number from 1, not {v:?}", c.page_param)),
            },
        },
        Pagination::Offset => match param(&c.offset_param) {
            None => 1,
            Some(v) => match v.parse::<u32>() {
                // `offset=4294967295&limit=1` is page 2^32: the last page a u32 holds (it
                // overflowed to 0, a panic in a debug build, page 0 in a release one).
                Ok(o) => (o / size).saturating_add(1),
                _ => return Err(format!("{} must be a whole number from 0, not {v:?}", c.offset_param)),
            },
        },
        Pagination::Cursor => match param(&c.cursor_param) {
            None => 1,
            Some(v) => decode_cursor(&v)
                .ok_or_else(|| format!("{} {v:?} was not issued by this API", c.cursor_param))?,
        },
    };
    Ok(Position { page, size })
}

/// The next page's absolute URL: the request's own path and query with the position moved on.
fn next_url(
    scheme: &str,
    base: &str,
    path: &str,
    query: Option<&str>,
    c: &Collection,
    pos: Position,
) -> String {
    let (name, value) = match c.pagination {
        Pagination::Page | Pagination::Link | Pagination::NextUrl => {
            (c.page_param.as_str(), (pos.page + 1).to_string())
        }
        Pagination::Offset => (c.offset_param.as_str(), pos.page.saturating_mul(pos.size).to_string()),
        Pagination::Cursor => (c.cursor_param.as_str(), encode_cursor(pos.page + 1)),
    };
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if k != name {
            ser.append_pair(&k, &v);
        }
    }
    ser.append_pair(name, &value);
    format!("{scheme}{base}{path}?{}", ser.finish())
}

/// An opaque cursor for `page` (clients must not compute it).
pub fn encode_cursor(page: u32) -> String {
    format!("c{:x}", u64::from(page) * CURSOR_MUL + CURSOR_ADD)
}

const CURSOR_MUL: u64 = 0x9e37_79b9;
const CURSOR_ADD: u64 = 0x51ed_2701;

/// The page a cursor stands for, if this API issued it.
pub fn decode_cursor(cursor: &str) -> Option<u32> {
    let n = u64::from_str_radix(cursor.strip_prefix('c')?, 16).ok()?.checked_sub(CURSOR_ADD)?;
    (n % CURSOR_MUL == 0).then(|| u32::try_from(n / CURSOR_MUL).ok()).flatten().filter(|p| *p >= 1)
}

const LINK_REL_NEXT: &str = ">; rel=\"next\"";

/// The body of a normal page, `{"data":[{"id":…,"name":…},…],"next":…}`, written straight into
/// one buffer: this is every `GET /items` of ordinary traffic, and a JSON tree of small strings
/// per item was most of the handler's allocations. Same bytes as the tree (a test checks).
fn plain_page(items: std::ops::RangeInclusive<u32>, next: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + 48 * items.size_hint().0.min(64));
    out.extend_from_slice(b"{\"data\":[");
    for (i, n) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // `{"id":"item-{n:04}","name":"Sample item {n}"}` without the formatting machinery,
        // which cost more than the rest of the page.
        out.extend_from_slice(br#"{"id":"item-"#);
        push_decimal(&mut out, n, 4);
        out.extend_from_slice(br#"","name":"Sample item "#);
        push_decimal(&mut out, n, 1);
        out.extend_from_slice(br#""}"#);
    }
    out.extend_from_slice(b"],\"next\":");
    match next {
        Some(next) => push_json_str(&mut out, next),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
    out
}

/// `n` in decimal, zero-padded to `width` digits.
fn push_decimal(out: &mut Vec<u8>, n: u32, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n).as_bytes();
    out.resize(out.len() + width.saturating_sub(digits.len()), b'0');
    out.extend_from_slice(digits);
}

/// `text` as a JSON string. A `next` link is a URL (no quote, backslash or control character
/// survives `link_base`), written as is; anything else goes through `serde_json`'s escaping.
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

fn item(n: u32, extended: bool) -> Node {
    let mut fields: Vec<(&'static str, Node)> =
        vec![("id", format!("item-{n:04}").into()), ("name", format!("Sample item {n}").into())];
    if extended {
        fields.push(("updated_at", "2026-11-01T12:00:00Z".into()));
        fields.push(("tags", Node::Array(vec!["new".into(), "beta".into()])));
        fields
            .push(("x_extension", object(vec![("score", 0.5.into()), ("flags", Value::Null.into())], true)));
    }
    object(fields, extended)
}

/// Where `next` links point, as a prefix and a base: the `Host` the client used, on the
/// server's own scheme (so links work
/// when the API listens on a non-loopback address), or the configured base URL when `Host` is
/// missing or odd (not a host with an optional port that makes a valid URL, e.g. `:` or `[`).
fn link_base<'a>(state: &'a ServerState, headers: &'a HeaderMap) -> (&'static str, &'a str) {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| usable_host(state, h)) {
        Some(h) => (state.scheme, h),
        None => ("", &state.base_url),
    }
}

/// Whether `Host` makes a valid URL. A client sends the same `Host` on every request, so the
/// last one that passed is remembered and the URL parse runs once, not per request.
pub(crate) fn usable_host(state: &ServerState, h: &str) -> bool {
    let mut last = state.link_host.lock().unwrap_or_else(|p| p.into_inner());
    if last.as_deref() == Some(h) {
        return true;
    }
    let ok = host_ok(h);
    if ok {
        *last = Some(h.to_owned());
    }
    ok
}

/// Whether a `Host` value makes a valid `http://{host}/` URL.
pub fn host_ok(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && reqwest::Url::parse(&format!("http://{h}/")).is_ok_and(|u| u.host_str().is_some())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    use super::*;
    use crate::checks::api::profile::{builtin, generic};
    use crate::checks::api::tokens::Credentials;

    const CASES: u32 = 2000;

    /// The generic profile's page of a query.
    fn page_param(q: Option<&str>) -> Result<u32, String> {
        position(&generic().collections[0], q, 5).map(|p| p.page)
    }

    #[test]
    fn positions_in_each_style_and_cursors_round_trip() {
        let okendo = builtin("okendo").expect("profile");
        let c = &okendo.collections[0];
        assert_eq!(position(c, None, 5), Ok(Position { page: 1, size: 5 }));
        let q = format!("cursor={}", encode_cursor(3));
        assert_eq!(position(c, Some(&q), 5).map(|p| p.page), Ok(3));
        assert!(position(c, Some("cursor=c123"), 5).is_err());
        for p in [1, 2, 77, u32::MAX / 2] {
            assert_eq!(decode_cursor(&encode_cursor(p)), Some(p));
        }
        let w = builtin("uniwise-wiseflow").expect("profile");
        let c = &w.collections[0];
        assert_eq!(position(c, Some("page=2&pageSize=10"), 5), Ok(Position { page: 2, size: 10 }));
        assert!(position(c, Some("pageSize=1000"), 5).is_err());
        let next = next_url(
            "http://",
            "h:1",
            "/v1/licenses/9/flows",
            Some("pageSize=10&page=2"),
            c,
            Position { page: 2, size: 10 },
        );
        assert_eq!(next, "http://h:1/v1/licenses/9/flows?pageSize=10&page=3");
    }

    #[test]
    fn the_largest_offset_is_a_page_past_the_end_not_an_overflow() {
        let src = "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/v1/things\"\npagination = \"offset\"\nsize_param = \"limit\"\n";
        let p = crate::checks::api::profile::parse("p.toml", "p", src).expect("profile");
        let c = &p.collections[0];
        assert_eq!(position(c, Some("offset=4294967295&limit=1"), 5).map(|p| p.page), Ok(u32::MAX));
        assert_eq!(position(c, Some("offset=10&limit=5"), 5).map(|p| p.page), Ok(3));
    }

    /// A profile whose body says what comes next under `meta` (`meta.next_cursor`, as JSON:API
    /// and many others do): the compat scenario's new fields do not take that key. It wrote a
    /// second top-level `meta` after the profile's, so a JSON parser (last key wins) lost the
    /// cursor and a correct client stopped after page 1. Over loopback HTTP, as a client sees it.
    #[tokio::test]
    async fn new_fields_never_take_a_key_the_profile_uses() {
        use crate::checks::api::session::EvidenceApi;
        let src = "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/things\"\npagination = \"cursor\"\nnext_field = \"meta.next_cursor\"\nitems_field = \"data\"\n";
        let profile = crate::checks::api::profile::parse("p.toml", "p", src).expect("profile");
        let api = EvidenceApi::start_with("127.0.0.1:0", profile).await.expect("api");
        api.arm("compat.unknown_fields").expect("armed");
        let key = api.credentials().1.expose().to_owned();
        let body = reqwest::Client::new()
            .get(format!("{}/things", api.base_url()))
            .header("x-api-key", key)
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("body");
        assert_eq!(body.matches("\"meta\":").count(), 1, "one meta key: {body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        let cursor = v.pointer("/meta/next_cursor").and_then(Value::as_str);
        assert_eq!(cursor.and_then(decode_cursor), Some(2), "{body}");
        assert!(v.get("deprecations").is_some(), "the new fields are still added: {body}");
    }

    /// The scripted 401 of `auth.token_reuse` on a key profile (call 2) is byte for byte the
    /// answer to a key that is not valid: it said "the cockpit's scripted 401", which told the
    /// client it was under test. On a static bearer profile both are RFC 6750 `invalid_token`
    /// with its challenge (it was `invalid_api_key` without one). Over loopback HTTP.
    #[tokio::test]
    async fn the_scripted_401_is_the_401_of_a_wrong_credential() {
        use crate::checks::api::session::EvidenceApi;
        for (name, header) in [("uniwise-wiseflow-api-key", "x-api-key"), ("okra", "authorization")] {
            let api =
                EvidenceApi::start_with("127.0.0.1:0", builtin(name).expect("profile")).await.expect("api");
            api.arm("auth.token_reuse").expect("armed");
            let key = api.credentials().1.expose().to_owned();
            let value =
                |k: &str| if header == "authorization" { format!("Bearer {k}") } else { k.to_owned() };
            let url = format!("{}/licenses/3/flows", api.base_url());
            let url = if name == "okra" { format!("{}/transactions", api.base_url()) } else { url };
            let client = reqwest::Client::new();
            let get = |k: String| {
                let req = client.get(&url).header(header, value(&k));
                async move {
                    let resp = req.send().await.expect("sent");
                    let status = resp.status().as_u16();
                    let challenge =
                        resp.headers().get("www-authenticate").map(|v| v.to_str().unwrap_or("?").to_owned());
                    (status, challenge, resp.text().await.expect("body"))
                }
            };
            assert_eq!(get(key.clone()).await.0, 200, "{name}: call 1");
            let scripted = get(key.clone()).await;
            let wrong = get(format!("{key}x")).await;
            assert_eq!(scripted.0, 401, "{name}: call 2 is the scripted 401");
            assert_eq!(scripted, wrong, "{name}");
            assert!(!scripted.2.contains("scripted"), "{name}: {}", scripted.2);
            if header == "authorization" {
                assert!(scripted.1.is_some_and(|c| c.contains("invalid_token")), "{name}");
            }
        }
    }

    #[test]
    fn page_parameter() {
        assert_eq!(page_param(None), Ok(1));
        assert_eq!(page_param(Some("page=3&x=1")), Ok(3));
        assert!(page_param(Some("page=0")).is_err());
        assert!(page_param(Some("page=abc")).is_err());
    }

    /// The direct writer gives exactly the bytes of the JSON tree it replaced.
    #[test]
    #[allow(clippy::reversed_empty_ranges)] // `6..=0`: the empty page served beyond the last one
    fn plain_page_matches_the_tree() {
        for (range, next) in [
            (1..=5, Some("http://h:1/items?page=2")),
            (1..=2, Some("http://h:1/\"quoted\"\\back\u{7}")),
            (11..=15, None),
            (6..=0, None),
            (998..=1002, None),
            (u32::MAX - 2..=u32::MAX, None),
        ] {
            let tree = object(
                vec![
                    ("data", Node::Array(range.clone().map(|n| item(n, false)).collect())),
                    ("next", next.map_or(Value::Null, Value::from).into()),
                ],
                false,
            );
            assert_eq!(plain_page(range, next), tree.to_bytes());
        }
    }

    fn state() -> ServerState {
        ServerState::new(Credentials::generate(), "http://127.0.0.1:9".into())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any query: a page from 1, or an error that quotes what was given; never a panic.
        #[test]
        fn any_query_gives_a_page_or_an_error(q in "\\PC{0,60}", page in any::<u32>()) {
            match page_param(Some(&q)) {
                Ok(p) => prop_assert!(p >= 1),
                Err(e) => prop_assert!(e.starts_with("page must be")),
            }
            let with_page = format!("{q}&page={page}&page=7");
            let first_page = form_urlencoded::parse(with_page.as_bytes()).find(|(k, _)| k == "page");
            if first_page.is_some_and(|(_, v)| v == page.to_string()) {
                prop_assert_eq!(page_param(Some(&with_page)).ok(), (page >= 1).then_some(page));
            }
        }

        /// Whatever the `Host`, the next link is a valid header and an absolute URL whose
        /// `page` is the next one, so a client following it stays on this API.
        #[test]
        fn next_links_are_valid_urls_for_any_host(
            host in proptest::collection::vec(any::<u8>(), 0..80),
            ascii_host in "[a-z0-9.:\\[\\]-]{0,40}",
            page in 1u32..u32::MAX,
        ) {
            for host in [host, ascii_host.into_bytes()] {
                let mut headers = HeaderMap::new();
                if let Ok(v) = HeaderValue::from_bytes(&host) {
                    headers.insert(header::HOST, v);
                }
                let state = state();
                let (scheme, base) = link_base(&state, &headers);
                let next = format!("{scheme}{base}/items?page={}", page + 1);
                let link = format!("<{next}>; rel=\"next\"");
                prop_assert!(HeaderValue::from_str(&link).is_ok());
                let url = reqwest::Url::parse(&next);
                prop_assert!(url.is_ok(), "{:?}: {:?}", next, url);
                let url = url.expect("checked");
                prop_assert_eq!(url.path(), "/items");
                prop_assert_eq!(page_param(url.query()), Ok(page + 1));
                let built = next_url(scheme, base, "/items", Some("page=1"), &generic().collections[0], Position { page, size: 5 });
                prop_assert_eq!(built, next);
            }
        }
    }
}

//! `GET /items`: the paginated collection, `{"data": [...], "next": "<absolute URL or null>"}`
//! with the same link in `Link: <…>; rel="next"`. Bearer tokens are checked first (RFC 6750),
//! then the armed scenario decides whether this attempt gets a fault.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::ServerState;
use super::arm::Decision;
use super::json::{Node, bytes_response, oauth_error, object, response};
use super::middleware::{record_served, with_presented_token};
use crate::checks::api::journal::RequestKind;
use crate::checks::api::tokens::TokenState;

pub async fn items(State(state): State<Arc<ServerState>>, req: Request) -> Response {
    // The request's parts by value: axum's `HeaderMap` extractor would clone every header.
    let (parts, _) = req.into_parts();
    let headers = &parts.headers;
    let scenario = state.arm().scenario.clone();
    let page = match page_param(parts.uri.query()) {
        Ok(p) => p,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    let kind = RequestKind::Items { page, last_page: scenario.pages };
    let served = |resp: Response, retry_after| {
        record_served(kind.clone(), retry_after);
        resp
    };

    // One clock read for the token check and the scenario's decision.
    let now = Instant::now();
    // The middleware hashed the presented token (every request is served inside it).
    let token_state = with_presented_token(|hash| hash.map(|h| state.tokens().check_hash(h, now))).flatten();
    match token_state {
        None => {
            let mut resp =
                oauth_error(StatusCode::UNAUTHORIZED, "invalid_request", "a bearer token is required");
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"certcockpit\""));
            return served(resp, None);
        }
        Some(TokenState::Expired | TokenState::Unknown) => {
            let why = if token_state == Some(TokenState::Expired) {
                "the access token expired"
            } else {
                "the access token is unknown"
            };
            let mut resp = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", why);
            let challenge =
                format!("Bearer realm=\"certcockpit\", error=\"invalid_token\", error_description=\"{why}\"");
            if let Ok(v) = HeaderValue::from_str(&challenge) {
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            return served(resp, None);
        }
        Some(TokenState::Valid) => {}
    }

    let decision = state.arm().decide(page, now, SystemTime::now());
    if let Decision::Fail { status, retry_after } = decision {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let body =
            object(vec![("error", Value::from(code.canonical_reason().unwrap_or("error")).into())], false);
        let mut resp = response(code, &body);
        if let Some(ra) = &retry_after
            && let Ok(v) = HeaderValue::from_str(&ra.header)
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return served(resp, retry_after);
    }

    if !scenario.page_delay.is_zero() {
        tokio::time::sleep(scenario.page_delay).await;
    }
    // The Link header is built once and `next` is the URL inside its angle brackets.
    let link = (page < scenario.pages)
        .then(|| {
            let (scheme, base) = link_base(&state, headers);
            // `<{scheme}{base}/items?page={page + 1}>; rel="next"`, without `format!`.
            let mut link = Vec::with_capacity(40 + scheme.len() + base.len());
            link.push(b'<');
            link.extend_from_slice(scheme.as_bytes());
            link.extend_from_slice(base.as_bytes());
            link.extend_from_slice(b"/items?page=");
            push_decimal(&mut link, page + 1, 1);
            link.extend_from_slice(LINK_REL_NEXT.as_bytes());
            // Only UTF-8 text and ASCII digits went in.
            String::from_utf8(link).unwrap_or_default()
        })
        .filter(|l| !l.is_empty());
    let next = link.as_deref().and_then(|l| l.get(1..l.len().saturating_sub(LINK_REL_NEXT.len())));
    let total = scenario.total_items();
    // Any page up to u32::MAX may be asked for: no overflow on the way to an empty page.
    let first = (page - 1).saturating_mul(scenario.page_size).saturating_add(1);
    let last = if page <= scenario.pages { page.saturating_mul(scenario.page_size).min(total) } else { 0 };
    let mut resp = if scenario.extended_fields {
        let data: Vec<Node> = (first..=last).map(|n| item(n, true)).collect();
        let fields: Vec<(&'static str, Node)> = vec![
            ("data", Node::Array(data)),
            ("next", next.map_or(Value::Null, Value::from).into()),
            (
                "meta",
                object(
                    vec![("total", total.into()), ("page", page.into()), ("api_version", "2026-11".into())],
                    true,
                ),
            ),
            ("deprecations", Node::Array(vec![])),
        ];
        response(StatusCode::OK, &object(fields, true))
    } else {
        bytes_response(StatusCode::OK, plain_page(first..=last, next))
    };
    if let Some(link) = link
        && let Ok(v) = HeaderValue::from_maybe_shared(Bytes::from(link))
    {
        resp.headers_mut().insert(header::LINK, v);
    }
    served(resp, None)
}

/// Anything else: a JSON 404 (journaled like every request).
pub async fn not_found() -> Response {
    oauth_error(StatusCode::NOT_FOUND, "not_found", "no such resource (try GET /items or POST /oauth/token)")
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

/// `page` from the query (1 when absent). Other parameters are ignored, as real APIs do.
fn page_param(query: Option<&str>) -> Result<u32, String> {
    let Some(q) = query else { return Ok(1) };
    match form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "page") {
        None => Ok(1),
        Some((_, v)) => match v.parse::<u32>() {
            Ok(p) if p >= 1 => Ok(p),
            _ => Err(format!("page must be a whole number from 1, not {v:?}")),
        },
    }
}

/// Where `next` links point, as a prefix and a base: the `Host` the client used (so links work
/// when the API listens on a non-loopback address), or the configured base URL when `Host` is
/// missing or odd (not a host with an optional port that makes a valid URL, e.g. `:` or `[`).
fn link_base<'a>(state: &'a ServerState, headers: &'a HeaderMap) -> (&'static str, &'a str) {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| usable_host(state, h)) {
        Some(h) => ("http://", h),
        None => ("", &state.base_url),
    }
}

/// Whether `Host` makes a valid URL. A client sends the same `Host` on every request, so the
/// last one that passed is remembered and the URL parse runs once, not per request.
fn usable_host(state: &ServerState, h: &str) -> bool {
    let mut last = state.link_host.lock().unwrap_or_else(|p| p.into_inner());
    if last.as_deref() == Some(h) {
        return true;
    }
    let ok = !h.is_empty()
        && h.len() <= 255
        && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && reqwest::Url::parse(&format!("http://{h}/")).is_ok_and(|u| u.host_str().is_some());
    if ok {
        *last = Some(h.to_owned());
    }
    ok
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    use super::*;
    use crate::checks::api::tokens::Credentials;

    const CASES: u32 = 2000;

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
            }
        }
    }
}

//! `GET /items`: the paginated collection, `{"data": [...], "next": "<absolute URL or null>"}`
//! with the same link in `Link: <…>; rel="next"`. Bearer tokens are checked first (RFC 6750),
//! then the armed scenario decides whether this attempt gets a fault.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::arm::Decision;
use super::json::{Node, oauth_error, object, response};
use super::middleware::bearer;
use super::{Served, ServerState};
use crate::checks::api::journal::RequestKind;
use crate::checks::api::tokens::TokenState;

pub async fn items(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let scenario = state.arm().scenario.clone();
    let page = match page_param(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    let kind = RequestKind::Items { page, last_page: scenario.pages };
    let served = |mut resp: Response, retry_after| {
        resp.extensions_mut().insert(Served { kind: kind.clone(), retry_after });
        resp
    };

    let token_state = bearer(&headers).map(|t| state.tokens().check(t, Instant::now()));
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

    let decision = state.arm().decide(page, Instant::now(), SystemTime::now());
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
    let base = link_base(&state, &headers);
    let next = (page < scenario.pages).then(|| format!("{base}/items?page={}", page + 1));
    let total = scenario.total_items();
    let first = (page - 1).saturating_mul(scenario.page_size) + 1;
    let last = page.saturating_mul(scenario.page_size).min(total);
    let data: Vec<Node> = (first..=last)
        .filter(|_| page <= scenario.pages)
        .map(|n| item(n, scenario.extended_fields))
        .collect();
    let mut fields: Vec<(&str, Node)> =
        vec![("data", Node::Array(data)), ("next", next.clone().map_or(Value::Null, Value::from).into())];
    if scenario.extended_fields {
        fields.push((
            "meta",
            object(
                vec![("total", total.into()), ("page", page.into()), ("api_version", "2026-11".into())],
                true,
            ),
        ));
        fields.push(("deprecations", Node::Array(vec![])));
    }
    let mut resp = response(StatusCode::OK, &object(fields, scenario.extended_fields));
    if let Some(next) = next
        && let Ok(v) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\""))
    {
        resp.headers_mut().insert(header::LINK, v);
    }
    served(resp, None)
}

/// Anything else: a JSON 404 (journaled like every request).
pub async fn not_found() -> Response {
    oauth_error(StatusCode::NOT_FOUND, "not_found", "no such resource (try GET /items or POST /oauth/token)")
}

fn item(n: u32, extended: bool) -> Node {
    let mut fields: Vec<(&str, Node)> =
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

/// Where `next` links point: the `Host` the client used (so links work when the API listens on
/// a non-loopback address), or the configured base URL when `Host` is missing or odd.
fn link_base(state: &ServerState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| {
        !h.is_empty()
            && h.len() <= 255
            && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    match host {
        Some(h) => format!("http://{h}"),
        None => state.base_url.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::page_param;

    #[test]
    fn page_parameter() {
        assert_eq!(page_param(None), Ok(1));
        assert_eq!(page_param(Some("page=3&x=1")), Ok(3));
        assert!(page_param(Some("page=0")).is_err());
        assert!(page_param(Some("page=abc")).is_err());
    }
}

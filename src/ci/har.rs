//! `--har FILE`: the run's traffic as HAR 1.2 (the format of browser devtools and
//! Schemathesis): every request the evidence API journaled and every webhook delivery sent,
//! each entry tagged with the check (`_check`) and scenario (`_scenario`) it belongs to, with
//! timings.
//!
//! Nothing secret reaches the file: URLs are filed with credential-named query values masked
//! ([`masked_url`]: a listener's `?token=`), the journal never holds a raw token or the client secret
//! (only a short hash, shown as a redacted `Authorization`), and deliveries are recorded with
//! every signature and secret-bearing header redacted (see `checks::webhook::Delivery`).
//! HAR requires fields the journal does not keep (cookies, header sizes): they are empty or
//! `-1`, which the format allows for "unknown".

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::timing::Window;
use crate::checks::api::JournalEntry;
use crate::checks::masked_url;
use crate::checks::webhook::{Delivery, REDACTED};
use crate::text;

/// The evidence API's side of a run.
pub struct ApiTraffic<'a> {
    pub journal: &'a [JournalEntry],
    pub windows: &'a [Window],
    /// `scheme://host:port` the client called.
    pub origin: String,
    /// The response header carrying the trace id (the profile's).
    pub trace_header: String,
    /// The wall-clock time of the journal clock's zero.
    pub clock_zero: DateTime<Utc>,
}

fn status_text(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

fn headers(pairs: &[(String, String)]) -> Value {
    Value::Array(pairs.iter().map(|(n, v)| json!({"name": text::short(n), "value": text::line(v)})).collect())
}

fn query(url: &str) -> Value {
    let pairs: Vec<(String, String)> = reqwest::Url::parse(url)
        .map(|u| u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
        .unwrap_or_default();
    headers(&pairs)
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The window a request at `at_us` arrived in: the last check started at or before it.
fn window_of(windows: &[Window], at_us: u64) -> Option<&Window> {
    windows.iter().filter(|w| w.from_us.is_some_and(|f| f <= at_us)).max_by_key(|w| w.from_us)
}

fn api_entry(api: &ApiTraffic<'_>, e: &JournalEntry) -> Option<Value> {
    let w = window_of(api.windows, e.at_us)?;
    let url = format!("{}{}", api.origin, text::line(&masked_url(&e.path)));
    let mut req_headers = Vec::new();
    if e.token.is_some() {
        req_headers.push(("Authorization".to_owned(), format!("Bearer {REDACTED}")));
    }
    if let Some(name) = &e.client_name {
        req_headers.push(("X-Client-Name".to_owned(), name.to_string()));
    }
    let mut resp_headers = vec![(api.trace_header.clone(), e.trace_id.clone())];
    if let Some(ms) = e.retry_after_ms {
        resp_headers.push(("Retry-After".to_owned(), format!("{}", ms.div_ceil(1000))));
    }
    let wait_ms = e.done_us.saturating_sub(e.at_us) as f64 / 1000.0;
    let started = api.clock_zero + chrono::Duration::microseconds(i64::try_from(e.at_us).unwrap_or(0));
    Some(json!({
        "startedDateTime": iso(started),
        "time": wait_ms,
        "request": {
            "method": text::short(&e.method),
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&req_headers),
            "queryString": query(&url),
            "headersSize": -1,
            "bodySize": -1,
        },
        "response": {
            "status": e.status,
            "statusText": status_text(e.status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&resp_headers),
            "content": {"size": 0, "mimeType": "application/json"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": wait_ms, "receive": 0},
        "_check": w.id,
        "_scenario": w.scenario.clone().unwrap_or_default(),
    }))
}

fn delivery_entry(d: &Delivery) -> Value {
    let status = d.status.unwrap_or(0);
    // The listener's URL may carry its shared secret (`?token=`): filed masked.
    let url = text::line(&masked_url(&d.url));
    json!({
        "startedDateTime": iso(d.started),
        "time": d.latency_ms,
        "request": {
            "method": "POST",
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&d.headers),
            "queryString": query(&url),
            "postData": {"mimeType": "application/json", "text": d.body},
            "headersSize": -1,
            "bodySize": d.body.len(),
        },
        "response": {
            "status": status,
            "statusText": status_text(status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_outcome": d.outcome,
        },
        "cache": {},
        "timings": {"send": 0, "wait": d.latency_ms, "receive": 0},
        "_check": d.check,
        "_scenario": d.case,
    })
}

/// The HAR document: deliveries first (webhook checks run first), then the API's requests.
pub fn render(deliveries: &[Delivery], api: Option<&ApiTraffic<'_>>) -> String {
    let mut entries: Vec<Value> = deliveries.iter().map(delivery_entry).collect();
    if let Some(api) = api {
        entries.extend(api.journal.iter().filter_map(|e| api_entry(api, e)));
    }
    let doc = json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "certcockpit", "version": env!("CARGO_PKG_VERSION")},
            "pages": [],
            "entries": entries,
        }
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{\"log\":{}}".to_owned())
}

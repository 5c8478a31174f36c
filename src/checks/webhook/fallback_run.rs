//! `webhook.fallback`, the I/O half: with the evidence API serving its imitation, announce
//! three of its collection's resources by webhook in sequence — the first and the third
//! delivered, the second's event withheld, so the listener sees sequence numbers jump — then
//! watch the API's journal for the window for the partner fetching the withheld one (see
//! `fallback.rs` for what counts). Each event is the run's sample event (its `{{sequence}}`
//! the announcement's number) with a top-level `"resource": {"id": …, "url": …}` naming the
//! API resource it is about: the thin-event shape most providers use, and what a reconciler
//! needs to know where to look.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use rand::distr::Alphanumeric;

use super::fallback::{self, KeptFallback, Resource};
use super::observe::{Case, Treatment};
use super::run::Redactor;
use super::send::Sender;
use super::signing::{Message, Signer, Variant};
use super::target::WebhookTarget;
use crate::checks::api::EvidenceApi;
use crate::checks::{CheckEvent, CheckId, CheckResult, Kept, ProgressSink, Secret, Verdict};

/// The announcements: the collection's items 1 and 3, with 2 withheld between them.
const ANNOUNCED: [u32; 2] = [1, 3];
const WITHHELD: u32 = 2;
/// The window's journal kept at most (a client in a tight loop cannot fill the sidecar).
const MAX_KEPT_ENTRIES: usize = 2_000;
/// How often the journal is looked at for the fetch.
const POLL: Duration = Duration::from_millis(100);

/// What a fallback run needs: both families' settings.
pub struct FallbackRun<'a> {
    pub target: &'a WebhookTarget,
    pub secret: &'a Secret,
    pub api: &'a EvidenceApi,
    /// How long to watch for the fetch, from the first announcement.
    pub window: Duration,
}

/// Runs `webhook.fallback`: `Started`, a `Progress` per announcement and when the fetch is
/// seen, `Finished`. Never fails: problems become verdicts.
pub async fn run_fallback(run: FallbackRun<'_>, sink: &dyn ProgressSink) -> CheckResult {
    let id = CheckId::WebhookFallback;
    sink.send(CheckEvent::Started { id: id.as_str().to_owned() });
    let redactor = Redactor::new(run.secret);
    let result = redactor.result(observe(&run, &redactor, sink).await).neutralised();
    sink.send(CheckEvent::Finished(result.clone()));
    result
}

async fn observe(run: &FallbackRun<'_>, redactor: &Redactor, sink: &dyn ProgressSink) -> CheckResult {
    let id = CheckId::WebhookFallback;
    let t = run.target;
    if let Some(r) = in_proxy_mode(run.api) {
        return r;
    }
    let signer = match Signer::new(t.scheme, t.effective_header(), run.secret) {
        Ok(s) => s,
        Err(e) => return CheckResult::new(id, Verdict::Inconclusive, format!("cannot sign deliveries: {e}")),
    };
    let sender = match Sender::new(t.url.clone(), t.deadline, t.ca.as_ref()) {
        Ok(s) => s,
        Err(e) => {
            return CheckResult::new(
                id,
                Verdict::Inconclusive,
                format!("cannot set up the HTTP client: {e}"),
            );
        }
    };
    let progress = |message: String| sink.send(CheckEvent::Progress { id: id.as_str().to_owned(), message });
    let collection = run.api.profile().main_collection().path.example();
    let origin = origin(&run.api.base_url());
    let base_seq = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0) * 10;
    let resource = |n: u32| {
        let rid = crate::checks::api::item_id(n);
        Resource { path: format!("{collection}/{rid}"), id: rid, sequence: base_seq + u64::from(n) }
    };
    let announced: Vec<Resource> = ANNOUNCED.into_iter().map(resource).collect();
    let withheld = resource(WITHHELD);
    let from_us = run.api.now_us();
    let mut deliveries = Vec::new();
    for (n, r) in ANNOUNCED.into_iter().zip(&announced) {
        let msg = message(t, r, &origin, n);
        let obs = redactor.observation(sender.send(Case::Step(n), signer.wire(&msg, Variant::Genuine)).await);
        progress(format!("announced {} (sequence {}): {}", r.id, r.sequence, obs.line()));
        let stop = obs.treatment(t.deadline) == Treatment::NoAnswer;
        deliveries.push(obs);
        if stop {
            break;
        }
    }
    progress(format!(
        "withheld {} (sequence {}); watching the API for {} s for it to be fetched",
        withheld.id,
        withheld.sequence,
        run.window.as_secs_f64()
    ));
    let mut kept = KeptFallback {
        scheme: t.scheme,
        deadline: t.deadline,
        window: run.window,
        announced,
        withheld,
        collection,
        from_us,
        deliveries,
        entries: Vec::new(),
    };
    let until = tokio::time::Instant::now() + run.window.saturating_sub(elapsed(run.api, from_us));
    loop {
        kept.entries = window_entries(run.api, from_us);
        if let Some(e) = kept.entries.iter().find(|e| fallback::fetched(e, &kept)) {
            progress(format!("fetched: {}", e.line(from_us)));
            break;
        }
        if tokio::time::Instant::now() >= until {
            break;
        }
        tokio::time::sleep(POLL.min(until.saturating_duration_since(tokio::time::Instant::now()))).await;
    }
    let mut result = fallback::judge(&kept);
    result.kept = Some(Arc::new(Kept::Fallback(kept)));
    result
}

/// In proxy mode the resources are upstream's, their ids unknown to the cockpit: nothing
/// could be announced that the partner would find, so the check cannot be judged (an
/// inconclusive verdict saying so, at once: neither a failure nor a window waited out).
pub fn in_proxy_mode(api: &EvidenceApi) -> Option<CheckResult> {
    api.upstream().map(|up| {
        CheckResult::new(
            CheckId::WebhookFallback,
            Verdict::Inconclusive,
            format!(
                "the evidence API stands in front of {} (proxy mode), whose resource ids the cockpit does not know: run webhook.fallback against the imitation (without an upstream)",
                crate::text::short(up)
            ),
        )
    })
}

fn elapsed(api: &EvidenceApi, from_us: u64) -> Duration {
    Duration::from_micros(api.now_us().saturating_sub(from_us))
}

/// The journal from `from_us` on, at most [`MAX_KEPT_ENTRIES`] of it.
fn window_entries(api: &EvidenceApi, from_us: u64) -> Vec<crate::checks::api::JournalEntry> {
    let mut entries: Vec<_> = api.session_journal().into_iter().filter(|e| e.at_us >= from_us).collect();
    entries.truncate(MAX_KEPT_ENTRIES);
    entries
}

/// The announcement of `r`: the sample event at step `step`, with the resource named.
fn message(t: &WebhookTarget, r: &Resource, origin: &str, step: u32) -> Message {
    let id = format!(
        "msg_{}",
        rand::rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect::<String>()
    );
    let now = chrono::Utc::now();
    let occurred = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let body = t.event.render(&id, r.sequence, u64::from(step.min(2)), &occurred);
    let body = match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(mut fields)) => {
            fields.insert(
                "resource".to_owned(),
                serde_json::json!({ "id": r.id, "url": format!("{origin}{}", r.path) }),
            );
            serde_json::Value::Object(fields).to_string()
        }
        // Event templates are validated as JSON objects when loaded; anything else goes as is.
        _ => body,
    };
    Message { id, timestamp: now.timestamp(), body }
}

/// `scheme://host:port` of the API's base URL (resource paths are absolute).
fn origin(base: &str) -> String {
    reqwest::Url::parse(base).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| base.to_owned())
}

/// Waits up to `within` for something to accept TCP connections at the listener's address
/// (a listener the cockpit just started takes a moment to come up). Whether it did.
pub async fn wait_for_listener(url: &reqwest::Url, within: Duration) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let Some(port) = url.port_or_known_default() else { return false };
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let attempt = tokio::time::timeout(
            Duration::from_millis(500),
            tokio::net::TcpStream::connect((host.as_str(), port)),
        );
        if matches!(attempt.await, Ok(Ok(_))) {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

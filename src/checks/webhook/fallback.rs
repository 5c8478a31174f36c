//! `webhook.fallback`, the pure half: the cockpit announced some of the evidence API's
//! resources by webhook and withheld the event of one (the listener sees a gap in the
//! sequence numbers: 1, 3 with 2 missing), then watched the API's journal for the window the
//! reviewer set. This judges what it saw; `fallback_run.rs` does the I/O.
//!
//! Fairness rules:
//! - A reconciler may fetch the withheld resource itself (`GET /items/item-0002`), or the
//!   collection page holding it (page 1 of `GET /items`: the announced resources are the
//!   collection's first three, on its first page at any page size of 3 or more — what a
//!   periodic re-sync or a "list what changed" job does). Both pass: the partner got the data.
//! - The fetch counts from the moment the first announcement was sent (a reconciler that runs
//!   on a timer may already be mid-cycle), until the end of the window; only an answered fetch
//!   (2xx) counts, an attempt refused (401, 404) is reported but fetched nothing.
//! - Traffic that fetched other resources (the announced ones: a "thin event" listener fetches
//!   each event's resource) shows a client is there: without the withheld one, that fails.
//! - No request at all in the window: nobody was pointed at the API, or the client was not
//!   running. That says nothing about the fallback: inconclusive, not a failure.
//! - A listener that acknowledged none of the announcements cannot have seen the gap: also
//!   inconclusive (`webhook.delivery` says why).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::observe::{Observation, Treatment};
use super::scheme::Scheme;
use crate::checks::api::{JournalEntry, RequestKind};
use crate::checks::{CheckId, CheckResult, Verdict};

/// How long the cockpit watches for the fetch unless the reviewer says otherwise: long enough
/// for a reconciler that checks for gaps every few seconds, short enough for a live session.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(30);
/// The longest window accepted (an hourly re-sync is watched with `--watch` and this at most).
pub const MAX_WINDOW: Duration = Duration::from_secs(3600);

/// A fallback window that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the fallback window must be between 1 and {max} seconds, not {0} (how long the cockpit watches the API for the missed resource to be fetched)",
    max = MAX_WINDOW.as_secs()
)]
pub struct BadWindow(pub String);

/// The window `secs` seconds long, validated.
pub fn window_from_secs(secs: f64) -> Result<Duration, BadWindow> {
    if secs.is_finite() && (1.0..=MAX_WINDOW.as_secs_f64()).contains(&secs) {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(BadWindow(secs.to_string()))
    }
}

/// One resource of the plan: its id, the sequence number its event carries, and the path it
/// is fetched at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    pub sequence: u64,
    /// `GET` path of the resource itself (`/items/item-0002`).
    pub path: String,
}

/// What `webhook.fallback` rests on: the plan, the announcements' answers and the journal of
/// the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptFallback {
    pub scheme: Scheme,
    pub deadline: Duration,
    pub window: Duration,
    /// The resources announced, in the order sent (their deliveries are `deliveries`, same
    /// order; a run stops at a delivery that got no answer, so there may be fewer).
    pub announced: Vec<Resource>,
    pub withheld: Resource,
    /// The collection path whose first page holds the withheld resource (`/items`).
    pub collection: String,
    /// Journal clock (µs) when the first announcement was sent: the window starts here.
    pub from_us: u64,
    pub deliveries: Vec<Observation>,
    /// The API's journal from `from_us` on.
    pub entries: Vec<JournalEntry>,
}

impl KeptFallback {
    /// Everything but the lists (the sidecar's header line).
    pub fn header(&self) -> Self {
        Self { deliveries: Vec::new(), entries: Vec::new(), ..self.clone() }
    }
}

/// How a request relates to the withheld resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetch {
    /// `GET` of the resource itself.
    Resource,
    /// `GET` of the collection's first page.
    Page,
}

fn fetch_of(e: &JournalEntry, k: &KeptFallback) -> Option<Fetch> {
    if !e.method.eq_ignore_ascii_case("GET") {
        return None;
    }
    let (path, query) = e.path.split_once('?').unwrap_or((&e.path, ""));
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
    // The resource under any collection (every collection of the imitation holds the same ids).
    if path == k.withheld.path || path.rsplit('/').next() == Some(k.withheld.id.as_str()) {
        return Some(Fetch::Resource);
    }
    let asks_for_it = query.split('&').any(|kv| kv.split_once('=').is_some_and(|(_, v)| v == k.withheld.id));
    let first_page = matches!(e.kind, RequestKind::Items { page: 1, .. });
    (first_page || (path == k.collection && asks_for_it)).then_some(Fetch::Page)
}

/// Whether `e` fetched the withheld resource (or the page holding it) and got it (2xx).
pub fn fetched(e: &JournalEntry, k: &KeptFallback) -> bool {
    (200..300).contains(&e.status) && fetch_of(e, k).is_some()
}

fn after(e: &JournalEntry, from_us: u64) -> String {
    let s = e.at_us.saturating_sub(from_us) as f64 / 1_000_000.0;
    format!("{s:.1} s")
}

/// The verdict on a fallback run (see the module doc for the rules).
pub fn judge(k: &KeptFallback) -> CheckResult {
    let id = CheckId::WebhookFallback;
    let acked = k.deliveries.iter().filter(|o| o.treatment(k.deadline) == Treatment::Accepted).count();
    let window = format!("{} s", k.window.as_secs_f64());
    let until = k.from_us.saturating_add(u64::try_from(k.window.as_micros()).unwrap_or(u64::MAX));
    let seen: Vec<&JournalEntry> =
        k.entries.iter().filter(|e| e.at_us >= k.from_us && e.at_us <= until).collect();
    let w = &k.withheld;
    let base = |verdict, summary: String| {
        let mut r = CheckResult::new(id, verdict, summary)
            .figure("withheld", w.id.as_str())
            .figure("withheld_sequence", w.sequence)
            .figure("announced", k.announced.len())
            .figure("acknowledged", acked)
            .figure("window_s", k.window.as_secs_f64())
            .figure("requests_in_window", seen.len());
        for (a, o) in k.announced.iter().zip(&k.deliveries) {
            r = r.observe(format!("announced {} (sequence {}): {}", a.id, a.sequence, o.line()));
        }
        r.observe(format!("withheld {} (sequence {}): never delivered", w.id, w.sequence))
    };
    if acked == 0 {
        return base(
            Verdict::Inconclusive,
            format!(
                "the listener acknowledged none of the {} announced events, so it cannot have noticed the missing one (see webhook.delivery)",
                k.announced.len()
            ),
        );
    }
    let fetches: Vec<(&JournalEntry, Fetch)> =
        seen.iter().filter_map(|e| fetch_of(e, k).map(|f| (*e, f))).collect();
    if let Some((e, how)) = fetches.iter().find(|(e, _)| (200..300).contains(&e.status)) {
        let what = match how {
            Fetch::Resource => "the resource itself".to_owned(),
            Fetch::Page => "the collection page holding it".to_owned(),
        };
        let mut r = base(
            Verdict::Pass,
            format!(
                "the event for {} was never delivered, and the partner fetched it {} after the announcements began, by GET {} ({what})",
                w.id,
                after(e, k.from_us),
                crate::text::short(&e.path),
            ),
        )
        .figure("fetched_after_ms", e.at_us.saturating_sub(k.from_us) as f64 / 1000.0)
        .figure("fetched_by", format!("GET {}", e.path));
        r = r.observe(e.line(k.from_us));
        return r;
    }
    if seen.is_empty() {
        return base(
            Verdict::Inconclusive,
            format!(
                "the evidence API saw no request at all in the {window} window: point the partner's integration at it (its base URL) and run again"
            ),
        );
    }
    let mut r = base(
        Verdict::Fail,
        match fetches.first() {
            Some((e, _)) => format!(
                "the event for {} was never delivered; the partner tried to fetch it (GET {} -> {}) but got nothing in the {window} window",
                w.id,
                crate::text::short(&e.path),
                e.status
            ),
            None => format!(
                "the event for {} (sequence {}) was never delivered, and in the {window} window the partner made {} request(s) to the API but never fetched it: reconcile gaps in the sequence through the API",
                w.id,
                w.sequence,
                seen.len()
            ),
        },
    );
    for e in seen.iter().take(8) {
        r = r.observe(e.line(k.from_us));
    }
    r
}

#[cfg(test)]
mod tests {
    use compact_str::CompactString;

    use super::*;
    use crate::checks::webhook::{Case, Outcome};

    fn res(n: u32, seq: u64) -> Resource {
        Resource { id: format!("item-{n:04}"), sequence: seq, path: format!("/items/item-{n:04}") }
    }

    fn ack(n: u32) -> Observation {
        Observation {
            case: Case::Step(n),
            outcome: Outcome::Answered { status: 204, detail: String::new() },
            latency: Duration::from_millis(3),
        }
    }

    fn get(at_ms: u64, path: &str, status: u16, kind: RequestKind) -> JournalEntry {
        JournalEntry {
            seq: at_ms,
            at_us: 1_000_000 + at_ms * 1000,
            done_us: 1_000_000 + at_ms * 1000 + 500,
            method: CompactString::from("GET"),
            path: CompactString::from(path),
            status,
            token: None,
            client_name: None,
            trace_id: String::new(),
            retry_after_ms: None,
            retry_after_form: None,
            kind,
        }
    }

    fn kept(entries: Vec<JournalEntry>) -> KeptFallback {
        KeptFallback {
            scheme: Scheme::StandardWebhooks,
            deadline: Duration::from_secs(15),
            window: Duration::from_secs(10),
            announced: vec![res(1, 101), res(3, 103)],
            withheld: res(2, 102),
            collection: "/items".into(),
            from_us: 1_000_000,
            deliveries: vec![ack(1), ack(3)],
            entries,
        }
    }

    /// A reconciler on requests: lists the collection when it sees 101 then 103 (what the
    /// Python peer does), or fetches the missing resource by id.
    #[test]
    fn a_fetch_of_the_page_or_the_resource_passes_and_says_when_and_how() {
        let page = get(1200, "/items", 200, RequestKind::Items { page: 1, last_page: 3 });
        let r = judge(&kept(vec![get(20, "/items/item-0001", 200, RequestKind::Other), page]));
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("1.2 s") && r.summary.contains("GET /items"), "{}", r.summary);
        let r = judge(&kept(vec![get(300, "/items/item-0002/", 200, RequestKind::Other)]));
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("the resource itself"), "{}", r.summary);
        let r = judge(&kept(vec![get(300, "/items?ids=item-0002", 200, RequestKind::Other)]));
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    }

    /// A thin-event listener fetches each announced resource and nothing else.
    #[test]
    fn fetching_only_the_announced_resources_fails() {
        let r = judge(&kept(vec![
            get(20, "/items/item-0001", 200, RequestKind::Other),
            get(40, "/items/item-0003", 200, RequestKind::Other),
            get(60, "/items?page=2", 200, RequestKind::Items { page: 2, last_page: 3 }),
        ]));
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("item-0002") && r.summary.contains("3 request"), "{}", r.summary);
    }

    #[test]
    fn a_refused_or_late_fetch_fetched_nothing() {
        let r = judge(&kept(vec![get(20, "/items/item-0002", 401, RequestKind::Other)]));
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("401"), "{}", r.summary);
        let r = judge(&kept(vec![get(10_001, "/items/item-0002", 200, RequestKind::Other)]));
        assert_eq!(r.verdict, Verdict::Inconclusive, "after the window: {}", r.summary);
        let post =
            JournalEntry { method: "POST".into(), ..get(5, "/items/item-0002", 200, RequestKind::Other) };
        assert_eq!(judge(&kept(vec![post])).verdict, Verdict::Fail);
    }

    #[test]
    fn no_client_or_no_acknowledgement_is_inconclusive() {
        let r = judge(&kept(Vec::new()));
        assert_eq!(r.verdict, Verdict::Inconclusive);
        assert!(r.summary.contains("no request"), "{}", r.summary);
        let mut k = kept(vec![get(20, "/items/item-0002", 200, RequestKind::Other)]);
        k.deliveries = vec![Observation { outcome: Outcome::TimedOut, ..ack(1) }];
        let r = judge(&k);
        assert_eq!(r.verdict, Verdict::Inconclusive);
        assert!(r.summary.contains("acknowledged none"), "{}", r.summary);
    }

    #[test]
    fn windows_are_validated() {
        assert_eq!(window_from_secs(30.0), Ok(Duration::from_secs(30)));
        for bad in [0.5, 0.0, -1.0, 3601.0, f64::NAN] {
            assert!(window_from_secs(bad).is_err(), "{bad}");
        }
    }
}

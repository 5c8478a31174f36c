//! The journal: one entry per request the evidence API received, with a monotonic arrival time
//! in microseconds. Judges are pure functions of these entries, so everything a verdict rests
//! on (the status served, the Retry-After hint given, the token issued) is recorded here rather
//! than recomputed from scenario parameters.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize};
use tokio::sync::broadcast;

/// What a request was, as the server understood it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RequestKind {
    /// `POST /oauth/token`. `issued` is the hash of the access token handed out (on a 200),
    /// `expires_us` when it expires on the journal clock.
    Token { grant_type: CompactString, issued: Option<CompactString>, expires_us: Option<u64> },
    /// `GET /items`: `page` is the page asked for (1-based), `last_page` the collection's last.
    Items { page: u32, last_page: u32 },
    /// Anything else (unknown paths, wrong methods, malformed requests).
    Other,
}

/// One journaled request. Never holds a raw token or the client secret. The short texts are
/// `CompactString`s, kept inline up to 24 bytes: a method, a token hash and most paths need no
/// heap allocation, which matters when a flood of requests turns the journal over (each new
/// entry used to allocate four strings and free four cold ones of the entry it pushed out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Arrival order (assigned when the request arrives).
    pub seq: u64,
    /// Arrival time, µs since the session started (monotonic clock).
    pub at_us: u64,
    /// When the response was ready (or the request was cut short), µs since the session started.
    pub done_us: u64,
    pub method: CompactString,
    /// Path and query, cut to a sane length.
    pub path: CompactString,
    /// Status served; 0 when the request was cut short before its response was ready (the
    /// server stopped mid-request). A client that merely closes its connection early still
    /// gets a status here: the server allows half-closed connections and notices only when
    /// it writes.
    pub status: u16,
    /// Short hash of the bearer token presented, if any (see `tokens::token_hash`).
    pub token: Option<CompactString>,
    /// The `X-Client-Name` header as sent (cut to a sane length), if any.
    pub client_name: Option<CompactString>,
    /// The `X-Trace-Id` served with the response.
    pub trace_id: String,
    /// The effective `Retry-After` hint served, in ms from arrival (both forms normalised).
    pub retry_after_ms: Option<u64>,
    /// `"seconds"` or `"http-date"`: which form of `Retry-After` was served.
    #[serde(deserialize_with = "retry_after_form")]
    pub retry_after_form: Option<FormName>,
    pub kind: RequestKind,
}

impl JournalEntry {
    /// Arrival in milliseconds (for gaps and figures).
    pub fn at_ms(&self) -> f64 {
        self.at_us as f64 / 1000.0
    }

    pub fn is_items(&self) -> bool {
        matches!(self.kind, RequestKind::Items { .. })
    }

    pub fn is_token(&self) -> bool {
        matches!(self.kind, RequestKind::Token { .. })
    }

    /// The access token hash issued by this request, if it was a successful grant.
    pub fn issued_token(&self) -> Option<&str> {
        match &self.kind {
            RequestKind::Token { issued, .. } => issued.as_deref(),
            _ => None,
        }
    }

    /// One line for the live journal and observations: `+1234.567 ms GET /items?page=2 -> 200`.
    pub fn line(&self, origin_us: u64) -> String {
        let at = self.at_us.saturating_sub(origin_us) as f64 / 1000.0;
        let status = if self.status == 0 { "(cut short)".to_owned() } else { self.status.to_string() };
        let mut line = format!("+{at:.1} ms {} {} -> {status}", self.method, self.path);
        if let Some(ms) = self.retry_after_ms {
            line.push_str(&format!(" Retry-After {} ms", ms));
        }
        if let Some(t) = &self.token {
            line.push_str(&format!(" token {t}"));
        }
        if let Some(t) = self.issued_token() {
            line.push_str(&format!(" issued {t}"));
        }
        line
    }
}

/// A `Retry-After` form's name. An alias, not `&'static str` written out, so that serde does
/// not take the field for one borrowed from its input (it is read by [`retry_after_form`]).
pub type FormName = &'static str;

/// A `Retry-After` form read back from kept evidence: one of the two the server serves (any
/// other text reads as `None`, as if no hint had been given).
fn retry_after_form<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.and_then(|form| match form.as_str() {
        "seconds" => Some("seconds"),
        "http-date" => Some("http-date"),
        _ => None,
    }))
}

/// One point of the retry timeline chart: attempt time against the status served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinePoint {
    /// Milliseconds since the scenario was armed.
    pub at_ms: f64,
    pub method: CompactString,
    pub path: CompactString,
    /// Status served (0: cut short before the response was ready).
    pub status: u16,
    /// `"token"`, `"items"` or `"other"`: a chart of retries usually plots only `"items"`.
    pub kind: &'static str,
    /// The Retry-After hint served with it, in ms.
    pub retry_after_ms: Option<u64>,
}

/// How many entries the live feed buffers for a slow subscriber before it skips ahead.
const FEED_CAPACITY: usize = 1024;
/// The journal keeps at most this many entries (a polling client left running for hours must
/// not grow memory without bound); the oldest go first, so the entries of earlier windows go
/// before any of the armed window's, and one armed window can hold all 20,000. That is far more
/// than any scenario needs (the longest, `retry.limit`, makes a few dozen requests) and keeps
/// a flooded session near 20 MB resident (BENCHMARKS.md). An entry is [`ENTRY_BYTES`] (248)
/// inline plus its trace id's 32 bytes on the heap, about 6 MB for a full ring; paths and
/// client names beyond 24 bytes add theirs (cut to 200 and 100 characters: at most about 12 MB).
/// What does not fit is
/// counted ([`Dropped`]), never silently lost: a window that lost requests is judged
/// inconclusive (see `judges::overflow`).
pub const MAX_ENTRIES: usize = 20_000;

/// The size of one entry as stored (without its heap parts).
pub const ENTRY_BYTES: usize = std::mem::size_of::<JournalEntry>();
// The memory stated above holds while an entry stays this small.
const _: () = assert!(ENTRY_BYTES <= 256);

/// Requests the journal had to drop to stay within [`MAX_ENTRIES`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Entries that arrived in the current window (since the last arm or disarm) and were
    /// dropped.
    pub window: u64,
    /// Entries dropped in the whole session.
    pub session: u64,
}

/// What the accept loop did with a connection when every slot was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionEvent {
    /// The oldest idle connection was closed to serve it.
    Displaced,
    /// Refused: every slot was in the middle of a request.
    Refused,
}

/// Connections displaced or refused, in the current window and in the session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Connections {
    pub window_displaced: u64,
    pub window_refused: u64,
    pub session_displaced: u64,
    pub session_refused: u64,
}

impl Connections {
    /// The observation a judged run files, when anything happened in its window.
    pub fn observation(&self) -> Option<String> {
        (self.window_displaced + self.window_refused > 0).then(|| {
            format!(
                "connections: all slots were taken; {} idle connections were closed to serve new ones and {} new connections refused (every slot mid-request)",
                self.window_displaced, self.window_refused
            )
        })
    }
}

/// The newest `MAX_ENTRIES` entries. Once full, a new entry takes the oldest one's slot in
/// place (a `VecDeque` moved the evicted entry out of cold memory first, on every request).
#[derive(Debug, Default)]
struct Ring {
    items: Vec<JournalEntry>,
    /// Where the oldest entry is once the ring is full (0 until then).
    oldest: usize,
    /// Start of the current window (journal clock, µs): an evicted entry that arrived at or
    /// after it counts in `dropped.window`.
    window_since_us: u64,
    dropped: Dropped,
    connections: Connections,
}

impl Ring {
    fn push(&mut self, entry: JournalEntry) {
        if self.items.len() < MAX_ENTRIES {
            self.items.push(entry);
        } else if let Some(slot) = self.items.get_mut(self.oldest) {
            let evicted = std::mem::replace(slot, entry);
            self.oldest = (self.oldest + 1) % self.items.len();
            self.dropped.session += 1;
            if evicted.at_us >= self.window_since_us {
                self.dropped.window += 1;
            }
        }
    }

    /// Oldest first.
    fn iter(&self) -> impl Iterator<Item = &JournalEntry> {
        let (newer, older) = self.items.split_at(self.oldest.min(self.items.len()));
        older.iter().chain(newer)
    }
}

/// The session's journal: entries in a mutex, plus a broadcast feed for live display.
#[derive(Debug)]
pub struct Journal {
    origin: Instant,
    entries: Mutex<Ring>,
    next_seq: AtomicU64,
    feed: broadcast::Sender<JournalEntry>,
}

impl Default for Journal {
    fn default() -> Self {
        Self::new()
    }
}

impl Journal {
    pub fn new() -> Self {
        let (feed, _) = broadcast::channel(FEED_CAPACITY);
        Self {
            origin: Instant::now(),
            entries: Mutex::new(Ring::default()),
            next_seq: AtomicU64::new(0),
            feed,
        }
    }

    /// Now on the journal clock (µs since the session started).
    pub fn now_us(&self) -> u64 {
        self.us_of(Instant::now())
    }

    /// An instant on the journal clock.
    pub fn us_of(&self, t: Instant) -> u64 {
        u64::try_from(t.saturating_duration_since(self.origin).as_micros()).unwrap_or(u64::MAX)
    }

    /// Reserves the next sequence number (at arrival).
    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Records an entry and announces it on the live feed. Runs for every request, so it
    /// drops the oldest entry in O(1) and copies the entry only when someone is listening.
    pub fn push(&self, entry: JournalEntry) {
        // No subscriber is fine: the UI may not be listening.
        let feed = (self.feed.receiver_count() > 0).then(|| entry.clone());
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.push(entry);
        }
        if let Some(entry) = feed {
            let _ = self.feed.send(entry);
        }
    }

    /// Starts a window at `since_us` (arming or disarming): its dropped count starts at 0.
    pub fn open_window(&self, since_us: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.window_since_us = since_us;
        entries.dropped.window = 0;
        entries.connections.window_displaced = 0;
        entries.connections.window_refused = 0;
    }

    /// Counts a connection the accept loop displaced an idle one for, or refused.
    pub fn note_connection(&self, event: ConnectionEvent) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let c = &mut entries.connections;
        match event {
            ConnectionEvent::Displaced => {
                c.window_displaced += 1;
                c.session_displaced += 1;
            }
            ConnectionEvent::Refused => {
                c.window_refused += 1;
                c.session_refused += 1;
            }
        }
    }

    /// Connections displaced or refused so far.
    pub fn connections(&self) -> Connections {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).connections
    }

    /// How many requests were dropped, in the current window and in the session.
    pub fn dropped(&self) -> Dropped {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).dropped
    }

    /// Entries that arrived at or after `since_us`, in arrival order.
    pub fn since(&self, since_us: u64) -> Vec<JournalEntry> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<_> = entries.iter().filter(|e| e.at_us >= since_us).cloned().collect();
        out.sort_by_key(|e| (e.at_us, e.seq));
        out
    }

    /// The most recently arrived entry that has been journaled.
    pub fn last(&self) -> Option<JournalEntry> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.iter().max_by_key(|e| e.seq).cloned()
    }

    /// A live feed of entries as their responses complete.
    pub fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
        self.feed.subscribe()
    }
}

/// The retry timeline of `entries` (all requests), relative to `origin_us`.
pub fn timeline(entries: &[JournalEntry], origin_us: u64) -> Vec<TimelinePoint> {
    entries
        .iter()
        .map(|e| TimelinePoint {
            at_ms: e.at_us.saturating_sub(origin_us) as f64 / 1000.0,
            method: e.method.clone(),
            path: e.path.clone(),
            status: e.status,
            kind: match e.kind {
                RequestKind::Token { .. } => "token",
                RequestKind::Items { .. } => "items",
                RequestKind::Other => "other",
            },
            retry_after_ms: e.retry_after_ms,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window holds every one of its requests up to `MAX_ENTRIES`, the earlier windows'
    /// entries going first; beyond that its dropped requests are counted.
    #[test]
    fn a_window_keeps_all_its_entries_or_counts_what_it_lost() {
        let j = Journal::new();
        for s in 0..15_000 {
            j.push(entry(s));
        }
        j.open_window(15_000);
        for s in 15_000..(15_000 + MAX_ENTRIES as u64) {
            j.push(entry(s));
        }
        assert_eq!(j.dropped(), Dropped { window: 0, session: 15_000 });
        assert_eq!(j.since(15_000).len(), MAX_ENTRIES, "the whole window is kept");
        j.push(entry(15_000 + MAX_ENTRIES as u64));
        assert_eq!(j.dropped(), Dropped { window: 1, session: 15_001 });
        j.open_window(40_000);
        assert_eq!(j.dropped().window, 0);
    }

    fn entry(seq: u64) -> JournalEntry {
        JournalEntry {
            seq,
            at_us: seq,
            done_us: seq,
            method: "GET".into(),
            path: "/items".into(),
            status: 200,
            token: None,
            client_name: None,
            trace_id: String::new(),
            retry_after_ms: None,
            retry_after_form: None,
            kind: RequestKind::Other,
        }
    }

    #[test]
    fn keeps_the_newest_entries_and_feeds_subscribers() {
        let j = Journal::new();
        for s in 0..(MAX_ENTRIES as u64 + 10) {
            j.push(entry(s));
        }
        let all = j.since(0);
        assert_eq!(all.len(), MAX_ENTRIES);
        assert_eq!(all[0].seq, 10);
        assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1), "oldest first, none lost");
        let ring = j.entries.lock().expect("lock");
        let ring_order: Vec<u64> = ring.iter().map(|e| e.seq).collect();
        assert_eq!(ring_order, all.iter().map(|e| e.seq).collect::<Vec<_>>());
        drop(ring);
        assert_eq!(j.last().map(|e| e.seq), Some(MAX_ENTRIES as u64 + 9));
        assert_eq!(j.dropped(), Dropped { window: 10, session: 10 });
        let mut feed = j.subscribe();
        j.push(entry(MAX_ENTRIES as u64 + 10));
        assert_eq!(feed.try_recv().map(|e| e.seq).ok(), Some(MAX_ENTRIES as u64 + 10));
        assert_eq!(j.next_seq(), 0);
        assert_eq!(j.next_seq(), 1);
    }
}

//! The live pane's journal with scroll-back: a bounded buffer of the requests seen since a
//! scenario was armed, in arrival order, plus where the reviewer has scrolled to.
//!
//! The view follows the newest line by default. Scrolling up pauses following: new lines are
//! still buffered, below the view, and counted as "newer" so the lines on screen stay put;
//! `End` follows again. The scroll position is kept as a distance from the newest line, so
//! dropping the oldest lines (the bound) never moves what is on screen.

use std::collections::VecDeque;

use crate::checks::api::JournalEntry;

/// Lines kept for the live pane. Only for display: judging reads the full journal from the
/// evidence API, never this buffer. 2,000 lines are minutes of traffic from a well-behaved
/// client (far more than a reviewer scrolls through during a call, and more than the 1,024
/// entries the feed itself buffers), while keeping the memory bounded (~a few hundred kB) when
/// a runaway client floods the API for the length of a session.
pub const LIVE_JOURNAL_LINES: usize = 2_000;

/// Lines one `PgUp`/`PgDn` moves before the pane has been drawn (its height unknown); once
/// drawn, a page is the rows shown less one, kept for context (as in `less`).
pub const JOURNAL_PAGE: usize = 5;

/// Lines one `PgUp`/`PgDn` moves when the journal shows `rows` rows (0: not drawn yet).
pub fn page(rows: usize) -> usize {
    if rows == 0 { JOURNAL_PAGE } else { rows.saturating_sub(1).max(1) }
}

/// One line of the live journal.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveLine {
    /// A request, as the evidence API journaled it.
    Request(Box<JournalEntry>),
    /// The feed reported that the display fell behind by `n` entries (they are in the API's
    /// journal, not here). `after` is the arrival key of the line before, to keep the order.
    Skipped { n: u64, after: (u64, u64) },
}

impl LiveLine {
    /// Arrival order: (arrival µs, sequence number).
    fn key(&self) -> (u64, u64) {
        match self {
            LiveLine::Request(e) => (e.at_us, e.seq),
            LiveLine::Skipped { after, .. } => *after,
        }
    }
}

/// The bounded, scrollable live journal (see the module doc).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveJournal {
    lines: VecDeque<LiveLine>,
    /// Lines below the view (0: following the newest).
    newer: usize,
}

impl LiveJournal {
    /// Adds a request in arrival order (responses complete out of arrival order).
    pub fn push(&mut self, entry: JournalEntry) {
        let key = (entry.at_us, entry.seq);
        let at = self.lines.partition_point(|l| l.key() <= key);
        self.insert(at, LiveLine::Request(Box::new(entry)));
    }

    /// Records that the feed skipped `n` entries, at the newest position.
    pub fn skipped(&mut self, n: u64) {
        let after = self.lines.back().map_or((0, 0), LiveLine::key);
        self.insert(self.lines.len(), LiveLine::Skipped { n, after });
    }

    fn insert(&mut self, at: usize, line: LiveLine) {
        // Below the view while paused: one more newer line, the view stays where it is.
        if self.newer > 0 && at >= self.lines.len() - self.newer.min(self.lines.len()) {
            self.newer += 1;
        }
        self.lines.insert(at, line);
        while self.lines.len() > LIVE_JOURNAL_LINES {
            self.lines.pop_front();
        }
        self.newer = self.newer.min(self.lines.len().saturating_sub(1));
    }

    /// Scrolls `n` lines towards the oldest (pauses following), no further than the oldest
    /// line at the top of a view of `rows` rows (0: unknown): nothing to scroll when all fit.
    pub fn scroll_up(&mut self, n: usize, rows: usize) {
        self.newer = (self.newer + n).min(self.lines.len().saturating_sub(rows.max(1)));
    }

    /// Scrolls `n` lines towards the newest; reaching it follows again.
    pub fn scroll_down(&mut self, n: usize) {
        self.newer = self.newer.saturating_sub(n);
    }

    /// Shows the oldest line kept at the top of a view of `rows` rows (pauses following, unless
    /// everything fits).
    pub fn oldest(&mut self, rows: usize) {
        self.newer = self.lines.len().saturating_sub(rows.max(1));
    }

    /// Follows the newest line again.
    pub fn follow(&mut self) {
        self.newer = 0;
    }

    pub fn following(&self) -> bool {
        self.newer == 0
    }

    /// Lines below the view as scrolled (the view may show fewer: see [`Self::window`]).
    pub fn newer(&self) -> usize {
        self.newer
    }

    /// The lines to draw in `rows` rows, oldest first, and how many newer lines are below them.
    /// A view taller than the scrolled-back part shows as many lines as it can hold.
    pub fn window(&self, rows: usize) -> (impl Iterator<Item = &LiveLine>, usize) {
        let len = self.lines.len();
        let newer = self.newer.min(len.saturating_sub(rows));
        let end = len - newer;
        let start = end.saturating_sub(rows);
        (self.lines.range(start..end), newer)
    }

    /// The requests kept, oldest first (without the skipped-lines markers).
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &JournalEntry> {
        self.lines.iter().filter_map(|l| match l {
            LiveLine::Request(e) => Some(&**e),
            LiveLine::Skipped { .. } => None,
        })
    }

    /// The newest request kept.
    pub fn last_entry(&self) -> Option<&JournalEntry> {
        self.entries().next_back()
    }

    /// Lines kept (requests and markers).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::api::RequestKind;

    fn entry(seq: u64) -> JournalEntry {
        JournalEntry {
            seq,
            at_us: 1_000 + seq * 10,
            done_us: 1_000 + seq * 10 + 5,
            method: "GET".into(),
            path: "/items".into(),
            status: 200,
            token: None,
            client_name: None,
            trace_id: format!("{seq:032x}"),
            retry_after_ms: None,
            retry_after_form: None,
            kind: RequestKind::Items { page: 1, last_page: 1 },
        }
    }

    fn seqs<'a>(lines: impl Iterator<Item = &'a LiveLine>) -> Vec<Option<u64>> {
        lines
            .map(|l| match l {
                LiveLine::Request(e) => Some(e.seq),
                LiveLine::Skipped { .. } => None,
            })
            .collect()
    }

    fn journal(n: u64) -> LiveJournal {
        let mut j = LiveJournal::default();
        for s in 0..n {
            j.push(entry(s));
        }
        j
    }

    #[test]
    fn follows_the_newest_by_default() {
        let j = journal(10);
        assert!(j.following());
        let (lines, newer) = j.window(3);
        assert_eq!(seqs(lines), [Some(7), Some(8), Some(9)]);
        assert_eq!(newer, 0);
    }

    #[test]
    fn scrolling_up_pauses_and_new_lines_do_not_move_the_view() {
        let mut j = journal(10);
        j.scroll_up(4, 3);
        assert!(!j.following());
        assert_eq!(seqs(j.window(3).0), [Some(3), Some(4), Some(5)]);
        j.push(entry(10));
        j.push(entry(11));
        let (lines, newer) = j.window(3);
        assert_eq!(seqs(lines), [Some(3), Some(4), Some(5)], "the view stays put");
        assert_eq!(newer, 6, "4 scrolled past + 2 new");
        j.scroll_down(6);
        assert!(j.following(), "scrolling back to the newest follows again");
        assert_eq!(seqs(j.window(2).0), [Some(10), Some(11)]);
    }

    #[test]
    fn scrolling_is_clamped_to_the_lines_kept() {
        let mut j = journal(10);
        j.scroll_up(1_000, 0);
        assert_eq!(j.newer(), 9, "height unknown: up to the oldest line");
        j.follow();
        j.scroll_up(1_000, 4);
        assert_eq!(j.newer(), 6, "the oldest line at the top of 4 rows");
        let (lines, newer) = j.window(4);
        assert_eq!(seqs(lines), [Some(0), Some(1), Some(2), Some(3)], "the oldest at the top");
        assert_eq!(newer, 6);
        j.scroll_down(1_000);
        assert!(j.following());
        j.oldest(4);
        assert_eq!(j.newer(), 6);
        j.follow();
        assert!(j.following());
        j.scroll_up(5, 10);
        assert!(j.following(), "everything fits: nothing to scroll");
        j.oldest(12);
        assert!(j.following());
        let mut empty = LiveJournal::default();
        empty.scroll_up(5, 0);
        assert!(empty.following(), "nothing to scroll");
        assert_eq!((page(0), page(1), page(6)), (JOURNAL_PAGE, 1, 5), "a page keeps one line of context");
    }

    #[test]
    fn keeps_a_bounded_buffer_without_moving_a_paused_view() {
        let n = LIVE_JOURNAL_LINES as u64;
        let mut j = journal(n + 50);
        assert_eq!(j.len(), LIVE_JOURNAL_LINES);
        assert_eq!(j.entries().next().map(|e| e.seq), Some(50), "the oldest dropped");
        j.scroll_up(10, 2);
        j.push(entry(n + 50));
        assert_eq!(j.len(), LIVE_JOURNAL_LINES);
        assert_eq!(seqs(j.window(2).0), [Some(n + 38), Some(n + 39)]);
        j.oldest(1);
        j.push(entry(n + 51));
        assert_eq!(j.newer(), LIVE_JOURNAL_LINES - 1, "still within the lines kept");
    }

    #[test]
    fn out_of_order_completions_are_kept_in_arrival_order() {
        let mut j = LiveJournal::default();
        for s in [0, 2, 1, 3] {
            j.push(entry(s));
        }
        assert_eq!(seqs(j.window(10).0), [Some(0), Some(1), Some(2), Some(3)]);
        assert_eq!(j.last_entry().map(|e| e.seq), Some(3));
    }

    #[test]
    fn a_skip_marker_stays_between_the_lines_around_it() {
        let mut j = journal(3);
        j.skipped(1_500);
        j.push(entry(1_503));
        assert_eq!(seqs(j.window(10).0), [Some(0), Some(1), Some(2), None, Some(1_503)]);
        assert!(
            j.window(10).0.any(|l| *l == LiveLine::Skipped { n: 1_500, after: (1_020, 2) }),
            "the marker keeps the count"
        );
        assert_eq!(j.entries().count(), 4, "markers are not requests");
    }
}

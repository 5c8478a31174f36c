//! The retry timeline: the `GET /items` attempts of one armed scenario, each with its time
//! since arming, the status served and the Retry-After hint served with it. It is what the
//! retry verdicts rest on, so the judges file it with the evidence (as three parallel list
//! figures, since figures have no records and no null) and every reader draws it from here:
//! the TUI chart (live from the journal, or from filed evidence) and the HTML report's SVG.

use super::api::JournalEntry;
use super::{CheckResult, Figure, Figures};

/// Figure keys of the three lists. Private: read and write them through [`RetryTimeline`].
const AT_MS: &str = "timeline_at_ms";
const STATUS: &str = "timeline_status";
const RETRY_AFTER_MS: &str = "timeline_retry_after_ms";

/// At most this many attempts are filed with the evidence.
pub const MAX_FILED_ATTEMPTS: usize = 60;

/// One `GET /items` attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// Milliseconds since the scenario was armed.
    pub at_ms: f64,
    /// Status served (0: the response never got out).
    pub status: u16,
    /// The Retry-After hint served with it, ms (0: none).
    pub hint_ms: u64,
}

impl Attempt {
    /// When the client was told it may come back.
    pub fn hint_end_ms(&self) -> f64 {
        self.at_ms + self.hint_ms as f64
    }
}

/// The attempts, in arrival order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetryTimeline {
    pub attempts: Vec<Attempt>,
}

impl RetryTimeline {
    /// The API calls of a live journal (token requests are not retries), relative to
    /// `origin_us` (when the scenario was armed).
    pub fn from_journal<'a>(entries: impl IntoIterator<Item = &'a JournalEntry>, origin_us: u64) -> Self {
        let attempts = entries
            .into_iter()
            .filter(|e| e.is_items())
            .map(|e| Attempt {
                at_ms: e.at_us.saturating_sub(origin_us) as f64 / 1000.0,
                status: e.status,
                hint_ms: e.retry_after_ms.unwrap_or(0),
            })
            .collect();
        Self { attempts }
    }

    /// The timeline filed in evidence figures, `None` when they hold none (or a broken one:
    /// lists of different lengths, or not numbers).
    pub fn from_figures(figures: &Figures) -> Option<Self> {
        let at = numbers(figures.get(AT_MS))?;
        let status = numbers(figures.get(STATUS))?;
        let hints = numbers(figures.get(RETRY_AFTER_MS)).unwrap_or_default();
        if at.len() != status.len() || at.is_empty() {
            return None;
        }
        let attempts = at
            .iter()
            .zip(&status)
            .enumerate()
            .map(|(i, (a, s))| Attempt {
                at_ms: *a,
                status: u16::try_from(*s as i64).unwrap_or(0),
                hint_ms: hints.get(i).map_or(0, |h| h.max(0.0) as u64),
            })
            .collect();
        Some(Self { attempts })
    }

    /// Files the first [`MAX_FILED_ATTEMPTS`] attempts in `result`'s figures (times to 0.1 ms).
    pub fn file_in(&self, result: CheckResult) -> CheckResult {
        let kept = &self.attempts[..self.attempts.len().min(MAX_FILED_ATTEMPTS)];
        result
            .figure(AT_MS, kept.iter().map(|a| (a.at_ms * 10.0).round() / 10.0).collect::<Vec<f64>>())
            .figure(STATUS, kept.iter().map(|a| a.status).collect::<Vec<u16>>())
            .figure(RETRY_AFTER_MS, kept.iter().map(|a| a.hint_ms).collect::<Vec<u64>>())
    }

    /// Whether a figure key belongs to the timeline (drawn as the chart, not listed).
    pub fn is_figure(key: &str) -> bool {
        matches!(key, AT_MS | STATUS | RETRY_AFTER_MS)
    }

    pub fn is_empty(&self) -> bool {
        self.attempts.is_empty()
    }

    /// Distinct statuses, highest first (5xx on top, 2xx at the bottom next to the axis): the
    /// chart's rows.
    pub fn statuses(&self) -> Vec<u16> {
        let mut s: Vec<u16> = self.attempts.iter().map(|a| a.status).collect();
        s.sort_unstable_by(|a, b| b.cmp(a));
        s.dedup();
        s
    }

    /// The maintenance windows as served: each run of consecutive 503s carrying a Retry-After,
    /// from the first such attempt to the last (ms since arming). The scenario's window closed
    /// somewhere after the last one, so the span claims only what the journal shows.
    pub fn maintenance_spans(&self) -> Vec<(f64, f64)> {
        let mut spans: Vec<(f64, f64)> = Vec::new();
        let mut open: Option<(f64, f64)> = None;
        for a in &self.attempts {
            if a.status == 503 && a.hint_ms > 0 {
                open = Some(open.map_or((a.at_ms, a.at_ms), |(from, _)| (from, a.at_ms)));
            } else if let Some(span) = open.take() {
                spans.push(span);
            }
        }
        spans.extend(open);
        spans
    }

    /// The time the chart spans, ms: the last attempt or hint end, 5 % beyond, at least 1 s.
    pub fn span_ms(&self) -> f64 {
        self.attempts.iter().map(Attempt::hint_end_ms).fold(1000.0_f64, f64::max) * 1.05
    }
}

fn numbers(f: Option<&Figure>) -> Option<Vec<f64>> {
    let Some(Figure::List(items)) = f else { return None };
    items
        .iter()
        .map(|x| match x {
            Figure::Int(i) => Some(*i as f64),
            Figure::Float(v) => Some(*v),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Verdict;

    #[test]
    fn the_figures_give_back_the_timeline_filed() {
        let t = RetryTimeline {
            attempts: vec![
                Attempt { at_ms: 3.12, status: 429, hint_ms: 1000 },
                Attempt { at_ms: 1025.0, status: 200, hint_ms: 0 },
            ],
        };
        let r = t.file_in(CheckResult::new("retry.backoff", Verdict::Pass, "grows"));
        assert!(r.figures.keys().all(|k| RetryTimeline::is_figure(k)));
        let back = RetryTimeline::from_figures(&r.figures).expect("filed");
        assert_eq!(back.attempts[0], Attempt { at_ms: 3.1, status: 429, hint_ms: 1000 });
        assert_eq!(back.attempts[1], t.attempts[1]);
        assert_eq!(back.statuses(), vec![429, 200]);
        assert!(RetryTimeline::from_figures(&Figures::new()).is_none());
    }

    /// The `resilience.maintenance` shape: 503 + Retry-After: 1 three times, then recovery; a
    /// plain 503 (retry.backoff) is no window.
    #[test]
    fn maintenance_spans_are_runs_of_503_with_a_hint() {
        let a = |at_ms: f64, status: u16, hint_ms: u64| Attempt { at_ms, status, hint_ms };
        let t = RetryTimeline {
            attempts: vec![
                a(2.0, 503, 1000),
                a(1010.0, 503, 1000),
                a(2020.0, 503, 1000),
                a(3030.0, 200, 0),
                a(3040.0, 503, 0),
            ],
        };
        assert_eq!(t.maintenance_spans(), vec![(2.0, 2020.0)]);
        let open = RetryTimeline { attempts: vec![a(5.0, 503, 2000)] };
        assert_eq!(open.maintenance_spans(), vec![(5.0, 5.0)]);
    }
}

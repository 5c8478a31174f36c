//! The retry timeline as an inline SVG, for the HTML report: the same chart the TUI draws
//! (attempt times against the status served, one row per status, Retry-After hints as dashed
//! runs ending where the client was told it may come back).
//!
//! Self-contained (no fonts, images or scripts beyond the page's own) and monochrome: each
//! status class has its own shape (filled dot 2xx, open diamond 429, cross 5xx, open triangle
//! other, "?" none), so it reads the same printed in black and white.

use std::fmt::Write as _;

use crate::checks::timeline::{Attempt, RetryTimeline};

const WIDTH: f64 = 640.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const ROW: f64 = 26.0;
/// Rows beyond this are left out (the TUI chart does the same).
const MAX_ROWS: usize = 8;

/// The chart of `timeline`, titled for `label` (e.g. the check and when it ran). Only numbers
/// and fixed words go into the markup besides `label`, which is escaped.
pub fn timeline_svg(timeline: &RetryTimeline, label: &str) -> String {
    let statuses: Vec<u16> = timeline.statuses().into_iter().take(MAX_ROWS).collect();
    let height = TOP + ROW * statuses.len() as f64 + 34.0;
    let span = timeline.span_ms();
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |ms: f64| LEFT + (ms / span).clamp(0.0, 1.0) * plot_w;
    let y = |status: u16| statuses.iter().position(|s| *s == status).map(|i| TOP + ROW * (i as f64 + 0.5));
    let title = escape(&format!("Retry timeline ({label})"));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="11"><title>{title}</title>"#
    );
    // Legend.
    let _ = write!(s, r##"<text x="0" y="14" font-weight="bold">{title}</text>"##);
    let mut lx = WIDTH - 330.0;
    for (status, word) in [(200, "2xx"), (429, "429"), (503, "5xx"), (404, "other")] {
        s.push_str(&mark(lx, 10.0, status));
        let _ = write!(s, r#"<text x="{:.1}" y="14">{word}</text>"#, lx + 9.0);
        lx += 52.0;
    }
    let _ = write!(
        s,
        r##"<line x1="{lx:.1}" y1="10" x2="{:.1}" y2="10" stroke="#000" stroke-dasharray="3 2"/><line x1="{:.1}" y1="6" x2="{:.1}" y2="14" stroke="#000"/><text x="{:.1}" y="14">Retry-After</text>"##,
        lx + 18.0,
        lx + 18.0,
        lx + 18.0,
        lx + 23.0
    );
    // Rows.
    for (i, status) in statuses.iter().enumerate() {
        let ry = TOP + ROW * (i as f64 + 0.5);
        let name = if *status == 0 { "gone".to_owned() } else { status.to_string() };
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{name}</text><line x1="{LEFT}" y1="{ry:.1}" x2="{:.1}" y2="{ry:.1}" stroke="#bbb" stroke-dasharray="1 3"/>"##,
            LEFT - 8.0,
            ry + 4.0,
            WIDTH - RIGHT
        );
    }
    // Hints under the marks, so a mark on a dashed run stays visible.
    for a in timeline.attempts.iter().filter(|a| a.hint_ms > 0) {
        let Some(ay) = y(a.status) else { continue };
        let (x1, x2) = (x(a.at_ms), x(a.hint_end_ms()));
        let _ = write!(
            s,
            r##"<line x1="{x1:.1}" y1="{ay:.1}" x2="{x2:.1}" y2="{ay:.1}" stroke="#000" stroke-dasharray="3 2"/><line x1="{x2:.1}" y1="{:.1}" x2="{x2:.1}" y2="{:.1}" stroke="#000"/>"##,
            ay - 5.0,
            ay + 5.0
        );
    }
    for a in &timeline.attempts {
        if let Some(ay) = y(a.status) {
            s.push_str(&mark(x(a.at_ms), ay, a.status));
        }
    }
    // Axis, with 0, the middle and the end in seconds.
    let axis = TOP + ROW * statuses.len() as f64 + 6.0;
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{axis:.1}" x2="{:.1}" y2="{axis:.1}" stroke="#000"/>"##,
        WIDTH - RIGHT
    );
    for (ms, anchor) in [(0.0, "start"), (span / 2.0, "middle"), (span, "end")] {
        let tx = x(ms);
        let _ = write!(
            s,
            r##"<line x1="{tx:.1}" y1="{axis:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#000"/><text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}">{} s</text>"##,
            axis + 4.0,
            axis + 17.0,
            secs(ms)
        );
    }
    let _ = write!(s, r#"<desc>{}</desc></svg>"#, escape(&describe(&timeline.attempts)));
    s
}

/// The shape of a status class at (`x`, `y`).
fn mark(x: f64, y: f64, status: u16) -> String {
    match status {
        200..=299 => format!(r##"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="#000"/>"##),
        429 => format!(
            r##"<polygon points="{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}" fill="#fff" stroke="#000" stroke-width="1.5"/>"##,
            y - 5.5,
            x + 5.5,
            y + 5.5,
            x - 5.5
        ),
        500..=599 => format!(
            r##"<path d="M{:.1},{:.1}L{:.1},{:.1}M{:.1},{:.1}L{:.1},{:.1}" stroke="#000" stroke-width="2"/>"##,
            x - 4.5,
            y - 4.5,
            x + 4.5,
            y + 4.5,
            x - 4.5,
            y + 4.5,
            x + 4.5,
            y - 4.5
        ),
        0 => {
            format!(r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-weight="bold">?</text>"#, y + 4.0)
        }
        _ => format!(
            r##"<polygon points="{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="#fff" stroke="#000" stroke-width="1.5"/>"##,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
    }
}

/// The attempts in words, for screen readers and text extraction.
fn describe(attempts: &[Attempt]) -> String {
    attempts
        .iter()
        .map(|a| {
            let hint = if a.hint_ms > 0 { format!(" (Retry-After {} ms)", a.hint_ms) } else { String::new() };
            format!("{} at {} s{hint}", a.status, secs(a.at_ms))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn secs(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 10.0 { format!("{s:.1}") } else { format!("{s:.0}") }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_class_has_its_own_shape_and_the_label_is_escaped() {
        let t = RetryTimeline {
            attempts: vec![
                Attempt { at_ms: 3.0, status: 503, hint_ms: 0 },
                Attempt { at_ms: 200.0, status: 429, hint_ms: 1000 },
                Attempt { at_ms: 1300.0, status: 200, hint_ms: 0 },
            ],
        };
        let svg = timeline_svg(&t, "<retry.backoff>");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;retry.backoff&gt;") && !svg.contains("<retry.backoff>"));
        assert!(svg.contains("<circle") && svg.contains("<polygon") && svg.contains("<path"));
        assert!(svg.contains("stroke-dasharray=\"3 2\""), "the Retry-After run");
        assert!(svg.contains("429 at 0.2 s (Retry-After 1000 ms)"));
        assert!(!svg.contains("href"), "self-contained");
    }
}

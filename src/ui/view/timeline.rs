//! The retry timeline chart: attempt times (x, seconds since arming) against the status served
//! (one row per status), each attempt a symbol coloured by its status class, and the
//! Retry-After hint served with it drawn as a dotted run ending where the client was told it
//! may come back. Drawn from the live journal while armed, and from the [`RetryTimeline`] of
//! filed evidence afterwards, so the same picture comes back from the dossier.

use ratatui::prelude::*;

use super::{fit, theme};
use crate::checks::RetryTimeline;

/// Colour and symbol per status class, so the chart reads without colour too.
fn mark(status: u16) -> (&'static str, Style) {
    match status {
        200..=299 => ("●", Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)),
        429 => ("◆", Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
        500..=599 => ("✘", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
        0 => ("?", theme::dim()),
        _ => ("▲", Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)),
    }
}

/// Rows the chart needs: legend, one per status, the axis.
pub fn height(timeline: &RetryTimeline) -> u16 {
    u16::try_from(timeline.statuses().len()).unwrap_or(8).min(8) + 2
}

/// The chart widget.
pub struct TimelineChart<'a> {
    pub timeline: &'a RetryTimeline,
    /// Said in the legend line (e.g. "live" or "filed 11-22 10:14").
    pub label: &'a str,
}

const LABEL_W: u16 = 5;

impl Widget for TimelineChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < 3 || area.width < LABEL_W + 10 {
            return;
        }
        let legend = Line::from(vec![
            Span::styled(format!("Retry timeline ({}) ", self.label), theme::title()),
            Span::styled("●", mark(200).1),
            Span::raw(" 2xx "),
            Span::styled("◆", mark(429).1),
            Span::raw(" 429 "),
            Span::styled("✘", mark(503).1),
            Span::raw(" 5xx "),
            Span::styled("┄┤", Style::new().fg(Color::Yellow)),
            Span::raw(" Retry-After"),
        ]);
        legend.render(Rect { height: 1, ..area }, buf);
        let statuses = self.timeline.statuses();
        let plot_rows = usize::from(area.height - 2).min(statuses.len());
        let statuses = &statuses[..plot_rows];
        let plot_w = area.width - LABEL_W;
        let x0 = area.x + LABEL_W;
        let end_ms = self.timeline.span_ms();
        let col = |ms: f64| -> u16 {
            let c = (ms / end_ms * f64::from(plot_w - 1)).round();
            x0 + (c.max(0.0) as u16).min(plot_w - 1)
        };
        for (i, status) in statuses.iter().enumerate() {
            let y = area.y + 1 + i as u16;
            let label = if *status == 0 { "gone".to_owned() } else { status.to_string() };
            buf.set_string(area.x, y, format!("{label:>3} │"), theme::dim());
            buf.set_string(x0, y, "·".repeat(usize::from(plot_w)), Style::new().fg(Color::DarkGray));
        }
        // Hints first, so an attempt landing on a dotted run stays visible.
        for a in self.timeline.attempts.iter().filter(|a| a.hint_ms > 0) {
            let Some(row) = statuses.iter().position(|s| *s == a.status) else { continue };
            let y = area.y + 1 + row as u16;
            let (from, to) = (col(a.at_ms) + 1, col(a.at_ms + a.hint_ms as f64));
            for x in from..to {
                buf.set_string(x, y, "┄", Style::new().fg(Color::Yellow));
            }
            if to >= from {
                buf.set_string(to, y, "┤", Style::new().fg(Color::Yellow));
            }
        }
        for a in &self.timeline.attempts {
            let Some(row) = statuses.iter().position(|s| *s == a.status) else { continue };
            let (symbol, style) = mark(a.status);
            buf.set_string(col(a.at_ms), area.y + 1 + row as u16, symbol, style);
        }
        let axis_y = area.y + 1 + plot_rows as u16;
        if axis_y < area.bottom() {
            buf.set_string(area.x, axis_y, "    └", theme::dim());
            let ticks = format!("{}s", fmt_secs(end_ms));
            let w = usize::from(plot_w);
            let line = format!("0s{:>width$}", ticks, width = w.saturating_sub(2));
            buf.set_string(x0, axis_y, fit(&line, w), theme::dim());
            let mid = format!("{}s", fmt_secs(end_ms / 2.0));
            let mid_x = x0 + plot_w / 2 - u16::try_from(mid.len() / 2).unwrap_or(0);
            if plot_w > 24 {
                buf.set_string(mid_x, axis_y, mid, theme::dim());
            }
        }
    }
}

fn fmt_secs(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 10.0 { format!("{s:.1}") } else { format!("{s:.0}") }
}

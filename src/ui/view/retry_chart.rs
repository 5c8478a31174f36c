//! The retry timeline as a real chart, for the zoomed evidence and live panes: ratatui's
//! `Chart` on a braille canvas, attempt times (x, seconds since arming) against the response
//! served (one row per status, 5xx on top). Each attempt is a short vertical stroke coloured
//! by its status class; a Retry-After hint is a line from the attempt to where the client was
//! told it may come back, ending in a tick; the maintenance window (503s served with a
//! Retry-After) is a span on a row of its own above the statuses. The legend above the chart
//! names every symbol, so it reads without colour too.

use ratatui::prelude::*;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};

use super::theme;
use crate::checks::RetryTimeline;

/// Canvas points of one dataset.
type Points = Vec<(f64, f64)>;

/// The chart widget (legend line included).
pub struct RetryChart<'a> {
    pub timeline: &'a RetryTimeline,
    /// Said in the legend line (e.g. "live" or "retry.backoff, 11-22 10:14").
    pub label: &'a str,
}

/// Rows below which the chart is not worth drawing (legend, three plot rows, the axis).
pub const MIN_HEIGHT: u16 = 7;

fn class_style(status: u16) -> Style {
    let c = match status {
        200..=299 => Color::Green,
        429 => Color::Yellow,
        500..=599 => Color::Red,
        0 => Color::DarkGray,
        _ => Color::Magenta,
    };
    Style::new().fg(c)
}

fn hint_style() -> Style {
    Style::new().fg(Color::Yellow)
}

fn window_style() -> Style {
    Style::new().fg(Color::LightRed)
}

/// `1.5 s`, `12 s`: the axis ticks.
fn secs(ms: f64) -> String {
    let s = ms / 1000.0;
    if s < 10.0 { format!("{s:.1} s") } else { format!("{s:.0} s") }
}

/// Points of a vertical stroke at `x` around row `y`: one attempt (or a hint's end).
fn stroke(x: f64, y: f64, half: f64, into: &mut Vec<(f64, f64)>) {
    const STEPS: i32 = 4;
    for i in -STEPS..=STEPS {
        into.push((x, y + half * f64::from(i) / f64::from(STEPS)));
    }
}

/// Points of a horizontal line from `from` to `to` on row `y`, dense enough for braille
/// (a `Line` dataset would join every segment of the dataset into one polyline).
fn run(from: f64, to: f64, y: f64, step: f64, into: &mut Vec<(f64, f64)>) {
    let mut x = from;
    while x < to {
        into.push((x, y));
        x += step;
    }
    into.push((to, y));
}

impl Widget for RetryChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < MIN_HEIGHT || area.width < 30 {
            return;
        }
        let t = self.timeline;
        let windows = t.maintenance_spans();
        let statuses = t.statuses();
        // Row of a status: 2xx at the bottom (0), the window row above the highest status.
        let row_of = |status: u16| -> f64 {
            let i = statuses.iter().position(|s| *s == status).unwrap_or(0);
            (statuses.len() - 1 - i) as f64
        };
        let rows = statuses.len() + usize::from(!windows.is_empty());
        let end_ms = t.span_ms();
        let step = end_ms / (f64::from(area.width) * 2.0 * 2.0);
        let half = 0.3;

        let mut by_class: [(&str, u16, Points); 5] = [
            ("2xx", 200, Vec::new()),
            ("429", 429, Vec::new()),
            ("5xx", 503, Vec::new()),
            ("other", 404, Vec::new()),
            ("gone", 0, Vec::new()),
        ];
        let mut hints = Vec::new();
        for a in &t.attempts {
            let class = match a.status {
                200..=299 => 0,
                429 => 1,
                500..=599 => 2,
                0 => 4,
                _ => 3,
            };
            let y = row_of(a.status);
            stroke(a.at_ms, y, half, &mut by_class[class].2);
            if a.hint_ms > 0 {
                run(a.at_ms, a.hint_end_ms(), y, step, &mut hints);
                stroke(a.hint_end_ms(), y, half / 2.0, &mut hints);
            }
        }
        let mut window_points = Vec::new();
        let window_y = statuses.len() as f64;
        for (from, to) in &windows {
            run(*from, *to, window_y, step, &mut window_points);
            stroke(*from, window_y, half, &mut window_points);
            stroke(*to, window_y, half, &mut window_points);
        }

        // Hints and windows first, so an attempt drawn on a hint's line stays visible.
        let dataset = |points: &'static str, data, style| {
            Dataset::default()
                .name(points)
                .marker(Marker::Braille)
                .graph_type(GraphType::Scatter)
                .style(style)
                .data(data)
        };
        let mut datasets = vec![
            dataset("Retry-After", &hints, hint_style()),
            dataset("maintenance", &window_points, window_style()),
        ];
        for (name, status, points) in &by_class {
            if !points.is_empty() {
                datasets.push(dataset(name, points, class_style(*status)));
            }
        }

        let legend_area = Rect { height: 1, ..area };
        legend(self.label, !windows.is_empty(), t, area.width).render(legend_area, buf);
        let chart_area = Rect { y: area.y + 1, height: area.height - 1, ..area };

        let mut y_labels = vec![Line::raw("")];
        y_labels.extend(statuses.iter().rev().map(|s| {
            let text = if *s == 0 { "gone".to_owned() } else { s.to_string() };
            Line::styled(text, class_style(*s))
        }));
        if !windows.is_empty() {
            y_labels.push(Line::styled("maint", window_style()));
        }
        y_labels.push(Line::raw(""));
        let ticks = if chart_area.width >= 100 { 5 } else { 3 };
        let x_labels: Vec<Line> =
            (0..ticks).map(|i| Line::raw(secs(end_ms * f64::from(i) / f64::from(ticks - 1)))).collect();
        Chart::new(datasets)
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .title(Line::styled("time since arming", theme::dim()).right_aligned())
                    .style(theme::dim())
                    .bounds([0.0, end_ms])
                    .labels(x_labels),
            )
            .y_axis(Axis::default().style(theme::dim()).bounds([-1.0, rows as f64]).labels(y_labels))
            .render(chart_area, buf);
    }
}

/// What each mark means, and the attempt count when it fits in `width`.
fn legend(label: &str, window: bool, t: &RetryTimeline, width: u16) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!("Retry timeline ({label}) "), theme::title()),
        Span::styled("│", class_style(200)),
        Span::raw(" 2xx "),
        Span::styled("│", class_style(429)),
        Span::raw(" 429 "),
        Span::styled("│", class_style(503)),
        Span::raw(" 5xx "),
        Span::styled("─┤", hint_style()),
        Span::raw(" Retry-After"),
    ];
    if window {
        spans.push(Span::styled(" ├─┤", window_style()));
        spans.push(Span::raw(" maintenance"));
    }
    let count = Span::styled(format!("{} attempts  ", t.attempts.len()), theme::dim());
    if Line::from(spans.clone()).width() + count.width() <= usize::from(width) {
        spans.insert(1, count);
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::timeline::Attempt;

    fn draw(t: &RetryTimeline, w: u16, h: u16) -> String {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        RetryChart { timeline: t, label: "live" }.render(area, &mut buf);
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_owned()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// urllib3's Retry(backoff_factor=0.5) against retry.backoff: 503, 500, 503, 500, then 200.
    #[test]
    fn axes_are_labelled_in_seconds_and_statuses() {
        let a = |at_ms: f64, status: u16| Attempt { at_ms, status, hint_ms: 0 };
        let t = RetryTimeline {
            attempts: vec![a(3.0, 503), a(4.0, 500), a(505.0, 503), a(1506.0, 500), a(3507.0, 200)],
        };
        let s = draw(&t, 80, 14);
        assert!(s.contains("0.0 s") && s.contains("3.7 s"), "{s}");
        assert!(s.contains("503") && s.contains("500") && s.contains("200"), "{s}");
        assert!(s.contains("time since arming"), "{s}");
        assert!(s.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)), "braille marks:\n{s}");
        assert!(!s.contains("maint"), "no window in retry.backoff:\n{s}");
    }

    #[test]
    fn the_maintenance_window_gets_its_row_and_too_small_draws_nothing() {
        let a = |at_ms: f64, status: u16, hint_ms: u64| Attempt { at_ms, status, hint_ms };
        let t = RetryTimeline { attempts: vec![a(2.0, 503, 1000), a(1010.0, 503, 1000), a(2030.0, 200, 0)] };
        let s = draw(&t, 80, 12);
        assert!(s.contains("maint") && s.contains("maintenance"), "{s}");
        assert_eq!(draw(&t, 80, MIN_HEIGHT - 1).trim(), "");
    }
}

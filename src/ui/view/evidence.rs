//! The evidence pane: for the selected question, every linked check with its latest verdict
//! (colour and symbol), when it ran, its summary and key figures — or, while it runs, a
//! spinner with the elapsed time and the latest progress line.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::theme;
use super::timeline::{self, TimelineChart};
use crate::checks::{CheckId, Figure, RetryTimeline, UNKNOWN_CHECK};
use crate::dossier::verify::Checked;
use crate::text;
use crate::ui::app::App;

pub struct EvidencePane<'a>(pub &'a App);

/// Figures shown per check; the dossier and reports hold all of them.
const KEY_FIGURES: usize = 4;
/// Pane height from which a not-yet-run check also shows its bar for a pass.
const ROOM_FOR_BARS: u16 = 10;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A figure as text; a list of three or more numbers (gaps, latencies) also gets a sparkline,
/// so a growing backoff or a latency spike shows at a glance.
fn show_figure(f: &Figure) -> String {
    let Figure::List(items) = f else { return f.to_string() };
    let numbers: Vec<f64> = items
        .iter()
        .filter_map(|x| match x {
            Figure::Int(i) => Some(*i as f64),
            Figure::Float(v) => Some(*v),
            _ => None,
        })
        .collect();
    if numbers.len() < 3 || numbers.len() != items.len() {
        return f.to_string();
    }
    let max = numbers.iter().copied().fold(f64::MIN, f64::max);
    let min = numbers.iter().copied().fold(f64::MAX, f64::min);
    let span = (max - min).max(f64::EPSILON);
    let top = (BARS.len() - 1) as f64;
    let line: String = numbers.iter().map(|v| BARS[(((v - min) / span) * top).round() as usize]).collect();
    format!("{line} {f}")
}

impl EvidencePane<'_> {
    /// The latest filed evidence of this question that carries a retry timeline.
    pub(crate) fn chart(app: &App) -> Option<(String, RetryTimeline)> {
        let q = app.current_question()?;
        q.checks.iter().find_map(|id| {
            let e = app.dossier.latest_evidence(id).filter(|_| !app.running.contains_key(id))?;
            let when = e.at.get(5..16).unwrap_or(&e.at).replace('T', " ");
            RetryTimeline::from_figures(&e.figures).map(|t| (format!("{id}, {when}"), t))
        })
    }

    pub fn has_chart(app: &App) -> bool {
        Self::chart(app).is_some()
    }
}

fn block(app: &App) -> Block<'static> {
    let checks = app.current_question().map(|q| q.checks.as_slice()).unwrap_or_default();
    Block::bordered().border_style(theme::border()).title(Line::styled(" Evidence ", theme::title())).title(
        if checks.is_empty() {
            Line::default()
        } else {
            Line::styled(format!(" r: run {} ", plural(checks.len(), "check")), theme::dim()).right_aligned()
        },
    )
}

/// Where the pane at `area` draws: its text, its lines and the filed chart (area, label,
/// timeline) when there is room for one.
struct Placed {
    text: Rect,
    lines: Vec<Line<'static>>,
    chart: Option<(Rect, String, RetryTimeline)>,
}

fn place(app: &App, area: Rect) -> Placed {
    let lines = evidence_lines(app, KEY_FIGURES, area.height >= ROOM_FOR_BARS);
    let inner = block(app).inner(area);
    let mut text = inner;
    let mut chart = None;
    if let Some((label, t)) = EvidencePane::chart(app) {
        let h = timeline::height(&t);
        if inner.height >= h + MIN_TEXT_ROWS {
            text.height -= h;
            chart = Some((Rect { y: inner.bottom() - h, height: h, ..inner }, label, t));
        }
    }
    Placed { text, lines, chart }
}

/// How far the evidence text in the pane at `area` can scroll (the mouse wheel scrolls it).
pub(crate) fn max_scroll(app: &App, area: Rect) -> u16 {
    let p = place(app, area);
    super::wrapped_rows(&p.lines, p.text.width).saturating_sub(p.text.height)
}

impl Widget for EvidencePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        block(app).render(area, buf);
        let Placed { text, lines, chart } = place(app, area);
        if let Some((r, label, t)) = &chart {
            TimelineChart { timeline: t, label }.render(*r, buf);
        }
        // Wheeled by the reviewer (`ui/pane_scroll.rs`), never past the last row.
        let max = super::wrapped_rows(&lines, text.width).saturating_sub(text.height);
        let scroll = app.pane_scroll.evidence((app.section, app.question)).min(max);
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).render(text, buf);
    }
}

/// Each linked check: running (spinner, progress), its latest verdict with summary and up to
/// `figures` key figures, or not run (with its bar for a pass when `bars`).
pub(crate) fn evidence_lines(app: &App, figures: usize, bars: bool) -> Vec<Line<'static>> {
    let checks = app.current_question().map(|q| q.checks.as_slice()).unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    if checks.is_empty() {
        lines.push(Line::styled("No live check gives evidence for this question.", theme::dim()));
    }
    for id in checks {
        if let Some(running) = app.running.get(id) {
            let elapsed = app.elapsed(running);
            let frame = theme::SPINNER[(elapsed.as_millis() / 100) as usize % theme::SPINNER.len()];
            lines.push(Line::from(vec![
                Span::styled(format!("{frame} running {:>5.1}s ", elapsed.as_secs_f64()), theme::key()),
                Span::styled(id.clone(), theme::title()),
            ]));
            if !running.last.is_empty() {
                lines.push(Line::styled(format!("  {}", running.last), theme::dim()));
            }
        }
        match app.dossier.latest_evidence(id) {
            Some(e) if !app.running.contains_key(id) => {
                // Month, day and time: the year is the review's.
                let when = e.at.get(5..16).unwrap_or(&e.at).replace('T', " ");
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("{} {:<5} ", e.verdict.symbol(), e.verdict.as_str()),
                        theme::verdict_style(e.verdict),
                    ),
                    Span::styled(id.clone(), theme::title()),
                    Span::styled(format!("  {when}"), theme::dim()),
                ]));
                lines.push(Line::raw(format!("  {}", e.summary)));
                if let Some(c) = app.verification.unverified_latest(&app.dossier, id) {
                    lines.push(unverified_line(c));
                }
                // The timeline figures are drawn as the chart, not listed.
                let figures: Vec<String> = e
                    .figures
                    .iter()
                    .filter(|(k, _)| !RetryTimeline::is_figure(k))
                    .take(figures)
                    .map(|(k, v)| format!("{k} {}", show_figure(v)))
                    .collect();
                if !figures.is_empty() {
                    lines.push(Line::styled(
                        format!("  {}", figures.join(" · ")),
                        Style::new().fg(Color::Cyan),
                    ));
                }
            }
            Some(_) => {}
            None if !app.running.contains_key(id) => {
                let info = CheckId::parse(id).map(CheckId::descriptor);
                lines.push(Line::from(vec![
                    Span::styled("· not run ", theme::dim()),
                    Span::styled(id.clone(), theme::title()),
                    Span::styled(format!("  {}", info.map_or(UNKNOWN_CHECK, |c| c.title)), theme::dim()),
                ]));
                // The bar for a pass, when there is room: what the reviewer is looking for.
                if let Some(info) = info.filter(|_| bars) {
                    lines.push(Line::styled(format!("  pass when {}", info.pass_when), theme::dim()));
                }
            }
            None => {}
        }
    }
    lines
}

/// `! unverified: verdict differs: the record says pass, the observations give fail`: red
/// when it does not hold, yellow when it only cannot be checked (no observations kept, judge
/// changed since). The words carry it without colour.
fn unverified_line(c: &Checked) -> Line<'static> {
    let colour = if c.mark() == "✘" { Color::Red } else { Color::Yellow };
    Line::from(vec![
        Span::styled(
            format!("  ! {} unverified: ", c.mark()),
            Style::new().fg(colour).add_modifier(Modifier::BOLD),
        ),
        Span::styled(text::line(&c.describe()), Style::new().fg(colour)),
    ])
}

/// Rows kept for the verdicts above a filed chart.
const MIN_TEXT_ROWS: u16 = 4;

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

//! The live pane, in place of the evidence pane while a scenario of the selected question is
//! armed: what the API does now, the elapsed time, for `trace.echo` the trace id to ask about,
//! the retry chart for the retry scenarios, and the journal: following the newest requests, or
//! scrolled back (PgUp) with the count of newer lines below, and a line where the feed skipped.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::timeline::{self, TimelineChart};
use super::{fit, theme};
use crate::checks::RetryTimeline;
use crate::checks::api::JournalEntry;
use crate::ui::LiveLine;
use crate::ui::app::{App, Armed};
use crate::ui::update::trace_to_find;

pub struct LivePane<'a>(pub &'a App, pub &'a Armed);

fn status_style(status: u16) -> Style {
    match status {
        200..=299 => Style::new().fg(Color::Green),
        429 => Style::new().fg(Color::Yellow),
        500..=599 => Style::new().fg(Color::Red),
        _ => Style::new().fg(Color::Magenta),
    }
}

fn journal_line(e: &JournalEntry, origin_us: u64, width: usize) -> Line<'static> {
    let mark = match e.status {
        200..=299 => "●",
        429 => "◆",
        500..=599 => "✘",
        0 => "?",
        _ => "▲",
    };
    Line::from(vec![
        Span::styled(format!("{mark} "), status_style(e.status)),
        Span::raw(fit(&e.line(origin_us), width.saturating_sub(2))),
    ])
}

fn live_line(l: &LiveLine, origin_us: u64, width: usize) -> Line<'static> {
    match l {
        LiveLine::Request(e) => journal_line(e, origin_us, width),
        LiveLine::Skipped { n, .. } => {
            // The longest wording that fits the pane: it must say that judging is unaffected.
            let entries = if *n == 1 { "entry" } else { "entries" };
            let forms = [
                format!("… {n} {entries} skipped (display fell behind; judging uses the full journal)"),
                format!("… {n} skipped (judging uses the full journal)"),
                format!("… {n} skipped (judging uses all)"),
            ];
            let text = forms
                .iter()
                .find(|f| f.chars().count() <= width)
                .cloned()
                .unwrap_or_else(|| fit(&forms[2], width));
            Line::styled(text, Style::new().fg(Color::Yellow))
        }
    }
}

/// Where each part of the live pane goes in `area` (the whole pane, border included). One
/// function for drawing and for [`journal_rows`], so the scroll keys page by what is shown.
struct LiveLayout {
    inner: Rect,
    describe: Rect,
    trace: Rect,
    chart: Option<Rect>,
    count: Option<Rect>,
    journal: Rect,
}

fn block(app: &App, armed: &Armed) -> Block<'static> {
    let elapsed = app.armed_elapsed().unwrap_or_default();
    let keys = if armed.check.person_judged() {
        " PgUp scroll · y found · N not found · x disarm "
    } else {
        " PgUp scroll · f finish · x disarm "
    };
    Block::bordered()
        .border_style(Style::new().fg(Color::LightMagenta))
        .title(Line::styled(
            format!(
                " ◉ ARMED {} {:>5.1}s since {} UTC ",
                armed.check,
                elapsed.as_secs_f64(),
                armed.since.format("%H:%M:%S")
            ),
            Style::new().fg(Color::LightMagenta).add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Line::styled(keys, theme::key()).right_aligned())
}

fn trace_lines(app: &App) -> Vec<Line<'static>> {
    match trace_to_find(app) {
        Some(id) => vec![
            Line::raw("Ask the partner to find this X-Trace-Id:"),
            Line::styled(id.to_owned(), theme::key().add_modifier(Modifier::REVERSED)),
        ],
        None => vec![Line::styled("No trace id served yet: the partner runs their job now.", theme::dim())],
    }
}

fn layout(app: &App, armed: &Armed, area: Rect, attempts: &RetryTimeline) -> LiveLayout {
    let inner = block(app, armed).inner(area);
    let row = |y: u16, height: u16| Rect { y, height, ..inner };
    let mut y = inner.y;
    let describe = row(y, if inner.height >= 10 { 2 } else { 1 }.min(inner.height));
    y += describe.height;
    let mut trace = row(y, 0);
    if armed.check.person_judged() {
        // The id on a line of its own: it must be read out or copied whole.
        let n = u16::try_from(trace_lines(app).len()).unwrap_or(0);
        trace = row(y, n.min(inner.bottom() - y));
        y += trace.height;
    }
    let mut chart = None;
    // Zoomed, the full chart is drawn above the pane instead.
    let zoomed = matches!(app.mode, crate::ui::app::Mode::Zoom(_));
    if armed.check.draws_timeline() && !attempts.is_empty() && !zoomed {
        let h = timeline::height(attempts);
        if inner.bottom().saturating_sub(y) >= h + 2 {
            chart = Some(row(y, h));
            y += h;
        }
    }
    let count = (y < inner.bottom()).then(|| row(y, 1));
    y = (y + 1).min(inner.bottom());
    LiveLayout { inner, describe, trace, chart, count, journal: row(y, inner.bottom() - y) }
}

/// Rows the journal gets when the live pane is drawn in `area`.
pub(crate) fn journal_rows(app: &App, armed: &Armed, area: Rect) -> u16 {
    let attempts = RetryTimeline::from_journal(armed.journal.entries(), armed.origin_us);
    layout(app, armed, area, &attempts).journal.height
}

impl Widget for LivePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, armed) = (self.0, self.1);
        let attempts = RetryTimeline::from_journal(armed.journal.entries(), armed.origin_us);
        let l = layout(app, armed, area, &attempts);
        block(app, armed).render(area, buf);
        let width = usize::from(l.inner.width);
        let describe = armed.describe.split_once(": ").map_or(armed.describe.as_str(), |(_, d)| d);
        Paragraph::new(Line::styled(describe.to_owned(), theme::dim()))
            .wrap(Wrap { trim: true })
            .render(l.describe, buf);
        Paragraph::new(trace_lines(app)).render(l.trace, buf);
        if let Some(r) = l.chart {
            TimelineChart { timeline: &attempts, label: "live" }.render(r, buf);
        }
        let Some(count_area) = l.count else { return };
        let (window, newer) = armed.journal.window(usize::from(l.journal.height));
        let count =
            format!("{} {} since arming", armed.seen, if armed.seen == 1 { "request" } else { "requests" });
        // Following or paused: said on the count line, at the right, so it never costs a row.
        let (states, state_style) = if armed.journal.following() {
            (vec!["following".to_owned()], theme::dim())
        } else {
            (
                vec![format!("↓ {newer} newer · End follows"), format!("↓ {newer} newer")],
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )
        };
        let count_width = count.chars().count();
        let room = width.saturating_sub(count_width + 1);
        let mut spans = vec![Span::styled(count, theme::title())];
        if room > 0 && !armed.journal.is_empty() {
            // The longest wording that fits; cut only when even the shortest does not.
            let state = states
                .iter()
                .find(|s| s.chars().count() <= room)
                .cloned()
                .unwrap_or_else(|| fit(states.last().map_or("", String::as_str), room));
            let pad = room - state.chars().count();
            spans.push(Span::raw(" ".repeat(pad + 1)));
            spans.push(Span::styled(state, state_style));
        }
        Line::from(spans).render(count_area, buf);
        let lines: Vec<Line> = if armed.journal.is_empty() {
            vec![Line::styled("waiting for the partner's client… (c shows the credentials)", theme::dim())]
        } else {
            window.map(|l| live_line(l, armed.origin_us, width)).collect()
        };
        Paragraph::new(lines).render(l.journal, buf);
    }
}

//! The zoomed pane (`z`): the whole body for one pane, so it reads at 80×24 over a screen
//! share. Evidence: the retry timeline as a full [`RetryChart`] on top (live from the journal
//! while armed, else from the filed evidence), every check's verdict, summary and all its
//! figures below, scrolled. Live: the chart above the live pane (journal, keys). Question:
//! the text, the whole guidance, the answer and the note, scrolled.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::evidence::{EvidencePane, evidence_lines};
use super::live::LivePane;
use super::retry_chart::{MIN_HEIGHT, RetryChart};
use super::{theme, wrapped_rows};
use crate::checks::RetryTimeline;
use crate::ui::app::App;
use crate::ui::zoom::{Zoom, ZoomPane};

pub struct ZoomView<'a>(pub &'a App, pub Zoom);

/// Figures listed per check when zoomed: all of them, within reason.
const ALL_FIGURES: usize = 40;

/// The chart of the zoomed evidence: live while a timeline scenario of this question is armed
/// (and has attempts), else the latest filed one.
fn chart(app: &App) -> Option<(String, RetryTimeline)> {
    if let Some(armed) = app.armed_here() {
        let t = RetryTimeline::from_journal(armed.journal.entries(), armed.origin_us);
        return (armed.check.draws_timeline() && !t.is_empty()).then(|| ("live".to_owned(), t));
    }
    EvidencePane::chart(app)
}

/// Rows the chart takes in a zoomed pane of `height` rows: three fifths, at least enough to read.
fn chart_rows(height: u16) -> u16 {
    let h = (height * 3 / 5).max(MIN_HEIGHT);
    if height >= h + 3 { h } else { 0 }
}

fn question_lines(app: &App) -> Vec<Line<'static>> {
    let Some(q) = app.current_question() else {
        return vec![Line::styled("This questionnaire has no questions.", theme::dim())];
    };
    let answer = app.dossier.answer(&q.id);
    let status = app.dossier.status(&q.id);
    let text = |s: &str| crate::text::neutralise_lines(s, 20_000);
    let mut lines = vec![Line::styled(q.text.clone(), theme::title())];
    if !q.guidance.is_empty() {
        lines.push(Line::default());
        lines.extend(q.guidance.lines().map(|l| Line::styled(l.to_owned(), theme::guidance())));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Answer ", theme::title()),
        Span::styled(format!("({}) ", q.kind.label()), theme::dim()),
        Span::styled(format!("{} {}", status.symbol(), status.label()), theme::status_style(status)),
    ]));
    match answer.map(|a| a.answer.as_str()).filter(|a| !a.is_empty()) {
        Some(a) => lines.extend(text(a).lines().map(|l| Line::raw(l.to_owned()))),
        None => lines.push(Line::styled("(no answer yet: Enter writes one)", theme::dim())),
    }
    lines.push(Line::default());
    lines.push(Line::styled("Reviewer note", theme::title()));
    match answer.map(|a| a.note.as_str()).filter(|n| !n.is_empty()) {
        Some(n) => lines.extend(text(n).lines().map(|l| Line::raw(l.to_owned()))),
        None => lines.push(Line::styled("(none: n adds one)", theme::dim())),
    }
    lines
}

fn block(app: &App, pane: ZoomPane) -> Block<'static> {
    let title = match pane {
        ZoomPane::Evidence => " Evidence ".to_owned(),
        ZoomPane::Question => format!(" Question {}.{} ", app.section + 1, app.question + 1),
    };
    Block::bordered()
        .border_style(theme::focused_border())
        .title(Line::styled(title, theme::title()))
        .title(Line::styled(" zoomed · z back · Tab other pane ", theme::dim()).right_aligned())
}

/// Where the parts go: the chart (if any), the scrolled text and its lines.
struct ZoomLayout {
    chart: Option<(Rect, String, RetryTimeline)>,
    text: Rect,
    lines: Vec<Line<'static>>,
}

fn layout(app: &App, pane: ZoomPane, area: Rect) -> ZoomLayout {
    let inner = block(app, pane).inner(area);
    match pane {
        ZoomPane::Question => ZoomLayout { chart: None, text: inner, lines: question_lines(app) },
        ZoomPane::Evidence => {
            let lines = evidence_lines(app, ALL_FIGURES, true);
            let Some((label, t)) = chart(app) else { return ZoomLayout { chart: None, text: inner, lines } };
            let h = chart_rows(inner.height);
            if h == 0 {
                return ZoomLayout { chart: None, text: inner, lines };
            }
            let chart_area = Rect { height: h, ..inner };
            let text = Rect { y: inner.y + h, height: inner.height - h, ..inner };
            ZoomLayout { chart: Some((chart_area, label, t)), text, lines }
        }
    }
}

/// The live pane zoomed: the chart on top (when the scenario draws one), the live pane below.
fn live_areas(app: &App, area: Rect) -> (Option<(Rect, RetryTimeline)>, Rect) {
    let Some((_, t)) = chart(app) else { return (None, area) };
    let h = chart_rows(area.height.saturating_sub(2));
    if h == 0 {
        return (None, area);
    }
    (Some((Rect { height: h, ..area }, t)), Rect { y: area.y + h, height: area.height - h, ..area })
}

/// How far the zoomed pane in `body` can scroll (0 for the live pane: its journal scrolls).
pub fn max_scroll(app: &App, zoom: Zoom, body: Rect) -> u16 {
    if zoom.pane == ZoomPane::Evidence && app.armed_here().is_some() {
        return 0;
    }
    let l = layout(app, zoom.pane, body);
    wrapped_rows(&l.lines, l.text.width).saturating_sub(l.text.height)
}

/// The area the live pane gets when zoomed in `body` (for the journal's page size).
pub fn live_area(app: &App, body: Rect) -> Rect {
    live_areas(app, body).1
}

impl Widget for ZoomView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, zoom) = (self.0, self.1);
        if zoom.pane == ZoomPane::Evidence
            && let Some(armed) = app.armed_here()
        {
            let (chart, rest) = live_areas(app, area);
            if let Some((r, t)) = chart {
                RetryChart { timeline: &t, label: "live" }.render(r, buf);
            }
            LivePane(app, armed).render(rest, buf);
            return;
        }
        let l = layout(app, zoom.pane, area);
        block(app, zoom.pane).render(area, buf);
        if let Some((r, label, t)) = &l.chart {
            RetryChart { timeline: t, label }.render(*r, buf);
        }
        let scroll = zoom.scroll.min(wrapped_rows(&l.lines, l.text.width).saturating_sub(l.text.height));
        Paragraph::new(l.lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).render(l.text, buf);
    }
}

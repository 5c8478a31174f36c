//! The summary screen (`g`) over the whole body: readiness, counts per status, time per
//! section against the session clock, failed checks and the live remediation list, worded as
//! the report words it (it is built from `report::Report`). Scrolls like a zoomed pane.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{fit, theme, wrapped_rows};
use crate::dossier::ReviewStatus;
use crate::report::{ReadinessLevel, RemediationSource, Report};
use crate::text;
use crate::ui::agenda;
use crate::ui::app::App;

pub struct SummaryView<'a>(pub &'a App, pub u16);

fn heading(text: String) -> Line<'static> {
    Line::styled(text, theme::title().fg(Color::Cyan))
}

fn readiness_style(level: ReadinessLevel) -> Style {
    let c = match level {
        ReadinessLevel::NotReady => Color::Red,
        ReadinessLevel::Incomplete => Color::Yellow,
        ReadinessLevel::Ready => Color::Green,
    };
    Style::new().fg(c).add_modifier(Modifier::BOLD)
}

/// Every line of the summary, for a body `width` columns wide.
pub(super) fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let r = Report::build(&app.questionnaire, &app.dossier);
    let w = usize::from(width);
    let mut out = vec![heading("Readiness".into())];
    out.push(Line::from(vec![
        Span::raw("  "),
        Span::styled(
            format!("{} {}", r.readiness.symbol(), r.readiness.headline()),
            readiness_style(r.readiness.level()),
        ),
    ]));
    out.push(Line::raw(format!("  {}", r.readiness.progress())));

    out.push(Line::default());
    out.push(heading("Questions by status".into()));
    let statuses: Vec<ReviewStatus> =
        app.questionnaire.questions().map(|q| app.dossier.status(&q.id)).collect();
    let mut counts = vec![Span::raw(" ")];
    for s in ReviewStatus::ALL {
        let n = statuses.iter().filter(|x| **x == s).count();
        counts.push(Span::raw(" "));
        counts.push(Span::styled(format!("{} {} {n}", s.symbol(), s.label()), theme::status_style(s)));
        counts.push(Span::raw(" "));
    }
    out.push(Line::from(counts));

    out.push(Line::default());
    let total: u64 = app.questionnaire.sections.iter().map(|s| agenda::spent(app, &s.id)).sum();
    out.push(heading(format!(
        "Time: this session {} · all sessions {}",
        agenda::clock(agenda::session(app)),
        agenda::clock(std::time::Duration::from_secs(total))
    )));
    for (i, s) in app.questionnaire.sections.iter().enumerate() {
        let (done, all) = app.progress(s);
        let spent = agenda::short(agenda::spent(app, &s.id));
        let right = format!("{done:>2}/{all:<2} {spent:>5}");
        let title = fit(&format!("{} {}", i + 1, s.title), w.saturating_sub(right.len() + 4));
        let pad = w.saturating_sub(4 + title.chars().count() + right.len());
        let style = if i == app.section { theme::title().fg(Color::Yellow) } else { Style::new() };
        out.push(Line::from(vec![
            Span::styled(format!("{} ", if i == app.section { "▸" } else { " " }), style),
            Span::styled(title, style),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, theme::dim()),
        ]));
    }

    let failed: Vec<_> = r
        .remediation
        .iter()
        .filter_map(|m| match &m.source {
            RemediationSource::Check { evidence, title, .. } => Some((evidence, title)),
            RemediationSource::Question { .. } => None,
        })
        .collect();
    out.push(Line::default());
    out.push(heading(format!("Failed checks ({})", failed.len())));
    if failed.is_empty() {
        out.push(Line::styled("  none: no check's latest verdict is fail", theme::dim()));
    }
    for (e, title) in &failed {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(format!("{} {}", e.verdict.symbol(), e.check), theme::verdict_style(e.verdict)),
            Span::styled(format!("  {}: ", text::short(title)), theme::dim()),
            Span::raw(text::line(&e.summary)),
        ]));
    }

    out.push(Line::default());
    out.push(heading(format!("Remediation, as the report words it ({})", r.remediation.len())));
    if r.remediation.is_empty() {
        out.push(Line::styled(
            "  Nothing to remediate: no question is marked needs work and no check failed.",
            theme::dim(),
        ));
    }
    for (n, item) in r.remediation.iter().enumerate() {
        out.push(Line::from(vec![
            Span::styled(format!("  {}. ", n + 1), theme::key()),
            Span::styled(text::line(&item.requirement), Style::new().add_modifier(Modifier::BOLD)),
        ]));
        let why = match &item.source {
            RemediationSource::Question { id, section, text: q, .. } => format!(
                "Question ({}, {}): {} — marked needs work",
                text::short(section),
                text::short(id),
                text::line(q)
            ),
            RemediationSource::Check { evidence, title, .. } => format!(
                "Check {} ({}) failed on {}: {}",
                text::short(&evidence.check),
                text::short(title),
                text::short(&evidence.at),
                text::line(&evidence.summary)
            ),
        };
        out.push(Line::styled(format!("     {why}"), theme::dim()));
    }
    out
}

fn block() -> Block<'static> {
    Block::bordered()
        .border_style(theme::focused_border())
        .title(Line::styled(" Summary ", theme::title()))
        .title(Line::styled(" g back · ↑↓ scroll ", theme::dim()).right_aligned())
}

/// How far the summary in `body` can scroll.
pub fn max_scroll(app: &App, body: Rect) -> u16 {
    let inner = block().inner(body);
    wrapped_rows(&lines(app, inner.width), inner.width).saturating_sub(inner.height)
}

impl Widget for SummaryView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, scroll) = (self.0, self.1);
        let block = block();
        let inner = block.inner(area);
        block.render(area, buf);
        let lines = lines(app, inner.width);
        let scroll = scroll.min(wrapped_rows(&lines, inner.width).saturating_sub(inner.height));
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).render(inner, buf);
    }
}

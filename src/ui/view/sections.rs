//! The sections pane: every section with its progress and the time spent on it so far; the
//! selected section unfolds into its questions, each with its review-status symbol.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph};

use super::{fit, theme};
use crate::ui::agenda;
use crate::ui::app::App;
use crate::ui::layout::{ListRow, ListTarget};

pub struct SectionsPane<'a>(pub &'a App);

/// The block around the list (its title counts the done questions of every section).
fn block(app: &App) -> Block<'static> {
    let (done, total) = app
        .questionnaire
        .sections
        .iter()
        .map(|s| app.progress(s))
        .fold((0, 0), |(d, t), (a, b)| (d + a, t + b));
    Block::bordered()
        .border_style(theme::border())
        .title(Line::styled(format!(" Sections {done}/{total} "), theme::title()))
}

/// Every line of the list at `w` columns with what it selects, and the selected question's line.
fn lines(app: &App, w: usize) -> (Vec<(Line<'static>, ListTarget)>, usize) {
    let mut lines = Vec::new();
    let mut selected_line = 0;
    for (i, s) in app.questionnaire.sections.iter().enumerate() {
        let (d, t) = app.progress(s);
        let spent = agenda::short(agenda::spent(app, &s.id));
        let progress = if spent.is_empty() { format!("{d}/{t}") } else { format!("{spent} {d}/{t}") };
        let current = i == app.section;
        let title = fit(&s.title, w.saturating_sub(progress.len() + 3));
        let pad = w.saturating_sub(2 + title.chars().count() + progress.len());
        let title_style = if current { theme::title().fg(Color::Yellow) } else { Style::new() };
        let progress_style = if d == t && t > 0 { Style::new().fg(Color::Green) } else { theme::dim() };
        let heading = Line::from(vec![
            Span::styled(if current { "▾ " } else { "▸ " }, title_style),
            Span::styled(title, title_style),
            Span::raw(" ".repeat(pad)),
            Span::styled(progress, progress_style),
        ]);
        lines.push((heading, ListTarget::Section(i)));
        if !current {
            continue;
        }
        for (j, q) in s.questions.iter().enumerate() {
            let status = app.dossier.status(&q.id);
            let text = fit(&format!("{}.{} {}", i + 1, j + 1, q.text), w.saturating_sub(4));
            // `!` after the status: evidence of this question that does not verify.
            let unverified = app.verification.any_unverified(&app.dossier, &q.checks).map(|c| {
                let colour = if c.mark() == "✘" { Color::Red } else { Color::Yellow };
                Span::styled("!", Style::new().fg(colour).add_modifier(Modifier::BOLD))
            });
            let line = Line::from(vec![
                Span::raw("  "),
                Span::styled(status.symbol(), theme::status_style(status).add_modifier(Modifier::BOLD)),
                unverified.unwrap_or_else(|| Span::raw(" ")),
                Span::raw(text),
            ]);
            let target = ListTarget::Question(i, j);
            if j == app.question {
                selected_line = lines.len();
                lines.push((line.style(theme::selected()), target));
            } else {
                lines.push((line, target));
            }
        }
    }
    (lines, selected_line)
}

/// The list drawn in the pane at `area`: the inner area, its lines and the first line shown
/// (scrolled so the selected question stays in view).
fn place(app: &App, area: Rect) -> (Rect, Vec<(Line<'static>, ListTarget)>, usize) {
    let inner = block(app).inner(area);
    let (lines, selected_line) = lines(app, usize::from(inner.width));
    let offset = (selected_line + 1).saturating_sub(usize::from(inner.height));
    (inner, lines, offset)
}

/// What each visible row of the pane at `area` selects: the same placing as the drawing,
/// so the row a question is drawn on is the row a click selects it by.
pub(crate) fn rows(app: &App, area: Rect) -> Vec<ListRow> {
    let (inner, lines, offset) = place(app, area);
    lines
        .iter()
        .skip(offset)
        .take(usize::from(inner.height))
        .zip(inner.y..)
        .map(|((_, target), y)| ListRow { y, target: *target })
        .collect()
}

impl Widget for SectionsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        block(app).render(area, buf);
        let (inner, lines, offset) = place(app, area);
        let lines: Vec<Line> = lines.into_iter().map(|(l, _)| l).collect();
        Paragraph::new(lines).scroll((u16::try_from(offset).unwrap_or(0), 0)).render(inner, buf);
    }
}

//! The sections pane: every section with its progress and the time spent on it so far; the
//! selected section unfolds into its questions, each with its review-status symbol.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph};

use super::{fit, theme};
use crate::ui::agenda;
use crate::ui::app::App;

pub struct SectionsPane<'a>(pub &'a App);

impl Widget for SectionsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let (done, total) = app
            .questionnaire
            .sections
            .iter()
            .map(|s| app.progress(s))
            .fold((0, 0), |(d, t), (a, b)| (d + a, t + b));
        let block = Block::bordered()
            .border_style(theme::border())
            .title(Line::styled(format!(" Sections {done}/{total} "), theme::title()));
        let inner = block.inner(area);
        block.render(area, buf);
        let w = usize::from(inner.width);

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
            lines.push(Line::from(vec![
                Span::styled(if current { "▾ " } else { "▸ " }, title_style),
                Span::styled(title, title_style),
                Span::raw(" ".repeat(pad)),
                Span::styled(progress, progress_style),
            ]));
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
                if j == app.question {
                    selected_line = lines.len();
                    lines.push(line.style(theme::selected()));
                } else {
                    lines.push(line);
                }
            }
        }
        let height = usize::from(inner.height);
        let offset = (selected_line + 1).saturating_sub(height);
        Paragraph::new(lines).scroll((u16::try_from(offset).unwrap_or(0), 0)).render(inner, buf);
    }
}

//! The search popup (`/`): the query as typed and every matching question across sections
//! (number, id, text), the highlighted one selected behind the popup.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{centered, fit, theme};
use crate::ui::app::App;
use crate::ui::search::matches;

pub struct SearchPopup<'a>(pub &'a App);

/// Match rows shown for `hits` matches.
fn match_rows(hits: usize) -> u16 {
    u16::try_from(hits).unwrap_or(u16::MAX).clamp(1, 14)
}

/// Where the popup goes in `body`.
pub(crate) fn area(app: &App, body: Rect) -> Rect {
    centered(body, 76, match_rows(matches(app, &app.search.query).len()) + 4)
}

impl Widget for SearchPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let hits = matches(app, &app.search.query);
        let rows = match_rows(hits.len());
        let popup = centered(area, 76, rows + 4);
        Clear.render(popup, buf);
        let count = match hits.len() {
            0 if app.search.query.trim().is_empty() => "id, text, answer or note".to_owned(),
            0 => "no match".to_owned(),
            1 => "1 match".to_owned(),
            n => format!("{n} matches"),
        };
        let block = Block::bordered()
            .border_style(theme::focused_border())
            .title(Line::styled(" Search ", theme::title()))
            .title(
                Line::styled(format!(" {count} · Enter keeps · Esc clears "), theme::dim()).right_aligned(),
            );
        let inner = block.inner(popup);
        block.render(popup, buf);
        let width = usize::from(inner.width);
        let mut lines = vec![
            Line::from(vec![
                Span::styled("/", theme::key()),
                Span::raw(crate::text::short(&app.search.query)),
                Span::styled("▏", theme::key()),
            ]),
            Line::default(),
        ];
        // Keep the highlighted match in view.
        let shown = usize::from(rows);
        let first = app.search.current.saturating_sub(shown.saturating_sub(1));
        for (i, (s, q)) in hits.iter().enumerate().skip(first).take(shown) {
            let Some(question) = app.questionnaire.sections.get(*s).and_then(|x| x.questions.get(*q)) else {
                continue;
            };
            let text = format!("{:>5} {:<24} {}", format!("{}.{}", s + 1, q + 1), question.id, question.text);
            let style = if i == app.search.current { theme::selected() } else { Style::new() };
            lines.push(Line::styled(fit(&text, width), style));
        }
        Paragraph::new(lines).render(inner, buf);
    }
}

//! The settings popup: the cover fields, the webhook target and what the webhook checks send
//! and watch. The secret itself is never a field — only the name of the environment variable
//! that holds it.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, fit, theme};
use crate::ui::app::{App, Mode};
use crate::ui::fields::Field;

pub struct SettingsPopup<'a>(pub &'a App);

const LABEL_WIDTH: u16 = 24;

/// Where the popup goes in `body` (a click outside it closes it while no field is edited).
pub(crate) fn area(body: Rect) -> Rect {
    let groups = Field::ALL.iter().filter(|f| f.group().is_some()).count();
    // The fields, a title per group and the cover's, a blank line and the footer (one
    // line: the popup fills 80×24 to the last row).
    let rows = u16::try_from(Field::ALL.len() + groups).unwrap_or(20) + 3;
    centered(body, 72, rows + 2)
}

impl Widget for SettingsPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let popup = self::area(area);
        Clear.render(popup, buf);
        let block = Block::bordered()
            .border_style(theme::focused_border())
            .title(Line::styled(" Settings ", theme::title()))
            .title(Line::styled(" saved in the dossier ", theme::dim()).right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);

        let mut y = inner.y;
        let put = |text: Line<'_>, y: &mut u16, buf: &mut Buffer| {
            if *y < inner.bottom() {
                text.render(Rect { y: *y, height: 1, ..inner }, buf);
                *y += 1;
            }
        };
        put(Line::styled("Cover", theme::title().fg(Color::Cyan)), &mut y, buf);
        for (i, field) in Field::ALL.iter().enumerate() {
            if let Some(title) = field.group() {
                put(Line::styled(title, theme::title().fg(Color::Cyan)), &mut y, buf);
            }
            if y >= inner.bottom() {
                break;
            }
            let selected = i == app.setting;
            let row = Rect { y, height: 1, ..inner };
            let [label_area, value_area] =
                Layout::horizontal([Constraint::Length(LABEL_WIDTH), Constraint::Min(0)]).areas(row);
            let label_style = if selected { theme::selected() } else { Style::new() };
            Line::styled(format!(" {:<w$}", field.label(), w = usize::from(LABEL_WIDTH) - 1), label_style)
                .render(label_area, buf);
            if selected && app.mode == Mode::EditSetting {
                buf.set_style(value_area, Style::new().bg(Color::DarkGray));
                (&app.editor).render(value_area, buf);
            } else {
                let value = field.get(&app.dossier);
                let shown = if value.is_empty() {
                    match field.when_empty() {
                        "" => "—".to_owned(),
                        default => fit(&format!("— ({default})"), usize::from(value_area.width)),
                    }
                } else {
                    fit(&value, usize::from(value_area.width))
                };
                let style = if selected { theme::key() } else { Style::new() };
                let suffix = if field.is_cycled() && selected { "  (Enter cycles)" } else { "" };
                Line::from(vec![Span::styled(shown, style), Span::styled(suffix, theme::dim())])
                    .render(value_area, buf);
            }
            y += 1;
        }
        if y < inner.bottom() {
            let rest = Rect { y: y + 1, height: inner.bottom().saturating_sub(y + 1), ..inner };
            Paragraph::new(Line::styled(
                "Only the variable's name is kept; the secret is read when checks run.",
                theme::dim(),
            ))
            .wrap(Wrap { trim: true })
            .render(rest, buf);
        }
    }
}

//! The `?` popup: every key of every mode, from the same table as the status line.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{centered, theme};
use crate::ui::app::{App, Mode};
use crate::ui::keys::{ALL_MODES, ARMED, KeyHelp, help_for};

pub struct HelpPopup<'a>(pub &'a App);

/// A mode's keys, less those the Browsing section already lists with the same action (help,
/// quit) and, in Browsing, `z` (the Zoomed section names it): each key once, so the popup
/// fits 80×24.
fn section(title: &str, mode: Mode) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(title.to_owned(), theme::title().fg(Color::Cyan))];
    let browse = help_for(Mode::Browse);
    let listed = |k: &KeyHelp| {
        if mode == Mode::Browse {
            k.keys == "z"
        } else {
            browse.iter().any(|b| b.keys == k.keys && b.action == k.action)
        }
    };
    for k in help_for(mode).iter().filter(|k| !listed(k)) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", k.keys), theme::key()),
            Span::raw(k.action.to_owned()),
        ]));
    }
    lines
}

impl Widget for HelpPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let _ = self.0;
        let [(browse_mode, browse_title), rest @ ..] = ALL_MODES;
        let mut left = section(browse_title, browse_mode);
        // No blank line before it: the column must fit 80×24.
        left.push(Line::styled("While a scenario is armed", theme::title().fg(Color::Cyan)));
        // The armed keys not already listed above (the popup must fit 80×24).
        for k in ARMED.iter().filter(|k| help_for(browse_mode).iter().all(|b| b.keys != k.keys)) {
            left.push(Line::from(vec![
                Span::styled(format!("  {:<12}", k.keys), theme::key()),
                Span::raw(k.action.to_owned()),
            ]));
        }
        let mut right = Vec::new();
        for (mode, title) in rest {
            if !right.is_empty() {
                right.push(Line::default());
            }
            right.extend(section(title, mode));
        }
        let rows = u16::try_from(left.len().max(right.len())).unwrap_or(u16::MAX);
        let popup = centered(area, 76, rows + 2);
        Clear.render(popup, buf);
        let block = Block::bordered()
            .border_style(theme::focused_border())
            .title(Line::styled(" Keys ", theme::title()))
            .title(Line::styled(" Esc closes ", theme::dim()).right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let [l, r] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(inner);
        Paragraph::new(left).render(l, buf);
        Paragraph::new(right).render(r, buf);
    }
}

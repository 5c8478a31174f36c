//! The pending pane, in place of the evidence pane while a scenario of the selected question
//! is armed and its fault has not begun (see `ui/faults.rs`). The screen is shared with the
//! partner: it says which scenario is armed and that it begins unannounced, never when — the
//! app does not know, the runner drew the delay.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::theme;
use crate::ui::PendingFault;

pub struct PendingPane<'a>(pub &'a PendingFault);

impl Widget for PendingPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let style = Style::new().fg(Color::LightMagenta);
        let block = Block::bordered()
            .border_style(style)
            .title(Line::styled(
                format!(" ◌ ARMED {} — begins unannounced ", self.0.check),
                style.add_modifier(Modifier::BOLD),
            ))
            .title_bottom(Line::styled(" x disarm ", theme::key()).right_aligned());
        let lines = vec![
            Line::raw("The fault begins at a moment the cockpit chooses, not at the keypress."),
            Line::raw(""),
            Line::styled(
                "The partner runs their job as usual. Once the fault is in force, it is shown here with the moment it began and the journal it is judged on.",
                theme::dim(),
            ),
        ];
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block).render(area, buf);
    }
}

//! The header: questionnaire, integration and partner on the left; the session clock, file and
//! save state right.

use ratatui::prelude::*;

use super::theme;
use crate::ui::SaveState;
use crate::ui::agenda;
use crate::ui::app::App;

pub struct Header<'a>(pub &'a App);

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        buf.set_style(area, theme::header());
        let (symbol, label, style) = match &app.save {
            SaveState::Clean => ("●", "saved".to_owned(), Style::new().fg(Color::LightGreen)),
            SaveState::Dirty(_) => ("✎", "unsaved".to_owned(), Style::new().fg(Color::LightYellow)),
            SaveState::Saving { .. } => ("…", "saving…".to_owned(), Style::new().fg(Color::LightYellow)),
            SaveState::Failed { .. } => ("✘", "SAVE FAILED".to_owned(), theme::error()),
        };
        let right = Line::from(vec![
            Span::styled(
                format!("⏱ {} ", agenda::clock(agenda::session(app))),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("{} ", app.dossier_name)),
            Span::styled(format!("{symbol} {label}"), style.add_modifier(Modifier::BOLD)),
            Span::raw(" "),
        ]);
        let right_width = u16::try_from(right.width()).unwrap_or(area.width).min(area.width);
        let [left_area, right_area] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);

        let q = &app.questionnaire;
        let d = &app.dossier.dossier;
        let who = match (d.integration.is_empty(), d.partner.is_empty()) {
            (true, true) => "no integration set (press ,)".to_owned(),
            (false, true) => d.integration.clone(),
            (true, false) => d.partner.clone(),
            (false, false) => format!("{} · {}", d.integration, d.partner),
        };
        let avail = usize::from(left_area.width);
        let demo = match app.demo_flawed {
            Some(false) => Span::styled(
                " DEMO ✔ good peers ",
                Style::new().bg(Color::Green).fg(Color::Black).add_modifier(Modifier::BOLD),
            ),
            Some(true) => Span::styled(
                " DEMO ✘ FLAWED peers ",
                Style::new().bg(Color::Red).fg(Color::White).add_modifier(Modifier::BOLD),
            ),
            None => Span::raw(""),
        };
        let avail = avail.saturating_sub(demo.width());
        let who = super::fit(&who, avail.saturating_sub(2));
        let title = super::fit(&q.title, avail.saturating_sub(who.chars().count() + 5));
        let left = Line::from(vec![
            demo,
            Span::raw(" "),
            Span::styled(who, Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(if title.is_empty() { "" } else { " │ " }),
            Span::raw(title),
        ]);
        left.render(left_area, buf);
        right.render(right_area, buf);
    }
}

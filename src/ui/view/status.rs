//! The status area at the bottom: a save error (shown until a save succeeds — never
//! swallowed), the latest notice, and the keys that work in the current mode.

use ratatui::prelude::*;
use ratatui::widgets::{Paragraph, Wrap};

use super::theme;
use crate::ui::app::{App, Mode};
use crate::ui::keys::{ARMED, ARMED_TRACE, KeyHelp, help_for, relevant};

pub struct StatusLine<'a>(pub &'a App);

fn wrapped_rows(text: &str, width: u16, max: u16) -> u16 {
    let w = usize::from(width.max(1));
    let n = text.chars().count().max(1).div_ceil(w);
    u16::try_from(n).unwrap_or(max).min(max)
}

impl StatusLine<'_> {
    /// Rows the status area needs at this width.
    pub fn height(app: &App, width: u16) -> u16 {
        let mut h = 1;
        if let Some(e) = &app.save_error {
            h += wrapped_rows(&save_error_text(e), width, 3);
        }
        if let Some(n) = &app.notice {
            h += wrapped_rows(&n.text, width, 2);
        }
        h
    }
}

fn save_error_text(e: &str) -> String {
    format!("✘ save failed: {e}")
}

fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Browse => " BROWSE ",
        Mode::EditAnswer => " EDIT ANSWER ",
        Mode::EditNote => " EDIT NOTE ",
        Mode::Settings => " SETTINGS ",
        Mode::EditSetting => " EDIT SETTING ",
        Mode::Help => " HELP ",
        Mode::Credentials => " CREDENTIALS ",
    }
}

impl Widget for StatusLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let mut y = area.y;
        let bottom = area.y + area.height.saturating_sub(1);
        if let Some(e) = &app.save_error {
            let h = wrapped_rows(&save_error_text(e), area.width, 3).min(bottom - y);
            let r = Rect { y, height: h, ..area };
            Paragraph::new(save_error_text(e)).style(theme::error()).wrap(Wrap { trim: true }).render(r, buf);
            y += h;
        }
        if let Some(n) = &app.notice {
            let h = wrapped_rows(&n.text, area.width, 2).min(bottom - y);
            let r = Rect { y, height: h, ..area };
            let style = if n.error {
                Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::LightGreen)
            };
            Paragraph::new(n.text.clone()).style(style).wrap(Wrap { trim: true }).render(r, buf);
        }
        if area.height == 0 {
            return;
        }
        let line_area = Rect { y: bottom, height: 1, ..area };
        let mut spans = vec![Span::styled(
            mode_label(app.mode),
            Style::new().bg(Color::Yellow).fg(Color::Black).add_modifier(Modifier::BOLD),
        )];
        let mut used = spans[0].width();
        let width = usize::from(area.width);
        let mut tail = Vec::new();
        if !app.running.is_empty() {
            tail.push(Span::styled(format!(" ⠿ {} running ", app.running.len()), theme::key()));
        }
        if let (Some(armed), Some(elapsed)) = (&app.armed, app.armed_elapsed()) {
            tail.push(Span::styled(
                format!(" ◉ {} {:.0}s ", armed.check, elapsed.as_secs_f64()),
                Style::new().fg(Color::LightMagenta).add_modifier(Modifier::BOLD),
            ));
        }
        // The address and client id only: the secret is in the credentials popup (c).
        if let Some(api) = &app.api {
            tail.push(Span::styled(
                format!(" API {} {} ", api.address, api.client_id),
                Style::new().fg(Color::Cyan),
            ));
        }
        // Help and quit always show (at the right); the rest fill the line in order, the keys
        // of an armed scenario first.
        let armed_keys: &[KeyHelp] = match &app.armed {
            Some(a) if app.mode == Mode::Browse && a.check == "trace.echo" => ARMED_TRACE,
            Some(_) if app.mode == Mode::Browse => ARMED,
            _ => &[],
        };
        let (pinned, others): (Vec<&KeyHelp>, Vec<&KeyHelp>) = armed_keys
            .iter()
            .chain(help_for(app.mode).iter().filter(|k| armed_keys.iter().all(|a| a.keys != k.keys)))
            .filter(|k| relevant(app, k))
            .partition(|k| matches!(k.action, "help" | "quit"));
        for k in pinned {
            tail.push(Span::styled(k.main_key(), theme::key()));
            tail.push(Span::raw(format!(" {} ", k.brief())));
        }
        let tail_width: usize = tail.iter().map(Span::width).sum();
        // The full wording when it all fits, else the short one for as many keys as fit.
        let full = |k: &KeyHelp| (k.keys, k.action);
        let short = |k: &KeyHelp| (k.main_key(), k.brief());
        let item_width = |(key, action): (&str, &str)| key.chars().count() + action.chars().count() + 3;
        let full_width: usize = others.iter().map(|k| item_width(full(k))).sum();
        let form: &dyn Fn(&KeyHelp) -> (&'static str, &'static str) =
            if used + full_width + tail_width <= width { &full } else { &short };
        for k in others {
            let (key, action) = form(k);
            if used + item_width((key, action)) + tail_width > width {
                continue;
            }
            spans.push(Span::raw(" "));
            spans.push(Span::styled(key, theme::key()));
            spans.push(Span::raw(format!(" {action} ")));
            used += item_width((key, action));
        }
        let pad = width.saturating_sub(used + tail_width);
        spans.push(Span::raw(" ".repeat(pad)));
        spans.extend(tail);
        Line::from(spans).render(line_area, buf);
    }
}

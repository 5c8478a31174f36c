//! The question before a secret from the environment goes to a target the dossier named (see
//! `ui/consent.rs`): the target and the variable, both as the dossier spells them (neutralised:
//! they are someone else's text), and the two answers.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, theme};
use crate::text;
use crate::ui::app::App;

pub struct ConsentPopup<'a>(pub &'a App);

/// Where the popup goes in `body` (`None`: nothing pending, nothing drawn).
pub(crate) fn area(app: &App, body: Rect) -> Option<Rect> {
    app.consent.pending.as_ref().map(|p| {
        let extra = u16::from(!crate::checks::env_refs(&p.url).is_empty());
        centered(body, 76, 13 + extra)
    })
}

impl Widget for ConsentPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (Some(p), Some(popup)) = (&self.0.consent.pending, self::area(self.0, area)) else { return };
        Clear.render(popup, buf);
        let block = Block::bordered()
            .border_style(theme::focused_border())
            .title(Line::styled(" Send a secret from your environment? ", theme::title()))
            .title(Line::styled(" asked once per session ", theme::dim()).right_aligned());
        let row = |label: &str, value: String| {
            Line::from(vec![
                Span::styled(format!(" {label:<10}"), theme::dim()),
                Span::styled(value, theme::key()),
            ])
        };
        let mut lines = vec![
            Line::from(" This question's webhook checks sign with the value of an environment"),
            Line::from(" variable and send it to the target in this dossier's settings:"),
            Line::default(),
            row("Variable", format!("${}", text::short(&p.var))),
            row("Target", text::short(&p.url)),
        ];
        // `${NAME}` in the URL is expanded from the environment: those values go there too.
        let refs = crate::checks::env_refs(&p.url);
        if !refs.is_empty() {
            let names: Vec<String> = refs.iter().map(|n| format!("${}", text::short(n))).collect();
            lines.push(row("Also sent", format!("{} (in the target URL)", names.join(" "))));
        }
        lines.extend([
            Line::default(),
            Line::styled(
                " Both come from the dossier file, not from you in this session: a dossier",
                theme::dim(),
            ),
            Line::styled(" written by someone else could have your secret sent anywhere.", theme::dim()),
            Line::default(),
            Line::from(vec![
                Span::styled(" y", theme::key()),
                Span::raw(" send it (for this session)   "),
                Span::styled("n", theme::key()),
                Span::raw(" / "),
                Span::styled("Esc", theme::key()),
                Span::raw(" do not send"),
            ]),
        ]);
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block).render(popup, buf);
    }
}

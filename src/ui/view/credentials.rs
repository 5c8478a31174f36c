//! The credentials popup (`c`): what the partner needs to point their client at the evidence
//! API. The only view that draws the client secret, so screen captures of the main screen
//! never carry it; the secret lives in memory for this session only. Even here it is masked
//! (`••••••1a2b`) until the reveal key, because the cockpit is shown over screen share.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, theme};
use crate::ui::app::{App, Mode, Reveal, masked};

pub struct CredentialsPopup<'a>(pub &'a App);

/// Where the popup goes in `body` (`None` without an evidence API: nothing is drawn).
pub(crate) fn area(app: &App, body: Rect) -> Option<Rect> {
    let api = app.api.as_ref()?;
    Some(centered(body, 78, if api.ca_pem.is_some() { 13 } else { 11 }))
}

impl Widget for CredentialsPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (Some(api), Some(popup)) = (&self.0.api, self::area(self.0, area)) else { return };
        Clear.render(popup, buf);
        let block = Block::bordered()
            .border_style(theme::focused_border())
            .title(Line::styled(" Evidence API credentials ", theme::title()))
            .title(Line::styled(" Esc closes ", theme::dim()).right_aligned());
        let row = |label: &str, value: &str| {
            Line::from(vec![
                Span::styled(format!(" {label:<15}"), theme::dim()),
                Span::styled(value.to_owned(), theme::key()),
            ])
        };
        let mut lines = vec![
            row("Base URL", &api.base_url),
            row("Token URL", &api.token_url),
            row("Client id", &api.client_id),
            match self.0.mode {
                Mode::Credentials(Reveal::Shown { .. }) => row("Client secret", api.client_secret.expose()),
                _ => row(
                    "Client secret",
                    &format!("{}   (v reveals for 30 s)", masked(api.client_secret.expose())),
                ),
            },
        ];
        if let Some(ca) = &api.ca_pem {
            lines.push(row("CA (PEM)", ca));
            lines.push(Line::styled(
                " Trust it: SSL_CERT_FILE, REQUESTS_CA_BUNDLE or NODE_EXTRA_CA_CERTS",
                theme::dim(),
            ));
        }
        lines.extend([
            Line::default(),
            Line::styled(
                " Grants: client_credentials and refresh_token (HTTP Basic or form body). GET {base}/items, follow \"next\".",
                theme::dim(),
            ),
            Line::styled(
                " The secret is generated for this session only: never saved in the dossier or logged.",
                theme::dim(),
            ),
        ]);
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block).render(popup, buf);
    }
}

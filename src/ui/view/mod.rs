//! Views: pure functions of `&App` into a ratatui buffer, one file per pane. The layout adapts
//! to the terminal: three columns when wide, the evidence pane below the question when narrow.

mod consent;
mod credentials;
mod evidence;
mod header;
mod help;
mod live;
mod palette;
mod pending;
mod question;
mod retry_chart;
mod search;
mod sections;
mod settings;
mod status;
mod summary;
mod theme;
mod timeline;
mod zoom;

use ratatui::prelude::*;

use super::app::{App, Mode};
use super::layout::{FrameLayout, Panes, Screen};

pub use consent::ConsentPopup;
pub use credentials::CredentialsPopup;
pub use evidence::EvidencePane;
pub use header::Header;
pub use help::HelpPopup;
pub use live::LivePane;
pub use palette::Theme;
pub use pending::PendingPane;
pub use question::QuestionPane;
pub use retry_chart::RetryChart;
pub use search::SearchPopup;
pub use sections::SectionsPane;
pub use settings::SettingsPopup;
pub use status::StatusLine;
pub use summary::SummaryView;
pub use timeline::TimelineChart;
pub use zoom::ZoomView;

/// Wide enough for three columns.
const WIDE: u16 = 120;

/// Where the panes go in a frame of `area`.
struct Areas {
    top: Rect,
    bottom: Rect,
    body: Rect,
    left: Rect,
    middle: Rect,
    evidence: Rect,
}

fn areas(app: &App, area: Rect) -> Areas {
    let status_height = StatusLine::height(app, area.width).min(area.height.saturating_sub(4));
    let [top, body, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(status_height)])
            .areas(area);
    let left_width = match area.width {
        w if w >= 180 => 40,
        w if w >= WIDE => 34,
        w if w >= 100 => 30,
        _ => 28,
    };
    let [left, rest] = Layout::horizontal([Constraint::Length(left_width), Constraint::Min(0)]).areas(body);
    let [middle, evidence] = if area.width >= WIDE {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest)
    } else {
        // A live scenario or a filed chart gets more of the height than plain evidence.
        // (Half of a small screen, so the question stays readable at 80×24.)
        let more = app.armed_here().is_some() || EvidencePane::has_chart(app);
        let evidence_height = match (more, rest.height) {
            (true, h) if h >= 26 => h * 3 / 5,
            (true, h) => h / 2,
            (false, h) => h * 2 / 5,
        }
        .max(7);
        Layout::vertical([Constraint::Min(0), Constraint::Length(evidence_height)]).areas(rest)
    };
    Areas { top, bottom, body, left, middle, evidence }
}

/// Rows the live journal has in a frame of `area` (0 when the live pane is not shown): the
/// runner records it after each draw, so `PgUp`/`PgDn`/`Home` move by what is on screen.
pub fn live_journal_rows(app: &App, area: Rect) -> u16 {
    let Some(armed) = app.armed_here() else { return 0 };
    let a = areas(app, area);
    match zoomed(app) {
        Some(z) if z.pane == crate::ui::ZoomPane::Evidence => {
            live::journal_rows(app, armed, zoom::live_area(app, a.body))
        }
        Some(_) => 0,
        None => live::journal_rows(app, armed, a.evidence),
    }
}

/// How far the zoomed pane can scroll in a frame of `area` (0 when not zoomed): the runner
/// records it after each draw, so the scroll keys stop at the last line.
pub fn zoom_max_scroll(app: &App, area: Rect) -> u16 {
    if summary_shown(app).is_some() {
        return summary::max_scroll(app, areas(app, area).body);
    }
    zoomed(app).map_or(0, |z| zoom::max_scroll(app, z, areas(app, area).body))
}

/// Where everything went in a frame of `area`, for hitting it with the mouse. Built from the
/// functions that place the widgets when drawing (`areas`, each pane's own placing), so the
/// row a question is drawn on is the row that selects it; the runner records it after each
/// draw (see `ui/layout.rs` for why).
pub fn frame_layout(app: &App, area: Rect) -> FrameLayout {
    let a = areas(app, area);
    let screen = if summary_shown(app).is_some() {
        Screen::Summary
    } else if zoomed(app).is_some() {
        Screen::Zoomed
    } else {
        let (answer, note, guidance_max) = question::boxes(app, a.middle).unwrap_or_default();
        let plain_evidence = app.armed_here().is_none() && app.pending_here().is_none();
        Screen::Panes(Panes {
            sections: a.left,
            rows: sections::rows(app, a.left),
            question: a.middle,
            answer,
            note,
            guidance_max,
            evidence: a.evidence,
            evidence_max: if plain_evidence { evidence::max_scroll(app, a.evidence) } else { 0 },
        })
    };
    let popup = match app.mode {
        Mode::Help => Some(help::area(app, a.body)),
        Mode::Credentials(_) => credentials::area(app, a.body),
        Mode::ConfirmSecret => consent::area(app, a.body),
        Mode::Search => Some(search::area(app, a.body)),
        Mode::Settings | Mode::EditSetting => Some(settings::area(a.body)),
        _ => None,
    };
    FrameLayout { body: a.body, screen, popup }
}

/// The zoom in force, also under the help popup opened from it.
fn zoomed(app: &App) -> Option<crate::ui::Zoom> {
    match (app.mode, app.help_return) {
        (Mode::Zoom(z), _) | (Mode::Help, Mode::Zoom(z)) => Some(z),
        _ => None,
    }
}

/// The summary screen's scroll when it is shown, also under the help popup opened from it.
fn summary_shown(app: &App) -> Option<u16> {
    match (app.mode, app.help_return) {
        (Mode::Summary(s), _) | (Mode::Help, Mode::Summary(s)) => Some(s),
        _ => None,
    }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let a = areas(self, area);
        Header(self).render(a.top, buf);
        StatusLine(self).render(a.bottom, buf);
        if let Some(scroll) = summary_shown(self) {
            SummaryView(self, scroll).render(a.body, buf);
        } else if let Some(z) = zoomed(self) {
            ZoomView(self, z).render(a.body, buf);
        } else {
            SectionsPane(self).render(a.left, buf);
            QuestionPane(self).render(a.middle, buf);
            self.render_evidence(a.evidence, buf);
        }
        match self.mode {
            Mode::Help => HelpPopup(self).render(a.body, buf),
            Mode::Credentials(_) => CredentialsPopup(self).render(a.body, buf),
            Mode::ConfirmSecret => ConsentPopup(self).render(a.body, buf),
            Mode::Search => SearchPopup(self).render(a.body, buf),
            Mode::Settings | Mode::EditSetting => SettingsPopup(self).render(a.body, buf),
            _ => {}
        }
        self.theme.apply(area, buf);
    }
}

impl App {
    /// The live pane while a scenario of this question is armed (the pending pane until its
    /// fault begins), else the evidence.
    fn render_evidence(&self, area: Rect, buf: &mut Buffer) {
        match (self.armed_here(), self.pending_here()) {
            (Some(armed), _) => LivePane(self, armed).render(area, buf),
            (None, Some(pending)) => PendingPane(pending).render(area, buf),
            (None, None) => EvidencePane(self).render(area, buf),
        }
    }
}

/// Shortens `text` to at most `width` characters, ending in `…` when cut.
pub(crate) fn fit(text: &str, width: usize) -> String {
    let first_line = text.lines().next().unwrap_or("");
    let n = first_line.chars().count();
    if n <= width && first_line.len() == text.len() {
        return first_line.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let keep = if n <= width { n.min(width - 1) } else { width - 1 };
    let mut s: String = first_line.chars().take(keep).collect();
    s.push('…');
    s
}

/// Rows `lines` take wrapped at `width` (a close estimate: wrapping breaks at words). One
/// estimate for every pane that scrolls, so their limits agree with one another.
pub(crate) fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let w = usize::from(width.max(1));
    let n: usize = lines.iter().map(|l| l.width().max(1).div_ceil(w)).sum();
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// A rectangle of at most `width`×`height`, centred in `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

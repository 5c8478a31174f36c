//! Zoom (`z`): one pane takes the whole body so it reads at 80×24 over a screen share — the
//! evidence (with the retry timeline as a full chart), the live pane while a scenario is
//! armed, or the question with its whole guidance, answer and note. The zoomed pane scrolls.
//! Pure state and key handling; the view is `view::zoom`.

use super::action::{Action, JournalScroll};
use super::app::{App, Mode};

/// Which pane is zoomed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoomPane {
    /// The evidence pane, or the live pane while a scenario of the question is armed.
    Evidence,
    /// The question, its guidance in full, the answer and the note.
    Question,
}

/// The zoomed pane and how far it is scrolled (rows from the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zoom {
    pub pane: ZoomPane,
    pub scroll: u16,
}

impl Zoom {
    /// Zoom on the pane worth it for the selected question: its evidence when it has linked
    /// checks, else the question itself.
    pub fn open(app: &App) -> Self {
        let has_checks = app.current_question().is_some_and(|q| !q.checks.is_empty());
        let pane = if has_checks { ZoomPane::Evidence } else { ZoomPane::Question };
        Self { pane, scroll: 0 }
    }
}

/// Rows a page key moves: the visible rows less one, so a line of context stays.
const PAGE: u16 = 8;

/// Performs an action while zoomed; `false` when it is not a zoom action (the caller then
/// performs it as in browsing: run, arm, finish, help, quit all work zoomed).
///
/// While the live pane is zoomed, PgUp/PgDn/Home/End keep scrolling its journal (as unzoomed);
/// the arrows scroll the other panes.
pub fn act(app: &mut App, zoom: Zoom, action: Action) -> bool {
    let live = zoom.pane == ZoomPane::Evidence && app.armed_here().is_some();
    let max = app.zoom_max_scroll;
    let scroll = |by: i32| {
        let s = (i32::from(zoom.scroll) + by).clamp(0, i32::from(max));
        u16::try_from(s).unwrap_or(0)
    };
    let page = i32::from(PAGE);
    let next = match action {
        Action::Unzoom => {
            app.mode = Mode::Browse;
            return true;
        }
        Action::ZoomOtherPane => {
            let pane = match zoom.pane {
                ZoomPane::Evidence => ZoomPane::Question,
                ZoomPane::Question => ZoomPane::Evidence,
            };
            Zoom { pane, scroll: 0 }
        }
        Action::ZoomScroll { down } => Zoom { scroll: scroll(if down { 1 } else { -1 }), ..zoom },
        Action::ZoomPage { down } if live => {
            let how = if down { JournalScroll::PageDown } else { JournalScroll::PageUp };
            super::update::scroll_journal(app, how);
            return true;
        }
        Action::ZoomEdge { end } if live => {
            let how = if end { JournalScroll::Follow } else { JournalScroll::Oldest };
            super::update::scroll_journal(app, how);
            return true;
        }
        Action::ZoomPage { down } => Zoom { scroll: scroll(if down { page } else { -page }), ..zoom },
        Action::ZoomEdge { end } => Zoom { scroll: if end { max } else { 0 }, ..zoom },
        // Another section: the pane shows other content, from its top.
        Action::NextSection | Action::PrevSection => {
            app.mode = Mode::Zoom(Zoom { scroll: 0, ..zoom });
            return false;
        }
        _ => return false,
    };
    app.mode = Mode::Zoom(next);
    true
}

//! The mouse (on by default, `--no-mouse` turns it off): a left click on a section or a
//! question of the list selects it, on the answer or note box starts editing it (as `Enter` /
//! `n`); the wheel over the list moves the selection one question a notch, over a pane scrolls
//! it [`WHEEL_ROWS`] rows (the guidance, the evidence, the live journal, the zoomed pane, the
//! summary). Hit-testing reads the layout of the last frame (`ui/layout.rs`); pure, like the
//! rest of `update`.
//!
//! Popups keep the mouse from what is under them. A click outside one closes it only where
//! `Esc` closes it and nothing typed can be lost: the help, the credentials and the settings
//! list. The search (whose `Esc` clears the query), a settings field being edited and the
//! question whether to send a secret (where `Esc` answers no) ignore clicks. While an answer or
//! note is edited, a click inside its box keeps editing; a click on something else ends the
//! edit first (the text is in the dossier already, as after `Esc`), and the wheel over the list
//! does nothing, so the selection never moves under the editor.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::app::{App, Mode, Notice, Reveal};
use super::layout::{ListTarget, Panes, Screen, within};
use super::lifecycle::QuitState;
use super::zoom::{Zoom, ZoomPane};

/// What the mouse did, as far as the cockpit cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    /// The left button went down.
    Click,
    ScrollUp,
    ScrollDown,
}

/// A mouse event at a cell of the terminal (0-based column and row, as drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouseInput {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
}

impl MouseInput {
    pub fn new(kind: MouseKind, column: u16, row: u16) -> Self {
        Self { kind, column, row }
    }

    /// The terminal's event, when it is one the cockpit acts on: moves, drags, releases and
    /// the other buttons are dropped here, so they never wake the loop for a redraw.
    pub fn from_crossterm(e: &MouseEvent) -> Option<Self> {
        let kind = match e.kind {
            MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
            MouseEventKind::ScrollUp => MouseKind::ScrollUp,
            MouseEventKind::ScrollDown => MouseKind::ScrollDown,
            _ => return None,
        };
        Some(Self::new(kind, e.column, e.row))
    }

    fn wheel(&self) -> Option<i32> {
        match self.kind {
            MouseKind::Click => None,
            MouseKind::ScrollUp => Some(-i32::from(WHEEL_ROWS)),
            MouseKind::ScrollDown => Some(i32::from(WHEEL_ROWS)),
        }
    }

    fn within(&self, r: ratatui::layout::Rect) -> bool {
        within(r, self.column, self.row)
    }
}

/// Rows one notch of the wheel scrolls a pane (the usual three).
pub const WHEEL_ROWS: u16 = 3;

/// Applies a mouse event (see the module doc for what each does where).
pub(super) fn on_mouse(app: &mut App, m: MouseInput) {
    match app.mode {
        Mode::Browse | Mode::EditAnswer | Mode::EditNote => on_panes(app, m),
        Mode::Zoom(zoom) => {
            if let Some(by) = m.wheel().filter(|_| m.within(app.layout.body)) {
                wheel_zoom(app, zoom, by);
            }
        }
        Mode::Summary(scroll) => {
            if let Some(by) = m.wheel().filter(|_| m.within(app.layout.body)) {
                app.mode = Mode::Summary(step(scroll, by, app.zoom_max_scroll));
            }
        }
        Mode::Help | Mode::Credentials(_) | Mode::Settings => on_closable_popup(app, m),
        Mode::Search => {
            // The wheel moves the highlight like ↑/↓; clicks would lose nothing but do nothing.
            if let Some(by) = m.wheel() {
                super::search::move_selection(app, by > 0);
            }
        }
        // Typed input, or a question only y / n answers.
        Mode::EditSetting | Mode::ConfirmSecret => {}
    }
}

/// `from` moved `by` rows, within `0..=max`.
fn step(from: u16, by: i32, max: u16) -> u16 {
    u16::try_from((i32::from(from) + by).clamp(0, i32::from(max))).unwrap_or(0)
}

/// The help, the credentials or the settings list: a click outside closes it (as `Esc`), any
/// mouse event masks a revealed secret again (as any key does); the wheel over the settings
/// moves between the fields.
fn on_closable_popup(app: &mut App, m: MouseInput) {
    if let Mode::Credentials(Reveal::Shown { .. }) = app.mode {
        app.mode = Mode::Credentials(Reveal::Masked);
    }
    let outside = app.layout.popup.is_some_and(|p| !m.within(p));
    match (m.wheel(), app.mode) {
        (None, Mode::Help) if outside => app.mode = app.help_return,
        (None, Mode::Credentials(_) | Mode::Settings) if outside => app.mode = Mode::Browse,
        (Some(by), Mode::Settings) => {
            let n = super::fields::Field::ALL.len();
            app.setting = if by > 0 { (app.setting + 1) % n } else { (app.setting + n - 1) % n };
        }
        _ => {}
    }
}

/// The zoomed pane scrolls; the live pane zoomed scrolls its journal instead (as its keys do).
fn wheel_zoom(app: &mut App, zoom: Zoom, by: i32) {
    if zoom.pane == ZoomPane::Evidence && app.armed_here().is_some() {
        wheel_journal(app, by);
    } else {
        app.mode = Mode::Zoom(Zoom { scroll: step(zoom.scroll, by, app.zoom_max_scroll), ..zoom });
    }
}

fn wheel_journal(app: &mut App, by: i32) {
    let rows = usize::from(app.live_rows);
    if let Some(armed) = app.armed.as_mut() {
        let n = usize::try_from(by.unsigned_abs()).unwrap_or(0);
        if by < 0 { armed.journal.scroll_up(n, rows) } else { armed.journal.scroll_down(n) }
    }
}

/// What a click on the browsing screen is on.
enum Hit {
    List(ListTarget),
    Answer,
    Note,
}

fn hit(p: &Panes, m: MouseInput) -> Option<Hit> {
    if let Some(t) = p.list_target(m.column, m.row) {
        return Some(Hit::List(t));
    }
    if m.within(p.answer) {
        return Some(Hit::Answer);
    }
    m.within(p.note).then_some(Hit::Note)
}

fn on_panes(app: &mut App, m: MouseInput) {
    // Drawn as another screen (a message of the same batch changed the mode): nothing to hit.
    let Screen::Panes(p) = &app.layout.screen else { return };
    let p = p.clone();
    let editing = matches!(app.mode, Mode::EditAnswer | Mode::EditNote);
    let at = (app.section, app.question);
    if let Some(by) = m.wheel() {
        if m.within(p.sections) {
            if !editing {
                if by > 0 { super::update::next_question(app) } else { super::update::prev_question(app) }
            }
        } else if m.within(p.question) {
            app.pane_scroll.scroll_guidance(at, by, p.guidance_max);
        } else if m.within(p.evidence) {
            if app.armed_here().is_some() {
                wheel_journal(app, by);
            } else {
                app.pane_scroll.scroll_evidence(at, by, p.evidence_max);
            }
        }
        return;
    }
    let in_editor = match app.mode {
        Mode::EditAnswer => m.within(p.answer),
        Mode::EditNote => m.within(p.note),
        _ => false,
    };
    let Some(hit) = hit(&p, m).filter(|_| !in_editor) else { return };
    if app.quit != QuitState::Armed && app.notice.as_ref().is_some_and(|n: &Notice| !n.error) {
        app.notice = None;
    }
    if editing {
        // Every key typed is in the dossier already: leaving keeps the text, as `Esc` does.
        app.mode = Mode::Browse;
    }
    match hit {
        Hit::List(ListTarget::Section(i)) if i != app.section => super::update::select_section(app, i),
        Hit::List(ListTarget::Section(_)) => {}
        Hit::List(ListTarget::Question(s, q)) => {
            app.section = s;
            app.question = q;
        }
        Hit::Answer => super::update::start_edit(app, Mode::EditAnswer),
        Hit::Note => super::update::start_edit(app, Mode::EditNote),
    }
}

#[cfg(test)]
#[path = "mouse_tests.rs"]
mod tests;

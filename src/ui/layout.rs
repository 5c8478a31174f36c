//! Where the last frame put things, as plain data, so `update` can tell what a mouse click or
//! wheel turn was over without drawing or reading the terminal.
//!
//! Why recorded by the runner rather than recomputed in `update`: the views place their
//! widgets with the same pure functions (`view::frame_layout` is built from them), and the
//! runner stores their result right after each draw, as it already does for the live
//! journal's rows and the zoom's scroll limit. A click then hits what the reviewer *saw*,
//! even when a message in the same batch (a check finishing, a journal line) has changed the
//! state since the frame was drawn; `update` stays pure and never needs the terminal size.

use ratatui::layout::{Position, Rect};

/// What one visible row of the section list selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTarget {
    /// A section's heading (its index).
    Section(usize),
    /// A question of the unfolded section (section index, question index).
    Question(usize, usize),
}

/// A row of the section list as drawn: its screen row and what it selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRow {
    pub y: u16,
    pub target: ListTarget,
}

/// The three panes of the browsing screen, as drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Panes {
    /// The section list, border included, and its visible rows.
    pub sections: Rect,
    pub rows: Vec<ListRow>,
    /// The question pane, border included; its answer and note boxes.
    pub question: Rect,
    pub answer: Rect,
    pub note: Rect,
    /// How far the question text and guidance can scroll (0: all of it shows).
    pub guidance_max: u16,
    /// The evidence pane (or the live or pending pane in its place), border included.
    pub evidence: Rect,
    /// How far the evidence text can scroll (0 for the live and pending panes).
    pub evidence_max: u16,
}

/// What filled the body of the last frame: one of three screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Panes(Panes),
    /// One pane over the whole body (`z`).
    Zoomed,
    /// The summary screen (`g`).
    Summary,
}

/// The layout of the last frame drawn (nothing before the first draw: clicks hit nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameLayout {
    /// Between the header and the status line.
    pub body: Rect,
    pub screen: Screen,
    /// The popup drawn over the body, if any.
    pub popup: Option<Rect>,
}

impl Default for FrameLayout {
    fn default() -> Self {
        Self { body: Rect::default(), screen: Screen::Panes(Panes::default()), popup: None }
    }
}

/// Whether the cell at (`column`, `row`) is inside `r`.
pub fn within(r: Rect, column: u16, row: u16) -> bool {
    r.contains(Position { x: column, y: row })
}

impl Panes {
    /// What the row of the section list at (`column`, `row`) selects, if anything.
    pub fn list_target(&self, column: u16, row: u16) -> Option<ListTarget> {
        if !within(self.sections, column, row) {
            return None;
        }
        self.rows.iter().find(|r| r.y == row).map(|r| r.target)
    }
}

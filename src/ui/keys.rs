//! The keys that work in each mode: one table feeds both the status line and the `?` popup,
//! so they can never disagree.

use super::app::Mode;

/// One key and what it does here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub action: &'static str,
}

const fn k(keys: &'static str, action: &'static str) -> KeyHelp {
    KeyHelp { keys, action }
}

const BROWSE: &[KeyHelp] = &[
    k("↑↓ jk", "question"),
    k("←→ hl Tab", "section"),
    k("Enter", "edit answer"),
    k("s", "status"),
    k("n", "note"),
    k("r", "run checks"),
    k(", S", "settings"),
    k("?", "help"),
    k("q", "quit"),
];

const EDIT: &[KeyHelp] =
    &[k("Esc", "done (keeps text)"), k("Enter", "new line"), k("Ctrl-U/R", "undo/redo"), k("Ctrl-C", "quit")];

const SETTINGS: &[KeyHelp] =
    &[k("↑↓ jk", "field"), k("Enter", "edit / cycle"), k("Esc ,", "close"), k("q", "quit")];

const EDIT_SETTING: &[KeyHelp] = &[k("Enter Esc", "done"), k("Ctrl-C", "quit")];

const HELP: &[KeyHelp] = &[k("Esc ? q", "close help")];

/// The keys that work in `mode`.
pub fn help_for(mode: Mode) -> &'static [KeyHelp] {
    match mode {
        Mode::Browse => BROWSE,
        Mode::EditAnswer | Mode::EditNote => EDIT,
        Mode::Settings => SETTINGS,
        Mode::EditSetting => EDIT_SETTING,
        Mode::Help => HELP,
    }
}

/// Every mode with a title, for the help popup.
pub const ALL_MODES: [(Mode, &str); 4] = [
    (Mode::Browse, "Browsing"),
    (Mode::EditAnswer, "Editing an answer or note"),
    (Mode::Settings, "Settings"),
    (Mode::EditSetting, "Editing a setting"),
];

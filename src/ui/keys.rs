//! The keys that work in each mode: one table feeds both the status line and the `?` popup,
//! so they can never disagree.

use super::app::Mode;

/// One key and what it does here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub action: &'static str,
}

impl KeyHelp {
    /// The first key only, for the status line (the popup lists the alternatives).
    pub fn main_key(&self) -> &'static str {
        self.keys.split(' ').next().unwrap_or(self.keys)
    }

    /// The action's first word, for the status line.
    pub fn brief(&self) -> &'static str {
        self.action.split([' ', '/']).next().unwrap_or(self.action)
    }
}

const fn k(keys: &'static str, action: &'static str) -> KeyHelp {
    KeyHelp { keys, action }
}

/// In order of importance: the status line shows as many as fit.
const BROWSE: &[KeyHelp] = &[
    k("Enter", "edit answer"),
    k("s", "status cycle"),
    k("n", "note"),
    k("r", "run checks, arm API"),
    k("c", "credentials (API)"),
    k(", S", "settings"),
    k("↑↓ jk", "question"),
    k("←→ hl Tab", "section"),
    k("a", "arm next API check"),
    k("y N", "trace id found/not"),
    k("d", "demo good/flawed"),
    k("z", "zoom pane"),
    k("/ ] [", "search ] [ step"),
    k("?", "help"),
    k("q", "quit"),
];

/// While a scenario is armed: shown first in the status line. The journal keys act on the
/// live pane (shown while the selected question's scenario is armed), like PgUp/PgDn and
/// Home/End on a scrolling pane in gitui or lazygit: ↑↓ stay with the questions.
pub const ARMED: &[KeyHelp] = &[
    k("f", "finish and file"),
    k("x", "disarm (no filing)"),
    k("End Home", "follow / oldest"),
    k("PgUp PgDn", "scroll journal"),
    k("a", "arm next API check"),
];

/// While `trace.echo` is armed: a person judges it.
pub const ARMED_TRACE: &[KeyHelp] = &[
    k("y N", "trace id found/not"),
    k("x", "disarm (no filing)"),
    k("End Home", "follow / oldest"),
    k("PgUp PgDn", "scroll journal"),
];

/// Zoomed: scrolling first; the browsing keys (run, arm, finish, help, quit) still work.
const ZOOM: &[KeyHelp] = &[
    k("z Esc", "unzoom (z zooms)"),
    k("↑↓ jk", "scroll"),
    k("Tab", "evidence/question"),
    k("PgUp PgDn", "page (journal if live)"),
    k("?", "help"),
    k("q", "quit"),
];

const SEARCH: &[KeyHelp] =
    &[k("Enter", "keep (] [ step)"), k("↑↓", "match"), k("Esc", "clear"), k("Ctrl-C", "quit")];

const CREDENTIALS: &[KeyHelp] = &[k("v", "reveal secret (30 s)"), k("Esc c", "close")];

const EDIT: &[KeyHelp] =
    &[k("Esc", "done (keeps text)"), k("Enter", "new line"), k("Ctrl-U/R", "undo/redo"), k("Ctrl-C", "quit")];

const SETTINGS: &[KeyHelp] =
    &[k("↑↓ jk", "field"), k("Enter", "edit / cycle"), k("Esc ,", "close"), k("q", "quit")];

const EDIT_SETTING: &[KeyHelp] = &[k("Enter Esc", "done"), k("Ctrl-C", "quit")];

const HELP: &[KeyHelp] = &[k("Esc ? q", "close help")];

const CONFIRM_SECRET: &[KeyHelp] = &[k("y", "send the secret (this session)"), k("n Esc", "do not send")];

/// Whether a key is worth a place in the status line now: the API keys only with an API, on
/// a question they act on, the demo switch only in the demo. (The help popup lists them all.)
pub fn relevant(app: &super::app::App, k: &KeyHelp) -> bool {
    match k.keys {
        "c" => app.api.is_some(),
        "a" => !app.api_checks().is_empty(),
        "y N" => app
            .current_question()
            .is_some_and(|q| q.checks.iter().any(|c| crate::checks::is_person_judged(c))),
        "d" => app.demo_flawed.is_some(),
        "PgUp PgDn" => app.armed_here().is_some(),
        // Only while scrolled back: following is the default.
        "End Home" => app.armed_here().is_some_and(|a| !a.journal.following()),
        _ => true,
    }
}

/// The keys that work in `mode`.
pub fn help_for(mode: Mode) -> &'static [KeyHelp] {
    match mode {
        Mode::Browse => BROWSE,
        Mode::EditAnswer | Mode::EditNote => EDIT,
        Mode::Settings => SETTINGS,
        Mode::EditSetting => EDIT_SETTING,
        Mode::Help => HELP,
        Mode::Credentials(_) => CREDENTIALS,
        Mode::ConfirmSecret => CONFIRM_SECRET,
        Mode::Zoom(_) => ZOOM,
        Mode::Search => SEARCH,
    }
}

/// Every mode with a title, for the help popup.
pub const ALL_MODES: [(Mode, &str); 5] = [
    (Mode::Browse, "Browsing"),
    (Mode::EditAnswer, "Editing an answer or note"),
    (Mode::Settings, "Settings"),
    (Mode::EditSetting, "Editing a setting"),
    (Mode::Zoom(super::zoom::Zoom { pane: super::zoom::ZoomPane::Evidence, scroll: 0 }), "Zoomed"),
];

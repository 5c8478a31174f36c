//! The keys that work in each mode: one table feeds the status line, the `?` popup and the
//! dispatch in `update`, so a key shown is a key handled and a key handled is shown. Each row
//! is a label for the reader, what it does, and the keys it binds to an [`Action`].

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, JournalScroll};
use super::app::Mode;

/// A key as the table binds it: a code, with or without Ctrl. Shift is ignored (terminals
/// differ in reporting it for `N`, `?` or `BackTab`); Alt never matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    /// Whether a key press is this key.
    pub fn matches(&self, e: &KeyEvent) -> bool {
        if e.modifiers.contains(KeyModifiers::ALT) || e.modifiers.contains(KeyModifiers::CONTROL) != self.ctrl
        {
            return false;
        }
        match (self.code, e.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) if self.ctrl => a.eq_ignore_ascii_case(&b),
            (a, b) => a == b,
        }
    }

    /// The key as labels write it.
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::BackTab => "⇧Tab".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => other.to_string(),
        };
        if self.ctrl { format!("Ctrl-{base}") } else { base }
    }

    /// A press of this key (for tests and for walking the table).
    pub fn event(&self) -> KeyEvent {
        let modifiers = if self.ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
        KeyEvent::new(self.code, modifiers)
    }
}

/// One row of the table: the keys as shown, what they do, and the bindings behind them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub action: &'static str,
    pub on: &'static [(Key, Action)],
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

    /// What the row does (its first binding's action), for rules that pick rows by meaning.
    pub fn does(&self) -> Option<Action> {
        self.on.first().map(|(_, a)| *a)
    }
}

const fn k(keys: &'static str, action: &'static str, on: &'static [(Key, Action)]) -> KeyHelp {
    KeyHelp { keys, action, on }
}

const fn ch(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

use Action as A;
use KeyCode as C;

const QUIT: KeyHelp = k("q Ctrl-C", "quit", &[(ch('q'), A::Quit), (ctrl('c'), A::Quit)]);
const CTRL_C: KeyHelp = k("Ctrl-C", "quit", &[(ctrl('c'), A::Quit)]);
const HELP_KEY: KeyHelp = k("?", "help", &[(ch('?'), A::Help)]);

/// In order of importance: the status line shows as many as fit.
const BROWSE: &[KeyHelp] = &[
    k("Enter", "edit answer", &[(code(C::Enter), A::EditAnswer)]),
    k("s", "status cycle", &[(ch('s'), A::CycleStatus)]),
    k("n", "note", &[(ch('n'), A::EditNote)]),
    k("r", "run checks, arm API", &[(ch('r'), A::RunChecks)]),
    k("c", "credentials (API)", &[(ch('c'), A::Credentials)]),
    k(", S", "settings", &[(ch(','), A::Settings), (ch('S'), A::Settings)]),
    k(
        "↑↓ jk",
        "question",
        &[
            (code(C::Up), A::PrevQuestion),
            (code(C::Down), A::NextQuestion),
            (ch('j'), A::NextQuestion),
            (ch('k'), A::PrevQuestion),
        ],
    ),
    k(
        "←→ hl Tab ⇧Tab",
        "section",
        &[
            (code(C::Left), A::PrevSection),
            (code(C::Right), A::NextSection),
            (ch('h'), A::PrevSection),
            (ch('l'), A::NextSection),
            (code(C::Tab), A::NextSectionWrap),
            (code(C::BackTab), A::PrevSectionWrap),
        ],
    ),
    k("a", "arm next API check", &[(ch('a'), A::ArmNext)]),
    k(
        "y N",
        "trace id found/not",
        &[(ch('y'), A::MarkTrace { found: true }), (ch('N'), A::MarkTrace { found: false })],
    ),
    k("d", "demo good/flawed", &[(ch('d'), A::ToggleDemo)]),
    k("z", "zoom pane", &[(ch('z'), A::Zoom)]),
    k("g", "summary (agenda)", &[(ch('g'), A::Summary)]),
    k(
        "/ ] [",
        "search ] [ step",
        &[
            (ch('/'), A::Search),
            (ch(']'), A::SearchStep { forward: true }),
            (ch('['), A::SearchStep { forward: false }),
        ],
    ),
    k("Esc", "clear notice/search", &[(code(C::Esc), A::Dismiss)]),
    HELP_KEY,
    QUIT,
];

const FINISH: KeyHelp = k("f", "finish and file", &[(ch('f'), A::Finish)]);
const DISARM: KeyHelp = k("x", "disarm (no filing)", &[(ch('x'), A::Disarm)]);
const FOLLOW: KeyHelp = k(
    "End Home",
    "follow / oldest",
    &[(code(C::End), A::Journal(JournalScroll::Follow)), (code(C::Home), A::Journal(JournalScroll::Oldest))],
);
const SCROLL_JOURNAL: KeyHelp = k(
    "PgUp PgDn",
    "scroll journal",
    &[
        (code(C::PageUp), A::Journal(JournalScroll::PageUp)),
        (code(C::PageDown), A::Journal(JournalScroll::PageDown)),
    ],
);

/// While a scenario is armed: shown first in the status line. The journal keys act on the
/// live pane (shown while the selected question's scenario is armed), like PgUp/PgDn and
/// Home/End on a scrolling pane in gitui or lazygit: ↑↓ stay with the questions.
pub const ARMED: &[KeyHelp] =
    &[FINISH, DISARM, FOLLOW, SCROLL_JOURNAL, k("a", "arm next API check", &[(ch('a'), A::ArmNext)])];

/// While an armed scenario's fault has not begun: nothing to finish yet (status line only; the
/// keys dispatch through [`ARMED`]).
pub const PENDING: &[KeyHelp] = &[DISARM, k("a", "arm next API check", &[(ch('a'), A::ArmNext)])];

/// While `trace.echo` is armed: a person judges it.
pub const ARMED_TRACE: &[KeyHelp] = &[
    k(
        "y N",
        "trace id found/not",
        &[(ch('y'), A::MarkTrace { found: true }), (ch('N'), A::MarkTrace { found: false })],
    ),
    DISARM,
    FOLLOW,
    SCROLL_JOURNAL,
];

/// Zoomed: scrolling first; the browsing keys (run, arm, finish, help, quit) still work.
const ZOOM: &[KeyHelp] = &[
    k("z Esc", "unzoom (z zooms)", &[(ch('z'), A::Unzoom), (code(C::Esc), A::Unzoom)]),
    k(
        "↑↓ jk",
        "scroll",
        &[
            (code(C::Up), A::ZoomScroll { down: false }),
            (code(C::Down), A::ZoomScroll { down: true }),
            (ch('j'), A::ZoomScroll { down: true }),
            (ch('k'), A::ZoomScroll { down: false }),
        ],
    ),
    k(
        "Tab ⇧Tab",
        "evidence/question",
        &[(code(C::Tab), A::ZoomOtherPane), (code(C::BackTab), A::ZoomOtherPane)],
    ),
    k(
        "PgUp PgDn",
        "page (live: journal)",
        &[(code(C::PageUp), A::ZoomPage { down: false }), (code(C::PageDown), A::ZoomPage { down: true })],
    ),
    k(
        "Home End",
        "ends (live: journal)",
        &[(code(C::Home), A::ZoomEdge { end: false }), (code(C::End), A::ZoomEdge { end: true })],
    ),
    HELP_KEY,
    QUIT,
];

/// The summary screen: scrolling; help and quit still work.
const SUMMARY: &[KeyHelp] = &[
    k("g Esc", "back", &[(ch('g'), A::CloseSummary), (code(C::Esc), A::CloseSummary)]),
    k(
        "↑↓ jk",
        "scroll",
        &[
            (code(C::Up), A::SummaryScroll { down: false }),
            (code(C::Down), A::SummaryScroll { down: true }),
            (ch('j'), A::SummaryScroll { down: true }),
            (ch('k'), A::SummaryScroll { down: false }),
        ],
    ),
    k(
        "PgUp PgDn",
        "page",
        &[
            (code(C::PageUp), A::SummaryPage { down: false }),
            (code(C::PageDown), A::SummaryPage { down: true }),
        ],
    ),
    k(
        "Home End",
        "top / end",
        &[(code(C::Home), A::SummaryEdge { end: false }), (code(C::End), A::SummaryEdge { end: true })],
    ),
    HELP_KEY,
    QUIT,
];

const SEARCH: &[KeyHelp] = &[
    k("Enter", "keep (] [ step)", &[(code(C::Enter), A::SearchKeep)]),
    k(
        "↑↓ Tab ⇧Tab",
        "match",
        &[
            (code(C::Up), A::SearchMove { down: false }),
            (code(C::Down), A::SearchMove { down: true }),
            (code(C::Tab), A::SearchMove { down: true }),
            (code(C::BackTab), A::SearchMove { down: false }),
        ],
    ),
    k("Esc", "clear", &[(code(C::Esc), A::SearchClear)]),
    CTRL_C,
];

const CREDENTIALS: &[KeyHelp] = &[
    k("v", "reveal secret (30 s)", &[(ch(super::app::REVEAL_KEY), A::Reveal)]),
    k(
        "Esc c q Enter",
        "close",
        &[
            (code(C::Esc), A::CloseCredentials),
            (ch('c'), A::CloseCredentials),
            (ch('q'), A::CloseCredentials),
            (code(C::Enter), A::CloseCredentials),
        ],
    ),
    CTRL_C,
];

const EDIT: &[KeyHelp] = &[
    k("Esc", "done (keeps text)", &[(code(C::Esc), A::EditDone)]),
    k("Enter", "new line", &[(code(C::Enter), A::Type)]),
    k("Ctrl-U Ctrl-R", "undo/redo", &[(ctrl('u'), A::Type), (ctrl('r'), A::Type)]),
    CTRL_C,
];

const SETTINGS: &[KeyHelp] = &[
    k(
        "↑↓ jk Tab ⇧Tab",
        "field",
        &[
            (code(C::Up), A::PrevField),
            (code(C::Down), A::NextField),
            (ch('j'), A::NextField),
            (ch('k'), A::PrevField),
            (code(C::Tab), A::NextField),
            (code(C::BackTab), A::PrevField),
        ],
    ),
    k("Enter", "edit / cycle", &[(code(C::Enter), A::EditField)]),
    k(
        "Esc , S",
        "close",
        &[(code(C::Esc), A::CloseSettings), (ch(','), A::CloseSettings), (ch('S'), A::CloseSettings)],
    ),
    HELP_KEY,
    QUIT,
];

const EDIT_SETTING: &[KeyHelp] =
    &[k("Enter Esc", "done", &[(code(C::Enter), A::EditDone), (code(C::Esc), A::EditDone)]), CTRL_C];

const HELP: &[KeyHelp] = &[
    k(
        "Esc ? q",
        "close help",
        &[(code(C::Esc), A::CloseHelp), (ch('?'), A::CloseHelp), (ch('q'), A::CloseHelp)],
    ),
    k(
        "← →",
        "page",
        &[(code(C::Left), A::HelpPage { forward: false }), (code(C::Right), A::HelpPage { forward: true })],
    ),
    CTRL_C,
];

const CONFIRM_SECRET: &[KeyHelp] = &[
    k(
        "y Y",
        "send the secret (this session)",
        &[(ch('y'), A::Consent { send: true }), (ch('Y'), A::Consent { send: true })],
    ),
    k(
        "n N Esc",
        "do not send",
        &[
            (ch('n'), A::Consent { send: false }),
            (ch('N'), A::Consent { send: false }),
            (code(C::Esc), A::Consent { send: false }),
        ],
    ),
    CTRL_C,
];

/// Whether a key is worth a place in the status line now: the API keys only with an API, on
/// a question they act on, the demo switch only in the demo. (The help popup lists them all.)
pub fn relevant(app: &super::app::App, k: &KeyHelp) -> bool {
    match k.does() {
        Some(A::Credentials) => app.api.is_some(),
        Some(A::ArmNext) => !app.api_checks().is_empty(),
        Some(A::MarkTrace { .. }) => app
            .current_question()
            .is_some_and(|q| q.checks.iter().any(|c| crate::checks::is_person_judged(c))),
        Some(A::ToggleDemo) => app.demo_flawed.is_some(),
        Some(A::Journal(JournalScroll::PageUp)) => app.armed_here().is_some(),
        // Only while scrolled back: following is the default.
        Some(A::Journal(JournalScroll::Follow)) => app.armed_here().is_some_and(|a| !a.journal.following()),
        // Nothing to clear most of the time: the popup lists it.
        Some(A::Dismiss) => false,
        // The small popups keep their line for their own keys; Browsing's help row says
        // Ctrl-C quits (it does, everywhere).
        Some(A::Quit) if *k == CTRL_C => {
            !matches!(app.mode, Mode::Credentials(_) | Mode::ConfirmSecret | Mode::Help)
        }
        _ => true,
    }
}

/// The keys that work in `mode`, as shown.
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
        Mode::Summary(_) => SUMMARY,
    }
}

/// The tables dispatch reads in `mode`, first match wins: zoomed, the browsing keys work too;
/// browsing, the armed-scenario keys work (and explain themselves when nothing is armed).
pub fn tables(mode: Mode) -> &'static [&'static [KeyHelp]] {
    match mode {
        Mode::Browse => &[BROWSE, ARMED],
        Mode::Zoom(_) => &[ZOOM, BROWSE, ARMED],
        Mode::EditAnswer | Mode::EditNote => &[EDIT],
        Mode::Settings => &[SETTINGS],
        Mode::EditSetting => &[EDIT_SETTING],
        Mode::Help => &[HELP],
        Mode::Credentials(_) => &[CREDENTIALS],
        Mode::ConfirmSecret => &[CONFIRM_SECRET],
        Mode::Search => &[SEARCH],
        Mode::Summary(_) => &[SUMMARY],
    }
}

/// What any key not in the tables does in `mode`: text modes type it, the credentials popup
/// masks the secret again, elsewhere nothing.
pub fn fallback(mode: Mode) -> Option<Action> {
    match mode {
        Mode::EditAnswer | Mode::EditNote | Mode::EditSetting | Mode::Search => Some(A::Type),
        Mode::Credentials(_) => Some(A::Mask),
        Mode::Browse
        | Mode::Settings
        | Mode::Help
        | Mode::ConfirmSecret
        | Mode::Zoom(_)
        | Mode::Summary(_) => None,
    }
}

/// The action a key press has in `mode`: the first table row binding it, else the fallback.
pub fn action(mode: Mode, key: &KeyEvent) -> Option<Action> {
    tables(mode)
        .iter()
        .flat_map(|t| t.iter())
        .flat_map(|row| row.on.iter())
        .find(|(k, _)| k.matches(key))
        .map(|(_, a)| *a)
        .or_else(|| fallback(mode))
}

/// Every mode with a title, for the help popup.
pub const ALL_MODES: [(Mode, &str); 5] = [
    (Mode::Browse, "Browsing"),
    (Mode::EditAnswer, "Editing an answer or note"),
    (Mode::Settings, "Settings"),
    (Mode::EditSetting, "Editing a setting"),
    (Mode::Zoom(super::zoom::Zoom { pane: super::zoom::ZoomPane::Evidence, scroll: 0 }), "Zoomed"),
];

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;

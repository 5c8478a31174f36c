//! The review TUI as The Elm Architecture: one [`App`] state, one [`Msg`] enum, a pure
//! [`update`] that turns a message into state changes plus [`Effect`]s (no I/O), views that
//! draw from `&App` only, and a [`Runner`] that executes effects and draws once per drained
//! batch of messages. The runner is generic over the ratatui backend, so tests drive the
//! whole loop with `TestBackend` and synthetic keys; `crate::tui` wires it to a real terminal.

mod action;
pub(crate) mod agenda;
mod app;
mod consent;
mod faults;
mod fields;
mod keys;
mod launch;
mod layout;
mod lifecycle;
mod live_journal;
mod mouse;
mod msg;
mod pane_scroll;
mod runner;
mod search;
mod summary;
mod update;
mod verification;
pub mod view;
mod zoom;

pub use action::{Action, JournalScroll};
pub use agenda::{Agenda, MAX_TICK_GAP, SAVE_EVERY};
pub use app::{ApiInfo, App, Armed, Mode, Notice, REVEAL_FOR, REVEAL_KEY, Reveal, RunningCheck, masked};
pub use consent::{PendingSecret, SecretConsent};
pub use faults::{FaultDelay, Faults, PendingFault};
pub use fields::Field;
pub use keys::{Key, KeyHelp, help_for};
pub use launch::{ApiControl, ArmedScenario, CheckLauncher, DemoControl};
pub use layout::{FrameLayout, ListRow, ListTarget, Panes, Screen};
pub use lifecycle::{Changes, QuitState, SaveState};
pub use live_journal::{JOURNAL_PAGE, LIVE_JOURNAL_LINES, LiveJournal, LiveLine};
pub use mouse::{MouseInput, MouseKind, WHEEL_ROWS};
pub use msg::{Effect, Msg};
pub use pane_scroll::PaneScroll;
pub use runner::{CheckSink, RunError, Runner};
pub use search::{Search, matches as search_matches};
pub use update::{DEBOUNCE, MAX_UNSAVED, update};
pub use verification::Verification;
pub use zoom::{Zoom, ZoomPane};

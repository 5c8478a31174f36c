//! The terminal UI: rendered screens (insta snapshots in `tests/tui/snapshots/`, named
//! `tui__<module>__<test>.snap`), the runner and its live checks on a test backend, and the
//! real binary in tmux. Shared helpers are in `tests/support/mod.rs`.

#[path = "../support/mod.rs"]
mod support;

mod agenda;
mod api;
mod fallback;
mod faults;
mod live_checks;
mod mouse;
mod panic;
mod runner;
mod screens;
mod themes;
mod tmux;
mod verification;
mod zoom;

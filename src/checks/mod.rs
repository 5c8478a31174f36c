//! Live evidence checks: the catalogue of check ids, the shape every check's result takes,
//! and the two families of checks — `webhook` (we call the partner's listener) and `api`
//! (the partner's client calls our evidence API).
//!
//! Domain code only: nothing here (or below) imports ratatui, so the same checks run headless
//! (`certcockpit check …`) and in the TUI.

pub mod api;
mod catalogue;
mod progress;
mod result;
mod secret;
pub mod webhook;

pub use catalogue::{CATALOGUE, CheckFamily, CheckInfo, check_info, is_known_check};
pub use progress::{CheckEvent, NoProgress, ProgressSink};
pub use result::{CheckResult, Figure, Figures, Verdict};
pub use secret::{Secret, SecretError};

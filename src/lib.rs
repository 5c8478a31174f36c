//! certcockpit: a terminal cockpit for API integration certification reviews.
//!
//! - [`questionnaire`]: the questions, one TOML file per provider, embedded in the binary.
//! - [`dossier`]: the review's TOML file — answers, statuses, notes, evidence — saved atomically.
//! - [`checks`]: the live evidence checks and their pure judges.
//! - [`report`]: the Markdown and HTML report with its remediation list.
//! - [`ui`] and [`tui`]: the terminal interface (The Elm Architecture).
//! - [`cli`]: the command line.
//! - [`files`]: reading files someone else named, writing without following planted links.
//! - [`text`]: partner text made safe to show (terminal, report, Markdown).
//!
//! Domain and check code never imports ratatui; only `ui` and `tui` do.

pub mod checks;
pub mod ci;
pub mod cli;
pub mod demo;
pub mod dossier;
pub mod files;
pub mod package;
pub mod portfolio;
pub mod questionnaire;
pub mod report;
pub mod session;
pub mod signing;
pub mod span;
pub mod text;
pub mod tui;
pub mod ui;

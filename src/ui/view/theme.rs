//! Colours: every status has a colour *and* a symbol, so it reads over a washed-out screen
//! share and without colour at all.

use ratatui::style::{Color, Modifier, Style};

use crate::checks::Verdict;
use crate::dossier::ReviewStatus;

pub fn status_style(s: ReviewStatus) -> Style {
    let c = match s {
        ReviewStatus::Open => Color::Gray,
        ReviewStatus::Answered => Color::Cyan,
        ReviewStatus::Ok => Color::Green,
        ReviewStatus::NeedsWork => Color::Red,
        ReviewStatus::NotApplicable => Color::Magenta,
    };
    Style::new().fg(c)
}

pub fn verdict_style(v: Verdict) -> Style {
    let c = match v {
        Verdict::Pass => Color::Green,
        Verdict::Fail => Color::Red,
        Verdict::Inconclusive => Color::Yellow,
        Verdict::NotApplicable => Color::DarkGray,
    };
    Style::new().fg(c).add_modifier(Modifier::BOLD)
}

pub fn border() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn focused_border() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn title() -> Style {
    Style::new().fg(Color::White).add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn guidance() -> Style {
    Style::new().fg(Color::LightBlue).add_modifier(Modifier::ITALIC)
}

pub fn key() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn header() -> Style {
    Style::new().bg(Color::Blue).fg(Color::White)
}

/// Braille spinner frames, one per 100 ms of elapsed time.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

//! The summary screen (`g`): where the review stands, for the last minutes of the call —
//! readiness, counts per status, the time per section, the failed checks and the remediation
//! list worded as the report will word it (the view builds `report::Report`, so the two can
//! never disagree). Pure state changes; the view is `view::summary`.

use super::action::Action;
use super::app::{App, Mode};

/// Rows a page key moves.
const PAGE: i32 = 8;

/// Performs an action of the summary's key table (`keys.rs`) on the summary scrolled
/// `scroll` rows. Only the summary's keys, help and quit are bound here: browsing keys would
/// act on a question the summary hides.
pub fn act(app: &mut App, scroll: u16, action: Action) {
    let max = app.zoom_max_scroll;
    let by = |d: i32| u16::try_from((i32::from(scroll) + d).clamp(0, i32::from(max))).unwrap_or(0);
    app.mode = match action {
        Action::CloseSummary => Mode::Browse,
        Action::SummaryScroll { down } => Mode::Summary(by(if down { 1 } else { -1 })),
        Action::SummaryPage { down } => Mode::Summary(by(if down { PAGE } else { -PAGE })),
        Action::SummaryEdge { end } => Mode::Summary(if end { max } else { 0 }),
        Action::Help => {
            app.help_return = app.mode;
            Mode::Help
        }
        _ => app.mode,
    };
}

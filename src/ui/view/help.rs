//! The `?` popup: every key of every mode, from the same table as the status line and the
//! dispatch. The sections flow into two columns per page; when they do not fit the screen
//! (80×24 is the bar), they go on to further pages (`←`/`→`), a section too long for a column
//! continuing in the next one.

use ratatui::prelude::*;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{centered, theme};
use crate::ui::action::Action;
use crate::ui::app::{App, Mode};
use crate::ui::keys::{ALL_MODES, ARMED, KeyHelp, help_for};

pub struct HelpPopup<'a>(pub &'a App);

/// The popup's width; the key column, then the action.
const WIDTH: u16 = 78;
const KEY_COLUMN: usize = 16;
/// Each column's width inside the border.
const COLUMN: u16 = (WIDTH - 2) / 2;

fn row(k: &KeyHelp) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {:<w$}", k.keys, w = KEY_COLUMN - 1), theme::key()),
        Span::raw(k.action.to_owned()),
    ])
}

/// One titled group of keys.
struct Section {
    title: String,
    rows: Vec<Line<'static>>,
}

/// A mode's keys, less those the Browsing section already lists with the same action (help,
/// quit) and, in Browsing, `z` (the Zoomed section names it): each key once.
fn section(title: &str, mode: Mode) -> Section {
    let browse = help_for(Mode::Browse);
    let listed = |k: &KeyHelp| {
        if mode == Mode::Browse {
            k.does() == Some(Action::Zoom)
        } else {
            browse.iter().any(|b| b.keys == k.keys && b.action == k.action)
        }
    };
    Section { title: title.to_owned(), rows: help_for(mode).iter().filter(|k| !listed(k)).map(row).collect() }
}

/// Every section in reading order: Browsing, the armed keys it does not list, the other modes.
fn sections() -> Vec<Section> {
    let [(browse_mode, browse_title), rest @ ..] = ALL_MODES;
    let mut all = vec![section(browse_title, browse_mode)];
    let browse = help_for(browse_mode);
    all.push(Section {
        title: "While a scenario is armed".into(),
        rows: ARMED.iter().filter(|k| browse.iter().all(|b| b.keys != k.keys)).map(row).collect(),
    });
    all.extend(rest.iter().map(|(mode, title)| section(title, *mode)));
    all.push(Section { title: "Mouse (off with --no-mouse)".into(), rows: MOUSE.iter().map(row).collect() });
    all
}

/// What the mouse does (`ui/mouse.rs`); no key binds these rows.
const MOUSE: [KeyHelp; 5] = [
    KeyHelp { keys: "click list", action: "select it", on: &[] },
    KeyHelp { keys: "click answer", action: "edit it (note too)", on: &[] },
    KeyHelp { keys: "wheel", action: "scroll the pane under", on: &[] },
    KeyHelp { keys: "wheel on list", action: "next / previous", on: &[] },
    KeyHelp { keys: "click outside", action: "close help, settings", on: &[] },
];

/// The sections flowed into columns of `height` rows, a blank line between two: a section
/// that does not fit the room left starts the next column, one longer than a column
/// continues in the next.
fn columns(height: usize) -> Vec<Vec<Line<'static>>> {
    let height = height.max(2);
    let mut cols: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    for s in sections() {
        let mut rows = s.rows.as_slice();
        let mut title = s.title.clone();
        while !rows.is_empty() {
            let used = cols.last().map_or(0, Vec::len);
            // A section that fits a column is not split; a longer one needs its heading and a
            // row here, else the next column.
            let whole = 1 + rows.len();
            let fits_here = used + usize::from(used > 0) + whole <= height;
            if used > 0 && ((!fits_here && whole <= height) || used + 2 > height) {
                cols.push(Vec::new());
                continue;
            }
            let Some(col) = cols.last_mut() else { break };
            // The blank line before a section only when the whole of it still fits.
            if used > 0 && used + 2 + rows.len() <= height {
                col.push(Line::default());
            }
            col.push(Line::styled(title.clone(), theme::title().fg(Color::Cyan)));
            let take = (height - col.len()).min(rows.len());
            col.extend_from_slice(&rows[..take]);
            rows = &rows[take..];
            title = format!("{} (cont.)", s.title);
        }
    }
    cols
}

/// The pages of the popup at `height` rows inside its border: two columns each.
fn pages(height: usize) -> Vec<[Vec<Line<'static>>; 2]> {
    let mut cols = columns(height).into_iter();
    let mut pages = Vec::new();
    while let Some(left) = cols.next() {
        pages.push([left, cols.next().unwrap_or_default()]);
    }
    pages
}

/// The page shown in `body`: the popup's rectangle, the page's number and the page count,
/// and its two columns.
fn shown(app: &App, body: Rect) -> (Rect, usize, usize, [Vec<Line<'static>>; 2]) {
    let inner_rows = usize::from(body.height.saturating_sub(2));
    let all = pages(inner_rows);
    let count = all.len().max(1);
    let n = app.help_page % count;
    let [left, right] = all.into_iter().nth(n).unwrap_or_default();
    let rows = u16::try_from(left.len().max(right.len())).unwrap_or(u16::MAX);
    (centered(body, WIDTH, rows + 2), n, count, [left, right])
}

/// Where the popup goes in `body` (a click outside it closes it, as `Esc` does).
pub(crate) fn area(app: &App, body: Rect) -> Rect {
    shown(app, body).0
}

impl Widget for HelpPopup<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (popup, n, count, [left, right]) = shown(self.0, area);
        Clear.render(popup, buf);
        let title = if count > 1 { format!(" Keys {}/{count} ", n + 1) } else { " Keys ".to_owned() };
        let hint = if count > 1 { " ← → page · Esc closes " } else { " Esc closes " };
        let block = Block::bordered()
            .border_style(theme::focused_border())
            .title(Line::styled(title, theme::title()))
            .title(Line::styled(hint, theme::dim()).right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let [l, r] =
            Layout::horizontal([Constraint::Length(COLUMN), Constraint::Length(COLUMN)]).areas(inner);
        Paragraph::new(left).render(l, buf);
        Paragraph::new(right).render(r, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keys::tables;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    /// 80×24 less the header, the status line and the popup's border.
    const ROWS_AT_80X24: usize = 24 - 2 - 2;

    #[test]
    fn every_page_fits_80x24_and_together_they_show_every_key_of_the_popup_modes() {
        let pages = pages(ROWS_AT_80X24);
        let shown: Vec<String> = pages.iter().flat_map(|p| p.iter().flatten()).map(text).collect();
        for p in &pages {
            for col in p {
                assert!(col.len() <= ROWS_AT_80X24, "{} rows", col.len());
            }
            for line in p.iter().flatten() {
                assert!(text(line).chars().count() <= usize::from(COLUMN), "too wide: {}", text(line));
            }
        }
        // Each key bound in these modes is named by a row shown under the mode's heading or
        // Browsing's (the zoom's help and quit, the armed keys), or the Zoomed section (`z`).
        let labels: Vec<String> = shown.iter().map(|l| l.chars().take(KEY_COLUMN + 1).collect()).collect();
        for (mode, _) in ALL_MODES {
            for t in tables(mode) {
                for (key, _) in t.iter().flat_map(|k| k.on.iter()) {
                    let name = key.name();
                    assert!(labels.iter().any(|l| l.contains(&name)), "{mode:?}: {name} not in the help");
                }
            }
        }
    }

    #[test]
    fn a_tall_screen_shows_it_all_on_one_page() {
        assert_eq!(pages(40).len(), 1);
    }
}

//! The key table walked: every key it shows dispatches to the action its row names, every
//! key its rows bind is shown in the row's label, and a key no row binds does nothing.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::ui::app::Reveal;
use crate::ui::zoom::{Zoom, ZoomPane};

fn every_mode() -> Vec<Mode> {
    let zoom = |pane| Mode::Zoom(Zoom { pane, scroll: 0 });
    vec![
        Mode::Browse,
        Mode::EditAnswer,
        Mode::EditNote,
        Mode::Settings,
        Mode::EditSetting,
        Mode::Help,
        Mode::Credentials(Reveal::Masked),
        Mode::ConfirmSecret,
        zoom(ZoomPane::Evidence),
        zoom(ZoomPane::Question),
        Mode::Search,
    ]
}

#[test]
fn every_listed_key_dispatches_to_its_rows_action() {
    for mode in every_mode() {
        for t in tables(mode) {
            for row in t.iter() {
                assert!(!row.on.is_empty(), "{mode:?}: {:?} binds no key", row.keys);
                for (key, want) in row.on {
                    let got = action(mode, &key.event());
                    // The first table holding the key wins (the zoom's ↑↓ over browsing's).
                    let first = tables(mode)
                        .iter()
                        .flat_map(|t| t.iter())
                        .find(|r| r.on.iter().any(|(k, _)| k == key));
                    if first == Some(row) {
                        assert_eq!(got, Some(*want), "{mode:?}: {} in {:?}", key.name(), row.keys);
                    } else {
                        assert!(got.is_some(), "{mode:?}: {} shadowed but unhandled", key.name());
                    }
                }
            }
        }
    }
}

/// The label less the names of the keys its row binds is blank: nothing shown that is not
/// bound, nothing bound that is not shown.
#[test]
fn each_label_names_exactly_the_keys_its_row_binds() {
    for mode in every_mode() {
        for row in tables(mode).iter().flat_map(|t| t.iter()) {
            let mut names: Vec<String> = row.on.iter().map(|(k, _)| k.name()).collect();
            names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
            let mut rest = row.keys.to_owned();
            for n in &names {
                assert!(rest.contains(n.as_str()), "{mode:?}: {n} bound but not in {:?}", row.keys);
                rest = rest.replacen(n.as_str(), " ", 1);
            }
            assert!(
                rest.trim().is_empty(),
                "{mode:?}: {:?} shows {rest:?}, which it does not bind",
                row.keys
            );
        }
    }
}

/// Every key a user might press, with and without Ctrl.
fn keyboard() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
    codes.extend([
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::F(1),
    ]);
    let mut keys: Vec<KeyEvent> = codes.iter().map(|c| KeyEvent::new(*c, KeyModifiers::NONE)).collect();
    keys.extend(codes.iter().map(|c| KeyEvent::new(*c, KeyModifiers::CONTROL)));
    keys
}

#[test]
fn a_handled_key_is_a_listed_key_or_the_modes_stated_fallback() {
    for mode in every_mode() {
        for key in keyboard() {
            let Some(got) = action(mode, &key) else { continue };
            let listed = tables(mode)
                .iter()
                .flat_map(|t| t.iter())
                .flat_map(|r| r.on.iter())
                .any(|(k, a)| k.matches(&key) && *a == got);
            assert!(listed || fallback(mode) == Some(got), "{mode:?}: {key:?} → {got:?} is not in the table");
        }
    }
}

#[test]
fn ctrl_c_quits_from_every_mode_and_shift_does_not_matter() {
    for mode in every_mode() {
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(mode, &c), Some(Action::Quit), "{mode:?}");
    }
    let shifted = KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT);
    assert_eq!(action(Mode::Browse, &shifted), Some(Action::MarkTrace { found: false }));
    let alt = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT);
    assert_eq!(action(Mode::Browse, &alt), None, "Alt-q is not q");
}

#[test]
fn the_help_lists_every_table_dispatch_reads() {
    // Each dispatch table is a mode's own (the status line shows it) or browsing's armed keys
    // (the popup's "While a scenario is armed").
    for mode in every_mode() {
        for t in tables(mode) {
            let shown = *t == help_for(mode) || *t == help_for(Mode::Browse) || *t == ARMED;
            assert!(shown, "{mode:?}: a dispatch table the help does not show");
        }
    }
}

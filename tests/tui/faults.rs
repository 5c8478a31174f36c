//! The cockpit while an armed scenario's fault is pending (its unannounced delay not over): the
//! screen is shared with the partner, so it names the scenario and says it begins unannounced,
//! and nothing on it says when.

use certcockpit::ui::{Effect, Msg, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::screens::{api_info, app, key, render};

#[test]
fn pending_fault_80x24() {
    let mut a = app().with_api(api_info());
    while a.current_question().map(|q| q.id.as_str()) != Some("retries.mechanism") {
        key(&mut a, KeyCode::Char('j'));
    }
    let fx = update(&mut a, Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)));
    assert!(fx.iter().any(|e| matches!(e, Effect::FaultTimer { .. })), "{fx:?}");
    // Esc clears the notice, so the status line shows the pending state and its keys.
    key(&mut a, KeyCode::Esc);
    let t = render(&a, 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("ARMED retry.backoff — begins unannounced"), "{s}");
    assert!(s.contains("x disarm"), "{s}");
    let chars: Vec<char> = s.chars().collect();
    let clock = chars.windows(5).any(|w| w[2] == ':' && [0, 1, 3, 4].iter().all(|&i| w[i].is_ascii_digit()));
    assert!(!s.contains("since") && !clock, "nothing says when it begins:\n{s}");
    insta::assert_snapshot!(t.backend());
}

//! Zoom (`z`) at the sizes of a screen share: the filed and the live retry timeline as a full
//! chart with axes in seconds, the question with its whole guidance scrolled, and the secrets
//! sweep over every screen: the client secret appears only after the reveal key.

use certcockpit::checks::{CheckResult, Verdict};
use certcockpit::ui::{App, Mode, REVEAL_KEY, Zoom, ZoomPane};
use ratatui::crossterm::event::KeyCode;

use crate::screens::{SECRET, api_info, app, backoff_app, key, render};

/// `retry.backoff` filed for "retries.mechanism": requests + urllib3 Retry(total=5,
/// backoff_factor=0.5) against three bursts of five (503/500 alternating), the shape
/// the judge passes.
fn filed_backoff() -> App {
    let mut a = app().with_api(api_info());
    while a.current_question().map(|q| q.id.as_str()) != Some("retries.mechanism") {
        key(&mut a, KeyCode::Char('j'));
    }
    let at_ms = vec![3.1, 4.0, 505.2, 1506.9, 3508.0, 7510.3, 7515.0];
    let status = vec![503u16, 500, 503, 500, 503, 200, 200];
    let result = CheckResult::new(
        "retry.backoff",
        Verdict::Pass,
        "gaps grew 1 → 501 → 1002 → 2001 → 4002 ms across the burst (×2.0 a retry)",
    )
    .figure("gaps_ms", vec![0.9, 501.2, 1001.7, 2001.1, 4002.3])
    .figure("retries", 5usize)
    .figure("timeline_at_ms", at_ms)
    .figure("timeline_status", status)
    .figure("timeline_retry_after_ms", vec![0u64; 7]);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:31:00Z").expect("date").to_utc();
    a.dossier.file_evidence(result, at);
    key(&mut a, KeyCode::Char('z'));
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Evidence, scroll: 0 }));
    a
}

fn assert_chart(screen: &str) {
    for label in ["0.0 s", "7.9 s", "time since arming", "503", "500", "200", "ZOOM"] {
        assert!(screen.contains(label), "{label} on the zoomed screen:\n{screen}");
    }
    assert!(screen.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)), "braille marks:\n{screen}");
}

#[test]
fn zoomed_filed_backoff_chart_80x24() {
    let t = render(&filed_backoff(), 80, 24);
    let s = t.backend().to_string();
    assert_chart(&s);
    assert!(s.contains("✔ pass  retry.backoff"), "{s}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn zoomed_filed_backoff_chart_120x40() {
    let t = render(&filed_backoff(), 120, 40);
    let s = t.backend().to_string();
    assert_chart(&s);
    assert!(s.contains("gaps_ms") && s.contains("retries 5"), "every figure when zoomed:\n{s}");
    insta::assert_snapshot!(t.backend());
}

/// Armed and zoomed: the live chart above the journal, the armed keys still in the status line.
#[test]
fn zoomed_live_backoff_80x24() {
    let mut a = backoff_app();
    key(&mut a, KeyCode::Char('z'));
    let t = render(&a, 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("Retry timeline (live)") && s.contains("0.0 s"), "{s}");
    assert!(s.contains("ARMED retry.backoff"), "{s}");
    insta::assert_snapshot!(t.backend());
}

/// The question zoomed shows the guidance whole; scrolling reaches the note at the end.
#[test]
fn zoomed_question_scrolls_to_the_end_80x24() {
    let mut a = app();
    let q = a.current_question().expect("a question").id.clone();
    let long: String = (1..=30).map(|i| format!("Guidance line {i} of thirty.\n")).collect();
    a.questionnaire.sections[0].questions[0].guidance = long;
    a.dossier.answer_mut(&q).note = "The last line: the note.".into();
    key(&mut a, KeyCode::Char('z'));
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Question, scroll: 0 }));
    let s = render(&a, 80, 24).backend().to_string();
    assert!(s.contains("Guidance line 1 of") && !s.contains("The last line"), "{s}");
    // What the runner records after a draw, then End.
    a.zoom_max_scroll = certcockpit::ui::view::zoom_max_scroll(&a, ratatui::layout::Rect::new(0, 0, 80, 24));
    assert!(a.zoom_max_scroll > 10, "{}", a.zoom_max_scroll);
    key(&mut a, KeyCode::End);
    let t = render(&a, 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("Guidance line 30 of") && s.contains("The last line: the note."), "{s}");
    insta::assert_snapshot!(t.backend());
}

/// The sweep: with the evidence API up, no screen the reviewer can reach holds the client
/// secret — browsing, zoomed, help, settings, armed, the credentials popup masked — until the
/// reveal key is pressed, and the next key hides it again.
#[test]
fn no_screen_holds_the_client_secret_until_revealed() {
    let screens: Vec<(&str, App)> = vec![
        ("browse", app().with_api(api_info())),
        ("zoomed evidence", filed_backoff()),
        ("zoomed question", {
            let mut a = filed_backoff();
            key(&mut a, KeyCode::Tab);
            a
        }),
        ("help", {
            let mut a = app().with_api(api_info());
            key(&mut a, KeyCode::Char('?'));
            a
        }),
        ("settings", {
            let mut a = app().with_api(api_info());
            key(&mut a, KeyCode::Char(','));
            a
        }),
        ("armed", backoff_app()),
        ("armed zoomed", {
            let mut a = backoff_app();
            key(&mut a, KeyCode::Char('z'));
            a
        }),
    ];
    for (name, a) in &screens {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let s = render(a, w, h).backend().to_string();
            assert!(!s.contains(SECRET), "{name} at {w}×{h} shows the secret:\n{s}");
        }
    }
    let mut a = app().with_api(api_info());
    key(&mut a, KeyCode::Char('c'));
    let masked = render(&a, 80, 24).backend().to_string();
    assert!(!masked.contains(SECRET) && masked.contains(&certcockpit::ui::masked(SECRET)), "{masked}");
    key(&mut a, KeyCode::Char(REVEAL_KEY));
    assert!(render(&a, 80, 24).backend().to_string().contains(SECRET), "revealed by the key");
    key(&mut a, KeyCode::Down);
    assert!(!render(&a, 80, 24).backend().to_string().contains(SECRET), "masked by the next key");
}

/// `/` then "retry": the popup lists every question that mentions it, across sections.
#[test]
fn search_results_80x24() {
    let mut a = app();
    key(&mut a, KeyCode::Char('/'));
    for c in "retry".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let t = render(&a, 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("/retry") && s.contains("matches") && s.contains("SEARCH"), "{s}");
    assert!(s.contains("retries.mechanism"), "{s}");
    insta::assert_snapshot!(t.backend());
}

//! The agenda at the sizes of a screen share: the session clock in the header, the time spent
//! per section in the sections pane, and the summary screen (`g`) with readiness, counts per
//! status, failed checks and the remediation list as the report words it.

use std::time::Duration;

use certcockpit::checks::{CheckResult, Verdict};
use certcockpit::dossier::ReviewStatus;
use certcockpit::report::requirement;
use certcockpit::ui::{App, Effect, Mode, Msg, update};
use ratatui::crossterm::event::KeyCode;

use crate::screens::{app, key, render};

/// Twelve and a half minutes into the call, on the second section, with time recorded on the
/// first two in an earlier session (the first tick starts the count); one question needs work and `retry.backoff` failed.
fn reviewed() -> App {
    let mut a = app();
    a.dossier.agenda.seconds.insert("overview".into(), 240);
    a.dossier.agenda.seconds.insert("auth".into(), 95);
    let n = a.dossier.answer_mut("auth.token_refresh");
    n.status = ReviewStatus::NeedsWork;
    n.note = "Re-grant after a 401 must be added.".into();
    let failed = CheckResult::new("retry.backoff", Verdict::Fail, "constant 1000 ms between all 5 retries");
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:31:00Z").expect("date").to_utc();
    a.dossier.file_evidence(failed, at);
    key(&mut a, KeyCode::Char('l'));
    for _ in 0..7500 {
        let now = a.now + Duration::from_millis(100);
        if update(&mut a, Msg::Tick(now)).iter().any(|e| matches!(e, Effect::Save(_))) {
            update(&mut a, Msg::Saved(Ok(())));
        }
    }
    a
}

#[test]
fn clock_and_section_times_80x24() {
    let a = reviewed();
    let t = render(&a, 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("⏱ 12:30"), "the session clock:\n{s}");
    assert!(s.contains("4m 2/2"), "the first section's time:\n{s}");
    assert!(s.contains("14m 1/3"), "the second section's time, this session's added:\n{s}");
    insta::assert_snapshot!(t.backend());
}

fn summary() -> App {
    let mut a = reviewed();
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(a.mode, Mode::Summary(0));
    a
}

#[test]
fn summary_80x24() {
    let t = render(&summary(), 80, 24);
    let s = t.backend().to_string();
    assert!(s.contains("✘ not ready: 1 item needs work, 1 check failed"), "{s}");
    assert!(s.contains("✘ needs work 1"), "counts per status:\n{s}");
    assert!(s.contains(" SUMMARY "), "{s}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn summary_120x40() {
    let t = render(&summary(), 120, 40);
    let s = t.backend().to_string();
    for want in [
        "Time: this session 12:30 · all sessions 18:04",
        "✘ retry.backoff",
        "Re-grant after a 401 must be added.",
        "Remediation, as the report words it (2)",
    ] {
        assert!(s.contains(want), "{want:?}:\n{s}");
    }
    // The check's requirement, word for word as the report gives it (its start: it wraps).
    let req = requirement("retry.backoff");
    let start: String = req.chars().take(60).collect();
    assert!(s.contains(&start), "{start:?}:\n{s}");
    insta::assert_snapshot!(t.backend());
}

/// The summary scrolls to its end at 80×24 (the runner records how far it can) and `g` goes back.
#[test]
fn summary_scrolls_and_g_goes_back() {
    let mut a = summary();
    a.zoom_max_scroll = certcockpit::ui::view::zoom_max_scroll(&a, ratatui::layout::Rect::new(0, 0, 80, 24));
    assert!(a.zoom_max_scroll > 0);
    key(&mut a, KeyCode::End);
    let s = render(&a, 80, 24).backend().to_string();
    assert!(s.contains("Remediation, as the report words it"), "{s}");
    key(&mut a, KeyCode::Char('g'));
    assert_eq!(a.mode, Mode::Browse);
}

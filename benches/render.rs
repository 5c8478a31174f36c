//! Rendering one full frame of the main screen: the UNIwise questionnaire at 120×40 with a few
//! answers filled, evidence filed for the selected question and a second check running.
//! Target (BENCHMARKS.md): under 1 ms, well inside the 16.7 ms of a 60 Hz frame.
//!
//! Two figures, because ratatui double-buffers: `steady` is a `terminal.draw` after an
//! identical frame (the views run in full, the diff finds nothing to send), `full` clears the
//! terminal first so every one of the 4,800 cells is diffed and written to the backend — the
//! cost of the first frame or of a frame after a resize.

use std::hint::black_box;
use std::time::Duration;

use certcockpit::checks::{CheckEvent, CheckResult, Verdict};
use certcockpit::dossier::{Dossier, ReviewStatus};
use certcockpit::ui::{App, Msg, update};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// The same state as the `evidence_120x40` snapshot in `tests/tui/screens.rs`: the token
/// expiration question selected, one check's evidence filed, another running for 2.3 s.
fn app() -> App {
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let mut d = Dossier::new(&q);
    d.dossier.integration = "Acme Grades Sync".into();
    d.dossier.partner = "Acme Learning Ltd".into();
    d.dossier.date = "2026-11-20".into();
    let a = d.answer_mut("overview.use_case");
    a.answer = "Nightly sync of final grades from WISEflow into our student record system.".into();
    a.status = ReviewStatus::Ok;
    let a = d.answer_mut("overview.languages");
    a.answer = "Python 3.12 with requests + urllib3 Retry; authlib for OAuth.".into();
    a.status = ReviewStatus::Answered;
    let mut app = App::new(q, d, "acme.toml", false);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('j'));
    let ans = app.dossier.answer_mut("auth.token_refresh");
    ans.answer = "Yes: authlib refreshes 60 s before expiry.".into();
    ans.status = ReviewStatus::NeedsWork;
    ans.note = "Re-grant after a 401 is missing.".into();
    let result =
        CheckResult::new("auth.refresh", Verdict::Pass, "new token fetched 60 s before expiry; no 401 seen")
            .figure("tokens_issued", 3usize)
            .figure("refresh_before_expiry_s", 60.0)
            .figure("grant", "refresh_token")
            .figure("gaps_ms", vec![1.0, 410.0, 830.0, 1620.0]);
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:14:03Z").expect("date").to_utc();
    app.dossier.file_evidence(result, at);
    update(&mut app, Msg::Check { event: CheckEvent::Started { id: "auth.token_reuse".into() }, at });
    update(
        &mut app,
        Msg::Check {
            event: CheckEvent::Progress {
                id: "auth.token_reuse".into(),
                message: "14 calls, 1 token so far".into(),
            },
            at,
        },
    );
    app.now += Duration::from_millis(2300);
    app
}

fn bench(c: &mut Criterion) {
    let app = app();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| f.render_widget(&app, f.area())).expect("draw");
    // Guard against benchmarking an empty or wrong screen.
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("token expiration"), "not the evidence screen:\n{screen}");

    c.bench_function("render_main_120x40_evidence_steady", |b| {
        b.iter(|| {
            terminal.draw(|f| f.render_widget(black_box(&app), f.area())).expect("draw");
        })
    });
    c.bench_function("render_main_120x40_evidence_full", |b| {
        b.iter(|| {
            terminal.clear().expect("clear");
            terminal.draw(|f| f.render_widget(black_box(&app), f.area())).expect("draw");
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

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

/// The zoomed evidence of a filed `retry.backoff` run with the full 60 attempts a timeline
/// files (three bursts of five failures, doubling gaps, then paging at 200): the braille
/// chart at 200×60, the largest screen the cockpit is drawn on. Target: under 1 ms.
fn zoomed_app() -> App {
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let d = Dossier::new(&q);
    let mut app = App::new(q, d, "acme.toml", false);
    while app.current_question().map(|q| q.id.as_str()) != Some("retries.mechanism") {
        key(&mut app, KeyCode::Char('j'));
    }
    let mut at = Vec::new();
    let mut status = Vec::new();
    let mut t = 3.0;
    for burst in 0..3 {
        let mut gap = 100.0;
        for i in 0..5 {
            at.push(t);
            status.push(if i % 2 == 0 { 503u16 } else { 500 });
            t += gap;
            gap *= 2.0;
        }
        for _ in 0..15 {
            at.push(t);
            status.push(200u16);
            t += 20.0 + f64::from(burst);
        }
    }
    let n = at.len();
    let result = CheckResult::new("retry.backoff", Verdict::Pass, "gaps grew ×2.0 a retry in each burst")
        .figure("gaps_ms", vec![100.0, 200.0, 400.0, 800.0])
        .figure("timeline_at_ms", at)
        .figure("timeline_status", status)
        .figure("timeline_retry_after_ms", vec![0u64; n]);
    let when = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:31:00Z").expect("date").to_utc();
    app.dossier.file_evidence(result, when);
    key(&mut app, KeyCode::Char('z'));
    app
}

fn bench_zoomed(c: &mut Criterion) {
    let app = zoomed_app();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    terminal.draw(|f| f.render_widget(&app, f.area())).expect("draw");
    let screen = format!("{}", terminal.backend());
    assert!(
        screen.contains("time since arming") && screen.contains("ZOOM"),
        "not the zoomed chart:\n{screen}"
    );

    c.bench_function("render_zoomed_chart_200x60_steady", |b| {
        b.iter(|| {
            terminal.draw(|f| f.render_widget(black_box(&app), f.area())).expect("draw");
        })
    });
    c.bench_function("render_zoomed_chart_200x60_full", |b| {
        b.iter(|| {
            terminal.clear().expect("clear");
            terminal.draw(|f| f.render_widget(black_box(&app), f.area())).expect("draw");
        })
    });
}

/// What the runner does after each draw besides drawing (`Runner::draw`): the live journal's
/// rows, the zoom's scroll limit and the layout the mouse hits (`view::frame_layout`, which
/// places the section list, the question and the evidence again), on the main screen's state.
fn bench_after_draw(c: &mut Criterion) {
    use certcockpit::ui::view;
    let app = app();
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    let layout = view::frame_layout(&app, area);
    assert!(matches!(&layout.screen, certcockpit::ui::Screen::Panes(p) if !p.rows.is_empty()), "{layout:?}");
    c.bench_function("after_draw_main_120x40_layout_for_the_mouse", |b| {
        b.iter(|| {
            let app = black_box(&app);
            black_box((
                view::live_journal_rows(app, area),
                view::zoom_max_scroll(app, area),
                view::frame_layout(app, area),
            ))
        })
    });
}

criterion_group!(benches, bench, bench_zoomed, bench_after_draw);
criterion_main!(benches);

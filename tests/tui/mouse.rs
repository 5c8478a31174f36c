//! The mouse on the real runner and a `TestBackend`: the layout the runner records after each
//! draw is the one drawn — the row a question is drawn on is the row whose click selects it —
//! at 80×24 and 120×40; and the help lists what the mouse does.

use std::time::Duration;

use certcockpit::dossier::DossierStore;
use certcockpit::ui::{App, ListTarget, MouseInput, MouseKind, Msg, Runner, Screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

use crate::screens::{app, key, render};

const LIMIT: Duration = Duration::from_secs(20);

fn runner(dir: &std::path::Path, w: u16, h: u16, app: &App) -> Runner<TestBackend> {
    let (store, _, _) = DossierStore::open(&dir.join("d.toml"), &app.questionnaire).expect("open");
    Runner::new(Terminal::new(TestBackend::new(w, h)).expect("terminal"), store)
}

async fn until(runner: &mut Runner<TestBackend>, app: &mut App, what: impl Fn(&App) -> bool) {
    let quit = tokio::time::timeout(LIMIT, runner.run_until(app, what))
        .await
        .expect("the UI reached the expected state in time")
        .expect("runner");
    assert!(!quit, "quit early");
}

/// Row `y` of the screen as drawn.
fn drawn_row(runner: &Runner<TestBackend>, y: u16) -> String {
    let buf = runner.terminal().backend().buffer();
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

/// The list rows the runner recorded for the last frame, with the sections pane's left column.
fn recorded(app: &App) -> (u16, Vec<(u16, ListTarget)>) {
    match &app.layout.screen {
        Screen::Panes(p) => (p.sections.x, p.rows.iter().map(|r| (r.y, r.target)).collect()),
        other => panic!("not the browsing screen: {other:?}"),
    }
}

/// Every recorded row names what it selects on the screen: `s.q` for a question, the title
/// (as far as it fits) for a section.
fn rows_match_the_screen(runner: &Runner<TestBackend>, app: &App, size: &str) {
    let (_, rows) = recorded(app);
    assert!(!rows.is_empty(), "{size}: no list rows recorded");
    for (y, target) in rows {
        let line = drawn_row(runner, y);
        let want = match target {
            ListTarget::Question(s, q) => format!("{}.{} ", s + 1, q + 1),
            ListTarget::Section(s) => app.questionnaire.sections[s].title.chars().take(12).collect(),
        };
        assert!(line.contains(&want), "{size}: row {y} should show {want:?} ({target:?}):\n{line}");
    }
}

async fn click(runner: &mut Runner<TestBackend>, app: &mut App, x: u16, y: u16, want: (usize, usize)) {
    runner.sender().send(Msg::Mouse(MouseInput::new(MouseKind::Click, x, y))).expect("send");
    until(runner, app, |a| (a.section, a.question) == want).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_row_a_question_is_drawn_on_is_the_row_that_selects_it() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let size = format!("{w}×{h}");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut a = app();
        let mut r = runner(dir.path(), w, h, &a);
        until(&mut r, &mut a, |_| true).await;
        for s in 0..a.questionnaire.sections.len() {
            // The section's heading opens it; its questions unfold where the layout says.
            let (x, rows) = recorded(&a);
            let (y, _) =
                *rows.iter().find(|(_, t)| *t == ListTarget::Section(s)).expect("every heading drawn");
            click(&mut r, &mut a, x + 3, y, (s, 0)).await;
            rows_match_the_screen(&r, &a, &size);
            let (x, rows) = recorded(&a);
            for (y, target) in rows {
                let ListTarget::Question(qs, q) = target else { continue };
                click(&mut r, &mut a, x + 5, y, (qs, q)).await;
                let title = format!("Question {}.{} ", qs + 1, q + 1);
                let screen = r.terminal().backend().to_string();
                assert!(
                    screen.contains(&title),
                    "{size}: clicked row {y}, the pane shows {title}:\n{screen}"
                );
                rows_match_the_screen(&r, &a, &size);
            }
        }
    }
}

/// The wheel over the list on the real runner: one question a notch, across sections, and
/// the question pane follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wheel_over_the_list_moves_the_selection_on_the_drawn_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = app();
    let mut r = runner(dir.path(), 80, 24, &a);
    until(&mut r, &mut a, |_| true).await;
    let (x, rows) = recorded(&a);
    let (y, _) = rows[0];
    for _ in 0..3 {
        r.sender().send(Msg::Mouse(MouseInput::new(MouseKind::ScrollDown, x + 2, y))).expect("send");
    }
    until(&mut r, &mut a, |a| (a.section, a.question) == (1, 1)).await;
    let screen = r.terminal().backend().to_string();
    assert!(screen.contains("Question 2.2 "), "{screen}");
}

#[test]
fn help_names_the_mouse_80x24() {
    let mut a = app();
    key(&mut a, KeyCode::Char('?'));
    key(&mut a, KeyCode::Right);
    let t = render(&a, 80, 24);
    let screen = t.backend().to_string();
    assert!(screen.contains("--no-mouse") && screen.contains("click list"), "{screen}");
    insta::assert_snapshot!(t.backend());
}

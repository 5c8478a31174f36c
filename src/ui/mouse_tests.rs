//! Unit tests of `update` with `Msg::Mouse`, on the layout the view computes for a frame of a
//! given size (as the runner records it after each draw).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::*;
use crate::dossier::Dossier;
use crate::ui::layout::ListRow;
use crate::ui::msg::Msg;
use crate::ui::update::update;
use crate::ui::view;

fn app() -> App {
    let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let d = Dossier::new(&q);
    App::new(q, d, "d.toml", false).with_fault_delay(crate::ui::FaultDelay::IMMEDIATE)
}

/// What the runner records after drawing a `w`×`h` frame.
fn drawn(app: &mut App, w: u16, h: u16) {
    let area = Rect::new(0, 0, w, h);
    app.live_rows = view::live_journal_rows(app, area);
    app.zoom_max_scroll = view::zoom_max_scroll(app, area);
    app.layout = view::frame_layout(app, area);
}

fn panes(app: &App) -> Panes {
    match &app.layout.screen {
        Screen::Panes(p) => p.clone(),
        other => panic!("not the browsing screen: {other:?}"),
    }
}

fn mouse(app: &mut App, kind: MouseKind, column: u16, row: u16) {
    update(app, Msg::Mouse(MouseInput::new(kind, column, row)));
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// The list row drawn for `target`.
fn row_of(app: &App, target: ListTarget) -> ListRow {
    *panes(app).rows.iter().find(|r| r.target == target).unwrap_or_else(|| panic!("{target:?} not drawn"))
}

fn click_list(app: &mut App, target: ListTarget) {
    let p = panes(app);
    let r = row_of(app, target);
    mouse(app, MouseKind::Click, p.sections.x + 3, r.y);
}

fn inside(r: Rect) -> (u16, u16) {
    (r.x + r.width / 2, r.y + r.height / 2)
}

#[test]
fn only_clicks_and_wheel_turns_become_messages() {
    let e = |kind| MouseEvent { kind, column: 7, row: 3, modifiers: KeyModifiers::NONE };
    assert_eq!(
        MouseInput::from_crossterm(&e(MouseEventKind::Down(MouseButton::Left))),
        Some(MouseInput::new(MouseKind::Click, 7, 3))
    );
    assert_eq!(
        MouseInput::from_crossterm(&e(MouseEventKind::ScrollDown)).map(|m| m.kind),
        Some(MouseKind::ScrollDown)
    );
    assert_eq!(
        MouseInput::from_crossterm(&e(MouseEventKind::ScrollUp)).map(|m| m.kind),
        Some(MouseKind::ScrollUp)
    );
    for kind in [
        MouseEventKind::Moved,
        MouseEventKind::Up(MouseButton::Left),
        MouseEventKind::Drag(MouseButton::Left),
        MouseEventKind::Down(MouseButton::Right),
    ] {
        assert_eq!(MouseInput::from_crossterm(&e(kind)), None, "{kind:?}");
    }
}

#[test]
fn before_the_first_draw_a_click_hits_nothing() {
    let mut a = app();
    mouse(&mut a, MouseKind::Click, 3, 4);
    mouse(&mut a, MouseKind::ScrollDown, 3, 4);
    assert_eq!((a.section, a.question, a.mode), (0, 0, Mode::Browse));
}

#[test]
fn a_click_selects_a_section_or_a_question_at_both_sizes() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app();
        drawn(&mut a, w, h);
        click_list(&mut a, ListTarget::Question(0, 1));
        assert_eq!((a.section, a.question), (0, 1), "{w}×{h}");
        drawn(&mut a, w, h);
        click_list(&mut a, ListTarget::Section(3));
        assert_eq!((a.section, a.question), (3, 0), "{w}×{h}: a section opens on its first question");
        drawn(&mut a, w, h);
        click_list(&mut a, ListTarget::Question(3, 2));
        assert_eq!((a.section, a.question), (3, 2), "{w}×{h}");
        // The heading of the open section again: the question stays.
        drawn(&mut a, w, h);
        click_list(&mut a, ListTarget::Section(3));
        assert_eq!((a.section, a.question), (3, 2), "{w}×{h}");
        // The border, the header and the status line select nothing.
        let p = panes(&a);
        mouse(&mut a, MouseKind::Click, p.sections.x, p.sections.y);
        mouse(&mut a, MouseKind::Click, 1, 0);
        mouse(&mut a, MouseKind::Click, 1, h - 1);
        assert_eq!((a.section, a.question, a.mode), (3, 2, Mode::Browse), "{w}×{h}");
    }
}

#[test]
fn a_click_on_the_answer_or_note_box_edits_it() {
    let mut a = app();
    drawn(&mut a, 100, 30);
    let (x, y) = inside(panes(&a).answer);
    mouse(&mut a, MouseKind::Click, x, y);
    assert_eq!(a.mode, Mode::EditAnswer);
    drawn(&mut a, 100, 30);
    let (x, y) = inside(panes(&a).note);
    mouse(&mut a, MouseKind::Click, x, y);
    assert_eq!(a.mode, Mode::EditNote, "from the answer straight to the note");
}

#[test]
fn clicking_while_editing_never_loses_the_text() {
    let mut a = app();
    drawn(&mut a, 80, 24);
    press(&mut a, KeyCode::Enter);
    for c in "typed before the click".chars() {
        press(&mut a, KeyCode::Char(c));
    }
    drawn(&mut a, 80, 24);
    // Inside the editor: still editing, the text as typed.
    let (x, y) = inside(panes(&a).answer);
    mouse(&mut a, MouseKind::Click, x, y);
    assert_eq!(a.mode, Mode::EditAnswer);
    assert_eq!(a.editor.lines().join("\n"), "typed before the click");
    // The wheel over the list does not move the selection under the editor.
    let p = panes(&a);
    let y = row_of(&a, ListTarget::Question(0, 0)).y;
    mouse(&mut a, MouseKind::ScrollDown, p.sections.x + 2, y);
    assert_eq!((a.section, a.question, a.mode), (0, 0, Mode::EditAnswer));
    // Another question: the edit ends with the text in the dossier, the click selects.
    click_list(&mut a, ListTarget::Question(0, 1));
    assert_eq!((a.section, a.question, a.mode), (0, 1, Mode::Browse));
    assert_eq!(
        a.dossier.answer("overview.use_case").map(|x| x.answer.as_str()),
        Some("typed before the click")
    );
    assert!(a.save.unsaved(), "the autosave has it");
    // Typing now goes nowhere near the first question.
    press(&mut a, KeyCode::Char('x'));
    assert_eq!(
        a.dossier.answer("overview.use_case").map(|x| x.answer.as_str()),
        Some("typed before the click")
    );
}

#[test]
fn the_wheel_over_the_list_moves_the_selection() {
    let mut a = app();
    drawn(&mut a, 80, 24);
    let p = panes(&a);
    let y = row_of(&a, ListTarget::Question(0, 0)).y;
    mouse(&mut a, MouseKind::ScrollDown, p.sections.x + 2, y);
    mouse(&mut a, MouseKind::ScrollDown, p.sections.x + 2, y);
    assert_eq!((a.section, a.question), (1, 0), "one question a notch, into the next section");
    mouse(&mut a, MouseKind::ScrollUp, p.sections.x + 2, y);
    assert_eq!((a.section, a.question), (0, 1));
}

/// Selects, by keys, the first question whose drawn `what` can scroll at `w`×`h`.
fn first_scrollable(a: &mut App, w: u16, h: u16, what: impl Fn(&Panes) -> u16) -> u16 {
    loop {
        drawn(a, w, h);
        let max = what(&panes(a));
        if max > 0 {
            return max;
        }
        let before = (a.section, a.question);
        press(a, KeyCode::Down);
        assert_ne!((a.section, a.question), before, "no question has that much to scroll at {w}×{h}");
    }
}

#[test]
fn the_wheel_scrolls_the_guidance_and_the_evidence_within_their_bounds() {
    let mut a = app();
    let max = first_scrollable(&mut a, 80, 24, |p| p.guidance_max);
    let at = (a.section, a.question);
    let (x, y) = inside(panes(&a).question);
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    assert_eq!(a.pane_scroll.guidance(at), WHEEL_ROWS.min(max));
    for _ in 0..20 {
        mouse(&mut a, MouseKind::ScrollDown, x, y);
    }
    assert_eq!(a.pane_scroll.guidance(at), max, "stops at the last row");
    mouse(&mut a, MouseKind::ScrollUp, x, y);
    assert_eq!(a.pane_scroll.guidance(at), max.saturating_sub(WHEEL_ROWS));

    let mut a = app();
    // Filed evidence for every check of a question with several: more than 80×24 shows.
    while a.current_question().is_none_or(|q| q.checks.len() < 3) {
        press(&mut a, KeyCode::Down);
    }
    let checks = a.current_question().map(|q| q.checks.clone()).unwrap_or_default();
    for c in checks {
        let r = crate::checks::CheckResult::new(
            c,
            crate::checks::Verdict::Fail,
            "a summary long enough to wrap onto a second row of the evidence pane at 80 columns",
        )
        .figure("attempts", 4);
        update(&mut a, Msg::Check { event: crate::checks::CheckEvent::Finished(r), at: chrono::Utc::now() });
    }
    let max = first_scrollable(&mut a, 80, 24, |p| p.evidence_max);
    let at = (a.section, a.question);
    let (x, y) = inside(panes(&a).evidence);
    for _ in 0..20 {
        mouse(&mut a, MouseKind::ScrollDown, x, y);
    }
    assert_eq!(a.pane_scroll.evidence(at), max);
    assert_eq!(a.pane_scroll.guidance(at), 0, "only the pane under the wheel");
    // Another question shows from the top.
    press(&mut a, KeyCode::Down);
    assert_eq!(a.pane_scroll.evidence((a.section, a.question)), 0);
}

fn armed_msgs(a: &mut App, n: u64) {
    update(
        a,
        Msg::Armed {
            check: "retry.backoff".parse().expect("a known check"),
            describe: "retry.backoff: failures".into(),
            origin_us: 1_000,
            at: chrono::DateTime::from_timestamp(1_764_640_000, 0).unwrap_or_default(),
        },
    );
    for seq in 0..n {
        let entry = crate::checks::api::JournalEntry {
            seq,
            at_us: 2_000 + seq * 100,
            done_us: 2_500 + seq * 100,
            method: "GET".into(),
            path: "/items".into(),
            status: 503,
            token: Some("tok-1".into()),
            client_name: None,
            trace_id: format!("trace{seq:04}"),
            retry_after_ms: None,
            retry_after_form: None,
            kind: crate::checks::api::RequestKind::Items { page: 1, last_page: 3 },
        };
        update(
            a,
            Msg::Journal { check: Some("retry.backoff".parse().expect("known")), entry: Box::new(entry) },
        );
    }
}

#[test]
fn the_wheel_over_the_live_pane_scrolls_its_journal() {
    let mut a = app();
    // The question linked to retry.backoff shows the live pane once armed.
    while !a.current_question().is_some_and(|q| q.checks.iter().any(|c| c == "retry.backoff")) {
        press(&mut a, KeyCode::Down);
    }
    armed_msgs(&mut a, 40);
    drawn(&mut a, 120, 40);
    assert!(a.live_rows > 0, "the live pane is drawn");
    let (x, y) = inside(panes(&a).evidence);
    mouse(&mut a, MouseKind::ScrollUp, x, y);
    let journal = &a.armed.as_ref().expect("armed").journal;
    assert_eq!(journal.newer(), usize::from(WHEEL_ROWS), "paused, three lines back");
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    assert!(a.armed.as_ref().expect("armed").journal.following(), "back to following");
}

#[test]
fn the_wheel_scrolls_the_zoomed_pane_and_the_summary() {
    use crate::ui::{Zoom, ZoomPane};
    let mut a = app();
    press(&mut a, KeyCode::Char('z'));
    drawn(&mut a, 80, 24);
    a.zoom_max_scroll = 4;
    let (x, y) = inside(a.layout.body);
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Question, scroll: 3 }));
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Question, scroll: 4 }));
    // A click zoomed selects nothing (the list is not on screen).
    mouse(&mut a, MouseKind::Click, 2, 3);
    assert_eq!((a.section, a.question), (0, 0));
    press(&mut a, KeyCode::Char('z'));
    press(&mut a, KeyCode::Char('g'));
    drawn(&mut a, 80, 24);
    a.zoom_max_scroll = 10;
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    mouse(&mut a, MouseKind::ScrollUp, x, y);
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    assert_eq!(a.mode, Mode::Summary(3));
}

#[test]
fn a_popup_keeps_clicks_from_what_is_under_it() {
    let mut a = app();
    drawn(&mut a, 100, 30);
    let target = row_of(&a, ListTarget::Question(0, 1));
    let list_x = panes(&a).sections.x + 3;

    // Help: a click inside does nothing, outside closes it like Esc, selecting nothing.
    press(&mut a, KeyCode::Char('?'));
    drawn(&mut a, 100, 30);
    let popup = a.layout.popup.expect("the help is drawn");
    let (x, y) = inside(popup);
    mouse(&mut a, MouseKind::Click, x, y);
    assert_eq!(a.mode, Mode::Help);
    let below = a.layout.body.bottom() - 1;
    mouse(&mut a, MouseKind::Click, 0, below);
    assert_eq!((a.mode, a.question), (Mode::Browse, 0), "closed, and the click went no further");

    // Search: clicks anywhere keep the query; the wheel moves the highlight.
    press(&mut a, KeyCode::Char('/'));
    for c in "auth".chars() {
        press(&mut a, KeyCode::Char(c));
    }
    drawn(&mut a, 100, 30);
    let selected = (a.section, a.question);
    mouse(&mut a, MouseKind::Click, list_x, target.y);
    mouse(&mut a, MouseKind::Click, 0, 0);
    assert_eq!(a.mode, Mode::Search);
    assert_eq!(a.search.query, "auth");
    assert_eq!((a.section, a.question), selected);
    mouse(&mut a, MouseKind::ScrollDown, 0, 0);
    assert_eq!(a.search.current, 1, "the next match");
    let selected = (a.section, a.question);
    press(&mut a, KeyCode::Esc);

    // Settings: outside closes the list; while a field is edited nothing closes it.
    press(&mut a, KeyCode::Char(','));
    drawn(&mut a, 100, 30);
    mouse(&mut a, MouseKind::ScrollDown, 0, 0);
    assert_eq!(a.setting, 1, "the wheel moves between the fields");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::EditSetting);
    mouse(&mut a, MouseKind::Click, list_x, target.y);
    assert_eq!(a.mode, Mode::EditSetting, "typed input is never dropped by a click");
    press(&mut a, KeyCode::Esc);
    mouse(&mut a, MouseKind::Click, list_x, target.y);
    assert_eq!((a.mode, a.section, a.question), (Mode::Browse, selected.0, selected.1));
}

#[test]
fn the_consent_question_is_answered_by_keys_only() {
    let mut a = app();
    drawn(&mut a, 100, 30);
    let target = row_of(&a, ListTarget::Question(0, 1));
    a.mode = Mode::ConfirmSecret;
    let x = panes(&a).sections.x + 3;
    mouse(&mut a, MouseKind::Click, x, target.y);
    mouse(&mut a, MouseKind::Click, 0, 0);
    assert_eq!((a.mode, a.question), (Mode::ConfirmSecret, 0));
}

#[test]
fn the_credentials_mask_on_any_mouse_event_and_close_on_a_click_outside() {
    use crate::ui::app::{ApiInfo, Reveal};
    let mut a = app().with_api(ApiInfo {
        address: "127.0.0.1:41234".into(),
        base_url: "http://127.0.0.1:41234/api".into(),
        token_url: "http://127.0.0.1:41234/oauth/token".into(),
        client_id: "cc-test".into(),
        client_secret: crate::checks::Secret::new("cs-not-for-the-call"),
        ca_pem: None,
    });
    press(&mut a, KeyCode::Char('c'));
    press(&mut a, KeyCode::Char(crate::ui::REVEAL_KEY));
    assert!(matches!(a.mode, Mode::Credentials(Reveal::Shown { .. })));
    drawn(&mut a, 80, 24);
    let popup = a.layout.popup.expect("the popup is drawn");
    let (x, y) = inside(popup);
    mouse(&mut a, MouseKind::ScrollDown, x, y);
    assert_eq!(a.mode, Mode::Credentials(Reveal::Masked), "masked again, still open");
    press(&mut a, KeyCode::Char(crate::ui::REVEAL_KEY));
    mouse(&mut a, MouseKind::Click, x, y);
    assert_eq!(a.mode, Mode::Credentials(Reveal::Masked), "a click inside masks and keeps it open");
    mouse(&mut a, MouseKind::Click, popup.x.saturating_sub(1), popup.bottom());
    assert_eq!(
        (a.mode, a.section, a.question),
        (Mode::Browse, 0, 0),
        "outside: closed, nothing under it hit"
    );
}

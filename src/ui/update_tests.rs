//! Unit tests of `update`: navigation, editing, status cycling, autosave, quitting, checks.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::checks::{CheckResult, Verdict};
use crate::dossier::Dossier;
use crate::ui::SaveState;

fn app() -> App {
    let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let d = Dossier::new(&q);
    App::new(q, d, "d.toml", false)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn tick(app: &mut App, after: Duration) -> Vec<Effect> {
    let now = app.now + after;
    update(app, Msg::Tick(now))
}

fn saves(fx: &[Effect]) -> usize {
    fx.iter().filter(|e| matches!(e, Effect::Save(_))).count()
}

fn id(app: &App) -> String {
    app.current_question().expect("a question").id.clone()
}

#[test]
fn starts_on_the_first_question_of_the_first_section() {
    let a = app();
    assert_eq!((a.section, a.question), (0, 0));
    assert_eq!(id(&a), "overview.use_case");
    assert_eq!(a.mode, Mode::Browse);
}

#[test]
fn arrows_and_vim_keys_move_between_questions_and_sections() {
    let mut a = app();
    press(&mut a, KeyCode::Down);
    assert_eq!(id(&a), "overview.languages");
    press(&mut a, KeyCode::Char('j'));
    assert_eq!((a.section, a.question), (1, 0), "down past the last question enters the next section");
    press(&mut a, KeyCode::Char('k'));
    assert_eq!(id(&a), "overview.languages", "up from a section's first question goes back");
    press(&mut a, KeyCode::Up);
    assert_eq!(id(&a), "overview.use_case");
    press(&mut a, KeyCode::Up);
    assert_eq!((a.section, a.question), (0, 0), "stays at the very top");

    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Char('l'));
    assert_eq!((a.section, a.question), (2, 0));
    press(&mut a, KeyCode::Left);
    press(&mut a, KeyCode::Char('h'));
    press(&mut a, KeyCode::Char('h'));
    assert_eq!(a.section, 0, "left stops at the first section");
    press(&mut a, KeyCode::BackTab);
    assert_eq!(a.section, a.questionnaire.sections.len() - 1, "BackTab wraps around");
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.section, 0, "Tab wraps around");
}

#[test]
fn key_release_and_repeat_events_are_ignored() {
    let mut a = app();
    let mut release = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    update(&mut a, Msg::Key(release));
    let mut repeat = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    repeat.kind = KeyEventKind::Repeat;
    update(&mut a, Msg::Key(repeat));
    assert_eq!(a.question, 0);
}

#[test]
fn enter_edits_the_answer_and_esc_keeps_the_text() {
    let mut a = app();
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::EditAnswer);
    typ(&mut a, "Grades sync");
    press(&mut a, KeyCode::Enter);
    typ(&mut a, "jkq nightly");
    assert_eq!(a.mode, Mode::EditAnswer, "q and j/k are text while editing");
    assert_eq!((a.section, a.question), (0, 0));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Browse);
    let answer = &a.dossier.answers["overview.use_case"];
    assert_eq!(answer.answer, "Grades sync\njkq nightly");
    assert_eq!(answer.status, ReviewStatus::Answered, "typing answers an open question");
    assert!(a.dirty.is_some());

    // Reopening the editor starts from the stored text.
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.editor.lines(), ["Grades sync", "jkq nightly"]);
}

#[test]
fn clearing_an_answered_answer_reopens_it_but_a_review_status_stays() {
    let mut a = app();
    press(&mut a, KeyCode::Enter);
    typ(&mut a, "x");
    press(&mut a, KeyCode::Backspace);
    assert_eq!(a.dossier.status("overview.use_case"), ReviewStatus::Open);
    typ(&mut a, "y");
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(a.dossier.status("overview.use_case"), ReviewStatus::Ok);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Backspace);
    assert_eq!(a.dossier.status("overview.use_case"), ReviewStatus::Ok, "the reviewer's verdict is kept");
}

#[test]
fn s_cycles_the_review_status_through_every_value() {
    let mut a = app();
    let mut seen = Vec::new();
    for _ in 0..5 {
        press(&mut a, KeyCode::Char('s'));
        seen.push(a.dossier.status("overview.use_case"));
    }
    assert_eq!(
        seen,
        [
            ReviewStatus::Answered,
            ReviewStatus::Ok,
            ReviewStatus::NeedsWork,
            ReviewStatus::NotApplicable,
            ReviewStatus::Open
        ]
    );
    assert!(a.dirty.is_some(), "a status change is a change to save");
}

#[test]
fn n_edits_the_reviewer_note_without_touching_the_answer() {
    let mut a = app();
    press(&mut a, KeyCode::Char('n'));
    assert_eq!(a.mode, Mode::EditNote);
    typ(&mut a, "ask for the demo");
    press(&mut a, KeyCode::Esc);
    let answer = &a.dossier.answers["overview.use_case"];
    assert_eq!(answer.note, "ask for the demo");
    assert_eq!(answer.answer, "");
    assert_eq!(answer.status, ReviewStatus::Open, "a note is not an answer");
}

#[test]
fn autosave_waits_for_a_quiet_moment_and_keeps_one_save_in_flight() {
    let mut a = app();
    assert!(tick(&mut a, Duration::from_millis(100)).is_empty(), "nothing to save");
    press(&mut a, KeyCode::Char('s'));
    assert!(tick(&mut a, DEBOUNCE / 2).is_empty(), "too soon after the change");
    let fx = tick(&mut a, DEBOUNCE);
    assert_eq!(saves(&fx), 1);
    match &fx[0] {
        Effect::Save(d) => assert_eq!(d.status("overview.use_case"), ReviewStatus::Answered),
        other => panic!("expected a save, got {other:?}"),
    }
    assert_eq!(a.save_state(), SaveState::Saving);

    // A change during the save waits for it, then gets its own save.
    press(&mut a, KeyCode::Char('s'));
    assert!(tick(&mut a, DEBOUNCE * 3).is_empty(), "never two saves in flight");
    assert!(update(&mut a, Msg::Saved(Ok(()))).is_empty());
    assert_eq!(a.save_state(), SaveState::Unsaved);
    let fx = tick(&mut a, Duration::from_millis(100));
    assert_eq!(saves(&fx), 1, "the pending change is saved once the first save is done");
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(a.save_state(), SaveState::Saved);
    assert!(tick(&mut a, DEBOUNCE * 3).is_empty());
}

#[test]
fn continuous_typing_is_still_saved_within_a_second() {
    let mut a = app();
    press(&mut a, KeyCode::Enter);
    let step = DEBOUNCE / 4;
    let mut elapsed = Duration::ZERO;
    let mut saved_after = None;
    for _ in 0..20 {
        typ(&mut a, "a");
        let fx = tick(&mut a, step);
        elapsed += step;
        if saves(&fx) > 0 {
            saved_after = Some(elapsed);
            break;
        }
    }
    let saved_after = saved_after.expect("a save while typing");
    assert!(saved_after <= Duration::from_secs(1), "saved after {saved_after:?}");
}

#[test]
fn a_failed_save_is_shown_and_the_text_kept() {
    let mut a = app();
    press(&mut a, KeyCode::Enter);
    typ(&mut a, "precious");
    press(&mut a, KeyCode::Esc);
    tick(&mut a, DEBOUNCE);
    update(&mut a, Msg::Saved(Err("d.toml was changed by someone else".into())));
    assert_eq!(a.save_state(), SaveState::Failed("d.toml was changed by someone else".into()));
    assert_eq!(a.dossier.answers["overview.use_case"].answer, "precious");
    // The next change retries, and a success clears the error.
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(saves(&tick(&mut a, DEBOUNCE)), 1);
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(a.save_state(), SaveState::Saved);
}

#[test]
fn quit_without_changes_quits_at_once() {
    let mut a = app();
    let fx = press(&mut a, KeyCode::Char('q'));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn quit_saves_first_and_quits_when_the_save_is_done() {
    let mut a = app();
    press(&mut a, KeyCode::Enter);
    typ(&mut a, "typed just now");
    let fx = update(&mut a, Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert_eq!(saves(&fx), 1, "Ctrl-C saves like q: {fx:?}");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Quit)), "not before the save is done");
    match &fx[0] {
        Effect::Save(d) => assert_eq!(d.answers["overview.use_case"].answer, "typed just now"),
        other => panic!("{other:?}"),
    }
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn quit_during_a_save_waits_for_it() {
    let mut a = app();
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(saves(&tick(&mut a, DEBOUNCE)), 1);
    assert!(press(&mut a, KeyCode::Char('q')).is_empty());
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn a_failed_final_save_does_not_quit_until_asked_again() {
    let mut a = app();
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(saves(&press(&mut a, KeyCode::Char('q'))), 1);
    let fx = update(&mut a, Msg::Saved(Err("disk full".into())));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(!a.quitting);
    assert!(a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("q again")));
    let fx = press(&mut a, KeyCode::Char('q'));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn r_asks_to_run_the_linked_checks() {
    let mut a = app();
    assert!(press(&mut a, KeyCode::Char('r')).is_empty());
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("no live check")));
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(id(&a), "auth.token_refresh");
    let fx = press(&mut a, KeyCode::Char('r'));
    match fx.as_slice() {
        [Effect::RunChecks { ids, .. }] => assert_eq!(ids, &["auth.refresh", "auth.token_reuse"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn check_events_show_progress_and_file_evidence() {
    let mut a = app();
    let at = chrono::Utc::now();
    update(&mut a, Msg::Check { event: CheckEvent::Started { id: "auth.refresh".into() }, at });
    update(
        &mut a,
        Msg::Check {
            event: CheckEvent::Progress { id: "auth.refresh".into(), message: "token 1 issued".into() },
            at,
        },
    );
    assert_eq!(a.running["auth.refresh"].last, "token 1 issued");
    tick(&mut a, Duration::from_millis(1500));
    assert_eq!(a.elapsed(&a.running["auth.refresh"]), Duration::from_millis(1500));

    // While it runs, `r` does not start it twice.
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::Char('j'));
    match press(&mut a, KeyCode::Char('r')).as_slice() {
        [Effect::RunChecks { ids, .. }] => assert_eq!(ids, &["auth.token_reuse"]),
        other => panic!("{other:?}"),
    }

    let result =
        CheckResult::new("auth.refresh", Verdict::Pass, "renewed after 401").figure("tokens", 2usize);
    update(&mut a, Msg::Check { event: CheckEvent::Finished(result), at });
    assert!(a.running.is_empty());
    let e = a.dossier.latest_evidence("auth.refresh").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass);
    assert_eq!(e.summary, "renewed after 401");
    assert_eq!(saves(&tick(&mut a, DEBOUNCE)), 1, "filed evidence is autosaved");
}

#[test]
fn settings_edit_the_cover_and_the_webhook_target() {
    let mut a = app();
    press(&mut a, KeyCode::Char(','));
    assert_eq!(a.mode, Mode::Settings);
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::EditSetting);
    typ(&mut a, "Acme Grades");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.dossier.dossier.integration, "Acme Grades");
    assert_eq!(a.mode, Mode::Settings);

    // The scheme cycles through the known schemes.
    while a.current_field() != Field::Scheme {
        press(&mut a, KeyCode::Down);
    }
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.dossier.settings.webhook.scheme, "hmac-sha256");

    // A bad deadline is refused with a message and the editor stays open.
    while a.current_field() != Field::Deadline {
        press(&mut a, KeyCode::Char('j'));
    }
    press(&mut a, KeyCode::Enter);
    for _ in 0..4 {
        press(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "soon");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::EditSetting);
    assert!(a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("deadline")));
    assert!((a.dossier.settings.webhook.deadline_secs - 15.0).abs() < f64::EPSILON);
    for _ in 0..4 {
        press(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "7.5");
    press(&mut a, KeyCode::Esc);
    assert!((a.dossier.settings.webhook.deadline_secs - 7.5).abs() < f64::EPSILON);
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Browse);
    assert!(a.dirty.is_some());
}

#[test]
fn the_secret_env_field_takes_a_name_not_a_secret() {
    let mut a = app();
    press(&mut a, KeyCode::Char('S'));
    while a.current_field() != Field::SecretEnv {
        press(&mut a, KeyCode::Down);
    }
    press(&mut a, KeyCode::Enter);
    for _ in 0.."WEBHOOK_SECRET".len() {
        press(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.dossier.settings.webhook.secret_env, "WEBHOOK_SECRET");
    assert!(a.notice.as_ref().is_some_and(|n| n.error));
}

#[test]
fn help_opens_and_returns_to_where_it_was() {
    let mut a = app();
    press(&mut a, KeyCode::Char('?'));
    assert_eq!(a.mode, Mode::Help);
    assert!(press(&mut a, KeyCode::Char('q')).is_empty(), "q closes help, it does not quit");
    assert_eq!(a.mode, Mode::Browse);
}

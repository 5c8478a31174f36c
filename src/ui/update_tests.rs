//! Unit tests of `update`: navigation, editing, status cycling, autosave, quitting, checks.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::checks::{CheckResult, Verdict};
use crate::dossier::Dossier;
use crate::ui::{JOURNAL_PAGE, QuitState, SaveState};

fn app() -> App {
    let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let d = Dossier::new(&q);
    // Faults begin at the keypress here: these tests are about other things (`faults_tests.rs`
    // covers the delay).
    App::new(q, d, "d.toml", false).with_fault_delay(crate::ui::FaultDelay::IMMEDIATE)
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
    assert!(matches!(a.save, SaveState::Dirty(_)));

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
    assert!(matches!(a.save, SaveState::Dirty(_)), "a status change is a change to save");
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
    assert_eq!(a.save, SaveState::Saving { changed: None, retrying: None });

    // A change during the save waits for it, then gets its own save.
    press(&mut a, KeyCode::Char('s'));
    assert!(tick(&mut a, DEBOUNCE * 3).is_empty(), "never two saves in flight");
    assert!(update(&mut a, Msg::Saved(Ok(()))).is_empty());
    assert!(matches!(a.save, SaveState::Dirty(_)), "{:?}", a.save);
    let fx = tick(&mut a, Duration::from_millis(100));
    assert_eq!(saves(&fx), 1, "the pending change is saved once the first save is done");
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(a.save, SaveState::Clean);
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
    assert_eq!(
        a.save,
        SaveState::Failed { error: "d.toml was changed by someone else".into(), changed: None }
    );
    assert_eq!(a.dossier.answers["overview.use_case"].answer, "precious");
    // The next change retries, and a success clears the error.
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(saves(&tick(&mut a, DEBOUNCE)), 1);
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(a.save, SaveState::Clean);
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
    assert_eq!(a.quit, QuitState::Armed);
    assert!(a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("q again")));
    let fx = press(&mut a, KeyCode::Char('q'));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn a_save_that_succeeds_after_an_armed_quit_disarms_it() {
    let mut a = app();
    press(&mut a, KeyCode::Char('s'));
    press(&mut a, KeyCode::Char('q'));
    update(&mut a, Msg::Saved(Err("disk full".into())));
    assert_eq!(a.quit, QuitState::Armed);
    // The reviewer keeps working; the disk recovers and the next save succeeds.
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(saves(&tick(&mut a, DEBOUNCE)), 1);
    assert_eq!(a.save.error(), Some("disk full"), "the error stays shown while the retry runs");
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!((a.quit, &a.save), (QuitState::Staying, &SaveState::Clean));
    // A newer change must not be dropped by the old armed quit.
    press(&mut a, KeyCode::Char('s'));
    let fx = press(&mut a, KeyCode::Char('q'));
    assert_eq!(saves(&fx), 1, "q saves again: {fx:?}");
    assert_eq!(a.quit, QuitState::AfterSave);
}

#[test]
fn quitting_retries_a_failed_save_even_without_a_new_change() {
    let mut a = app();
    press(&mut a, KeyCode::Char('s'));
    tick(&mut a, DEBOUNCE);
    update(&mut a, Msg::Saved(Err("disk full".into())));
    assert!(tick(&mut a, DEBOUNCE * 3).is_empty(), "a failure alone is not retried in a loop");
    let fx = press(&mut a, KeyCode::Char('q'));
    assert_eq!(saves(&fx), 1, "{fx:?}");
    assert_eq!((a.quit, a.save.in_flight()), (QuitState::AfterSave, true));
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn a_change_during_the_final_save_is_saved_before_quitting() {
    let mut a = app();
    press(&mut a, KeyCode::Char('s'));
    assert_eq!(saves(&press(&mut a, KeyCode::Char('q'))), 1);
    // Filed evidence (a check ending) may change the dossier while the final save runs.
    let r = CheckResult::new("webhook.signature", Verdict::Pass, "all rejected");
    update(&mut a, Msg::Check { event: CheckEvent::Finished(r), at: chrono::Utc::now() });
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(saves(&fx), 1, "saved again, not quit: {fx:?}");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(matches!(fx.as_slice(), [Effect::Quit]), "{fx:?}");
}

#[test]
fn r_runs_webhook_checks_and_arms_the_first_api_check_not_yet_passed() {
    let mut a = app();
    assert!(press(&mut a, KeyCode::Char('r')).is_empty());
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("no live check")));
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(id(&a), "auth.token_refresh");
    let arms = |fx: &[Effect]| match fx {
        [Effect::Arm { check }] => *check,
        other => panic!("{other:?}"),
    };
    assert_eq!(arms(&press(&mut a, KeyCode::Char('r'))), "auth.refresh");
    // Once auth.refresh has passed, r goes on to the next one.
    let at = chrono::Utc::now();
    update(
        &mut a,
        Msg::Check { event: CheckEvent::Finished(CheckResult::new("auth.refresh", Verdict::Pass, "ok")), at },
    );
    assert_eq!(arms(&press(&mut a, KeyCode::Char('r'))), "auth.token_reuse");
    update(&mut a, armed("auth.token_reuse"));
    // r on the armed question re-arms it; a cycles to the next linked API check.
    assert_eq!(arms(&press(&mut a, KeyCode::Char('r'))), "auth.token_reuse");
    update(&mut a, armed("auth.token_reuse"));
    assert_eq!(arms(&press(&mut a, KeyCode::Char('a'))), "auth.refresh");

    // Webhook checks run as before.
    for _ in 0..3 {
        press(&mut a, KeyCode::Tab);
    }
    assert_eq!(id(&a), "webhooks.events");
    match press(&mut a, KeyCode::Char('r')).as_slice() {
        [Effect::RunChecks { ids, .. }] => {
            assert_eq!(ids, &["webhook.delivery", "webhook.deadline", "webhook.transport"])
        }
        other => panic!("{other:?}"),
    }
}

fn armed(check: &str) -> Msg {
    Msg::Armed {
        check: check.parse().expect("a known check"),
        describe: format!("{check}: normal traffic"),
        origin_us: 1_000,
        at: chrono::DateTime::from_timestamp(1_764_640_000, 0).unwrap_or_default(),
    }
}

fn entry(seq: u64, at_us: u64, status: u16) -> crate::checks::api::JournalEntry {
    crate::checks::api::JournalEntry {
        seq,
        at_us,
        done_us: at_us + 500,
        method: "GET".into(),
        path: "/items".into(),
        status,
        token: Some("tok-1".into()),
        client_name: None,
        trace_id: format!("trace{seq:04}"),
        retry_after_ms: None,
        retry_after_form: None,
        kind: crate::checks::api::RequestKind::Items { page: 1, last_page: 3 },
    }
}

fn journal(check: &str, e: crate::checks::api::JournalEntry) -> Msg {
    Msg::Journal { check: Some(check.parse().expect("a known check")), entry: Box::new(e) }
}

#[test]
fn the_live_journal_keeps_the_armed_scenarios_requests_in_arrival_order() {
    let mut a = app();
    update(&mut a, armed("retry.backoff"));
    update(&mut a, journal("retry.backoff", entry(2, 3_000, 200)));
    update(&mut a, journal("retry.backoff", entry(1, 2_000, 503)));
    update(&mut a, journal("retry.backoff", entry(0, 500, 503)));
    update(&mut a, journal("polling.rate", entry(3, 4_000, 200)));
    let armed = a.armed.as_ref().expect("armed");
    let seqs: Vec<u64> = armed.journal.entries().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2], "before arming and other scenarios are left out, order is by arrival");
    assert_eq!(a.last_trace_id.as_deref(), Some("trace0003"));

    // f asks to judge; x disarms without filing.
    assert!(
        matches!(press(&mut a, KeyCode::Char('f')).as_slice(), [Effect::Finish { check }] if check == "retry.backoff")
    );
    assert!(matches!(press(&mut a, KeyCode::Char('x')).as_slice(), [Effect::Disarm]));
    assert!(a.armed.is_none());
    assert!(a.dossier.evidence.is_empty());
}

#[test]
fn trace_echo_is_marked_found_or_not_with_the_trace_id_served() {
    let mut a = app();
    while id(&a) != "logging.trace_id" {
        press(&mut a, KeyCode::Char('j'));
    }
    assert!(
        matches!(press(&mut a, KeyCode::Char('r')).as_slice(), [Effect::Arm { check }] if check == "trace.echo")
    );
    assert!(press(&mut a, KeyCode::Char('y')).is_empty(), "nothing served yet");
    update(&mut a, armed("trace.echo"));
    update(&mut a, journal("trace.echo", entry(7, 5_000, 200)));
    let fx = press(&mut a, KeyCode::Char('y'));
    let result = fx.iter().find_map(|e| match e {
        Effect::File(r) => Some(r.clone()),
        _ => None,
    });
    let result = result.expect("a result to file");
    assert!(fx.iter().any(|e| matches!(e, Effect::Disarm)));
    assert_eq!(result.verdict, Verdict::Pass);
    assert_eq!(result.figures["trace_id"], "trace0007".into());
    assert!(a.armed.is_none());
    let fx = press(&mut a, KeyCode::Char('N'));
    assert!(matches!(fx.as_slice(), [Effect::File(r)] if r.verdict == Verdict::Fail), "{fx:?}");
}

#[test]
fn an_observed_client_name_answers_the_question_that_asks_for_it() {
    let mut a = app();
    let r = CheckResult::new("headers.client_name", Verdict::Pass, "every call carries it")
        .figure("client_name", "acme-sync/1.4");
    update(&mut a, Msg::Check { event: CheckEvent::Finished(r.clone()), at: chrono::Utc::now() });
    let ans = a.dossier.answer("auth.client_name").expect("filled");
    assert!(ans.answer.starts_with("acme-sync/1.4"), "{}", ans.answer);
    assert_eq!(ans.status, ReviewStatus::Answered);
    // An answer already given is left alone.
    a.dossier.answer_mut("auth.client_name").answer = "ours".into();
    update(&mut a, Msg::Check { event: CheckEvent::Finished(r), at: chrono::Utc::now() });
    assert_eq!(a.dossier.answer("auth.client_name").map(|x| x.answer.as_str()), Some("ours"));
}

#[test]
fn d_switches_the_demo_peers_only_in_the_demo() {
    let mut a = app();
    assert!(press(&mut a, KeyCode::Char('d')).is_empty());
    a.demo_flawed = Some(false);
    assert!(matches!(press(&mut a, KeyCode::Char('d')).as_slice(), [Effect::SetDemoFlawed(true)]));
    assert_eq!(a.demo_flawed, Some(true));
}

#[test]
fn check_events_show_progress_and_file_evidence() {
    let mut a = app();
    let at = chrono::Utc::now();
    update(&mut a, Msg::Check { event: CheckEvent::Started { id: "webhook.signature".into() }, at });
    update(
        &mut a,
        Msg::Check {
            event: CheckEvent::Progress { id: "webhook.signature".into(), message: "forged sent".into() },
            at,
        },
    );
    assert_eq!(a.running["webhook.signature"].last, "forged sent");
    tick(&mut a, Duration::from_millis(1500));
    assert_eq!(a.elapsed(&a.running["webhook.signature"]), Duration::from_millis(1500));

    // While it runs, `r` does not start it twice.
    while id(&a) != "webhooks.signature" {
        press(&mut a, KeyCode::Char('j'));
    }
    match press(&mut a, KeyCode::Char('r')).as_slice() {
        [Effect::RunChecks { ids, .. }] => assert_eq!(ids, &["webhook.replay"]),
        other => panic!("{other:?}"),
    }

    let result =
        CheckResult::new("webhook.signature", Verdict::Pass, "all rejected").figure("forged", 401usize);
    update(&mut a, Msg::Check { event: CheckEvent::Finished(result), at });
    assert!(a.running.is_empty());
    let e = a.dossier.latest_evidence("webhook.signature").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass);
    assert_eq!(e.summary, "all rejected");
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
    assert!(matches!(a.save, SaveState::Dirty(_)));
}

/// The webhook checks' own settings: a bad value is refused on the field with the checks'
/// message (the editor stays open, the dossier keeps its value); a good one is stored and
/// autosaved through the dossier's save protocol; emptied, an optional field is its default.
#[test]
fn settings_edit_what_the_webhook_checks_send_and_watch() {
    let mut a = app();
    press(&mut a, KeyCode::Char(','));
    let edit = |a: &mut App, field: Field, value: &str| {
        while a.current_field() != field {
            press(a, KeyCode::Down);
        }
        if a.mode != Mode::EditSetting {
            press(a, KeyCode::Enter);
        }
        for _ in 0..64 {
            press(a, KeyCode::Backspace);
        }
        typ(a, value);
        press(a, KeyCode::Enter);
    };
    edit(&mut a, Field::FallbackWindow, "soon");
    assert_eq!(a.mode, Mode::EditSetting, "the editor stays open on a bad value");
    assert!(
        a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("fallback window")),
        "{:?}",
        a.notice
    );
    assert_eq!(a.dossier.settings.webhook.fallback_window_secs, None);
    edit(&mut a, Field::FallbackWindow, "0.5");
    assert!(
        a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("between 1 and 3600")),
        "{:?}",
        a.notice
    );
    edit(&mut a, Field::FallbackWindow, "12.5");
    assert_eq!(a.mode, Mode::Settings);
    assert_eq!(a.dossier.settings.webhook.fallback_window_secs, Some(12.5));

    edit(&mut a, Field::Tolerance, "5");
    assert!(a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("tolerance")), "{:?}", a.notice);
    edit(&mut a, Field::Tolerance, "600");
    assert_eq!(a.dossier.settings.webhook.tolerance_secs, Some(600));
    edit(&mut a, Field::Observer, "http://user:pw@127.0.0.1:9/processed");
    let said = a.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(said.contains("credentials") && !said.contains("user:pw"), "{said}");
    edit(&mut a, Field::Observer, "http://127.0.0.1:9/processed");
    assert_eq!(a.dossier.settings.webhook.observer.as_deref(), Some("http://127.0.0.1:9/processed"));
    edit(&mut a, Field::Event, "no-such-sample");
    assert!(
        a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("neither a sample")),
        "{:?}",
        a.notice
    );
    edit(&mut a, Field::Event, "wiseflow-flow");
    assert_eq!(a.dossier.settings.webhook.event.as_deref(), Some("wiseflow-flow"));
    edit(&mut a, Field::CaFile, "/no/such/ca.pem");
    assert!(
        a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("/no/such/ca.pem")),
        "{:?}",
        a.notice
    );
    edit(&mut a, Field::CaFile, "");
    assert_eq!((a.mode, a.dossier.settings.webhook.ca_file.as_str()), (Mode::Settings, ""));
    edit(&mut a, Field::Tolerance, "");
    assert_eq!(a.dossier.settings.webhook.tolerance_secs, None, "emptied: the default");

    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Browse);
    assert_eq!(saves(&tick(&mut a, DEBOUNCE)), 1, "autosaved");
    // What was stored is what the checks run with.
    let mut w = a.dossier.settings.webhook.clone();
    w.url = "http://127.0.0.1:9/hook".into();
    let t = w.target().expect("the checks accept what the popup stored");
    assert_eq!(t.event.name(), "wiseflow-flow");
    assert_eq!(t.observer.map(|u| u.to_string()).as_deref(), Some("http://127.0.0.1:9/processed"));
    assert_eq!(w.fallback_window(), Ok(Duration::from_millis(12_500)));
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

/// On the question `retry.backoff` gives evidence for, armed, with `n` requests journaled.
fn backoff_with(n: u64) -> App {
    let mut a = app();
    while a.current_question().map(|q| q.id.as_str()) != Some("retries.mechanism") {
        press(&mut a, KeyCode::Char('j'));
    }
    update(&mut a, armed("retry.backoff"));
    for s in 0..n {
        update(&mut a, journal("retry.backoff", entry(s, 2_000 + s * 100, 503)));
    }
    a
}

fn live(a: &App) -> &crate::ui::LiveJournal {
    &a.armed.as_ref().expect("armed").journal
}

#[test]
fn page_keys_scroll_the_live_journal_and_end_follows_again() {
    let mut a = backoff_with(30);
    assert!(live(&a).following(), "follows by default");
    press(&mut a, KeyCode::PageUp);
    assert_eq!(live(&a).newer(), JOURNAL_PAGE, "PgUp pauses, one page back");
    update(&mut a, journal("retry.backoff", entry(30, 9_000, 200)));
    assert_eq!(live(&a).newer(), JOURNAL_PAGE + 1, "a new request counts as newer; the view stays");
    press(&mut a, KeyCode::PageDown);
    assert_eq!(live(&a).newer(), 1);
    press(&mut a, KeyCode::Home);
    assert_eq!(live(&a).newer(), 30, "Home: the oldest line at the top");
    press(&mut a, KeyCode::End);
    assert!(live(&a).following(), "End follows the newest again");
    update(&mut a, journal("retry.backoff", entry(31, 9_100, 200)));
    assert!(live(&a).following());
    press(&mut a, KeyCode::PageUp);
    press(&mut a, KeyCode::PageDown);
    assert!(live(&a).following(), "paging back down to the newest follows again");
    assert_eq!(id(&a), "retries.mechanism", "the page keys never move the question");
}

/// Once drawn, a page is what the pane shows less one line, and Home puts the oldest line at
/// the top of the pane (not alone on its last row).
#[test]
fn the_page_is_the_rows_drawn() {
    let mut a = backoff_with(30);
    a.live_rows = 4;
    press(&mut a, KeyCode::PageUp);
    assert_eq!(live(&a).newer(), 3);
    press(&mut a, KeyCode::Home);
    assert_eq!(live(&a).newer(), 26);
    let (lines, newer) = live(&a).window(4);
    assert_eq!((lines.count(), newer), (4, 26));
    a.live_rows = 40;
    press(&mut a, KeyCode::End);
    press(&mut a, KeyCode::PageUp);
    assert!(live(&a).following(), "all 30 fit in 40 rows: nothing to scroll, still following");
}

#[test]
fn journal_keys_away_from_the_live_pane_only_explain() {
    let mut a = app();
    update(&mut a, armed("retry.backoff"));
    for s in 0..10 {
        update(&mut a, journal("retry.backoff", entry(s, 2_000 + s * 100, 503)));
    }
    let fx = press(&mut a, KeyCode::PageUp);
    assert!(fx.is_empty());
    assert!(live(&a).following(), "the live pane is not shown on this question: nothing scrolls");
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("PgUp")), "{:?}", a.notice);
}

#[test]
fn the_live_journal_is_bounded_and_counts_every_request() {
    let n = crate::ui::LIVE_JOURNAL_LINES as u64 + 25;
    let a = backoff_with(n);
    let armed = a.armed.as_ref().expect("armed");
    assert_eq!(armed.journal.len(), crate::ui::LIVE_JOURNAL_LINES);
    assert_eq!(armed.journal.entries().next().map(|e| e.seq), Some(25), "the oldest dropped");
    assert_eq!(armed.seen, usize::try_from(n).expect("small"), "the count still says how many came");
}

#[test]
fn a_lagged_feed_leaves_a_skipped_line_in_the_journal() {
    let mut a = backoff_with(3);
    update(&mut a, Msg::JournalLagged(1_500));
    update(&mut a, journal("retry.backoff", entry(1_504, 400_000, 200)));
    let lines: Vec<_> = live(&a).window(10).0.cloned().collect();
    assert_eq!(lines.len(), 5);
    assert!(matches!(lines[3], crate::ui::LiveLine::Skipped { n: 1_500, .. }), "{:?}", lines[3]);
    assert!(matches!(&lines[4], crate::ui::LiveLine::Request(e) if e.seq == 1_504));

    // Nothing armed: nothing to mark (judging reads the API's own journal anyway).
    let mut b = app();
    update(&mut b, Msg::JournalLagged(7));
    assert!(b.armed.is_none());
}

#[test]
fn the_credentials_secret_is_masked_until_revealed_and_masks_again() {
    use crate::ui::{REVEAL_FOR, REVEAL_KEY, Reveal};
    let mut a = app();
    a.mode = Mode::Credentials(Reveal::Masked);
    press(&mut a, KeyCode::Char(REVEAL_KEY));
    assert!(matches!(a.mode, Mode::Credentials(Reveal::Shown { .. })), "{:?}", a.mode);
    // The next key masks it again (and does not close the popup).
    press(&mut a, KeyCode::Down);
    assert_eq!(a.mode, Mode::Credentials(Reveal::Masked));
    // Revealed, then left alone: masked again after REVEAL_FOR.
    press(&mut a, KeyCode::Char(REVEAL_KEY));
    tick(&mut a, REVEAL_FOR - Duration::from_millis(10));
    assert!(matches!(a.mode, Mode::Credentials(Reveal::Shown { .. })));
    tick(&mut a, Duration::from_millis(20));
    assert_eq!(a.mode, Mode::Credentials(Reveal::Masked));
    // The reveal key while shown masks it too; Esc closes.
    press(&mut a, KeyCode::Char(REVEAL_KEY));
    press(&mut a, KeyCode::Char(REVEAL_KEY));
    assert_eq!(a.mode, Mode::Credentials(Reveal::Masked));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Browse);
}

#[test]
fn masking_keeps_only_the_last_four_characters() {
    assert_eq!(crate::ui::masked("s3cr3t-value-1a2b"), "••••••1a2b");
    assert_eq!(crate::ui::masked("ab"), "••••••ab");
}

/// The app on the webhook events question of a dossier that names its own target and variable.
fn planted_target() -> App {
    let mut a = app();
    let w = &mut a.dossier.settings.webhook;
    w.url = "https://collector.example/hook".into();
    w.secret_env = "AWS_SECRET_ACCESS_KEY".into();
    while id(&a) != "webhooks.events" {
        press(&mut a, KeyCode::Char('j'));
    }
    a
}

#[test]
fn a_secret_goes_to_a_dossier_named_target_only_after_asking() {
    let mut a = planted_target();
    assert!(press(&mut a, KeyCode::Char('r')).is_empty(), "nothing runs before the answer");
    assert_eq!(a.mode, Mode::ConfirmSecret);
    let p = a.consent.pending.as_ref().expect("asking");
    assert_eq!((p.url.as_str(), p.var.as_str()), ("https://collector.example/hook", "AWS_SECRET_ACCESS_KEY"));
    assert!(press(&mut a, KeyCode::Char('x')).is_empty(), "other keys do not answer");
    assert_eq!(a.mode, Mode::ConfirmSecret);
    assert!(press(&mut a, KeyCode::Char('n')).is_empty());
    assert_eq!(a.mode, Mode::Browse);
    assert!(a.consent.pending.is_none());
    // The refusal is remembered: r says so and sends nothing.
    assert!(press(&mut a, KeyCode::Char('r')).is_empty());
    assert_eq!(a.mode, Mode::Browse);
    assert!(a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("refused in this session")));
}

#[test]
fn a_yes_is_remembered_for_the_session() {
    let mut a = planted_target();
    press(&mut a, KeyCode::Char('r'));
    match press(&mut a, KeyCode::Char('y')).as_slice() {
        [Effect::RunChecks { ids, settings }] => {
            assert_eq!(ids, &["webhook.delivery", "webhook.deadline", "webhook.transport"]);
            assert_eq!(settings.webhook.url, "https://collector.example/hook");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(press(&mut a, KeyCode::Char('r')).as_slice(), [Effect::RunChecks { .. }]));
    assert_eq!(a.mode, Mode::Browse);
    // Another target (the dossier reloaded with another URL) is asked about again.
    a.dossier.settings.webhook.url = "https://other.example/hook".into();
    assert!(press(&mut a, KeyCode::Char('r')).is_empty());
    assert_eq!(a.mode, Mode::ConfirmSecret);
}

#[test]
fn a_target_the_reviewer_types_is_not_asked_about() {
    let mut a = planted_target();
    press(&mut a, KeyCode::Char(','));
    while a.current_field() != Field::WebhookUrl {
        press(&mut a, KeyCode::Down);
    }
    press(&mut a, KeyCode::Enter);
    for _ in 0.."https://collector.example/hook".len() {
        press(&mut a, KeyCode::Backspace);
    }
    typ(&mut a, "https://mine.example/hook");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.dossier.settings.webhook.url, "https://mine.example/hook");
    assert!(matches!(press(&mut a, KeyCode::Char('r')).as_slice(), [Effect::RunChecks { .. }]));
}

#[test]
fn z_zooms_the_evidence_scrolls_within_its_bounds_and_keeps_the_browsing_keys() {
    use crate::ui::{Zoom, ZoomPane};
    let mut a = app();
    // The first question has no linked check: its own text is zoomed.
    press(&mut a, KeyCode::Char('z'));
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Question, scroll: 0 }));
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Browse);
    while a.current_question().is_some_and(|q| q.checks.is_empty()) {
        press(&mut a, KeyCode::Down);
    }
    let before = id(&a);
    press(&mut a, KeyCode::Char('z'));
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Evidence, scroll: 0 }));
    // j/k scroll (the question stays), bounded by what the last draw could scroll.
    a.zoom_max_scroll = 3;
    for _ in 0..5 {
        press(&mut a, KeyCode::Char('j'));
    }
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Evidence, scroll: 3 }));
    assert_eq!(id(&a), before);
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Home);
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Evidence, scroll: 0 }));
    press(&mut a, KeyCode::End);
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Evidence, scroll: 3 }));
    // Tab: the other pane, from its top.
    press(&mut a, KeyCode::Tab);
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Question, scroll: 0 }));
    // Browsing keys still work zoomed: r runs the checks, ? opens help and returns to the zoom.
    let fx = press(&mut a, KeyCode::Char('r'));
    assert!(fx.iter().any(|e| matches!(e, Effect::RunChecks { .. } | Effect::Arm { .. })), "{fx:?}");
    press(&mut a, KeyCode::Char('?'));
    assert_eq!(a.mode, Mode::Help);
    press(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Zoom(Zoom { pane: ZoomPane::Question, scroll: 0 }));
    press(&mut a, KeyCode::Char('z'));
    assert_eq!(a.mode, Mode::Browse);
}

#[test]
fn slash_searches_across_sections_brackets_step_and_esc_clears() {
    let mut a = app();
    a.dossier.answer_mut("retries.mechanism").note = "Uses TENACITY with jitter".into();
    press(&mut a, KeyCode::Char('/'));
    assert_eq!(a.mode, Mode::Search);
    // By note, case-insensitive: the selection follows the first match, in another section.
    typ(&mut a, "tenacity");
    assert_eq!(id(&a), "retries.mechanism");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Browse);
    assert_eq!(a.search.query, "tenacity");
    // By id: several matches; ] and [ step and wrap, and n still opens the note editor elsewhere.
    press(&mut a, KeyCode::Char('/'));
    typ(&mut a, "webhooks.");
    let hits = crate::ui::search_matches(&a, "webhooks.");
    assert!(hits.len() >= 3, "{hits:?}");
    assert_eq!(id(&a), "webhooks.events");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char(']'));
    assert_eq!((a.section, a.question), hits[1]);
    press(&mut a, KeyCode::Char('['));
    press(&mut a, KeyCode::Char('['));
    assert_eq!((a.section, a.question), hits[hits.len() - 1], "wraps backwards");
    // Esc clears the kept query: ] then says how to search.
    press(&mut a, KeyCode::Esc);
    assert!(a.search.query.is_empty());
    let here = (a.section, a.question);
    press(&mut a, KeyCode::Char(']'));
    assert_eq!((a.section, a.question), here);
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("/ searches")));
    // Esc while typing clears too.
    press(&mut a, KeyCode::Char('/'));
    typ(&mut a, "x");
    press(&mut a, KeyCode::Esc);
    assert_eq!((a.mode, a.search.query.as_str()), (Mode::Browse, ""));
}

#[test]
fn a_key_the_table_does_not_bind_changes_nothing() {
    let mut a = app();
    for code in [KeyCode::F(5), KeyCode::Insert, KeyCode::Char('Q'), KeyCode::Char('~')] {
        let before = (a.mode, a.section, a.question, a.notice.clone(), a.save.clone());
        assert!(press(&mut a, code).is_empty(), "{code:?}");
        assert_eq!((a.mode, a.section, a.question, a.notice.clone(), a.save.clone()), before, "{code:?}");
    }
    // Alt with a bound key is not the key.
    let fx = update(&mut a, Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT)));
    assert!(fx.is_empty(), "Alt-q does not quit: {fx:?}");
}

#[test]
fn the_help_pages_with_the_arrows_and_opens_on_its_first_page() {
    let mut a = app();
    press(&mut a, KeyCode::Char('?'));
    press(&mut a, KeyCode::Right);
    assert_eq!((a.mode, a.help_page), (Mode::Help, 1));
    press(&mut a, KeyCode::Left);
    press(&mut a, KeyCode::Left);
    assert_eq!(a.help_page, usize::MAX, "wraps; the view shows it modulo its pages");
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('?'));
    assert_eq!(a.help_page, 0);
}

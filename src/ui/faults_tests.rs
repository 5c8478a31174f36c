//! `update` with a fault delay: arming is pending until the timer's `Msg::FaultDue` of the same
//! epoch; a disarm or re-arm makes an older timer do nothing; journal entries before the fault
//! began are not shown as its window.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::checks::api::{JournalEntry, RequestKind};
use crate::dossier::Dossier;
use crate::ui::{ApiInfo, App, Effect, FaultDelay, Msg, update};

fn app() -> App {
    let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let d = Dossier::new(&q);
    let api = ApiInfo {
        address: "127.0.0.1:41234".into(),
        base_url: "http://127.0.0.1:41234".into(),
        token_url: "http://127.0.0.1:41234/oauth/token".into(),
        client_id: "cc-test".into(),
        client_secret: crate::checks::Secret::new("not-a-real-secret"),
        ca_pem: None,
    };
    let mut a = App::new(q, d, "d.toml", false).with_api(api);
    assert_eq!(a.faults.delay, FaultDelay::DEFAULT, "a review's faults are unannounced by default");
    // To the question that auth.refresh and auth.token_reuse give evidence for.
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::Char('j'));
    assert_eq!(a.current_question().map(|q| q.id.as_str()), Some("auth.token_refresh"));
    a
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The timer's epoch in `fx`, checking the delay asked for is the session's.
fn timer(app: &App, fx: &[Effect]) -> u64 {
    match fx {
        [Effect::Disarm, Effect::FaultTimer { epoch, delay }] => {
            assert_eq!(*delay, app.faults.delay);
            *epoch
        }
        other => panic!("expected the previous scenario disarmed and a timer: {other:?}"),
    }
}

fn armed(check: &str, origin_us: u64) -> Msg {
    Msg::Armed {
        check: check.parse().expect("a known check"),
        describe: format!("{check}: tokens live 2 s"),
        origin_us,
        at: chrono::DateTime::from_timestamp(1_764_640_000, 0).unwrap_or_default(),
    }
}

fn entry(seq: u64, at_us: u64) -> JournalEntry {
    JournalEntry {
        seq,
        at_us,
        done_us: at_us + 500,
        method: "GET".into(),
        path: "/items".into(),
        status: 200,
        token: Some("tok-1".into()),
        client_name: None,
        trace_id: format!("trace{seq:04}"),
        retry_after_ms: None,
        retry_after_form: None,
        kind: RequestKind::Items { page: 1, last_page: 3 },
    }
}

#[test]
fn arming_is_pending_until_the_timer_fires_then_the_fault_is_in_force() {
    let mut a = app();
    let fx = press(&mut a, KeyCode::Char('r'));
    let epoch = timer(&a, &fx);
    let p = a.faults.pending.as_ref().expect("pending");
    assert_eq!(p.check, "auth.refresh");
    assert!(a.armed.is_none(), "nothing is in force at the keypress");
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("begins unannounced")), "{:?}", a.notice);
    // Nothing to judge yet.
    assert!(press(&mut a, KeyCode::Char('f')).is_empty());
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("has not begun")), "{:?}", a.notice);
    // Requests during the wait are normal traffic: not shown as the scenario's.
    update(&mut a, Msg::Journal { check: None, entry: Box::new(entry(1, 500)) });
    // The timer fires: the runner is asked to arm, and the pane stays pending until it has.
    let fx = update(&mut a, Msg::FaultDue { epoch });
    assert!(matches!(fx.as_slice(), [Effect::Arm { check }] if check == "auth.refresh"), "{fx:?}");
    assert!(a.faults.pending.as_ref().is_some_and(|p| p.due));
    assert!(update(&mut a, Msg::FaultDue { epoch }).is_empty(), "a timer fires once");
    update(&mut a, armed("auth.refresh", 1_000));
    assert!(a.faults.pending.is_none());
    let armed = a.armed.as_ref().expect("in force");
    assert_eq!(armed.check, "auth.refresh");
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("in force since")), "{:?}", a.notice);
    update(
        &mut a,
        Msg::Journal { check: Some(crate::checks::CheckId::AuthRefresh), entry: Box::new(entry(2, 900)) },
    );
    update(
        &mut a,
        Msg::Journal { check: Some(crate::checks::CheckId::AuthRefresh), entry: Box::new(entry(3, 1_200)) },
    );
    let armed = a.armed.as_ref().expect("in force");
    assert_eq!(armed.seen, 1, "only what came after the fault began is its window");
    assert_eq!(armed.journal.entries().map(|e| e.seq).collect::<Vec<_>>(), [3]);
    assert!(
        matches!(press(&mut a, KeyCode::Char('f')).as_slice(), [Effect::Finish { check }] if check == "auth.refresh")
    );
}

#[test]
fn disarming_while_pending_makes_the_timer_do_nothing() {
    let mut a = app();
    let fx = press(&mut a, KeyCode::Char('r'));
    let epoch = timer(&a, &fx);
    let fx = press(&mut a, KeyCode::Char('x'));
    assert!(matches!(fx.as_slice(), [Effect::Disarm]), "{fx:?}");
    assert!(a.faults.pending.is_none());
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("auth.refresh disarmed without filing")));
    assert!(update(&mut a, Msg::FaultDue { epoch }).is_empty(), "the old timer arms nothing");
    assert!(a.armed.is_none() && a.faults.pending.is_none());
}

#[test]
fn a_disarm_after_the_timer_fired_drops_the_runners_late_confirmation() {
    let mut a = app();
    let fx = press(&mut a, KeyCode::Char('r'));
    let epoch = timer(&a, &fx);
    assert!(matches!(update(&mut a, Msg::FaultDue { epoch }).as_slice(), [Effect::Arm { .. }]));
    // x in the same batch, before the runner's Msg::Armed came back: the API is disarmed after
    // the arm, so the confirmation must not show a fault in force.
    assert!(matches!(press(&mut a, KeyCode::Char('x')).as_slice(), [Effect::Disarm]));
    update(&mut a, armed("auth.refresh", 1_000));
    assert!(a.armed.is_none(), "a stale confirmation is dropped");
    // The next arming is confirmed as usual.
    let fx = press(&mut a, KeyCode::Char('r'));
    let epoch = timer(&a, &fx);
    update(&mut a, Msg::FaultDue { epoch });
    update(&mut a, armed("auth.refresh", 2_000));
    assert!(a.armed.is_some());
}

#[test]
fn arming_another_while_pending_starts_a_new_epoch_and_cycles_from_the_pending_one() {
    let mut a = app();
    let fx = press(&mut a, KeyCode::Char('r'));
    let first = timer(&a, &fx);
    // a goes on from the pending scenario to the next one linked to the question.
    let fx = press(&mut a, KeyCode::Char('a'));
    let second = timer(&a, &fx);
    assert_ne!(first, second);
    assert_eq!(a.faults.pending.as_ref().map(|p| p.check.as_str()), Some("auth.token_reuse"));
    assert!(a.notice.as_ref().is_some_and(|n| n.text.contains("auth.refresh disarmed without filing")));
    assert!(update(&mut a, Msg::FaultDue { epoch: first }).is_empty(), "the first timer is void");
    // A late confirmation of the other scenario is stale too.
    update(&mut a, armed("auth.refresh", 500));
    assert!(a.armed.is_none());
    let fx = update(&mut a, Msg::FaultDue { epoch: second });
    assert!(matches!(fx.as_slice(), [Effect::Arm { check }] if check == "auth.token_reuse"), "{fx:?}");
}

#[test]
fn re_arming_while_in_force_disarms_now_and_waits_again() {
    let mut a = app();
    let fx = press(&mut a, KeyCode::Char('r'));
    let epoch = timer(&a, &fx);
    update(&mut a, Msg::FaultDue { epoch });
    update(&mut a, armed("auth.refresh", 1_000));
    let fx = press(&mut a, KeyCode::Char('r'));
    timer(&a, &fx);
    assert!(a.armed.is_none(), "the fault is lifted at the keypress");
    assert!(a.faults.pending.is_some());
}

#[test]
fn zero_delay_arms_at_the_keypress_and_trace_echo_never_waits() {
    let mut a = app().with_fault_delay(FaultDelay::IMMEDIATE);
    assert!(
        matches!(press(&mut a, KeyCode::Char('r')).as_slice(), [Effect::Arm { check }] if check == "auth.refresh")
    );
    assert!(a.faults.pending.is_none());
    let mut a = app();
    while a.current_question().is_some_and(|q| !q.checks.iter().any(|c| c == "trace.echo")) {
        press(&mut a, KeyCode::Char('j'));
    }
    let fx = press(&mut a, KeyCode::Char('r'));
    assert!(fx.iter().any(|e| matches!(e, Effect::Arm { check } if check == "trace.echo")), "{fx:?}");
    assert!(a.faults.pending.is_none(), "trace.echo injects no fault: nothing to hide");
    // No evidence API in the session: the runner's error comes at once, not after a wait.
    let mut a = app();
    a.api = None;
    assert!(matches!(press(&mut a, KeyCode::Char('r')).as_slice(), [Effect::Arm { .. }]));
}

/// While webhook.fallback watches the API for the partner's fetch, no scenario is armed: its
/// fault would answer that fetch. Once the fallback's verdict is in, arming works again.
#[test]
fn no_scenario_is_armed_while_webhook_fallback_watches_the_api() {
    use crate::checks::{CheckEvent, CheckResult, Verdict};
    let mut a = app();
    let at = chrono::Utc::now();
    update(&mut a, Msg::Check { event: CheckEvent::Started { id: "webhook.fallback".into() }, at });
    let fx = press(&mut a, KeyCode::Char('r'));
    assert!(fx.is_empty(), "nothing armed, no timer: {fx:?}");
    assert!(a.faults.pending.is_none() && a.armed.is_none());
    assert!(
        a.notice.as_ref().is_some_and(|n| n.error && n.text.contains("webhook.fallback is watching the API")),
        "{:?}",
        a.notice
    );
    let done = CheckResult::new("webhook.fallback", Verdict::Pass, "fetched");
    update(&mut a, Msg::Check { event: CheckEvent::Finished(done), at });
    let fx = press(&mut a, KeyCode::Char('r'));
    timer(&a, &fx);
    assert!(a.faults.pending.is_some());
}

//! The cockpit running real live checks: the TUI's runner with the session's `LiveChecks`
//! launcher, driven by synthetic keys, against the built-in demo peers on loopback (the
//! listener verifies with the independent `standardwebhooks` crate). The evidence lands in the
//! dossier on disk, and the secret appears neither there nor on screen.

use std::time::Duration;

use certcockpit::checks::{Secret, Verdict};
use certcockpit::demo::{Behaviour, listener::DemoListener};
use certcockpit::dossier::{DossierStore, load};
use certcockpit::session::LiveChecks;
use certcockpit::ui::{App, Msg, Runner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const LIMIT: Duration = Duration::from_secs(30);
const SECRET: &str = "whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1jb2NrcGl0LTEyMw==";
const SECRET_VAR: &str = "CERTCOCKPIT_TEST_WEBHOOK_SECRET";

fn key(runner: &Runner<TestBackend>, code: KeyCode) {
    runner.sender().send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).expect("send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_runs_the_linked_webhook_checks_and_files_their_evidence() {
    let behaviour = Behaviour::new(false);
    let listener = DemoListener::start(&Secret::new(SECRET), behaviour.clone()).await.expect("listener");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (store, mut dossier, created) = DossierStore::open(&path, &q).expect("open");
    dossier.settings.webhook.url = listener.url();
    dossier.settings.webhook.secret_env = SECRET_VAR.into();
    dossier.settings.webhook.deadline_secs = 3.0;
    let mut app = App::new(q, dossier, "d.toml", created);
    // The secret is in memory (with_secret), not from the environment: nothing to ask.
    app.consent.remember(&listener.url(), SECRET_VAR, true);
    let launcher = LiveChecks::new().with_secret(SECRET_VAR, Secret::new(SECRET));
    let mut runner =
        launcher.install(Runner::new(Terminal::new(TestBackend::new(120, 40)).expect("terminal"), store));

    // Section 5 (Webhooks), second question: signature validation → webhook.signature + replay.
    for _ in 0..4 {
        key(&runner, KeyCode::Char('l'));
    }
    key(&runner, KeyCode::Char('j'));
    key(&runner, KeyCode::Char('r'));
    let filed = |app: &App, n: usize| app.dossier.evidence.len() >= n;
    tokio::time::timeout(LIMIT, runner.run_until(&mut app, |a| filed(a, 2)))
        .await
        .expect("checks end in time")
        .expect("runner");
    let verdicts: Vec<_> = app.dossier.evidence.iter().map(|e| (e.check.clone(), e.verdict)).collect();
    assert!(verdicts.contains(&("webhook.signature".into(), Verdict::Pass)), "{verdicts:?}");
    assert!(verdicts.contains(&("webhook.replay".into(), Verdict::Pass)), "{verdicts:?}");

    // The partner's listener turns naive: the same key now files failures.
    behaviour.set_flawed(true);
    key(&runner, KeyCode::Char('r'));
    tokio::time::timeout(LIMIT, runner.run_until(&mut app, |a| filed(a, 4)))
        .await
        .expect("checks end in time")
        .expect("runner");
    let latest = app.dossier.latest_evidence("webhook.signature").expect("filed");
    assert_eq!(latest.verdict, Verdict::Fail, "{}", latest.summary);
    let screen = runner.terminal().backend().to_string();
    assert!(screen.contains("webhook.signature"), "{screen}");

    key(&runner, KeyCode::Char('q'));
    tokio::time::timeout(LIMIT, runner.run(&mut app)).await.expect("quits").expect("runner");
    let on_disk = load(&path).expect("dossier");
    assert_eq!(on_disk.evidence.len(), 4);
    let text = std::fs::read_to_string(&path).expect("read");
    let key_part = SECRET.trim_start_matches("whsec_");
    assert!(!text.contains(key_part), "the secret reached the dossier");
    assert!(text.contains(SECRET_VAR), "the variable name is recorded");
    assert!(!screen.contains(key_part), "the secret reached the screen");
}

//! The runner driven by synthetic keys on a `TestBackend`: the real update loop, the real
//! store on a temp folder, and a test launcher whose checks take their time — to show the UI
//! keeps working (typing, autosaving) while checks run, and files their evidence.

use std::sync::Arc;
use std::time::Duration;

use certcockpit::checks::{CheckEvent, CheckResult, ProgressSink, Verdict};
use certcockpit::dossier::{DossierStore, Settings, load};
use certcockpit::ui::{App, CheckLauncher, CheckSink, Msg, Runner, SaveState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::{Semaphore, mpsc::UnboundedSender};

const LIMIT: Duration = Duration::from_secs(20);

fn open(dir: &std::path::Path) -> (Runner<TestBackend>, App, std::path::PathBuf) {
    let path = dir.join("d.toml");
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (store, dossier, created) = DossierStore::open(&path, &q).expect("open");
    let app = App::new(q, dossier, "d.toml", created);
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    (Runner::new(terminal, store), app, path)
}

fn send(tx: &UnboundedSender<Msg>, code: KeyCode) {
    tx.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).expect("send");
}

fn type_text(tx: &UnboundedSender<Msg>, text: &str) {
    for c in text.chars() {
        send(tx, KeyCode::Char(c));
    }
}

fn screen(runner: &Runner<TestBackend>) -> String {
    runner.terminal().backend().to_string()
}

async fn until(runner: &mut Runner<TestBackend>, app: &mut App, what: impl Fn(&App) -> bool) {
    let quit = tokio::time::timeout(LIMIT, runner.run_until(app, what))
        .await
        .expect("the UI reached the expected state in time")
        .expect("runner");
    assert!(!quit, "quit early");
}

async fn quit(runner: &mut Runner<TestBackend>, app: &mut App) {
    send(&runner.sender(), KeyCode::Char('q'));
    tokio::time::timeout(LIMIT, runner.run(app)).await.expect("quits in time").expect("runner");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_answer_is_saved_on_quit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut runner, mut app, path) = open(dir.path());
    let tx = runner.sender();
    send(&tx, KeyCode::Enter);
    type_text(&tx, "Grades flow nightly");
    send(&tx, KeyCode::Enter);
    type_text(&tx, "second line");
    send(&tx, KeyCode::Esc);
    send(&tx, KeyCode::Char('q'));
    tokio::time::timeout(LIMIT, runner.run(&mut app)).await.expect("quits in time").expect("runner");

    let d = load(&path).expect("valid dossier");
    assert_eq!(d.answers["overview.use_case"].answer, "Grades flow nightly\nsecond line");
    let s = screen(&runner);
    assert!(s.contains("Integration Overview"), "{s}");
    assert!(s.contains("Grades flow nightly"), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_launcher_r_says_checks_are_not_available() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut runner, mut app, _) = open(dir.path());
    let tx = runner.sender();
    send(&tx, KeyCode::Char('l'));
    send(&tx, KeyCode::Char('j'));
    send(&tx, KeyCode::Char('r'));
    until(&mut runner, &mut app, |a| a.notice.is_some()).await;
    let s = screen(&runner);
    assert!(s.contains("the evidence API is not running in this session"), "{s}");
    // A webhook question: the webhook checks have no runner either.
    for _ in 0..3 {
        send(&tx, KeyCode::Tab);
    }
    send(&tx, KeyCode::Char('r'));
    until(&mut runner, &mut app, |a| a.notice.as_ref().is_some_and(|n| n.text.contains("build"))).await;
    let s = screen(&runner);
    assert!(s.contains("live checks are not available in this build"), "{s}");
    quit(&mut runner, &mut app).await;
}

/// Runs every check it is given on a task: started, a progress line, then it waits for the
/// test to release it and finishes with a pass (or a fail for `auth.token_reuse`).
struct SlowLauncher {
    release: Arc<Semaphore>,
    /// The check ids it runs start with this.
    family: &'static str,
}

impl CheckLauncher for SlowLauncher {
    fn supports(&self, id: &str) -> bool {
        id.starts_with(self.family)
    }

    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String> {
        let deadline = settings.webhook.deadline_secs;
        for id in ids {
            let sink = sink.clone();
            let release = Arc::clone(&self.release);
            tokio::spawn(async move {
                sink.send(CheckEvent::Started { id: id.clone() });
                tokio::time::sleep(Duration::from_millis(50)).await;
                sink.send(CheckEvent::Progress { id: id.clone(), message: "first token issued".into() });
                let Ok(_permit) = release.acquire().await else { return };
                let verdict = if id == "webhook.replay" { Verdict::Fail } else { Verdict::Pass };
                let result = CheckResult::new(id.as_str(), verdict, format!("{id} judged"))
                    .figure("tokens", 2usize)
                    .figure("deadline_s", deadline);
                sink.send(CheckEvent::Finished(result));
            });
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_run_while_the_reviewer_keeps_working_and_their_evidence_is_filed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (runner, mut app, path) = open(dir.path());
    let release = Arc::new(Semaphore::new(0));
    let mut runner =
        runner.with_launcher(Arc::new(SlowLauncher { release: Arc::clone(&release), family: "webhook." }));
    let tx = runner.sender();

    // On "Do you validate webhook signatures…": two linked checks.
    for _ in 0..4 {
        send(&tx, KeyCode::Tab);
    }
    send(&tx, KeyCode::Char('j'));
    send(&tx, KeyCode::Char('r'));
    until(&mut runner, &mut app, |a| {
        a.running.len() == 2 && a.running.values().all(|r| !r.last.is_empty() && r.last != "started")
    })
    .await;
    let s = screen(&runner);
    assert!(s.contains("running"), "{s}");
    assert!(s.contains("first token issued"), "{s}");

    // The checks are still running: typing works and is autosaved meanwhile.
    send(&tx, KeyCode::Enter);
    type_text(&tx, "svix verifies them");
    send(&tx, KeyCode::Esc);
    until(&mut runner, &mut app, |a| {
        a.dossier.answer("webhooks.signature").is_some_and(|x| x.answer == "svix verifies them")
            && a.save == SaveState::Clean
    })
    .await;
    assert_eq!(app.running.len(), 2, "checks still running");
    let on_disk = load(&path).expect("autosaved dossier");
    assert_eq!(on_disk.answers["webhooks.signature"].answer, "svix verifies them");
    assert!(on_disk.evidence.is_empty());

    // Let them finish: evidence is filed, shown and autosaved.
    release.add_permits(2);
    until(&mut runner, &mut app, |a| {
        a.running.is_empty() && a.dossier.evidence.len() == 2 && a.save == SaveState::Clean
    })
    .await;
    let s = screen(&runner);
    assert!(s.contains("✔ pass") && s.contains("webhook.signature judged"), "{s}");
    assert!(s.contains("✘ fail") && s.contains("webhook.replay"), "{s}");
    let on_disk = load(&path).expect("autosaved dossier");
    let e = on_disk.latest_evidence("webhook.signature").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass);
    assert_eq!(e.figures.get("tokens").map(ToString::to_string).as_deref(), Some("2"));
    assert_eq!(on_disk.latest_evidence("webhook.replay").map(|e| e.verdict), Some(Verdict::Fail));

    quit(&mut runner, &mut app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launcher_without_a_runner_for_a_check_says_which() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (runner, mut app, _) = open(dir.path());
    let release = Arc::new(Semaphore::new(10));
    let mut runner = runner.with_launcher(Arc::new(SlowLauncher { release, family: "auth." }));
    let tx = runner.sender();
    // Section 5, question 1: webhook checks, which this launcher does not run.
    for _ in 0..4 {
        send(&tx, KeyCode::Tab);
    }
    send(&tx, KeyCode::Char('r'));
    until(&mut runner, &mut app, |a| a.notice.is_some()).await;
    let notice = app.notice.clone().expect("notice");
    assert!(notice.error && notice.text.contains("no runner for webhook."), "{notice:?}");
    quit(&mut runner, &mut app).await;
}

//! The cockpit with the session's evidence API: the TUI's runner with `LiveChecks`, driven by
//! synthetic keys on a `TestBackend`, against a real client on loopback (the built-in Rust sync
//! client, plain reqwest). Arming shows the journal live, finishing files the evidence, the
//! retry chart is drawn, `trace.echo` is marked by the reviewer, and in demo mode the demo
//! client runs by itself. The client secret and the webhook secret never reach the dossier or
//! the main screen.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use certcockpit::checks::Verdict;
use certcockpit::checks::api::EvidenceApi;
use certcockpit::demo::client::{self, ClientConfig};
use certcockpit::demo::listener::DemoListener;
use certcockpit::demo::{Behaviour, WEBHOOK_SECRET_VAR, generate_secret};
use certcockpit::dossier::DossierStore;
use certcockpit::session::LiveChecks;
use certcockpit::ui::{ApiInfo, App, FaultDelay, Msg, Runner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const LIMIT: Duration = Duration::from_secs(30);

struct Session {
    runner: Runner<TestBackend>,
    app: App,
    path: PathBuf,
    api: Arc<EvidenceApi>,
    secret: String,
    _dir: tempfile::TempDir,
}

async fn session(width: u16, height: u16, launcher: impl FnOnce(Arc<EvidenceApi>) -> LiveChecks) -> Session {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (store, dossier, created) = DossierStore::open(&path, &q).expect("open");
    let api = Arc::new(EvidenceApi::start("127.0.0.1:0").await.expect("api"));
    let info = ApiInfo::from_api(&api);
    let secret = api.credentials().1.expose().to_owned();
    // Faults begin at the keypress: these tests are about other things, except
    // `a_delayed_fault_begins_unannounced_and_only_its_window_is_judged`, which sets its delay.
    let app = App::new(q, dossier, "d.toml", created).with_api(info).with_fault_delay(FaultDelay::IMMEDIATE);
    let runner = launcher(Arc::clone(&api))
        .install(Runner::new(Terminal::new(TestBackend::new(width, height)).expect("terminal"), store));
    Session { runner, app, path, api, secret, _dir: dir }
}

impl Session {
    fn key(&self, code: KeyCode) {
        self.runner.sender().send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).expect("send");
    }

    async fn until(&mut self, what: impl Fn(&App) -> bool) {
        let quit = tokio::time::timeout(LIMIT, self.runner.run_until(&mut self.app, what))
            .await
            .expect("the UI reached the expected state in time")
            .expect("runner");
        assert!(!quit, "quit early");
    }

    /// The screen, checked never to show the client secret outside the credentials popup.
    fn screen(&self) -> String {
        let s = self.runner.terminal().backend().to_string();
        // Only the revealed credentials popup may draw the secret (masked by default).
        if !matches!(self.app.mode, certcockpit::ui::Mode::Credentials(certcockpit::ui::Reveal::Shown { .. }))
        {
            assert!(!s.contains(&self.secret), "the client secret reached the screen unrevealed:\n{s}");
        }
        s
    }

    async fn goto(&mut self, question: &str) {
        let order: Vec<String> =
            self.app.questionnaire.sections.iter().flat_map(|s| &s.questions).map(|q| q.id.clone()).collect();
        let at = |id: &str| order.iter().position(|q| q == id).expect("a question of the questionnaire");
        let target = at(question);
        while self.app.current_question().map(|q| q.id.as_str()) != Some(question) {
            let here = at(&self.app.current_question().expect("a question").id);
            self.key(KeyCode::Char(if here < target { 'j' } else { 'k' }));
            let before = self.app.current_question().map(|q| q.id.clone());
            self.until(move |a| a.current_question().map(|q| q.id.clone()) != before).await;
        }
    }

    fn client(&self, flawed: bool) -> tokio::task::JoinHandle<()> {
        let cfg = ClientConfig::for_api(&self.api);
        tokio::spawn(async move {
            let _ = client::run(cfg, flawed).await;
        })
    }

    async fn quit(mut self) -> (String, Session) {
        self.key(KeyCode::Char('q'));
        tokio::time::timeout(LIMIT, self.runner.run(&mut self.app)).await.expect("quits").expect("runner");
        let text = std::fs::read_to_string(&self.path).expect("dossier written");
        assert!(!text.contains(&self.secret), "the client secret reached the dossier");
        (text, self)
    }
}

fn items_seen(app: &App, status: u16) -> usize {
    app.armed
        .as_ref()
        .map_or(0, |a| a.journal.entries().filter(|e| e.is_items() && e.status == status).count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arm_watch_the_journal_live_finish_and_file_with_the_chart() {
    let mut s = session(100, 30, |api| LiveChecks::new().with_api(api)).await;
    s.goto("retries.mechanism").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.armed.is_some()).await;
    let screen = s.screen();
    assert!(screen.contains("ARMED retry.backoff"), "{screen}");
    assert!(screen.contains("waiting for the partner's client"), "{screen}");
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains("API 127.0.0.1:"), "the status line shows the API's address:\n{screen}");
    assert!(status.contains("? help"), "{screen}");

    // The partner runs their job by hand; the requests show up as they arrive.
    let client = s.client(false);
    s.until(|a| items_seen(a, 503) + items_seen(a, 500) >= 2).await;
    let screen = s.screen();
    assert!(screen.contains("GET /items -> 503"), "{screen}");
    assert!(screen.contains("Retry timeline (live)"), "{screen}");
    client.await.expect("client ran");
    s.until(|a| items_seen(a, 200) >= 3).await;

    s.key(KeyCode::Char('f'));
    s.until(|a| a.dossier.latest_evidence("retry.backoff").is_some()).await;
    assert!(s.app.armed.is_none(), "finishing disarms");
    let e = s.app.dossier.latest_evidence("retry.backoff").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass, "{}", e.summary);
    assert!(e.figures.contains_key("timeline_at_ms"), "{:?}", e.figures);
    let screen = s.screen();
    assert!(screen.contains("✔ pass") && screen.contains("Retry timeline (retry.backoff"), "{screen}");

    // The credentials popup is the one place the secret shows, masked until revealed.
    use certcockpit::ui::{Mode, Reveal};
    s.key(KeyCode::Char('c'));
    s.until(|a| a.mode == Mode::Credentials(Reveal::Masked)).await;
    let popup = s.screen();
    let tail: String = s.secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    assert!(popup.contains(&format!("••••••{tail}")) && popup.contains("/oauth/token"), "{popup}");
    assert!(popup.contains("reveal"), "the status line names the reveal key:\n{popup}");
    s.key(KeyCode::Char(certcockpit::ui::REVEAL_KEY));
    s.until(|a| matches!(a.mode, Mode::Credentials(Reveal::Shown { .. }))).await;
    let shown = s.screen();
    assert!(shown.contains(&s.secret), "{shown}");
    s.key(KeyCode::Down);
    s.until(|a| a.mode == Mode::Credentials(Reveal::Masked)).await;
    s.screen();
    s.key(KeyCode::Esc);
    s.until(|a| a.mode == Mode::Browse).await;
    s.screen();

    let (text, _) = s.quit().await;
    let d: certcockpit::dossier::Dossier = toml::from_str(&text).expect("valid dossier");
    assert_eq!(d.latest_evidence("retry.backoff").map(|e| e.verdict), Some(Verdict::Pass));
}

/// With the session's fault delay, `r` only makes the scenario pending: the API serves normal
/// traffic, the screen says the fault begins unannounced and not when; then the fault comes
/// into force by itself and the judge reads only what came after. A full sync during the wait
/// and another after: `pagination.complete` passes, so the first run's pages (which would be
/// fetched twice) are not in its window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delayed_fault_begins_unannounced_and_only_its_window_is_judged() {
    let mut s = session(100, 30, |api| LiveChecks::new().with_api(api)).await;
    let wait = Duration::from_secs(2);
    s.app.faults.delay = FaultDelay { min: wait, max: wait };
    s.goto("endpoints.used").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.faults.pending.is_some()).await;
    let screen = s.screen();
    assert!(screen.contains("ARMED pagination.complete — begins unannounced"), "{screen}");
    assert!(!screen.contains("since"), "nothing says when the fault begins:\n{screen}");
    assert!(s.api.armed().is_none(), "normal traffic while pending");
    s.client(false).await.expect("client ran");
    assert!(s.app.faults.pending.is_some() && s.api.armed().is_none(), "the first sync ran before the fault");
    s.until(|a| a.armed.is_some()).await;
    assert_eq!(s.api.armed().map(|sc| sc.check_id), Some("pagination.complete"));
    let screen = s.screen();
    assert!(screen.contains("ARMED pagination.complete") && screen.contains("since"), "{screen}");
    s.client(false).await.expect("client ran");
    s.until(|a| items_seen(a, 200) >= 3).await;
    s.key(KeyCode::Char('f'));
    s.until(|a| a.dossier.latest_evidence("pagination.complete").is_some()).await;
    let e = s.app.dossier.latest_evidence("pagination.complete").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass, "{}", e.summary);
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disarming_files_nothing_and_trace_echo_is_marked_by_the_reviewer() {
    let mut s = session(80, 24, |api| LiveChecks::new().with_api(api)).await;
    s.goto("logging.trace_id").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.armed.as_ref().is_some_and(|x| x.check == "trace.echo")).await;
    s.client(false).await.expect("client ran");
    s.until(|a| a.armed.as_ref().is_some_and(|x| x.journal.entries().count() >= 4)).await;
    let shown = s
        .app
        .armed
        .as_ref()
        .and_then(|a| a.journal.last_entry())
        .map(|e| e.trace_id.clone())
        .expect("served");
    assert_eq!(s.api.last_trace_id().as_deref(), Some(shown.as_str()));
    let screen = s.screen();
    assert!(
        screen.contains("find this X-Trace-Id") && screen.contains(&shown),
        "the trace id to find is shown:\n{screen}"
    );

    // `f` does not judge trace.echo (a person must); `y` marks it found.
    s.key(KeyCode::Char('f'));
    s.key(KeyCode::Char('y'));
    s.until(|a| a.dossier.latest_evidence("trace.echo").is_some()).await;
    let e = s.app.dossier.latest_evidence("trace.echo").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass);
    assert_eq!(e.figures["trace_id"].to_string(), shown);
    assert!(s.api.armed().is_none(), "marking disarms the API too");

    // Arm and disarm: nothing filed.
    s.goto("retries.count").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.armed.is_some()).await;
    s.key(KeyCode::Char('x'));
    s.until(|a| a.armed.is_none()).await;
    assert!(s.app.dossier.latest_evidence("retry.limit").is_none());
    s.key(KeyCode::Char('N'));
    s.until(|a| a.notice.as_ref().is_some_and(|n| n.text.contains("trace.echo"))).await;
    let (text, _) = s.quit().await;
    assert!(text.contains("trace.echo"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_runs_the_demo_client_and_judges_good_then_flawed() {
    let behaviour = Behaviour::new(false);
    let webhook_secret = generate_secret();
    let listener = DemoListener::start(&webhook_secret, behaviour.clone()).await.expect("listener");
    let (b, ws) = (behaviour.clone(), webhook_secret.clone());
    let mut s = session(100, 30, move |api| {
        LiveChecks::new().with_api(api).with_demo(b).with_secret(WEBHOOK_SECRET_VAR, ws)
    })
    .await;
    s.app.demo_flawed = Some(false);
    s.app.dossier.settings.webhook.url = listener.url();
    s.app.dossier.settings.webhook.secret_env = WEBHOOK_SECRET_VAR.into();
    // As `certcockpit demo` does: its own listener and generated secret need no consent.
    s.app.consent.remember(&listener.url(), WEBHOOK_SECRET_VAR, true);
    s.app.dossier.settings.webhook.deadline_secs = 3.0;

    // The good client: X-Client-Name is judged and becomes the answer.
    s.goto("auth.client_name").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.dossier.latest_evidence("headers.client_name").is_some()).await;
    let e = s.app.dossier.latest_evidence("headers.client_name").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass, "{}", e.summary);
    let answer = s.app.dossier.answer("auth.client_name").map(|a| a.answer.clone()).unwrap_or_default();
    assert!(answer.starts_with(client::CLIENT_NAME), "{answer}");
    assert!(s.screen().contains("DEMO ✔ good peers"));

    s.goto("endpoints.used").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.dossier.latest_evidence("pagination.complete").is_some()).await;
    let e = s.app.dossier.latest_evidence("pagination.complete").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass, "{}", e.summary);

    // Flawed peers: the same scenario now fails (a arms the first API check of the question).
    s.key(KeyCode::Char('d'));
    s.until(|a| a.demo_flawed == Some(true)).await;
    assert!(behaviour.is_flawed());
    assert!(s.screen().contains("DEMO ✘ FLAWED peers"));
    s.key(KeyCode::Char('a'));
    s.until(|a| a.dossier.evidence.iter().filter(|e| e.check == "pagination.complete").count() == 2).await;
    let e = s.app.dossier.latest_evidence("pagination.complete").expect("filed");
    assert_eq!(e.verdict, Verdict::Fail, "{}", e.summary);

    // Webhook checks run against the demo listener, flawed now.
    s.goto("webhooks.signature").await;
    s.key(KeyCode::Char('r'));
    s.until(|a| a.dossier.latest_evidence("webhook.signature").is_some() && a.running.is_empty()).await;
    let e = s.app.dossier.latest_evidence("webhook.signature").expect("filed");
    assert_eq!(e.verdict, Verdict::Fail, "{}", e.summary);

    let screen = s.screen();
    let key_part = webhook_secret.expose().trim_start_matches("whsec_").to_owned();
    assert!(!screen.contains(&key_part), "the webhook secret reached the screen");
    let (text, _) = s.quit().await;
    assert!(!text.contains(&key_part), "the webhook secret reached the dossier");
}

/// The demo as a new user would use it, at 80×24: on every question with live checks, `r`
/// (and `y` for the trace id) until each linked check has a verdict. With the good peers every
/// check passes — webhook checks against the demo listener, API checks with the demo client —
/// except `polling.rate`, judged over the session's traffic: reached early, it is
/// inconclusive ("too little traffic") and says to run the other checks first; run again at
/// the end, over everything the session saw, it passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_every_live_check_to_a_verdict() {
    let behaviour = Behaviour::new(false);
    let webhook_secret = generate_secret();
    let listener = DemoListener::start(&webhook_secret, behaviour.clone()).await.expect("listener");
    let ws = webhook_secret.clone();
    let mut s = session(80, 24, move |api| {
        LiveChecks::new().with_api(api).with_demo(behaviour).with_secret(WEBHOOK_SECRET_VAR, ws)
    })
    .await;
    s.app.demo_flawed = Some(false);
    s.app.dossier.settings.webhook.url = listener.url();
    s.app.dossier.settings.webhook.secret_env = WEBHOOK_SECRET_VAR.into();
    // As `certcockpit demo` does: its own listener and generated secret need no consent, and
    // the listener reconciles missed events from the session's API (webhook.fallback).
    s.app.consent.remember(&listener.url(), WEBHOOK_SECRET_VAR, true);
    listener.reconcile_with(Arc::clone(&s.api));

    let questions: Vec<(String, Vec<String>)> = s
        .app
        .questionnaire
        .sections
        .iter()
        .flat_map(|sec| &sec.questions)
        .filter(|q| !q.checks.is_empty())
        .map(|q| (q.id.clone(), q.checks.clone()))
        .collect();
    let mut polling = None;
    for (question, checks) in questions {
        s.goto(&question).await;
        for _ in 0..checks.len() + 1 {
            let missing: Vec<String> =
                checks.iter().filter(|c| s.app.dossier.latest_evidence(c).is_none()).cloned().collect();
            if missing.is_empty() {
                break;
            }
            s.key(KeyCode::Char('r'));
            s.until(|a| a.armed.is_some() || !a.running.is_empty()).await;
            if s.app.armed.as_ref().is_some_and(|a| a.check == "trace.echo") {
                s.until(|a| a.armed.as_ref().is_some_and(|x| !x.journal.is_empty())).await;
                s.until(|a| a.notice.as_ref().is_some_and(|n| n.text.contains("demo client"))).await;
                s.key(KeyCode::Char('y'));
            }
            let before = s.app.dossier.evidence.len();
            s.until(move |a| a.armed.is_none() && a.running.is_empty() && a.dossier.evidence.len() > before)
                .await;
        }
        for c in &checks {
            let e =
                s.app.dossier.latest_evidence(c).unwrap_or_else(|| panic!("{question}: {c} has no verdict"));
            if c == "polling.rate" {
                assert_eq!(e.verdict, Verdict::Inconclusive, "{question}: {c}: {}", e.summary);
                assert!(e.summary.contains("run the other checks first"), "{question}: {c}: {}", e.summary);
                polling = Some(question.clone());
            } else if c == "webhook.transport" {
                // The demo's listener is plain http on loopback.
                assert_eq!(e.verdict, Verdict::Inconclusive, "{question}: {c}: {}", e.summary);
                assert!(e.summary.contains("testing locally"), "{question}: {c}: {}", e.summary);
            } else {
                assert_eq!(e.verdict, Verdict::Pass, "{question}: {c}: {}", e.summary);
            }
        }
    }
    // As the inconclusive summary says: polling.rate again, now that the session has traffic.
    let question = polling.expect("a question asks for polling.rate");
    s.goto(&question).await;
    let runs = |a: &App| a.dossier.evidence.iter().filter(|e| e.check == "polling.rate").count();
    let before = runs(&s.app);
    s.key(KeyCode::Char('r'));
    s.until(move |a| a.armed.is_none() && a.running.is_empty() && runs(a) > before).await;
    let e = s.app.dossier.latest_evidence("polling.rate").expect("filed");
    assert_eq!(e.verdict, Verdict::Pass, "polling.rate over the session: {}", e.summary);
    let ids: std::collections::BTreeSet<&str> =
        s.app.dossier.evidence.iter().map(|e| e.check.as_str()).collect();
    // webhook.rotation is linked only by the Okendo questionnaire (Svix rotates secrets with
    // several signatures in one header); the demo opens UNIwise's.
    let elsewhere = ["webhook.rotation"];
    for c in certcockpit::checks::CheckId::ALL {
        if !elsewhere.contains(&c.as_str()) {
            assert!(ids.contains(c.as_str()), "{c} never ran in the demo");
        }
    }
    s.quit().await;
}

//! `webhook.fallback` from the cockpit: `r` on UNIwise's fallback question announces the
//! session's evidence API's resources to the partner's listener, withholds one and watches the
//! API's journal. Against tests/peers/fallback_listener.py (standardwebhooks to verify,
//! requests to call the API, pointed at the session's API as a partner would be): one that
//! reconciles the gap passes, one that fetches only what it was told about fails. What the
//! session lacks (a webhook URL, the API; proxy mode) is an inconclusive verdict saying so.
//! The verdict and its evidence land in the dossier on disk (sidecar, verifiable), and the
//! secret reaches neither the dossier nor the screen.

use std::process::{Child, Command};
use std::sync::Arc;
use std::time::Duration;

use certcockpit::checks::api::EvidenceApi;
use certcockpit::checks::api::headless::{ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TOKEN_URL};
use certcockpit::checks::webhook::wait_for_listener;
use certcockpit::checks::{Secret, Verdict};
use certcockpit::dossier::{DossierStore, load};
use certcockpit::session::LiveChecks;
use certcockpit::ui::{ApiInfo, App, Msg, Runner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::support;

const LIMIT: Duration = Duration::from_secs(30);
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_VAR: &str = "CERTCOCKPIT_TEST_FALLBACK_SECRET";
const QUESTION: &str = "webhooks.fallback";

/// The Python listener in `mode`, pointed at `api` as `check --exec` would point it; killed
/// when dropped.
struct Listener {
    child: Child,
    url: String,
}

impl Listener {
    async fn start(mode: &str, api: &EvidenceApi) -> Self {
        let port = support::free_loopback_port();
        let (id, secret) = api.credentials();
        let child = Command::new(support::python())
            .arg(support::peer("fallback_listener.py"))
            .args([mode, "--port", &port.to_string(), "--secret-env", SECRET_VAR])
            .env(SECRET_VAR, SECRET)
            .env(ENV_BASE_URL, api.base_url())
            .env(ENV_TOKEN_URL, api.token_url())
            .env(ENV_CLIENT_ID, id)
            .env(ENV_CLIENT_SECRET, secret.expose())
            .spawn()
            .expect("python peer (scripts/test sets up target/peers/venv)");
        let url = format!("http://127.0.0.1:{port}/hook");
        let parsed = reqwest::Url::parse(&url).expect("url");
        let l = Self { child, url };
        assert!(
            wait_for_listener(&parsed, Duration::from_secs(15)).await,
            "fallback_listener.py did not listen (needs standardwebhooks and requests: scripts/test)"
        );
        l
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Cockpit {
    runner: Runner<TestBackend>,
    app: App,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// The cockpit on a new UNIwise dossier, its webhook target `url` with a `window_secs`
/// fallback window, with `api` as the session's evidence API (if any), on the fallback question.
async fn cockpit(url: &str, window_secs: f64, api: Option<Arc<EvidenceApi>>) -> Cockpit {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (store, mut dossier, created) = DossierStore::open(&path, &q).expect("open");
    let w = &mut dossier.settings.webhook;
    w.url = url.to_owned();
    w.secret_env = SECRET_VAR.into();
    w.deadline_secs = 3.0;
    w.fallback_window_secs = Some(window_secs);
    let mut app = App::new(q, dossier, "d.toml", created);
    app.consent.remember(url, SECRET_VAR, true);
    let mut live = LiveChecks::new().with_secret(SECRET_VAR, Secret::new(SECRET));
    if let Some(api) = api {
        app = app.with_api(ApiInfo::from_api(&api));
        live = live.with_api(api);
    }
    let runner =
        live.install(Runner::new(Terminal::new(TestBackend::new(120, 40)).expect("terminal"), store));
    let mut c = Cockpit { runner, app, path, _dir: dir };
    c.goto(QUESTION).await;
    c
}

impl Cockpit {
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

    async fn goto(&mut self, question: &str) {
        while self.app.current_question().map(|q| q.id.as_str()) != Some(question) {
            let before = self.app.current_question().map(|q| q.id.clone());
            self.key(KeyCode::Char('j'));
            self.until(move |a| a.current_question().map(|q| q.id.clone()) != before).await;
        }
    }

    /// `r`, and the fallback verdict filed (the `n`th); the screen while it watched the API, if
    /// it was seen doing so.
    async fn run(&mut self, n: usize) -> (certcockpit::dossier::Evidence, Option<String>) {
        self.key(KeyCode::Char('r'));
        let filed =
            move |a: &App| a.dossier.evidence.iter().filter(|e| e.check == "webhook.fallback").count() >= n;
        let watching =
            |a: &App| a.running.get("webhook.fallback").is_some_and(|r| r.last.contains("watching"));
        self.until(move |a| watching(a) || filed(a)).await;
        let running = watching(&self.app).then(|| self.runner.terminal().backend().to_string());
        self.until(move |a| filed(a) && a.running.is_empty()).await;
        (self.app.dossier.latest_evidence("webhook.fallback").expect("filed").clone(), running)
    }

    /// Quits; the dossier's text, and its folder (kept until dropped).
    async fn quit(mut self) -> (String, std::path::PathBuf, tempfile::TempDir) {
        self.key(KeyCode::Char('q'));
        tokio::time::timeout(LIMIT, self.runner.run(&mut self.app)).await.expect("quits").expect("runner");
        let text = std::fs::read_to_string(&self.path).expect("dossier written");
        assert!(!text.contains(SECRET.trim_start_matches("whsec_")), "the secret reached the dossier");
        (text, self.path, self._dir)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconciling_listener_passes_from_the_cockpit_and_one_without_a_fallback_fails() {
    let api = Arc::new(EvidenceApi::start("127.0.0.1:0").await.expect("api"));
    let good = Listener::start("reconcile", &api).await;
    let mut c = cockpit(&good.url, 10.0, Some(Arc::clone(&api))).await;
    let (e, running) = c.run(1).await;
    assert_eq!(e.verdict, Verdict::Pass, "{}", e.summary);
    assert!(e.summary.contains("item-0002") && e.summary.contains("GET /items"), "{}", e.summary);
    assert!(e.sidecar.is_some(), "the journal and deliveries are kept beside the dossier");
    if let Some(screen) = running {
        assert!(screen.contains("webhook.fallback"), "progress shown while it runs:\n{screen}");
        assert!(!screen.contains(SECRET.trim_start_matches("whsec_")), "{screen}");
    }
    drop(good);

    // The same session, the partner's listener now without a fallback.
    let thin = Listener::start("thin", &api).await;
    c.app.dossier.settings.webhook.url = thin.url.clone();
    c.app.dossier.settings.webhook.fallback_window_secs = Some(3.0);
    c.app.consent.remember(&thin.url, SECRET_VAR, true);
    let (e, running) = c.run(2).await;
    assert_eq!(e.verdict, Verdict::Fail, "{}", e.summary);
    let screen = running.expect("a 3 s window is seen running");
    assert!(screen.contains("webhook.fallback") && screen.contains("watching"), "progress:\n{screen}");
    assert!(e.summary.contains("never fetched it"), "{}", e.summary);
    let screen = c.runner.terminal().backend().to_string();
    assert!(screen.contains("webhook.fallback"), "{screen}");

    let (_, path, _dir) = c.quit().await;
    let d = load(&path).expect("dossier");
    let verdicts: Vec<_> = d.evidence.iter().map(|e| (e.check.as_str(), e.verdict)).collect();
    assert_eq!(verdicts, [("webhook.fallback", Verdict::Pass), ("webhook.fallback", Verdict::Fail)]);
    let v = support::command().arg("verify").arg(&path).output().expect("verify");
    let said = format!("{}{}", support::text(&v.stdout), support::text(&v.stderr));
    assert!(v.status.success() && said.contains("webhook.fallback"), "the evidence verifies: {said}");
}

/// No webhook URL, no evidence API, an API in proxy mode: the check runs to an inconclusive
/// verdict naming what is missing, at once, and never hangs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_session_lacks_is_an_inconclusive_verdict_saying_so() {
    let api = Arc::new(EvidenceApi::start("127.0.0.1:0").await.expect("api"));
    let mut c = cockpit("", 10.0, Some(Arc::clone(&api))).await;
    let (e, _) = c.run(1).await;
    assert_eq!(e.verdict, Verdict::Inconclusive, "{}", e.summary);
    assert!(e.summary.contains("no webhook URL"), "{}", e.summary);
    c.quit().await;

    let mut c = cockpit("http://127.0.0.1:9/hook", 10.0, None).await;
    let (e, _) = c.run(1).await;
    assert_eq!(e.verdict, Verdict::Inconclusive, "{}", e.summary);
    assert!(e.summary.contains("evidence API is not running"), "{}", e.summary);
    c.quit().await;

    let proxy = Arc::new(
        EvidenceApi::start_proxy("127.0.0.1:0", "http://127.0.0.1:9/v1", None).await.expect("proxy"),
    );
    let mut c = cockpit("http://127.0.0.1:9/hook", 10.0, Some(proxy)).await;
    let started = std::time::Instant::now();
    let (e, _) = c.run(1).await;
    assert_eq!(e.verdict, Verdict::Inconclusive, "{}", e.summary);
    assert!(e.summary.contains("proxy mode"), "{}", e.summary);
    assert!(started.elapsed() < Duration::from_secs(10), "not the window: it cannot be judged at all");
    c.quit().await;
}

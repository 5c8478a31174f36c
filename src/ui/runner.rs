//! The runner: owns the terminal, the dossier store and the one message channel; executes the
//! effects `update` asks for and draws once per drained batch of messages (no flicker, no
//! redundant frames). Generic over the backend so tests run it on `TestBackend`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use crate::checks::api::JournalEntry;
use crate::checks::{CheckEvent, CheckId, ProgressSink};
use crate::dossier::{Dossier, DossierStore, Settings};

use super::app::{App, Notice};
use super::launch::{ApiControl, ArmedScenario, CheckLauncher, DemoControl};
use super::msg::{Effect, Msg};
use super::update::update;

/// Where a launched check reports. Cheap to clone; implements [`ProgressSink`], so check code
/// written against that trait plugs straight in. Events are stamped with the time they arrive.
#[derive(Debug, Clone)]
pub struct CheckSink {
    tx: UnboundedSender<Msg>,
}

impl CheckSink {
    pub fn new(tx: UnboundedSender<Msg>) -> Self {
        Self { tx }
    }
}

impl CheckSink {
    /// Reports a request journaled by the evidence API, tagged with the scenario armed then.
    /// Returns `false` once the UI has gone away (the forwarder can stop).
    pub fn journal(&self, check: Option<CheckId>, entry: JournalEntry) -> bool {
        self.tx.send(Msg::Journal { check, entry: Box::new(entry) }).is_ok()
    }

    /// Reports that the journal feed skipped `n` entries (`RecvError::Lagged`), so the live
    /// pane says so instead of silently jumping. Returns `false` once the UI has gone away.
    pub fn journal_lagged(&self, n: u64) -> bool {
        self.tx.send(Msg::JournalLagged(n)).is_ok()
    }

    /// Reports a scenario armed (used by launchers that re-arm by themselves).
    pub fn armed(&self, check: CheckId, armed: ArmedScenario) {
        let _ = self.tx.send(Msg::Armed {
            check,
            describe: armed.describe,
            origin_us: armed.origin_us,
            at: chrono::Utc::now(),
        });
    }

    /// Tells the user something.
    pub fn notice(&self, notice: Notice) {
        let _ = self.tx.send(Msg::Notice(notice));
    }
}

impl ProgressSink for CheckSink {
    fn send(&self, event: CheckEvent) {
        // The UI having quit is not the check's problem.
        let _ = self.tx.send(Msg::Check { event, at: chrono::Utc::now() });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("terminal error: {0}")]
    Terminal(String),
}

/// Runs the TUI loop on a terminal.
pub struct Runner<B: Backend> {
    terminal: Terminal<B>,
    store: Arc<Mutex<DossierStore>>,
    launcher: Option<Arc<dyn CheckLauncher>>,
    api: Option<Arc<dyn ApiControl>>,
    demo: Option<Arc<dyn DemoControl>>,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    tick: Duration,
    /// Whether the launcher follows the journal already (done once, on the first run).
    attached: bool,
}

impl<B: Backend> Runner<B> {
    pub fn new(terminal: Terminal<B>, store: DossierStore) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            terminal,
            store: Arc::new(Mutex::new(store)),
            launcher: None,
            api: None,
            demo: None,
            tx,
            rx,
            tick: Duration::from_millis(100),
            attached: false,
        }
    }

    /// Enables `r` (run the linked live checks).
    pub fn with_launcher(mut self, launcher: Arc<dyn CheckLauncher>) -> Self {
        self.launcher = Some(launcher);
        self
    }

    /// Enables arming, finishing and disarming the session's evidence API, and its live journal.
    pub fn with_api_control(mut self, api: Arc<dyn ApiControl>) -> Self {
        self.api = Some(api);
        self
    }

    /// Enables `d` (the demo peers good/flawed).
    pub fn with_demo(mut self, demo: Arc<dyn DemoControl>) -> Self {
        self.demo = Some(demo);
        self
    }

    /// The sender of the one channel: terminal events, ticks, saves and checks all use it.
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub fn terminal(&self) -> &Terminal<B> {
        &self.terminal
    }

    /// Runs until `update` emits `Effect::Quit` (after the final save).
    pub async fn run(&mut self, app: &mut App) -> Result<(), RunError> {
        self.run_until(app, |_| false).await.map(|_| ())
    }

    /// Runs until the user quits (`Ok(true)`) or `pause(app)` holds after a batch (`Ok(false)`;
    /// call again to carry on). Lets tests and embedders step the loop without sleeping.
    pub async fn run_until(&mut self, app: &mut App, pause: impl Fn(&App) -> bool) -> Result<bool, RunError> {
        if !self.attached {
            self.attached = true;
            if let Some(api) = &self.api {
                api.attach(CheckSink::new(self.tx.clone()));
            }
            self.verify(&app.dossier);
        }
        let ticker = spawn_ticker(self.tx.clone(), self.tick);
        let result = self.run_loop(app, pause).await;
        ticker.abort();
        result
    }

    async fn run_loop(&mut self, app: &mut App, pause: impl Fn(&App) -> bool) -> Result<bool, RunError> {
        self.draw(app)?;
        // The runner holds a sender itself, so `recv` only ends by quitting or pausing.
        while let Some(first) = self.rx.recv().await {
            let mut batch = vec![first];
            while let Ok(more) = self.rx.try_recv() {
                batch.push(more);
            }
            for msg in batch {
                let effects = self.guarded(app, |app| update(app, msg));
                for effect in effects {
                    if matches!(effect, Effect::Quit) {
                        self.draw(app)?;
                        return Ok(true);
                    }
                    self.execute(effect);
                }
            }
            self.draw(app)?;
            if pause(app) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn draw(&mut self, app: &mut App) -> Result<(), RunError> {
        let terminal = &mut self.terminal;
        let store = &self.store;
        guarded(store, app, |app| {
            let area = terminal
                .draw(|frame| frame.render_widget(&*app, frame.area()))
                .map(|frame| frame.area)
                .map_err(|e| RunError::Terminal(e.to_string()))?;
            app.live_rows = super::view::live_journal_rows(app, area);
            app.zoom_max_scroll = super::view::zoom_max_scroll(app, area);
            app.layout = super::view::frame_layout(app, area);
            Ok(())
        })
    }

    fn guarded<T>(&self, app: &mut App, f: impl FnOnce(&mut App) -> T) -> T {
        guarded(&self.store, app, f)
    }

    fn execute(&self, effect: Effect) {
        match effect {
            Effect::Save(dossier) => self.save(*dossier),
            Effect::RunChecks { ids, settings } => self.launch(ids, &settings),
            Effect::Arm { check } => self.arm(check),
            Effect::FaultTimer { epoch, delay } => self.fault_timer(epoch, delay),
            Effect::Finish { check } => self.with_api(|l, sink| l.finish(check, sink)),
            Effect::Disarm => self.with_api(|l, _| {
                l.disarm();
                Ok(())
            }),
            Effect::SetDemoFlawed(flawed) => match &self.demo {
                Some(demo) => demo.set_flawed(flawed),
                None => {
                    let _ = self.tx.send(Msg::Notice(Notice::error("this session has no demo peers")));
                }
            },
            Effect::File(result) => CheckSink::new(self.tx.clone()).send(CheckEvent::Finished(*result)),
            Effect::Quit => {}
        }
    }

    /// Verifies the evidence the session opened with on a blocking task (it reads the sidecar
    /// and re-runs judges); reports `Msg::Verified`. Nothing to verify, nothing sent.
    fn verify(&self, dossier: &Dossier) {
        if dossier.evidence.is_empty() {
            return;
        }
        let Ok(path) = self.store.lock().map(|s| s.path().to_path_buf()) else { return };
        let dossier = dossier.clone();
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(Msg::Verified(crate::dossier::verify::verify(&path, &dossier)));
        });
    }

    /// Saves on a blocking task (serializing and fsync stay off the UI task).
    fn save(&self, dossier: Dossier) {
        let store = Arc::clone(&self.store);
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = match store.lock() {
                Ok(mut store) => {
                    let result = store.save(&dossier).map_err(|e| e.to_string());
                    // A save that needed retries says so (the error, if any, is shown anyway).
                    if let Some(note) = store.take_note() {
                        let _ = tx.send(Msg::Notice(Notice::info(note)));
                    }
                    result
                }
                Err(_) => Err("the dossier store is unusable after a crash in a previous save".to_owned()),
            };
            let _ = tx.send(Msg::Saved(result));
        });
    }

    fn arm(&self, check: CheckId) {
        self.with_api(|l, sink| {
            let armed = l.arm(check, sink.clone())?;
            sink.armed(check, armed);
            l.after_armed(check, sink);
            Ok(())
        });
    }

    /// Draws the delay of an unannounced fault here, so the app never holds it, and reports
    /// `Msg::FaultDue` when it is over (`update` ignores it if the epoch has moved on).
    fn fault_timer(&self, epoch: u64, delay: super::faults::FaultDelay) {
        let after = delay.pick(&mut rand::rng());
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = tx.send(Msg::FaultDue { epoch });
        });
    }

    /// Runs `f` on the evidence API; an error (or no API) becomes a notice.
    fn with_api(&self, f: impl FnOnce(&dyn ApiControl, CheckSink) -> Result<(), String>) {
        let result = match &self.api {
            Some(l) => f(l.as_ref(), CheckSink::new(self.tx.clone())),
            None => Err("the evidence API is not running in this session".to_owned()),
        };
        if let Err(e) = result {
            let _ = self.tx.send(Msg::Notice(Notice::error(e)));
        }
    }

    fn launch(&self, ids: Vec<String>, settings: &Settings) {
        let notice = |n: Notice| {
            let _ = self.tx.send(Msg::Notice(n));
        };
        let Some(launcher) = &self.launcher else {
            notice(Notice::error(format!(
                "live checks are not available in this build ({} not run)",
                ids.join(", ")
            )));
            return;
        };
        let (known, missing): (Vec<String>, Vec<String>) =
            ids.into_iter().partition(|id| launcher.supports(id));
        if !missing.is_empty() {
            notice(Notice::error(format!("no runner for {} in this build", missing.join(", "))));
        }
        if known.is_empty() {
            return;
        }
        if let Err(e) = launcher.launch(known, settings, CheckSink::new(self.tx.clone())) {
            notice(Notice::error(e));
        }
    }
}

/// Runs `f`; if it panics, saves the dossier as it stands (so nothing typed is lost to the
/// autosave debounce) and then lets the panic go on, so the terminal is restored by the panic
/// hook and the process ends as a panic should.
fn guarded<T>(store: &Mutex<DossierStore>, app: &mut App, f: impl FnOnce(&mut App) -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(app))) {
        Ok(value) => value,
        Err(payload) => {
            if let Ok(mut store) = store.lock() {
                let _ = store.save(&app.dossier);
            }
            std::panic::resume_unwind(payload)
        }
    }
}

fn spawn_ticker(tx: UnboundedSender<Msg>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            if tx.send(Msg::Tick(Instant::now())).is_err() {
                break;
            }
        }
    })
}

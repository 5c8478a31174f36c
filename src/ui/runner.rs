//! The runner: owns the terminal, the dossier store and the one message channel; executes the
//! effects `update` asks for and draws once per drained batch of messages (no flicker, no
//! redundant frames). Generic over the backend so tests run it on `TestBackend`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use crate::checks::{CheckEvent, ProgressSink};
use crate::dossier::{Dossier, DossierStore, Settings};

use super::app::{App, Notice};
use super::msg::{Effect, Msg};
use super::update::update;

/// Starts live checks for the TUI. The UI does not know how checks run (webhook deliveries,
/// the evidence API…): whoever builds the binary passes an implementation to the runner.
pub trait CheckLauncher: Send + Sync {
    /// Whether this launcher has a runner for the check id.
    fn supports(&self, id: &str) -> bool;

    /// Starts the checks and returns at once (called on the runner's tokio task: spawn the
    /// work with `tokio::spawn`). Each check reports `Started`, any `Progress`, then exactly one
    /// `Finished` through `sink`; the TUI files `Finished` results as evidence and autosaves.
    /// An `Err` (e.g. the webhook URL is not set) is shown to the user as is.
    fn launch(&self, ids: Vec<String>, settings: &Settings, sink: CheckSink) -> Result<(), String>;
}

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
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    tick: Duration,
}

impl<B: Backend> Runner<B> {
    pub fn new(terminal: Terminal<B>, store: DossierStore) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            terminal,
            store: Arc::new(Mutex::new(store)),
            launcher: None,
            tx,
            rx,
            tick: Duration::from_millis(100),
        }
    }

    /// Enables `r` (run the linked live checks).
    pub fn with_launcher(mut self, launcher: Arc<dyn CheckLauncher>) -> Self {
        self.launcher = Some(launcher);
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
            terminal
                .draw(|frame| frame.render_widget(&*app, frame.area()))
                .map(|_| ())
                .map_err(|e| RunError::Terminal(e.to_string()))
        })
    }

    fn guarded<T>(&self, app: &mut App, f: impl FnOnce(&mut App) -> T) -> T {
        guarded(&self.store, app, f)
    }

    fn execute(&self, effect: Effect) {
        match effect {
            Effect::Save(dossier) => self.save(*dossier),
            Effect::RunChecks { ids, settings } => self.launch(ids, &settings),
            Effect::Quit => {}
        }
    }

    /// Saves on a blocking task (serializing and fsync stay off the UI task).
    fn save(&self, dossier: Dossier) {
        let store = Arc::clone(&self.store);
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = match store.lock() {
                Ok(mut store) => store.save(&dossier).map_err(|e| e.to_string()),
                Err(_) => Err("the dossier store is unusable after a crash in a previous save".to_owned()),
            };
            let _ = tx.send(Msg::Saved(result));
        });
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

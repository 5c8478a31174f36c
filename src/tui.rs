//! The real terminal: raw mode and the alternate screen via `ratatui::try_init` (which also
//! installs a panic hook that restores the terminal), a blocking thread that turns terminal
//! events into `Msg`s on the runner's channel, and `ratatui::restore` on every way out.

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc::UnboundedSender;

use crate::dossier::DossierStore;
use crate::session::LiveChecks;
use crate::ui::{App, Msg, RunError, Runner};

/// How often the input thread looks whether the UI has gone away.
const POLL: Duration = Duration::from_millis(100);

/// Restores the terminal when dropped, so an early return or error also cleans up.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the review TUI on the current terminal until the user quits (after the final save).
pub async fn run(app: &mut App, store: DossierStore, live: Option<LiveChecks>) -> Result<(), RunError> {
    let terminal = ratatui::try_init().map_err(|e| RunError::Terminal(e.to_string()))?;
    let _restore = Restore;
    let mut runner = Runner::new(terminal, store);
    if let Some(live) = live {
        runner = live.install(runner);
    }
    spawn_input(runner.sender());
    runner.run(app).await
}

/// Reads terminal events on a plain thread (crossterm's reads block) and forwards key
/// *presses* and resizes. Ends when the channel closes or the terminal cannot be read.
fn spawn_input(tx: UnboundedSender<Msg>) {
    std::thread::spawn(move || {
        while !tx.is_closed() {
            match event::poll(POLL) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => break,
            }
            let msg = match event::read() {
                Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => Msg::Key(key),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

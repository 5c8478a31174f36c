//! The real terminal: raw mode and the alternate screen via `ratatui::try_init` (which also
//! installs a panic hook that restores the terminal), mouse capture unless `--no-mouse`, a
//! blocking thread that turns terminal events into `Msg`s on the runner's channel, and the
//! terminal restored on every way out: return, error and panic alike.

use std::time::Duration;

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use ratatui::crossterm::execute;
use tokio::sync::mpsc::UnboundedSender;

use crate::dossier::DossierStore;
use crate::session::LiveChecks;
use crate::ui::{App, MouseInput, Msg, RunError, Runner};

/// How often the input thread looks whether the UI has gone away.
const POLL: Duration = Duration::from_millis(100);

/// Whether the terminal reports the mouse to the cockpit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    /// Clicks and the wheel reach the cockpit (the default).
    Captured,
    /// `--no-mouse`: the terminal keeps the mouse, so its own text selection works.
    Off,
}

/// Restores the terminal when dropped, so an early return or error also cleans up: mouse
/// capture off first (a shell left capturing prints escape codes for every move), then
/// ratatui's restore (raw mode, alternate screen).
struct Restore(Mouse);

impl Drop for Restore {
    fn drop(&mut self) {
        if self.0 == Mouse::Captured {
            release_mouse();
        }
        ratatui::restore();
    }
}

fn release_mouse() {
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
}

/// On panic, mouse capture goes off before the hook `ratatui::try_init` installed restores
/// the rest and prints the panic.
fn release_mouse_on_panic() {
    let restore_terminal = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        restore_terminal(info);
    }));
}

/// Runs the review TUI on the current terminal until the user quits (after the final save).
pub async fn run(
    app: &mut App,
    store: DossierStore,
    live: Option<LiveChecks>,
    mouse: Mouse,
) -> Result<(), RunError> {
    let terminal = ratatui::try_init().map_err(|e| RunError::Terminal(e.to_string()))?;
    let _restore = Restore(mouse);
    if mouse == Mouse::Captured {
        release_mouse_on_panic();
        execute!(std::io::stdout(), EnableMouseCapture).map_err(|e| {
            RunError::Terminal(format!("cannot turn on mouse capture ({e}); --no-mouse runs without it"))
        })?;
    }
    let mut runner = Runner::new(terminal, store);
    if let Some(live) = live {
        runner = live.install(runner);
    }
    spawn_input(runner.sender(), mouse);
    runner.run(app).await
}

/// Reads terminal events on a plain thread (crossterm's reads block) and forwards key
/// *presses*, clicks and wheel turns (not with `--no-mouse`: a mouse report that arrives all
/// the same, from a terminal left capturing, is not the reviewer's doing), and resizes. Ends
/// when the channel closes or the terminal cannot be read.
fn spawn_input(tx: UnboundedSender<Msg>, mouse: Mouse) {
    std::thread::spawn(move || {
        while !tx.is_closed() {
            match event::poll(POLL) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => break,
            }
            let msg = match event::read() {
                Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => Msg::Key(key),
                Ok(Event::Mouse(m)) => match MouseInput::from_crossterm(&m) {
                    Some(input) if mouse == Mouse::Captured => Msg::Mouse(input),
                    _ => continue,
                },
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

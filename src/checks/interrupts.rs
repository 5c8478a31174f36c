//! Ctrl-C and SIGTERM as one thing to wait for. A reviewer stops a run with Ctrl-C; a CI job
//! that times out sends SIGTERM. Both must end a run the same way (what finished is printed,
//! exit 130), not one cleanly and the other by the default action, which kills the process
//! before it prints or stops its children.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// Both signals, caught from creation for as long as this lives. Create it inside a tokio
/// runtime (signal registration needs its driver).
pub struct Interrupts {
    int: Signal,
    term: Signal,
}

impl Interrupts {
    pub fn new() -> std::io::Result<Self> {
        Ok(Self { int: signal(SignalKind::interrupt())?, term: signal(SignalKind::terminate())? })
    }

    /// Resolves when either arrives, with its name.
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "SIGINT",
            _ = self.term.recv() => "SIGTERM",
        }
    }
}

//! Connection slots, kept for clients that use them. The server holds at most
//! [`MAX_CONNECTIONS`] connections; when all are taken and another arrives, the oldest *idle*
//! one is closed to make room — first a connection that never completed a request (a silent
//! or slow-header connection, or a stalled TLS handshake), then one idle between requests —
//! and the newcomer is served. Only when every slot is in the middle of a request is the
//! newcomer refused. So a flood of silent connections cannot starve a well-behaved client: each
//! new connection displaces the oldest silent one, and a client's connection sends its request
//! at once. Both displacements and refusals are counted in the journal (see
//! `Journal::note_connection`), which judged runs report as observations.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Connections beyond this displace an idle one or are refused.
pub const MAX_CONNECTIONS: usize = 256;

/// Has not completed a request yet.
const FRESH: u8 = 0;
/// A request is being handled.
const BUSY: u8 = 1;
/// Between requests, after serving at least one.
const IDLE: u8 = 2;

/// One connection's state, shared between its task and the registry.
#[derive(Debug)]
pub struct Slot {
    state: AtomicU8,
    /// Told to close when displaced.
    close: Notify,
}

impl Slot {
    /// A request has arrived (headers complete).
    pub fn busy(&self) {
        self.state.store(BUSY, Ordering::Relaxed);
    }

    /// Its response is ready; the connection waits for the next request.
    pub fn idle(&self) {
        self.state.store(IDLE, Ordering::Relaxed);
    }

    /// Resolves when the registry displaces this connection.
    pub async fn displaced(&self) {
        self.close.notified().await;
    }
}

/// The open connections, oldest first.
#[derive(Debug, Default)]
pub struct Slots {
    open: Mutex<BTreeMap<u64, Arc<Slot>>>,
    next_id: std::sync::atomic::AtomicU64,
}

/// What became of a new connection.
#[derive(Debug)]
pub enum Admission {
    /// Served; the slot is released by dropping the guard.
    Admitted { guard: SlotGuard, displaced: bool },
    /// Every slot is in the middle of a request.
    Refused,
}

impl Slots {
    /// Admits a new connection: into a free slot, or into the slot of the oldest idle
    /// connection, which is told to close.
    pub fn admit(self: &Arc<Self>) -> Admission {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let mut displaced = false;
        if open.len() >= MAX_CONNECTIONS {
            let victim = [FRESH, IDLE].into_iter().find_map(|want| {
                open.iter().find(|(_, s)| s.state.load(Ordering::Relaxed) == want).map(|(id, _)| *id)
            });
            let Some(victim) = victim else { return Admission::Refused };
            if let Some(slot) = open.remove(&victim) {
                slot.close.notify_one();
            }
            displaced = true;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot { state: AtomicU8::new(FRESH), close: Notify::new() });
        open.insert(id, slot.clone());
        Admission::Admitted { guard: SlotGuard { slots: self.clone(), id, slot }, displaced }
    }
}

/// A connection's hold on its slot, released when its task ends.
#[derive(Debug)]
pub struct SlotGuard {
    slots: Arc<Slots>,
    id: u64,
    pub slot: Arc<Slot>,
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|p| p.into_inner());
        open.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admitted(a: Admission) -> (SlotGuard, bool) {
        match a {
            Admission::Admitted { guard, displaced } => (guard, displaced),
            Admission::Refused => panic!("refused"),
        }
    }

    #[test]
    fn the_oldest_silent_connection_makes_room_then_idle_ones_then_none() {
        let slots = Arc::new(Slots::default());
        let mut held: Vec<SlotGuard> = (0..MAX_CONNECTIONS).map(|_| admitted(slots.admit()).0).collect();
        // Every slot served a request but the 11th, which never sent one.
        for (i, g) in held.iter().enumerate() {
            if i != 10 {
                g.slot.busy();
                g.slot.idle();
            }
        }
        let (newcomer, displaced) = admitted(slots.admit());
        assert!(displaced);
        assert_eq!(slots.open.lock().expect("lock").len(), MAX_CONNECTIONS);
        assert!(!slots.open.lock().expect("lock").contains_key(&10), "the silent one went first");
        newcomer.slot.busy();
        // Next, the oldest idle one (id 0).
        let (second, _) = admitted(slots.admit());
        assert!(!slots.open.lock().expect("lock").contains_key(&0));
        second.slot.busy();
        for g in &held {
            g.slot.busy();
        }
        drop(newcomer);
        let (third, _) = admitted(slots.admit());
        third.slot.busy();
        assert!(matches!(slots.admit(), Admission::Refused), "every slot mid-request");
        held.clear();
    }
}

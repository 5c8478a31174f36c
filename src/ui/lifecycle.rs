//! The app's lifecycle as two state machines: whether the dossier in memory is on disk
//! ([`SaveState`]) and whether the reviewer is leaving ([`QuitState`]). Each state that excludes
//! another is one variant, so "saving and failed at once" or "quitting and armed at once" cannot
//! be written down. The transitions are methods here; `update` decides when to call them.

use std::time::{Duration, Instant};

/// Changes not on disk yet: the first and the latest, which the autosave debounce reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changes {
    pub first: Instant,
    pub last: Instant,
}

impl Changes {
    fn at(now: Instant) -> Self {
        Self { first: now, last: now }
    }

    /// Another change at `now`; the first stays, so a reviewer who keeps typing is still saved.
    fn and(self, now: Instant) -> Self {
        Self { first: self.first, last: now }
    }

    /// Quiet for `quiet` since the latest change, or waiting `overdue` since the first.
    pub fn due(&self, now: Instant, quiet: Duration, overdue: Duration) -> bool {
        now.saturating_duration_since(self.last) >= quiet
            || now.saturating_duration_since(self.first) >= overdue
    }
}

/// Where the dossier on disk stands against the one in memory (the header shows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Everything is on disk.
    Clean,
    /// Changes wait for the debounce.
    Dirty(Changes),
    /// A save is in flight (at most one). `changed`: changes made since it began, saved after
    /// it. `retrying`: the previous save's error, still shown until this one succeeds.
    Saving { changed: Option<Changes>, retrying: Option<String> },
    /// The last save failed; the changes stay in memory and the next change (or quitting)
    /// retries. `changed`: changes made since the failure.
    Failed { error: String, changed: Option<Changes> },
}

impl SaveState {
    /// A new dossier (not on disk yet) starts dirty, so the first autosave writes it.
    pub fn new(created: bool, now: Instant) -> Self {
        if created { Self::Dirty(Changes::at(now)) } else { Self::Clean }
    }

    /// Records a change made at `now`.
    pub fn changed(&mut self, now: Instant) {
        let add = |c: Option<Changes>| Some(c.map_or(Changes::at(now), |c| c.and(now)));
        *self = match std::mem::replace(self, Self::Clean) {
            Self::Clean => Self::Dirty(Changes::at(now)),
            Self::Dirty(c) => Self::Dirty(c.and(now)),
            Self::Saving { changed, retrying } => Self::Saving { changed: add(changed), retrying },
            Self::Failed { error, changed } => Self::Failed { error, changed: add(changed) },
        };
    }

    /// The changes waiting for an autosave (none while a save is in flight: one at a time).
    pub fn waiting(&self) -> Option<Changes> {
        match self {
            Self::Dirty(c) | Self::Failed { changed: Some(c), .. } => Some(*c),
            _ => None,
        }
    }

    /// Whether quitting has to save first: anything not known to be on disk.
    pub fn unsaved(&self) -> bool {
        matches!(self, Self::Dirty(_) | Self::Failed { .. })
    }

    pub fn in_flight(&self) -> bool {
        matches!(self, Self::Saving { .. })
    }

    /// A save of everything in memory begins.
    pub fn begin(&mut self) {
        let retrying = match std::mem::replace(self, Self::Clean) {
            Self::Failed { error, .. } => Some(error),
            Self::Saving { retrying, .. } => retrying,
            Self::Clean | Self::Dirty(_) => None,
        };
        *self = Self::Saving { changed: None, retrying };
    }

    /// The save in flight ended. Changes made meanwhile are dirty (or still failed) after it.
    pub fn finished(&mut self, result: Result<(), String>) {
        let changed = match std::mem::replace(self, Self::Clean) {
            Self::Saving { changed, .. } | Self::Failed { changed, .. } => changed,
            Self::Dirty(c) => Some(c),
            Self::Clean => None,
        };
        *self = match result {
            Ok(()) => changed.map_or(Self::Clean, Self::Dirty),
            Err(error) => Self::Failed { error, changed },
        };
    }

    /// The error to show: the last save's, until a save succeeds (also while one retries).
    pub fn error(&self) -> Option<&str> {
        match self {
            Self::Failed { error, .. } | Self::Saving { retrying: Some(error), .. } => Some(error),
            _ => None,
        }
    }
}

/// Whether the reviewer is leaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitState {
    /// Working.
    Staying,
    /// `q` (or Ctrl-C) was pressed: quit as soon as the final save is done.
    AfterSave,
    /// The final save failed: `q` again quits without saving. A later successful save disarms.
    Armed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Instant {
        Instant::now()
    }

    #[test]
    fn a_change_during_a_save_is_dirty_after_it() {
        let now = t0();
        let mut s = SaveState::Clean;
        s.changed(now);
        assert_eq!(s, SaveState::Dirty(Changes::at(now)));
        s.begin();
        assert!(s.in_flight() && s.waiting().is_none(), "one save at a time");
        let later = now + Duration::from_millis(5);
        s.changed(later);
        s.finished(Ok(()));
        assert_eq!(s, SaveState::Dirty(Changes::at(later)));
        s.begin();
        s.finished(Ok(()));
        assert_eq!(s, SaveState::Clean);
    }

    #[test]
    fn a_failure_is_kept_while_retrying_and_cleared_by_a_success() {
        let now = t0();
        let mut s = SaveState::Dirty(Changes::at(now));
        s.begin();
        s.finished(Err("disk full".into()));
        assert_eq!(s.error(), Some("disk full"));
        assert!(s.unsaved() && s.waiting().is_none(), "retried by the next change or by quitting");
        s.changed(now);
        assert_eq!(s.waiting(), Some(Changes::at(now)));
        s.begin();
        assert_eq!(s.error(), Some("disk full"), "shown while the retry is in flight");
        s.finished(Ok(()));
        assert_eq!((s.error(), s.unsaved()), (None, false));
    }

    #[test]
    fn the_first_change_stays_while_more_come() {
        let now = t0();
        let mut s = SaveState::new(true, now);
        let later = now + Duration::from_millis(800);
        s.changed(later);
        let c = s.waiting().expect("dirty");
        assert_eq!((c.first, c.last), (now, later));
        let (quiet, overdue) = (Duration::from_millis(400), Duration::from_millis(900));
        assert!(!c.due(later, quiet, overdue));
        assert!(c.due(now + overdue, quiet, overdue), "overdue since the first change");
        assert!(c.due(later + quiet, quiet, overdue), "quiet since the latest");
    }
}
